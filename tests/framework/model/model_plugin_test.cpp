#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "framework/core/error.hpp"
#include "framework/math/squared_error.hpp"
#include "framework/model/registry.hpp"
#include "tests/support/gradient_check.hpp"

namespace nclab {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

template <typename Action>
std::string input_error_message(Action action) {
  try {
    action();
  } catch (const InputError& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected an InputError";
  return "";
}

TEST(ModelPlugin, LoadRegistersTanhMlp) {
  const std::vector<std::string> added = load_model_plugin(NCLAB_TANH_MLP_PLUGIN_PATH);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0], "tanh-mlp");
  const ModelRegistry& registry = ModelRegistry::instance();
  EXPECT_TRUE(registry.contains("tanh-mlp"));
  EXPECT_EQ(registry.make_config("tanh-mlp", 2, 1, Activation::identity, {}).option("hidden"), 8.0);

  // A second load of the same file registers nothing new and returns the same names.
  EXPECT_EQ(load_model_plugin(NCLAB_TANH_MLP_PLUGIN_PATH), added);
}

TEST(ModelPlugin, PluginModelGradientsAreCorrect) {
  load_model_plugin(NCLAB_TANH_MLP_PLUGIN_PATH);
  const ModelRegistry& registry = ModelRegistry::instance();
  auto model = registry.create("tanh-mlp", registry.make_config("tanh-mlp", 3, 2, Activation::softmax, {{"hidden", 4}}));
  Rng rng(9);
  model->initialize_uniform(rng, 0.8);
  const Matrix x = test_support::random_matrix(4, 3, rng);
  const Matrix t = test_support::random_one_hot(4, 2, rng);
  const auto parameters = test_support::check_parameter_gradient(*model, x, t, test_support::cross_entropy_loss());
  EXPECT_LT(parameters.max_relative_error, test_support::gradient_tolerance) << parameters;
  const auto inputs = test_support::check_input_gradient(*model, x, t, test_support::softmax_cross_entropy_loss());
  EXPECT_LT(inputs.max_relative_error, test_support::gradient_tolerance) << inputs;
}

TEST(ModelPlugin, PluginModelTrainsWithSgd) {
  load_model_plugin(NCLAB_TANH_MLP_PLUGIN_PATH);
  const ModelRegistry& registry = ModelRegistry::instance();
  auto model = registry.create("tanh-mlp", registry.make_config("tanh-mlp", 2, 1, Activation::identity, {{"hidden", 6}}));
  Rng rng(4);
  model->initialize_uniform(rng, 0.5);

  // Regression target t = x1 x2 + 0.5 sin(3 x1) on 32 random points.
  const Matrix x = test_support::random_matrix(32, 2, rng);
  Matrix t(32, 1);
  for (std::size_t n = 0; n < 32; ++n) t(n, 0) = x(n, 0) * x(n, 1) + 0.5 * std::sin(3.0 * x(n, 0));

  Matrix y(32, 1), grad(32, 1);
  std::vector<double> param_grad(model->parameter_count());
  model->forward(x, y);
  const double initial_loss = squared_error(y, t);
  for (int step = 0; step < 200; ++step) {
    model->forward(x, y);
    squared_error_gradient(y, t, grad);
    model->backward(grad, GradientAt::output, param_grad, nullptr);
    for (std::size_t i = 0; i < param_grad.size(); ++i) model->parameters()[i] -= 0.5 * param_grad[i];
  }
  model->forward(x, y);
  const double final_loss = squared_error(y, t);
  EXPECT_LT(final_loss, 0.5 * initial_loss) << "initial " << initial_loss << ", final " << final_loss;
}

TEST(ModelPlugin, MissingFileNamesThePath) {
  const std::string path = "/nonexistent/nclab-plugin-test/libmissing.so";
  const std::string message = input_error_message([&] { load_model_plugin(path); });
  EXPECT_TRUE(contains(message, path)) << message;
  EXPECT_TRUE(contains(message, "not found")) << message;
}

