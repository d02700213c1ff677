#pragma once
// What a trace policy sees for every retired step, and how the interpreter detects what a policy
// wants: a policy without on_step costs nothing per step.
#include <cstdint>
#include <span>

#include "rvtrace/isa/instruction_set.hpp"
#include "rvtrace/isa/operands.hpp"

namespace rvtrace {

struct MemAccess {
  std::uint64_t addr = 0;
  std::uint64_t value = 0;   // value loaded (raw, zero-extended) or stored (low `width` bytes)
  std::uint8_t width = 0;    // 0: no access
  bool is_store = false;
};

struct StepRecord {
  std::uint64_t step = 0;           // 0-based index of this step
  std::uint64_t pc = 0;
  std::uint64_t next_pc = 0;
  const isa::Decoded* insn = nullptr;  // id, operands, word as stored (16 bits if compressed)
  std::uint8_t rd = 0;              // register written, 0 if none (writes to x0 are not writes)
  std::uint64_t rd_value = 0;
  MemAccess load, store;            // an AMO has both
  // Every access of a host call (isa/host_call.hpp), in order; load and store stay empty then.
  std::span<const MemAccess> host_accesses;
  // Source register values before the step; filled only for policies that declare
  // `static constexpr bool reads_operands = true;` (others pay nothing). rs1/rs2 as decoded
  // (0 when the format has none, so the value is 0).
  std::uint64_t rs1_value = 0, rs2_value = 0;
};

template <class P>
concept StepPolicy = requires(P& p, const StepRecord& s) { p.on_step(s); };

// Does the policy want StepRecord::rs1_value / rs2_value?
template <class P>
inline constexpr bool reads_operands_v = requires { requires P::reads_operands; };

// The policy that records nothing.
struct NoTrace {};

}  // namespace rvtrace
