// OpenBLAS through its CBLAS interface (Debian libopenblas-dev, pthread variant).
// Imported only by the LinearAlgebra target, whose `gemm` is the single caller of cblas_sgemm.
// The pkg-config include path points at openblas-pthread/, whose cblas.h also declares
// openblas_set_num_threads and openblas_get_corename.
#include <cblas.h>
