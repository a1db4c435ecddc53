#include "framework/core/log.hpp"

#include <atomic>
#include <chrono>
#include <ctime>
#include <iostream>
#include <mutex>

#include "framework/core/error.hpp"

namespace nclab {

namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::info)};
std::mutex g_mutex;
std::function<void()> g_before;
std::function<void()> g_after;

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::error: return "error";
    case LogLevel::warning: return "warning";
    case LogLevel::info: return "info";
    case LogLevel::debug: return "debug";
  }
  return "?";
}

}  // namespace

LogLevel parse_log_level(const std::string& text) {
  if (text == "error") return LogLevel::error;
  if (text == "warning") return LogLevel::warning;
  if (text == "info") return LogLevel::info;
  if (text == "debug") return LogLevel::debug;
  throw InputError("invalid log level '" + text + "': expected error, warning, info or debug");
}

void set_log_level(LogLevel level) { g_level = static_cast<int>(level); }

bool log_enabled(LogLevel level) { return static_cast<int>(level) <= g_level.load(); }

std::string utc_timestamp() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
  gmtime_r(&now, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

void log_message(LogLevel level, std::string_view message, std::string_view run_id, int member) {
  if (!log_enabled(level)) return;
  std::string line = utc_timestamp() + " " + level_name(level);
  if (!run_id.empty()) {
    line += " [run ";
    line += run_id;
    if (member >= 0) line += " member " + std::to_string(member);
    line += "]";
  }
  line += " ";
  line += message;
  line += "\n";
  std::lock_guard lock(g_mutex);
  if (g_before) g_before();
  std::cerr << line << std::flush;
  if (g_after) g_after();
}

void set_log_redraw_hooks(std::function<void()> before, std::function<void()> after) {
  std::lock_guard lock(g_mutex);
  g_before = std::move(before);
  g_after = std::move(after);
}

}  // namespace nclab
