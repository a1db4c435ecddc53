#include "gradient_check.hpp"

#include <algorithm>
#include <cmath>
#include <ostream>

#include "framework/math/cross_entropy.hpp"
#include "framework/math/squared_error.hpp"

namespace nclab::test_support {

std::ostream& operator<<(std::ostream& out, const GradientCheckResult& result) {
  out.precision(17);
  return out << result.what << ": " << result.checked << " entries, max relative error " << result.max_relative_error
             << " at index " << result.worst_index << " (analytic " << result.analytic << ", numeric "
             << result.numeric << "), largest numeric entry " << result.max_abs_numeric;
}

GradientCheckResult compare_gradients(std::string what, std::span<const double> analytic,
                                      std::span<const double> numeric, double floor) {
  GradientCheckResult result;
  result.what = std::move(what);
  result.checked = analytic.size();
  if (analytic.size() != numeric.size()) {
    result.max_relative_error = INFINITY;
    result.what += " (analytic and numeric sizes differ)";
    return result;
  }
  for (std::size_t i = 0; i < analytic.size(); ++i) {
    const double scale = std::max({std::fabs(analytic[i]), std::fabs(numeric[i]), floor});
    double error = std::fabs(analytic[i] - numeric[i]) / scale;
    if (std::isnan(error)) error = INFINITY;
    result.max_abs_numeric = std::max(result.max_abs_numeric, std::fabs(numeric[i]));
    if (error > result.max_relative_error || i == 0) {
      result.max_relative_error = error;
      result.worst_index = i;
      result.analytic = analytic[i];
      result.numeric = numeric[i];
    }
  }
  return result;
}

double numeric_derivative(const std::function<double()>& evaluate, double& coordinate, double step) {
  const double original = coordinate;
  auto central = [&](double h) {
    coordinate = original + h;
    const double plus = evaluate();
    coordinate = original - h;
    const double minus = evaluate();
    coordinate = original;
    return (plus - minus) / (2.0 * h);
  };
  const double coarse = central(step);
  const double fine = central(step / 2.0);
  return (4.0 * fine - coarse) / 3.0;
}

GradientCheckResult check_gradient(std::string what, const std::function<double(std::span<const double>)>& f,
                                   std::span<double> point, std::span<const double> analytic) {
  std::vector<double> numeric(point.size());
  for (std::size_t i = 0; i < point.size(); ++i) {
    numeric[i] = numeric_derivative([&] { return f(point); }, point[i]);
  }
  return compare_gradients(std::move(what), analytic, numeric);
}

LossFunction squared_error_loss() {
  return {"squared-error", squared_error, squared_error_gradient, GradientAt::output};
}

LossFunction cross_entropy_loss() {
  return {"cross-entropy", cross_entropy, cross_entropy_gradient, GradientAt::output};
}

LossFunction softmax_cross_entropy_loss() {
  return {"softmax-cross-entropy", cross_entropy, softmax_cross_entropy_gradient, GradientAt::logits};
}

namespace {

std::string describe(const Model& model, const std::string& quantity) {
  return to_string(model.output_activation()) + " output, " + quantity;
}

double evaluate_loss(Model& model, ConstMatrixView x, ConstMatrixView t, const LossFunction& loss, Matrix& y) {
  model.forward(x, y.view());
  return loss.value(y.view(), t);
}

// Runs forward and backward once and fills the parameter and input gradients.
void analytic_gradients(Model& model, ConstMatrixView x, ConstMatrixView t, const LossFunction& loss,
                        std::vector<double>& param_grad, Matrix& input_grad) {
  Matrix y(x.rows, model.output_size());
  Matrix grad(x.rows, model.output_size());
  model.forward(x, y.view());
  loss.gradient(y.view(), t, grad.view());
  param_grad.assign(model.parameter_count(), 0.0);
  input_grad.resize(x.rows, x.cols);
  MatrixView input_view = input_grad.view();
  model.backward(grad.view(), loss.at, param_grad, &input_view);
}

Matrix copy_of(ConstMatrixView x) {
  Matrix copy(x.rows, x.cols);
  for (std::size_t r = 0; r < x.rows; ++r) std::copy_n(x.data + r * x.stride, x.cols, copy.row(r).begin());
  return copy;
}

// Returns the numeric Jacobian of the outputs that `run` computes with respect to each coordinate,
// by the same Richardson-refined central difference as numeric_derivative. Row i contains
// dY/dcoordinate_i with Y flattened (N x K).
Matrix numeric_output_jacobian(std::span<double> coordinates, const std::function<void(Matrix&)>& run) {
  Matrix y;
  run(y);
  const std::size_t output_count = y.size();
  Matrix jacobian(coordinates.size(), output_count);

  std::vector<double> plus(output_count), minus(output_count), coarse(output_count);
  for (std::size_t i = 0; i < coordinates.size(); ++i) {
    const double original = coordinates[i];
    for (const double h : {default_step, default_step / 2.0}) {
      coordinates[i] = original + h;
      run(y);
      std::copy(y.storage().begin(), y.storage().end(), plus.begin());
      coordinates[i] = original - h;
      run(y);
      std::copy(y.storage().begin(), y.storage().end(), minus.begin());
      coordinates[i] = original;
      for (std::size_t j = 0; j < output_count; ++j) {
        const double central = (plus[j] - minus[j]) / (2.0 * h);
        if (h == default_step) {
          coarse[j] = central;
        } else {
          jacobian(i, j) = (4.0 * central - coarse[j]) / 3.0;
        }
      }
    }
  }
  return jacobian;
}

}  // namespace

GradientCheckResult check_parameter_gradient(Model& model, ConstMatrixView x, ConstMatrixView t,
                                             const LossFunction& loss) {
  std::vector<double> analytic;
  Matrix input_grad;
  analytic_gradients(model, x, t, loss, analytic, input_grad);

  Matrix y(x.rows, model.output_size());
  std::vector<double> numeric(analytic.size());
  std::span<double> parameters = model.parameters();
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    numeric[i] = numeric_derivative([&] { return evaluate_loss(model, x, t, loss, y); }, parameters[i]);
  }
  return compare_gradients(describe(model, loss.name + " parameter gradient"), analytic, numeric);
}

