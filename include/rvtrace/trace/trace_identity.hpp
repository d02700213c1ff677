#pragma once
// A trace's summary (TraceInfo) as words, and the identity derived from it: what a trace slice
// carries to a worker, and what a partial result names so that only results of the same trace
// are merged.
#include <array>
#include <cstdint>

#include "rvtrace/trace/hash.hpp"
#include "rvtrace/trace/trace_view.hpp"

namespace rvtrace::trace {

inline constexpr std::size_t info_words = 8;

inline std::array<std::uint64_t, info_words> to_words(const TraceInfo& in) {
  return {in.chunk_steps,
          in.total_steps,
          in.num_chunks,
          in.log_words,
          std::uint64_t(in.stop) | std::uint64_t(in.fault_kind) << 8 |
              std::uint64_t(static_cast<std::uint32_t>(in.exit_code)) << 32,
          in.fault_pc,
          in.fault_addr,
          in.program_hash};
}

// Throws InputError when the stop word is invalid (the rest is checked by validate_slice).
inline TraceInfo info_from_words(const std::uint64_t* w) {
  TraceInfo in;
  in.chunk_steps = w[0];
  in.total_steps = w[1];
  in.num_chunks = w[2];
  in.log_words = w[3];
  if ((w[4] & 0xffff0000ull) != 0 || (w[4] & 0xff) > 3) throw InputError("bad stop word in a trace summary");
  in.stop = static_cast<TraceStop>(w[4] & 0xff);
  in.fault_kind = static_cast<FaultKind>((w[4] >> 8) & 0xff);
  in.exit_code = static_cast<std::int32_t>(static_cast<std::uint32_t>(w[4] >> 32));
  in.fault_pc = w[5];
  in.fault_addr = w[6];
  in.program_hash = w[7];
  return in;
}

// Equal for the same recorded run (same program, chunk size, steps, log size and stop).
inline std::uint64_t trace_id(const TraceInfo& in) {
  WordHash h(0x52564d54'49443031ull);  // "RVMTID01"
  for (std::uint64_t w : to_words(in)) h.add(w);
  return h.digest();
}

}  // namespace rvtrace::trace
