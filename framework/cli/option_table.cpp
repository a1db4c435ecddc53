#include "framework/cli/option_table.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include "framework/cli/value_list.hpp"
#include "framework/model/registry.hpp"

namespace nclab {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

OptionSpec number(std::string name, std::string def, double lo, double hi, std::string unit, std::string help,
                  std::string group) {
  OptionSpec spec;
  spec.name = std::move(name);
  spec.kind = OptionKind::number;
  spec.default_value = std::move(def);
  spec.min_value = lo;
  spec.max_value = hi;
  spec.unit = std::move(unit);
  spec.help = std::move(help);
  spec.run_setting = true;
  spec.group = std::move(group);
  return spec;
}

OptionSpec integer(std::string name, std::string def, double lo, double hi, std::string unit, std::string help,
                   std::string group) {
  OptionSpec spec = number(std::move(name), std::move(def), lo, hi, std::move(unit), std::move(help),
                           std::move(group));
  spec.kind = OptionKind::integer;
  return spec;
}

// Makes the lower bound exclusive: --help opens the bounds with "(" and the value lo is rejected.
OptionSpec above_minimum(OptionSpec spec) {
  spec.min_exclusive = true;
  return spec;
}

OptionSpec choice(std::string name, std::string def, std::vector<std::string> choices, std::string help,
                  std::string group) {
  OptionSpec spec;
  spec.name = std::move(name);
  spec.kind = OptionKind::choice;
  spec.default_value = std::move(def);
  spec.choices = std::move(choices);
  spec.help = std::move(help);
  spec.run_setting = true;
  spec.group = std::move(group);
  return spec;
}

OptionSpec text(std::string name, std::string def, std::string help, std::string group, bool run_setting) {
  OptionSpec spec;
  spec.name = std::move(name);
  spec.kind = OptionKind::text;
  spec.default_value = std::move(def);
  spec.help = std::move(help);
  spec.run_setting = run_setting;
  spec.group = std::move(group);
  return spec;
}

OptionSpec flag(std::string name, std::string help, std::string group) {
  OptionSpec spec;
  spec.name = std::move(name);
  spec.kind = OptionKind::flag;
  spec.help = std::move(help);
  spec.group = std::move(group);
  return spec;
}

OptionSpec only_when(OptionSpec spec, const std::string& option, std::vector<std::string> values) {
  spec.applies_when[option] = std::move(values);
  return spec;
}

void add_model_options(std::vector<OptionSpec>& table) {
  // One CLI option per option name; an option shared by several models (hidden) applies to each.
  std::map<std::string, OptionSpec> by_name;
  for (const auto& [model_name, entry] : ModelRegistry::instance().entries()) {
    for (const auto& option : entry.options) {
      auto [it, inserted] = by_name.try_emplace(option.name);
      OptionSpec& spec = it->second;
      if (inserted) {
        spec.name = option.name;
        spec.kind = option.integer ? OptionKind::integer : OptionKind::number;
        spec.default_value = format_number(option.default_value);
        spec.min_value = option.min_value;
        spec.max_value = option.max_value;
        spec.help = option.help;
        spec.run_setting = true;
        spec.group = "Model";
      }
      if (!inserted && spec.help.find(option.help) == std::string::npos) {
        // Several models declare the option with their own meaning: name each one.
        if (spec.applies_when["model"].size() == 1) spec.help = spec.applies_when["model"].front() + ": " + spec.help;
        spec.help += "; " + model_name + ": " + option.help;
      }
      spec.applies_when["model"].push_back(model_name);
    }
  }
  for (auto& [name, spec] : by_name) {
    if (find_option(table, name) == nullptr) table.push_back(std::move(spec));
  }
}

}  // namespace

