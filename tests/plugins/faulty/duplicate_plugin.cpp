// Test plugin that registers a model under the built-in name "mlp", which the loader must reject.

#include "framework/model/dense_network.hpp"
#include "framework/model/registry.hpp"

namespace {

nclab::ModelEntry duplicate_mlp_entry() {
  nclab::ModelEntry entry;
  entry.name = "mlp";
  entry.description = "test plugin: a second model named mlp";
  entry.create = [](const nclab::ModelConfig& config) -> std::unique_ptr<nclab::Model> {
    return std::make_unique<nclab::DenseNetwork>(
        config.inputs, std::vector<nclab::DenseLayerSpec>{{config.outputs, config.output_activation}});
  };
  return entry;
}

NCLAB_REGISTER_MODEL(duplicate_mlp_entry);

}  // namespace
