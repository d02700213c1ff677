#pragma once
// Memoryless parallel replay of a minimal trace.
//
// Chunk i is replayed from checkpoint i with registers only (ReplayMemory: loads come from the
// chunk's log), for exactly the steps of the chunk. It must end with exactly the pc, x1..x31 and
// reservation of checkpoint i+1, stop the way the trace says (only the last chunk may stop: exit
// with the recorded code, or ebreak), and consume exactly the chunk's log words; with checksums
// on, the chunk's checksum is checked first. Any mismatch throws InputError naming the chunk and
// the step (and the register).
//
// Chunks run on `threads` workers (std::thread); every chunk gets a fresh policy from the factory,
// and the per-chunk policies are merged into the root in chunk order as soon as their
// predecessors are merged, so the result (and any output the root streams) is identical for any
// number of threads, and at most ~4 chunks per thread are held in memory (results wait in a ring:
// nothing grows with the number of chunks). The first error reported is the one of the
// lowest-numbered failing chunk.
//
// check_chunks() is that replay with no policy: the trace is self-consistent. verify() proves more:
// the trace is a run of the program from a RunStart (run_start.hpp), with the memory pass
// (memory_pass.hpp) linking chunks through memory; see its comment and README "What verify proves".
// Both run on the AOT when it is available (ReplayOptions::engine, native_replay.hpp); policies
// with a per-step on_step run on the interpreter.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "rvtrace/engine.hpp"
#include "rvtrace/guest/fault.hpp"
#include "rvtrace/interp/machine.hpp"
#include "rvtrace/interp/program.hpp"
#include "rvtrace/isa/decoder.hpp"
#include "rvtrace/trace/checkpoint.hpp"
#include "rvtrace/trace/memory_pass.hpp"
#include "rvtrace/trace/policy.hpp"
#include "rvtrace/trace/replay_memory.hpp"
#include "rvtrace/trace/run_start.hpp"
#include "rvtrace/trace/trace_view.hpp"
#if RVTRACE_AOT_ENABLED
#include "rvtrace/trace/native_replay.hpp"
#endif

namespace rvtrace::trace {

struct ReplayOptions {
  unsigned threads = 1;
  bool progress = false;          // progress line on stderr
  // Called instead (when set) after each merged chunk, on the caller's thread: steps replayed so
  // far and in all (the CLI draws its own progress line with it).
  std::function<void(std::uint64_t done_steps, std::uint64_t total_steps)> on_progress = {};
  bool check_checksums = true;    // check each chunk's checksum before replaying it
  std::uint64_t first_chunk = 0;  // replay only chunks [first_chunk, first_chunk + chunk_count)
                                  // (those of them the view holds: see chunk_range.hpp)
  std::uint64_t chunk_count = ~std::uint64_t{0};
  std::uint64_t max_steps = ~std::uint64_t{0};  // refuse (LimitError) to replay more steps than this
  // The traced run's memory windows (GuestMemory::read_lo/write_lo); 0/0 = all of memory. With them
  // every access faults as it did in the run (verify sets them).
  std::uint64_t read_lo = 0, write_lo = 0;
  std::uint64_t mmio_lo = 0, mmio_hi = 0;  // and its MMIO range (stores there are plain stores)
  // The platform the trace must have been recorded on, and its exit rule (which ecall ends the run).
  std::string platform = "linux";
  guest::ExitRule exit_rule = &guest::linux_exit_status;
  // What runs replays with no per-step policy (check_chunks, verify): the AOT where available (the
  // interpreter gives the same verdicts and messages; it always runs policies with on_step).
  Engine engine = default_engine;
};

// The policy of check_chunks: nothing per step (the interpreter runs untraced).
struct NoPolicy {
  void merge(NoPolicy&&) {}
};

// Policies that declare collects_effects get each chunk's memory effects (memory_effects.hpp).
template <class P>
inline constexpr bool collects_effects_v = requires { requires P::collects_effects; };

namespace detail {


[[noreturn]] inline void chunk_error(const TraceInfo& info, std::uint64_t i, const std::string& what) {
  const std::uint64_t a = info.chunk_first_step(i), b = info.chunk_end_step(i);
  throw InputError("chunk " + std::to_string(i) + " (steps " + std::to_string(a) + ".." +
                   std::to_string(b ? b - 1 : 0) + "): " + what);
}

// The replay memory as options say (the traced run's windows, MMIO range, exit rule).
inline void configure(ReplayMemory& mem, const ReplayOptions& opt) {
  mem.set_windows(opt.read_lo, opt.write_lo);
  if (opt.mmio_hi > opt.mmio_lo) mem.set_mmio(opt.mmio_lo, opt.mmio_hi);
  mem.set_exit_rule(opt.exit_rule);
}

template <class P>
inline constexpr bool has_on_step_v = requires(P& p, const step_type_t<P>& s) { p.on_step(s); };

#if RVTRACE_AOT_ENABLED
template <class Isa>
using NativeReplay = NativeChunkReplay<Isa>;
using NativeCode = aot::CompiledProgram;
#else
template <class Isa>
struct NativeReplay {  // (never made: no AOT)
  NativeReplay(const int&, ReplayMemory&) {}
  std::uint64_t* live_steps() { return nullptr; }
  bool run(isa::CpuState&, std::uint64_t&, std::uint64_t, RunResult&) { return false; }
};
using NativeCode = int;
#endif

// The native code for replaying P's chunks, if the options choose the AOT and P has no on_step.
template <class P, class Isa>
std::optional<NativeCode> native_code_for(const DecodedProgram& code, const ReplayOptions& opt) {
  if constexpr (!has_on_step_v<P>) {
    if (opt.engine != Engine::aot) return std::nullopt;
#if RVTRACE_AOT_ENABLED
    ReplayMemory probe;
    configure(probe, opt);
    return compile_for_replay<Isa>(code, probe, collects_effects_v<P>);
#else
    throw std::invalid_argument("replay: the AOT engine is not available in this build");
#endif
  }
  return std::nullopt;
}

// One worker's machine, reused for all the chunks it replays (native: also the AOT runner).
template <class P, class Isa>
class ChunkReplayer {
  static constexpr bool traced = has_on_step_v<P>;
  using Adapter = std::conditional_t<traced, StepAdapter<P, ReplayMemory>, NoTrace>;