std::vector<OptionSpec> training_options() {
  const std::string data = "Data";
  const std::string model = "Model";
  const std::string training = "Training";
  const std::string run = "Run control";
  std::vector<OptionSpec> table = {
      text("data", "",
           "dataset: a CSV or whitespace-separated file, or builtin:NAME (mackey-glass, friedman1, sine, parity)",
           data, true),
      text("data-dir", "", "folder that relative --data paths are read from (default: the working folder)", data,
           false),
      text("test-data", "", "separate test file; the --data file then trains every run", data, true),
      text("target", "", "target column: 0-based index, negative index from the end, or header name "
                         "(default: the last column)", data, true),
      choice("task", "auto", {"auto", "classification", "regression"},
             "auto: classification when the target holds at most 20 distinct integers or strings", data),
      choice("missing", "error", {"error", "drop", "impute"},
             "missing values (?, empty, NA): error, drop the rows, or impute the training-part mean", data),
      choice("header", "auto", {"auto", "present", "absent"},
             "whether the first line of a data file is a header; auto: a text row above numbers", data),
      choice("format", "auto", {"auto", "csv", "whitespace"},
             "data file format; auto: comma separated for .csv files or lines with commas", data),
      integer("folds", "0", 0, 1000, "folds", "stratified k-fold cross-validation with 2 or more folds; 0 uses "
                                              "--test-fraction or the dataset's own split", data),
      text("fold", "", "run only these folds (0-based list, e.g. 0,3); default: every fold", data, false),
      number("test-fraction", "0", 0, 0.99, "fraction", "holdout test part when --folds is 0", data),
      only_when(integer("horizon", "6", 1, 1000, "steps", "builtin:mackey-glass prediction horizon", data),
                "data", {"builtin:mackey-glass"}),
      only_when(integer("samples", "0", 0, 10000000, "patterns",
                        "size of builtin:friedman1 and builtin:sine (0: the dataset's default)", data),
                "data", {"builtin:friedman1", "builtin:sine"}),
      only_when(integer("bits", "3", 1, 20, "bits", "builtin:parity input bits", data), "data",
                {"builtin:parity"}),
      only_when(number("noise", "-1", -1, kInf, "", "noise standard deviation of builtin:friedman1 (default 1) "
                                                    "and builtin:sine (default 0.1); -1 keeps the default", data),
                "data", {"builtin:friedman1", "builtin:sine"}),

      text("model", "mlp", "member model, see `nclab models`", model, true),
      choice("output", "auto", {"auto", "softmax", "sigmoid", "identity"},
             "output activation; auto: softmax for classification, identity for regression "
             "(softmax fits classification only)", model),
      text("plugin", "", "shared library that registers more models (repeatable)", model, false),

      choice("method", "independent", {"independent", "ncl", "ncl-exact", "decorrelated"},
             "ensemble training method", training),
      only_when(number("lambda", "0", -kInf, kInf, "",
                      "penalty strength: ncl in [0, 1]; decorrelated >= 0", training),
               "method", {"ncl", "decorrelated"}),
      only_when(number("gamma", "0", -kInf, kInf, "", "ncl-exact penalty strength in [0, M/(2M-2)]", training),
               "method", {"ncl-exact"}),
      only_when(choice("indicator", "previous", {"previous", "alternate", "all-previous", "none"},
                       "Rosen's d(i,j) over members numbered 1..M", training),
                "method", {"decorrelated"}),
      only_when(choice("mode", "sequential", {"sequential", "concurrent"},
                       "sequential: member j trains against the fixed members before it (as in Rosen 1996); "
                       "concurrent: all members together",
                       training),
                "method", {"decorrelated"}),
      choice("schedule", "constant", {"constant", "linear", "exponential", "step"},
             "lambda(t) (gamma(t) for ncl-exact) over the epochs", training),
      only_when(number("schedule-from", "0", -kInf, kInf, "", "linear schedule: the coefficient at epoch 0",
                       training),
                "schedule", {"linear"}),
      only_when(number("decay", "0.01", 0, kInf, "1/epoch", "exponential schedule: c(t) = c exp(-decay t)",
                       training),
                "schedule", {"exponential"}),
      only_when(integer("step-every", "10", 1, 1e9, "epochs", "step schedule: epochs between steps", training),
                "schedule", {"step"}),
      only_when(number("step-factor", "0.5", 0, kInf, "", "step schedule: multiplier at each step", training),
                "schedule", {"step"}),
      choice("loss", "se", {"se", "ce"},
             "member loss: se (squared error, as in the papers) or ce (cross-entropy, classification only)",
             training),
      integer("members", "1", 1, 10000, "networks", "ensemble size M", training),
      integer("batch", "1", 1, 1e9, "patterns", "patterns per update; 1 is online training", training),
      above_minimum(number("learning-rate", "0.1", 0, kInf, "", "SGD step size", training)),
      number("momentum", "0", 0, 0.999999, "", "SGD momentum", training),
      integer("epochs", "100", 1, 1e9, "epochs", "training epochs (per member in sequential mode)", training),
      number("init-range", "0.5", 0, kInf, "", "initial parameters drawn from U(-a, a)", training),
      number("validation-fraction", "0", 0, 0.9, "fraction",
             "early stopping on this fraction of the training part; 0 disables it", training),
      integer("patience", "10", 1, 1e9, "epochs", "early stopping: epochs without improvement", training),
      integer("snapshot-every", "0", 0, 1e9, "epochs", "store all weights every K epochs; 0 disables", training),
      text("seeds", "1", "random seeds (list or range); each seed is a separate run", training, true),
      flag("allow-unstable", "accept a coefficient beyond the method's stability bound", training),

      text("config", "", "INI file of `name = value` lines, with no [section] headers; the command line wins",
           run, false),
      text("out", "", "HDF5 results file", run, false),
      flag("resume", "continue the sweep stored in --out, rerunning only incomplete or failed runs", run),
      flag("overwrite", "replace an existing --out file", run),
      integer("threads", "0", 0, 4096, "threads", "worker threads of each process (each MPI rank under mpirun); 0 uses every core", run),
      flag("fail-fast", "stop at the first failed run", run),
      choice("log-level", "info", {"error", "warning", "info", "debug"}, "messages shown on stderr", run),
      choice("progress", "auto", {"auto", "always", "never"}, "progress display on stderr", run),
  };
  for (auto& spec : table) {
    if (spec.group == run || spec.name == "data-dir" || spec.name == "plugin" || spec.name == "config") {
      spec.run_setting = false;
    }
  }
  add_model_options(table);
  return table;
}

const OptionSpec* find_option(const std::vector<OptionSpec>& table, const std::string& name) {
  const auto it = std::find_if(table.begin(), table.end(), [&](const OptionSpec& s) { return s.name == name; });
  return it == table.end() ? nullptr : &*it;
}

}  // namespace nclab
