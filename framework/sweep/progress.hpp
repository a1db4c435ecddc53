#pragma once
// Progress of a sweep on stderr: one redrawn line on a terminal, plain periodic lines otherwise.

#include <chrono>
#include <cstddef>
#include <mutex>

namespace nclab {

class Progress {
 public:
  // `interactive`: redraw one line in place (a terminal); otherwise print a line every `period`.
  Progress(std::size_t total, bool interactive, std::chrono::seconds period = std::chrono::seconds(10));
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void run_finished(bool failed);
  void finish();

 private:
  std::string line() const;
  void draw_locked();
  void clear_locked();

  std::size_t total_;
  std::size_t done_ = 0;
  std::size_t failed_ = 0;
  bool interactive_;
  bool finished_ = false;
  std::chrono::seconds period_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
  mutable std::mutex mutex_;
};

}  // namespace nclab
