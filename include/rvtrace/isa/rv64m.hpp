#pragma once
// RV64M: multiplication and division.
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include "rvtrace/isa/insn.hpp"

namespace rvtrace::isa {
namespace hana = boost::hana;

// The one statement of RISC-V's division edge cases (division never traps): x/0 = all ones, x%0 = x,
// MIN/-1 = MIN (= -MIN, wrapped), MIN%-1 = 0; the W forms decide on the low 32 bits and sign-extend.
// Only the remaining cases reach the backends' unchecked division.
namespace sem {
template <class M, class V>
constexpr auto div_s(M& m, V a, V b) {
  return m.select(m.eq(b, m.imm(0)), [&] { return m.imm(-1); }, [&] {
    return m.select(m.eq(b, m.imm(-1)), [&] { return m.sub(m.imm(0), a); }, [&] { return m.div_unchecked(a, b); });
  });
}
template <class M, class V>
constexpr auto rem_s(M& m, V a, V b) {
  return m.select(m.eq(b, m.imm(0)), [&] { return a; }, [&] {
    return m.select(m.eq(b, m.imm(-1)), [&] { return m.imm(0); }, [&] { return m.rem_unchecked(a, b); });
  });
}
template <class M, class V>
constexpr auto div_u(M& m, V a, V b) {
  return m.select(m.eq(b, m.imm(0)), [&] { return m.imm(-1); }, [&] { return m.divu_unchecked(a, b); });
}
template <class M, class V>
constexpr auto rem_u(M& m, V a, V b) {
  return m.select(m.eq(b, m.imm(0)), [&] { return a; }, [&] { return m.remu_unchecked(a, b); });
}
template <class M, class V>
constexpr auto divw_s(M& m, V a, V b) {
  const auto b32 = m.addw(b, m.imm(0));
  return m.select(m.eq(b32, m.imm(0)), [&] { return m.imm(-1); }, [&] {
    return m.select(m.eq(b32, m.imm(-1)), [&] { return m.subw(m.imm(0), a); }, [&] { return m.divw_unchecked(a, b); });
  });
}
template <class M, class V>
constexpr auto remw_s(M& m, V a, V b) {
  const auto b32 = m.addw(b, m.imm(0));
  return m.select(m.eq(b32, m.imm(0)), [&] { return m.addw(a, m.imm(0)); }, [&] {
    return m.select(m.eq(b32, m.imm(-1)), [&] { return m.imm(0); }, [&] { return m.remw_unchecked(a, b); });
  });
}
template <class M, class V>
constexpr auto divw_u(M& m, V a, V b) {
  return m.select(m.eq(m.addw(b, m.imm(0)), m.imm(0)), [&] { return m.imm(-1); }, [&] { return m.divuw_unchecked(a, b); });
}
template <class M, class V>
constexpr auto remw_u(M& m, V a, V b) {
  return m.select(m.eq(m.addw(b, m.imm(0)), m.imm(0)), [&] { return m.addw(a, m.imm(0)); },
                  [&] { return m.remuw_unchecked(a, b); });
}
}  // namespace sem
using namespace sem;

RVTRACE_INSN(Mul, RType, 0x02000033, "mul",    m.set_x(o.rd, m.mul(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Mulh, RType, 0x02001033, "mulh",   m.set_x(o.rd, m.mulh(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Mulhsu, RType, 0x02002033, "mulhsu", m.set_x(o.rd, m.mulhsu(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Mulhu, RType, 0x02003033, "mulhu",  m.set_x(o.rd, m.mulhu(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Div, RType, 0x02004033, "div",    m.set_x(o.rd, div_s(m, rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Divu, RType, 0x02005033, "divu",   m.set_x(o.rd, div_u(m, rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Rem, RType, 0x02006033, "rem",    m.set_x(o.rd, rem_s(m, rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Remu, RType, 0x02007033, "remu",   m.set_x(o.rd, rem_u(m, rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Mulw, RType, 0x0200003b, "mulw",   m.set_x(o.rd, m.mulw(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Divw, RType, 0x0200403b, "divw",   m.set_x(o.rd, divw_s(m, rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Divuw, RType, 0x0200503b, "divuw",  m.set_x(o.rd, divw_u(m, rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Remw, RType, 0x0200603b, "remw",   m.set_x(o.rd, remw_s(m, rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Remuw, RType, 0x0200703b, "remuw",  m.set_x(o.rd, remw_u(m, rs1(m, o), rs2(m, o))));

inline constexpr auto rv64m =
    hana::tuple_t<Mul, Mulh, Mulhsu, Mulhu, Div, Divu, Rem, Remu, Mulw, Divw, Divuw, Remw, Remuw>;

}  // namespace rvtrace::isa
