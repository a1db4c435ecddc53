#include "framework/model/dense_network.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <span>
#include <vector>

#include "framework/core/error.hpp"
#include "framework/math/cross_entropy.hpp"
#include "framework/math/squared_error.hpp"
#include "tests/support/allocation_counter.hpp"
#include "tests/support/gradient_check.hpp"

namespace nclab {
namespace {

using test_support::gradient_tolerance;

DenseNetwork three_layer_network() {
  return DenseNetwork(4, {{6, Activation::sigmoid}, {3, Activation::identity}, {5, Activation::softmax}});
}

TEST(DenseNetwork, LayoutIsContiguousAndNamed) {
  const DenseNetwork network = three_layer_network();
  const std::vector<LayerLayout> layout = network.layout();
  ASSERT_EQ(layout.size(), 3u);

  std::size_t offset = 0;
  const std::size_t rows[] = {6, 3, 5};
  const std::size_t cols[] = {4, 6, 3};
  const Activation activations[] = {Activation::sigmoid, Activation::identity, Activation::softmax};
  for (std::size_t l = 0; l < 3; ++l) {
    EXPECT_EQ(layout[l].name, "layer" + std::to_string(l + 1));
    EXPECT_EQ(layout[l].rows, rows[l]);
    EXPECT_EQ(layout[l].cols, cols[l]);
    EXPECT_EQ(layout[l].activation, activations[l]);
    EXPECT_EQ(layout[l].weight_offset, offset);
    offset += rows[l] * cols[l];
    EXPECT_EQ(layout[l].bias_offset, offset);
    EXPECT_EQ(layout[l].bias_size, rows[l]);
    offset += rows[l];
  }
  EXPECT_EQ(network.parameter_count(), offset);
  EXPECT_EQ(network.input_size(), 4u);
  EXPECT_EQ(network.output_size(), 5u);
  EXPECT_EQ(network.output_activation(), Activation::softmax);
}

TEST(DenseNetwork, ForwardHandComputed) {
  // One input, one sigmoid hidden unit, one identity output:
  //   z = sigmoid(2 x - 1), y = 3 z + 0.5, so x = 0.5 gives z = 0.5 and y = 2.
  DenseNetwork network(1, {{1, Activation::sigmoid}, {1, Activation::identity}});
  const std::vector<double> parameters = {2.0, -1.0, 3.0, 0.5};
  std::copy(parameters.begin(), parameters.end(), network.parameters().begin());
  Matrix x(1, 1, 0.5);
  Matrix y(1, 1);
  network.forward(x, y);
  EXPECT_EQ(network.layer_output(0)(0, 0), 0.5);
  EXPECT_EQ(y(0, 0), 2.0);
  EXPECT_EQ(network.weights(1)(0, 0), 3.0);
  EXPECT_EQ(network.biases(1)[0], 0.5);
}

TEST(DenseNetwork, RejectsInvalidLayers) {
  EXPECT_THROW(DenseNetwork(0, {{2, Activation::identity}}), InputError);
  EXPECT_THROW(DenseNetwork(3, {}), InputError);
  EXPECT_THROW(DenseNetwork(3, {{0, Activation::identity}}), InputError);
  EXPECT_THROW(DenseNetwork(3, {{2, Activation::softmax}, {2, Activation::identity}}), InputError);
}

TEST(DenseNetwork, BackwardNeedsForwardAndMatchingShapes) {
  DenseNetwork network = three_layer_network();
  std::vector<double> param_grad(network.parameter_count());
  Matrix grad(2, 5);
  EXPECT_THROW(network.backward(grad, GradientAt::output, param_grad, nullptr), std::logic_error);

  Matrix x(2, 4), y(2, 5);
  network.forward(x, y);
  Matrix wrong_grad(3, 5);
  EXPECT_THROW(network.backward(wrong_grad, GradientAt::output, param_grad, nullptr), std::invalid_argument);
  std::vector<double> short_grad(network.parameter_count() - 1);
  EXPECT_THROW(network.backward(grad, GradientAt::output, short_grad, nullptr), std::invalid_argument);
  Matrix wrong_input_grad(2, 3);
  MatrixView wrong_input_view = wrong_input_grad;
  EXPECT_THROW(network.backward(grad, GradientAt::output, param_grad, &wrong_input_view), std::invalid_argument);
  Matrix wrong_x(2, 3);
  EXPECT_THROW(network.forward(wrong_x, y), std::invalid_argument);
}

TEST(DenseNetwork, CloneIsIndependentCopy) {
  DenseNetwork network = three_layer_network();
  Rng rng(5);
  network.initialize_uniform(rng, 0.5);
  std::unique_ptr<Model> copy = network.clone();
  ASSERT_EQ(copy->parameter_count(), network.parameter_count());

  const Matrix x = test_support::random_matrix(3, 4, rng);
  Matrix y_original(3, 5), y_copy(3, 5);
  network.forward(x, y_original);
  copy->forward(x, y_copy);
  EXPECT_EQ(y_original.storage(), y_copy.storage());

  copy->parameters()[0] += 1.0;
  EXPECT_NE(copy->parameters()[0], network.parameters()[0]);
}

// Model contract: the parameter gradient of a batch is the sum of the per-pattern gradients.
TEST(DenseNetwork, ParameterGradientSumsOverPatterns) {
  DenseNetwork network = three_layer_network();
  Rng rng(8);
  network.initialize_uniform(rng, 0.7);
  const Matrix x = test_support::random_matrix(2, 4, rng);
  const Matrix grad = test_support::random_matrix(2, 5, rng);

  Matrix y(2, 5);
  std::vector<double> batch_grad(network.parameter_count());
  network.forward(x, y);
  network.backward(grad, GradientAt::output, batch_grad, nullptr);

  std::vector<double> sum(network.parameter_count(), 0.0), single(network.parameter_count());
  for (std::size_t n = 0; n < 2; ++n) {
    Matrix y1(1, 5);
    network.forward(x.view().rows_range(n, 1), y1);
    network.backward(grad.view().rows_range(n, 1), GradientAt::output, single, nullptr);
    for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += single[i];
  }
  for (std::size_t i = 0; i < sum.size(); ++i) EXPECT_NEAR(batch_grad[i], sum[i], 1e-14) << "parameter " << i;
}

// GradientAt::logits skips the output activation: on a softmax network it must equal GradientAt::output
// on the same network with an identity output layer.
TEST(DenseNetwork, LogitsGradientSkipsOutputActivation) {
  DenseNetwork softmax_network = three_layer_network();
  DenseNetwork linear_network(4, {{6, Activation::sigmoid}, {3, Activation::identity}, {5, Activation::identity}});
  Rng rng(13);
  softmax_network.initialize_uniform(rng, 0.6);
  std::copy(softmax_network.parameters().begin(), softmax_network.parameters().end(),
            linear_network.parameters().begin());

  const Matrix x = test_support::random_matrix(3, 4, rng);
  const Matrix grad = test_support::random_matrix(3, 5, rng);
  Matrix y(3, 5), dx_softmax(3, 4), dx_linear(3, 4);
  MatrixView dx_softmax_view = dx_softmax, dx_linear_view = dx_linear;
  std::vector<double> g_softmax(softmax_network.parameter_count()), g_linear(linear_network.parameter_count());
  softmax_network.forward(x, y);
  softmax_network.backward(grad, GradientAt::logits, g_softmax, &dx_softmax_view);
  linear_network.forward(x, y);
  linear_network.backward(grad, GradientAt::output, g_linear, &dx_linear_view);

  for (std::size_t i = 0; i < g_linear.size(); ++i) EXPECT_DOUBLE_EQ(g_softmax[i], g_linear[i]) << "parameter " << i;
  for (std::size_t i = 0; i < dx_linear.size(); ++i) {
    EXPECT_DOUBLE_EQ(dx_softmax.storage()[i], dx_linear.storage()[i]) << "input " << i;
  }
}

TEST(DenseNetwork, NoAllocationAfterFirstCallPerBatchSize) {
  if (!test_support::allocation_counting_enabled()) GTEST_SKIP() << "sanitizer builds keep their own operator new";
  DenseNetwork network(14, {{10, Activation::sigmoid}, {2, Activation::softmax}});
  Rng rng(3);
  network.initialize_uniform(rng, 0.5);
  std::vector<double> param_grad(network.parameter_count());

  for (const std::size_t batch : {1u, 8u, 64u}) {
    const Matrix x = test_support::random_matrix(batch, 14, rng);
    const Matrix t = test_support::random_one_hot(batch, 2, rng);
    Matrix y(batch, 2), grad(batch, 2), dx(batch, 14);
    MatrixView dx_view = dx;

    network.forward(x, y);  // sizes the workspaces for this batch
    const std::size_t before = test_support::allocation_count();
    for (int step = 0; step < 3; ++step) {
      network.forward(x, y);
      softmax_cross_entropy_gradient(y, t, grad);
      network.backward(grad, GradientAt::logits, param_grad, &dx_view);
      network.backward(grad, GradientAt::output, param_grad, nullptr);
    }
    EXPECT_EQ(test_support::allocation_count(), before) << "batch " << batch;
  }
}

TEST(DenseNetwork, PredictMatchesForwardBitForBit) {
  // Batch 1 runs the loop kernels, batch 300 the BLAS path.
  for (const std::size_t batch : {1u, 300u}) {
    DenseNetwork network = three_layer_network();
    Rng rng(17 + batch);
    network.initialize_uniform(rng, 0.8);
    const Matrix x = test_support::random_matrix(batch, 4, rng);
    Matrix y_forward(batch, 5), y_predict(batch, 5);
    network.forward(x, y_forward);
    network.predict(x, y_predict);
    EXPECT_EQ(y_predict.storage(), y_forward.storage()) << "batch " << batch;
    EXPECT_EQ(network.layer_output(0).rows, batch);
  }
}

TEST(DenseNetwork, BackwardAfterPredictIsRejected) {
  DenseNetwork network = three_layer_network();
  std::vector<double> param_grad(network.parameter_count());
  Matrix x(2, 4), y(2, 5), grad(2, 5);
  network.forward(x, y);
  network.predict(x, y);
  EXPECT_THROW(network.backward(grad, GradientAt::output, param_grad, nullptr), std::logic_error);
  network.forward(x, y);
  EXPECT_NO_THROW(network.backward(grad, GradientAt::output, param_grad, nullptr));
}

TEST(DenseNetwork, NoAllocationAlternatingStepsAndEvaluations) {
  // Online training alternates batch-1 steps with full-batch evaluations; once both sizes have been
  // seen, neither allocates again.
  if (!test_support::allocation_counting_enabled()) GTEST_SKIP() << "sanitizer builds keep their own operator new";
  DenseNetwork network(14, {{10, Activation::sigmoid}, {2, Activation::softmax}});
  Rng rng(4);
  network.initialize_uniform(rng, 0.5);
  std::vector<double> param_grad(network.parameter_count());
  const Matrix x_step = test_support::random_matrix(1, 14, rng);
  const Matrix x_part = test_support::random_matrix(200, 14, rng);
  Matrix y_step(1, 2), grad(1, 2, 0.1), y_part(200, 2);

  network.forward(x_step, y_step);
  network.predict(x_part, y_part);
  network.forward(x_part, y_part);
  const std::size_t before = test_support::allocation_count();
  for (int epoch = 0; epoch < 3; ++epoch) {
    network.forward(x_step, y_step);
    network.backward(grad, GradientAt::output, param_grad, nullptr);
    network.predict(x_part, y_part);
  }
  EXPECT_EQ(test_support::allocation_count(), before);
}

TEST(DenseNetwork, GradientsOfDeepNetworkOnBothKernelPaths) {
  // Batch 2 keeps every layer on the loop path, and batch 48 puts the larger layers on the BLAS path.
  for (const std::size_t batch : {2u, 48u}) {
    DenseNetwork network(5, {{12, Activation::sigmoid}, {7, Activation::identity}, {9, Activation::sigmoid},
                             {4, Activation::softmax}});
    Rng rng(21 + batch);
    network.initialize_uniform(rng, 0.8);
    const Matrix x = test_support::random_matrix(batch, 5, rng);
    const Matrix t = test_support::random_one_hot(batch, 4, rng);
    for (const auto& loss : {test_support::cross_entropy_loss(), test_support::softmax_cross_entropy_loss(),
                             test_support::squared_error_loss()}) {
      const auto parameters = test_support::check_parameter_gradient(network, x, t, loss);
      EXPECT_LT(parameters.max_relative_error, gradient_tolerance) << parameters << ", batch " << batch;
      EXPECT_GT(parameters.max_abs_numeric, 1e-3) << parameters;
      const auto inputs = test_support::check_input_gradient(network, x, t, loss);
      EXPECT_LT(inputs.max_relative_error, gradient_tolerance) << inputs << ", batch " << batch;
    }
  }
}

// theta after backward() and the plain step theta += -rate g, the path that backward_and_step replaces.
std::vector<double> stepped_by_backward(DenseNetwork network, const Matrix& x, const Matrix& grad, double rate) {
  Matrix y(x.rows(), network.output_size());
  std::vector<double> g(network.parameter_count());
  network.forward(x, y);
  network.backward(grad, GradientAt::output, g, nullptr);
  std::vector<double> theta(network.parameters().begin(), network.parameters().end());
  for (std::size_t p = 0; p < theta.size(); ++p) theta[p] += -rate * g[p];
  return theta;
}

TEST(DenseNetwork, BackwardAndStepMatchesBackwardThenStep) {
  // Batch 2 keeps every layer on the loop path, where the step must give the same bits. At batch 64
  // the 40-30 and 30-20 layers step inside their dgemm calls (beta = 1), which may round differently. Every layer below the top must see its delta computed from
  // the weights above it before they stepped, or the difference would be of the order of the step.
  for (const std::size_t batch : {2u, 64u}) {
    DenseNetwork network(40, {{30, Activation::sigmoid}, {20, Activation::sigmoid}, {3, Activation::softmax}});
    Rng rng(91 + batch);
    network.initialize_uniform(rng, 0.7);
    const Matrix x = test_support::random_matrix(batch, 40, rng);
    const Matrix grad = test_support::random_matrix(batch, 3, rng);
    const double rate = 0.3;
    const std::vector<double> expected = stepped_by_backward(network, x, grad, rate);
    const std::vector<double> before(network.parameters().begin(), network.parameters().end());

    Matrix y(batch, 3);
    std::vector<double> scratch(network.parameter_count());
    network.forward(x, y);
    network.backward_and_step(grad, GradientAt::output, rate, scratch);
    const std::span<const double> theta = network.parameters();
    double largest_step = 0.0;
    for (std::size_t p = 0; p < theta.size(); ++p) {
      largest_step = std::max(largest_step, std::fabs(expected[p] - before[p]));
      if (batch == 2) {
        ASSERT_EQ(theta[p], expected[p]) << "parameter " << p;
      } else {
        ASSERT_NEAR(theta[p], expected[p], 1e-13 * (1.0 + std::fabs(expected[p]))) << "parameter " << p;
      }
    }
    EXPECT_GT(largest_step, 1e-3) << "the step is too small to show a wrong delta";
  }
}

TEST(DenseNetwork, ForwardKeepingInputMatchesForward) {
  // Batch 2 runs the loop kernels and batch 64 the BLAS ones. backward() and backward_and_step()
  // must read the caller's X, so both networks end with the same outputs, gradients and parameters.
  for (const std::size_t batch : {2u, 64u}) {
    DenseNetwork copying(40, {{30, Activation::sigmoid}, {3, Activation::softmax}});
    Rng rng(17 + batch);
    copying.initialize_uniform(rng, 0.7);
    DenseNetwork keeping = copying;
    const Matrix x = test_support::random_matrix(batch, 40, rng);
    const Matrix grad = test_support::random_matrix(batch, 3, rng);
    Matrix y_copying(batch, 3), y_keeping(batch, 3);
    std::vector<double> g_copying(copying.parameter_count()), g_keeping(keeping.parameter_count());

    copying.forward(x, y_copying);
    keeping.forward_keeping_input(x, y_keeping);
    EXPECT_EQ(y_copying.storage(), y_keeping.storage());
    copying.backward(grad, GradientAt::output, g_copying, nullptr);
    keeping.backward(grad, GradientAt::output, g_keeping, nullptr);
    EXPECT_EQ(g_copying, g_keeping);

    copying.forward(x, y_copying);
    keeping.forward_keeping_input(x, y_keeping);
    copying.backward_and_step(grad, GradientAt::output, 0.3, g_copying);
    keeping.backward_and_step(grad, GradientAt::output, 0.3, g_keeping);
    const std::span<const double> theta_copying = copying.parameters(), theta_keeping = keeping.parameters();
    EXPECT_TRUE(std::equal(theta_copying.begin(), theta_copying.end(), theta_keeping.begin(), theta_keeping.end()))
        << "batch " << batch;
  }
}

TEST(DenseNetwork, KeptInputServesOneBackwardPass) {
  // The caller's X may be gone after the backward pass of its batch, so a second backward() on that
  // batch is refused, as after predict(). forward() keeps its copy and allows another one.
  DenseNetwork network = three_layer_network();
  Rng rng(29);
  network.initialize_uniform(rng, 0.6);
  const Matrix x = test_support::random_matrix(3, 4, rng);
  const Matrix grad = test_support::random_matrix(3, 5, rng);
  Matrix y(3, 5);
  std::vector<double> param_grad(network.parameter_count());

  network.forward_keeping_input(x, y);
  network.backward(grad, GradientAt::output, param_grad, nullptr);
  EXPECT_THROW(network.backward(grad, GradientAt::output, param_grad, nullptr), std::logic_error);
  network.forward_keeping_input(x, y);
  network.backward_and_step(grad, GradientAt::output, 0.1, param_grad);
  EXPECT_THROW(network.backward_and_step(grad, GradientAt::output, 0.1, param_grad), std::logic_error);

  network.forward(x, y);
  network.backward(grad, GradientAt::output, param_grad, nullptr);
  EXPECT_NO_THROW(network.backward(grad, GradientAt::output, param_grad, nullptr));
}

TEST(DenseNetwork, CopiesKeepTheirOwnInput) {
  // forward() keeps its own copy of X, and so does every copy of the network made after it: copy
  // construction, copy assignment and clone(). Changing X, running the original on other data or
  // destroying it leaves the gradients of the copies' batch unchanged.
  auto network = std::make_unique<DenseNetwork>(three_layer_network());
  Rng rng(23);
  network->initialize_uniform(rng, 0.6);
  Matrix x = test_support::random_matrix(3, 4, rng);
  const Matrix grad = test_support::random_matrix(3, 5, rng);
  Matrix y(3, 5);
  std::vector<double> expected(network->parameter_count());
  network->forward(x, y);
  network->backward(grad, GradientAt::output, expected, nullptr);

  network->forward(x, y);
  DenseNetwork constructed(*network);
  DenseNetwork assigned = three_layer_network();
  assigned = *network;
  const std::unique_ptr<Model> cloned = network->clone();
  for (double& value : x.storage()) value += 1.0;
  network->forward(x, y);
  network.reset();

  std::vector<double> param_grad(expected.size());
  constructed.backward(grad, GradientAt::output, param_grad, nullptr);
  EXPECT_EQ(param_grad, expected);
  assigned.backward(grad, GradientAt::output, param_grad, nullptr);
  EXPECT_EQ(param_grad, expected);
  cloned->backward(grad, GradientAt::output, param_grad, nullptr);
  EXPECT_EQ(param_grad, expected);
}

TEST(DenseNetwork, BackwardAndStepChecksItsArguments) {
  DenseNetwork network = three_layer_network();
  Matrix x(2, 4), y(2, 5), grad(2, 5);
  std::vector<double> scratch(network.parameter_count());
  EXPECT_THROW(network.backward_and_step(grad, GradientAt::output, 0.1, scratch), std::logic_error);
  network.forward(x, y);
  std::vector<double> short_scratch(network.parameter_count() - 1);
  EXPECT_THROW(network.backward_and_step(grad, GradientAt::output, 0.1, short_scratch), std::invalid_argument);
  Matrix wrong_grad(3, 5);
  EXPECT_THROW(network.backward_and_step(wrong_grad, GradientAt::output, 0.1, scratch), std::invalid_argument);
}

TEST(DenseNetwork, BackwardAndStepAllocatesNothing) {
  if (!test_support::allocation_counting_enabled()) GTEST_SKIP() << "sanitizer builds keep their own operator new";
  DenseNetwork network(64, {{48, Activation::sigmoid}, {4, Activation::softmax}});
  Rng rng(5);
  network.initialize_uniform(rng, 0.5);
  std::vector<double> scratch(network.parameter_count());
  const Matrix x = test_support::random_matrix(32, 64, rng);
  Matrix y(32, 4), grad(32, 4, 0.01);
  network.forward(x, y);
  network.backward_and_step(grad, GradientAt::output, 0.1, scratch);
  const std::size_t before = test_support::allocation_count();
  for (int step = 0; step < 3; ++step) {
    network.forward(x, y);
    network.backward_and_step(grad, GradientAt::output, 0.1, scratch);
  }
  EXPECT_EQ(test_support::allocation_count(), before);
}

}  // namespace
}  // namespace nclab