 public:
  ChunkReplayer(const DecodedProgram& code, const TraceView& t, const ReplayOptions& opt,
                const std::optional<NativeCode>& native = std::nullopt)
      : t_(t), adapter_(make_adapter()), m_(code, mem_, adapter_) {
    mem_.keep_step_words(reads_log_v<P>);
    configure(mem_, opt);
    if (native) native_.emplace(*native, mem_);
  }

  template <class Factory>
  P run(std::uint64_t i, Factory& make, bool check_checksums) {
    const TraceInfo& info = t_.info;
    const Checkpoint& cp = t_.checkpoint(i);
    const Checkpoint& next = t_.checkpoint(i + 1);
    if (!t_.log_in_view(i)) chunk_error(info, i, "log range out of bounds");
    const auto log = t_.chunk_log(i);
    if (check_checksums && chunk_checksum(cp, log) != cp.checksum)
      chunk_error(info, i, "checksum mismatch: its checkpoint or log words are corrupted");
    const std::uint64_t end = next.step;
    const bool last = i + 1 == info.num_chunks;
    P p = make();
    chunk_begin(p, cp);
    if constexpr (traced) adapter_.bind(&p);
    if constexpr (collects_effects_v<P>) p.set_chunk(i);
    RunResult r;
    if (!native_ || !run_native(p, cp, log, end, r)) {
      start(p, cp, log, &m_.steps);
      try {
        r = m_.run(end);
      } catch (const LogExhausted&) {
        chunk_error(info, i, "step " + std::to_string(m_.steps) + " (pc " + hex64(m_.state.pc) +
                                 ") needs more log words than the chunk has (" + std::to_string(log.size()) + ")");
      }
    }
    if constexpr (collects_effects_v<P>) mem_.end_chunk(), mem_.collect_effects(nullptr, nullptr);
    if (r.reason == StopReason::fault)
      chunk_error(info, i, "replay faulted: " + r.fault->message());
    if (r.reason != StopReason::paused) {
      const char* how = r.reason == StopReason::exited ? "exited" : "stopped at ebreak";
      if (!last || r.steps != end)
        chunk_error(info, i, std::string("the program ") + how + " at step " + std::to_string(r.steps - 1) +
                                 ", but the trace goes on to step " + std::to_string(end));
      if (r.reason == StopReason::exited && !(info.stop == TraceStop::exited && info.exit_code == r.exit_code))
        chunk_error(info, i, "the program exited with code " + std::to_string(r.exit_code) + " at step " +
                                 std::to_string(r.steps - 1) + ", but the trace says " + stop_name(info.stop) +
                                 (info.stop == TraceStop::exited ? " with code " + std::to_string(info.exit_code) : ""));
      if (r.reason == StopReason::ebreak && info.stop != TraceStop::ebreak)
        chunk_error(info, i, "the program stopped at ebreak at step " + std::to_string(r.steps - 1) +
                                 ", but the trace says " + stop_name(info.stop));
    } else if (last && (info.stop == TraceStop::exited || info.stop == TraceStop::ebreak)) {
      chunk_error(info, i, std::string("the trace says the program ") + stop_name(info.stop) + " at step " +
                               std::to_string(end - 1) + ", but replay did not stop there");
    }
    const isa::CpuState want = next.cpu();
    const std::string at = " after step " + std::to_string(end - 1) + " (checkpoint " + std::to_string(i + 1) + ")";
    if (m_.state.pc != want.pc)
      chunk_error(info, i, "pc is " + hex64(m_.state.pc) + " but the checkpoint has " + hex64(want.pc) + at);
    for (unsigned reg = 1; reg < 32; ++reg)
      if (m_.state.x[reg] != want.x[reg])
        chunk_error(info, i, "register x" + std::to_string(reg) + " is " + hex64(m_.state.x[reg]) +
                                 " but the checkpoint has " + hex64(want.x[reg]) + at);
    if (m_.state.reservation != want.reservation)
      chunk_error(info, i, "LR/SC reservation is " + hex64(m_.state.reservation) + " but the checkpoint has " +
                               hex64(want.reservation) + at);
    if (mem_.consumed() != log.size())
      chunk_error(info, i, "replay consumed " + std::to_string(mem_.consumed()) + " log words, the chunk has " +
                               std::to_string(log.size()));
    chunk_end(p, next);
    return p;
  }

