// Central finite differences of every penalised member loss, with respect to the member outputs (or
// logits for cross-entropy) and to the member parameters through a real softmax or identity model.
// ncl keeps F constant (Liu & Yao); ncl-exact recomputes F from the perturbed output, which checks the
// coupling term 2 gamma (1 - 1/M)(F_i - F).

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "framework/core/rng.hpp"
#include "framework/ensemble/ensemble_members.hpp"
#include "framework/ensemble/penalties.hpp"
#include "framework/model/registry.hpp"
#include "tests/support/linear_model.hpp"

namespace nclab {
namespace {

using Vector = std::vector<double>;

Vector softmax(const Vector& logits) {
  double largest = logits[0];
  for (double u : logits) largest = std::max(largest, u);
  Vector y(logits.size());
  double total = 0.0;
  for (std::size_t k = 0; k < y.size(); ++k) total += (y[k] = std::exp(logits[k] - largest));
  for (double& value : y) value /= total;
  return y;
}

// Member i's penalised loss on one pattern when its output is y and the other members keep `base`.
// For ncl, F and sum_{j != i}(F_j - F) stay at their values for `base`.
double penalised_loss(const PenaltySettings& settings, std::size_t i, const std::vector<Vector>& base, const Vector& y,
                      const Vector& target) {
  const std::size_t members = base.size();
  const std::size_t outputs = target.size();
  double loss = 0.0;
  for (std::size_t k = 0; k < outputs; ++k) {
    loss += settings.loss == LossKind::squared_error ? 0.5 * (y[k] - target[k]) * (y[k] - target[k])
                                                     : -target[k] * std::log(y[k]);
  }
  const double c = settings.coefficient;
  for (std::size_t k = 0; k < outputs; ++k) {
    double fixed_mean = 0.0;
    double current_mean = 0.0;
    for (std::size_t j = 0; j < members; ++j) {
      fixed_mean += base[j][k] / static_cast<double>(members);
      current_mean += (j == i ? y[k] : base[j][k]) / static_cast<double>(members);
    }
    switch (settings.method) {
      case Method::ncl: {
        double others = 0.0;
        for (std::size_t j = 0; j < members; ++j) {
          if (j != i) others += base[j][k] - fixed_mean;
        }
        loss += c * (y[k] - fixed_mean) * others;
        break;
      }
      case Method::ncl_exact:
        loss -= c * (y[k] - current_mean) * (y[k] - current_mean);
        break;
      case Method::decorrelated:
        for (std::size_t earlier = 0; earlier < i; ++earlier) {
          if (rosen_indicator(settings.indicator, earlier + 1, i + 1)) {
            loss += 0.5 * c * (target[k] - base[earlier][k]) * (target[k] - y[k]);
          }
        }
        break;
      case Method::independent:
        break;
    }
  }
  return loss;
}

// Fails with the worst index and both values when any entry differs by more than tolerance x max(1, |value|).
void expect_close(const Vector& analytic, const Vector& numeric, double tolerance, const std::string& what) {
  ASSERT_EQ(analytic.size(), numeric.size());
  std::size_t worst = 0;
  double worst_error = 0.0;
  for (std::size_t p = 0; p < analytic.size(); ++p) {
    const double error = std::abs(analytic[p] - numeric[p]) / std::max(1.0, std::abs(numeric[p]));
    if (error > worst_error) {
      worst_error = error;
      worst = p;
    }
  }
  EXPECT_LE(worst_error, tolerance) << what << ": worst index " << worst << ", analytic " << analytic[worst]
                                    << ", finite difference " << numeric[worst];
}

std::vector<PenaltySettings> penalties_for(LossKind loss) {
  std::vector<PenaltySettings> all;
  all.push_back({Method::independent, 0.0, Indicator::previous, loss});
  all.push_back({Method::ncl, 0.7, Indicator::previous, loss});
  all.push_back({Method::ncl_exact, 0.6, Indicator::previous, loss});
  for (Indicator indicator : {Indicator::previous, Indicator::alternate, Indicator::all_previous}) {
    all.push_back({Method::decorrelated, 1.3, indicator, loss});
  }
  return all;
}

std::string describe(const PenaltySettings& settings) {
  return to_string(settings.method) + " " + to_string(settings.indicator) + " " + to_string(settings.loss);
}

// Output-level check on one pattern with M = 4 members and K = 3 outputs. With cross-entropy the member
// is parameterised by its logits u and F_i = softmax(u).
void check_output_gradients(LossKind loss, bool probabilities) {
  const std::size_t members = 4;
  const std::size_t outputs = 3;
  Rng rng(5);
  std::vector<Vector> logits(members, Vector(outputs));
  std::vector<Vector> base(members);
  for (std::size_t i = 0; i < members; ++i) {
    for (double& u : logits[i]) u = rng.uniform(-1.5, 1.5);
    base[i] = probabilities ? softmax(logits[i]) : logits[i];
  }
  Vector target = probabilities ? Vector{0.0, 1.0, 0.0} : Vector{0.3, -0.4, 0.9};

  std::vector<Matrix> output_storage;
  std::vector<Matrix> gradient_storage;
  for (std::size_t i = 0; i < members; ++i) {
    output_storage.emplace_back(1, outputs);
    std::copy(base[i].begin(), base[i].end(), output_storage.back().data());
    gradient_storage.emplace_back(1, outputs);
  }
  std::vector<ConstMatrixView> output_views;
  std::vector<MatrixView> gradient_views;
  for (std::size_t i = 0; i < members; ++i) {
    output_views.push_back(output_storage[i].view());
    gradient_views.push_back(gradient_storage[i].view());
  }
  Matrix target_matrix(1, outputs);
  std::copy(target.begin(), target.end(), target_matrix.data());
  Matrix ensemble(1, outputs);
  ensemble_mean(output_views, ensemble.view());

  const double h = 1e-6;
  for (const PenaltySettings& settings : penalties_for(loss)) {
    penalty_output_gradients(settings, output_views, target_matrix.view(), ensemble.view(), gradient_views);
    for (std::size_t i = 0; i < members; ++i) {
      Vector numeric(outputs);
      for (std::size_t k = 0; k < outputs; ++k) {
        Vector plus = loss == LossKind::cross_entropy ? logits[i] : base[i];
        Vector minus = plus;
        plus[k] += h;
        minus[k] -= h;
        if (loss == LossKind::cross_entropy) {
          plus = softmax(plus);
          minus = softmax(minus);
        }
        numeric[k] = (penalised_loss(settings, i, base, plus, target) - penalised_loss(settings, i, base, minus, target)) /
                     (2 * h);
      }
      const Vector analytic(gradient_storage[i].data(), gradient_storage[i].data() + outputs);
      expect_close(analytic, numeric, 1e-8, describe(settings) + " member index " + std::to_string(i));
    }
  }
}

TEST(PenaltyGradientCheck, RegressionOutputs) { check_output_gradients(LossKind::squared_error, false); }

TEST(PenaltyGradientCheck, SoftmaxProbabilitiesSquaredError) { check_output_gradients(LossKind::squared_error, true); }

TEST(PenaltyGradientCheck, SoftmaxLogitsCrossEntropy) { check_output_gradients(LossKind::cross_entropy, true); }

// Creates a member with the given inputs, outputs and output activation.
using ModelMaker = std::function<std::unique_ptr<Model>(std::size_t, std::size_t, Activation)>;

std::unique_ptr<Model> make_linear(std::size_t inputs, std::size_t outputs, Activation activation) {
  return std::make_unique<testing::LinearModel>(inputs, outputs, activation);
}

std::unique_ptr<Model> make_mlp(std::size_t inputs, std::size_t outputs, Activation activation) {
  const ModelRegistry& registry = ModelRegistry::instance();
  return registry.create("mlp", registry.make_config("mlp", inputs, outputs, activation, {{"hidden", 4}}));
}

// Parameter-level check: M = 3 members on a batch of 4 patterns. The trainer's summed parameter
// gradient must equal the finite difference of sum_n e_i(n) with the other members fixed.
void check_parameter_gradients(Activation activation, LossKind loss, const ModelMaker& make_member = make_linear) {
  const std::size_t members = 3;
  const std::size_t inputs = 2;
  const std::size_t outputs = 3;
  const std::size_t rows = 4;
  Rng rng(17);

  Matrix x(rows, inputs);
  Matrix targets(rows, outputs, 0.0);
  for (double& value : x.storage()) value = rng.normal();
  for (std::size_t n = 0; n < rows; ++n) {
    if (activation == Activation::softmax) {
      targets(n, n % outputs) = 1.0;
    } else {
      for (std::size_t k = 0; k < outputs; ++k) targets(n, k) = rng.normal();
    }
  }

  for (const PenaltySettings& settings : penalties_for(loss)) {
    std::vector<std::unique_ptr<Model>> models;
    for (std::size_t i = 0; i < members; ++i) {
      models.push_back(make_member(inputs, outputs, activation));
      Rng init = Rng::stream(3, 0, i, StreamPurpose::initialization);
      models.back()->initialize_uniform(init, 1.0);
    }
    // Parallel steps from the first pattern on, so the test also covers the oneTBB path.
    EnsembleMembers ensemble(std::move(models), rows, 0.1, 0.0, 0);
    ensemble.compute_concurrent_gradients(x.view(), targets.view(), settings);

    // Outputs of every member at the base parameters, one vector per member and pattern.
    std::vector<std::vector<Vector>> base(rows, std::vector<Vector>(members, Vector(outputs)));
    Matrix y(rows, outputs);
    for (std::size_t i = 0; i < members; ++i) {
      ensemble.member(i).forward(x.view(), y.view());
      for (std::size_t n = 0; n < rows; ++n) base[n][i].assign(y.row(n).begin(), y.row(n).end());
    }
    const auto batch_loss = [&](std::size_t i) {
      ensemble.member(i).forward(x.view(), y.view());
      double total = 0.0;
      for (std::size_t n = 0; n < rows; ++n) {
        const Vector yi(y.row(n).begin(), y.row(n).end());
        const Vector target(targets.row(n).begin(), targets.row(n).end());
        total += penalised_loss(settings, i, base[n], yi, target);
      }
      return total;
    };

    const double h = 1e-6;
    for (std::size_t i = 0; i < members; ++i) {
      const auto parameters = ensemble.member(i).parameters();
      Vector numeric(parameters.size());
      for (std::size_t p = 0; p < parameters.size(); ++p) {
        const double saved = parameters[p];
        parameters[p] = saved + h;
        const double plus = batch_loss(i);
        parameters[p] = saved - h;
        const double minus = batch_loss(i);
        parameters[p] = saved;
        numeric[p] = (plus - minus) / (2 * h);
      }
      const Vector analytic(ensemble.parameter_gradient(i).begin(), ensemble.parameter_gradient(i).end());
      expect_close(analytic, numeric, 1e-7, describe(settings) + " member index " + std::to_string(i));
    }
  }
}

TEST(PenaltyGradientCheck, RegressionParameters) { check_parameter_gradients(Activation::identity, LossKind::squared_error); }

TEST(PenaltyGradientCheck, SoftmaxSquaredErrorParameters) {
  check_parameter_gradients(Activation::softmax, LossKind::squared_error);
}

TEST(PenaltyGradientCheck, SoftmaxCrossEntropyParameters) {
  check_parameter_gradients(Activation::softmax, LossKind::cross_entropy);
}

TEST(PenaltyGradientCheck, MlpRegressionParameters) {
  check_parameter_gradients(Activation::identity, LossKind::squared_error, make_mlp);
}

TEST(PenaltyGradientCheck, MlpSoftmaxSquaredErrorParameters) {
  check_parameter_gradients(Activation::softmax, LossKind::squared_error, make_mlp);
}

TEST(PenaltyGradientCheck, MlpSoftmaxCrossEntropyParameters) {
  check_parameter_gradients(Activation::softmax, LossKind::cross_entropy, make_mlp);
}

}  // namespace
}  // namespace nclab
