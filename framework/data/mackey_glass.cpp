#include <cmath>
#include <string>

#include "framework/core/error.hpp"
#include "framework/data/generators.hpp"

namespace nclab {
namespace {

constexpr std::size_t default_horizon = 6;
// A guard against typos such as 60000 for 6, because the integration costs 10 steps per unit of time.
constexpr std::size_t max_horizon = 10000;
// Input lags in time units: x(t-18), x(t-12), x(t-6), x(t).
constexpr std::size_t input_lags[] = {18, 12, 6, 0};

double mackey_glass_derivative(double x, double x_delayed) {
  return 0.2 * x_delayed / (1.0 + std::pow(x_delayed, 10.0)) - 0.1 * x;
}

}  // namespace

std::vector<double> mackey_glass_series(std::size_t last_t) {
  const double h = mackey_glass_step;
  const auto steps_per_unit = static_cast<std::size_t>(std::lround(1.0 / h));
  const auto delay_steps = static_cast<std::size_t>(std::lround(mackey_glass_tau / h));
  const std::size_t total_steps = last_t * steps_per_unit;

  // x[n] = x(n h). The delayed value x(t_n - tau) is the grid value delay_steps back, or the constant
  // history before t = 0. RK4's half steps need x(t_n + h/2 - tau), which lies between two grid points,
  // so it is their mean (linear interpolation).
  std::vector<double> x(total_steps + 1);
  x[0] = mackey_glass_history;
  auto delayed = [&](std::size_t n) {  // x((n - delay_steps) h)
    return n < delay_steps ? mackey_glass_history : x[n - delay_steps];
  };

  for (std::size_t n = 0; n < total_steps; ++n) {
    const double delayed_start = delayed(n);
    const double delayed_end = delayed(n + 1);
    const double delayed_middle = 0.5 * (delayed_start + delayed_end);

    const double k1 = mackey_glass_derivative(x[n], delayed_start);
    const double k2 = mackey_glass_derivative(x[n] + 0.5 * h * k1, delayed_middle);
    const double k3 = mackey_glass_derivative(x[n] + 0.5 * h * k2, delayed_middle);
    const double k4 = mackey_glass_derivative(x[n] + h * k3, delayed_end);
    x[n + 1] = x[n] + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
  }

  std::vector<double> series(last_t + 1);
  for (std::size_t t = 0; t <= last_t; ++t) series[t] = x[t * steps_per_unit];
  return series;
}

Dataset generate_mackey_glass(const GeneratorOptions& options) {
  const std::size_t horizon = options.horizon.value_or(default_horizon);
  if (horizon < 1 || horizon > max_horizon) {
    throw InputError("invalid Mackey-Glass horizon " + std::to_string(horizon) +
                     ": give a number of time units from 1 to " + std::to_string(max_horizon) +
                     " (the usual value is 6)");
  }
  const std::vector<double> series = mackey_glass_series(mackey_glass_last_t + horizon);

  const std::size_t rows = mackey_glass_last_t - mackey_glass_first_t + 1;
  Dataset dataset;
  dataset.source = "builtin:mackey-glass";
  dataset.task = Task::regression;
  dataset.inputs.resize(rows, std::size(input_lags));
  dataset.targets.resize(rows, 1);
  for (std::size_t lag : input_lags) {
    dataset.feature_names.push_back(lag == 0 ? "x(t)" : "x(t-" + std::to_string(lag) + ")");
  }
  dataset.target_names = {"x(t+" + std::to_string(horizon) + ")"};

  for (std::size_t row = 0; row < rows; ++row) {
    const std::size_t t = mackey_glass_first_t + row;
    for (std::size_t i = 0; i < std::size(input_lags); ++i)
      dataset.inputs(row, i) = series[t - input_lags[i]];
    dataset.targets(row, 0) = series[t + horizon];
  }

  Split split;
  split.name = "predefined";
  const std::size_t train_rows = mackey_glass_last_train_t - mackey_glass_first_t + 1;
  for (std::size_t row = 0; row < rows; ++row) (row < train_rows ? split.train : split.test).push_back(row);
  dataset.predefined_split = std::move(split);
  return dataset;
}

}  // namespace nclab
