#pragma once
// OpenBLAS runs single-threaded inside nclab's tasks: all parallelism lives in the oneTBB scheduler,
// and a BLAS thread pool nested inside TBB tasks would oversubscribe the cores.

#include <string>

namespace nclab {

// Sets OpenBLAS to one thread and checks that it took effect; throws RuntimeFailure otherwise.
void configure_blas_single_threaded();

// openblas_get_config(), e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64".
std::string blas_configuration();

}  // namespace nclab
