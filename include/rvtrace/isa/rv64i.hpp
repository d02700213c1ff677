#pragma once
// RV64I base integer instructions.
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include "rvtrace/isa/insn.hpp"

namespace rvtrace::isa {
namespace hana = boost::hana;
using namespace sem;

RVTRACE_INSN(Lui, UType, 0x37, "lui",   m.set_x(o.rd, imm(m, o)));
RVTRACE_INSN(Auipc, UType, 0x17, "auipc", m.set_x(o.rd, m.pc_plus(o.imm)));
RVTRACE_INSN(Jal, JType, 0x6f, "jal",   m.set_x(o.rd, m.pc_plus(o.len)); m.jump(m.pc_plus(o.imm)));
// The target is computed before rd is written: rd may be rs1.
RVTRACE_INSN(Jalr, IType, 0x67, "jalr",
             auto target = m.and_(addr(m, o), m.imm(-2)); m.set_x(o.rd, m.pc_plus(o.len)); m.jump(target));

RVTRACE_INSN(Beq, BType, 0x0063, "beq",  m.branch(m.eq(rs1(m, o), rs2(m, o)), m.pc_plus(o.imm)));
RVTRACE_INSN(Bne, BType, 0x1063, "bne",  m.branch(m.ne(rs1(m, o), rs2(m, o)), m.pc_plus(o.imm)));
RVTRACE_INSN(Blt, BType, 0x4063, "blt",  m.branch(m.lt(rs1(m, o), rs2(m, o)), m.pc_plus(o.imm)));
RVTRACE_INSN(Bge, BType, 0x5063, "bge",  m.branch(m.ge(rs1(m, o), rs2(m, o)), m.pc_plus(o.imm)));
RVTRACE_INSN(Bltu, BType, 0x6063, "bltu", m.branch(m.ltu(rs1(m, o), rs2(m, o)), m.pc_plus(o.imm)));
RVTRACE_INSN(Bgeu, BType, 0x7063, "bgeu", m.branch(m.geu(rs1(m, o), rs2(m, o)), m.pc_plus(o.imm)));

RVTRACE_INSN(Lb, IType, 0x0003, "lb",  m.set_x(o.rd, m.load(addr(m, o), 1u, true)));
RVTRACE_INSN(Lh, IType, 0x1003, "lh",  m.set_x(o.rd, m.load(addr(m, o), 2u, true)));
RVTRACE_INSN(Lw, IType, 0x2003, "lw",  m.set_x(o.rd, m.load(addr(m, o), 4u, true)));
RVTRACE_INSN(Ld, IType, 0x3003, "ld",  m.set_x(o.rd, m.load(addr(m, o), 8u, true)));
RVTRACE_INSN(Lbu, IType, 0x4003, "lbu", m.set_x(o.rd, m.load(addr(m, o), 1u, false)));
RVTRACE_INSN(Lhu, IType, 0x5003, "lhu", m.set_x(o.rd, m.load(addr(m, o), 2u, false)));
RVTRACE_INSN(Lwu, IType, 0x6003, "lwu", m.set_x(o.rd, m.load(addr(m, o), 4u, false)));

RVTRACE_INSN(Sb, SType, 0x0023, "sb", m.store(addr(m, o), rs2(m, o), 1u));
RVTRACE_INSN(Sh, SType, 0x1023, "sh", m.store(addr(m, o), rs2(m, o), 2u));
RVTRACE_INSN(Sw, SType, 0x2023, "sw", m.store(addr(m, o), rs2(m, o), 4u));
RVTRACE_INSN(Sd, SType, 0x3023, "sd", m.store(addr(m, o), rs2(m, o), 8u));

RVTRACE_INSN(Addi, IType, 0x0013, "addi",  m.set_x(o.rd, m.add(rs1(m, o), imm(m, o))));
RVTRACE_INSN(Slti, IType, 0x2013, "slti",  m.set_x(o.rd, m.from_cond(m.lt(rs1(m, o), imm(m, o)))));
RVTRACE_INSN(Sltiu, IType, 0x3013, "sltiu", m.set_x(o.rd, m.from_cond(m.ltu(rs1(m, o), imm(m, o)))));
RVTRACE_INSN(Xori, IType, 0x4013, "xori",  m.set_x(o.rd, m.xor_(rs1(m, o), imm(m, o))));
RVTRACE_INSN(Ori, IType, 0x6013, "ori",   m.set_x(o.rd, m.or_(rs1(m, o), imm(m, o))));
RVTRACE_INSN(Andi, IType, 0x7013, "andi",  m.set_x(o.rd, m.and_(rs1(m, o), imm(m, o))));
RVTRACE_INSN(Slli, Shift64Type, 0x00001013, "slli", m.set_x(o.rd, m.sll(rs1(m, o), imm(m, o))));
RVTRACE_INSN(Srli, Shift64Type, 0x00005013, "srli", m.set_x(o.rd, m.srl(rs1(m, o), imm(m, o))));
RVTRACE_INSN(Srai, Shift64Type, 0x40005013, "srai", m.set_x(o.rd, m.sra(rs1(m, o), imm(m, o))));

RVTRACE_INSN(Add, RType, 0x00000033, "add",  m.set_x(o.rd, m.add(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Sub, RType, 0x40000033, "sub",  m.set_x(o.rd, m.sub(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Sll, RType, 0x00001033, "sll",  m.set_x(o.rd, m.sll(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Slt, RType, 0x00002033, "slt",  m.set_x(o.rd, m.from_cond(m.lt(rs1(m, o), rs2(m, o)))));
RVTRACE_INSN(Sltu, RType, 0x00003033, "sltu", m.set_x(o.rd, m.from_cond(m.ltu(rs1(m, o), rs2(m, o)))));
RVTRACE_INSN(Xor, RType, 0x00004033, "xor",  m.set_x(o.rd, m.xor_(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Srl, RType, 0x00005033, "srl",  m.set_x(o.rd, m.srl(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Sra, RType, 0x40005033, "sra",  m.set_x(o.rd, m.sra(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Or, RType, 0x00006033, "or",   m.set_x(o.rd, m.or_(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(And, RType, 0x00007033, "and",  m.set_x(o.rd, m.and_(rs1(m, o), rs2(m, o))));

RVTRACE_INSN(Addiw, IType, 0x001b, "addiw", m.set_x(o.rd, m.addw(rs1(m, o), imm(m, o))));
RVTRACE_INSN(Slliw, Shift32Type, 0x0000101b, "slliw", m.set_x(o.rd, m.sllw(rs1(m, o), imm(m, o))));
RVTRACE_INSN(Srliw, Shift32Type, 0x0000501b, "srliw", m.set_x(o.rd, m.srlw(rs1(m, o), imm(m, o))));
RVTRACE_INSN(Sraiw, Shift32Type, 0x4000501b, "sraiw", m.set_x(o.rd, m.sraw(rs1(m, o), imm(m, o))));
RVTRACE_INSN(Addw, RType, 0x0000003b, "addw", m.set_x(o.rd, m.addw(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Subw, RType, 0x4000003b, "subw", m.set_x(o.rd, m.subw(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Sllw, RType, 0x0000103b, "sllw", m.set_x(o.rd, m.sllw(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Srlw, RType, 0x0000503b, "srlw", m.set_x(o.rd, m.srlw(rs1(m, o), rs2(m, o))));
RVTRACE_INSN(Sraw, RType, 0x4000503b, "sraw", m.set_x(o.rd, m.sraw(rs1(m, o), rs2(m, o))));

inline constexpr auto rv64i = hana::tuple_t<
    Lui, Auipc, Jal, Jalr, Beq, Bne, Blt, Bge, Bltu, Bgeu, Lb, Lh, Lw, Ld, Lbu, Lhu, Lwu, Sb, Sh, Sw, Sd,
    Addi, Slti, Sltiu, Xori, Ori, Andi, Slli, Srli, Srai, Add, Sub, Sll, Slt, Sltu, Xor, Srl, Sra, Or, And,
    Addiw, Slliw, Srliw, Sraiw, Addw, Subw, Sllw, Srlw, Sraw>;

}  // namespace rvtrace::isa
