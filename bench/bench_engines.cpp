// Guest instructions per second of every engine on the same guests, in one run:
// rvtrace interpreter, rvtrace AOT (no trace), qemu-riscv64 (user mode, no trace) and the same C compiled natively
// (reported as RISC-V-step equivalents: the guest's step count divided by native time).
// Run: build/bin/bench_engines --benchmark_counters_tabular=true
#include "bench_common.hpp"
#include "rvtrace/aot/runtime.hpp"

namespace {
using namespace rvbench;

void BM_Interpreter(benchmark::State& state, const Guest& g) {
  const auto prog = rvtrace::guest::load_elf_file(elf_path(g));
  const auto code = rvtrace::decode_program(prog);
  std::uint64_t steps = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto proc = make_process(prog, g);
    rvtrace::NoTrace none;
    state.ResumeTiming();
    steps = rvtrace::interpret(proc, code, ~0ull, none).steps;
  }
  report_steps(state, steps);
}

void BM_Aot(benchmark::State& state, const Guest& g) {
  const auto prog = rvtrace::guest::load_elf_file(elf_path(g));
  auto layout_proc = make_process(prog, g);
  const rvtrace::aot::CompiledProgram compiled(rvtrace::decode_program(prog), layout_proc.memory);
  std::uint64_t steps = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto proc = make_process(prog, g);
    rvtrace::FlatMemory mem(proc.memory, proc.syscalls);
    rvtrace::isa::CpuState cpu = rvtrace::initial_state(proc);
    steps = 0;
    state.ResumeTiming();
    rvtrace::aot::run(compiled, cpu, steps, ~0ull, mem);
  }
  report_steps(state, steps);
  state.counters["translate_ms"] = compiled.translate_seconds() * 1e3;
}

// BM_Qemu: in bench_common.hpp (shared with bench_trace).

void BM_Native(benchmark::State& state, const Guest& g) {
  const std::uint64_t steps = count_steps(g);
  std::vector<std::string> cmd{native_path(g)};
  cmd.insert(cmd.end(), g.args.begin(), g.args.end());
  for (auto _ : state) state.SetIterationTime(time_command(cmd));
  report_steps(state, steps);
}

const int registered = [] {
  for (const Guest& g : guests) {
    const std::string n = g.name;
    benchmark::RegisterBenchmark(("interp/" + n).c_str(), BM_Interpreter, g)->Unit(benchmark::kMillisecond)->MinTime(1.0);
    benchmark::RegisterBenchmark(("aot/" + n).c_str(), BM_Aot, g)->Unit(benchmark::kMillisecond)->MinTime(1.0);
    benchmark::RegisterBenchmark(("qemu/" + n).c_str(), BM_Qemu, g)->Unit(benchmark::kMillisecond)->UseManualTime()->MinTime(1.0);
      benchmark::RegisterBenchmark(("native/" + n).c_str(), BM_Native, g)->Unit(benchmark::kMillisecond)->UseManualTime()->MinTime(1.0);
  }
  return 0;
}();
}  // namespace

BENCHMARK_MAIN();
