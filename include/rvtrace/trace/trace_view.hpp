#pragma once
// What replay needs from a minimal trace, wherever it is stored (a file mapping, or memory):
// the summary of the run, num_chunks + 1 checkpoints (the last one is the final state) and the
// memory-read log.
#include <cstdint>
#include <cstdio>
#include <span>
#include <stdexcept>
#include <string>

#include "rvtrace/guest/fault.hpp"
#include "rvtrace/interp/logging_memory.hpp"
#include "rvtrace/trace/checkpoint.hpp"

namespace rvtrace::trace {

inline constexpr std::uint64_t default_chunk_steps = std::uint64_t{1} << 18;
inline constexpr std::uint64_t min_chunk_steps = std::uint64_t{1} << 4;
inline constexpr std::uint64_t max_chunk_steps = std::uint64_t{1} << 40;
// The CLI's default budget for trace, replay and verify (--max-steps): ~69 G steps, about a minute
// of AOT recording and several of replay; a trace claiming more is refused before any work.
inline constexpr std::uint64_t default_step_budget = std::uint64_t{1} << 36;
// The CLI's default --max-bytes for a trace file (16 GiB).
inline constexpr std::uint64_t default_max_trace_bytes = std::uint64_t{16} << 30;

// The identifiers of the platform and the ISA a trace was recorded on (at most 16 bytes each).
inline constexpr const char* default_platform = "linux";
inline constexpr const char* default_isa = "rv64imac";
inline constexpr std::size_t max_identifier_bytes = 16;

// How the traced run ended.
enum class TraceStop : std::uint8_t { exited = 0, ebreak = 1, fault = 2, step_limit = 3 };

inline const char* stop_name(TraceStop s) {
  switch (s) {
    case TraceStop::exited: return "exited";
    case TraceStop::ebreak: return "ebreak";
    case TraceStop::fault: return "fault";
    case TraceStop::step_limit: return "step limit";
  }
  return "?";
}

struct TraceInfo {
  std::uint64_t chunk_steps = default_chunk_steps;
  std::uint64_t total_steps = 0;    // steps retired (a faulting step is not retired: not in the trace)
  std::uint64_t num_chunks = 0;     // ceil(total_steps / chunk_steps)
  std::uint64_t log_words = 0;
  TraceStop stop = TraceStop::exited;
  int exit_code = 0;                // when exited
  FaultKind fault_kind{};           // when fault: kind, pc, address (step = total_steps)
  std::uint64_t fault_pc = 0, fault_addr = 0;
  std::uint64_t program_hash = 0;   // guest::Program::hash of the traced ELF
  std::uint64_t args_hash = 0;      // hash_arguments(argv, envp) of the traced process
  std::uint64_t input_hash = 0;     // InputHash of the input bytes the guest read
  std::uint64_t input_bytes = 0;    // how many it read
  std::string platform = default_platform;  // what ran the guest (its syscalls, its initial image)
  std::string isa = default_isa;            // the instruction set it was decoded as
  std::uint64_t max_log_words_per_step = isa::base_log_words_per_step;  // that set's bound

  Fault fault() const { return Fault{fault_kind, fault_pc, fault_addr, total_steps}; }
  std::uint64_t chunk_first_step(std::uint64_t i) const { return i * chunk_steps; }
  std::uint64_t chunk_end_step(std::uint64_t i) const {
    const std::uint64_t e = (i + 1) * chunk_steps;
    return e < total_steps ? e : total_steps;
  }
};

// A whole trace, or a slice of one (distribution: a worker gets only the checkpoints and log of
// the chunks it replays). A slice holds checkpoints base_chunk .. end_chunk() and the log words of
// chunks base_chunk .. end_chunk() - 1, which start at word base_log of the whole trace's log;
// chunk numbers, steps and log offsets stay those of the whole trace.
struct TraceView {
  TraceInfo info;
  std::span<const Checkpoint> checkpoints;  // num_chunks + 1 (a slice: its chunks + 1)
  std::span<const std::uint64_t> log;       // log_words (a slice: its chunks' words)
  std::uint64_t base_chunk = 0;             // checkpoints[0] is checkpoint base_chunk
  std::uint64_t base_log = 0;               // log[0] is word base_log of the trace's log
  bool slice = false;                       // a slice (trace_slice.hpp), checked as one

