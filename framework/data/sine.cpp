#include <cmath>
#include <numbers>

#include "framework/core/rng.hpp"
#include "framework/data/generators.hpp"

namespace nclab {

Dataset generate_sine(const GeneratorOptions& options) {
  const std::size_t samples = options.samples.value_or(200);
  const double noise = options.noise.value_or(0.1);

  Dataset dataset;
  dataset.source = "builtin:sine";
  dataset.task = Task::regression;
  dataset.inputs.resize(samples, 1);
  dataset.targets.resize(samples, 1);
  dataset.feature_names = {"x"};
  dataset.target_names = {"y"};

  // One uniform draw for x and one normal deviate per row, the deviate drawn even when the noise is 0.
  Rng rng = Rng::stream(options.seed, hash_string(dataset.source), 0, StreamPurpose::data);
  for (std::size_t row = 0; row < samples; ++row) {
    const double x = rng.uniform(-std::numbers::pi, std::numbers::pi);
    dataset.inputs(row, 0) = x;
    dataset.targets(row, 0) = std::sin(x) + noise * rng.normal();
  }
  return dataset;
}

}  // namespace nclab
