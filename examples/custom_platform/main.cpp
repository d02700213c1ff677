// The toy zkVM of toy_platform.hpp, end to end: run the guest on the AOT engine, trace it, verify
// the trace, and replay it through a policy that counts the precompile's calls and their words.
//   custom_platform GUEST.elf
#include <cstdio>
#include <exception>

#include "rvtrace/aot/runtime.hpp"
#include "rvtrace/guest/elf.hpp"
#include "rvtrace/trace/aot_engine.hpp"
#include "rvtrace/trace/memory_trace.hpp"
#include "rvtrace/trace/recorder.hpp"
#include "rvtrace/trace/replay.hpp"
#include "rvtrace/trace/run_start.hpp"
#include "toy_platform.hpp"

namespace {
using namespace rvtrace;

// A trace policy: how many toy.sum steps ran, and how many memory words they read.
struct SumCalls {
  std::uint64_t calls = 0, words = 0;
  void on_step(const StepRecord& s) {
    if (s.insn->id != toy::Isa::id_of<toy::Sum>()) return;
    ++calls;
    words += s.host_accesses.size();
  }
  void merge(SumCalls&& later) { calls += later.calls, words += later.words; }
};

int run(const char* path) {
  using P = toy::Platform;
  using Isa = P::engine_isa;
  const guest::Program program = guest::load_elf_file(path);
  // Run untraced on the AOT engine.
  guest::Process proc = P::boot(program, {});
  const DecodedProgram code = decode_program<Isa>(proc.program);
  {
    const aot::CompiledProgram compiled(code, proc.memory, false, aot::isa_tag<Isa>);
    FlatMemory mem(proc.memory, proc.environment());
    isa::CpuState cpu = initial_state(proc);
    std::uint64_t steps = 0;
    const RunResult r = aot::run<Isa>(compiled, cpu, steps, 1'000'000'000, mem);
    std::printf("run:    %s after %llu steps, status %llu\n", r.reason == StopReason::exited ? "exited" : "stopped",
                (unsigned long long)r.steps, (unsigned long long)r.exit_code);
  }
  // Trace it (AOT engine, chunks of 2^10 steps) on a fresh process.
  guest::Process traced = P::boot(program, {});
  trace::MemoryTrace t;
  const aot::CompiledProgram compiled(code, traced.memory, true, aot::isa_tag<Isa>);
  trace::AotEngine<Isa> engine(compiled);
  trace::RecordOptions ro;
  ro.chunk_steps = 1024;
  trace::record(traced, code, t, engine, ro);
  std::printf("trace:  %llu steps, %llu chunks, %llu log words, platform %s, ISA %s\n",
              (unsigned long long)t.view().info.total_steps, (unsigned long long)t.view().info.num_chunks,
              (unsigned long long)t.view().info.log_words, t.view().info.platform.c_str(), t.view().info.isa.c_str());
  // Verify: the trace is a run of this program from the platform's boot state.
  trace::ReplayOptions opt;
  opt.threads = 2;
  opt.platform = std::string(P::name);
  opt.exit_rule = P::exit_rule;
  guest::Process fresh = P::boot(program, {});
  trace::RunStart start = trace::platform_run_start(fresh, Isa::name);
  trace::verify<Isa>(code, t.view(), start, opt);
  std::printf("verify: OK\n");
  // Replay through the policy, memoryless, on 2 threads.
  const SumCalls c = trace::replay<Isa>(code, t.view(), [] { return SumCalls{}; }, opt);
  std::printf("replay: %llu toy.sum calls read %llu words\n", (unsigned long long)c.calls, (unsigned long long)c.words);
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: custom_platform GUEST.elf\n");
    return 2;
  }
  try {
    return run(argv[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "custom_platform: %s\n", e.what());
    return 1;
  }
}
