// Rank 0 of a distributed sweep: hands out runs in order as ranks request them, trains runs itself in a
// LocalRunPool, and passes every finished record to the sink, which stores it.
//
// Rank 0 trains as well as coordinating because coordination costs little: it replies to a request
// within microseconds, and its loop sleeps while no message arrives. With one rank per node, a rank 0 that only
// coordinated would leave a whole node idle.

#include <csignal>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "framework/core/error.hpp"
#include "framework/core/log.hpp"
#include "framework/distributed/local_run_pool.hpp"
#include "framework/distributed/mpi/messages.hpp"
#include "framework/distributed/mpi/roles.hpp"
#include "framework/distributed/run_record_codec.hpp"
#include "framework/sweep/progress.hpp"

namespace nclab::mpi {

namespace {

volatile std::sig_atomic_t g_termination_signal = 0;

extern "C" void record_termination_signal(int signal_number) { g_termination_signal = signal_number; }

// Catches SIGTERM and SIGINT while it lives, so that rank 0 can report the runs in progress when the
// launcher ends the job. OpenMPI's mpirun sends SIGTERM to every rank when one rank dies or calls
// MPI_Abort, then SIGKILL about a second later (odls_base_sigkill_timeout, default 1 s in OpenMPI 4.1).
class TerminationSignals {
 public:
  TerminationSignals() {
    g_termination_signal = 0;
    struct sigaction action {};
    action.sa_handler = record_termination_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, &previous_term_);
    sigaction(SIGINT, &action, &previous_int_);
  }
  ~TerminationSignals() {
    sigaction(SIGTERM, &previous_term_, nullptr);
    sigaction(SIGINT, &previous_int_, nullptr);
  }
  TerminationSignals(const TerminationSignals&) = delete;
  TerminationSignals& operator=(const TerminationSignals&) = delete;

 private:
  struct sigaction previous_term_ {};
  struct sigaction previous_int_ {};
};

struct RankState {
  // Grid index -> run id of every run assigned to the rank whose record has not arrived.
  std::map<std::size_t, std::string> in_progress;
  bool stopped = false;  // kStop sent (worker ranks only)
};

class Coordinator {
 public:
  Coordinator(int ranks, const std::vector<RunSpec>& runs, const std::function<RunRecord(const RunSpec&)>& execute,
              const std::function<void(RunRecord&&)>& sink, const SchedulerOptions& options)
      : runs_(runs),
        sink_(sink),
        options_(options),
        states_(static_cast<std::size_t>(ranks)),
        pool_(effective_threads(options.threads), execute) {}

