// MemberLanes against DenseNetwork, member by member: forward passes, backward passes with the SGD
// step, and the lane path of EnsembleMembers and of the trainer against the member-by-member path.

#include "framework/ensemble/member_lanes.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "framework/core/rng.hpp"
#include "framework/ensemble/ensemble_members.hpp"
#include "framework/ensemble/penalties.hpp"
#include "framework/ensemble/trainer.hpp"
#include "framework/model/dense_network.hpp"
#include "tests/support/ensemble_test_data.hpp"
#include "tests/support/linear_model.hpp"

namespace nclab {
namespace {

struct NetworkCase {
  std::string name;
  std::size_t inputs;
  std::vector<DenseLayerSpec> layers;
};

std::vector<NetworkCase> network_cases() {
  return {
      {"mlp_14_10_2_softmax", 14, {{10, Activation::sigmoid}, {2, Activation::softmax}}},
      {"mlp_4_7_1_identity", 4, {{7, Activation::sigmoid}, {1, Activation::identity}}},
      {"mlp_5_3_3_sigmoid", 5, {{3, Activation::sigmoid}, {3, Activation::sigmoid}}},
      {"perceptron_6_4_softmax", 6, {{4, Activation::softmax}}},
      {"autoencoder_6_4_2_4_6",
       6,
       {{4, Activation::sigmoid}, {2, Activation::identity}, {4, Activation::sigmoid}, {6, Activation::identity}}},
  };
}

std::vector<std::unique_ptr<Model>> make_members(const NetworkCase& network, std::size_t count, std::uint64_t seed) {
  std::vector<std::unique_ptr<Model>> models;
  for (std::size_t i = 0; i < count; ++i) {
    auto model = std::make_unique<DenseNetwork>(network.inputs, network.layers);
    Rng rng = Rng::stream(seed, 1, i, StreamPurpose::initialization);
    model->initialize_uniform(rng, 0.8);
    models.push_back(std::move(model));
  }
  return models;
}

std::vector<double> random_values(std::size_t count, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> values(count);
  for (double& v : values) v = rng.uniform(-2.0, 2.0);
  return values;
}

// Every test runs each network with 1, 3, 4, 5 and 9 members: a padded group, one full group, and
// several groups with padding.
const std::size_t kMemberCounts[] = {1, 3, 4, 5, 9};

// Differences come from the order of the sums and from exp_kernel against libm's exp (at most 1 unit
// in the last place each), so they stay within a few units of 1e-16 times the values' size.
constexpr double kTolerance = 1e-13;

TEST(MemberLanes, ForwardMatchesDenseNetwork) {
  for (const NetworkCase& network : network_cases()) {
    for (std::size_t count : kMemberCounts) {
      SCOPED_TRACE(network.name + ", " + std::to_string(count) + " members");
      auto models = make_members(network, count, 3);
      auto lanes = MemberLanes::create(models);
      ASSERT_NE(lanes, nullptr);
      lanes->load(models);
      for (std::uint64_t pattern = 0; pattern < 5; ++pattern) {
        const std::vector<double> x = random_values(network.inputs, 100 + pattern);
        lanes->forward(x.data());
        for (std::size_t i = 0; i < count; ++i) {
          const std::size_t outputs = models[i]->output_size();
          Matrix expected(1, outputs);
          models[i]->forward(ConstMatrixView{x.data(), 1, x.size(), x.size()}, expected.view());
          std::vector<double> got(outputs);
          lanes->copy_output(i, got.data());
          for (std::size_t k = 0; k < outputs; ++k) EXPECT_NEAR(got[k], expected(0, k), kTolerance) << "member " << i;
        }
      }
    }
  }
}

TEST(MemberLanes, StepMatchesBackwardAndSgd) {
  constexpr double rate = 0.3;
  for (const NetworkCase& network : network_cases()) {
    const bool softmax = network.layers.back().activation == Activation::softmax;
    for (GradientAt at : {GradientAt::output, GradientAt::logits}) {
      if (at == GradientAt::logits && !softmax) continue;
      for (std::size_t count : kMemberCounts) {
        SCOPED_TRACE(network.name + ", " + std::to_string(count) + " members" +
                     (at == GradientAt::logits ? ", at the logits" : ", at the outputs"));
        auto models = make_members(network, count, 4);
        auto lanes = MemberLanes::create(models);
        ASSERT_NE(lanes, nullptr);
        lanes->load(models);
        const std::size_t outputs = models[0]->output_size();

        const std::vector<double> x = random_values(network.inputs, 7);
        std::vector<Matrix> gradients;
        std::vector<MatrixView> gradient_views;
        for (std::size_t i = 0; i < count; ++i) {
          const std::vector<double> g = random_values(outputs, 20 + i);
          gradients.emplace_back(1, outputs);
          std::copy(g.begin(), g.end(), gradients.back().row(0).begin());
        }
        for (Matrix& g : gradients) gradient_views.push_back(g.view());

        lanes->forward(x.data());
        lanes->backward_and_step(gradient_views, at, rate);

        // The same step member by member: backward, then w += -rate g.
        auto expected = make_members(network, count, 4);
        for (std::size_t i = 0; i < count; ++i) {
          Matrix y(1, outputs);
          expected[i]->forward(ConstMatrixView{x.data(), 1, x.size(), x.size()}, y.view());
          std::vector<double> grad(expected[i]->parameter_count());
          expected[i]->backward(gradients[i].view(), at, grad, nullptr);
          const auto parameters = expected[i]->parameters();
          for (std::size_t p = 0; p < grad.size(); ++p) parameters[p] += -rate * grad[p];
        }
        auto stored = make_members(network, count, 99);
        lanes->store(stored);
        for (std::size_t i = 0; i < count; ++i) {
          const auto got = std::as_const(*stored[i]).parameters();
          const auto want = std::as_const(*expected[i]).parameters();
          ASSERT_EQ(got.size(), want.size());
          for (std::size_t p = 0; p < got.size(); ++p) {
            EXPECT_NEAR(got[p], want[p], kTolerance) << "member " << i << ", parameter " << p;
          }
        }
      }
    }
  }
}

TEST(MemberLanes, LoadThenStoreKeepsEveryBit) {
  const NetworkCase network = network_cases()[0];
  auto models = make_members(network, 6, 8);
  auto lanes = MemberLanes::create(models);
  ASSERT_NE(lanes, nullptr);
  lanes->load(models);
  auto copies = make_members(network, 6, 77);
  lanes->store(copies);
  for (std::size_t i = 0; i < models.size(); ++i) {
    const auto a = std::as_const(*models[i]).parameters();
    const auto b = std::as_const(*copies[i]).parameters();
    for (std::size_t p = 0; p < a.size(); ++p) {
      EXPECT_EQ(std::bit_cast<std::uint64_t>(a[p]), std::bit_cast<std::uint64_t>(b[p]));
    }
  }
}

TEST(MemberLanes, OnlyForDenseNetworksOfOneLayout) {
  const auto cases = network_cases();
  std::vector<std::unique_ptr<Model>> mixed = make_members(cases[0], 2, 1);
  mixed.push_back(std::make_unique<DenseNetwork>(
      14, std::vector<DenseLayerSpec>{{11, Activation::sigmoid}, {2, Activation::softmax}}));
  EXPECT_EQ(MemberLanes::create(mixed), nullptr) << "another hidden size";

  std::vector<std::unique_ptr<Model>> linear;
  linear.push_back(std::make_unique<testing::LinearModel>(3, 2, Activation::identity));
  EXPECT_EQ(MemberLanes::create(linear), nullptr) << "a model that is not a DenseNetwork";

  EXPECT_EQ(MemberLanes::create({}), nullptr);
}

// The fused NCL gradient of the lanes gives the same bits as penalty_output_gradients followed by
// backward_and_step, for every method of the NCL form, both losses and a padded last group.
TEST(MemberLanes, FusedNclGradientMatchesPenaltyCode) {
  const NetworkCase network = network_cases()[0];
  constexpr std::size_t count = 5;
  constexpr double rate = 0.2;
  const std::vector<double> x = random_values(network.inputs, 41);
  const double target[2] = {0.0, 1.0};
  for (Method method : {Method::independent, Method::ncl, Method::ncl_exact}) {
    for (LossKind loss : {LossKind::squared_error, LossKind::cross_entropy}) {
      SCOPED_TRACE(static_cast<int>(method) * 10 + static_cast<int>(loss));
      PenaltySettings penalty;
      penalty.method = method;
      penalty.coefficient = 0.45;
      penalty.loss = loss;
      const std::optional<NclForm> form = ncl_form(penalty, count);
      ASSERT_TRUE(form.has_value());

      auto models = make_members(network, count, 12);
      auto fused = MemberLanes::create(models);
      auto general = MemberLanes::create(models);
      fused->load(models);
      general->load(models);

      fused->forward(x.data());
      double fused_ensemble[2];
      fused->ncl_backward_and_step(target, *form, loss, rate, fused_ensemble);

      general->forward(x.data());
      std::vector<Matrix> outputs;
      for (std::size_t i = 0; i < count; ++i) {
        outputs.emplace_back(1, 2);
        general->copy_output(i, outputs.back().row(0).data());
      }
      std::vector<ConstMatrixView> output_views;
      std::vector<Matrix> gradients;
      std::vector<MatrixView> gradient_views;
      for (std::size_t i = 0; i < count; ++i) {
        output_views.push_back(outputs[i].view());
        gradients.emplace_back(1, 2);
      }
      for (Matrix& g : gradients) gradient_views.push_back(g.view());
      Matrix ensemble(1, 2);
      ensemble_mean(output_views, ensemble.view());
      penalty_output_gradients(penalty, output_views, ConstMatrixView{target, 1, 2, 2}, ensemble.view(), gradient_views);
      general->backward_and_step(gradient_views, gradient_point(loss), rate);

      EXPECT_EQ(std::bit_cast<std::uint64_t>(fused_ensemble[0]), std::bit_cast<std::uint64_t>(ensemble(0, 0)));
      EXPECT_EQ(std::bit_cast<std::uint64_t>(fused_ensemble[1]), std::bit_cast<std::uint64_t>(ensemble(0, 1)));
      auto a = make_members(network, count, 1);
      auto b = make_members(network, count, 1);
      fused->store(a);
      general->store(b);
      for (std::size_t i = 0; i < count; ++i) {
        const auto pa = std::as_const(*a[i]).parameters();
        const auto pb = std::as_const(*b[i]).parameters();
        for (std::size_t p = 0; p < pa.size(); ++p) {
          ASSERT_EQ(std::bit_cast<std::uint64_t>(pa[p]), std::bit_cast<std::uint64_t>(pb[p]))
              << "member " << i << ", parameter " << p;
        }
      }
    }
  }
}

// Two EnsembleMembers of the same members, one on lanes: after each concurrent NCL step on one
// pattern both have the same outputs and parameters to rounding.
TEST(MemberLanes, EnsembleStepsMatchMemberByMember) {
  const NetworkCase network = network_cases()[0];
  constexpr std::size_t count = 5;
  EnsembleMembers plain(make_members(network, count, 9), 1, 0.2, 0.0, SIZE_MAX, false);
  EnsembleMembers lanes(make_members(network, count, 9), 1, 0.2, 0.0, SIZE_MAX, true);
  ASSERT_FALSE(plain.uses_lanes());
  ASSERT_TRUE(lanes.uses_lanes());

  PenaltySettings penalty;
  penalty.method = Method::ncl;
  penalty.coefficient = 0.7;
  for (std::uint64_t step = 0; step < 40; ++step) {
    const std::vector<double> x = random_values(network.inputs, 300 + step);
    const double t[2] = {step % 2 == 0 ? 1.0 : 0.0, step % 2 == 0 ? 0.0 : 1.0};
    const ConstMatrixView inputs{x.data(), 1, x.size(), x.size()};
    const ConstMatrixView targets{t, 1, 2, 2};
    plain.concurrent_step(inputs, targets, penalty);
    lanes.concurrent_step(inputs, targets, penalty);
    for (std::size_t i = 0; i < count; ++i) {
      for (std::size_t k = 0; k < 2; ++k) {
        EXPECT_NEAR(lanes.step_output(i)(0, k), plain.step_output(i)(0, k), 1e-12) << "step " << step;
      }
    }
  }
  for (std::size_t i = 0; i < count; ++i) {
    const auto a = std::as_const(plain).member(i).parameters();
    const auto b = std::as_const(lanes).member(i).parameters();
    for (std::size_t p = 0; p < a.size(); ++p) EXPECT_NEAR(b[p], a[p], 1e-12) << "member " << i << ", parameter " << p;
  }
}

// A change made through member(i) between steps reaches the lanes: zeroing member 0 makes its next
// output the one of an all-zero network.
TEST(MemberLanes, ChangesThroughMemberReachTheLanes) {
  const NetworkCase network = network_cases()[0];
  EnsembleMembers lanes(make_members(network, 4, 10), 1, 0.2, 0.0, SIZE_MAX, true);
  ASSERT_TRUE(lanes.uses_lanes());
  PenaltySettings penalty;
  const std::vector<double> x = random_values(network.inputs, 5);
  const double t[2] = {1.0, 0.0};
  const ConstMatrixView inputs{x.data(), 1, x.size(), x.size()};
  lanes.concurrent_step(inputs, ConstMatrixView{t, 1, 2, 2}, penalty);

  const auto parameters = lanes.member(0).parameters();
  std::fill(parameters.begin(), parameters.end(), 0.0);
  lanes.concurrent_step(inputs, ConstMatrixView{t, 1, 2, 2}, penalty);
  // Zero weights and biases: hidden units 0.5, equal logits, softmax outputs 0.5.
  EXPECT_EQ(lanes.step_output(0)(0, 0), 0.5);
  EXPECT_EQ(lanes.step_output(0)(0, 1), 0.5);
  EXPECT_NE(lanes.step_output(1)(0, 0), 0.5);
}

// The lanes' NCL step leaves its outputs in the lanes until step_output reads them, so an
// evaluation on the lanes in between must not replace them with the evaluated patterns' outputs.
TEST(MemberLanes, StepOutputSurvivesAnEvaluation) {
  const NetworkCase network = network_cases()[0];
  constexpr std::size_t count = 4;
  EnsembleMembers plain(make_members(network, count, 12), 1, 0.2, 0.0, SIZE_MAX, false);
  EnsembleMembers lanes(make_members(network, count, 12), 1, 0.2, 0.0, SIZE_MAX, true);
  ASSERT_TRUE(lanes.uses_lanes());
  PenaltySettings penalty;
  penalty.method = Method::ncl;
  penalty.coefficient = 0.5;
  const std::vector<double> x = random_values(network.inputs, 13);
  const double t[2] = {0.0, 1.0};
  const ConstMatrixView inputs{x.data(), 1, x.size(), x.size()};
  plain.concurrent_step(inputs, ConstMatrixView{t, 1, 2, 2}, penalty);
  lanes.concurrent_step(inputs, ConstMatrixView{t, 1, 2, 2}, penalty);

  const std::vector<double> other = random_values(3 * network.inputs, 14);
  std::vector<Matrix> predicted(count, Matrix(3, 2));
  ASSERT_TRUE(lanes.predict_all_on_lanes(ConstMatrixView{other.data(), 3, network.inputs, network.inputs}, predicted,
                                         0, count));
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t k = 0; k < 2; ++k) {
      EXPECT_NEAR(lanes.step_output(i)(0, k), plain.step_output(i)(0, k), 1e-14) << "member " << i;
      EXPECT_NE(lanes.step_output(i)(0, k), predicted[i](2, k)) << "member " << i;
    }
  }
}

