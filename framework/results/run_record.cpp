#include "framework/results/run_record.hpp"

#include "framework/core/error.hpp"

namespace nclab {

std::string to_string(RunStatus status) {
  switch (status) {
    case RunStatus::complete: return "complete";
    case RunStatus::failed: return "failed";
    case RunStatus::diverged: return "diverged";
  }
  return "unknown";
}

RunStatus parse_run_status(const std::string& text) {
  if (text == "complete") return RunStatus::complete;
  if (text == "failed") return RunStatus::failed;
  if (text == "diverged") return RunStatus::diverged;
  throw RuntimeFailure("invalid run status '" + text + "': expected complete, failed or diverged");
}

}  // namespace nclab