TEST(ModelPlugin, DirectoryIsRejected) {
  const std::string path = std::filesystem::temp_directory_path().string();
  const std::string message = input_error_message([&] { load_model_plugin(path); });
  EXPECT_TRUE(contains(message, path)) << message;
}

TEST(ModelPlugin, NonLibraryGivesDlopenError) {
  const std::filesystem::path path = std::filesystem::path(NCLAB_TEST_BINARY_DIR) / "not_a_plugin.so";
  {
    std::ofstream file(path);
    file << "this is not an ELF file\n";
  }
  const std::string message = input_error_message([&] { load_model_plugin(path.string()); });
  EXPECT_TRUE(contains(message, path.string())) << message;
  EXPECT_TRUE(contains(message, "cannot load model plugin")) << message;
  // dlerror() names the file and the reason after the colon.
  EXPECT_TRUE(contains(message, "not_a_plugin.so:")) << message;
  std::filesystem::remove(path);
}

TEST(ModelPlugin, PluginThatRegistersNothingIsRejected) {
  const std::string message = input_error_message([] { load_model_plugin(NCLAB_EMPTY_PLUGIN_PATH); });
  EXPECT_TRUE(contains(message, NCLAB_EMPTY_PLUGIN_PATH)) << message;
  EXPECT_TRUE(contains(message, "registered no models")) << message;
}

TEST(ModelPlugin, DuplicateNameIsRejectedAndBuiltInKept) {
  const std::string description_before = ModelRegistry::instance().find("mlp").description;
  const std::string message = input_error_message([] { load_model_plugin(NCLAB_DUPLICATE_PLUGIN_PATH); });
  EXPECT_TRUE(contains(message, NCLAB_DUPLICATE_PLUGIN_PATH)) << message;
  EXPECT_TRUE(contains(message, "'mlp'")) << message;
  EXPECT_TRUE(contains(message, "already registered")) << message;
  EXPECT_EQ(ModelRegistry::instance().find("mlp").description, description_before);
}

TEST(ModelPlugin, OtherInterfaceVersionIsRejected) {
  const std::string message = input_error_message([] { load_model_plugin(NCLAB_OTHER_VERSION_PLUGIN_PATH); });
  EXPECT_TRUE(contains(message, NCLAB_OTHER_VERSION_PLUGIN_PATH)) << message;
  EXPECT_TRUE(contains(message, "model interface version " + std::to_string(kModelInterfaceVersion + 1)))
      << message;
  EXPECT_TRUE(contains(message, "rebuild the plugin")) << message;
  EXPECT_FALSE(ModelRegistry::instance().contains("other-version-mlp"));

  // A second load gets the same handle and runs no initialiser, and must still name the version.
  const std::string again = input_error_message([] { load_model_plugin(NCLAB_OTHER_VERSION_PLUGIN_PATH); });
  EXPECT_TRUE(contains(again, "model interface version " + std::to_string(kModelInterfaceVersion + 1)))
      << again;
}

TEST(ModelPlugin, UnversionedPluginIsRejected) {
  // Plugins built before interface versions were recorded call the old registration function.
  const std::string message = input_error_message([] { load_model_plugin(NCLAB_UNVERSIONED_PLUGIN_PATH); });
  EXPECT_TRUE(contains(message, NCLAB_UNVERSIONED_PLUGIN_PATH)) << message;
  EXPECT_TRUE(contains(message, "model interface version 1,")) << message;
  EXPECT_FALSE(ModelRegistry::instance().contains("unversioned-mlp"));

  // A plugin of the current version still loads after a rejected one.
  EXPECT_EQ(load_model_plugin(NCLAB_TANH_MLP_PLUGIN_PATH), std::vector<std::string>{"tanh-mlp"});
}

}  // namespace
}  // namespace nclab
