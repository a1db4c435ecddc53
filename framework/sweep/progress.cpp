#include "framework/sweep/progress.hpp"

#include <cstdio>
#include <iostream>
#include <string>

#include "framework/core/log.hpp"

namespace nclab {

namespace {

std::string format_duration(double seconds) {
  const long total = static_cast<long>(seconds + 0.5);
  char buffer[32];
  if (total >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%ldh%02ldm", total / 3600, (total % 3600) / 60);
  } else if (total >= 60) {
    std::snprintf(buffer, sizeof buffer, "%ldm%02lds", total / 60, total % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%lds", total);
  }
  return buffer;
}

}  // namespace

Progress::Progress(std::size_t total, bool interactive, std::chrono::seconds period)
    : total_(total), interactive_(interactive), period_(period) {
  start_ = std::chrono::steady_clock::now();
  last_print_ = start_;
  if (interactive_) {
    // The hooks run with the logger's lock held, so they must not call log_message themselves.
    set_log_redraw_hooks([this] { std::lock_guard lock(mutex_); clear_locked(); },
                         [this] { std::lock_guard lock(mutex_); if (!finished_) draw_locked(); });
    std::lock_guard lock(mutex_);
    draw_locked();
  }
}

Progress::~Progress() {
  if (interactive_) set_log_redraw_hooks({}, {});
}

std::string Progress::line() const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string text = "runs " + std::to_string(done_) + "/" + std::to_string(total_) + ", " +
                     std::to_string(failed_) + " failed, elapsed " + format_duration(elapsed);
  if (done_ > 0 && done_ < total_) {
    const double left = elapsed / static_cast<double>(done_) * static_cast<double>(total_ - done_);
    text += ", about " + format_duration(left) + " left";
  }
  return text;
}

void Progress::draw_locked() { std::cerr << "\r\033[K" << line() << std::flush; }

void Progress::clear_locked() { std::cerr << "\r\033[K" << std::flush; }

void Progress::run_finished(bool failed) {
  bool print_plain = false;
  {
    std::lock_guard lock(mutex_);
    ++done_;
    if (failed) ++failed_;
    if (interactive_) {
      draw_locked();
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - last_print_ >= period_) {
      last_print_ = now;
      print_plain = true;
    }
  }
  if (print_plain) {
    std::string text;
    {
      std::lock_guard lock(mutex_);
      text = line();
    }
    log_message(LogLevel::info, "progress: " + text);
  }
}

void Progress::finish() {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  finished_ = true;
  if (interactive_) {
    draw_locked();
    std::cerr << "\n" << std::flush;
  }
}

}  // namespace nclab
