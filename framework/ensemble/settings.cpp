#include "framework/ensemble/settings.hpp"

#include <array>
#include <limits>
#include <string_view>
#include <utility>

#include "framework/core/error.hpp"

namespace nclab {
namespace {

// The spelling of every enumerator in declaration order, shared by to_string and the parsers.
constexpr std::array<std::pair<Method, std::string_view>, 4> kMethodNames{{
    {Method::independent, "independent"},
    {Method::ncl, "ncl"},
    {Method::ncl_exact, "ncl-exact"},
    {Method::decorrelated, "decorrelated"},
}};
constexpr std::array<std::pair<Indicator, std::string_view>, 4> kIndicatorNames{{
    {Indicator::previous, "previous"},
    {Indicator::alternate, "alternate"},
    {Indicator::all_previous, "all-previous"},
    {Indicator::none, "none"},
}};
constexpr std::array<std::pair<TrainingMode, std::string_view>, 2> kModeNames{{
    {TrainingMode::concurrent, "concurrent"},
    {TrainingMode::sequential, "sequential"},
}};
constexpr std::array<std::pair<LossKind, std::string_view>, 2> kLossNames{{
    {LossKind::squared_error, "squared_error"},
    {LossKind::cross_entropy, "cross_entropy"},
}};
constexpr std::array<std::pair<ScheduleKind, std::string_view>, 4> kScheduleNames{{
    {ScheduleKind::constant, "constant"},
    {ScheduleKind::linear, "linear"},
    {ScheduleKind::exponential, "exponential"},
    {ScheduleKind::step, "step"},
}};

template <typename Enum, std::size_t N>
std::string name_of(const std::array<std::pair<Enum, std::string_view>, N>& names, Enum value) {
  for (const auto& [candidate, name] : names) {
    if (candidate == value) return std::string(name);
  }
  return "unknown(" + std::to_string(static_cast<int>(value)) + ")";
}

template <typename Enum, std::size_t N>
Enum parse_name(const std::array<std::pair<Enum, std::string_view>, N>& names, const std::string& text,
                std::string_view what) {
  for (const auto& [value, name] : names) {
    if (name == text) return value;
  }
  std::string valid;
  for (const auto& [value, name] : names) {
    if (!valid.empty()) valid += ", ";
    valid += name;
  }
  throw InputError("invalid " + std::string(what) + " '" + text + "': expected one of " + valid);
}

}  // namespace

std::string to_string(Method method) { return name_of(kMethodNames, method); }
std::string to_string(Indicator indicator) { return name_of(kIndicatorNames, indicator); }
std::string to_string(TrainingMode mode) { return name_of(kModeNames, mode); }
std::string to_string(LossKind loss) { return name_of(kLossNames, loss); }
std::string to_string(ScheduleKind kind) { return name_of(kScheduleNames, kind); }

Method parse_method(const std::string& text) { return parse_name(kMethodNames, text, "method"); }
Indicator parse_indicator(const std::string& text) { return parse_name(kIndicatorNames, text, "indicator"); }
TrainingMode parse_training_mode(const std::string& text) { return parse_name(kModeNames, text, "mode"); }
LossKind parse_loss(const std::string& text) {
  // The command line spells the losses se and ce.
  if (text == "se") return LossKind::squared_error;
  if (text == "ce") return LossKind::cross_entropy;
  return parse_name(kLossNames, text, "loss");
}
ScheduleKind parse_schedule(const std::string& text) { return parse_name(kScheduleNames, text, "schedule"); }

double equivalent_lambda(double gamma, std::size_t members) {
  if (members == 0) return 0.0;
  const double m = static_cast<double>(members);
  return 2.0 * gamma * (m - 1.0) / m;
}

double max_stable_gamma(std::size_t members) {
  if (members <= 1) return std::numeric_limits<double>::infinity();
  const double m = static_cast<double>(members);
  return m / (2.0 * m - 2.0);
}

}  // namespace nclab
