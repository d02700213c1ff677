#pragma once
// Native replay: a chunk of check_chunks or verify (replays with no per-step policy) run by
// AOT-compiled code on the chunk's ReplayMemory (aot::AotRunner in a replay LogMode: first touches
// take the log's next word into the guest word, as ReplayMemory does). Host calls, MMIO stores,
// chunk-boundary stops and untranslatable code fall back to the interpreter on the same memory
// object, so marks and cursors stay in step. A chunk that faults or runs out of log words is
// replayed again by the interpreter from its checkpoint: its verdict and message are the reference's.
#include <cstdint>

#include "rvtrace/aot/runtime.hpp"
#include "rvtrace/interp/program.hpp"
#include "rvtrace/trace/replay_memory.hpp"

namespace rvtrace::trace {

// The code for replays on memories with `probe`'s windows; effects: for verify (collect_effects).
template <class Isa>
aot::CompiledProgram compile_for_replay(const DecodedProgram& code, ReplayMemory& probe, bool effects) {
  const aot::LogMode mode = effects ? aot::LogMode::replay_effects : aot::LogMode::replay;
  return aot::CompiledProgram(code, probe.memory(), mode, aot::isa_tag<Isa>, aot::translate_lazily);
}

template <class Isa>
class NativeChunkReplay {
 public:
  NativeChunkReplay(const aot::CompiledProgram& code, ReplayMemory& mem) : runner_(code, mem) {}
  // The step count to give ReplayMemory::collect_effects (set to the chunk's first step).
  std::uint64_t* live_steps() { return runner_.live_steps(); }
  // Runs natively until `until`; false: the chunk needs the interpreter (it faulted or exhausted
  // the log; state and memory are then undefined).
  bool run(isa::CpuState& cpu, std::uint64_t& steps, std::uint64_t until, RunResult& r) {
    try {
      r = runner_.run(cpu, steps, until);
    } catch (const LogExhausted&) {
      return false;
    }
    return r.reason != StopReason::fault;
  }

 private:
  aot::AotRunner<ReplayMemory, Isa> runner_;
};

}  // namespace rvtrace::trace
