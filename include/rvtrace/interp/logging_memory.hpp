#pragma once
// The memory policy of a traced run: flat memory that also appends the memory-read log of the
// minimal trace. This is the reference for the log; the AOT engine's logging code must produce the
// same words in the same order.
//
// Log rules ("first touch": the log holds each word at most once per chunk; one uint64_t per entry,
// in execution order; an access that faults logs and marks nothing):
//  - an access touches the aligned 8-byte word(s) word(addr & ~7) and, if different,
//    word((addr+width-1) & ~7), in that order;
//  - the first time a chunk touches a word, the word's value BEFORE the access is logged -- unless
//    that access is an aligned 8-byte store, which defines the whole word (nothing is logged);
//  - later touches of the word in the same chunk log nothing: replay knows its value (it keeps the
//    chunk's words, seeded from the log and updated by the chunk's stores);
//  - an AMO is a load then a store, an SC that succeeds is a store;
//  - an ecall that returns logs a0 after the call (its only register result); exit logs nothing.
//    Every ecall forgets the chunk's words (a syscall may write memory), as does a new chunk
//    (new_chunk());
//  - a host call's accesses follow the same rules (they go through this policy), and each value it
//    declares external (advice replay cannot recompute) is logged when it is produced.
// So an ordinary step logs at most 2 words (isa::base_log_words_per_step): a misaligned access
// crossing a word boundary (LR/SC/AMOs must be naturally aligned, so they never cross one). A host
// call logs at most its handler's max_log_words; InstructionSet::max_log_words_per_step is the bound.
#include <array>
#include <cstdint>
#include <cstring>

#include "rvtrace/interp/flat_memory.hpp"
#include "rvtrace/isa/host_call.hpp"
#include "rvtrace/interp/step_words.hpp"
#include "rvtrace/interp/word_marks.hpp"

namespace rvtrace {

inline constexpr std::uint64_t max_log_words_per_step = isa::base_log_words_per_step;  // RV64IMAC's bound

class LoggingMemory : public FlatMemory {
 public:
  // `cursor` points into a buffer the caller keeps large enough (max_log_words_per_step per step).
  LoggingMemory(guest::GuestMemory& mem, guest::Environment& env, std::uint64_t* cursor)
      : FlatMemory(mem, env), marks_(mem), cursor_(cursor) {}

  std::uint64_t load(std::uint64_t addr, unsigned width) {
    const std::uint64_t v = FlatMemory::load(addr, width);
    touch(addr, width, true);
    return v;
  }
  void store(std::uint64_t addr, std::uint64_t v, unsigned width) {
    if (!memory().writable(addr, width)) [[unlikely]] {
      if (!memory().in_mmio(addr, width)) throw AccessFault{store_fault_kind(memory(), addr), addr};
      touch(addr, width, width < 8 || (addr & 7) != 0);
      return mmio_store(addr, v, width);
    }
    touch(addr, width, width < 8 || (addr & 7) != 0);
    std::memcpy(memory().host(addr), &v, width);
  }
  // A host call's advice value: logged, so replay takes it from the log.
  template <class F>
  std::uint64_t external(F&& f) {
    const std::uint64_t v = f();
    *cursor_++ = v;  // (not a memory word of the step: step_words() keeps only accesses' words)
    return v;
  }
  guest::SyscallResult ecall(std::array<std::uint64_t, 32>& x) {
    const guest::SyscallResult r = FlatMemory::ecall(x);
    marks_.clear();
    if (!r.exited) {
      *cursor_++ = x[10];
      words_.add(x[10]);
    }
    return r;
  }
  // The next steps belong to a new chunk: every word will be logged again at its first touch.
  void new_chunk() { marks_.clear(); }

  std::uint64_t* cursor() const { return cursor_; }
  void set_cursor(std::uint64_t* c) { cursor_ = c; }
  WordMarks& marks() { return marks_; }
  StepWords& step_words() { return words_; }

 private:
  // needs_value: the access reads the word, or keeps part of it (not an aligned 8-byte store).
  void touch(std::uint64_t addr, unsigned width, bool needs_value) {
    WordMarks::for_each_word(addr, width, [&](std::uint64_t index) { touch_word(index, needs_value); });
  }
  void touch_word(std::uint64_t index, bool needs_value) {
    const bool first_touch = marks_.mark(index);
    if (!needs_value) return;
    std::uint64_t v;
    std::memcpy(&v, memory().host(index * 8), 8);
    if (first_touch) *cursor_++ = v;
    words_.add(v);
  }
  WordMarks marks_;
  std::uint64_t* cursor_;
  StepWords words_;
};

}  // namespace rvtrace
