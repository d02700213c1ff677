#pragma once
// RV64A on a single hart: LR/SC keep one reserved address; AMOs are a load, an op and a store.
// Their addresses must be naturally aligned (no Zam): otherwise a fault, as on hardware and qemu.
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include "rvtrace/isa/insn.hpp"

namespace rvtrace::isa {
namespace hana = boost::hana;
using namespace sem;

namespace sem {
template <class M>
constexpr void load_reserved(M& m, const Operands& o, unsigned width) {
  m.require_aligned(m.x(o.rs1), width);
  auto v = m.load(m.x(o.rs1), width, true);
  m.set_reservation(m.x(o.rs1));
  m.set_x(o.rd, v);
}
// Succeeds (stores, rd = 0) only if the reservation is on this address; always clears it.
template <class M>
constexpr void store_conditional(M& m, const Operands& o, unsigned width) {
  m.require_aligned(m.x(o.rs1), width);
  m.if_(
      m.eq(m.reservation(), m.x(o.rs1)),
      [&] { m.store(m.x(o.rs1), m.x(o.rs2), width); m.set_x(o.rd, m.imm(0)); },
      [&] { m.set_x(o.rd, m.imm(1)); });
  m.set_reservation(m.imm(-1));
}
// rd = old memory value (sign-extended for .w); memory = op(old, rs2).
template <class M, class Op>
constexpr void amo(M& m, const Operands& o, unsigned width, Op op) {
  m.require_aligned(m.x(o.rs1), width);
  auto old = m.load(m.x(o.rs1), width, true);
  m.store(m.x(o.rs1), op(old, m.x(o.rs2)), width);
  m.set_x(o.rd, old);
}
// rs2 as the .w forms compare it: sign-extended from 32 bits (old is sign-extended by the load).
template <class M>
constexpr auto operand_w(M& m, typename M::value v, unsigned width) {
  return width == 4 ? m.addw(v, m.imm(0)) : v;
}
}  // namespace sem

#define RVTRACE_AMO_PAIR(Name, funct5, mnemonic, ...)                                                  \
  RVTRACE_INSN(Name##W, AmoType, (funct5 << 27) | 0x202f, mnemonic ".w",                             \
               constexpr unsigned w = 4; amo(m, o, w, [&](auto a, auto b) { return __VA_ARGS__; }));   \
  RVTRACE_INSN(Name##D, AmoType, (funct5 << 27) | 0x302f, mnemonic ".d",                             \
               constexpr unsigned w = 8; amo(m, o, w, [&](auto a, auto b) { return __VA_ARGS__; }))

RVTRACE_INSN(LrW, LrType, 0x1000202f, "lr.w", load_reserved(m, o, 4));
RVTRACE_INSN(LrD, LrType, 0x1000302f, "lr.d", load_reserved(m, o, 8));
RVTRACE_INSN(ScW, AmoType, 0x1800202f, "sc.w", store_conditional(m, o, 4));
RVTRACE_INSN(ScD, AmoType, 0x1800302f, "sc.d", store_conditional(m, o, 8));
RVTRACE_AMO_PAIR(AmoSwap, 0x01u, "amoswap", ((void)a, b));
RVTRACE_AMO_PAIR(AmoAdd, 0x00u, "amoadd", m.add(a, b));
RVTRACE_AMO_PAIR(AmoXor, 0x04u, "amoxor", m.xor_(a, b));
RVTRACE_AMO_PAIR(AmoAnd, 0x0cu, "amoand", m.and_(a, b));
RVTRACE_AMO_PAIR(AmoOr, 0x08u, "amoor", m.or_(a, b));
RVTRACE_AMO_PAIR(AmoMin, 0x10u, "amomin",
                 m.select(m.lt(a, operand_w(m, b, w)), [&] { return a; }, [&] { return operand_w(m, b, w); }));
RVTRACE_AMO_PAIR(AmoMax, 0x14u, "amomax",
                 m.select(m.lt(a, operand_w(m, b, w)), [&] { return operand_w(m, b, w); }, [&] { return a; }));
RVTRACE_AMO_PAIR(AmoMinu, 0x18u, "amominu",
                 m.select(m.ltu(a, operand_w(m, b, w)), [&] { return a; }, [&] { return operand_w(m, b, w); }));
RVTRACE_AMO_PAIR(AmoMaxu, 0x1cu, "amomaxu",
                 m.select(m.ltu(a, operand_w(m, b, w)), [&] { return operand_w(m, b, w); }, [&] { return a; }));
#undef RVTRACE_AMO_PAIR

inline constexpr auto rv64a =
    hana::tuple_t<LrW, LrD, ScW, ScD, AmoSwapW, AmoSwapD, AmoAddW, AmoAddD, AmoXorW, AmoXorD, AmoAndW, AmoAndD,
                  AmoOrW, AmoOrD, AmoMinW, AmoMinD, AmoMaxW, AmoMaxD, AmoMinuW, AmoMinuD, AmoMaxuW, AmoMaxuD>;

}  // namespace rvtrace::isa