  bool is_slice() const { return slice; }
  // Chunks [base_chunk, end_chunk()) can be replayed from this view.
  std::uint64_t end_chunk() const { return checkpoints.empty() ? base_chunk : base_chunk + checkpoints.size() - 1; }
  const Checkpoint& checkpoint(std::uint64_t i) const { return checkpoints[i - base_chunk]; }
  // Does chunk i's log range lie inside `log`? (checked before chunk_log, which trusts it)
  bool log_in_view(std::uint64_t i) const {
    const Checkpoint& c = checkpoint(i);
    return c.log_offset >= base_log && c.log_offset - base_log <= log.size() &&
           c.log_words <= log.size() - (c.log_offset - base_log);
  }
  std::span<const std::uint64_t> chunk_log(std::uint64_t i) const {
    return log.subspan(checkpoint(i).log_offset - base_log, checkpoint(i).log_words);
  }
};


inline bool is_pow2(std::uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

inline void check_chunk_steps(std::uint64_t n) {
  if (!is_pow2(n) || n < min_chunk_steps || n > max_chunk_steps)
    throw InputError("chunk size " + std::to_string(n) + " is not a power of two between 2^4 and 2^40");
}

}  // namespace rvtrace::trace

namespace rvtrace::trace {

// Structural checks of a trace (cheap: no log hashing): chunk count, every checkpoint's step and
// log range, the final checkpoint. Throws InputError saying what and where.
inline void validate_structure(const TraceView& t) {
  const TraceInfo& in = t.info;
  auto fail = [](const std::string& what) { throw InputError(what); };
  check_chunk_steps(in.chunk_steps);
  if (static_cast<unsigned>(in.stop) > 3) fail("invalid stop reason " + std::to_string(unsigned(in.stop)));
  if (in.stop == TraceStop::fault && static_cast<unsigned>(in.fault_kind) > static_cast<unsigned>(FaultKind::step_limit))
    fail("invalid fault kind " + std::to_string(unsigned(in.fault_kind)));
  const std::uint64_t want_chunks = in.total_steps / in.chunk_steps + (in.total_steps % in.chunk_steps != 0);
  if (in.num_chunks != want_chunks)
    fail(std::to_string(in.num_chunks) + " chunks for " + std::to_string(in.total_steps) + " steps of " +
         std::to_string(in.chunk_steps) + " (expected " + std::to_string(want_chunks) + ")");
  if (t.checkpoints.size() != in.num_chunks + 1)
    fail(std::to_string(t.checkpoints.size()) + " checkpoints for " + std::to_string(in.num_chunks) + " chunks");
  if (t.log.size() != in.log_words)
    fail("log has " + std::to_string(t.log.size()) + " words, header says " + std::to_string(in.log_words));
  std::uint64_t offset = 0;
  for (std::uint64_t i = 0; i <= in.num_chunks; ++i) {
    const Checkpoint& c = t.checkpoints[i];
    const std::string where = "checkpoint " + std::to_string(i) + ": ";
    const std::uint64_t step = i < in.num_chunks ? i * in.chunk_steps : in.total_steps;
    if (c.step != step) fail(where + "step is " + std::to_string(c.step) + ", expected " + std::to_string(step));
    if (c.log_offset != offset)
      fail(where + "log offset is " + std::to_string(c.log_offset) + ", expected " + std::to_string(offset));
    const std::uint64_t steps = i < in.num_chunks ? in.chunk_end_step(i) - step : 0;
    if (c.log_words > in.max_log_words_per_step * steps)
      fail(where + std::to_string(c.log_words) + " log words for " + std::to_string(steps) + " steps (at most " +
           std::to_string(in.max_log_words_per_step) + " per step)");
    offset += c.log_words;
  }
  if (offset != in.log_words)
    fail("chunks hold " + std::to_string(offset) + " log words, header says " + std::to_string(in.log_words));
  const Checkpoint& last = t.checkpoints[in.num_chunks];
  if (last.checksum != chunk_checksum(last, {}))
    fail("checkpoint " + std::to_string(in.num_chunks) + " (final state): checksum mismatch");
  if (in.stop == TraceStop::fault && last.pc != in.fault_pc)
    fail("the final pc differs from the recorded fault's pc");
}

// The checks of validate_structure that a slice (TraceView::is_slice) allows: its checkpoints are
// consecutive chunks of the trace and its log holds exactly their words.
inline void validate_slice(const TraceView& t) {
  const TraceInfo& in = t.info;
  auto fail = [](const std::string& what) { throw InputError("trace slice: " + what); };
  check_chunk_steps(in.chunk_steps);
  if (t.checkpoints.empty() || t.end_chunk() > in.num_chunks)
    fail("chunks " + std::to_string(t.base_chunk) + ".." + std::to_string(t.end_chunk()) + " are not within the " +
         std::to_string(in.num_chunks) + " chunks of the trace");
  std::uint64_t offset = t.base_log;
  for (std::uint64_t i = t.base_chunk; i <= t.end_chunk(); ++i) {
    const Checkpoint& c = t.checkpoint(i);
    const std::string where = "checkpoint " + std::to_string(i) + ": ";
    const std::uint64_t step = i < in.num_chunks ? i * in.chunk_steps : in.total_steps;
    if (c.step != step) fail(where + "step is " + std::to_string(c.step) + ", expected " + std::to_string(step));
    if (c.log_offset != offset)
      fail(where + "log offset is " + std::to_string(c.log_offset) + ", expected " + std::to_string(offset));
    if (i < t.end_chunk()) offset += c.log_words;
  }
  if (offset - t.base_log != t.log.size())
    fail("its chunks hold " + std::to_string(offset - t.base_log) + " log words, the slice has " +
         std::to_string(t.log.size()));
}

}  // namespace rvtrace::trace