TEST(MemberLanes, OnlyForOnlinePlainSgd) {
  const NetworkCase network = network_cases()[0];
  EXPECT_FALSE(EnsembleMembers(make_members(network, 4, 11), 1, 0.2, 0.9, SIZE_MAX, true).uses_lanes());
  EXPECT_FALSE(EnsembleMembers(make_members(network, 4, 11), 8, 0.2, 0.0, SIZE_MAX, true).uses_lanes());
  EXPECT_FALSE(EnsembleMembers(make_members(network, 1, 11), 1, 0.2, 0.0, SIZE_MAX, true).uses_lanes());
  EXPECT_TRUE(EnsembleMembers(make_members(network, 2, 11), 1, 0.2, 0.0, SIZE_MAX, true).uses_lanes());
}

TrainingConfig online_config(Method method) {
  TrainingConfig config;
  config.method = method;
  config.lambda = 0.6;
  config.members = 5;
  config.model = "mlp";
  config.model_options = {{"hidden", 6}};
  config.output_activation = Activation::softmax;
  config.epochs = 6;
  config.batch = 1;
  config.learning_rate = 0.1;
  config.seed = 12;
  return config;
}

RunRecord train_with_lanes(const TrainingConfig& config, const PreparedData& data, bool lanes) {
  TrainerOptions options;
  options.member_lanes = lanes;
  return train_ensemble(config, data, 7, nullptr, options);
}

