// MPI's C API (Debian: libopenmpi-dev; found through pkg-config's ompi-c). The predefined
// handles are macros over implementation globals, which Swift cannot import, so each one
// Kiln uses is returned by a small inline function here.
#include <mpi.h>

static inline MPI_Comm kiln_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype kiln_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype kiln_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype kiln_mpi_uint64(void) { return MPI_UINT64_T; }
static inline MPI_Op kiln_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Info kiln_mpi_info_null(void) { return MPI_INFO_NULL; }
static inline void *kiln_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline int kiln_mpi_comm_type_shared(void) { return MPI_COMM_TYPE_SHARED; }
static inline int kiln_mpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }
