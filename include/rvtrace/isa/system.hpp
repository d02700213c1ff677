#pragma once
// System instructions: fences (no-ops on one hart without self-modifying code), ecall, ebreak,
// reads of the counter CSRs (all three read the number of retired steps: deterministic runs).
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include "rvtrace/isa/insn.hpp"

namespace rvtrace::isa {
namespace hana = boost::hana;

RVTRACE_INSN(Fence,  FenceType, 0x0000000f, "fence", );
RVTRACE_INSN(FenceI, FenceType, 0x0000100f, "fence.i", );
RVTRACE_INSN(Ecall, FixedType, 0x00000073, "ecall", m.ecall());
RVTRACE_INSN(Ebreak, FixedType, 0x00100073, "ebreak", m.ebreak());
RVTRACE_INSN(Rdcycle, CounterReadType, 0xc00, "rdcycle", m.set_x(o.rd, m.instret()));
RVTRACE_INSN(Rdtime, CounterReadType, 0xc01, "rdtime", m.set_x(o.rd, m.instret()));
RVTRACE_INSN(Rdinstret, CounterReadType, 0xc02, "rdinstret", m.set_x(o.rd, m.instret()));

// Not an instruction: what every undecodable word becomes (its exec raises the fault).
struct Illegal : FixedType<0, 0> {
  static constexpr std::string_view name = "illegal";
  template <class M>
  static constexpr void exec(M& m, const Operands&) { m.illegal(); }
};

inline constexpr auto system_insns = hana::tuple_t<Fence, FenceI, Ecall, Ebreak, Rdcycle, Rdtime, Rdinstret>;

}  // namespace rvtrace::isa
