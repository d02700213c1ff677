// ZisK's Ethereum block validator on the shared mainnet block (issue #17 item 5), one benchmark per
// engine and replay policy: AOT untraced (lazy translation, included), AOT traced to a file on
// /dev/shm, the interpreter, replay with the digest and witness policies on 1 and 2 threads, and the
// translation of the whole 2.3 MB text. Counters: guest steps/s, trace bytes/step.
//   bench_zisk [--benchmark_filter=...]      (needs ../shared/zisk beside the checkout)
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "rvtrace/aot/runtime.hpp"
#include "rvtrace/platform/zisk/platform.hpp"
#include "rvtrace/trace/aot_engine.hpp"
#include "rvtrace/trace/digest_policy.hpp"
#include "rvtrace/trace/file.hpp"
#include "rvtrace/trace/recorder.hpp"
#include "rvtrace/trace/replay.hpp"
#include "rvtrace/trace/witness_policy.hpp"

namespace {
using namespace rvtrace;
using P = platform::zisk::ZiskPlatform;
using Isa = P::engine_isa;

const std::string elf = RVTRACE_ZISK_DIR "/zec-reth.elf";
const std::string input = RVTRACE_ZISK_DIR "/mainnet_24647140_60_7_zec_reth.bin";
const std::string trace_path = "/dev/shm/rvtrace_bench_zisk.rvmt";

std::FILE* devnull() {
  static std::FILE* f = std::fopen("/dev/null", "w");
  return f;
}
guest::Process boot() {  // (the UART text to /dev/null)
  const std::vector<std::string> argv{elf};
  return platform::zisk::boot(guest::load_elf_file(elf), argv, platform::zisk::read_input_file(input), input, devnull());
}
void report(benchmark::State& st, std::uint64_t steps) {
  st.counters["steps"] = static_cast<double>(steps);
  st.counters["steps/s"] = benchmark::Counter(static_cast<double>(steps) * st.iterations(), benchmark::Counter::kIsRate);
}
void require_exit(benchmark::State& st, const RunResult& r) {
  if (r.reason != StopReason::exited) st.SkipWithError("the block did not validate (no exit)");
}

void aot_untraced(benchmark::State& st) {
  std::uint64_t steps = 0;
  for (auto _ : st) {
    guest::Process proc = boot();
    const DecodedProgram code = decode_program<Isa>(proc.program);
    const aot::CompiledProgram compiled(code, proc.memory, false, aot::isa_tag<Isa>, aot::translate_lazily);
    FlatMemory mem(proc.memory, proc.environment());
    isa::CpuState cpu = initial_state(proc);
    std::uint64_t n = 0;
    const RunResult r = aot::run<Isa>(compiled, cpu, n, ~std::uint64_t{0}, mem);
    require_exit(st, r);
    steps = r.steps;
  }
  report(st, steps);
}

void aot_traced(benchmark::State& st) {
  std::uint64_t steps = 0, bytes = 0;
  for (auto _ : st) {
    guest::Process proc = boot();
    const DecodedProgram code = decode_program<Isa>(proc.program);
    trace::TraceFileWriter writer(trace_path, true);
    const aot::CompiledProgram compiled(code, proc.memory, true, aot::isa_tag<Isa>, aot::translate_lazily);
    trace::AotEngine<Isa> engine(compiled);
    const RunResult r = trace::record(proc, code, writer, engine);
    require_exit(st, r);
    steps = r.steps, bytes = writer.bytes_written();
  }
  report(st, steps);
  st.counters["bytes/step"] = static_cast<double>(bytes) / static_cast<double>(steps);
}

void interpreter(benchmark::State& st) {
  std::uint64_t steps = 0;
  for (auto _ : st) {
    guest::Process proc = boot();
    const DecodedProgram code = decode_program<Isa>(proc.program);
    NoTrace none;
    const RunResult r = interpret<NoTrace, Isa>(proc, code, ~std::uint64_t{0}, none);
    require_exit(st, r);
    steps = r.steps;
  }
  report(st, steps);
}

// Replays the trace aot_traced wrote (recorded here first if it is not there).
template <class Policy>
void replay_with(benchmark::State& st) {
  if (!std::filesystem::exists(trace_path)) {
    guest::Process proc = boot();
    const DecodedProgram code = decode_program<Isa>(proc.program);
    trace::TraceFileWriter writer(trace_path, true);
    trace::record<Isa>(proc, code, writer);
  }
  const trace::TraceFile file(trace_path);
  const DecodedProgram code = decode_program<Isa>(guest::load_elf_file(elf));
  trace::ReplayOptions opt;
  opt.threads = static_cast<unsigned>(st.range(0));
  opt.platform = std::string(P::name);
  opt.exit_rule = P::exit_rule;
  for (auto _ : st) {
    if constexpr (std::is_same_v<Policy, trace::WitnessPolicy>) {
      trace::WitnessPolicy root(devnull());
      trace::replay_into<Isa>(root, code, file.view(), [] { return trace::WitnessPolicy{}; }, opt);
      root.finish();
    } else {
      benchmark::DoNotOptimize(trace::replay<Isa>(code, file.view(), [] { return Policy{}; }, opt));
    }
  }
  report(st, file.info().total_steps);
}

void translate_whole_text(benchmark::State& st) {
  guest::Process proc = boot();
  const DecodedProgram code = decode_program<Isa>(proc.program);
  const bool traced = st.range(0) != 0;
  double ms = 0;
  for (auto _ : st) {
    const aot::CompiledProgram compiled(code, proc.memory, traced, aot::isa_tag<Isa>,
                                        aot::TranslateOptions{false, 4 * 1024, false});
    ms = compiled.translate_seconds() * 1e3;
  }
  st.counters["translate_ms"] = ms;
  st.counters["text_MiB"] = static_cast<double>(code.hi - code.lo) / (1 << 20);
}

}  // namespace

BENCHMARK(aot_untraced)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(aot_traced)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(interpreter)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
BENCHMARK(replay_with<trace::DigestPolicy>)->Name("replay/digest")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
BENCHMARK(replay_with<trace::WitnessPolicy>)->Name("replay/witness")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK(translate_whole_text)->Name("translate/whole_text")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
BENCHMARK_MAIN();
