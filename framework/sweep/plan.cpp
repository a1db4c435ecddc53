#include "framework/sweep/plan.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>

#include "framework/cli/value_list.hpp"
#include "framework/core/error.hpp"
#include "framework/core/rng.hpp"

namespace nclab {

namespace {

std::vector<std::string> option_values(const OptionSpec& spec, const std::string& text) {
  if (spec.kind == OptionKind::text && spec.name != "seeds") {
    // Paths and names: split at commas only, without numeric ranges.
    return expand_values(spec.name, text, false);
  }
  const bool numeric = spec.kind != OptionKind::choice && spec.kind != OptionKind::text;
  if (spec.name == "seeds") {
    std::vector<std::string> seeds = expand_values(spec.name, text, true);
    for (const auto& seed : seeds) {
      const double value = parse_number("seeds", seed);
      if (value < 0 || value != static_cast<double>(static_cast<std::uint64_t>(value))) {
        throw InputError("invalid seed '" + seed + "' in --seeds: seeds are whole numbers >= 0");
      }
    }
    return seeds;
  }
  return expand_values(spec.name, text, numeric);
}

void expand_from(std::size_t position, const std::vector<const OptionSpec*>& settings_specs,
                 const ParsedOptions& options, std::map<std::string, std::string>& current,
                 std::vector<std::map<std::string, std::string>>& out) {
  if (position == settings_specs.size()) {
    out.push_back(current);
    return;
  }
  const OptionSpec& spec = *settings_specs[position];
  const std::string& text = options.get(spec.name);
  if (text.empty() || !option_applies(spec, current)) {
    expand_from(position + 1, settings_specs, options, current, out);
    return;
  }
  for (const auto& value : option_values(spec, text)) {
    current[spec.name] = value;
    expand_from(position + 1, settings_specs, options, current, out);
  }
  current.erase(spec.name);
}

std::vector<std::size_t> chosen_folds(const ParsedOptions& options, std::size_t folds) {
  const std::string& text = options.get("fold");
  std::vector<std::size_t> chosen;
  if (text.empty()) {
    for (std::size_t f = 0; f < folds; ++f) chosen.push_back(f);
    return chosen;
  }
  for (const auto& value : expand_values("fold", text, true)) {
    const double number = parse_number("fold", value);
    if (number < 0 || number >= static_cast<double>(folds) || number != static_cast<double>(static_cast<std::size_t>(number))) {
      throw InputError("--fold " + value + " is not a fold of --folds " + std::to_string(folds) +
                       ": folds are numbered 0 to " + std::to_string(folds - 1));
    }
    chosen.push_back(static_cast<std::size_t>(number));
  }
  return chosen;
}

// The maximum number of runs in one sweep. Planning keeps every run's settings in memory (about 2 KiB
// per grid point while the grid expands, an estimate), so a grid of 10^9 runs would exhaust memory
// before it reported anything. 500,000 runs of 0.05 s each would already train for a week on one core.
constexpr double kMaxRuns = 500000;

// Raises InputError when the lists given multiply to more than kMaxRuns runs, before the grid is
// expanded. Options that do not apply to some combinations count fully, so this is an upper bound.
void check_run_count(const std::vector<const OptionSpec*>& settings_specs, const ParsedOptions& options) {
  double runs = 1;
  std::string factors;
  for (const OptionSpec* spec : settings_specs) {
    const std::string& text = options.get(spec->name);
    if (text.empty()) continue;
    const std::size_t count = option_values(*spec, text).size();
    if (count < 2) continue;
    runs *= static_cast<double>(count);
    factors += (factors.empty() ? "" : " x ") + std::to_string(count) + " --" + spec->name + " values";
  }
  const std::string& folds_text = options.get("folds");
  const auto folds_spec = std::find_if(settings_specs.begin(), settings_specs.end(),
                                       [](const OptionSpec* spec) { return spec->name == "folds"; });
  if (options.get("fold").empty() && !folds_text.empty() && folds_spec != settings_specs.end()) {
    double folds = 0;
    for (const auto& value : option_values(**folds_spec, folds_text)) folds = std::max(folds, parse_number("folds", value));
    if (folds > 1) {
      runs *= folds;
      factors += (factors.empty() ? "" : " x ") + std::to_string(static_cast<long long>(folds)) + " folds";
    }
  }
  if (runs > kMaxRuns) {
    throw InputError("the sweep would plan up to " + std::to_string(static_cast<long long>(runs)) + " runs (" +
                     factors + "), more than the limit of 500000 runs per sweep. Use fewer values, or split the " +
                     "grid into several sweeps with their own --out files");
  }
}

}  // namespace

namespace {

template <typename Settings>
std::string hash_settings(const Settings& settings) {
  std::string text;
  for (const auto& [name, value] : settings) text += name + "=" + value + "\n";
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(hash_string(text)));
  return buffer;
}

}  // namespace

std::string settings_hash(const std::map<std::string, std::string>& settings) { return hash_settings(settings); }

std::string settings_hash(const RunSettings& settings) { return hash_settings(settings); }

SweepPlan expand_grid(const ParsedOptions& options, const std::vector<OptionSpec>& table) {
  if (options.get("data").empty()) {
    throw InputError("missing --data: give a data file (--data PATH) or a built-in dataset (--data builtin:NAME)");
  }
  std::vector<const OptionSpec*> settings_specs;
  for (const auto& spec : table) {
    if (spec.run_setting) settings_specs.push_back(&spec);
  }
  if (!options.get("fold").empty() && options.get("folds") == "0") {
    throw InputError("--fold selects folds of a cross-validation: give --folds K as well");
  }

  check_run_count(settings_specs, options);

  std::vector<std::map<std::string, std::string>> points;
  std::map<std::string, std::string> current;
  expand_from(0, settings_specs, options, current, points);

  SweepPlan plan;
  // Every run's settings go into one pool, so that a value that many runs share is stored once.
  const auto pool = std::make_shared<SettingPool>();
  std::set<std::string> seen_runs;
  std::set<std::string> seen_points;
  for (auto& settings : points) {
    // The seed is a setting of the run but not of the grid point.
    const std::string seed_text = settings.at("seeds");
    settings.erase("seeds");
    std::map<std::string, std::string> point_settings = settings;
    const std::string point_id = settings_hash(point_settings);

    const auto folds = static_cast<std::size_t>(parse_number("folds", settings.at("folds")));
    std::vector<std::size_t> fold_list = folds > 0 ? chosen_folds(options, folds) : std::vector<std::size_t>{0};
    for (std::size_t fold : fold_list) {
      std::map<std::string, std::string> run_settings = settings;
      run_settings["seed"] = seed_text;
      if (folds > 0) run_settings["fold"] = std::to_string(fold);
      RunSpec run;
      run.run_id = settings_hash(run_settings);
      if (!seen_runs.insert(run.run_id).second) {  // a value listed twice runs once
        ++plan.repeated_runs;
        continue;
      }
      run.settings = RunSettings(pool, run_settings);
      run.fold = fold;
      run.seed = static_cast<std::uint64_t>(parse_number("seeds", seed_text));
      run.point_id = point_id;
      seen_points.insert(point_id);
      run.index = plan.runs.size();
      plan.runs.push_back(std::move(run));
    }
  }
  plan.grid_points = seen_points.size();
  return plan;
}

}  // namespace nclab
