#pragma once
// StepWords: the memory words one step used, as trace policies that declare reads_log see them
// (TraceStep::words): for each access in order, the aligned 8-byte word(s) it touches with their
// values BEFORE the step -- a load's words, then a narrow or misaligned store's words (an aligned
// 8-byte store needs none) -- or an ecall's a0. A host call's accesses add their words in the same
// way (its external values are not memory words). An ordinary step has at most 2 (an AMO: its load's word, then its store's word); a host call
// may have many. The memory policies fill it whether or not the log had to record the words.
#include <cstdint>
#include <span>
#include <vector>

namespace rvtrace {

class StepWords {
 public:
  // Nobody clears it between steps unless a policy reads it (keep_all): until then it wraps around
  // its first 4 entries, so it never grows.
  void add(std::uint64_t v) {
    if (n_ == w_.size()) [[unlikely]] {
      if (!keep_all_) n_ = 0;
      else w_.resize(2 * w_.size());
    }
    w_[n_++] = v;
  }
  std::span<const std::uint64_t> view() const { return {w_.data(), n_}; }
  void clear() { n_ = 0; }
  void keep_all(bool on) { keep_all_ = on; }

 private:
  std::vector<std::uint64_t> w_ = std::vector<std::uint64_t>(4);
  std::size_t n_ = 0;
  bool keep_all_ = false;
};

}  // namespace rvtrace
