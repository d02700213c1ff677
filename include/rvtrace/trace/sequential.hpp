#pragma once
// A trace policy on a plain sequential interpreter run (no trace file, no chunks): the reference
// the replayed results are compared with, and `rvtrace witness --policy`. The policy sees one
// on_chunk_begin (the initial state, step 0), every step, and one on_chunk_end (the final state).
#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include "rvtrace/guest/process.hpp"
#include "rvtrace/interp/flat_memory.hpp"
#include "rvtrace/interp/logging_memory.hpp"
#include "rvtrace/interp/machine.hpp"
#include "rvtrace/interp/program.hpp"
#include "rvtrace/interp/run.hpp"
#include "rvtrace/trace/checkpoint.hpp"
#include "rvtrace/trace/policy.hpp"

namespace rvtrace::trace {

template <class P, class Isa = isa::Rv64imac>
RunResult run_sequential(guest::Process& proc, const DecodedProgram& code, P& policy,
                         std::uint64_t max_steps = ~std::uint64_t{0},
                         const std::function<void(std::uint64_t steps)>& on_progress = {}) {
  static_assert(check_trace_policy<P>());
  chunk_begin(policy, Checkpoint::at(initial_state(proc), 0));
  RunResult r;
  if constexpr (reads_log_v<P>) {
    // The words of each step come from a LoggingMemory; its log goes to a small buffer that is
    // rewound between slices of steps (nobody reads it).
    constexpr std::uint64_t slice = 4096;
    std::vector<std::uint64_t> buf(code.isa->max_log_words_per_step * slice + 16);
    LoggingMemory mem(proc.memory, proc.environment(), buf.data());
    StepAdapter<P, LoggingMemory> adapter(&mem);
    adapter.bind(&policy);
    Machine<LoggingMemory, StepAdapter<P, LoggingMemory>, Isa> m(code, mem, adapter);
    m.state = initial_state(proc);
    do {
      mem.set_cursor(buf.data());
      r = m.run(std::min(max_steps, m.steps + std::min(slice, max_steps - m.steps)));
      if (on_progress && m.steps % (std::uint64_t{1} << 20) < slice) on_progress(m.steps);
    } while (r.reason == StopReason::paused && m.steps < max_steps);
    chunk_end(policy, Checkpoint::at(m.state, m.steps));
  } else {
    FlatMemory mem(proc.memory, proc.environment());
    StepAdapter<P, FlatMemory> adapter(&mem);
    adapter.bind(&policy);
    Machine<FlatMemory, StepAdapter<P, FlatMemory>, Isa> m(code, mem, adapter);
    m.state = initial_state(proc);
    const std::uint64_t slice = on_progress ? std::uint64_t{1} << 20 : max_steps;
    do {
      r = m.run(std::min(max_steps, m.steps + std::min(slice, max_steps - m.steps)));
      if (on_progress) on_progress(m.steps);
    } while (r.reason == StopReason::paused && m.steps < max_steps);
    chunk_end(policy, Checkpoint::at(m.state, m.steps));
  }
  return r;
}

}  // namespace rvtrace::trace
