#pragma once
// The memory policy of memoryless replay: no memory image at all. Loads are served from the
// memory-read log (the bytes of the access are extracted from the aligned word(s) the traced run
// logged, including accesses that cross a word boundary); narrow or misaligned stores consume
// the "before" words the traced run logged (so a trace policy sees full-word memory operations);
// an ecall takes a0 from the log, except exit/exit_group (a7 = 93/94), which log nothing.
// Follows the log rules of rvtrace/interp/logging_memory.hpp word for word.
//
// Running past the end of the chunk's log throws LogExhausted; replay turns it into an error
// naming the chunk and the step. Replay cannot detect memory faults (there is no memory).
#include <array>
#include <cstdint>
#include <span>

#include "rvtrace/guest/syscalls.hpp"

namespace rvtrace::trace {

// Thrown when a step needs more log words than the chunk has (corrupt or mismatched trace).
struct LogExhausted {};

class ReplayMemory {
 public:
  ReplayMemory() = default;
  explicit ReplayMemory(std::span<const std::uint64_t> log) { reset(log); }

  void reset(std::span<const std::uint64_t> log) {
    begin_ = cur_ = log.data();
    end_ = log.data() + log.size();
  }

  std::uint64_t load(std::uint64_t addr, unsigned width) {
    const unsigned off = static_cast<unsigned>(addr & 7);
    if (off + width <= 8) {
      const std::uint64_t w = take();
      return extract(w >> (8 * off), width);
    }
    if (end_ - cur_ < 2) [[unlikely]]
      throw LogExhausted{};
    const std::uint64_t lo = cur_[0], hi = cur_[1];
    cur_ += 2;
    return extract((lo >> (8 * off)) | (hi << (64 - 8 * off)), width);
  }
  void store(std::uint64_t addr, std::uint64_t, unsigned width) {
    if (width == 8 && (addr & 7) == 0) return;  // an aligned doubleword store logs nothing
    const unsigned n = ((addr & 7) + width > 8) ? 2 : 1;
    if (static_cast<unsigned>(end_ - cur_) < n) [[unlikely]]
      throw LogExhausted{};
    cur_ += n;
  }
  guest::SyscallResult ecall(std::array<std::uint64_t, 32>& x) {
    if (x[17] == guest::sys::exit || x[17] == guest::sys::exit_group)
      return {true, static_cast<int>(x[10] & 0xff)};
    x[10] = take();
    return {};
  }

  const std::uint64_t* cursor() const { return cur_; }
  const std::uint64_t* begin() const { return begin_; }
  const std::uint64_t* end() const { return end_; }
  std::uint64_t consumed() const { return static_cast<std::uint64_t>(cur_ - begin_); }

 private:
  static std::uint64_t extract(std::uint64_t v, unsigned width) {
    return width >= 8 ? v : v & ((std::uint64_t{1} << (8 * width)) - 1);
  }
  std::uint64_t take() {
    if (cur_ == end_) [[unlikely]]
      throw LogExhausted{};
    return *cur_++;
  }
  const std::uint64_t* begin_ = nullptr;
  const std::uint64_t* cur_ = nullptr;
  const std::uint64_t* end_ = nullptr;
};

}  // namespace rvtrace::trace
