#pragma once
// The memory policy of memoryless replay: no memory image of the traced run. It starts every chunk
// knowing nothing, and learns the words the chunk touches as the log rules of
// rvtrace/interp/logging_memory.hpp say: at a word's first touch in the chunk its value comes from
// the log (an aligned 8-byte store instead defines it), after that the chunk's own stores keep it
// current. Loads then read these words (including accesses that cross a word boundary); an ecall
// takes a0 from the log and forgets the words, except exit/exit_group (a7 = 93/94), which log
// nothing.
//
// The words live in a sparse GuestMemory of the default size (only the pages the chunks touch cost
// memory) with its WordMarks, so a step costs a few byte tests more than reading the log alone.
// Running past the end of the chunk's log throws LogExhausted; replay turns it into an error naming
// the chunk and the step. An address outside the guest memory size (possible only in a corrupt
// trace) is an access fault. Replay cannot detect the traced run's memory faults (it has no image).
#include <array>
#include <cstdint>
#include <cstring>
#include <span>

#include "rvtrace/guest/fault.hpp"
#include "rvtrace/guest/layout.hpp"
#include "rvtrace/guest/memory.hpp"
#include "rvtrace/guest/syscalls.hpp"
#include "rvtrace/interp/step_words.hpp"
#include "rvtrace/interp/word_marks.hpp"

namespace rvtrace::trace {

// Thrown when a step needs more log words than the chunk has (corrupt or mismatched trace).
struct LogExhausted {};

class ReplayMemory {
 public:
  ReplayMemory() = default;
  explicit ReplayMemory(std::span<const std::uint64_t> log) { reset(log); }
  ReplayMemory(const ReplayMemory&) = delete;
  ReplayMemory& operator=(const ReplayMemory&) = delete;

  // Starts a chunk: its log, and no known words.
  void reset(std::span<const std::uint64_t> log) {
    marks_.clear();
    begin_ = cur_ = log.data();
    end_ = log.data() + log.size();
  }

  std::uint64_t load(std::uint64_t addr, unsigned width) {
    if (!guest::range_within(addr, width, 0, words_.size())) [[unlikely]]
      throw AccessFault{FaultKind::load_out_of_range, addr};
    touch(addr, width);
    std::uint64_t v = 0;
    std::memcpy(&v, words_.host(addr), width);
    return v;
  }
  void store(std::uint64_t addr, std::uint64_t v, unsigned width) {
    if (!guest::range_within(addr, width, 0, words_.size())) [[unlikely]]
      throw AccessFault{FaultKind::store_out_of_range, addr};
    if (width == 8 && (addr & 7) == 0) marks_.mark(addr >> 3);  // defines the whole word
    else touch(addr, width);
    std::memcpy(words_.host(addr), &v, width);
  }
  guest::SyscallResult ecall(std::array<std::uint64_t, 32>& x) {
    if (x[17] == guest::sys::exit || x[17] == guest::sys::exit_group)
      return {true, static_cast<int>(x[10] & 0xff)};
    marks_.clear();
    x[10] = take();
    if (keep_words_) step_words_.add(x[10]);
    return {};
  }

  // Whether to collect step_words() (only policies that read them need it).
  void keep_step_words(bool on) { keep_words_ = on; }

  const std::uint64_t* cursor() const { return cur_; }
  const std::uint64_t* begin() const { return begin_; }
  const std::uint64_t* end() const { return end_; }
  std::uint64_t consumed() const { return static_cast<std::uint64_t>(cur_ - begin_); }
  StepWords& step_words() { return step_words_; }

 private:
  void touch(std::uint64_t addr, unsigned width) {
    WordMarks::for_each_word(addr, width, [&](std::uint64_t index) { know(index); });
  }
  // Makes word `index` known (from the log at its first touch) and records its value for the step.
  void know(std::uint64_t index) {
    std::uint8_t* w = words_.host(index * 8);
    if (marks_.mark(index)) {
      const std::uint64_t v = take();
      std::memcpy(w, &v, 8);
      if (keep_words_) step_words_.add(v);
    } else if (keep_words_) {
      std::uint64_t v;
      std::memcpy(&v, w, 8);
      step_words_.add(v);
    }
  }
  std::uint64_t take() {
    if (cur_ == end_) [[unlikely]]
      throw LogExhausted{};
    return *cur_++;
  }
  guest::GuestMemory words_;  // the chunk's known words (sparse)
  WordMarks marks_{words_};
  StepWords step_words_;
  bool keep_words_ = true;
  const std::uint64_t* begin_ = nullptr;
  const std::uint64_t* cur_ = nullptr;
  const std::uint64_t* end_ = nullptr;
};

}  // namespace rvtrace::trace
