// A worker rank: requests runs from rank 0 while it has a free thread, trains them in a LocalRunPool
// and sends each finished record back.

#include <unistd.h>

#include <climits>
#include <cstring>
#include <exception>
#include <map>
#include <string>
#include <thread>

#include "framework/core/error.hpp"
#include "framework/core/log.hpp"
#include "framework/distributed/local_run_pool.hpp"
#include "framework/distributed/mpi/messages.hpp"
#include "framework/distributed/mpi/roles.hpp"
#include "framework/distributed/run_record_codec.hpp"

namespace nclab::mpi {

namespace {

class Worker {
 public:
  Worker(int rank, const std::vector<RunSpec>& grid, const std::function<RunRecord(const RunSpec&)>& execute,
         std::size_t threads)
      : rank_(rank), grid_(grid), pool_(threads, execute) {}

  int serve() {
    try {
      send_hello();
      for (;;) {
        for (RunRecord& record : pool_.take_finished()) send_result(record);
        if (!stopped_ && pool_.has_free_thread()) {
          request_run();
          continue;
        }
        if (stopped_ && pool_.training() == 0) {
          // A run may have finished after take_finished() above.
          for (RunRecord& record : pool_.take_finished()) send_result(record);
          break;
        }
        pool_.wait_for_finished(std::chrono::milliseconds(100));
      }
    } catch (const std::exception& error) {
      // Rank 0 may be waiting for this rank's records, so only ending the whole job ends the sweep.
      log_message(LogLevel::error, "rank " + std::to_string(rank_) + " failed (runs in progress on this rank: " +
                                       runs_in_progress() + "): " + error.what() + ". Aborting the MPI job");
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
    return 0;
  }

 private:
  void send_hello() {
    HelloMessage hello;
    hello.pid = static_cast<std::int64_t>(::getpid());
    hello.threads = pool_.threads();
    hello.cores = std::thread::hardware_concurrency();
    const std::string host = host_name();
    std::strncpy(hello.host, host.c_str(), sizeof hello.host - 1);
    check(MPI_Send(&hello, sizeof hello, MPI_BYTE, 0, kHello, MPI_COMM_WORLD), "MPI_Send of the hello message");
  }

  void request_run() {
    check(MPI_Send(nullptr, 0, MPI_BYTE, 0, kRequest, MPI_COMM_WORLD), "MPI_Send of a work request");
    union {
      AssignMessage assign;
      StopMessage stop;
    } reply{};
    MPI_Request request;
    check(MPI_Irecv(&reply, sizeof reply, MPI_BYTE, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &request),
          "MPI_Irecv of the reply to a work request");
    MPI_Status status;
    wait(request, &status);

    if (status.MPI_TAG == kStop) {
      stopped_ = true;
      if (reply.stop.reason == StopReason::aborted) {
        log_message(LogLevel::debug, "rank " + std::to_string(rank_) + ": rank 0 stopped the sweep before it started");
      }
      return;
    }
    if (status.MPI_TAG != kAssign) {
      throw RuntimeFailure("unexpected message with tag " + std::to_string(status.MPI_TAG) + " from rank 0");
    }
    const std::size_t index = static_cast<std::size_t>(reply.assign.run_index);
    const std::string run_id(reply.assign.run_id, strnlen(reply.assign.run_id, sizeof reply.assign.run_id));
    if (index >= grid_.size() || grid_[index].index != index || grid_[index].run_id != run_id) {
      const std::string local = index < grid_.size() ? "'" + grid_[index].run_id + "'" : "no run";
      throw RuntimeFailure("rank 0 assigned run " + std::to_string(index) + " (" + run_id + "), but this rank's grid of " +
                           std::to_string(grid_.size()) + " runs has " + local +
                           " there: every rank must read the same options, --config file and plugins");
    }
    in_progress_[index] = run_id;
    pool_.start(grid_[index]);
  }

  void send_result(const RunRecord& record) {
    const std::vector<std::byte> bytes = encode_run_record(record);
    if (bytes.size() > static_cast<std::size_t>(INT_MAX)) {
      // NOTE: a record this large would need to travel in several messages, which is not implemented.
      throw RuntimeFailure("the record of run " + std::to_string(record.run_index) + " (" + record.run_id + ") is " +
                           std::to_string(bytes.size()) + " bytes, more than one MPI message carries (" +
                           std::to_string(INT_MAX) + " bytes)");
    }
    MPI_Request request;
    check(MPI_Isend(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, 0, kResult, MPI_COMM_WORLD, &request),
          "MPI_Isend of a run record");
    wait(request);
    in_progress_.erase(record.run_index);
  }

  std::string runs_in_progress() const {
    if (in_progress_.empty()) return "none";
    std::string text;
    for (const auto& [index, run_id] : in_progress_) {
      text += (text.empty() ? "" : ", ") + std::string("run ") + std::to_string(index) + " (" + run_id + ")";
    }
    return text;
  }

  int rank_;
  const std::vector<RunSpec>& grid_;
  // Grid index -> run id of every run assigned to this rank whose record rank 0 has not yet received.
  std::map<std::size_t, std::string> in_progress_;
  bool stopped_ = false;
  // Last member: destroyed first, so it waits for training runs before the members above go away.
  LocalRunPool pool_;
};

}  // namespace

int serve(int rank, const std::vector<RunSpec>& grid, const std::function<RunRecord(const RunSpec&)>& execute,
          std::size_t threads) {
  Worker worker(rank, grid, execute, threads);
  return worker.serve();
}

}  // namespace nclab::mpi
