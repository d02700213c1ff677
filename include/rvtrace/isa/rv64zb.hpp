#pragma once
// Zba and Zbb (ratified bit manipulation, RISC-V unprivileged spec, "B" chapter), RV64 forms. Not in
// the default instruction set: Rv64imacZba / Rv64imacZbaZbb below add them (the CLI's --isa).
// The AOT translator also uses Rori, Roriw and Andn as the meaning of the shift/or and xori/and idioms
// of plain RV64I code (aot/translator.hpp: rewrites).
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include "rvtrace/isa/insn.hpp"
#include "rvtrace/isa/instruction_set.hpp"

namespace rvtrace::isa {
namespace hana = boost::hana;
using namespace sem;

namespace sem {
template <class M, class V>
constexpr auto zext32(M& m, V v) { return m.and_(v, m.imm(0xffffffff)); }
template <class M, class V>
constexpr auto not_(M& m, V v) { return m.xor_(v, m.imm(-1)); }
// rd = (rs1 << n) + rs2, rs1 zero-extended from 32 bits first for the .uw forms
template <class M>
constexpr void shift_add(M& m, const Operands& o, unsigned n, bool uw) {
  const auto a = uw ? zext32(m, rs1(m, o)) : rs1(m, o);
  m.set_x(o.rd, m.add(m.sll(a, m.imm(n)), rs2(m, o)));
}
}  // namespace sem

// ---- Zba: address generation ----
RVTRACE_INSN(Sh1add, RType, 0x20002033, "sh1add", shift_add(m, o, 1, false));
RVTRACE_INSN(Sh2add, RType, 0x20004033, "sh2add", shift_add(m, o, 2, false));
RVTRACE_INSN(Sh3add, RType, 0x20006033, "sh3add", shift_add(m, o, 3, false));
RVTRACE_INSN(AddUw, RType, 0x0800003b, "add.uw", shift_add(m, o, 0, true));
RVTRACE_INSN(Sh1addUw, RType, 0x2000203b, "sh1add.uw", shift_add(m, o, 1, true));
RVTRACE_INSN(Sh2addUw, RType, 0x2000403b, "sh2add.uw", shift_add(m, o, 2, true));
RVTRACE_INSN(Sh3addUw, RType, 0x2000603b, "sh3add.uw", shift_add(m, o, 3, true));
RVTRACE_INSN(SlliUw, Shift64Type, 0x0800101b, "slli.uw", m.set_x(o.rd, m.sll(zext32(m, rs1(m, o)), imm(m, o))));

// ---- Zbb: basic bit manipulation ----
RVTRACE_INSN(Andn, RType, 0x40007033, "andn", m.set_x(o.rd, m.and_(rs1(m, o), not_(m, rs2(m, o)))));
RVTRACE_INSN(Orn, RType, 0x40006033, "orn", m.set_x(o.rd, m.or_(rs1(m, o), not_(m, rs2(m, o)))));
RVTRACE_INSN(Xnor, RType, 0x40004033, "xnor", m.set_x(o.rd, not_(m, m.xor_(rs1(m, o), rs2(m, o)))));
RVTRACE_INSN(Clz, UnaryType, 0x60001013, "clz", m.set_x(o.rd, m.clz(rs1(m, o))));
RVTRACE_INSN(Ctz, UnaryType, 0x60101013, "ctz", m.set_x(o.rd, m.ctz(rs1(m, o))));
RVTRACE_INSN(Cpop, UnaryType, 0x60201013, "cpop", m.set_x(o.rd, m.cpop(rs1(m, o))));
// W forms on 64-bit counts: the low word moved up with a stop bit below it (clzw), a stop bit at 32
// (ctzw), the low word alone (cpopw).
RVTRACE_INSN(Clzw, UnaryType, 0x6000101b, "clzw",
             m.set_x(o.rd, m.clz(m.or_(m.sll(rs1(m, o), m.imm(32)), m.imm(0x80000000)))));
RVTRACE_INSN(Ctzw, UnaryType, 0x6010101b, "ctzw", m.set_x(o.rd, m.ctz(m.or_(rs1(m, o), m.imm(std::int64_t{1} << 32)))));
RVTRACE_INSN(Cpopw, UnaryType, 0x6020101b, "cpopw", m.set_x(o.rd, m.cpop(zext32(m, rs1(m, o)))));
RVTRACE_INSN(Max, RType, 0x0a006033, "max",
             m.set_x(o.rd, m.select(m.lt(rs1(m, o), rs2(m, o)), [&] { return rs2(m, o); }, [&] { return rs1(m, o); })));
RVTRACE_INSN(Maxu, RType, 0x0a007033, "maxu",
             m.set_x(o.rd, m.select(m.ltu(rs1(m, o), rs2(m, o)), [&] { return rs2(m, o); }, [&] { return rs1(m, o); })));
RVTRACE_INSN(Min, RType, 0x0a004033, "min",
             m.set_x(o.rd, m.select(m.lt(rs1(m, o), rs2(m, o)), [&] { return rs1(m, o); }, [&] { return rs2(m, o); })));
RVTRACE_INSN(Minu, RType, 0x0a005033, "minu",
             m.set_x(o.rd, m.select(m.ltu(rs1(m, o), rs2(m, o)), [&] { return rs1(m, o); }, [&] { return rs2(m, o); })));
RVTRACE_INSN(SextB, UnaryType, 0x60401013, "sext.b", m.set_x(o.rd, m.sra(m.sll(rs1(m, o), m.imm(56)), m.imm(56))));
RVTRACE_INSN(SextH, UnaryType, 0x60501013, "sext.h", m.set_x(o.rd, m.sra(m.sll(rs1(m, o), m.imm(48)), m.imm(48))));
RVTRACE_INSN(ZextH, UnaryType, 0x0800403b, "zext.h", m.set_x(o.rd, m.and_(rs1(m, o), m.imm(0xffff))));
// rol = ror by the negated amount (both are taken mod 64 / mod 32)
RVTRACE_INSN(Rol, RType, 0x60001033, "rol", m.set_x(o.rd, m.ror(rs1(m, o), m.sub(m.imm(0), rs2(m, o)))));
RVTRACE_INSN(Ror, RType, 0x60005033, "ror", m.set_x(o.rd, m.ror(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Rolw, RType, 0x6000103b, "rolw", m.set_x(o.rd, m.rorw(rs1(m, o), m.sub(m.imm(0), rs2(m, o)))));
RVTRACE_INSN(Rorw, RType, 0x6000503b, "rorw", m.set_x(o.rd, m.rorw(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Rori, Shift64Type, 0x60005013, "rori", m.set_x(o.rd, m.ror(rs1(m, o), imm(m, o))));
RVTRACE_INSN(Roriw, Shift32Type, 0x6000501b, "roriw", m.set_x(o.rd, m.rorw(rs1(m, o), imm(m, o))));
RVTRACE_INSN(OrcB, UnaryType, 0x28705013, "orc.b", m.set_x(o.rd, m.orc_b(rs1(m, o))));
RVTRACE_INSN(Rev8, UnaryType, 0x6b805013, "rev8", m.set_x(o.rd, m.rev8(rs1(m, o))));

inline constexpr auto rv64zba = hana::tuple_t<Sh1add, Sh2add, Sh3add, AddUw, Sh1addUw, Sh2addUw, Sh3addUw, SlliUw>;
inline constexpr auto rv64zbb =
    hana::tuple_t<Andn, Orn, Xnor, Clz, Ctz, Cpop, Clzw, Ctzw, Cpopw, Max, Maxu, Min, Minu, SextB, SextH, ZextH,
                  Rol, Ror, Rolw, Rorw, Rori, Roriw, OrcB, Rev8>;

// The built-in instruction sets with them. Zba's ids come before Zbb's, so rv64imac and
// rv64imac_zba are prefixes of rv64imac_zba_zbb: its engines run programs decoded for either.
struct Rv64imacZba : InstructionSetOf<decltype(rv64zba)> {
  static constexpr std::string_view name = "rv64imac_zba";
};
struct Rv64imacZbaZbb : InstructionSetOf<decltype(rv64zba), decltype(rv64zbb)> {
  static constexpr std::string_view name = "rv64imac_zba_zbb";
};

}  // namespace rvtrace::isa