 private:
  // The chunk's start: registers, step count and memory (no known words), effects counted on `steps`.
  void start(P& p, const Checkpoint& cp, std::span<const std::uint64_t> log, std::uint64_t* steps) {
    mem_.reset(log);
    m_.state = cp.cpu();
    m_.steps = cp.step;
    *steps = cp.step;
    if constexpr (collects_effects_v<P>) mem_.collect_effects(&p.effects(), steps);
  }
  // false: the chunk faulted or exhausted its log natively; the interpreter replays it again.
  bool run_native(P& p, const Checkpoint& cp, std::span<const std::uint64_t> log, std::uint64_t end, RunResult& r) {
    start(p, cp, log, native_->live_steps());
    return native_->run(m_.state, m_.steps, end, r);
  }
  Adapter make_adapter() {
    if constexpr (traced) return Adapter(&mem_);
    else return Adapter{};
  }
  const TraceView& t_;
  ReplayMemory mem_;
  Adapter adapter_;
  Machine<ReplayMemory, Adapter, Isa> m_;
  std::optional<NativeReplay<Isa>> native_;
};

class Progress {
 public:
  Progress(const ReplayOptions& opt, std::uint64_t total, std::uint64_t total_steps)
      : on_(opt.progress), total_(total), total_steps_(total_steps), callback_(opt.on_progress), t0_(clock::now()),
        last_(t0_) {}
  void update(std::uint64_t done, std::uint64_t steps) {
    if (callback_) return callback_(steps, total_steps_);
    if (!on_) return;
    const auto now = clock::now();
    if (done != total_ && now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    const double s = std::chrono::duration<double>(now - t0_).count();
    const double eta = steps > 0 && total_steps_ > steps ? s * double(total_steps_ - steps) / double(steps) : 0.0;
    std::fprintf(stderr, "\rrvtrace: replayed %llu/%llu chunks (%.0f%%), %.1f M steps/s, ETA %.0f s\033[K",
                 (unsigned long long)done, (unsigned long long)total_, total_ ? 100.0 * done / total_ : 100.0,
                 s > 0 ? steps / s / 1e6 : 0.0, eta);
    drawn_ = done != total_;
    if (done == total_) std::fputc('\n', stderr);
  }
  // An error ends the replay early: end the line, so that the error message starts its own.
  ~Progress() {
    if (drawn_) std::fputc('\n', stderr);
  }

 private:
  using clock = std::chrono::steady_clock;
  bool on_, drawn_ = false;
  std::uint64_t total_, total_steps_;
  const std::function<void(std::uint64_t, std::uint64_t)>& callback_;
  clock::time_point t0_, last_;
};

inline void check_trace_program(const DecodedProgram& code, const TraceView& t, const ReplayOptions& opt) {
  if (t.is_slice()) validate_slice(t);
  else validate_structure(t);
  if (t.info.platform != opt.platform)
    throw InputError("the trace was recorded on platform '" + t.info.platform + "', not '" + opt.platform +
                     "' (--platform)");
  if (t.info.isa != code.isa->name)
    throw InputError("the trace was recorded for ISA '" + t.info.isa + "', but the program is decoded as '" +
                     std::string(code.isa->name) + "' (--isa)");
  if (code.program_hash != t.info.program_hash)
    throw InputError("the trace was recorded for a different program (program hash " + hex64(t.info.program_hash) +
                     ", this ELF has " + hex64(code.program_hash) + ")");
  if (t.base_chunk == 0 && t.end_chunk() > 0 && t.checkpoints[0].pc != code.entry)
    throw InputError("chunk 0 starts at pc " + hex64(t.checkpoints[0].pc) + ", not at the program entry " +
                     hex64(code.entry));
}

// replay_into without the policy check (verify's NoPolicy has no on_step: nothing per step).
template <class Isa, class P, class Factory>
void replay_chunks(P& root, const DecodedProgram& code, const TraceView& t, Factory&& make, const ReplayOptions& opt) {
  require_isa<Isa>(code);
  detail::check_trace_program(code, t, opt);
  const std::uint64_t first = std::clamp(opt.first_chunk, t.base_chunk, t.end_chunk());
  const std::uint64_t last = first + std::min(opt.chunk_count, t.end_chunk() - first);
  const std::uint64_t count = last - first;
  if (count > 0 && t.checkpoint(last).step - t.checkpoint(first).step > opt.max_steps)
    throw LimitError("the trace has " + std::to_string(t.checkpoint(last).step - t.checkpoint(first).step) +
                     " steps to replay, more than the step budget of " + std::to_string(opt.max_steps) +
                     " (--max-steps)");
  auto steps_before = [&](std::uint64_t i) { return t.checkpoint(i).step - t.checkpoint(first).step; };
  detail::Progress progress(opt, count, count ? steps_before(last) : 0);
  const unsigned threads = static_cast<unsigned>(std::clamp<std::uint64_t>(opt.threads, 1, std::max<std::uint64_t>(count, 1)));
  const std::optional<NativeCode> native = count ? native_code_for<P, Isa>(code, opt) : std::nullopt;  // (shared)

  if (threads == 1) {
    detail::ChunkReplayer<P, Isa> w(code, t, opt, native);
    for (std::uint64_t i = first; i < last; ++i) {
      root.merge(w.run(i, make, opt.check_checksums));
      progress.update(i + 1 - first, steps_before(i + 1));
    }
    return;
  }

  const std::uint64_t window = 4 * std::uint64_t{threads};
  std::mutex mu;
  std::condition_variable cv_done, cv_space;
  // Chunk i's result waits in slot i % window: workers never run more than `window` chunks ahead
  // of the merge, so memory does not grow with the number of chunks.
  std::vector<std::optional<P>> results(window);
  std::vector<std::exception_ptr> errors(window);
  std::uint64_t next_task = first, merged = first;
  bool abort = false;

  auto worker = [&] {
    std::optional<detail::ChunkReplayer<P, Isa>> w;
    for (;;) {
      std::uint64_t i;
      {
        std::unique_lock lk(mu);
        cv_space.wait(lk, [&] { return abort || next_task >= last || next_task < merged + window; });
        if (abort || next_task >= last) return;
        i = next_task++;
      }
      std::optional<P> p;
      std::exception_ptr err;
      try {
        if (!w) w.emplace(code, t, opt, native);
        p.emplace(w->run(i, make, opt.check_checksums));
      } catch (...) {
        err = std::current_exception();
      }
      {
        std::lock_guard lk(mu);
        if (err) errors[i % window] = err;
        else results[i % window] = std::move(p);
      }
      cv_done.notify_all();
    }
  };

  std::vector<std::thread> pool;
  auto stop_pool = [&] {
    {
      std::lock_guard lk(mu);
      abort = true;
    }
    cv_space.notify_all();
    for (auto& th : pool) th.join();
    pool.clear();
  };
  try {
    for (unsigned k = 0; k < threads; ++k) pool.emplace_back(worker);
    for (std::uint64_t i = first; i < last; ++i) {
      std::optional<P> p;
      {
        std::unique_lock lk(mu);
        cv_done.wait(lk, [&] { return results[i % window].has_value() || errors[i % window]; });
        if (errors[i % window]) std::rethrow_exception(errors[i % window]);
        p = std::move(results[i % window]);
        results[i % window].reset();
        merged = i + 1;
      }
      cv_space.notify_all();
      root.merge(std::move(*p));
      progress.update(i + 1 - first, steps_before(i + 1));
    }
  } catch (...) {
    stop_pool();
    throw;
  }
  stop_pool();
}

}  // namespace detail

// Replays the trace's chunks, merging the per-chunk policies (from `make()`) into `root` in order.
// Isa: the instruction set `code` was decoded for (default RV64IMAC).
template <class Isa = isa::Rv64imac, class P, class Factory>
void replay_into(P& root, const DecodedProgram& code, const TraceView& t, Factory&& make, const ReplayOptions& opt = {}) {
  static_assert(check_trace_policy<P>());
  static_assert(std::is_same_v<std::remove_cvref_t<decltype(make())>, P>,
                "rvtrace: replay_into(root, ...): make() must return the root's policy type");
  detail::replay_chunks<Isa>(root, code, t, make, opt);
}

// Replays the trace and returns the merged policy: make() for the root, then once per chunk.
template <class Isa = isa::Rv64imac, class Factory>
auto replay(const DecodedProgram& code, const TraceView& t, Factory&& make, const ReplayOptions& opt = {}) {
  static_assert(std::is_invocable_v<Factory&>,
                "rvtrace: replay(code, trace, make, ...): `make` must be a factory, e.g. [] { return MyPolicy{}; }, "
                "called once per chunk");
  auto root = make();
  replay_into<Isa>(root, code, t, make, opt);
  return root;
}
template <class Isa = isa::Rv64imac, class Factory>
auto replay(const DecodedProgram& code, const TraceView& t, Factory&& make, unsigned threads) {
  ReplayOptions o;
  o.threads = threads;
  return replay<Isa>(code, t, make, o);
}

// Checks that every chunk replays from its checkpoint to the next one (checksum, registers, log
// consumption, stop); throws InputError naming the first failing chunk. This says the trace is
// self-consistent, NOT that it is a run of the program: verify() below proves that.
template <class Isa = isa::Rv64imac>
void check_chunks(const DecodedProgram& code, const TraceView& t, const ReplayOptions& opt = {}) {
  NoPolicy root;
  detail::replay_chunks<Isa>(root, code, t, [] { return NoPolicy{}; }, opt);
}

namespace detail {
[[noreturn]] inline void verify_error(const std::string& what) { throw InputError(what); }

// The trace belongs to this run: platform, ISA, arguments; checkpoint 0 is the initial state.
inline void check_run_identity(const TraceView& t, const RunStart& start) {
  const TraceInfo& in = t.info;
  if (in.platform != start.platform)
    verify_error("the trace was recorded on platform '" + in.platform + "', not '" + start.platform + "'");
  if (in.isa != start.isa) verify_error("the trace was recorded for ISA '" + in.isa + "', not '" + start.isa + "'");
  if (in.args_hash != start.args_hash)
    verify_error("the trace was recorded with other program arguments (argument hash " + hex64(in.args_hash) +
                 ", these give " + hex64(start.args_hash) + "; argv[0] is the ELF path as given to trace)");
  const isa::CpuState have = t.checkpoints[0].cpu();
  const std::string at = "checkpoint 0 (the initial state): ";
  if (have.pc != start.cpu.pc)
    verify_error(at + "pc is " + hex64(have.pc) + ", the program starts at " + hex64(start.cpu.pc));
  for (unsigned r = 1; r < 32; ++r)
    if (have.x[r] != start.cpu.x[r])
      verify_error(at + "register x" + std::to_string(r) + " is " + hex64(have.x[r]) + ", the initial state has " +
                   hex64(start.cpu.x[r]));
  if (have.reservation != start.cpu.reservation)
    verify_error(at + "LR/SC reservation is " + hex64(have.reservation) + ", the initial state has none");
  if ((in.stop == TraceStop::exited || in.stop == TraceStop::ebreak) && in.total_steps == 0)
    verify_error(std::string("the trace says the program ") + stop_name(in.stop) +
                 " after 0 steps, but stopping is a step (the exiting ecall or the ebreak)");
}

// A recorded fault is the step after the final checkpoint: replaying it (with the run's memory
// windows; the values it would load do not decide the fault) must fault the same way.
template <class Isa>
void reproduce_fault(const DecodedProgram& code, const TraceView& t, const ReplayOptions& opt) {
  const Checkpoint& final_state = t.checkpoints[t.info.num_chunks];
  const Fault want = t.info.fault();
  ReplayMemory mem;
  configure(mem, opt);
  mem.set_lenient(true);
  mem.reset({});
  Machine<ReplayMemory, NoTrace, Isa> m(code, mem);
  m.state = final_state.cpu();
  m.steps = final_state.step;
  const RunResult r = m.run(final_state.step + 1);
  const std::string claim = "the trace says step " + std::to_string(want.step) + " faults (" + want.message() + ")";
  if (r.reason != StopReason::fault)
    verify_error(claim + ", but replaying it from the final checkpoint " +
                 (r.reason == StopReason::paused ? std::string("retires it") : std::string("stops without a fault")));
  if (r.fault->kind != want.kind || r.fault->pc != want.pc || r.fault->addr != want.addr)
    verify_error(claim + ", but replaying it gives " + r.fault->message());
}
}  // namespace detail

// Proves the trace is a run of the program `code` from `start` (its registers, memory image,
// platform and input): every check of check_chunks, plus checkpoint 0 = the initial state, the
// recorded stop reproduced (exit/ebreak as the last step, a fault by replaying the faulting step),
// and the memory pass (memory_pass.hpp) linking every chunk's first-touch reads to the initial
// image, earlier chunks' writes and the ecalls' results, including the input's bytes and hash.
// A step-limit trace is proved to be a prefix of the run. `start.memory` is used up (it becomes
// the run's final memory). Throws InputError naming the check, and the chunk and word.
template <class Isa = isa::Rv64imac>
void verify(const DecodedProgram& code, const TraceView& t, RunStart& start, ReplayOptions opt = {}) {
  opt.platform = start.platform;
  opt.exit_rule = start.exit_rule;
  detail::check_trace_program(code, t, opt);
  detail::check_run_identity(t, start);
  opt.read_lo = start.memory->read_lo();
  opt.write_lo = start.memory->write_lo();
  opt.mmio_lo = start.memory->mmio_lo();
  opt.mmio_hi = start.memory->mmio_hi();
  opt.first_chunk = 0;
  opt.chunk_count = ~std::uint64_t{0};
  if (t.info.stop == TraceStop::fault) detail::reproduce_fault<Isa>(code, t, opt);
  MemoryPass pass(start, t.info);
  VerifyPolicy root(&pass);
  detail::replay_chunks<Isa>(root, code, t, [] { return VerifyPolicy{}; }, opt);  // no on_step: unchecked
  if (start.input_fixed && (start.input_hash != t.info.input_hash || start.input_bytes != t.info.input_bytes))
    detail::verify_error("input: the trace was recorded with other input (" + std::to_string(t.info.input_bytes) +
                         " bytes hashing to " + hex64(t.info.input_hash) + "; the given input has " +
                         std::to_string(start.input_bytes) + " bytes hashing to " + hex64(start.input_hash) + ")");
  if (start.input) {
    const ByteStreamHash& h = start.input->hash();
    if (h.bytes() != t.info.input_bytes)
      detail::verify_error("the run read " + std::to_string(h.bytes()) + " input bytes, the trace header says " +
                           std::to_string(t.info.input_bytes));
    if (h.digest() != t.info.input_hash)
      detail::verify_error("input: the trace was recorded with other input (input hash " + hex64(t.info.input_hash) +
                           ", the given input's first " + std::to_string(h.bytes()) + " bytes hash to " +
                           hex64(h.digest()) + ")");
  }
}

}  // namespace rvtrace::trace
