#include "framework/model/model.hpp"

namespace nclab {

void Model::initialize_uniform(Rng& rng, double range) {
  for (double& value : parameters()) value = rng.uniform(-range, range);
}

}  // namespace nclab
