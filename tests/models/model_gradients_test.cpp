// Central-difference checks of every built-in model under every loss it trains with: the parameter
// gradient, the input gradient, and the full output Jacobians with respect to parameters and inputs.

#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "framework/model/registry.hpp"
#include "tests/support/gradient_check.hpp"

namespace nclab {
namespace {

using test_support::gradient_tolerance;

enum class LossKind { squared_error, cross_entropy, softmax_cross_entropy };

struct GradientCase {
  std::string model;
  Activation activation;
  LossKind loss;
  std::size_t batch;
  std::size_t inputs;
  std::size_t outputs;
  std::map<std::string, double> options;
};

std::string loss_name(LossKind loss) {
  switch (loss) {
    case LossKind::squared_error:
      return "SquaredError";
    case LossKind::cross_entropy:
      return "CrossEntropy";
    case LossKind::softmax_cross_entropy:
      return "SoftmaxCrossEntropy";
  }
  return "Unknown";
}

std::string case_name(const ::testing::TestParamInfo<GradientCase>& info) {
  const GradientCase& c = info.param;
  std::string name = c.model + "_" + to_string(c.activation) + "_" + loss_name(c.loss) + "_batch" + std::to_string(c.batch);
  for (const auto& [option, value] : c.options) name += "_" + option + std::to_string(static_cast<int>(value));
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') ch = '_';
  }
  return name;
}

// Lets GoogleTest print a failing case by name instead of as raw bytes.
void PrintTo(const GradientCase& c, std::ostream* out) {
  *out << case_name(::testing::TestParamInfo<GradientCase>(c, 0));
}

test_support::LossFunction make_loss(LossKind loss) {
  switch (loss) {
    case LossKind::squared_error:
      return test_support::squared_error_loss();
    case LossKind::cross_entropy:
      return test_support::cross_entropy_loss();
    case LossKind::softmax_cross_entropy:
      return test_support::softmax_cross_entropy_loss();
  }
  return test_support::squared_error_loss();
}

struct Fixture {
  std::unique_ptr<Model> model;
  Matrix x;
  Matrix t;
};

Fixture build(const GradientCase& c, std::uint64_t seed) {
  const ModelRegistry& registry = ModelRegistry::instance();
  const ModelConfig config = registry.make_config(c.model, c.inputs, c.outputs, c.activation, c.options);
  Fixture f;
  f.model = registry.create(c.model, config);
  Rng rng(seed);
  f.model->initialize_uniform(rng, 0.8);
  f.x = test_support::random_matrix(c.batch, c.inputs, rng);
  if (registry.find(c.model).reconstructs_input) {
    f.t = f.x;
  } else if (c.loss == LossKind::squared_error) {
    f.t = test_support::random_matrix(c.batch, c.outputs, rng, c.activation == Activation::identity ? -1.0 : 0.0, 1.0);
  } else if (c.batch % 2 == 0) {
    f.t = test_support::random_one_hot(c.batch, c.outputs, rng);
  } else {
    f.t = test_support::random_distributions(c.batch, c.outputs, rng);
  }
  return f;
}

class ModelGradientTest : public ::testing::TestWithParam<GradientCase> {};

TEST_P(ModelGradientTest, ParameterGradient) {
  Fixture f = build(GetParam(), 101);
  const auto result = test_support::check_parameter_gradient(*f.model, f.x, f.t, make_loss(GetParam().loss));
  EXPECT_LT(result.max_relative_error, gradient_tolerance) << result;
  EXPECT_EQ(result.checked, f.model->parameter_count());
  EXPECT_GT(result.max_abs_numeric, 1e-3) << result;
}

TEST_P(ModelGradientTest, InputGradient) {
  Fixture f = build(GetParam(), 202);
  const auto result = test_support::check_input_gradient(*f.model, f.x, f.t, make_loss(GetParam().loss));
  EXPECT_LT(result.max_relative_error, gradient_tolerance) << result;
  EXPECT_EQ(result.checked, f.x.size());
  EXPECT_GT(result.max_abs_numeric, 1e-3) << result;
}

TEST_P(ModelGradientTest, OutputJacobians) {
  Fixture f = build(GetParam(), 303);
  const auto parameters = test_support::check_parameter_jacobian(*f.model, f.x);
  EXPECT_LT(parameters.max_relative_error, gradient_tolerance) << parameters;
  EXPECT_GT(parameters.max_abs_numeric, 1e-3) << parameters;
  const auto inputs = test_support::check_input_jacobian(*f.model, f.x);
  EXPECT_LT(inputs.max_relative_error, gradient_tolerance) << inputs;
  EXPECT_GT(inputs.max_abs_numeric, 1e-3) << inputs;
}

std::vector<GradientCase> gradient_cases() {
  std::vector<GradientCase> cases;
  // Single-output-layer and one-hidden-layer models: every output activation with squared error, and
  // softmax outputs with cross-entropy through the Jacobian and fused at the logits.
  for (const std::string model : {"perceptron", "mlp"}) {
    const std::map<std::string, double> options =
        model == "mlp" ? std::map<std::string, double>{{"hidden", 5}} : std::map<std::string, double>{};
    for (const std::size_t batch : {1u, 6u}) {
      cases.push_back({model, Activation::identity, LossKind::squared_error, batch, 4, 3, options});
      cases.push_back({model, Activation::sigmoid, LossKind::squared_error, batch, 4, 3, options});
      cases.push_back({model, Activation::softmax, LossKind::squared_error, batch, 4, 3, options});
      cases.push_back({model, Activation::softmax, LossKind::cross_entropy, batch, 4, 3, options});
      cases.push_back({model, Activation::softmax, LossKind::softmax_cross_entropy, batch, 4, 3, options});
    }
    // Soft targets, which build() gives to odd batches.
    cases.push_back({model, Activation::softmax, LossKind::softmax_cross_entropy, 7, 4, 3, options});
    cases.push_back({model, Activation::softmax, LossKind::cross_entropy, 7, 4, 3, options});
  }
  // Batches large enough for the BLAS path.
  cases.push_back({"mlp", Activation::softmax, LossKind::softmax_cross_entropy, 40, 6, 3, {{"hidden", 20}}});
  cases.push_back({"mlp", Activation::identity, LossKind::squared_error, 40, 6, 2, {{"hidden", 20}}});
  cases.push_back({"perceptron", Activation::softmax, LossKind::softmax_cross_entropy, 64, 12, 4, {}});

  // The autoencoder reconstructs its input with a linear output and squared error.
  for (const std::size_t batch : {1u, 6u}) {
    cases.push_back({"autoencoder", Activation::identity, LossKind::squared_error, batch, 5, 5, {{"hidden", 4}, {"code", 2}}});
  }
  cases.push_back({"autoencoder", Activation::identity, LossKind::squared_error, 40, 8, 8, {{"hidden", 12}, {"code", 3}}});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(BuiltIn, ModelGradientTest, ::testing::ValuesIn(gradient_cases()), case_name);

// Each of the three built-in models must appear in the sweep above.
TEST(ModelGradientSweep, CoversEveryBuiltInModel) {
  std::set<std::string> covered;
  for (const GradientCase& c : gradient_cases()) covered.insert(c.model);
  for (const std::string name : {"perceptron", "mlp", "autoencoder"}) {
    EXPECT_TRUE(covered.contains(name)) << name;
  }
}

}  // namespace
}  // namespace nclab
