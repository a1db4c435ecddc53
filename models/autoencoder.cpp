// Autoencoder that reconstructs its m inputs through a code layer of L2 units:
//   U = sigmoid(X W1^T + b1)   W1 is L1 x m   ("layer1")
//   Z = U W2^T + b2            W2 is L2 x L1  ("layer2", the code)
//   V = sigmoid(Z W3^T + b3)   W3 is L1 x L2  ("layer3")
//   Y = V W4^T + b4            W4 is m x L1   ("layer4")
// Trained on the squared reconstruction error (1/N) sum_n 1/2 sum_o (y_o - x_o)^2, so the targets are
// the inputs.

#include "framework/core/error.hpp"
#include "framework/model/dense_network.hpp"
#include "framework/model/registry.hpp"

namespace nclab {
namespace {

std::unique_ptr<Model> create_autoencoder(const ModelConfig& config) {
  if (config.output_activation != Activation::identity) {
    throw InputError("model 'autoencoder' has a linear output layer, but the configuration asks for " +
                     to_string(config.output_activation) + " outputs; use identity");
  }
  const auto outer = static_cast<std::size_t>(config.option("hidden"));
  const auto code = static_cast<std::size_t>(config.option("code"));
  return std::make_unique<DenseNetwork>(config.inputs, std::vector<DenseLayerSpec>{
                                                           {outer, Activation::sigmoid},
                                                           {code, Activation::identity},
                                                           {outer, Activation::sigmoid},
                                                           {config.inputs, Activation::identity},
                                                       });
}

ModelEntry autoencoder_entry() {
  ModelEntry entry;
  entry.name = "autoencoder";
  entry.description = "four-layer autoencoder (sigmoid, linear code, sigmoid, linear) trained on squared reconstruction error";
  entry.options = {
      {.name = "hidden",
       .default_value = 10,
       .min_value = 1,
       .max_value = 100000,
       .integer = true,
       .help = "number of sigmoid units in the first and third layers (L1)"},
      {.name = "code",
       .default_value = 2,
       .min_value = 1,
       .max_value = 100000,
       .integer = true,
       .help = "number of linear units in the code layer (L2)"},
  };
  entry.reconstructs_input = true;
  entry.create = create_autoencoder;
  return entry;
}

NCLAB_REGISTER_MODEL(autoencoder_entry);

}  // namespace
}  // namespace nclab