  SweepOutcome run(CoordinatorEnd& end) {
    TerminationSignals signals;
    if (options_.show_progress) progress_ = std::make_unique<Progress>(runs_.size(), options_.interactive_progress);
    log_message(LogLevel::info, "distributing " + std::to_string(runs_.size()) + " runs over " +
                                    std::to_string(states_.size()) + " MPI ranks, rank 0 included, with " +
                                    std::to_string(pool_.threads()) + " threads on rank 0");
    for (;;) {
      if (g_termination_signal != 0) {
        end = CoordinatorEnd::terminated;
        report_termination();
      }
      // Records first, so that rank 0, like a worker, gets its next run only after its finished records
      // went to the sink. Each rank's earlier assignments in the log are then runs already in the sink.
      bool busy = false;
      for (RunRecord& record : pool_.take_finished()) {
        receive_record(0, std::move(record));
        busy = true;
      }
      while (can_assign() && pool_.has_free_thread()) {
        pool_.start(assign_next(0));
        busy = true;
      }
      int arrived = 0;
      MPI_Status status;
      check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &arrived, &status), "MPI_Iprobe");
      if (arrived) {
        handle_message(status);
        continue;
      }
      if (finished()) break;
      // Sleeps at most a millisecond, so a request that arrives while rank 0 is idle waits about that long.
      if (!busy) pool_.wait_for_finished(std::chrono::milliseconds(1));
    }
    if (progress_) progress_->finish();
    outcome_.not_started = runs_.size() - next_;
    end = CoordinatorEnd::released;
    if (sink_error_) std::rethrow_exception(sink_error_);
    return outcome_;
  }

 private:
  bool can_assign() const { return next_ < runs_.size() && !stop_assigning_; }

  // Every run handed out has come back and every worker has received kStop.
  bool finished() const {
    if (can_assign() || pool_.training() > 0) return false;
    for (std::size_t rank = 0; rank < states_.size(); ++rank) {
      if (!states_[rank].in_progress.empty()) return false;
      if (rank > 0 && !states_[rank].stopped) return false;
    }
    return true;
  }

  const RunSpec& assign_next(int rank) {
    const RunSpec& run = runs_[next_++];
    states_[static_cast<std::size_t>(rank)].in_progress[run.index] = run.run_id;
    // One line per assignment, so that the log shows the run each rank held when it stopped.
    log_message(LogLevel::info, "run " + std::to_string(run.index) + " assigned to rank " + std::to_string(rank),
                run.run_id);
    return run;
  }

  void handle_message(const MPI_Status& status) {
    const int rank = status.MPI_SOURCE;
    switch (status.MPI_TAG) {
      case kHello: return receive_hello(rank);
      case kRequest: return answer_request(rank);
      case kResult: return receive_result(rank, status);
      default:
        throw RuntimeFailure("unexpected message with tag " + std::to_string(status.MPI_TAG) + " from rank " +
                             std::to_string(rank));
    }
  }

  void receive_hello(int rank) {
    HelloMessage hello;
    check(MPI_Recv(&hello, sizeof hello, MPI_BYTE, rank, kHello, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
          "MPI_Recv of a hello message");
    hello.host[sizeof hello.host - 1] = '\0';
    log_message(LogLevel::info, "rank " + std::to_string(rank) + " is process " + std::to_string(hello.pid) + " on " +
                                    hello.host + " with " + std::to_string(hello.threads) + " threads");
    const std::size_t host_threads = (threads_on_host_[hello.host] += hello.threads);
    const std::string local_host = host_name();
    const std::size_t with_rank_0 = host_threads + (hello.host == local_host ? pool_.threads() : 0);
    if (hello.cores > 0 && with_rank_0 > hello.cores) {
      log_message(LogLevel::warning, "the ranks on " + std::string(hello.host) + " train on " +
                                         std::to_string(with_rank_0) + " threads but the host has " +
                                         std::to_string(hello.cores) +
                                         " hardware threads: lower --threads (threads per rank) or the ranks per host");
    }
  }

  void answer_request(int rank) {
    check(MPI_Recv(nullptr, 0, MPI_BYTE, rank, kRequest, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
          "MPI_Recv of a work request");
    if (can_assign()) {
      const RunSpec& run = assign_next(rank);
      AssignMessage assign;
      assign.run_index = run.index;
      std::strncpy(assign.run_id, run.run_id.c_str(), sizeof assign.run_id - 1);
      check(MPI_Send(&assign, sizeof assign, MPI_BYTE, rank, kAssign, MPI_COMM_WORLD), "MPI_Send of an assignment");
      return;
    }
    StopMessage stop;
    check(MPI_Send(&stop, sizeof stop, MPI_BYTE, rank, kStop, MPI_COMM_WORLD), "MPI_Send of a stop message");
    states_[static_cast<std::size_t>(rank)].stopped = true;
  }

  void receive_result(int rank, const MPI_Status& status) {
    int size = 0;
    check(MPI_Get_count(&status, MPI_BYTE, &size), "MPI_Get_count");
    std::vector<std::byte> bytes(static_cast<std::size_t>(size));
    check(MPI_Recv(bytes.data(), size, MPI_BYTE, rank, kResult, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
          "MPI_Recv of a run record");
    RunRecord record;
    try {
      record = decode_run_record(bytes);
    } catch (const RuntimeFailure& error) {
      throw RuntimeFailure("rank 0 cannot read a record from rank " + std::to_string(rank) + ": " + error.what());
    }
    receive_record(rank, std::move(record));
  }

  void receive_record(int rank, RunRecord&& record) {
    std::map<std::size_t, std::string>& in_progress = states_[static_cast<std::size_t>(rank)].in_progress;
    const auto assigned = in_progress.find(record.run_index);
    if (assigned == in_progress.end() || assigned->second != record.run_id) {
      throw RuntimeFailure("rank " + std::to_string(rank) + " sent the record of run " +
                           std::to_string(record.run_index) + " (" + record.run_id + "), which it was not assigned");
    }
    in_progress.erase(assigned);

    const RunStatus status = record.status;
    count_run(outcome_, record);
    if (status == RunStatus::failed && options_.fail_fast) stop_assigning_ = true;
    if (progress_) progress_->run_finished(status == RunStatus::failed);
    // After a sink error the sweep only waits for the runs in progress and drops their records, as
    // run_scheduled does.
    if (sink_error_) return;
    try {
      sink_(std::move(record));
    } catch (...) {
      sink_error_ = std::current_exception();
      stop_assigning_ = true;
    }
  }

  // Logs the runs in progress on every rank, because the launcher may kill this process at any moment,
  // and throws.
  [[noreturn]] void report_termination() {
    std::string in_progress;
    for (std::size_t rank = 0; rank < states_.size(); ++rank) {
      for (const auto& [index, run_id] : states_[rank].in_progress) {
        in_progress += (in_progress.empty() ? "" : "; ") + std::string("rank ") + std::to_string(rank) + " held run " +
                std::to_string(index) + " (" + run_id + ")";
      }
    }
    const std::string signal_name = g_termination_signal == SIGINT ? "SIGINT" : "SIGTERM";
    log_message(LogLevel::error, "rank 0 received " + signal_name +
                                     ": the MPI job is ending, usually because a rank died or called MPI_Abort "
                                     "(the launcher's message names it). Runs in progress: " +
                                     (in_progress.empty() ? std::string("none") : in_progress) + ". Rank 0 received " +
                                     std::to_string(outcome_.complete + outcome_.diverged + outcome_.failed) +
                                     " records in this session, and the results file keeps each one that the "
                                     "result store finished writing. Rerun the same command with --resume to "
                                     "train the rest");
    throw RuntimeFailure("the MPI job was terminated by " + signal_name +
                         " before the sweep finished; rerun the same command with --resume to finish it");
  }

  const std::vector<RunSpec>& runs_;
  const std::function<void(RunRecord&&)>& sink_;
  const SchedulerOptions& options_;
  std::vector<RankState> states_;
  std::map<std::string, std::size_t> threads_on_host_;
  std::size_t next_ = 0;
  bool stop_assigning_ = false;
  std::exception_ptr sink_error_;
  SweepOutcome outcome_;
  std::unique_ptr<Progress> progress_;
  // Last member: destroyed first, so it waits for training runs before the members above go away.
  LocalRunPool pool_;
};

}  // namespace

SweepOutcome coordinate(int ranks, const std::vector<RunSpec>& runs,
                        const std::function<RunRecord(const RunSpec&)>& execute,
                        const std::function<void(RunRecord&&)>& sink, const SchedulerOptions& options,
                        CoordinatorEnd& end) {
  end = CoordinatorEnd::failed;
  Coordinator coordinator(ranks, runs, execute, sink, options);
  return coordinator.run(end);
}

}  // namespace nclab::mpi
