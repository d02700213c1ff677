// Cost of the minimal trace, in one run, on the compute- and memory-heavy guests (keccak, sha256, deflate, ecc):
//   qemu/G                  qemu-riscv64, no trace (reference for vs_qemu)
//   aot/G                   AOT engine, no trace (reference for vs_notrace)
//   record_mem/G/fresh      AOT recording into a new MemoryTrace every run (its log memory is new: the
//                           recorder's second thread takes the page faults ahead of the engine)
//   record_mem/G/reused     AOT recording into a MemoryTrace cleared between runs (its pages are kept)
//   record_file/G           AOT recording to a .rvmt file in /dev/shm (TraceFileWriter, deleted afterwards)
//   replay/G/POLICY/threads:T  parallel memoryless replay of an AOT-recorded in-memory trace, digest,
//                           profile (function symbols, call tree; report not written) or witness policy (per-chunk policies merged in order; the witness root streams
//                           its columns to /dev/null), on the first `replay_chunks` chunks
//   replay_all/G/threads:T, check_chunks/G/threads:T, verify/G/threads:T  the whole trace: digest
//                           replay, untraced replay with the per-chunk checks, and verify (memory pass
//                           included); vs_replay_all / vs_check_chunks = verify steps/s over theirs.
//                           check_chunks and verify run on the AOT (native replay, translation
//                           included); check_chunks_interp / verify_interp on the interpreter, and
//                           the AOT rows' vs_interp = their steps/s over the interpreter's
// Counters: steps/s; vs_notrace = steps/s / aot-no-trace steps/s and vs_qemu = steps/s / qemu steps/s
// (both measured earlier in the same run); bytes_per_step = (log words * 8 + checkpoints * 296) / steps
// (file: bytes written / steps); steps/s/thread and, for 2 threads, speedup over 1 thread.
// All timings are manual (steady_clock around the measured call only: making the guest process and
// freeing a trace are outside).
// Run: build/bin/bench_trace --benchmark_counters_tabular=true
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "bench_common.hpp"
#include "rvtrace/aot/runtime.hpp"
#include "rvtrace/trace/aot_engine.hpp"
#include "rvtrace/guest/symbols.hpp"
#include "rvtrace/trace/digest_policy.hpp"
#include "rvtrace/trace/profile_policy.hpp"
#include "rvtrace/trace/file.hpp"
#include "rvtrace/trace/memory_trace.hpp"
#include "rvtrace/trace/recorder.hpp"
#include "rvtrace/trace/replay.hpp"
#include "rvtrace/trace/witness_policy.hpp"