GradientCheckResult check_input_gradient(Model& model, ConstMatrixView x, ConstMatrixView t, const LossFunction& loss) {
  std::vector<double> param_grad;
  Matrix analytic;
  analytic_gradients(model, x, t, loss, param_grad, analytic);

  Matrix perturbed = copy_of(x);
  Matrix y(x.rows, model.output_size());
  std::vector<double> numeric(perturbed.size());
  for (std::size_t i = 0; i < perturbed.size(); ++i) {
    numeric[i] = numeric_derivative([&] { return evaluate_loss(model, perturbed.view(), t, loss, y); },
                                    perturbed.storage()[i]);
  }
  return compare_gradients(describe(model, loss.name + " input gradient"), analytic.storage(), numeric);
}

GradientCheckResult check_parameter_jacobian(Model& model, ConstMatrixView x) {
  const std::size_t outputs = x.rows * model.output_size();
  const Matrix numeric = numeric_output_jacobian(model.parameters(), [&](Matrix& y) {
    y.resize(x.rows, model.output_size());
    model.forward(x, y.view());
  });

  // Column j of the analytic Jacobian is the parameter gradient of output j alone.
  Matrix analytic(model.parameter_count(), outputs);
  Matrix y(x.rows, model.output_size());
  Matrix unit(x.rows, model.output_size());
  std::vector<double> param_grad(model.parameter_count());
  model.forward(x, y.view());
  for (std::size_t j = 0; j < outputs; ++j) {
    unit.fill(0.0);
    unit.storage()[j] = 1.0;
    model.backward(unit.view(), GradientAt::output, param_grad, nullptr);
    for (std::size_t i = 0; i < param_grad.size(); ++i) analytic(i, j) = param_grad[i];
  }
  return compare_gradients(describe(model, "output Jacobian dY/dtheta"), analytic.storage(), numeric.storage());
}

GradientCheckResult check_input_jacobian(Model& model, ConstMatrixView x) {
  Matrix perturbed = copy_of(x);
  const std::size_t outputs = x.rows * model.output_size();
  const Matrix numeric = numeric_output_jacobian(perturbed.storage(), [&](Matrix& y) {
    y.resize(x.rows, model.output_size());
    model.forward(perturbed.view(), y.view());
  });

  Matrix analytic(perturbed.size(), outputs);
  Matrix y(x.rows, model.output_size());
  Matrix unit(x.rows, model.output_size());
  std::vector<double> param_grad(model.parameter_count());
  Matrix input_grad(x.rows, x.cols);
  MatrixView input_view = input_grad.view();
  model.forward(x, y.view());
  for (std::size_t j = 0; j < outputs; ++j) {
    unit.fill(0.0);
    unit.storage()[j] = 1.0;
    model.backward(unit.view(), GradientAt::output, param_grad, &input_view);
    for (std::size_t i = 0; i < input_grad.size(); ++i) analytic(i, j) = input_grad.storage()[i];
  }
  return compare_gradients(describe(model, "output Jacobian dY/dX"), analytic.storage(), numeric.storage());
}

Matrix random_matrix(std::size_t rows, std::size_t cols, Rng& rng, double low, double high) {
  Matrix result(rows, cols);
  for (double& value : result.storage()) value = rng.uniform(low, high);
  return result;
}

Matrix random_one_hot(std::size_t rows, std::size_t classes, Rng& rng) {
  Matrix result(rows, classes, 0.0);
  for (std::size_t r = 0; r < rows; ++r) result(r, static_cast<std::size_t>(rng.below(classes))) = 1.0;
  return result;
}

Matrix random_distributions(std::size_t rows, std::size_t classes, Rng& rng) {
  Matrix result = random_matrix(rows, classes, rng, 0.1, 1.0);
  for (std::size_t r = 0; r < rows; ++r) {
    double sum = 0.0;
    for (double value : result.row(r)) sum += value;
    for (double& value : result.row(r)) value /= sum;
  }
  return result;
}

}  // namespace nclab::test_support
