#pragma once
// RV64M: multiplication and division (the backends give /0 and overflow their RISC-V results).
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include "rvtrace/isa/insn.hpp"

namespace rvtrace::isa {
namespace hana = boost::hana;
using namespace sem;

RVTRACE_INSN(Mul, RType, 0x02000033, "mul",    m.set_x(o.rd, m.mul(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Mulh, RType, 0x02001033, "mulh",   m.set_x(o.rd, m.mulh(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Mulhsu, RType, 0x02002033, "mulhsu", m.set_x(o.rd, m.mulhsu(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Mulhu, RType, 0x02003033, "mulhu",  m.set_x(o.rd, m.mulhu(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Div, RType, 0x02004033, "div",    m.set_x(o.rd, m.div(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Divu, RType, 0x02005033, "divu",   m.set_x(o.rd, m.divu(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Rem, RType, 0x02006033, "rem",    m.set_x(o.rd, m.rem(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Remu, RType, 0x02007033, "remu",   m.set_x(o.rd, m.remu(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Mulw, RType, 0x0200003b, "mulw",   m.set_x(o.rd, m.mulw(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Divw, RType, 0x0200403b, "divw",   m.set_x(o.rd, m.divw(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Divuw, RType, 0x0200503b, "divuw",  m.set_x(o.rd, m.divuw(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Remw, RType, 0x0200603b, "remw",   m.set_x(o.rd, m.remw(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Remuw, RType, 0x0200703b, "remuw",  m.set_x(o.rd, m.remuw(rs1(m, o), rs2(m, o))));

inline constexpr auto rv64m =
    hana::tuple_t<Mul, Mulh, Mulhsu, Mulhu, Div, Divu, Rem, Remu, Mulw, Divw, Divuw, Remw, Remuw>;

}  // namespace rvtrace::isa
