// Guest instructions per second of every engine on the same guests, in one run:
// rvtrace interpreter, rvtrace AOT (no trace), qemu-riscv64 (user mode, no trace) and the same C compiled natively
// (reported as RISC-V-step equivalents: the guest's step count divided by native time).
// aot/ leaves translation out; aot+translate/ translates in every iteration: ahead (the whole program
// first) or lazy:R (regions of R bytes of text, each when the run enters it), with translate_ms and the
// regions translated.
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

void BM_AotTranslating(benchmark::State& state, const Guest& g, rvtrace::aot::TranslateOptions when) {
  const auto prog = rvtrace::guest::load_elf_file(elf_path(g));
  const rvtrace::DecodedProgram code = rvtrace::decode_program(prog);
  std::uint64_t steps = 0;
  double translate = 0;
  std::size_t regions = 0, of = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto proc = make_process(prog, g);
    rvtrace::FlatMemory mem(proc.memory, proc.syscalls);
    rvtrace::isa::CpuState cpu = rvtrace::initial_state(proc);
    rvtrace::DecodedProgram copy = code;
    steps = 0;
    state.ResumeTiming();
    const rvtrace::aot::CompiledProgram compiled(std::move(copy), proc.memory, false, when);
    rvtrace::aot::run(compiled, cpu, steps, ~0ull, mem);
    translate += compiled.translate_seconds();
    regions = compiled.regions_translated(), of = compiled.regions();
  }
  report_steps(state, steps);
  if (state.iterations() == 0) return;
  state.counters["translate_ms"] = translate / state.iterations() * 1e3;
  state.counters["regions"] = static_cast<double>(regions);
  state.counters["of"] = static_cast<double>(of);
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
    benchmark::RegisterBenchmark(("aot+translate/ahead/" + n).c_str(), BM_AotTranslating, g, rvtrace::aot::TranslateOptions{})
        ->Unit(benchmark::kMillisecond)->MinTime(1.0);
    for (std::size_t r : {std::size_t{1} << 10, std::size_t{4} << 10, std::size_t{16} << 10})
      benchmark::RegisterBenchmark(("aot+translate/lazy:" + std::to_string(r) + "/" + n).c_str(), BM_AotTranslating, g,
                                   rvtrace::aot::TranslateOptions{true, r, false})
          ->Unit(benchmark::kMillisecond)->MinTime(1.0);
    benchmark::RegisterBenchmark(("qemu/" + n).c_str(), BM_Qemu, g)->Unit(benchmark::kMillisecond)->UseManualTime()->MinTime(1.0);
      benchmark::RegisterBenchmark(("native/" + n).c_str(), BM_Native, g)->Unit(benchmark::kMillisecond)->UseManualTime()->MinTime(1.0);
  }
  return 0;
}();
}  // namespace

BENCHMARK_MAIN();
