#pragma once
// What verify knows about the Linux syscalls of a traced run (guest/syscalls.hpp), given the
// memory image at the call and the input the run was given:
//  - read(0, buf, len): the refusals (bad fd, empty, bad buffer) are recomputed exactly; otherwise
//    the recorded count n must satisfy 0 <= n <= len (a host read may return less; a negative
//    errno is a host error), and the n bytes it wrote are taken from the given input, in order;
//  - write: refusals exactly; otherwise 0 <= n <= len or a negative errno (what the host's stdout
//    accepted is not recomputable); it changes no memory;
//  - brk, mmap, munmap, close, and every other number: recomputed exactly (LinuxSyscalls itself,
//    run on the memory image, which also applies their memory effects: zeroed heap and mmaps).
// Any disagreement throws InputError saying what and at which step.
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "rvtrace/guest/fault.hpp"
#include "rvtrace/guest/memory.hpp"
#include "rvtrace/guest/syscalls.hpp"
#include "rvtrace/trace/hash.hpp"
#include "rvtrace/trace/memory_effects.hpp"
#include "rvtrace/trace/trace_view.hpp"

namespace rvtrace::trace {

// The input a verified run was given, read sequentially as its reads consume it, and hashed.
class InputStream {
 public:
  explicit InputStream(int fd = 0) : fd_(fd) {}
  explicit InputStream(std::string bytes) : fd_(-1), bytes_(std::move(bytes)) {}  // input held in memory
  // Whether any byte follows what next() consumed.
  bool more() {
    if (fd_ < 0) return pos_ < bytes_.size();
    if (peeked_) return true;
    std::uint8_t b;
    if (!read_fd(&b, 1)) return false;
    peek_ = b, peeked_ = true;
    return true;
  }
  // Fills dst with the next n bytes; false when the input ends first.
  bool next(std::uint8_t* dst, std::size_t n) {
    if (fd_ < 0) {
      if (bytes_.size() - pos_ < n) return false;
      std::memcpy(dst, bytes_.data() + pos_, n);
      pos_ += n;
      hash_.add(dst, n);
      return true;
    }
    std::size_t done = 0;
    if (peeked_ && n > 0) dst[done++] = peek_, peeked_ = false;
    if (!read_fd(dst + done, n - done)) return false;
    hash_.add(dst, n);
    return true;
  }
  const ByteStreamHash& hash() const { return hash_; }

 private:
  bool read_fd(std::uint8_t* dst, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
      const ssize_t k = ::read(fd_, dst + done, n - done);
      if (k < 0 && errno == EINTR) continue;
      if (k < 0) throw InputError(std::string("cannot read the input: ") + std::strerror(errno));
      if (k == 0) return false;
      done += static_cast<std::size_t>(k);
    }
    return true;
  }
  int fd_;
  std::string bytes_;
  std::size_t pos_ = 0;
  bool peeked_ = false;
  std::uint8_t peek_ = 0;
  ByteStreamHash hash_{input_hash_seed};
};

// Checks one recorded ecall against the platform's rules and applies its memory effect to `image`.
class LinuxEcalls {
 public:
  LinuxEcalls(guest::LinuxSyscalls& sys, InputStream& input) : sys_(sys), input_(input) {}

  void apply(const EcallRecord& c, guest::GuestMemory& image) {
    const auto n = static_cast<std::int64_t>(c.result);
    const std::uint64_t fd = c.args[0], buf = c.args[1], len = c.args[2];
    if (c.number == guest::sys::read) return read(c, image, fd, buf, len, n);
    if (c.number == guest::sys::write) {
      if (const auto refused = guest::LinuxSyscalls::write_refusal(image, fd, buf, len))
        return expect(c, *refused);
      if (!(is_errno(n) || (n >= 0 && static_cast<std::uint64_t>(n) <= len)))
        fail(c, "write of " + std::to_string(len) + " bytes returned " + std::to_string(n));
      return;
    }
    std::array<std::uint64_t, 32> x{};
    for (unsigned i = 0; i < 6; ++i) x[10 + i] = c.args[i];
    x[17] = c.number;
    sys_.handle(x, image);
    expect(c, static_cast<std::int64_t>(x[10]));
  }

 private:
  static bool is_errno(std::int64_t n) { return n < 0 && n >= -4095; }
  void read(const EcallRecord& c, guest::GuestMemory& image, std::uint64_t fd, std::uint64_t buf, std::uint64_t len,
            std::int64_t n) {
    if (const auto refused = guest::LinuxSyscalls::read_refusal(image, fd, buf, len)) return expect(c, *refused);
    if (is_errno(n)) return;
    if (n < 0 || static_cast<std::uint64_t>(n) > len)
      fail(c, "read of at most " + std::to_string(len) + " bytes returned " + std::to_string(n));
    if (n == 0 && input_.more())  // 0 from a read of len > 0 claims the end of the input
      fail(c, "read returned 0 (end of input) at input offset " + std::to_string(input_.hash().bytes()) +
                  ", but the given input goes on");
    bytes_.resize(static_cast<std::size_t>(n));
    if (!input_.next(bytes_.data(), bytes_.size()))
      fail(c, "read returned " + std::to_string(n) + " bytes at input offset " + std::to_string(input_.hash().bytes()) +
                  ", but the given input ends before that");
    std::memcpy(image.host(buf), bytes_.data(), bytes_.size());
  }
  void expect(const EcallRecord& c, std::int64_t want) {
    if (static_cast<std::uint64_t>(want) != c.result)
      fail(c, "returned " + hex64(c.result) + " in the trace, but the call gives " +
                  hex64(static_cast<std::uint64_t>(want)));
  }
  [[noreturn]] static void fail(const EcallRecord& c, const std::string& what) {
    throw InputError("ecall " + std::to_string(c.number) + " at step " + std::to_string(c.step) + ": " + what);
  }
  guest::LinuxSyscalls& sys_;
  InputStream& input_;
  std::vector<std::uint8_t> bytes_;
};

}  // namespace rvtrace::trace
