// `nclab train` and `nclab sweep`: parse, plan, check, run on the scheduler, store, summarise.

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <unistd.h>

#include "framework/cli/command_line.hpp"
#include "framework/cli/commands.hpp"
#include "framework/cli/run_summary.hpp"
#include "framework/core/blas_core.hpp"
#include "framework/core/blas_setup.hpp"
#include "framework/core/error.hpp"
#include "framework/core/log.hpp"
#include "framework/core/rng.hpp"
#include "framework/distributed/sweep_ranks.hpp"
#include "framework/model/registry.hpp"
#include "framework/results/result_store.hpp"
#include "framework/sweep/plan.hpp"
#include "framework/sweep/run_executor.hpp"
#include "framework/sweep/scheduler.hpp"

namespace nclab {

namespace {

std::vector<GridRun> grid_of(const std::vector<RunSpec>& runs) {
  std::vector<GridRun> grid;
  grid.reserve(runs.size());
  for (const auto& run : runs) {
    GridRun row;
    row.run_index = run.index;
    row.run_id = run.run_id;
    row.point_id = run.point_id;
    row.fold = run.fold;
    row.seed = run.seed;
    row.settings = run.settings;  // shares the plan's pool of settings
    grid.push_back(std::move(row));
  }
  return grid;
}

// "PATH hash" lines for the data files that `runs` read (see SweepMetadata::data_checksums), with
// relative paths resolved against --data-dir as the run executor resolves them. Built-in datasets and
// files that cannot be read are left out; the runs report those themselves.
std::string data_checksums(const ParsedOptions& options, const std::vector<RunSpec>& runs) {
  const std::string data_dir = options.get("data-dir");
  std::set<std::string> paths;
  for (const RunSpec& run : runs) {
    for (const char* name : {"data", "test-data"}) {
      if (!run.settings.contains(name)) continue;
      const std::string& spec = run.settings.at(name);
      if (spec.empty() || spec.rfind("builtin:", 0) == 0) continue;
      const std::filesystem::path path(spec);
      paths.insert(data_dir.empty() || path.is_absolute() ? spec : (std::filesystem::path(data_dir) / path).string());
    }
  }
  std::ostringstream lines;
  for (const std::string& path : paths) {
    std::ifstream file(path, std::ios::binary);
    if (!file) continue;
    const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(hash_string(bytes)));
    lines << std::quoted(path) << ' ' << hash << '\n';
  }
  return lines.str();
}

std::unique_ptr<ResultStore> open_store(const ParsedOptions& options, const std::vector<RunSpec>& runs) {
  const std::string out = options.get("out");
  StoreOptions store_options;
  store_options.overwrite = options.flag("overwrite");
  store_options.log = [](const std::string& message) { log_message(LogLevel::info, message); };
  store_options.warn = [](const std::string& message) { log_message(LogLevel::warning, message); };
  SweepMetadata metadata = make_sweep_metadata(options.command_line, options.config_text);
  metadata.data_checksums = data_checksums(options, runs);
  if (options.flag("resume")) {
    return ResultStore::resume(out, metadata, grid_of(runs), store_options);
  }
  return ResultStore::create(out, metadata, grid_of(runs), store_options);
}

char g_interrupt_message[1024];
std::size_t g_interrupt_message_length = 0;

// Writes the prepared message, then lets the signal end the process as it would have. Only
// async-signal-safe calls: the stored runs are already durable, queued records are rerun on resume.
extern "C" void report_interrupt(int signal_number) {
  const ssize_t written = write(STDERR_FILENO, g_interrupt_message, g_interrupt_message_length);
  (void)written;
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

// Installs SIGINT and SIGTERM handlers that print where the completed runs are stored and how to resume.
void install_interrupt_message(const std::string& out) {
  const std::string message = "\nnclab: interrupted; every completed run is stored in " + out +
                              ". Run the same command with --resume to finish the sweep.\n";
  g_interrupt_message_length = std::min(message.size(), sizeof g_interrupt_message);
  std::memcpy(g_interrupt_message, message.data(), g_interrupt_message_length);
  std::signal(SIGINT, report_interrupt);
  std::signal(SIGTERM, report_interrupt);
}

}  // namespace

int run_training_command(const std::string& command, const std::vector<std::string>& args) {
  for (const auto& plugin : prescan_plugins(args)) load_model_plugin(plugin);
  const std::vector<OptionSpec> table = training_options();
  const bool is_sweep = command == "sweep";
  const ParsedOptions options = parse_training_options(command, args, table, is_sweep);
  if (options.help) {
    std::cout << training_help(command, table);
    return 0;
  }
  set_log_level(parse_log_level(options.get("log-level")));
  if (options.flag("resume") && options.get("out").empty()) {
    throw InputError("--resume continues the sweep stored in --out FILE: give --out");
  }
  if (is_sweep && options.get("out").empty()) {
    throw InputError("`nclab sweep` stores its runs in an HDF5 file: give --out FILE (e.g. --out sweep.h5)");
  }

  configure_blas_single_threaded();
  log_message(LogLevel::info,
              "OpenBLAS single-threaded inside tasks: " + blas_configuration() + "; " + blas_core_description());
  if (const std::string problem = blas_core_problem(); !problem.empty()) log_message(LogLevel::warning, problem);

  SweepPlan plan = expand_grid(options, table);
  if (plan.repeated_runs > 0) {
    log_message(LogLevel::warning, "a value is listed more than once (such as --lambda 0.5,0.5): " +
                                       std::to_string(plan.repeated_runs) +
                                       " repeated runs are skipped, and each distinct run trains once. "
                                       "Remove the repeated values to silence this warning");
  }
  RunExecutor executor(options.get("data-dir"), options.flag("allow-unstable"));
  const std::size_t threads = effective_threads(static_cast<std::size_t>(std::stod(options.get("threads"))));
  const auto execute = [&](const RunSpec& run) { return executor.execute(run); };
  // Under mpirun or srun every rank gets here; ranks other than 0 only train what rank 0 assigns.
  SweepRanks ranks;
  if (ranks.is_worker()) return ranks.serve_runs(plan.runs, execute, threads);
  executor.check_runs(plan.runs);

  std::unique_ptr<ResultStore> store;
  if (!options.get("out").empty()) store = open_store(options, plan.runs);
  // The runs to train move out of the plan, so that the sweep keeps one copy of each RunSpec.
  const std::size_t run_count = plan.runs.size();
  std::vector<RunSpec> todo;
  for (auto& run : plan.runs) {
    if (!store || !store->final_runs().count(run.run_id)) todo.push_back(std::move(run));
  }
  plan.runs = std::vector<RunSpec>();
  log_message(LogLevel::info, std::to_string(run_count) + " runs over " + std::to_string(plan.grid_points) +
                                  " grid points; " + std::to_string(todo.size()) + " to run on " +
                                  std::to_string(threads) + (threads == 1 ? " thread" : " threads"));

  SchedulerOptions scheduler_options;
  scheduler_options.threads = threads;
  scheduler_options.fail_fast = options.flag("fail-fast");
  const std::string progress = options.get("progress");
  scheduler_options.show_progress = progress != "never" && is_sweep;
  scheduler_options.interactive_progress = progress == "always" || (progress == "auto" && isatty(STDERR_FILENO));

  RunSummaries summaries;
  std::mutex summaries_mutex;
  const auto sink = [&](RunRecord&& record) {
    // Only `nclab train` prints the per-run summary.
    if (!is_sweep) {
      std::lock_guard lock(summaries_mutex);
      summaries.push_back(summarize_run(record));
    }
    if (store) store->submit(std::move(record));
  };
  if (store) install_interrupt_message(options.get("out"));
  const SweepOutcome outcome = ranks.run(todo, execute, sink, scheduler_options);
  if (store) {
    store->finish();
    log_message(LogLevel::info, "results stored in " + options.get("out"));
  }

  if (is_sweep) {
    std::cout << run_count << " runs: " << run_count - todo.size() << " stored before, "
              << outcome.complete << " complete, " << outcome.diverged << " diverged, " << outcome.failed
              << " failed";
    if (outcome.not_started > 0) std::cout << ", " << outcome.not_started << " not started (--fail-fast)";
    std::cout << "\n";
  } else {
    print_train_summary(std::cout, summaries);
  }
  if (!outcome.failures.empty()) {
    std::cerr << "failed runs:\n";
    for (const auto& failure : outcome.failures) {
      std::cerr << "  run " << failure.run_index << " (" << failure.run_id << "): " << failure.message << "\n";
    }
    return 1;
  }
  return 0;
}

}  // namespace nclab
