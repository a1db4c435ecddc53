#pragma once
// Registry of models by name. Built-in models and plugins register through NCLAB_REGISTER_MODEL from a
// static initialiser; the registry lives in the shared core library, so there is one per process.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "framework/model/model.hpp"

namespace nclab {

// Version of the C++ interface that model plugins compile against (Model, DenseNetwork, ModelEntry,
// ModelConfig, ModelOption). load_model_plugin rejects plugins of another version, because a changed
// class layout or virtual table crashes their code. Raise it with every such change.
// Version 1 is the plugins built before the version was recorded.
inline constexpr int kModelInterfaceVersion = 2;

// One numeric model option, for example the MLP's hidden units.
struct ModelOption {
  std::string name;  // CLI spelling without dashes, e.g. "hidden"
  double default_value = 0;
  double min_value = 0;
  double max_value = 0;
  bool integer = true;
  std::string help;
};

// Arguments of a model factory: input and output sizes, output activation and option values.
struct ModelConfig {
  std::size_t inputs = 0;
  std::size_t outputs = 0;
  Activation output_activation = Activation::identity;
  std::map<std::string, double> options;  // every declared option, defaults filled in

  double option(const std::string& name) const;
};

struct ModelEntry {
  std::string name;
  std::string description;  // one line for `nclab models`
  std::vector<ModelOption> options;
  // True for models trained to reproduce their input (the autoencoder): targets are the inputs.
  bool reconstructs_input = false;
  std::function<std::unique_ptr<Model>(const ModelConfig&)> create;
};

class ModelRegistry {
 public:
  static ModelRegistry& instance();

  // Adds an entry; a second entry under the same name is an error.
  void add(ModelEntry entry);
  // Throws InputError naming every known model when `name` is unknown.
  const ModelEntry& find(const std::string& name) const;
  bool contains(const std::string& name) const;
  std::vector<std::string> names() const;
  const std::map<std::string, ModelEntry>& entries() const { return entries_; }

  // Checks options against the entry's bounds and fills defaults; throws InputError naming the
  // option, the value and the bound.
  ModelConfig make_config(const std::string& name, std::size_t inputs, std::size_t outputs,
                          Activation output_activation, const std::map<std::string, double>& options) const;
  std::unique_ptr<Model> create(const std::string& name, const ModelConfig& config) const;

 private:
  std::map<std::string, ModelEntry> entries_;
};

// Loads a shared library whose static initialisers register models; returns the names it added.
// Throws InputError when the file cannot be loaded or registers nothing.
std::vector<std::string> load_model_plugin(const std::string& path);

namespace detail {
// Adds an entry from a static initialiser, where an exception cannot be caught. While
// load_model_plugin runs, the entry is held back and checked after dlopen returns, so a bad plugin
// entry becomes an InputError. Otherwise an invalid or duplicate entry prints the error and aborts.
// `interface_version` is the kModelInterfaceVersion that the caller was compiled with. An entry of
// another version is not read, since its layout may differ, and its plugin is rejected.
void register_model_with_version(ModelEntry entry, int interface_version) noexcept;

struct ModelRegistration {
  // Inline, so that the version passed is the one in the headers the plugin was compiled with.
  explicit ModelRegistration(ModelEntry entry) {
    register_model_with_version(std::move(entry), kModelInterfaceVersion);
  }
};
}  // namespace detail

}  // namespace nclab

#define NCLAB_CONCAT_INNER(a, b) a##b
#define NCLAB_CONCAT(a, b) NCLAB_CONCAT_INNER(a, b)
// Registers a model from a function returning its ModelEntry: NCLAB_REGISTER_MODEL(make_mlp_entry);
#define NCLAB_REGISTER_MODEL(entry_function) \
  static const ::nclab::detail::ModelRegistration NCLAB_CONCAT(nclab_model_registration_, __LINE__){entry_function()}
