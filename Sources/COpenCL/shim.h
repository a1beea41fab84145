// OpenCL through the ICD loader (Debian: ocl-icd-opencl-dev, opencl-headers).
// Target 1.2 so every driver (PoCL, NVIDIA, AMD, Intel) accepts what we call.
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
