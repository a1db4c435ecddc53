#include "framework/ensemble/penalties.hpp"

#include <stdexcept>
#include <string>

namespace nclab {
namespace {

void check_shape(ConstMatrixView view, std::size_t rows, std::size_t cols, const char* name) {
  if (view.rows != rows || view.cols != cols) {
    throw std::invalid_argument(std::string("penalty_output_gradients: ") + name + " is " +
                                shape_string(view.rows, view.cols) + ", expected " + shape_string(rows, cols));
  }
}

// Writes the gradient of one pattern from the output row y, the target row t and the penalty part q of
// dE/dF, which penalty(k) returns for output unit k. Squared error adds q to y - t. Cross-entropy first
// chains q through the softmax Jacobian, which gives y_k (q_k - sum_l q_l y_l).
template <typename PenaltyPart>
void write_gradient_row(LossKind loss, std::span<const double> y, std::span<const double> t,
                        std::span<double> gradient, PenaltyPart penalty) {
  const std::size_t outputs = y.size();
  if (loss == LossKind::squared_error) {
    for (std::size_t k = 0; k < outputs; ++k) gradient[k] = (y[k] - t[k]) + penalty(k);
    return;
  }
  double weighted = 0.0;  // sum_l q_l y_l
  for (std::size_t l = 0; l < outputs; ++l) weighted += penalty(l) * y[l];
  for (std::size_t k = 0; k < outputs; ++k) gradient[k] = (y[k] - t[k]) + y[k] * (penalty(k) - weighted);
}

void write_independent_gradient(ConstMatrixView output, ConstMatrixView targets, MatrixView gradient) {
  for (std::size_t n = 0; n < output.rows; ++n) {
    const auto y = output.row(n);
    const auto t = targets.row(n);
    const auto g = gradient.row(n);
    for (std::size_t k = 0; k < output.cols; ++k) g[k] = y[k] - t[k];
  }
}

// ncl and ncl-exact share the form g_i = (F_i - d) - c (F_i - F).
void write_ncl_gradient(double c, LossKind loss, ConstMatrixView output, ConstMatrixView targets,
                        ConstMatrixView ensemble, MatrixView gradient) {
  for (std::size_t n = 0; n < output.rows; ++n) {
    const auto y = output.row(n);
    const auto f = ensemble.row(n);
    write_gradient_row(loss, y, targets.row(n), gradient.row(n), [&](std::size_t k) { return -c * (y[k] - f[k]); });
  }
}

double decorrelation_sum_element(Indicator indicator, std::size_t member, std::span<const ConstMatrixView> outputs,
                                 ConstMatrixView targets, std::size_t n, std::size_t k) {
  double sum = 0.0;
  for (std::size_t i = 0; i < member; ++i) {
    if (rosen_indicator(indicator, i + 1, member + 1)) sum += outputs[i](n, k) - targets(n, k);
  }
  return sum;
}

}  // namespace

bool rosen_indicator(Indicator indicator, std::size_t i, std::size_t j) {
  if (i == 0 || i >= j) return false;
  switch (indicator) {
    case Indicator::previous:
      return i + 1 == j;
    case Indicator::alternate:
      return i + 1 == j && i % 2 == 0;
    case Indicator::all_previous:
      return true;
    case Indicator::none:
      return false;
  }
  return false;
}

bool has_decorrelation_partner(Indicator indicator, std::size_t member) {
  for (std::size_t i = 0; i < member; ++i) {
    if (rosen_indicator(indicator, i + 1, member + 1)) return true;
  }
  return false;
}

GradientAt gradient_point(LossKind loss) {
  return loss == LossKind::cross_entropy ? GradientAt::logits : GradientAt::output;
}

std::optional<NclForm> ncl_form(const PenaltySettings& settings, std::size_t members) {
  if (settings.method == Method::decorrelated && settings.coefficient != 0.0) return std::nullopt;
  NclForm form;
  // A zero coefficient takes the independent path, so that the result is the independent gradient bit
  // for bit (adding a zero penalty could turn -0.0 into +0.0).
  form.penalised = settings.method != Method::independent && settings.coefficient != 0.0;
  if (!form.penalised) return form;
  form.coefficient = settings.coefficient;
  if (settings.method == Method::ncl_exact) {
    // d/dF_i of -gamma |F_i - F|^2 with dF/dF_i = 1/M: -2 gamma (1 - 1/M)(F_i - F).
    form.coefficient = 2.0 * settings.coefficient * (1.0 - 1.0 / static_cast<double>(members));
  }
  return form;
}

void ensemble_mean(std::span<const ConstMatrixView> outputs, MatrixView ensemble) {
  if (outputs.empty()) throw std::invalid_argument("ensemble_mean: no member outputs");
  const double scale = 1.0 / static_cast<double>(outputs.size());
  for (std::size_t n = 0; n < ensemble.rows; ++n) {
    const auto f = ensemble.row(n);
    for (std::size_t k = 0; k < ensemble.cols; ++k) f[k] = outputs[0](n, k);
    for (std::size_t i = 1; i < outputs.size(); ++i) {
      const auto y = outputs[i].row(n);
      for (std::size_t k = 0; k < ensemble.cols; ++k) f[k] += y[k];
    }
    for (std::size_t k = 0; k < ensemble.cols; ++k) f[k] *= scale;
  }
}

void penalty_output_gradients(const PenaltySettings& settings, std::span<const ConstMatrixView> outputs,
                              ConstMatrixView targets, ConstMatrixView ensemble,
                              std::span<const MatrixView> gradients) {
  const std::size_t members = outputs.size();
  if (gradients.size() != members) {
    throw std::invalid_argument("penalty_output_gradients: " + std::to_string(members) + " member outputs but " +
                                std::to_string(gradients.size()) + " gradient buffers");
  }
  for (std::size_t i = 0; i < members; ++i) {
    check_shape(outputs[i], targets.rows, targets.cols, "a member output");
    check_shape(gradients[i], targets.rows, targets.cols, "a gradient buffer");
  }
  check_shape(ensemble, targets.rows, targets.cols, "the ensemble output");

  const std::optional<NclForm> form = ncl_form(settings, members);
  for (std::size_t i = 0; i < members; ++i) {
    if (form && !form->penalised) {
      write_independent_gradient(outputs[i], targets, gradients[i]);
      continue;
    }
    if (form) {
      write_ncl_gradient(form->coefficient, settings.loss, outputs[i], targets, ensemble, gradients[i]);
      continue;
    }
    switch (settings.method) {
      case Method::ncl:
      case Method::ncl_exact:
        break;  // the form above
      case Method::decorrelated: {
        if (!has_decorrelation_partner(settings.indicator, i)) {
          decorrelated_member_gradient(settings.coefficient, settings.loss, outputs[i], targets, nullptr, gradients[i]);
          break;
        }
        const double half = 0.5 * settings.coefficient;
        for (std::size_t n = 0; n < targets.rows; ++n) {
          write_gradient_row(settings.loss, outputs[i].row(n), targets.row(n), gradients[i].row(n), [&](std::size_t k) {
            return half * decorrelation_sum_element(settings.indicator, i, outputs, targets, n, k);
          });
        }
        break;
      }
      case Method::independent:
        break;
    }
  }
}

void decorrelation_sum(Indicator indicator, std::size_t member, std::span<const ConstMatrixView> outputs,
                       ConstMatrixView targets, MatrixView sum) {
  if (outputs.size() < member) {
    throw std::invalid_argument("decorrelation_sum: member " + std::to_string(member) + " needs the outputs of " +
                                std::to_string(member) + " earlier members, got " + std::to_string(outputs.size()));
  }
  for (std::size_t n = 0; n < sum.rows; ++n) {
    for (std::size_t k = 0; k < sum.cols; ++k) {
      sum(n, k) = decorrelation_sum_element(indicator, member, outputs, targets, n, k);
    }
  }
}

void decorrelated_member_gradient(double lambda, LossKind loss, ConstMatrixView output, ConstMatrixView targets,
                                  const ConstMatrixView* sum, MatrixView gradient) {
  if (sum == nullptr || lambda == 0.0) {
    write_independent_gradient(output, targets, gradient);
    return;
  }
  const double half = 0.5 * lambda;
  for (std::size_t n = 0; n < output.rows; ++n) {
    const auto s = sum->row(n);
    write_gradient_row(loss, output.row(n), targets.row(n), gradient.row(n),
                       [&](std::size_t k) { return half * s[k]; });
  }
}

}  // namespace nclab
