#include "framework/results/hdf5.hpp"

#include <string>
#include <utility>

namespace nclab::hdf5 {

namespace {

// One line: the call, the object and the innermost cause HDF5 recorded (for a failed write, the
// operating system's reason, such as "Permission denied" or "File too large"). The whole stack, about
// 15 lines per failure, stays in Hdf5Error::error_stack() for debugging HDF5 itself.
std::string compose_message(const std::string& call, const std::string& object, const std::string& root_cause) {
  std::string message = "HDF5 call " + call + " failed";
  if (!object.empty()) message += " on " + object;
  if (!root_cause.empty()) message += ": " + root_cause;
  return message;
}

std::string error_message_text(hid_t message_id) {
  if (message_id < 0) return "";
  char buffer[256] = {};
  H5E_type_t type;
  if (H5Eget_msg(message_id, &type, buffer, sizeof buffer) < 0) return "";
  return buffer;
}

struct WalkedStack {
  std::string text;
  std::string innermost_description;
};

herr_t append_frame(unsigned n, const H5E_error2_t* frame, void* client_data) {
  auto* out = static_cast<WalkedStack*>(client_data);
  const std::string description = frame->desc ? frame->desc : "";
  out->text += "  #" + std::to_string(n) + ": " + (frame->file_name ? frame->file_name : "?") + " line " +
               std::to_string(frame->line) + " in " + (frame->func_name ? frame->func_name : "?") + "(): " +
               description + "\n";
  out->text += "    major: " + error_message_text(frame->maj_num) + "\n";
  out->text += "    minor: " + error_message_text(frame->min_num) + "\n";
  // The walk goes downward, from the API call to the function that detected the error.
  out->innermost_description = description;
  return 0;
}

WalkedStack walk_and_clear_error_stack() {
  WalkedStack stack;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, append_frame, &stack);
  H5Eclear2(H5E_DEFAULT);
  return stack;
}

[[noreturn]] void throw_current_error(const char* call, const std::string& object) {
  WalkedStack stack = walk_and_clear_error_stack();
  throw Hdf5Error(call, object, stack.text, stack.innermost_description);
}

}  // namespace

Hdf5Error::Hdf5Error(const std::string& call, const std::string& object, const std::string& error_stack,
                     const std::string& root_cause)
    : RuntimeFailure(compose_message(call, object, root_cause)),
      call_(call),
      error_stack_(error_stack),
      root_cause_(root_cause) {}

void skip_library_cleanup_at_exit() { H5dont_atexit(); }

void silence_automatic_error_printing() {
  thread_local bool silenced = false;
  if (silenced) return;
  // With a thread-safe HDF5 build the setting is per thread, hence thread_local.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  silenced = true;
}

std::string take_error_stack() { return walk_and_clear_error_stack().text; }

std::recursive_mutex& hdf5_mutex() {
  static std::recursive_mutex mutex;
  return mutex;
}

long long check(long long status, const char* call, const std::string& object) {
  if (status < 0) throw_current_error(call, object);
  return status;
}

Handle::Handle(hid_t id, Closer closer, const char* call, const std::string& object)
    : id_(id), closer_(closer), object_(object) {
  if (id_ < 0) throw_current_error(call, object);
}

Handle::~Handle() { release(); }

Handle::Handle(Handle&& other) noexcept
    : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_), object_(std::move(other.object_)) {}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    release();
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
    closer_ = other.closer_;
    object_ = std::move(other.object_);
  }
  return *this;
}

void Handle::close() {
  if (id_ < 0) return;
  const hid_t id = std::exchange(id_, H5I_INVALID_HID);
  if (closer_(id) < 0) throw_current_error("close", object_);
}

void Handle::release() noexcept {
  if (id_ < 0) return;
  // A failed close here has no caller to report to. Writers call close() explicitly, so this path
  // only runs while unwinding from an earlier error, which is the one worth reporting.
  if (closer_(id_) < 0) H5Eclear2(H5E_DEFAULT);
  id_ = H5I_INVALID_HID;
}

std::string describe(hid_t location, const std::string& name) {
  std::string file = "?";
  std::string path;
  if (const ssize_t size = H5Fget_name(location, nullptr, 0); size > 0) {
    file.assign(static_cast<std::size_t>(size) + 1, '\0');
    H5Fget_name(location, file.data(), file.size());
    file.resize(static_cast<std::size_t>(size));
  }
  if (const ssize_t size = H5Iget_name(location, nullptr, 0); size > 0) {
    path.assign(static_cast<std::size_t>(size) + 1, '\0');
    H5Iget_name(location, path.data(), path.size());
    path.resize(static_cast<std::size_t>(size));
  }
  H5Eclear2(H5E_DEFAULT);
  if (!name.empty()) path += (path.empty() || path.back() != '/' ? "/" : "") + name;
  return "'" + file + ":" + path + "'";
}

}  // namespace nclab::hdf5
