#pragma once
// The memory policy of a traced run: flat memory that also appends the memory-read log of the
// minimal trace. This is the reference for the log; the AOT engine's logging code must produce the
// same words in the same order.
//
// Log rules (one uint64_t word per entry, in execution order; an access that faults logs nothing):
//  - a load logs the aligned 8-byte word(s) it touches: word(addr & ~7), then word((addr+width-1) & ~7)
//    if different;
//  - a store narrower than 8 bytes, or misaligned, logs the aligned word(s) it touches as they were
//    BEFORE the store (same order); an aligned 8-byte store logs nothing;
//  - an AMO is a load then a store (so an amo*.w logs the word twice), an SC that succeeds is a store;
//  - an ecall that returns logs a0 after the call (its only register result); exit logs nothing.
// So one step logs at most 2 words: a misaligned access crossing a word boundary, or an amo*.w
// (LR/SC/AMOs must be naturally aligned, so they never cross one; an aligned amo*.d logs 1).
#include <array>
#include <cstdint>
#include <cstring>

#include "rvtrace/interp/flat_memory.hpp"

namespace rvtrace {

inline constexpr std::uint64_t max_log_words_per_step = 2;

class LoggingMemory : public FlatMemory {
 public:
  // `cursor` points into a buffer the caller keeps large enough (max_log_words_per_step per step).
  LoggingMemory(guest::GuestMemory& mem, guest::LinuxSyscalls& sys, std::uint64_t* cursor)
      : FlatMemory(mem, sys), cursor_(cursor) {}

  std::uint64_t load(std::uint64_t addr, unsigned width) {
    const std::uint64_t v = FlatMemory::load(addr, width);
    log_words(addr, width);
    return v;
  }
  void store(std::uint64_t addr, std::uint64_t v, unsigned width) {
    if (!memory().writable(addr, width)) [[unlikely]]
      throw AccessFault{store_fault_kind(memory(), addr), addr};
    if (width < 8 || (addr & 7) != 0) log_words(addr, width);
    std::memcpy(memory().host(addr), &v, width);
  }
  guest::SyscallResult ecall(std::array<std::uint64_t, 32>& x) {
    const guest::SyscallResult r = FlatMemory::ecall(x);
    if (!r.exited) *cursor_++ = x[10];
    return r;
  }

  std::uint64_t* cursor() const { return cursor_; }
  void set_cursor(std::uint64_t* c) { cursor_ = c; }

 private:
  void log_words(std::uint64_t addr, unsigned width) {
    const std::uint64_t first = addr & ~std::uint64_t{7}, last = (addr + width - 1) & ~std::uint64_t{7};
    std::memcpy(cursor_++, memory().host(first), 8);
    if (last != first) std::memcpy(cursor_++, memory().host(last), 8);
  }
  std::uint64_t* cursor_;
};

}  // namespace rvtrace
