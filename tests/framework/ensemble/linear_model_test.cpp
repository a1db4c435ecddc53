// Checks of the linear test model against finite differences, so that the ensemble tests built on it
// test the trainer and not the model.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "framework/core/rng.hpp"
#include "tests/support/linear_model.hpp"

namespace nclab::testing {
namespace {

// L = sum_n sum_k c(n, k) y(n, k) for fixed random weights c: its gradient at the outputs is c.
double weighted_output_sum(LinearModel& model, const Matrix& x, const Matrix& c, bool at_logits) {
  Matrix y(x.rows(), model.output_size());
  if (at_logits) {
    LinearModel identity(model.input_size(), model.output_size(), Activation::identity);
    std::copy(model.parameters().begin(), model.parameters().end(), identity.parameters().begin());
    identity.forward(x.view(), y.view());
  } else {
    model.forward(x.view(), y.view());
  }
  double sum = 0.0;
  for (std::size_t i = 0; i < y.size(); ++i) sum += c.data()[i] * y.data()[i];
  return sum;
}

void check_gradients(Activation activation, GradientAt at) {
  Rng rng(11);
  LinearModel model(3, 4, activation);
  model.initialize_uniform(rng, 0.8);
  Matrix x(5, 3);
  Matrix c(5, 4);
  for (double& value : x.storage()) value = rng.normal();
  for (double& value : c.storage()) value = rng.normal();
  const bool at_logits = at == GradientAt::logits;

  Matrix y(5, 4);
  model.forward(x.view(), y.view());
  std::vector<double> param_grad(model.parameter_count());
  Matrix input_grad(5, 3);
  MatrixView input_view = input_grad.view();
  model.backward(c.view(), at, param_grad, &input_view);

  const double h = 1e-6;
  for (std::size_t p = 0; p < model.parameter_count(); ++p) {
    const double saved = model.parameters()[p];
    model.parameters()[p] = saved + h;
    const double plus = weighted_output_sum(model, x, c, at_logits);
    model.parameters()[p] = saved - h;
    const double minus = weighted_output_sum(model, x, c, at_logits);
    model.parameters()[p] = saved;
    EXPECT_NEAR(param_grad[p], (plus - minus) / (2 * h), 1e-7) << "parameter " << p;
  }
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double saved = x.data()[i];
    x.data()[i] = saved + h;
    const double plus = weighted_output_sum(model, x, c, at_logits);
    x.data()[i] = saved - h;
    const double minus = weighted_output_sum(model, x, c, at_logits);
    x.data()[i] = saved;
    EXPECT_NEAR(input_grad.data()[i], (plus - minus) / (2 * h), 1e-7) << "input " << i;
  }
}

TEST(LinearModel, IdentityGradientsMatchFiniteDifferences) { check_gradients(Activation::identity, GradientAt::output); }

TEST(LinearModel, SoftmaxGradientsMatchFiniteDifferences) { check_gradients(Activation::softmax, GradientAt::output); }

TEST(LinearModel, LogitGradientsMatchFiniteDifferences) { check_gradients(Activation::softmax, GradientAt::logits); }

TEST(LinearModel, SoftmaxRowsSumToOne) {
  Rng rng(2);
  LinearModel model(2, 3, Activation::softmax);
  model.initialize_uniform(rng, 2.0);
  Matrix x(4, 2);
  for (double& value : x.storage()) value = rng.normal();
  Matrix y(4, 3);
  model.forward(x.view(), y.view());
  for (std::size_t n = 0; n < 4; ++n) EXPECT_NEAR(y(n, 0) + y(n, 1) + y(n, 2), 1.0, 1e-15);
}

}  // namespace
}  // namespace nclab::testing
