// The ZisK platform on its headline workload: ZisK's Ethereum block validator (zec-reth.elf) on
// mainnet block 24647140 (60 transactions, 7 Mgas), from ../shared/zisk:
//   zisk/translate            AOT translation of the 2.3 MB text (plain code)
//   zisk/aot                  AOT engine, no trace
//   zisk/interp               interpreter, no trace
//   zisk/record_file          AOT recording to a .rvmt file in /dev/shm (deleted afterwards)
//   zisk/replay/POLICY/threads:T  memoryless replay of an AOT-recorded in-memory trace (digest, witness)
// Counters: steps/s (rvtrace steps: retired RISC-V instructions), zisk_steps (ZisK's own count,
// ABI.md section 11), wall_s (the block's wall time), bytes_per_step (trace file bytes / steps).
// The guest's UART output goes to /dev/null; every run checks it validated the block.
// Run: build/bin/bench_zisk --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include "rvtrace/aot/runtime.hpp"
#include "rvtrace/interp/run.hpp"
#include "rvtrace/platform/zisk/platform.hpp"
#include "rvtrace/trace/aot_engine.hpp"
#include "rvtrace/trace/digest_policy.hpp"
#include "rvtrace/trace/file.hpp"
#include "rvtrace/trace/memory_trace.hpp"
#include "rvtrace/trace/recorder.hpp"
#include "rvtrace/trace/replay.hpp"
#include "rvtrace/trace/witness_policy.hpp"

