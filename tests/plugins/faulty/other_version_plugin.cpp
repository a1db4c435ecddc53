// Test plugin that registers its model with another model interface version than the headers'. The
// loader must reject it without reading the entry.

#include "framework/model/dense_network.hpp"
#include "framework/model/registry.hpp"

namespace {

nclab::ModelEntry other_version_entry() {
  nclab::ModelEntry entry;
  entry.name = "other-version-mlp";
  entry.description = "test plugin: built for another model interface version";
  entry.create = [](const nclab::ModelConfig& config) -> std::unique_ptr<nclab::Model> {
    return std::make_unique<nclab::DenseNetwork>(
        config.inputs, std::vector<nclab::DenseLayerSpec>{{config.outputs, config.output_activation}});
  };
  return entry;
}

// What NCLAB_REGISTER_MODEL expands to in a plugin compiled with a newer version of the headers.
const bool registered = [] {
  nclab::detail::register_model_with_version(other_version_entry(), nclab::kModelInterfaceVersion + 1);
  return true;
}();

}  // namespace
