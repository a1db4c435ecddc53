#include "framework/data/loader.hpp"

#include "framework/data/builtin.hpp"

namespace nclab {

Dataset load_dataset(const std::string& spec, const LoadOptions& options) {
  if (spec.starts_with(builtin_prefix)) return generate_builtin(spec.substr(builtin_prefix.size()), options);
  return load_data_file(spec, options);
}

Dataset load_data_file(const std::string& path, const LoadOptions& options) {
  return dataset_from_table(read_text_table(path, options.format), options);
}

}  // namespace nclab