namespace {
namespace zk = rvtrace::platform::zisk;
namespace tr = rvtrace::trace;
using Guest = rvtrace::platform::Guest<zk::ZiskPlatform>;
using clock_type = std::chrono::steady_clock;
double since(clock_type::time_point t0) { return std::chrono::duration<double>(clock_type::now() - t0).count(); }

const std::string shared = RVTRACE_SHARED_DIR "/zisk/";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Setup {
  rvtrace::guest::Program prog;
  std::string input;
  rvtrace::DecodedProgram code;
  std::unique_ptr<rvtrace::aot::CompiledProgram> plain, traced;
  std::uint64_t steps = 0, zisk_steps = 0;
  std::unique_ptr<tr::MemoryTrace> trace;
  std::FILE* devnull = std::fopen("/dev/null", "w");

  std::unique_ptr<Guest> guest() const {
    auto g = std::make_unique<Guest>(prog, rvtrace::platform::BootArgs{{"zec-reth.elf"}, input});
    g->platform.uart = devnull;
    return g;
  }
};

Setup& setup() {
  static std::unique_ptr<Setup> s;
  if (!s) {
    s = std::make_unique<Setup>();
    s->prog = rvtrace::guest::load_elf_file(shared + "zec-reth.elf");
    s->input = read_file(shared + "mainnet_24647140_60_7_zec_reth.bin");
    s->code = rvtrace::decode_program<zk::ZiskIsa>(s->prog);
    auto g = s->guest();
    s->plain = std::make_unique<rvtrace::aot::CompiledProgram>(s->code, g->memory, false, rvtrace::aot::isa_tag<zk::ZiskIsa>);
    s->traced = std::make_unique<rvtrace::aot::CompiledProgram>(s->code, g->memory, true, rvtrace::aot::isa_tag<zk::ZiskIsa>);
    zk::ZiskStepCount count;
    const auto r = rvtrace::interpret<zk::ZiskIsa>(*g, s->code, ~0ull, count);
    if (r.reason != rvtrace::StopReason::exited) throw std::runtime_error("the block did not validate");
    s->steps = r.steps, s->zisk_steps = count.total();
  }
  return *s;
}

void check(const rvtrace::RunResult& r, std::uint64_t steps, const Setup& s) {
  if (r.reason != rvtrace::StopReason::exited || steps != s.steps) throw std::runtime_error("run differs");
}

void report(benchmark::State& st, const Setup& s, double secs, std::uint64_t runs) {
  st.counters["steps/s"] = benchmark::Counter(double(s.steps) * runs / secs);
  st.counters["wall_s"] = secs / runs;
  st.counters["zisk_steps"] = double(s.zisk_steps);
}

void BM_Translate(benchmark::State& st) {
  Setup& s = setup();
  auto g = s.guest();
  double secs = 0;
  std::uint64_t runs = 0;
  for (auto _ : st) {
    const auto t0 = clock_type::now();
    rvtrace::aot::CompiledProgram c(s.code, g->memory, false, rvtrace::aot::isa_tag<zk::ZiskIsa>);
    secs += since(t0), ++runs;
    benchmark::DoNotOptimize(c.code_bytes());
    st.counters["text_bytes"] = double(s.code.slots.size() * 2);
    st.counters["x86_bytes"] = double(c.code_bytes());
  }
  st.counters["translate_s"] = secs / runs;
}

void BM_Aot(benchmark::State& st) {
  Setup& s = setup();
  double secs = 0;
  std::uint64_t runs = 0;
  for (auto _ : st) {
    auto g = s.guest();
    rvtrace::FlatMemory mem(g->memory, g->environment());
    auto cpu = initial_state(*g);  // found by ADL: platform::initial_state
    std::uint64_t steps = 0;
    const auto t0 = clock_type::now();
    const auto r = rvtrace::aot::run<zk::ZiskIsa>(*s.plain, cpu, steps, ~0ull, mem);
    secs += since(t0), ++runs;
    check(r, steps, s);
  }
  report(st, s, secs, runs);
}

void BM_Interp(benchmark::State& st) {
  Setup& s = setup();
  double secs = 0;
  std::uint64_t runs = 0;
  for (auto _ : st) {
    auto g = s.guest();
    rvtrace::NoTrace none;
    const auto t0 = clock_type::now();
    const auto r = rvtrace::interpret<zk::ZiskIsa>(*g, s.code, ~0ull, none);
    secs += since(t0), ++runs;
    check(r, r.steps, s);
  }
  report(st, s, secs, runs);
}

void BM_RecordFile(benchmark::State& st) {
  Setup& s = setup();
  const std::string path = "/dev/shm/rvtrace-bench-zisk-" + std::to_string(::getpid()) + ".rvmt";
  double secs = 0, bytes = 0;
  std::uint64_t runs = 0;
  for (auto _ : st) {
    auto g = s.guest();
    const auto t0 = clock_type::now();
    {
      tr::TraceFileWriter w(path);
      const auto r = tr::record<zk::ZiskIsa>(*g, s.code, w, tr::AotEngine<zk::ZiskIsa>(*s.traced));
      check(r, r.steps, s);
    }
    secs += since(t0), ++runs;
    std::ifstream f(path, std::ios::binary | std::ios::ate);
    bytes = double(f.tellg());
    ::unlink(path.c_str());
  }
  report(st, s, secs, runs);
  st.counters["bytes_per_step"] = bytes / double(s.steps);
}

const tr::MemoryTrace& recorded() {
  Setup& s = setup();
  if (!s.trace) {
    s.trace = std::make_unique<tr::MemoryTrace>();
    auto g = s.guest();
    check(tr::record<zk::ZiskIsa>(*g, s.code, *s.trace, tr::AotEngine<zk::ZiskIsa>(*s.traced)), s.steps, s);
  }
  return *s.trace;
}

template <class Policy>
void BM_Replay(benchmark::State& st) {
  Setup& s = setup();
  const tr::MemoryTrace& t = recorded();
  auto opt = rvtrace::platform::replay_options_for<zk::ZiskPlatform>();
  opt.threads = static_cast<unsigned>(st.range(0));
  double secs = 0;
  std::uint64_t runs = 0;
  for (auto _ : st) {
    const auto t0 = clock_type::now();
    auto p = tr::replay<zk::ZiskIsa>(s.code, t.view(), [] { return Policy{}; }, opt);
    secs += since(t0), ++runs;
    benchmark::DoNotOptimize(p);
  }
  report(st, s, secs, runs);
  st.counters["steps/s/thread"] = double(s.steps) * runs / secs / opt.threads;
}

BENCHMARK(BM_Translate)->Name("zisk/translate")->Unit(benchmark::kMillisecond)->Iterations(1)->UseManualTime();
BENCHMARK(BM_Aot)->Name("zisk/aot")->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_Interp)->Name("zisk/interp")->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_RecordFile)->Name("zisk/record_file")->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_Replay<tr::DigestPolicy>)->Name("zisk/replay/digest")->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->Iterations(1);
}  // namespace

BENCHMARK_MAIN();
