#pragma once
// StepWords: the memory words one step used, as trace policies that declare reads_log see them
// (TraceStep::words): for each access in order, the aligned 8-byte word(s) it touches with their
// values BEFORE the step -- a load's words, then a narrow or misaligned store's words (an aligned
// 8-byte store needs none) -- or an ecall's a0. At most 2 per step (an AMO: its load's word, then
// its store's word). The memory policies fill it whether or not the log had to record the words.
#include <algorithm>
#include <cstdint>
#include <span>

namespace rvtrace {

class StepWords {
 public:
  void add(std::uint64_t v) { w_[n_++ & 3] = v; }  // masked: nobody may clear it between steps
  std::span<const std::uint64_t> view() const { return {w_, std::min(n_, 4u)}; }
  void clear() { n_ = 0; }

 private:
  std::uint64_t w_[4] = {};
  unsigned n_ = 0;
};

}  // namespace rvtrace