TEST(MemberLanes, TrainerResultsMatchMemberByMember) {
  const PreparedData data = testing::make_classification_data(120, 50, 7, 2, 61);
  for (Method method : {Method::independent, Method::ncl, Method::ncl_exact, Method::decorrelated}) {
    for (LossKind loss : {LossKind::squared_error, LossKind::cross_entropy}) {
      TrainingConfig config = online_config(method);
      config.loss = loss;
      if (method == Method::ncl_exact) config.gamma = 0.4;
      SCOPED_TRACE(static_cast<int>(method) * 10 + static_cast<int>(loss));
      const RunRecord plain = train_with_lanes(config, data, false);
      const RunRecord lanes = train_with_lanes(config, data, true);
      ASSERT_EQ(plain.status, RunStatus::complete);
      ASSERT_EQ(lanes.status, RunStatus::complete);
      for (std::size_t epoch = 0; epoch < config.epochs; ++epoch) {
        for (std::size_t column = 0; column <= config.members; ++column) {
          EXPECT_NEAR(lanes.metrics.train_loss(epoch, column), plain.metrics.train_loss(epoch, column), 1e-10);
          EXPECT_NEAR(lanes.metrics.test_loss(epoch, column), plain.metrics.test_loss(epoch, column), 1e-10);
          EXPECT_EQ(lanes.metrics.test_error_rate(epoch, column), plain.metrics.test_error_rate(epoch, column));
        }
      }
      for (std::size_t i = 0; i < config.members; ++i) {
        const auto& a = plain.final_parameters[i].parameters;
        const auto& b = lanes.final_parameters[i].parameters;
        ASSERT_EQ(a.size(), b.size());
        for (std::size_t p = 0; p < a.size(); ++p) EXPECT_NEAR(b[p], a[p], 1e-10);
      }
    }
  }
}

