#pragma once
// Opening the files a user names as inputs (ELF, trace, guest input): only regular files. A FIFO
// or a device would block `open` or never end, so the file is opened with O_NONBLOCK (which makes
// open of a FIFO return at once), checked with fstat, and only then switched back to blocking.
// FileId names a file by device and inode, so outputs can refuse to overwrite an input whatever
// path (link, "./x", symlink) reaches it.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "rvtrace/guest/fault.hpp"

namespace rvtrace::guest {

struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const FileId&) const = default;
};

inline FileId file_id(const struct stat& st) { return {st.st_dev, st.st_ino}; }

// Opens `path` read-only; InputError unless it is a regular file. `what` names the role in errors
// ("input", "trace", ...). Returns the fd (close it yourself) and fills `st`.
inline int open_regular_file(const std::string& path, const char* what, struct stat& st) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) throw InputError(path + ": cannot open " + what + ": " + std::strerror(errno));
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw InputError(path + ": not a regular file (the " + std::string(what) + " must be one)");
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

inline int open_regular_file(const std::string& path, const char* what) {
  struct stat st;
  return open_regular_file(path, what, st);
}

}  // namespace rvtrace::guest
