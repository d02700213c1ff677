#pragma once
// The recorder: runs a guest chunk by chunk on an engine and produces the minimal trace
// (a checkpoint at the start of every chunk of N steps, plus the memory-read log), streaming
// each chunk's log to a sink.
//
// Engine: any callable
//     RunResult engine(isa::CpuState& state, std::uint64_t& steps, std::uint64_t until_step,
//                      LoggingMemory& mem);
// that runs from `state` (steps retired so far in `steps`) until the program stops or `until_step`
// steps have retired, logging through `mem` (the log rules of rvtrace/interp/logging_memory.hpp).
// InterpreterEngine adapts the interpreter; the AOT runtime has this signature.
//
// Sink: any class with
//     void chunk(const Checkpoint& c, std::span<const std::uint64_t> log);   // chunk by chunk
//     void finish(const TraceInfo& info, const Checkpoint& final_state);      // once, at the end
// and optionally (an InPlaceSink, below)
//     LogArena& log_arena();   // the engine logs into it (no copy); chunk()'s spans point into it
// (MemoryTrace in memory_trace.hpp, TraceFileWriter in file.hpp). chunk() is called on a second
// thread, in chunk order, while the engine runs the next chunk; finish() on the caller's thread.
//
// How runs end (TraceInfo::stop):
//  - exit / ebreak: the stopping step is the last step of the trace (it may end a chunk exactly:
//    then there is no empty chunk after it);
//  - fault: the faulting step did not retire, so it is not in the trace; total_steps = steps
//    retired before it; the fault (kind, pc, address) is recorded, and the final checkpoint's pc is
//    the faulting pc. Log words the faulting step may have written before faulting (an AMO whose
//    load succeeded and store faulted) are dropped: the last chunk is re-run in replay to find
//    exactly how many words its retired steps consumed;
//  - step limit (RecordOptions::max_steps): like a fault without a fault.
// The final checkpoint (index num_chunks) is the state after the last step, with an empty log.
#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <array>
#include <atomic>
#include <concepts>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <span>
#include <stdexcept>
#include <vector>

#include "rvtrace/guest/huge_pages.hpp"
#include "rvtrace/guest/process.hpp"
#include "rvtrace/interp/logging_memory.hpp"
#include "rvtrace/interp/machine.hpp"
#include "rvtrace/interp/program.hpp"
#include "rvtrace/interp/run.hpp"
#include "rvtrace/trace/checkpoint.hpp"
#include "rvtrace/trace/hash.hpp"
#include "rvtrace/trace/log_arena.hpp"
#include "rvtrace/trace/replay_memory.hpp"
#include "rvtrace/trace/trace_view.hpp"

namespace rvtrace::trace {

struct RecordOptions {
  std::uint64_t chunk_steps = default_chunk_steps;  // power of two, 2^4 .. 2^40
  std::uint64_t max_steps = ~std::uint64_t{0};      // stop (TraceStop::step_limit) after this many
};

// The interpreter as a recorder engine.
template <class Isa = isa::Rv64imac>
class InterpreterEngine {
 public:
  using instruction_set = Isa;
  explicit InterpreterEngine(const DecodedProgram& code) : code_(code) {}
  RunResult operator()(isa::CpuState& s, std::uint64_t& steps, std::uint64_t until, LoggingMemory& mem) {
    if (!m_ || &m_->memory() != &mem) m_.emplace(code_, mem);
    return m_->run_from(s, steps, until);
  }

