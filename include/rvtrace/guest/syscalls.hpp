#pragma once
// The Linux-user syscall subset rvtrace guests may use (the same calls run under qemu-riscv64):
//   read 63 (fd 0), write 64 (fds 1, 2), close 57 (fds 0-2), exit 93, exit_group 94, brk 214,
//   munmap 215 (no-op), mmap 222 (anonymous, private).  Everything else returns -ENOSYS.
// Profile region markers: region_begin / region_end (a7) with a0 = the address of the region's label,
// a NUL-terminated string in read-only data. They do nothing and return -ENOSYS like any unknown
// syscall (as under Linux and qemu-riscv64, so a marked guest runs the same everywhere); the profile
// policy (trace/profile_policy.hpp) sees them in the trace. C guests: tests/guests/runtime/rvtrace_region.h.
// A syscall writes at most one register, a0 (x[10]), and, for read, guest memory at the buffer.
// Bad guest pointers return -EFAULT; they never touch host memory outside the guest range.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "rvtrace/guest/environment.hpp"
#include "rvtrace/guest/fault.hpp"
#include "rvtrace/guest/files.hpp"
#include "rvtrace/guest/layout.hpp"
#include "rvtrace/guest/memory.hpp"

namespace rvtrace::guest {

// RISC-V Linux syscall numbers (the generic table) and errno values.
namespace sys {
inline constexpr std::uint64_t close = 57, read = 63, write = 64, exit = 93, exit_group = 94,
                               brk = 214, munmap = 215, mmap = 222;
inline constexpr std::uint64_t region_begin = 0x7276'0000, region_end = 0x7276'0001;  // profile markers
inline constexpr std::int64_t eio = 5, ebadf = 9, enomem = 12, efault = 14, enodev = 19,
                              einval = 22, enosys = 38;
inline constexpr std::uint64_t map_shared = 0x01, map_private = 0x02, map_fixed = 0x10,
                               map_anonymous = 0x20;
}  // namespace sys

// The linux exit rule, the one place it is stated: exit (93) and exit_group (94) end the run with
// status a0 & 0xff. A pure function of the registers, so memoryless replay applies it too.
inline std::optional<int> linux_exit_status(const std::array<std::uint64_t, 32>& x) {
  if (x[17] == sys::exit || x[17] == sys::exit_group) return static_cast<int>(x[10] & 0xff);
  return std::nullopt;
}

class LinuxSyscalls final : public Environment {
 public:
  // brk_start: LoadedImage::brk_start. Anonymous mmaps are carved downward from the bottom of the
  // stack region of `mem` until they would meet the program break.
  LinuxSyscalls(const GuestMemory& mem, std::uint64_t brk_start)
      : brk_start_(brk_start), brk_(brk_start), mmap_cursor_(stack_bottom(mem.size())) {}
  ~LinuxSyscalls() { close_input(); }
  LinuxSyscalls(const LinuxSyscalls&) = delete;
  LinuxSyscalls& operator=(const LinuxSyscalls&) = delete;
  LinuxSyscalls(LinuxSyscalls&& o) noexcept { *this = std::move(o); }
  LinuxSyscalls& operator=(LinuxSyscalls&& o) noexcept {
    if (this != &o) {
      close_input();
      brk_start_ = o.brk_start_;
      brk_ = o.brk_;
      mmap_cursor_ = o.mmap_cursor_;
      in_fd_ = std::exchange(o.in_fd_, -1);
      own_in_fd_ = std::exchange(o.own_in_fd_, false);
      in_buf_ = std::move(o.in_buf_);
      in_pos_ = o.in_pos_;
      use_in_buf_ = o.use_in_buf_;
      on_input_ = std::move(o.on_input_);
      capture_ = o.capture_;
      stdout_fd_ = o.stdout_fd_;
      out_ = std::move(o.out_);
      err_ = std::move(o.err_);
    }
    return *this;
  }

  // --- input (guest fd 0): host stdin by default ---
  // A regular file only (a FIFO would block; feed pipes through stdin instead).
  void set_input_file(const std::string& path) {
    const int fd = open_regular_file(path, "input");
    close_input();
    in_fd_ = fd;
    own_in_fd_ = true;
  }
  void set_input_buffer(std::string data) {
    close_input();
    in_buf_ = std::move(data);
    in_pos_ = 0;
    use_in_buf_ = true;
  }

  // Called with the bytes of every successful read (the recorder hashes the input the guest consumed).
  void observe_input(std::function<void(const std::uint8_t*, std::size_t)> f) { on_input_ = std::move(f); }

  // --- output (guest fds 1, 2): host fds 1, 2 by default, or captured into strings ---
  void capture_output(bool on = true) { capture_ = on; }
  // Host fd that receives the guest's stdout (e.g. 2 when our own stdout carries a witness).
  void set_stdout_fd(int host_fd) { stdout_fd_ = host_fd; }
  const std::string& captured_stdout() const { return out_; }
  const std::string& captured_stderr() const { return err_; }

  std::uint64_t brk() const { return brk_; }
  std::uint64_t mmap_cursor() const { return mmap_cursor_; }  // lowest mmap'd address so far

  // Performs the syscall x[17] with arguments x[10..15]; writes the result to x[10] unless the
  // guest exited (then no register changes).
  // What read/write return without doing any I/O (bad fd, empty, bad buffer), or nullopt when they
  // do I/O. The one statement of these rules; `verify` checks recorded results against it.
  static std::optional<std::int64_t> read_refusal(const GuestMemory& mem, std::uint64_t fd, std::uint64_t buf,
                                                  std::uint64_t len) {
    if (fd != 0) return -sys::ebadf;
    if (len == 0) return 0;
    if (!mem.writable(buf, len)) return -sys::efault;
    return std::nullopt;
  }
  static std::optional<std::int64_t> write_refusal(const GuestMemory& mem, std::uint64_t fd, std::uint64_t buf,
                                                   std::uint64_t len) {
    if (fd != 1 && fd != 2) return -sys::ebadf;
    if (len == 0) return 0;
    if (!mem.readable(buf, len)) return -sys::efault;
    return std::nullopt;
  }

