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
#include <algorithm>
#include <array>
#include <concepts>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <span>
#include <stdexcept>
#include <vector>

#include "rvtrace/guest/process.hpp"
#include "rvtrace/interp/logging_memory.hpp"
#include "rvtrace/interp/machine.hpp"
#include "rvtrace/interp/program.hpp"
#include "rvtrace/interp/run.hpp"
#include "rvtrace/trace/checkpoint.hpp"
#include "rvtrace/trace/replay_memory.hpp"
#include "rvtrace/trace/trace_view.hpp"

namespace rvtrace::trace {

struct RecordOptions {
  std::uint64_t chunk_steps = default_chunk_steps;  // power of two, 2^4 .. 2^40
  std::uint64_t max_steps = ~std::uint64_t{0};      // stop (TraceStop::step_limit) after this many
};

// The interpreter as a recorder engine.
class InterpreterEngine {
 public:
  explicit InterpreterEngine(const DecodedProgram& code) : code_(code) {}
  RunResult operator()(isa::CpuState& s, std::uint64_t& steps, std::uint64_t until, LoggingMemory& mem) {
    if (!m_ || &m_->memory() != &mem) m_.emplace(code_, mem);
    return m_->run_from(s, steps, until);
  }

 private:
  const DecodedProgram& code_;
  std::optional<Machine<LoggingMemory>> m_;
};

namespace detail {
// Replays [from.step, to_step) of a chunk against its log to count the words those steps consume.
inline std::size_t consumed_words(const DecodedProgram& code, const isa::CpuState& from, std::uint64_t from_step,
                                  std::uint64_t to_step, std::span<const std::uint64_t> log) {
  ReplayMemory mem(log);
  Machine<ReplayMemory> m(code, mem);
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

namespace detail {
// Hands finished chunks (checksum + sink) to a second thread, so that the engine can run the next
// chunk meanwhile: the log is gigabytes per second and hashing/writing it costs more than producing
// it. Two chunk buffers alternate; the sink sees chunks in order, from one thread at a time.
template <class Sink>
class ChunkPipeline {
 public:
  ChunkPipeline(Sink& sink, std::size_t buffer_words) : sink_(sink) {
    for (auto& b : buffers_) b.resize(buffer_words);
    worker_ = std::thread([this] { work(); });
  }
  ChunkPipeline(const ChunkPipeline&) = delete;
  ~ChunkPipeline() { stop(); }

  // A buffer the engine may fill now (waits until the sink is done with it).
  std::uint64_t* acquire() {
    std::unique_lock lk(m_);
    cv_.wait(lk, [&] { return !busy_[next_] || error_; });
    rethrow_locked();
    return buffers_[next_].data();
  }
  std::size_t capacity() const { return buffers_[0].size(); }
  // The buffer from acquire() now holds `used` words of chunk `cp`'s log.
  void submit(const Checkpoint& cp, std::size_t used) {
    std::lock_guard lk(m_);
    busy_[next_] = true;
    jobs_.push_back(Job{cp, next_, used});
    next_ ^= 1;
    cv_.notify_all();
  }
  // Waits until every submitted chunk is in the sink; rethrows the sink's error if any.
  void drain() {
    std::unique_lock lk(m_);
    cv_.wait(lk, [&] { return (!busy_[0] && !busy_[1]) || error_; });
    rethrow_locked();
  }

 private:
  struct Job {
    Checkpoint cp;
    unsigned buffer;
    std::size_t used;
  };
  void work() {
    for (;;) {
      Job job;
      {
        std::unique_lock lk(m_);
        cv_.wait(lk, [&] { return !jobs_.empty() || quit_; });
        if (jobs_.empty()) return;
        job = jobs_.front();
        jobs_.pop_front();
      }
      try {
        const std::span<const std::uint64_t> words(buffers_[job.buffer].data(), job.used);
        job.cp.checksum = chunk_checksum(job.cp, words);
        sink_.chunk(job.cp, words);
      } catch (...) {
        std::lock_guard lk(m_);
        error_ = std::current_exception();
      }
      std::lock_guard lk(m_);
      busy_[job.buffer] = false;
      cv_.notify_all();
    }
  }
  void rethrow_locked() {
    if (error_) std::rethrow_exception(error_);
  }
  void stop() {
    {
      std::lock_guard lk(m_);
      quit_ = true;
      cv_.notify_all();
    }
    if (worker_.joinable()) worker_.join();
  }

  Sink& sink_;
  std::array<std::vector<std::uint64_t>, 2> buffers_;
  std::array<bool, 2> busy_{};
  unsigned next_ = 0;
  std::deque<Job> jobs_;  // at most two: one per buffer
  bool quit_ = false;
  std::exception_ptr error_;
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
  detail::ChunkPipeline<Sink> pipe(sink, static_cast<std::size_t>(max_log_words_per_step * n + 16));
  LoggingMemory mem(proc.memory, proc.syscalls, nullptr);

  TraceInfo info;
  info.chunk_steps = n;
  info.program_hash = proc.program.hash;
  isa::CpuState st = initial_state(proc);
  std::uint64_t steps = 0, log_total = 0;
  RunResult r;
  for (std::uint64_t chunk = 0;; ++chunk) {
    Checkpoint cp = Checkpoint::at(st, steps);
    cp.log_offset = log_total;
    const isa::CpuState start = st;
    std::uint64_t* const buf = pipe.acquire();
    mem.set_cursor(buf);
    const std::uint64_t until = std::min((chunk + 1) * n, opt.max_steps);
    r = engine(st, steps, until, mem);
    std::size_t used = static_cast<std::size_t>(mem.cursor() - buf);
    if (used > pipe.capacity()) throw std::logic_error("recorder: chunk log overflow");
    if (r.reason == StopReason::paused && steps != until)
      throw std::logic_error("recorder: engine paused before the requested step");
    if (r.reason == StopReason::fault && steps > cp.step)
      used = detail::consumed_words(code, start, cp.step, steps, {buf, used});
    if (steps > cp.step) {  // a fault on the first step of a chunk leaves it empty: no chunk
      cp.log_words = used;
      pipe.submit(cp, used);
      log_total += used;
      ++info.num_chunks;
    }
    if (r.reason != StopReason::paused || steps >= opt.max_steps) break;
  }
  pipe.drain();
  info.total_steps = steps;
  info.log_words = log_total;
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

// Records with the interpreter.
template <class Sink>
RunResult record(guest::Process& proc, const DecodedProgram& code, Sink& sink, const RecordOptions& opt = {}) {
  InterpreterEngine e(code);
  return record(proc, code, sink, e, opt);
}

}  // namespace rvtrace::trace
