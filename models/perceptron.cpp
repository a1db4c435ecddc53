// Perceptron: one dense layer, y = f(x W^T + b), with W outputs x inputs.
// f comes from the configuration: softmax for classification (trained with cross-entropy),
// identity for regression (trained with squared error), or sigmoid.

#include "framework/model/dense_network.hpp"
#include "framework/model/registry.hpp"

namespace nclab {
namespace {

std::unique_ptr<Model> create_perceptron(const ModelConfig& config) {
  return std::make_unique<DenseNetwork>(config.inputs,
                                        std::vector<DenseLayerSpec>{{config.outputs, config.output_activation}});
}

ModelEntry perceptron_entry() {
  ModelEntry entry;
  entry.name = "perceptron";
  entry.description = "single dense layer with the task's output activation (softmax or identity)";
  entry.create = create_perceptron;
  return entry;
}

NCLAB_REGISTER_MODEL(perceptron_entry);

}  // namespace
}  // namespace nclab
