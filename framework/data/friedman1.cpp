#include <cmath>
#include <numbers>
#include <string>

#include "framework/core/rng.hpp"
#include "framework/data/generators.hpp"

namespace nclab {

Dataset generate_friedman1(const GeneratorOptions& options) {
  constexpr std::size_t inputs = 10;
  const std::size_t samples = options.samples.value_or(1000);
  const double noise = options.noise.value_or(1.0);

  Dataset dataset;
  dataset.source = "builtin:friedman1";
  dataset.task = Task::regression;
  dataset.inputs.resize(samples, inputs);
  dataset.targets.resize(samples, 1);
  for (std::size_t i = 1; i <= inputs; ++i) dataset.feature_names.push_back("x" + std::to_string(i));
  dataset.target_names = {"y"};

  // Each row draws its 10 inputs, then one normal deviate, even when the noise is 0, so that the inputs
  // of a seed do not depend on the noise level.
  Rng rng = Rng::stream(options.seed, hash_string(dataset.source), 0, StreamPurpose::data);
  for (std::size_t row = 0; row < samples; ++row) {
    auto x = dataset.inputs.row(row);
    for (double& value : x) value = rng.uniform();
    const double y = 10.0 * std::sin(std::numbers::pi * x[0] * x[1]) + 20.0 * (x[2] - 0.5) * (x[2] - 0.5) +
                     10.0 * x[3] + 5.0 * x[4];
    dataset.targets(row, 0) = y + noise * rng.normal();
  }
  return dataset;
}

}  // namespace nclab
