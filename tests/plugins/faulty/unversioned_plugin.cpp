// Test plugin that registers its model the way plugins built before model interface versions did:
// through register_model_from_initializer, without a version. The loader must reject it as version 1.

#include "framework/model/registry.hpp"

namespace nclab::detail {
// The registration function of version 1; the current headers no longer declare it.
void register_model_from_initializer(ModelEntry entry) noexcept;
}  // namespace nclab::detail

namespace {

const bool registered = [] {
  nclab::ModelEntry entry;
  entry.name = "unversioned-mlp";
  entry.description = "test plugin: built before model interface versions";
  nclab::detail::register_model_from_initializer(std::move(entry));
  return true;
}();

}  // namespace
