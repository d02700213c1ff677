#pragma once
// The one rule for every file rvtrace writes (traces, replay and witness outputs, status files):
//  - never write over an input of the command: the output is compared with each input by device
//    and inode, so no path spelling ("./t.rvmt", a hard link, a symlink) gets around it;
//  - never replace an existing file unless asked (--force), and never anything but a regular file;
//  - write into a temporary next to it, created exclusively (mkostemp: O_CREAT|O_EXCL, which also
//    refuses to follow a symlink planted at that name), and give it the final name only when
//    complete (link: fails if the name appeared meanwhile; with --force, rename);
//  - remove the temporary on error, and on SIGINT/SIGTERM/SIGHUP (a handler unlinks every
//    temporary still open, then lets the signal end the process as it would have).
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>

#include "rvtrace/guest/fault.hpp"
#include "rvtrace/guest/files.hpp"

namespace rvtrace::trace {

namespace detail {
// Temporaries to remove when a signal ends the process. Fixed storage: the handler may only use
// async-signal-safe calls (unlink, signal, raise) on memory that is never reallocated.
struct TempRegistry {
  static constexpr int slots = 16;
  static constexpr std::size_t path_max = 4096;
  char paths[slots][path_max];
  std::atomic<int> used[slots];
};
inline TempRegistry& temp_registry() {
  static TempRegistry r{};
  return r;
}
inline void remove_temps_on_signal(int sig) {
  TempRegistry& r = temp_registry();
  for (int i = 0; i < TempRegistry::slots; ++i)
    if (r.used[i].load() == 1) ::unlink(r.paths[i]);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}
inline void install_temp_cleanup() {
  static const bool installed = [] {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction old {};
      if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;  // keep nohup's choice
      struct sigaction sa {};
      sa.sa_handler = remove_temps_on_signal;
      sigemptyset(&sa.sa_mask);
      ::sigaction(sig, &sa, nullptr);
    }
    return true;
  }();
  (void)installed;
}
// Returns the slot, or -1 when every slot is taken (the file is then only removed on errors).
inline int register_temp(const std::string& path) {
  TempRegistry& r = temp_registry();
  if (path.size() >= TempRegistry::path_max) return -1;
  for (int i = 0; i < TempRegistry::slots; ++i) {
    int expected = 0;
    if (r.used[i].compare_exchange_strong(expected, 2)) {  // 2: being written
      std::memcpy(r.paths[i], path.c_str(), path.size() + 1);
      r.used[i].store(1);
      return i;
    }
  }
  return -1;
}
inline void unregister_temp(int slot) {
  if (slot >= 0) temp_registry().used[slot].store(0);
}
}  // namespace detail

// Refuses `path` as an output when it is one of `inputs` (same device and inode), when it exists and
// `overwrite` is false, or when it exists and is not a regular file. InputError otherwise.
inline void check_output_path(const std::string& path, bool overwrite, std::span<const std::string> inputs) {
  struct stat out;
  if (::stat(path.c_str(), &out) != 0) return;  // does not exist (yet): nothing to protect
  for (const std::string& in : inputs) {
    struct stat st;
    if (!in.empty() && ::stat(in.c_str(), &st) == 0 && guest::file_id(st) == guest::file_id(out))
      throw InputError(path + ": is the input " + in + " of this command; refusing to write over it");
  }
  if (!S_ISREG(out.st_mode)) throw InputError(path + ": exists and is not a regular file (write to stdout with -o -)");
  if (!overwrite) throw InputError(path + ": file exists (use --force to overwrite)");
}

class OutputFile {
 public:
  OutputFile(std::string path, bool overwrite, std::span<const std::string> inputs = {})
      : path_(std::move(path)), overwrite_(overwrite) {
    check_output_path(path_, overwrite_, inputs);
    detail::install_temp_cleanup();
    std::string pattern = path_ + ".tmp.XXXXXX";
    fd_ = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (fd_ < 0) throw InputError(path_ + ": cannot create a temporary file next to it: " + std::strerror(errno));
    ::fchmod(fd_, 0644);
    tmp_ = pattern;
    slot_ = detail::register_temp(tmp_);
  }
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile() { discard(); }

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return tmp_; }

  // The file is complete: gives it its final name. Throws (and removes the temporary) on failure.
  void commit() {
    if (fd_ >= 0 && ::close(std::exchange(fd_, -1)) != 0) fail("cannot close");
    if (overwrite_) {
      if (::rename(tmp_.c_str(), path_.c_str()) != 0) fail("cannot replace it");
    } else {  // link fails if the name appeared meanwhile: never replaces a file
      if (::link(tmp_.c_str(), path_.c_str()) != 0) fail("cannot create it");
      ::unlink(tmp_.c_str());
    }
    detail::unregister_temp(std::exchange(slot_, -1));
    tmp_.clear();
  }
  // Drops the temporary (also what the destructor does when commit() was not reached).
  void discard() noexcept {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
    if (!tmp_.empty()) ::unlink(tmp_.c_str());
    detail::unregister_temp(std::exchange(slot_, -1));
    tmp_.clear();
  }

 private:
  [[noreturn]] void fail(const std::string& what) {
    const std::string msg = path_ + ": " + what + ": " + std::strerror(errno);  // the user's name, not the temporary's
    discard();
    throw std::runtime_error(msg);
  }
  std::string path_, tmp_;
  bool overwrite_;
  int fd_ = -1;
  int slot_ = -1;
};

}  // namespace rvtrace::trace