  SyscallResult ecall(std::array<std::uint64_t, 32>& x, GuestMemory& mem) override { return handle(x, mem); }
  SyscallResult handle(std::array<std::uint64_t, 32>& x, GuestMemory& mem) {
    if (const std::optional<int> status = linux_exit_status(x)) return {true, *status};
    const std::uint64_t a0 = x[10], a1 = x[11], a2 = x[12], a3 = x[13];
    std::int64_t ret;
    switch (x[17]) {
      case sys::read: ret = do_read(mem, a0, a1, a2); break;
      case sys::write: ret = do_write(mem, a0, a1, a2); break;
      case sys::close: ret = a0 <= 2 ? 0 : -sys::ebadf; break;
      case sys::brk: ret = static_cast<std::int64_t>(do_brk(mem, a0)); break;
      case sys::mmap: ret = do_mmap(mem, a1, a3); break;
      case sys::munmap: ret = 0; break;  // memory is never reused, so nothing to do
      default: ret = -sys::enosys; break;
    }
    x[10] = static_cast<std::uint64_t>(ret);
    return {};
  }

 private:
  std::int64_t do_read(GuestMemory& mem, std::uint64_t fd, std::uint64_t buf, std::uint64_t len) {
    const std::int64_t n = read_input(mem, fd, buf, len);
    if (n > 0 && on_input_) on_input_(mem.host(buf), static_cast<std::size_t>(n));
    return n;
  }
  std::int64_t read_input(GuestMemory& mem, std::uint64_t fd, std::uint64_t buf, std::uint64_t len) {
    if (const auto refused = read_refusal(mem, fd, buf, len)) return *refused;
    if (use_in_buf_) {
      const std::size_t n = std::min<std::uint64_t>(len, in_buf_.size() - in_pos_);
      std::memcpy(mem.host(buf), in_buf_.data() + in_pos_, n);
      in_pos_ += n;
      return static_cast<std::int64_t>(n);
    }
    for (;;) {  // like a process's read: may return fewer bytes than asked
      ssize_t n = ::read(in_fd_, mem.host(buf), len);
      if (n >= 0) return n;
      if (errno != EINTR) return -errno;
    }
  }

  std::int64_t do_write(const GuestMemory& mem, std::uint64_t fd, std::uint64_t buf,
                        std::uint64_t len) {
    if (const auto refused = write_refusal(mem, fd, buf, len)) return *refused;
    const char* p = reinterpret_cast<const char*>(mem.host(buf));
    if (capture_) {
      (fd == 1 ? out_ : err_).append(p, len);
      return static_cast<std::int64_t>(len);
    }
    std::uint64_t done = 0;
    while (done < len) {  // host writes may be partial; the guest sees the whole write or an error
      ssize_t n = ::write(fd == 1 ? stdout_fd_ : 2, p + done, len - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return done ? static_cast<std::int64_t>(done) : -(n < 0 ? errno : sys::eio);
      done += static_cast<std::uint64_t>(n);
    }
    return static_cast<std::int64_t>(done);
  }

  // Linux brk: returns the new break, or the unchanged one when the request is refused.
  std::uint64_t do_brk(GuestMemory& mem, std::uint64_t want) {
    if (want < brk_start_ || want > mmap_cursor_) return brk_;
    // Memory handed out by growing the break reads as zero, even if an earlier, larger break left
    // data there (or the guest wrote past the break).
    if (want > brk_) mem.zero(brk_, want - brk_);
    brk_ = want;
    return brk_;
  }

  std::int64_t do_mmap(GuestMemory& mem, std::uint64_t len, std::uint64_t flags) {
    // Only fresh anonymous private memory: no files, no shared or fixed placement. The address
    // hint is ignored and so is fd (as Linux does for MAP_ANONYMOUS).
    if (!(flags & sys::map_anonymous)) return -sys::enodev;
    if ((flags & (sys::map_shared | sys::map_private)) != sys::map_private ||
        (flags & sys::map_fixed) || len == 0)
      return -sys::einval;
    const std::uint64_t size = page_up(len);
    const std::uint64_t floor = page_up(brk_);
    if (size < len || mmap_cursor_ < floor || mmap_cursor_ - floor < size) return -sys::enomem;
    mmap_cursor_ -= size;
    mem.zero(mmap_cursor_, size);
    return static_cast<std::int64_t>(mmap_cursor_);
  }

  void close_input() {
    if (own_in_fd_) ::close(in_fd_);
    in_fd_ = 0;
    own_in_fd_ = false;
    use_in_buf_ = false;
    in_buf_.clear();
    in_pos_ = 0;
  }

  std::uint64_t brk_start_ = 0, brk_ = 0;
  std::uint64_t mmap_cursor_ = 0;
  int in_fd_ = 0;  // host fd read for guest fd 0
  bool own_in_fd_ = false;
  std::string in_buf_;
  std::size_t in_pos_ = 0;
  bool use_in_buf_ = false;
  std::function<void(const std::uint8_t*, std::size_t)> on_input_;
  bool capture_ = false;
  int stdout_fd_ = 1;
  std::string out_, err_;
};

}  // namespace rvtrace::guest