namespace {
using namespace rvbench;
namespace tr = rvtrace::trace;

// Replay runs on this many chunks (of 2^18 steps) from the start: ~67M steps, representative and short.
constexpr std::uint64_t replay_chunks = 256;

using clock_type = std::chrono::steady_clock;
double since(clock_type::time_point t0) { return std::chrono::duration<double>(clock_type::now() - t0).count(); }

// Everything about one guest that the benchmarks share: built on first use.
struct Setup {
  rvtrace::guest::Program prog;
  rvtrace::DecodedProgram code;
  std::unique_ptr<rvtrace::aot::CompiledProgram> plain, traced;
  std::uint64_t steps = 0;
  std::unique_ptr<tr::MemoryTrace> trace;  // recorded with the AOT engine, for replay (on demand)
};

Setup& setup(const Guest& g) {
  static std::map<std::string, std::unique_ptr<Setup>> cache;
  auto& s = cache[g.name];
  if (!s) {
    s = std::make_unique<Setup>();
    s->prog = rvtrace::guest::load_elf_file(elf_path(g));
    s->code = rvtrace::decode_program(s->prog);
    auto layout_proc = make_process(s->prog, g);
    s->plain = std::make_unique<rvtrace::aot::CompiledProgram>(s->code, layout_proc.memory, false);
    s->traced = std::make_unique<rvtrace::aot::CompiledProgram>(s->code, layout_proc.memory, true);
    s->steps = count_steps(g);
  }
  return *s;
}

// One AOT run without trace; returns seconds.
double run_aot(const Guest& g, Setup& s) {
  auto proc = make_process(s.prog, g);
  rvtrace::FlatMemory mem(proc.memory, proc.syscalls);
  rvtrace::isa::CpuState cpu = rvtrace::initial_state(proc);
  std::uint64_t steps = 0;
  const auto t0 = clock_type::now();
  const auto r = rvtrace::aot::run(*s.plain, cpu, steps, ~0ull, mem);
  const double t = since(t0);
  if (r.reason != rvtrace::StopReason::exited || steps != s.steps) throw std::runtime_error("aot run differs");
  return t;
}

// AOT-without-trace steps/s: measured earlier in this run by BM_Aot, else now (mean of 3 runs).
double notrace_steps_per_second(const Guest& g) {
  const std::string key = "aot/" + std::string(g.name);
  if (auto it = measured().find(key); it != measured().end()) return it->second;
  Setup& s = setup(g);
  double total = 0;
  for (int i = 0; i < 3; ++i) total += run_aot(g, s);
  return measured()[key] = 3.0 * s.steps / total;
}

// Records one run with the AOT engine into `sink`; returns seconds (sink construction excluded).
template <class Sink>
double record_into(const Guest& g, Setup& s, Sink& sink) {
  auto proc = make_process(s.prog, g);
  const auto t0 = clock_type::now();
  tr::AotEngine engine(*s.traced);
  const auto r = tr::record(proc, s.code, sink, engine);
  const double t = since(t0);
  if (r.reason != rvtrace::StopReason::exited || r.steps != s.steps) throw std::runtime_error("recorded run differs");
  return t;
}

const tr::MemoryTrace& recorded_trace(const Guest& g) {
  Setup& s = setup(g);
  if (!s.trace) {
    s.trace = std::make_unique<tr::MemoryTrace>();
    record_into(g, s, *s.trace);
  }
  return *s.trace;
}

// Counters shared by the recording benchmarks; `total` = summed manual time.
void report_record(benchmark::State& state, const Guest& g, const Setup& s, double total, double bytes) {
  report_steps(state, s.steps);
  if (state.iterations() == 0) return;
  const double rate = s.steps * state.iterations() / total;
  state.counters["vs_notrace"] = rate / notrace_steps_per_second(g);
  state.counters["vs_qemu"] = rate / qemu_steps_per_second(g);
  state.counters["bytes_per_step"] = bytes / s.steps;
}

double trace_bytes(const tr::MemoryTrace& t) {
  return 8.0 * t.log.size() + double(tr::Checkpoint::words * 8) * t.checkpoints.size();
}

void BM_Aot(benchmark::State& state, const Guest& g) {
  Setup& s = setup(g);
  double total = 0;
  for (auto _ : state) {
    const double t = run_aot(g, s);
    total += t;
    state.SetIterationTime(t);
  }
  report_steps(state, s.steps);
  if (state.iterations() > 0) measured()["aot/" + std::string(g.name)] = s.steps * state.iterations() / total;
  state.counters["vs_qemu"] = measured()["aot/" + std::string(g.name)] / qemu_steps_per_second(g);
}

void BM_RecordMemory(benchmark::State& state, const Guest& g, bool reuse) {
  Setup& s = setup(g);
  tr::MemoryTrace kept;
  if (reuse) record_into(g, s, kept);  // untimed: grows the vectors and touches their pages once
  double total = 0, bytes = 0, words = 0;
  for (auto _ : state) {
    tr::MemoryTrace fresh;
    tr::MemoryTrace& t = reuse ? kept : fresh;
    t.clear();
    const double secs = record_into(g, s, t);
    total += secs;
    state.SetIterationTime(secs);
    bytes = trace_bytes(t);
    words = static_cast<double>(t.log.size());
  }  // `fresh` is freed here, outside the timed call
  report_record(state, g, s, total, bytes);
  state.counters["log_words_per_step"] = words / s.steps;
}

void BM_RecordFile(benchmark::State& state, const Guest& g) {
  Setup& s = setup(g);
  const std::string path = "/dev/shm/rvtrace-bench-" + std::to_string(::getpid()) + "-" + g.name + ".rvmt";
  double total = 0, bytes = 0;
  for (auto _ : state) {
    const auto t0 = clock_type::now();
    tr::TraceFileWriter w(path, true);
    record_into(g, s, w);
    const double secs = since(t0);  // includes creating the file, the index, header and rename
    total += secs;
    state.SetIterationTime(secs);
    bytes = static_cast<double>(w.bytes_written());
  }
  ::unlink(path.c_str());
  report_record(state, g, s, total, bytes);
}

enum class Policy { digest, profile, witness };
const char* policy_name(Policy p) { return p == Policy::digest ? "/digest" : p == Policy::profile ? "/profile" : "/witness"; }

void BM_Replay(benchmark::State& state, const Guest& g, Policy policy, unsigned threads) {
  Setup& s = setup(g);
  const tr::TraceView view = recorded_trace(g).view();
  tr::ReplayOptions opt;
  opt.threads = threads;
  opt.chunk_count = replay_chunks;
  const std::uint64_t chunks = std::min(replay_chunks, view.info.num_chunks);
  const std::uint64_t steps = view.checkpoints[chunks].step;
  std::FILE* devnull = std::fopen("/dev/null", "wb");
  if (!devnull) throw std::runtime_error("cannot open /dev/null");
  double total = 0;
  for (auto _ : state) {
    const auto t0 = clock_type::now();
    if (policy == Policy::digest) {
      const auto root = tr::replay(s.code, view, [] { return tr::DigestPolicy{}; }, opt);
      if (root.steps() != steps) throw std::runtime_error("replay: wrong step count");
      benchmark::DoNotOptimize(root.value());
    } else if (policy == Policy::profile) {
      const rvtrace::guest::FunctionTable fns(s.prog);  // per-program work is part of the cost
      const auto code = std::make_shared<const tr::ProfileCode>(s.code, fns);
      const auto root = tr::replay(s.code, view, [&] { return tr::ProfilePolicy(code); }, opt);
      benchmark::DoNotOptimize(root.nodes().data());
    } else {
      tr::WitnessPolicy root(devnull);  // streams row groups to /dev/null as chunks are merged
      tr::replay_into(root, s.code, view, [] { return tr::WitnessPolicy{}; }, opt);
      root.finish();
    }
    const double secs = since(t0);
    total += secs;
    state.SetIterationTime(secs);
  }
  std::fclose(devnull);
  report_steps(state, steps);
  state.counters["chunks"] = static_cast<double>(chunks);
  if (state.iterations() == 0) return;
  const double rate = steps * state.iterations() / total;
  state.counters["steps/s/thread"] = rate / threads;
  const std::string key =
      std::string("replay/") + g.name + policy_name(policy) + "/threads:";
  measured()[key + std::to_string(threads)] = rate;
  if (threads > 1)
    if (auto it = measured().find(key + "1"); it != measured().end()) state.counters["speedup"] = rate / it->second;
}

// The whole trace (every chunk): a digest replay, check_chunks (untraced replay with the per-chunk
// checks: what verify did before the memory pass) and verify (those checks plus the memory pass,
// the initial state and the stop). verify uses up a process's memory: a fresh one per iteration,
// made outside the timed call.
enum class WholeTrace { replay_digest, check_chunks, verify };
const char* whole_name(WholeTrace w) {
  return w == WholeTrace::replay_digest ? "replay_all" : w == WholeTrace::check_chunks ? "check_chunks" : "verify";
}

void BM_WholeTrace(benchmark::State& state, const Guest& g, WholeTrace what, unsigned threads,
                   rvtrace::Engine engine = rvtrace::Engine::aot) {
  Setup& s = setup(g);
  const tr::TraceView view = recorded_trace(g).view();
  tr::ReplayOptions opt;
  opt.threads = threads;
  opt.engine = engine;
  double total = 0;
  for (auto _ : state) {
    auto proc = std::make_unique<rvtrace::guest::Process>(make_process(s.prog, g));
    tr::InputStream input(std::string{});
    tr::RunStart start = tr::run_start(*proc, input);
    const auto t0 = clock_type::now();
    if (what == WholeTrace::verify) {
      tr::verify(s.code, view, start, opt);
    } else if (what == WholeTrace::check_chunks) {
      tr::check_chunks(s.code, view, opt);
    } else {
      const auto root = tr::replay(s.code, view, [] { return tr::DigestPolicy{}; }, opt);
      benchmark::DoNotOptimize(root.value());
    }
    const double secs = since(t0);
    total += secs;
    state.SetIterationTime(secs);
  }
  report_steps(state, view.info.total_steps);
  state.counters["chunks"] = static_cast<double>(view.info.num_chunks);
  if (state.iterations() == 0) return;
  const double rate = view.info.total_steps * state.iterations() / total;
  const std::string suffix = std::string("/") + g.name + "/threads:" + std::to_string(threads);
  const std::string interp = "_interp";
  measured()[whole_name(what) + (engine == rvtrace::Engine::interp ? interp : "") + suffix] = rate;
  if (engine == rvtrace::Engine::aot && what != WholeTrace::replay_digest)
    if (auto it = measured().find(whole_name(what) + interp + suffix); it != measured().end())
      state.counters["vs_interp"] = rate / it->second;
  if (what == WholeTrace::verify && engine == rvtrace::Engine::aot)
    for (const char* base : {"replay_all", "check_chunks"})
      if (auto it = measured().find(base + suffix); it != measured().end())
        state.counters[std::string("vs_") + base] = rate / it->second;
}

const int registered = [] {
  for (const Guest& g : guests) {
    const std::string n = g.name;
    if (n == "bytecode")  // branchy, call-heavier: what the profile policy's slow path costs
      for (Policy p : {Policy::digest, Policy::profile})
        for (unsigned t : {1u, 2u})
          benchmark::RegisterBenchmark(("replay/" + n + policy_name(p) + "/threads:" + std::to_string(t)).c_str(),
                                       BM_Replay, g, p, t)
              ->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(3);
    if (n != "keccak" && n != "sha256" && n != "deflate" && n != "ecc") continue;  // compute and memory-heavy
    benchmark::RegisterBenchmark(("qemu/" + n).c_str(), BM_Qemu, g)
        ->Unit(benchmark::kMillisecond)->UseManualTime()->MinTime(0.3);
    benchmark::RegisterBenchmark(("aot/" + n).c_str(), BM_Aot, g)
        ->Unit(benchmark::kMillisecond)->UseManualTime()->MinTime(1.0);
    benchmark::RegisterBenchmark(("record_mem/" + n + "/fresh").c_str(), BM_RecordMemory, g, false)
        ->Unit(benchmark::kMillisecond)->UseManualTime()->MinTime(1.0);
    benchmark::RegisterBenchmark(("record_mem/" + n + "/reused").c_str(), BM_RecordMemory, g, true)
        ->Unit(benchmark::kMillisecond)->UseManualTime()->MinTime(1.0);
    benchmark::RegisterBenchmark(("record_file/" + n).c_str(), BM_RecordFile, g)
        ->Unit(benchmark::kMillisecond)->UseManualTime()->MinTime(1.0);
    for (Policy p : {Policy::digest, Policy::profile, Policy::witness})
      for (unsigned t : {1u, 2u}) {
        const std::string name = "replay/" + n + policy_name(p) + "/threads:" + std::to_string(t);
        benchmark::RegisterBenchmark(name.c_str(), BM_Replay, g, p, t)
            ->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(3);
      }
    for (unsigned t : {1u, 2u})
      for (WholeTrace w : {WholeTrace::replay_digest, WholeTrace::check_chunks, WholeTrace::verify}) {
        const std::string tail = "/" + n + "/threads:" + std::to_string(t);
        if (w != WholeTrace::replay_digest)  // the interpreter first: the AOT row compares with it
          benchmark::RegisterBenchmark((whole_name(w) + std::string("_interp") + tail).c_str(), BM_WholeTrace, g, w, t,
                                       rvtrace::Engine::interp)
              ->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(3);
        benchmark::RegisterBenchmark((whole_name(w) + tail).c_str(), BM_WholeTrace, g, w, t, rvtrace::Engine::aot)
            ->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(3);
      }
  }
  return 0;
}();
}  // namespace

BENCHMARK_MAIN();
