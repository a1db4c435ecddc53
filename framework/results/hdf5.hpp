#pragma once
// Thin RAII layer over the HDF5 C API. Every call that can fail goes through check() or an owning
// Handle, and a failure becomes an Hdf5Error that carries the call, the object and the HDF5 error stack.
//
// The HDF5 library on Debian is built thread-safe, but the result store still touches HDF5 from one
// thread at a time (see result_store.hpp) and the readers take hdf5_mutex() as well.

#include <hdf5.h>

#include <mutex>
#include <string>

#include "framework/core/error.hpp"

namespace nclab::hdf5 {

// An HDF5 call that returned an error. what() names the call and the object and ends with the HDF5
// error stack, innermost frame last.
class Hdf5Error : public RuntimeFailure {
 public:
  Hdf5Error(const std::string& call, const std::string& object, const std::string& error_stack,
            const std::string& root_cause = "");

  const std::string& call() const { return call_; }
  const std::string& error_stack() const { return error_stack_; }
  // Description of the innermost frame of the error stack, such as "file signature not found", or
  // empty when HDF5 recorded no frame.
  const std::string& root_cause() const { return root_cause_; }

 private:
  std::string call_;
  std::string error_stack_;
  std::string root_cause_;
};

// Switches off HDF5's automatic printing of error stacks for the calling thread, because nclab reports
// the stack inside Hdf5Error instead. Cheap after the first call on a thread.
void silence_automatic_error_printing();

// Keeps HDF5 from installing its atexit() clean-up. Call before any other HDF5 call. After a failed
// write (a full disk, a file size limit) HDF5 can keep a file half closed, and its clean-up at exit
// then crashed the process (SIGSEGV in H5F__close_cb) after nclab had reported the error. nclab closes
// and fsyncs every file itself, so the clean-up has nothing left to save.
void skip_library_cleanup_at_exit();

// Formats the calling thread's current HDF5 error stack and clears it.
std::string take_error_stack();

// Serialises HDF5 use inside this process. The writer thread locks it while it writes, and readers
// lock it while they read.
std::recursive_mutex& hdf5_mutex();

// Throws Hdf5Error when `status` is negative; returns it otherwise (H5Lexists and friends return a
// tri-state value).
long long check(long long status, const char* call, const std::string& object);

// An owned HDF5 identifier, closed by the matching H5*close function.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);

  Handle() = default;
  // Takes ownership of `id`; throws Hdf5Error when `id` is negative (the call failed).
  Handle(hid_t id, Closer closer, const char* call, const std::string& object);
  ~Handle();

  Handle(Handle&& other) noexcept;
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  // Closes now and throws Hdf5Error if closing fails. Closing a file flushes it, so a writer must call
  // this (not rely on the destructor) before it treats the file as written.
  void close();

 private:
  void release() noexcept;

  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
  std::string object_;
};

// Describes an object for error messages as FILE:PATH, taking the names from HDF5.
std::string describe(hid_t location, const std::string& name = "");

}  // namespace nclab::hdf5
