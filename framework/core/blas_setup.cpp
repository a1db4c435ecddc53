#include "framework/core/blas_setup.hpp"

#include <cblas.h>

#include "framework/core/error.hpp"

namespace nclab {

void configure_blas_single_threaded() {
  openblas_set_num_threads(1);
  const int threads = openblas_get_num_threads();
  if (threads != 1) {
    throw RuntimeFailure("OpenBLAS kept " + std::to_string(threads) +
                         " threads after openblas_set_num_threads(1); set OPENBLAS_NUM_THREADS=1 and retry");
  }
}

std::string blas_configuration() { return openblas_get_config(); }

}  // namespace nclab
