#pragma once
// A minimal trace held in memory: the recorder's in-memory sink (tests, benchmarks, in-process
// provers), and a TraceView for replay. The engine logs straight into `log`'s arena; clearing the
// trace keeps the arena's pages, so recording again into the same MemoryTrace takes no page faults.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <stdexcept>
#include <vector>

#include "rvtrace/trace/checkpoint.hpp"
#include "rvtrace/trace/log_arena.hpp"
#include "rvtrace/trace/trace_view.hpp"

namespace rvtrace::trace {

// The log words of an in-memory trace: a vector-like view of a LogArena.
class LogWords {
 public:
  LogWords() = default;
  LogWords(const LogWords& o) : LogWords() { *this = o; }
  LogWords& operator=(const LogWords& o) {
    if (this != &o) {
      arena().prepare(o.size_);
      std::copy(o.begin(), o.end(), data());
      size_ = o.size_;
    }
    return *this;
  }
  LogWords(LogWords&& o) noexcept : arena_(std::move(o.arena_)), size_(std::exchange(o.size_, 0)) {}
  LogWords& operator=(LogWords&& o) noexcept {
    arena_ = std::move(o.arena_);
    size_ = std::exchange(o.size_, 0);
    return *this;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const std::uint64_t* data() const { return arena_ ? arena_->words() : nullptr; }
  std::uint64_t* data() { return arena().words(); }
  const std::uint64_t* begin() const { return data(); }
  const std::uint64_t* end() const { return data() + size_; }
  std::uint64_t& operator[](std::size_t i) { return data()[i]; }
  std::uint64_t operator[](std::size_t i) const { return data()[i]; }
  operator std::span<const std::uint64_t>() const { return {data(), size_}; }

  void push_back(std::uint64_t w) {
    if (size_ >= arena().capacity()) arena_->prepare(size_ + 1);
    data()[size_++] = w;
  }
  void clear() { size_ = 0; }  // keeps the memory
  // Words [0, n) hold the log (the recorder wrote them in place).
  void set_size(std::size_t n) { size_ = n; }
  LogArena& arena() {
    if (!arena_) arena_ = std::make_unique<LogArena>();  // moved from: starts again, empty
    return *arena_;
  }

 private:
  std::unique_ptr<LogArena> arena_;  // (a pointer: moving a trace moves no words)
  std::size_t size_ = 0;
};

struct MemoryTrace {
  TraceInfo info;
  std::vector<Checkpoint> checkpoints;  // num_chunks + 1 after finish()
  LogWords log;

  // --- the recorder's sink interface (in place: the engine writes into log.arena()) ---
  LogArena& log_arena() { return log.arena(); }
  void chunk(const Checkpoint& c, std::span<const std::uint64_t> words) {
    if (c.log_offset != log.size()) throw std::logic_error("MemoryTrace: recording into a trace that is not empty");
    checkpoints.push_back(c);
    log.set_size(c.log_offset + words.size());
  }
  void finish(const TraceInfo& i, const Checkpoint& final_state) {
    info = i;
    checkpoints.push_back(final_state);
  }

  TraceView view() const { return {info, checkpoints, log}; }

  // Empties the trace so it can be recorded into again; keeps the log's memory (no page faults
  // when the next recording is about as long).
  void clear() {
    info = {};
    checkpoints.clear();
    log.clear();
  }
};

}  // namespace rvtrace::trace
