// Kernels are OpenCL C 1.2, one file per op family.
