#include "framework/data/dataset.hpp"

#include "framework/core/error.hpp"

namespace nclab {

std::string to_string(Task task) {
  switch (task) {
    case Task::classification:
      return "classification";
    case Task::regression:
      return "regression";
  }
  return "unknown";
}

Task parse_task(const std::string& text) {
  if (text == "classification") return Task::classification;
  if (text == "regression") return Task::regression;
  throw InputError("invalid task '" + text + "': use classification or regression");
}

std::string to_string(MissingPolicy policy) {
  switch (policy) {
    case MissingPolicy::error:
      return "error";
    case MissingPolicy::drop:
      return "drop";
    case MissingPolicy::impute:
      return "impute";
  }
  return "unknown";
}

MissingPolicy parse_missing_policy(const std::string& text) {
  if (text == "error") return MissingPolicy::error;
  if (text == "drop") return MissingPolicy::drop;
  if (text == "impute") return MissingPolicy::impute;
  throw InputError("invalid missing-value policy '" + text + "': use error, drop or impute");
}

}  // namespace nclab
