#pragma once
// Central finite-difference checks of analytic gradients, in double precision.
//
// The numeric derivative is the central difference D(h) = (f(x + h) - f(x - h)) / 2h refined by one
// Richardson step, (4 D(h/2) - D(h)) / 3, whose truncation error is O(h^4). With h = 1e-3 the error
// left is rounding, about 1e-13 |f| / h. Each entry is compared by
//   |analytic - numeric| / max(|analytic|, |numeric|, floor)
// so entries below `floor` (1e-4 by default) are held to an absolute error of floor * tolerance.

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

#include "framework/core/matrix.hpp"
#include "framework/core/rng.hpp"
#include "framework/model/model.hpp"

namespace nclab::test_support {

inline constexpr double gradient_tolerance = 1e-6;
inline constexpr double default_step = 1e-3;
inline constexpr double default_floor = 1e-4;

// Outcome of one comparison. Printing it names the worst entry and both of its values.
struct GradientCheckResult {
  std::string what;                 // e.g. "softmax output, cross-entropy parameter gradient"
  std::size_t checked = 0;          // entries compared
  double max_relative_error = 0.0;  // worst entry, by the measure above
  std::size_t worst_index = 0;      // flat index of that entry
  double analytic = 0.0;            // its analytic value
  double numeric = 0.0;             // its numeric value
  double max_abs_numeric = 0.0;     // largest numeric entry, to show the check was not all zeros
};

std::ostream& operator<<(std::ostream& out, const GradientCheckResult& result);

// Compares two gradients entry by entry.
GradientCheckResult compare_gradients(std::string what, std::span<const double> analytic,
                                      std::span<const double> numeric, double floor = default_floor);

// Returns the Richardson-refined central difference of `evaluate` in `coordinate`, which it perturbs
// and restores.
double numeric_derivative(const std::function<double()>& evaluate, double& coordinate, double step = default_step);

// Compares `analytic` with the numeric gradient of f at `point`, which is restored afterwards.
GradientCheckResult check_gradient(std::string what, const std::function<double(std::span<const double>)>& f,
                                   std::span<double> point, std::span<const double> analytic);

// A batch loss on model outputs, with its gradient and the quantity that gradient is taken at.
struct LossFunction {
  std::string name;
  std::function<double(ConstMatrixView outputs, ConstMatrixView targets)> value;
  std::function<void(ConstMatrixView outputs, ConstMatrixView targets, MatrixView gradient)> gradient;
  GradientAt at = GradientAt::output;
};

LossFunction squared_error_loss();
// dL/dY = -T / (N Y), chained by the model through the full softmax Jacobian.
LossFunction cross_entropy_loss();
// The fused softmax + cross-entropy gradient (Y - T) / N, passed at the logits.
LossFunction softmax_cross_entropy_loss();

// Checks the model's parameter gradient of loss(model(x), t).
GradientCheckResult check_parameter_gradient(Model& model, ConstMatrixView x, ConstMatrixView t,
                                             const LossFunction& loss);
// Checks the model's input gradient dLoss/dX of loss(model(x), t).
GradientCheckResult check_input_gradient(Model& model, ConstMatrixView x, ConstMatrixView t, const LossFunction& loss);
// Checks every output's derivative dY_nk/dtheta and dY_nk/dX (the full Jacobians) by back-propagating
// the unit gradient of each output at GradientAt::output.
GradientCheckResult check_parameter_jacobian(Model& model, ConstMatrixView x);
GradientCheckResult check_input_jacobian(Model& model, ConstMatrixView x);

// Random data for the checks.
Matrix random_matrix(std::size_t rows, std::size_t cols, Rng& rng, double low = -1.0, double high = 1.0);
Matrix random_one_hot(std::size_t rows, std::size_t classes, Rng& rng);
// Rows of positive entries summing to 1 (soft targets).
Matrix random_distributions(std::size_t rows, std::size_t classes, Rng& rng);

}  // namespace nclab::test_support