 private:
  const DecodedProgram& code_;
  std::optional<Machine<LoggingMemory, NoTrace, Isa>> m_;
};

// The instruction set an engine runs (its `instruction_set`, else RV64IMAC).
template <class Engine>
struct engine_isa {
  using type = isa::Rv64imac;
};
template <class Engine>
  requires requires { typename Engine::instruction_set; }
struct engine_isa<Engine> {
  using type = typename Engine::instruction_set;
};

namespace detail {
// Replays [from.step, to_step) of a chunk against its log to count the words those steps consume.
template <class Isa>
std::size_t consumed_words(const DecodedProgram& code, const isa::CpuState& from, std::uint64_t from_step,
                           std::uint64_t to_step, std::span<const std::uint64_t> log, guest::ExitRule exit_rule) {
  ReplayMemory mem(log);
  mem.set_exit_rule(exit_rule);
  Machine<ReplayMemory, NoTrace, Isa> m(code, mem);
  m.state = from;
  m.steps = from_step;
  try {
    const RunResult r = m.run(to_step);
    if (r.steps != to_step) throw std::logic_error("recorder: re-run of the faulting chunk stopped early");
  } catch (const LogExhausted&) {
    throw std::logic_error("recorder: re-run of the faulting chunk ran out of log");
  }
  return static_cast<std::size_t>(mem.consumed());
}
}  // namespace detail

// A sink that owns the memory the log is written to: the engine logs straight into it and
// chunk() receives spans of it (MemoryTrace). Other sinks (TraceFileWriter, users' sinks) get
// spans of the recorder's own ring of chunk logs and copy or write out what they keep.
template <class Sink>
concept InPlaceSink = requires(Sink& s) {
  { s.log_arena() } -> std::same_as<LogArena&>;
};

namespace detail {
// Runs the second thread of a recording: per chunk, the checksum and the sink (the log is
// gigabytes per second: hashing/storing it costs about as much as producing it), and, for
// in-place sinks, preparing the log's memory ahead of the engine (its page faults).
// The sink sees chunks in order, from this thread only.
//
// A default chunk takes the AOT engine ~40-70 us, so hand-offs must be much cheaper than a
// futex wake-up on a VM. The engine hands over chunks in batches: it wakes the second thread
// when `batch` chunks wait, or when it needs something (log space, a free slot, the end); that
// thread then drains everything and sleeps without spinning (a spinning sibling hyperthread slows
// the engine down). The engine spins (~0.5 ms) before it sleeps; a side only takes the mutex to
// notify when the other is actually asleep.
template <class Sink>
class ChunkPipeline {
  static constexpr bool in_place = InPlaceSink<Sink>;
  // Chunks in flight. First-touch logs are small, so many chunks fit ahead of the second thread:
  // the engine does not stop when that thread is descheduled for a few milliseconds.
  static constexpr unsigned slots = 64;

