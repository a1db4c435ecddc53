// Helper process for the crash-safety tests: stores fixture records through a ResultStore, slowly, so
// that a test can kill it with SIGKILL at any moment. Prints "stored RUN_ID STATUS" once a run is
// durable, "log MESSAGE" for the store's log lines and "finished" after finish() returns.
// --index-interval-ms sets StoreOptions::index_interval. With --stop-after K the helper submits the
// first K runs it has to store, prints "waiting" once all K are durable and then sleeps until killed.
//
// Usage: nclab_results_crash_writer --out FILE --runs N [--resume] [--delay-ms MS] [--patterns P]
//                                   [--index-interval-ms MS] [--stop-after K]

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "framework/core/error.hpp"
#include "framework/results/result_store.hpp"
#include "tests/framework/results/record_fixtures.hpp"

namespace {

// Writes a whole line with one write(2), unbuffered, so a line the test reads was printed before the kill.
void print_line(const std::string& line) {
  const std::string text = line + "\n";
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t count = ::write(STDOUT_FILENO, text.data() + written, text.size() - written);
    if (count <= 0) std::_Exit(3);
    written += static_cast<std::size_t>(count);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string out;
  std::size_t runs = 0;
  bool resume = false;
  int delay_ms = 0;
  long index_interval_ms = -1;  // -1: the StoreOptions default
  long stop_after = -1;         // -1: store every run and finish
  nclab::test::FixtureShape shape;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    const bool has_value = i + 1 < argc;
    if (argument == "--out" && has_value) {
      out = argv[++i];
    } else if (argument == "--runs" && has_value) {
      runs = std::stoul(argv[++i]);
    } else if (argument == "--resume") {
      resume = true;
    } else if (argument == "--delay-ms" && has_value) {
      delay_ms = std::stoi(argv[++i]);
    } else if (argument == "--patterns" && has_value) {
      shape.test_patterns = std::stoul(argv[++i]);
    } else if (argument == "--index-interval-ms" && has_value) {
      index_interval_ms = std::stol(argv[++i]);
    } else if (argument == "--stop-after" && has_value) {
      stop_after = std::stol(argv[++i]);
    } else {
      std::cerr << "invalid argument '" << argument << "'\n";
      return 2;
    }
  }
  if (out.empty() || runs == 0) {
    std::cerr << "usage: nclab_results_crash_writer --out FILE --runs N [--resume] [--delay-ms MS] [--patterns P] "
                 "[--index-interval-ms MS] [--stop-after K]\n";
    return 2;
  }

  try {
    const auto grid = nclab::test::fixture_grid(runs);
    nclab::StoreOptions options;
    if (index_interval_ms >= 0) options.index_interval = std::chrono::milliseconds(index_interval_ms);
    std::atomic<long> stored_count = 0;
    options.on_stored = [&stored_count](const std::string& run_id, nclab::StoredStatus status) {
      print_line("stored " + run_id + " " + nclab::to_string(status));
      ++stored_count;
    };
    options.log = [](const std::string& message) { print_line("log " + message); };
    const auto metadata = nclab::test::fixture_metadata();
    auto store = resume ? nclab::ResultStore::resume(out, metadata, grid, options)
                        : nclab::ResultStore::create(out, metadata, grid, options);
    long submitted = 0;
    for (const nclab::GridRun& run : grid) {
      if (store->final_runs().contains(run.run_id)) continue;
      if (submitted == stop_after) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      store->submit(nclab::test::fixture_record(run, shape));
      ++submitted;
    }
    if (stop_after >= 0) {
      while (stored_count.load() < submitted) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      print_line("waiting");
      for (;;) ::pause();
    }
    store->finish();
    print_line("finished");
    return 0;
  } catch (const nclab::InputError& error) {
    std::cerr << "input error: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "error: " << error.what() << "\n";
    return 1;
  }
}
