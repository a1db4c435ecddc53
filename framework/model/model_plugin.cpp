// Loading model plugins with dlopen, and the registration path of NCLAB_REGISTER_MODEL.
//
// A plugin's static initialisers run inside dlopen, where an exception would have to unwind through
// the C dynamic loader. So while a plugin loads, registrations are held back in `pending`, and
// load_model_plugin checks and adds them after dlopen has returned.

#include <dlfcn.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>

#include "framework/core/error.hpp"
#include "framework/model/registry.hpp"

namespace nclab {
namespace {

struct PluginLoadState {
  std::mutex mutex;           // one plugin load at a time
  bool loading = false;       // true while dlopen runs inside load_model_plugin
  std::vector<ModelEntry> pending;
  // Interface version of the last registration that differs from kModelInterfaceVersion during
  // this load (1 for plugins built before versions were recorded), or 0.
  int rejected_version = 0;
  std::map<void*, std::vector<std::string>> loaded;  // dlopen handle -> names that plugin added
  std::map<void*, int> rejected;                      // dlopen handle -> interface version of that plugin
};

PluginLoadState& plugin_state() {
  static PluginLoadState state;
  return state;
}

// Adds the held-back entries of one plugin, all or none. Throws InputError naming the plugin when an
// entry is invalid or its name is taken.
std::vector<std::string> add_pending_entries(const std::string& path, std::vector<ModelEntry> entries) {
  ModelRegistry& registry = ModelRegistry::instance();

  // A scratch registry runs the same checks as the real one, so a bad entry fails before any is added.
  ModelRegistry staging;
  for (const ModelEntry& entry : entries) {
    if (registry.contains(entry.name)) {
      throw InputError("model plugin '" + path + "' registers model '" + entry.name +
                       "', which is already registered; rename the model in the plugin");
    }
    try {
      staging.add(entry);
    } catch (const InputError& error) {
      throw InputError("model plugin '" + path + "': " + error.what());
    }
  }

  std::vector<std::string> names;
  for (ModelEntry& entry : entries) {
    names.push_back(entry.name);
    registry.add(std::move(entry));
  }
  return names;
}

// Records a registration of another interface version, whose entry must not be read, so that
// load_model_plugin rejects its plugin. Outside a plugin load nothing can reject it, so it aborts.
void hold_back_other_version(int interface_version) noexcept {
  PluginLoadState& state = plugin_state();
  if (!state.loading) {
    std::fprintf(stderr, "nclab: a model of model interface version %d registered outside a plugin load\n",
                 interface_version);
    std::abort();
  }
  state.rejected_version = interface_version;
}

InputError other_version_error(const std::string& path, int version) {
  return InputError("model plugin '" + path + "' was built against model interface version " +
                    std::to_string(version) + ", and this nclab has version " +
                    std::to_string(kModelInterfaceVersion) +
                    "; rebuild the plugin against this nclab's headers and libnclab_core");
}

}  // namespace

namespace detail {

void register_model_with_version(ModelEntry entry, int interface_version) noexcept {
  if (interface_version != kModelInterfaceVersion) {
    hold_back_other_version(interface_version);
    return;
  }
  PluginLoadState& state = plugin_state();
  if (state.loading) {
    try {
      state.pending.push_back(std::move(entry));
    } catch (const std::exception& error) {
      std::fprintf(stderr, "nclab: cannot hold back a model plugin entry: %s\n", error.what());
      std::abort();
    }
    return;
  }
  try {
    ModelRegistry::instance().add(std::move(entry));
  } catch (const std::exception& error) {
    // A built-in model failed to register while the library loaded, where nothing can catch it.
    std::fprintf(stderr, "nclab: cannot register a built-in model: %s\n", error.what());
    std::abort();
  }
}

// Registration function of plugins built before kModelInterfaceVersion existed (version 1), kept so
// that they load and get the rebuild message instead of a missing symbol. Their entry is not read.
void register_model_from_initializer(ModelEntry entry) noexcept;
void register_model_from_initializer(ModelEntry /*entry*/) noexcept { hold_back_other_version(1); }

}  // namespace detail

std::vector<std::string> load_model_plugin(const std::string& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error || !std::filesystem::exists(status)) {
    throw InputError("model plugin '" + path + "' not found; pass the path of a shared library (.so)");
  }
  if (!std::filesystem::is_regular_file(status)) {
    throw InputError("model plugin '" + path + "' is not a regular file; pass the path of a shared library (.so)");
  }
  if (::access(path.c_str(), R_OK) != 0) {
    throw InputError("model plugin '" + path + "' cannot be read: " + std::strerror(errno));
  }

  // dlopen searches the library path for a name without a slash, so "./" makes it open this file.
  const std::string open_path = path.find('/') == std::string::npos ? "./" + path : path;

  PluginLoadState& state = plugin_state();
  std::lock_guard lock(state.mutex);
  state.pending.clear();
  state.rejected_version = 0;
  state.loading = true;
  dlerror();
  void* handle = dlopen(open_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  state.loading = false;
  std::vector<ModelEntry> entries = std::move(state.pending);
  state.pending.clear();

  if (handle == nullptr) {
    const char* message = dlerror();
    throw InputError("cannot load model plugin '" + path + "': " + (message != nullptr ? message : "unknown dlopen error"));
  }
  if (state.rejected_version != 0) {
    // None of the plugin's code runs after this, because it may expect other class layouts. It stays
    // loaded, since dlclose would run its static destructors.
    state.rejected.emplace(handle, state.rejected_version);
    throw other_version_error(path, state.rejected_version);
  }
  // A second dlopen of a rejected plugin returns its handle and runs no initialiser. dlclose then only
  // drops the reference that this dlopen added.
  if (const auto rejected = state.rejected.find(handle); rejected != state.rejected.end()) {
    dlclose(handle);
    throw other_version_error(path, rejected->second);
  }

  // Loading the same library again returns the same handle and runs no initialiser.
  if (const auto previous = state.loaded.find(handle); previous != state.loaded.end()) {
    dlclose(handle);
    return previous->second;
  }

  if (entries.empty()) {
    dlclose(handle);
    throw InputError("model plugin '" + path + "' registered no models; register each model with NCLAB_REGISTER_MODEL");
  }

  std::vector<std::string> names;
  try {
    names = add_pending_entries(path, std::move(entries));
  } catch (const InputError&) {
    dlclose(handle);
    throw;
  }
  // The plugin stays loaded for the life of the process, because the registry stores its create
  // functions.
  state.loaded.emplace(handle, names);
  return names;
}

}  // namespace nclab
