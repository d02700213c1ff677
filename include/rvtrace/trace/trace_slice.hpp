#pragma once
// A slice of a minimal trace: what a worker on another machine needs to replay chunks
// [first, first + count) -- the run's summary, checkpoints first .. first + count and those
// chunks' log words -- and nothing else (no memory image, no other chunk). It serializes to words
// (shipped by examples/mpi_replay) and gives a TraceView that replay() takes like a whole trace.
//
// Serialized: word 0 magic "RVSL" | version 1 << 32, words 1..8 the TraceInfo (trace_identity.hpp),
// 9 first chunk, 10 chunk count, 11 log words L, then count + 1 checkpoints (37 words each), then
// L log words, then a WordHash (seed "RVSSLICE") of all the words before it.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "rvtrace/guest/fault.hpp"
#include "rvtrace/trace/checkpoint.hpp"
#include "rvtrace/trace/hash.hpp"
#include "rvtrace/trace/trace_identity.hpp"
#include "rvtrace/trace/trace_view.hpp"

namespace rvtrace::trace {

class TraceSlice {
 public:
  static constexpr std::uint64_t magic = 0x4c535652ull | std::uint64_t{1} << 32;  // "RVSL", version 1
  static constexpr std::uint64_t seed = 0x52565353'4c494345ull;
  static constexpr std::size_t head_words = 12;

  TraceSlice() = default;

  // Chunks [first, first + count) of `t` (a whole trace or a larger slice).
  static TraceSlice cut(const TraceView& t, std::uint64_t first, std::uint64_t count) {
    if (first < t.base_chunk || first > t.end_chunk() || count > t.end_chunk() - first)
      throw InputError("chunks " + std::to_string(first) + ".." + std::to_string(first + count) +
                       " are not in the trace (chunks " + std::to_string(t.base_chunk) + ".." +
                       std::to_string(t.end_chunk()) + ")");
    TraceSlice s;
    s.info_ = t.info;
    s.first_ = first;
    s.checkpoints_.assign(t.checkpoints.begin() + static_cast<std::ptrdiff_t>(first - t.base_chunk),
                          t.checkpoints.begin() + static_cast<std::ptrdiff_t>(first - t.base_chunk + count + 1));
    const std::uint64_t from = s.checkpoints_.front().log_offset, to = s.checkpoints_.back().log_offset;
    if (from < t.base_log || to < from || to - t.base_log > t.log.size())
      throw InputError("chunks " + std::to_string(first) + ".." + std::to_string(first + count) +
                       ": log range out of bounds");
    const auto words = t.log.subspan(from - t.base_log, to - from);
    s.log_.assign(words.begin(), words.end());
    return s;
  }

  TraceView view() const { return {info_, checkpoints_, log_, first_, base_log(), true}; }
  std::uint64_t first_chunk() const { return first_; }
  std::uint64_t chunk_count() const { return checkpoints_.empty() ? 0 : checkpoints_.size() - 1; }
  std::uint64_t serialized_bytes() const {
    return 8 * (head_words + checkpoints_.size() * Checkpoint::words + log_.size() + 1);
  }

  std::vector<std::uint64_t> to_words() const {
    std::vector<std::uint64_t> w;
    w.reserve(serialized_bytes() / 8);
    w.push_back(magic);
    for (std::uint64_t v : trace::to_words(info_)) w.push_back(v);
    w.push_back(first_);
    w.push_back(chunk_count());
    w.push_back(log_.size());
    for (const Checkpoint& c : checkpoints_) {
      const auto cw = c.to_words();
      w.insert(w.end(), cw.begin(), cw.end());
    }
    w.insert(w.end(), log_.begin(), log_.end());
    w.push_back(hash_words(w, seed));
    return w;
  }

  // Throws InputError (naming `what`) when the words are not a complete, intact slice.
  static TraceSlice from_words(std::span<const std::uint64_t> w, const std::string& what = "trace slice") {
    auto fail = [&](const std::string& why) { throw InputError(what + ": " + why); };
    if (w.size() < head_words + Checkpoint::words + 1) fail("truncated (" + std::to_string(w.size()) + " words)");
    if (w[0] != magic) fail("not a trace slice (bad magic)");
    if (hash_words(w.first(w.size() - 1), seed) != w.back()) fail("checksum mismatch (corrupted in transit?)");
    TraceSlice s;
    try {
      s.info_ = info_from_words(&w[1]);
    } catch (const InputError& e) {
      fail(e.what());
    }
    s.first_ = w[9];
    const std::uint64_t count = w[10], log_words = w[11];
    const std::uint64_t room = w.size() - head_words - 1;
    if (count >= room / Checkpoint::words || log_words != room - (count + 1) * Checkpoint::words)
      fail("sizes do not match its length");
    const std::uint64_t* p = &w[head_words];
    for (std::uint64_t i = 0; i <= count; ++i, p += Checkpoint::words) {
      std::array<std::uint64_t, Checkpoint::words> cw;
      std::copy(p, p + Checkpoint::words, cw.begin());
      s.checkpoints_.push_back(Checkpoint::from_words(cw));
    }
    s.log_.assign(p, p + log_words);
    try {
      validate_slice(s.view());
    } catch (const InputError& e) {
      fail(e.what());
    }
    return s;
  }

 private:
  std::uint64_t base_log() const { return checkpoints_.empty() ? 0 : checkpoints_.front().log_offset; }
  TraceInfo info_;
  std::uint64_t first_ = 0;
  std::vector<Checkpoint> checkpoints_;
  std::vector<std::uint64_t> log_;
};

}  // namespace rvtrace::trace
