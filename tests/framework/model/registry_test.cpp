#include "framework/model/registry.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "framework/core/error.hpp"
#include "framework/model/dense_network.hpp"

namespace nclab {
namespace {

// Returns the message of the InputError that `action` throws, or fails the test.
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

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

ModelEntry test_entry(const std::string& name) {
  ModelEntry entry;
  entry.name = name;
  entry.description = "test model";
  entry.create = [](const ModelConfig& config) {
    return std::make_unique<DenseNetwork>(config.inputs,
                                          std::vector<DenseLayerSpec>{{config.outputs, config.output_activation}});
  };
  return entry;
}

// The built-in models live in the shared core library, whose static initialisers register them when
// it loads. This fails if they are ever linked where no initialiser runs, such as an unused object
// file of a static library.
TEST(ModelRegistry, ContainsEveryBuiltInModel) {
  const ModelRegistry& registry = ModelRegistry::instance();
  for (const std::string name : {"perceptron", "mlp", "autoencoder"}) {
    EXPECT_TRUE(registry.contains(name)) << name << " is not registered";
  }
}

TEST(ModelRegistry, EveryEntryIsDescribedAndBuildsWithDefaults) {
  const ModelRegistry& registry = ModelRegistry::instance();
  for (const auto& [name, entry] : registry.entries()) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(entry.description.empty());
    EXPECT_EQ(entry.description.find('\n'), std::string::npos) << "description must be one line";
    for (const ModelOption& option : entry.options) {
      EXPECT_FALSE(option.help.empty()) << option.name;
      EXPECT_LE(option.min_value, option.default_value) << option.name;
      EXPECT_LE(option.default_value, option.max_value) << option.name;
    }
    const ModelConfig config = registry.make_config(name, 3, 3, Activation::identity, {});
    const std::unique_ptr<Model> model = registry.create(name, config);
    ASSERT_NE(model, nullptr);
    EXPECT_EQ(model->input_size(), 3u);
    EXPECT_EQ(model->output_size(), 3u);
    Matrix x(2, 3, 0.5), y(2, 3);
    model->forward(x, y);
    for (double value : y.storage()) EXPECT_TRUE(std::isfinite(value));
  }
}

TEST(ModelRegistry, BuiltInShapesAndActivations) {
  const ModelRegistry& registry = ModelRegistry::instance();

  auto perceptron = registry.create("perceptron", registry.make_config("perceptron", 14, 2, Activation::softmax, {}));
  ASSERT_EQ(perceptron->layout().size(), 1u);
  EXPECT_EQ(perceptron->output_activation(), Activation::softmax);
  EXPECT_EQ(perceptron->parameter_count(), 2u * 14u + 2u);

  auto mlp = registry.create("mlp", registry.make_config("mlp", 14, 2, Activation::softmax, {}));
  const auto mlp_layout = mlp->layout();
  ASSERT_EQ(mlp_layout.size(), 2u);
  EXPECT_EQ(mlp_layout[0].rows, 10u);  // default hidden units
  EXPECT_EQ(mlp_layout[0].activation, Activation::sigmoid);
  EXPECT_EQ(mlp_layout[1].activation, Activation::softmax);
  EXPECT_EQ(mlp->parameter_count(), 10u * 14u + 10u + 2u * 10u + 2u);

  auto autoencoder = registry.create("autoencoder", registry.make_config("autoencoder", 6, 6, Activation::identity, {}));
  const auto ae_layout = autoencoder->layout();
  ASSERT_EQ(ae_layout.size(), 4u);
  const std::size_t rows[] = {10, 2, 10, 6};  // defaults: hidden 10, code 2
  const Activation activations[] = {Activation::sigmoid, Activation::identity, Activation::sigmoid,
                                    Activation::identity};
  for (std::size_t l = 0; l < 4; ++l) {
    EXPECT_EQ(ae_layout[l].rows, rows[l]) << "layer " << l + 1;
    EXPECT_EQ(ae_layout[l].activation, activations[l]) << "layer " << l + 1;
  }
  EXPECT_TRUE(registry.find("autoencoder").reconstructs_input);
  EXPECT_FALSE(registry.find("mlp").reconstructs_input);
}

TEST(ModelRegistry, UnknownModelListsKnownNames) {
  const ModelRegistry& registry = ModelRegistry::instance();
  const std::string message = input_error_message([&] { registry.find("mpl"); });
  EXPECT_TRUE(contains(message, "'mpl'")) << message;
  for (const std::string& name : registry.names()) EXPECT_TRUE(contains(message, name)) << message;
}

TEST(ModelRegistry, DuplicateNameIsRejected) {
  ModelRegistry registry;
  registry.add(test_entry("twice"));
  const std::string message = input_error_message([&] { registry.add(test_entry("twice")); });
  EXPECT_TRUE(contains(message, "'twice' is already registered")) << message;
  EXPECT_EQ(registry.names().size(), 1u);
}

TEST(ModelRegistry, InvalidEntriesAreRejected) {
  ModelRegistry registry;
  EXPECT_THROW(registry.add(test_entry("")), InputError);
  ModelEntry no_factory = test_entry("no-factory");
  no_factory.create = nullptr;
  EXPECT_THROW(registry.add(no_factory), InputError);
  ModelEntry bad_default = test_entry("bad-default");
  bad_default.options = {{.name = "size", .default_value = 0, .min_value = 1, .max_value = 5, .integer = true, .help = "h"}};
  EXPECT_THROW(registry.add(bad_default), InputError);
  ModelEntry repeated = test_entry("repeated");
  repeated.options = {{.name = "a", .default_value = 1, .min_value = 0, .max_value = 2, .integer = true, .help = "h"},
                      {.name = "a", .default_value = 1, .min_value = 0, .max_value = 2, .integer = true, .help = "h"}};
  EXPECT_THROW(registry.add(repeated), InputError);
  EXPECT_TRUE(registry.names().empty());
}

TEST(ModelRegistry, MakeConfigFillsDefaults) {
  const ModelRegistry& registry = ModelRegistry::instance();
  const ModelConfig config = registry.make_config("autoencoder", 4, 4, Activation::identity, {{"code", 3}});
  EXPECT_EQ(config.inputs, 4u);
  EXPECT_EQ(config.outputs, 4u);
  EXPECT_EQ(config.option("code"), 3.0);
  EXPECT_EQ(config.option("hidden"), 10.0);
  EXPECT_THROW(config.option("missing"), RuntimeFailure);
}

TEST(ModelRegistry, MakeConfigRejectsUnknownOption) {
  const ModelRegistry& registry = ModelRegistry::instance();
  const std::string message = input_error_message(
      [&] { registry.make_config("mlp", 4, 2, Activation::softmax, {{"hiden", 5}}); });
  EXPECT_TRUE(contains(message, "'hiden'")) << message;
  EXPECT_TRUE(contains(message, "5")) << message;
  EXPECT_TRUE(contains(message, "hidden")) << message;  // the fix: the valid option name

  const std::string none = input_error_message(
      [&] { registry.make_config("perceptron", 4, 2, Activation::softmax, {{"hidden", 5}}); });
  EXPECT_TRUE(contains(none, "takes no options")) << none;
}

TEST(ModelRegistry, MakeConfigChecksBoundsAndIntegers) {
  const ModelRegistry& registry = ModelRegistry::instance();
  auto message_for = [&](double hidden) {
    return input_error_message([&] { registry.make_config("mlp", 4, 2, Activation::softmax, {{"hidden", hidden}}); });
  };

  const std::string below = message_for(0);
  EXPECT_TRUE(contains(below, "'hidden' = 0")) << below;
  EXPECT_TRUE(contains(below, "below the minimum 1")) << below;
  EXPECT_TRUE(contains(below, "from 1 to 100000")) << below;

  const std::string above = message_for(100001);
  EXPECT_TRUE(contains(above, "above the maximum 100000")) << above;

  const std::string fraction = message_for(2.5);
  EXPECT_TRUE(contains(fraction, "2.5")) << fraction;
  EXPECT_TRUE(contains(fraction, "not an integer")) << fraction;

  const std::string nan = message_for(NAN);
  EXPECT_TRUE(contains(nan, "not a finite number")) << nan;

  EXPECT_EQ(registry.make_config("mlp", 4, 2, Activation::softmax, {{"hidden", 100000}}).option("hidden"), 100000.0);
  EXPECT_EQ(registry.make_config("mlp", 4, 2, Activation::softmax, {{"hidden", 1}}).option("hidden"), 1.0);
}

TEST(ModelRegistry, MakeConfigChecksSizes) {
  const ModelRegistry& registry = ModelRegistry::instance();
  EXPECT_THROW(registry.make_config("mlp", 0, 2, Activation::softmax, {}), InputError);
  EXPECT_THROW(registry.make_config("mlp", 3, 0, Activation::softmax, {}), InputError);
  const std::string message =
      input_error_message([&] { registry.make_config("autoencoder", 5, 3, Activation::identity, {}); });
  EXPECT_TRUE(contains(message, "outputs must equal its inputs")) << message;
}

TEST(ModelRegistry, AutoencoderRejectsNonlinearOutput) {
  const ModelRegistry& registry = ModelRegistry::instance();
  const ModelConfig config = registry.make_config("autoencoder", 5, 5, Activation::softmax, {});
  const std::string message = input_error_message([&] { registry.create("autoencoder", config); });
  EXPECT_TRUE(contains(message, "softmax")) << message;
}

TEST(ModelRegistry, CreateChecksTheBuiltModel) {
  ModelRegistry registry;
  ModelEntry wrong_size = test_entry("wrong-size");
  wrong_size.create = [](const ModelConfig& config) {
    return std::make_unique<DenseNetwork>(config.inputs + 1,
                                          std::vector<DenseLayerSpec>{{config.outputs, Activation::identity}});
  };
  registry.add(wrong_size);
  EXPECT_THROW(registry.create("wrong-size", registry.make_config("wrong-size", 2, 2, Activation::identity, {})),
               RuntimeFailure);
}

TEST(Activation, NamesRoundTrip) {
  for (const Activation activation : {Activation::identity, Activation::sigmoid, Activation::softmax}) {
    EXPECT_EQ(parse_activation(to_string(activation)), activation);
  }
  EXPECT_EQ(to_string(Activation::softmax), "softmax");
  const std::string message = input_error_message([] { parse_activation("tanh"); });
  EXPECT_TRUE(contains(message, "'tanh'")) << message;
  EXPECT_TRUE(contains(message, "identity, sigmoid or softmax")) << message;
}

}  // namespace
}  // namespace nclab
