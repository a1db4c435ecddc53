#pragma once
// Levelled, thread-safe logging to stderr. Lines carry a UTC timestamp, the level, and the run id and
// member index when they concern one. Never call it inside per-pattern loops.

#include <functional>
#include <string>
#include <string_view>

namespace nclab {

enum class LogLevel { error = 0, warning = 1, info = 2, debug = 3 };

LogLevel parse_log_level(const std::string& text);
void set_log_level(LogLevel level);
bool log_enabled(LogLevel level);

// Writes one line. `run_id` may be empty; `member` < 0 means the line concerns no single member.
void log_message(LogLevel level, std::string_view message, std::string_view run_id = {}, int member = -1);

// Installs hooks that clear and redraw a terminal progress line around each log line, so that the two
// never interleave. Empty functions remove them.
void set_log_redraw_hooks(std::function<void()> before, std::function<void()> after);

// ISO 8601 UTC time, e.g. 2026-12-04T19:56:46Z.
std::string utc_timestamp();

}  // namespace nclab