 public:
  ChunkPipeline(Sink& sink, std::uint64_t max_chunk_words) : sink_(sink), max_words_(max_chunk_words) {
    if constexpr (!in_place) {  // address space only: pages are faulted in as the log uses them
      void* p = ::mmap(nullptr, ring_words() * 8, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (p == MAP_FAILED)
        throw std::runtime_error("recorder: cannot reserve " + std::to_string(ring_words() * 8 >> 20) +
                                 " MiB for the log of chunks of this size: " + std::strerror(errno));
      ring_ = static_cast<std::uint64_t*>(p);
      guest::advise_huge_pages(p, ring_words() * 8);  // its 4 KiB page faults cost as much as the run
    }
    worker_ = std::thread([this] { work(); });
  }
  ChunkPipeline(const ChunkPipeline&) = delete;
  ~ChunkPipeline() {
    stop();
    if (ring_) ::munmap(ring_, ring_words() * 8);
  }

  // Where the next chunk may log up to max_chunk_words words; `log_end` = words logged before it.
  std::uint64_t* acquire(std::uint64_t log_end) {
    const std::uint64_t s = submitted_.load(std::memory_order_relaxed);
    if constexpr (in_place) {
      want_.store(log_end + max_words_, std::memory_order_seq_cst);
      if (ready_.load(std::memory_order_acquire) < log_end + max_words_) wake(worker_sleeps_);
    }
    if constexpr (!in_place)  // the chunk's space must not wrap around the ring's end
      if (pos_ % ring_words() + max_words_ > ring_words()) pos_ += ring_words() - pos_ % ring_words();
    auto can_go = [&] {
      const std::uint64_t d = done_.load(std::memory_order_acquire);
      if (failed_.load()) return true;
      if (s - d >= slots) return false;
      if constexpr (in_place) return ready_.load(std::memory_order_acquire) >= log_end + max_words_;
      else return pos_ + max_words_ - (d < s ? jobs_[d % slots].ring_pos : pos_) <= ring_words();
    };
    if (!can_go()) hurry();
    wait_until(main_sleeps_, spin_iterations, can_go);
    rethrow();
    if constexpr (in_place) return sink_.log_arena().words() + log_end;
    else return ring_ + pos_ % ring_words();
  }
  // The space from acquire() now holds `used` words of chunk `cp`'s log.
  void submit(const Checkpoint& cp, std::size_t used) {
    const std::uint64_t s = submitted_.load(std::memory_order_relaxed);
    jobs_[s % slots] = Job{cp, used, pos_};
    if constexpr (!in_place) pos_ += used;
    submitted_.store(s + 1, std::memory_order_seq_cst);
    if (s + 1 - done_.load(std::memory_order_acquire) >= batch) wake(worker_sleeps_);
  }
  // Waits until every submitted chunk is in the sink and the second thread has ended (so the sink
  // and its arena are the caller's alone again); rethrows the sink's error if any.
  void finish() {
    const std::uint64_t s = submitted_.load(std::memory_order_relaxed);
    hurry();
    wait_until(main_sleeps_, spin_iterations, [&] { return done_.load(std::memory_order_acquire) == s || failed_.load(); });
    stop();
    rethrow();
  }

 private:
  struct Job {
    Checkpoint cp;
    std::size_t used = 0;
    std::uint64_t ring_pos = 0;  // copy mode: where its words start (modulo the ring size)
  };
  // Copy mode: chunk logs go one after the other into a ring that holds several worst-case chunks.
  std::uint64_t ring_words() const { return 4 * max_words_; }
  void work() {
    std::uint64_t next = 0;  // the next job
    try {
      for (;;) {
        // 1. The space the engine waits for, 2. finished chunks, 3. space for the chunk after.
        if constexpr (in_place) {
          const std::uint64_t want = want_.load(std::memory_order_acquire);
          if (ready_.load(std::memory_order_relaxed) < want) {
            prepare(want);
            continue;
          }
        }
        if (submitted_.load(std::memory_order_acquire) > next) {
          Job& job = jobs_[next % slots];
          const std::uint64_t* words;
          if constexpr (in_place) words = sink_.log_arena().words() + job.cp.log_offset;
          else words = ring_ + job.ring_pos % ring_words();
          const std::span<const std::uint64_t> log(words, job.used);
          job.cp.checksum = chunk_checksum(job.cp, log);
          sink_.chunk(job.cp, log);
          done_.store(++next, std::memory_order_seq_cst);
          wake(main_sleeps_);
          continue;
        }
        if (quit_.load()) return;
        if constexpr (in_place) {
          const std::uint64_t ahead = want_.load(std::memory_order_acquire) + max_words_;
          if (ready_.load(std::memory_order_relaxed) < ahead) {
            prepare(std::min(ahead, ready_.load(std::memory_order_relaxed) + prepare_step_words));
            continue;
          }
        }
        if (hurry_.exchange(false)) continue;  // look once more before sleeping
        wait_until(worker_sleeps_, 0, [&] {
          return submitted_.load(std::memory_order_acquire) - next >= batch || hurry_.load() || quit_.load() ||
                 (in_place && ready_.load(std::memory_order_relaxed) < want_.load(std::memory_order_acquire));
        });
      }
    } catch (...) {
      error_ = std::current_exception();
      failed_.store(true, std::memory_order_seq_cst);
      wake(main_sleeps_);
    }
  }
  void prepare(std::uint64_t words) {
    sink_.log_arena().prepare(words);
    ready_.store(words, std::memory_order_seq_cst);
    wake(main_sleeps_);
  }
  // Spins, then sleeps on the condition variable until `ready()`; `sleeping` tells the other side
  // to notify. (seq_cst store of `sleeping` then a check of `ready()`, against the other side's
  // seq_cst store then load of `sleeping`: one of the two sees the other.)
  template <class Ready>
  void wait_until(std::atomic<bool>& sleeping, int spins, Ready ready) {
    for (int i = 0; i < spins; ++i) {
      if (ready()) return;
      spin_pause();
    }
    std::unique_lock lk(m_);
    sleeping.store(true, std::memory_order_seq_cst);
    cv_.wait(lk, ready);
    sleeping.store(false, std::memory_order_relaxed);
  }
  void wake(std::atomic<bool>& sleeping) {
    if (sleeping.load(std::memory_order_seq_cst)) {
      std::lock_guard lk(m_);
      cv_.notify_all();
    }
  }
  static void spin_pause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  // The engine needs the second thread now: it drains every chunk before it sleeps again.
  void hurry() {
    hurry_.store(true, std::memory_order_seq_cst);
    wake(worker_sleeps_);
  }
  void rethrow() {
    if (failed_.load()) std::rethrow_exception(error_);
  }
  void stop() {
    quit_.store(true, std::memory_order_seq_cst);
    {
      std::lock_guard lk(m_);
      cv_.notify_all();
    }
    if (worker_.joinable()) worker_.join();
  }

  static constexpr int spin_iterations = 20000;                      // ~0.5 ms of `pause`
  static constexpr std::uint64_t batch = 16;                         // chunks per hand-over
  static constexpr std::uint64_t prepare_step_words = (1u << 20) / 8;  // look-ahead in 1 MiB steps
  Sink& sink_;
  const std::uint64_t max_words_;
  std::uint64_t* ring_ = nullptr;  // copy mode
  std::uint64_t pos_ = 0;                  // copy mode: ring position of the next chunk (main thread)
  std::array<Job, slots> jobs_{};
  std::atomic<std::uint64_t> submitted_{0}, done_{0};  // chunks handed over / finished by the sink
  std::atomic<std::uint64_t> want_{0}, ready_{0};      // in place: log words the engine needs / prepared
  std::atomic<bool> main_sleeps_{false}, worker_sleeps_{false}, quit_{false}, failed_{false}, hurry_{false};
  std::exception_ptr error_;  // set before failed_
  std::mutex m_;
  std::condition_variable cv_;
  std::thread worker_;
};
}  // namespace detail

template <class Sink, class Engine>
  requires std::invocable<Engine&, isa::CpuState&, std::uint64_t&, std::uint64_t, LoggingMemory&>
RunResult record(guest::Process& proc, const DecodedProgram& code, Sink& sink, Engine&& engine,
                 const RecordOptions& opt = {}) {
  const std::uint64_t n = opt.chunk_steps;
  check_chunk_steps(n);
  using Isa = typename engine_isa<std::remove_cvref_t<Engine>>::type;
  require_isa<Isa>(code);
  const std::uint64_t max_words = code.isa->max_log_words_per_step * n + 16;
  detail::ChunkPipeline<Sink> pipe(sink, max_words);
  LoggingMemory mem(proc.memory, proc.environment(), nullptr);

  TraceInfo info;
  info.chunk_steps = n;
  info.program_hash = proc.program.hash;
  info.args_hash = hash_arguments(proc.argv, proc.envp);
  info.platform = proc.platform;
  info.isa = std::string(code.isa->name);
  info.max_log_words_per_step = code.isa->max_log_words_per_step;
  // The input the guest reads is part of what the trace is a run of: hash what it consumes.
  ByteStreamHash input(input_hash_seed);
  proc.syscalls.observe_input([&input](const std::uint8_t* p, std::size_t k) { input.add(p, k); });
  struct StopObserving {
    guest::LinuxSyscalls& s;
    ~StopObserving() { s.observe_input({}); }
  } stop_observing{proc.syscalls};
  isa::CpuState st = initial_state(proc);
  std::uint64_t steps = 0, log_total = 0;
  RunResult r;
  for (std::uint64_t chunk = 0;; ++chunk) {
    Checkpoint cp = Checkpoint::at(st, steps);
    cp.log_offset = log_total;
    const isa::CpuState start = st;
    std::uint64_t* const buf = pipe.acquire(log_total);
    mem.set_cursor(buf);
    mem.new_chunk();
    const std::uint64_t until = std::min((chunk + 1) * n, opt.max_steps);
    r = engine(st, steps, until, mem);
    std::size_t used = static_cast<std::size_t>(mem.cursor() - buf);
    if (used > max_words) throw std::logic_error("recorder: chunk log overflow");
    if (r.reason == StopReason::paused && steps != until)
      throw std::logic_error("recorder: engine paused before the requested step");
    if (r.reason == StopReason::fault && steps > cp.step)
      used = detail::consumed_words<Isa>(code, start, cp.step, steps, {buf, used}, proc.exit_rule);
    if (steps > cp.step) {  // a fault on the first step of a chunk leaves it empty: no chunk
      cp.log_words = used;
      pipe.submit(cp, used);
      log_total += used;
      ++info.num_chunks;
    }
    if (r.reason != StopReason::paused || steps >= opt.max_steps) break;
  }
  pipe.finish();
  info.total_steps = steps;
  info.log_words = log_total;
  info.input_hash = proc.input_fixed ? proc.input_hash : input.digest();
  info.input_bytes = proc.input_fixed ? proc.input_bytes : input.bytes();
  switch (r.reason) {
    case StopReason::exited: info.stop = TraceStop::exited, info.exit_code = r.exit_code; break;
    case StopReason::ebreak: info.stop = TraceStop::ebreak; break;
    case StopReason::fault:
      info.stop = TraceStop::fault;
      info.fault_kind = r.fault->kind, info.fault_pc = r.fault->pc, info.fault_addr = r.fault->addr;
      break;
    case StopReason::paused: info.stop = TraceStop::step_limit; break;
  }
  Checkpoint last = Checkpoint::at(st, steps);
  last.log_offset = log_total;
  last.checksum = chunk_checksum(last, {});
  sink.finish(info, last);
  return r;
}

// Records with the interpreter (of instruction set Isa).
template <class Isa = isa::Rv64imac, class Sink>
RunResult record(guest::Process& proc, const DecodedProgram& code, Sink& sink, const RecordOptions& opt = {}) {
  InterpreterEngine<Isa> e(code);
  return record(proc, code, sink, e, opt);
}

}  // namespace rvtrace::trace
