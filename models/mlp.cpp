// Multi-layer perceptron with one sigmoid hidden layer:
//   z = sigmoid(x A^T + b_a)   A is hidden x inputs  ("layer1")
//   y = f(z B^T + b_b)         B is outputs x hidden ("layer2")
// f comes from the configuration: softmax, sigmoid or identity.

#include "framework/model/dense_network.hpp"
#include "framework/model/registry.hpp"

namespace nclab {
namespace {

std::unique_ptr<Model> create_mlp(const ModelConfig& config) {
  const auto hidden = static_cast<std::size_t>(config.option("hidden"));
  return std::make_unique<DenseNetwork>(
      config.inputs,
      std::vector<DenseLayerSpec>{{hidden, Activation::sigmoid}, {config.outputs, config.output_activation}});
}

ModelEntry mlp_entry() {
  ModelEntry entry;
  entry.name = "mlp";
  entry.description = "one sigmoid hidden layer, then a dense layer with the task's output activation";
  entry.options = {{.name = "hidden",
                    .default_value = 10,
                    .min_value = 1,
                    .max_value = 100000,
                    .integer = true,
                    .help = "number of sigmoid units in the hidden layer"}};
  entry.create = create_mlp;
  return entry;
}

NCLAB_REGISTER_MODEL(mlp_entry);

}  // namespace
}  // namespace nclab