// Regression with identity outputs, and the 4-layer autoencoder reconstructing its inputs, with early
// stopping (validation evaluations and the restore of the best parameters through member()).
TEST(MemberLanes, RegressionAndAutoencoderMatchMemberByMember) {
  PreparedData regression = testing::make_regression_data(90, 30, 5, 1, 63);
  TrainingConfig config = online_config(Method::ncl);
  config.output_activation = Activation::identity;
  config.validation_fraction = 0.2;
  config.patience = 2;
  config.epochs = 10;

  PreparedData autoencoder = testing::make_regression_data(80, 20, 6, 1, 64);
  autoencoder.train_targets = autoencoder.train_inputs;
  autoencoder.test_targets = autoencoder.test_inputs;
  TrainingConfig coder = online_config(Method::ncl_exact);
  coder.gamma = 0.3;
  coder.model = "autoencoder";
  coder.model_options = {{"hidden", 5}, {"code", 2}};
  coder.output_activation = Activation::identity;
  coder.learning_rate = 0.05;

  for (const auto& [run, data] : {std::pair{config, &regression}, std::pair{coder, &autoencoder}}) {
    SCOPED_TRACE(run.model);
    const RunRecord plain = train_with_lanes(run, *data, false);
    const RunRecord lanes = train_with_lanes(run, *data, true);
    ASSERT_EQ(plain.status, RunStatus::complete);
    ASSERT_EQ(lanes.status, RunStatus::complete);
    ASSERT_EQ(lanes.epochs_completed, plain.epochs_completed);

    for (std::size_t epoch = 0; epoch < plain.epochs_completed; ++epoch) {
      for (std::size_t column = 0; column <= run.members; ++column) {
        EXPECT_NEAR(lanes.metrics.train_mse(epoch, column), plain.metrics.train_mse(epoch, column), 1e-10);
        EXPECT_NEAR(lanes.metrics.test_mse(epoch, column), plain.metrics.test_mse(epoch, column), 1e-10);
      }
    }
    for (std::size_t i = 0; i < run.members; ++i) {
      const auto& a = plain.final_parameters[i].parameters;
      const auto& b = lanes.final_parameters[i].parameters;
      for (std::size_t p = 0; p < a.size(); ++p) EXPECT_NEAR(b[p], a[p], 1e-10);
    }
  }
}

// Momentum, mini-batches and sequential training never use the lanes, so the option changes no bit.
TEST(MemberLanes, OtherSettingsKeepTheMemberByMemberPath) {
  const PreparedData data = testing::make_classification_data(80, 30, 5, 2, 62);
  TrainingConfig momentum = online_config(Method::ncl);
  momentum.momentum = 0.5;
  testing::expect_identical_records(train_with_lanes(momentum, data, false), train_with_lanes(momentum, data, true));
  TrainingConfig batch = online_config(Method::ncl);
  batch.batch = 8;
  testing::expect_identical_records(train_with_lanes(batch, data, false), train_with_lanes(batch, data, true));
  TrainingConfig sequential = online_config(Method::decorrelated);
  sequential.mode = TrainingMode::sequential;
  testing::expect_identical_records(train_with_lanes(sequential, data, false),
                                    train_with_lanes(sequential, data, true));
}

}  // namespace
}  // namespace nclab
