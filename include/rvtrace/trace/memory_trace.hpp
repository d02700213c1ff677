#pragma once
// A minimal trace held in memory: the recorder's in-memory sink (tests, benchmarks), and a
// TraceView for replay.
#include <cstdint>
#include <span>
#include <vector>

#include "rvtrace/trace/checkpoint.hpp"
#include "rvtrace/trace/trace_view.hpp"

namespace rvtrace::trace {

struct MemoryTrace {
  TraceInfo info;
  std::vector<Checkpoint> checkpoints;  // num_chunks + 1 after finish()
  std::vector<std::uint64_t> log;

  // --- the recorder's sink interface ---
  void chunk(const Checkpoint& c, std::span<const std::uint64_t> words) {
    checkpoints.push_back(c);
    log.insert(log.end(), words.begin(), words.end());
  }
  void finish(const TraceInfo& i, const Checkpoint& final_state) {
    info = i;
    checkpoints.push_back(final_state);
  }

  TraceView view() const { return {info, checkpoints, log}; }
};

}  // namespace rvtrace::trace
