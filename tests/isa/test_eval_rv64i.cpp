// RV64I register/immediate arithmetic, control transfer: one or more compile-time tests per
// instruction, run through the whole path eval_word(with_regs(...), encode<Insn>(...)).
// Expected values are worked out by hand from the RISC-V unprivileged spec (chapters RV32I/RV64I).
#include "isa_test.hpp"

using namespace isa_test;
using std::int64_t;

namespace {
// R-type op with x1 = a, x2 = b, rd = x3: x3 must become `want`, pc must advance by 4, sources intact.
template <class Insn>
constexpr bool rr(u64 a, u64 b, u64 want) {
  const EvalState s = eval_word(with_regs({{1, a}, {2, b}}), encode<Insn>(3, 1, 2));
  return s.x(3) == want && s.cpu.pc == PC + 4 && s.x(1) == a && s.x(2) == b && s.steps == 1;
}
// I-type / shift-immediate op with x1 = a, rd = x3.
template <class Insn>
constexpr bool ri(u64 a, int64_t imm, u64 want) {
  const EvalState s = eval_word(with_regs({{1, a}}), encode<Insn>(3, 1, imm));
  return s.x(3) == want && s.cpu.pc == PC + 4 && s.x(1) == a;
}
template <class Insn>
constexpr bool sh(u64 a, unsigned shamt, u64 want) {
  const EvalState s = eval_word(with_regs({{1, a}}), encode<Insn>(3, 1, shamt));
  return s.x(3) == want && s.cpu.pc == PC + 4 && s.x(1) == a;
}
// Branch with x1 = a, x2 = b at pc: where does it go?
template <class Insn>
constexpr u64 br(u64 a, u64 b, int64_t off, u64 pc = PC) {
  return eval_word(with_regs({{1, a}, {2, b}}, pc), encode<Insn>(1, 2, off)).cpu.pc;
}
}  // namespace

TEST_CASE("lui: imm<<12, sign-extended from bit 31", "[isa][eval][rv64i]") {
  STATIC_REQUIRE(eval_word(with_regs({}), encode<Lui>(5, 0x12345000)).x(5) == 0x12345000);
  STATIC_REQUIRE(eval_word(with_regs({}), encode<Lui>(5, 0x12345000)).cpu.pc == PC + 4);
  // lui 0x80000: 0x80000000 has bit 31 set -> 0xffffffff80000000 on RV64.
  STATIC_REQUIRE(eval_word(with_regs({}), encode<Lui>(5, INT32_MIN)).x(5) == 0xffff'ffff'8000'0000);
  // lui 0xfffff -> 0xfffff000 sign-extended.
  STATIC_REQUIRE(eval_word(with_regs({}), encode<Lui>(5, -4096)).x(5) == 0xffff'ffff'ffff'f000);
  // lui 0x7ffff: largest positive.
  STATIC_REQUIRE(eval_word(with_regs({{5, 77}}), encode<Lui>(5, 0x7ffff000)).x(5) == 0x7ffff000);
  // rd = x0: dropped.
  STATIC_REQUIRE(eval_word(with_regs({}), encode<Lui>(0, 0x1000)).x(0) == 0);
}

TEST_CASE("auipc: pc + (imm<<12), negative offsets", "[isa][eval][rv64i]") {
  STATIC_REQUIRE(eval_word(with_regs({}), encode<Auipc>(6, 0x1000)).x(6) == 0x11000);
  STATIC_REQUIRE(eval_word(with_regs({}), encode<Auipc>(6, 0x1000)).cpu.pc == PC + 4);
  STATIC_REQUIRE(eval_word(with_regs({}), encode<Auipc>(6, 0)).x(6) == PC);
  // 0x10000 - 0x10000 = 0
  STATIC_REQUIRE(eval_word(with_regs({}), encode<Auipc>(6, -0x10000)).x(6) == 0);
  // 0x10000 + sext(0x80000000) = 0x10000 - 2^31 = 0xffffffff80010000
  STATIC_REQUIRE(eval_word(with_regs({}), encode<Auipc>(6, INT32_MIN)).x(6) == 0xffff'ffff'8001'0000);
  // 0x10000 + 0x7ffff000 = 0x8000f000 (no sign extension of the sum on RV64)
  STATIC_REQUIRE(eval_word(with_regs({}), encode<Auipc>(6, 0x7ffff000)).x(6) == 0x8000'f000);
  // at a high pc: 0x80000000 + (-4096) = 0x7ffff000
  STATIC_REQUIRE(eval_word(with_regs({}, 0x8000'0000), encode<Auipc>(6, -4096)).x(6) == 0x7fff'f000);
}

TEST_CASE("jal: link pc+4, +-1MiB offsets", "[isa][eval][rv64i]") {
  constexpr EvalState a = eval_word(with_regs({}), encode<Jal>(1, 0x800));
  STATIC_REQUIRE(a.x(1) == PC + 4);
  STATIC_REQUIRE(a.cpu.pc == PC + 0x800);
  // max forward: 2^20 - 2 = 0xffffe -> 0x10000 + 0xffffe = 0x10fffe
  STATIC_REQUIRE(eval_word(with_regs({}), encode<Jal>(1, 0xffffe)).cpu.pc == 0x10'fffe);
  // max backward: -2^20 from 0x200000 -> 0x100000, link 0x200004
  constexpr EvalState b = eval_word(with_regs({}, 0x20'0000), encode<Jal>(1, -0x10'0000));
  STATIC_REQUIRE(b.cpu.pc == 0x10'0000);
  STATIC_REQUIRE(b.x(1) == 0x20'0004);
  STATIC_REQUIRE(eval_word(with_regs({}), encode<Jal>(1, -4)).cpu.pc == PC - 4);
  // j (rd = x0): no link written
  constexpr EvalState c = eval_word(with_regs({}), encode<Jal>(0, 8));
  STATIC_REQUIRE(c.x(0) == 0);
  STATIC_REQUIRE(c.cpu.pc == PC + 8);
}

TEST_CASE("jalr: (rs1+imm) & ~1, rd == rs1", "[isa][eval][rv64i]") {
  // 0x2000 + 3 = 0x2003, bit 0 cleared -> 0x2002
  constexpr EvalState a = eval_word(with_regs({{5, 0x2000}}), encode<Jalr>(1, 5, 3));
  STATIC_REQUIRE(a.cpu.pc == 0x2002);
  STATIC_REQUIRE(a.x(1) == PC + 4);
  STATIC_REQUIRE(a.x(5) == 0x2000);
  // 0x3000 - 2048 = 0x2800
  STATIC_REQUIRE(eval_word(with_regs({{5, 0x3000}}), encode<Jalr>(1, 5, -2048)).cpu.pc == 0x2800);
  // 0x1000 + 2047 = 0x17ff -> 0x17fe
  STATIC_REQUIRE(eval_word(with_regs({{5, 0x1000}}), encode<Jalr>(1, 5, 2047)).cpu.pc == 0x17fe);
  // rd == rs1: the target uses the old rs1 (0x4000 + 4), then rd gets the link
  constexpr EvalState b = eval_word(with_regs({{5, 0x4000}}), encode<Jalr>(5, 5, 4));
  STATIC_REQUIRE(b.cpu.pc == 0x4004);
  STATIC_REQUIRE(b.x(5) == PC + 4);
  // odd register value, imm 0: 0x4001 -> 0x4000; rd = x0 (ret-like) links nothing
  constexpr EvalState c = eval_word(with_regs({{1, 0x4001}}), encode<Jalr>(0, 1, 0));
  STATIC_REQUIRE(c.cpu.pc == 0x4000);
  STATIC_REQUIRE(c.x(0) == 0);
  // wrap-around: 1 + (-1) = 0 -> pc 0
  STATIC_REQUIRE(eval_word(with_regs({{5, 1}}), encode<Jalr>(1, 5, -1)).cpu.pc == 0);
}

TEST_CASE("branches: taken/not taken, signed vs unsigned, +-4KiB", "[isa][eval][rv64i]") {
  // beq
  STATIC_REQUIRE(br<Beq>(7, 7, 0x100) == PC + 0x100);
  STATIC_REQUIRE(br<Beq>(7, 8, 0x100) == PC + 4);
  STATIC_REQUIRE(br<Beq>(0, 0, -4096) == PC - 0x1000);   // min offset -2^12
  STATIC_REQUIRE(br<Beq>(0, 0, 4094) == PC + 0xffe);     // max offset 2^12 - 2
  STATIC_REQUIRE(br<Beq>(ONES, ONES, -2) == PC - 2);
  // bne
  STATIC_REQUIRE(br<Bne>(1, 2, -4096) == PC - 0x1000);
  STATIC_REQUIRE(br<Bne>(2, 2, -4096) == PC + 4);
  STATIC_REQUIRE(br<Bne>(I64_MIN, 0, 4094) == PC + 0xffe);
  // blt (signed): -1 < 1 taken; 1 < -1 not; equal not; INT64_MIN < INT64_MAX taken
  STATIC_REQUIRE(br<Blt>(ONES, 1, 16) == PC + 16);
  STATIC_REQUIRE(br<Blt>(1, ONES, 16) == PC + 4);
  STATIC_REQUIRE(br<Blt>(5, 5, 16) == PC + 4);
  STATIC_REQUIRE(br<Blt>(I64_MIN, I64_MAX, -16) == PC - 16);
  // bge (signed): 1 >= -1 taken; equal taken; -1 >= 1 not
  STATIC_REQUIRE(br<Bge>(1, ONES, 16) == PC + 16);
  STATIC_REQUIRE(br<Bge>(ONES, ONES, 16) == PC + 16);
  STATIC_REQUIRE(br<Bge>(ONES, 1, 16) == PC + 4);
  STATIC_REQUIRE(br<Bge>(I64_MIN, I64_MAX, -4096) == PC + 4);
  // bltu (unsigned): 1 < 0xff..ff taken; 0xff..ff < 1 not
  STATIC_REQUIRE(br<Bltu>(1, ONES, 4094) == PC + 0xffe);
  STATIC_REQUIRE(br<Bltu>(ONES, 1, 4094) == PC + 4);
  STATIC_REQUIRE(br<Bltu>(I64_MAX, I64_MIN, 8) == PC + 8);
  // bgeu (unsigned): 0xff..ff >= 1 taken; 1 >= 0xff..ff not; 0 >= 0 taken
  STATIC_REQUIRE(br<Bgeu>(ONES, 1, -8) == PC - 8);
  STATIC_REQUIRE(br<Bgeu>(1, ONES, -8) == PC + 4);
  STATIC_REQUIRE(br<Bgeu>(0, 0, -8) == PC - 8);
  // a branch writes no register
  STATIC_REQUIRE(eval_word(with_regs({{1, 3}, {2, 3}}), encode<Beq>(1, 2, 8)).cpu.x ==
                 with_regs({{1, 3}, {2, 3}}).cpu.x);
}

TEST_CASE("addi/slti/sltiu/xori/ori/andi", "[isa][eval][rv64i]") {
  STATIC_REQUIRE(ri<Addi>(5, -6, ONES));                     // 5 - 6 = -1
  STATIC_REQUIRE(ri<Addi>(0, 2047, 2047));
  STATIC_REQUIRE(ri<Addi>(0, -2048, 0xffff'ffff'ffff'f800)); // -2048 sign-extended
  STATIC_REQUIRE(ri<Addi>(ONES, 1, 0));                      // wraps mod 2^64
  STATIC_REQUIRE(ri<Addi>(I64_MAX, 1, I64_MIN));             // no trap, no 32-bit truncation
  // slti (signed): -5 < -4 -> 1; -5 < -5 -> 0; -5 < -6 -> 0; 3 < -1 -> 0; -1 < 0 -> 1
  STATIC_REQUIRE(ri<Slti>(u64(-5), -4, 1));
  STATIC_REQUIRE(ri<Slti>(u64(-5), -5, 0));
  STATIC_REQUIRE(ri<Slti>(u64(-5), -6, 0));
  STATIC_REQUIRE(ri<Slti>(3, -1, 0));
  STATIC_REQUIRE(ri<Slti>(ONES, 0, 1));
  STATIC_REQUIRE(ri<Slti>(I64_MIN, -2048, 1));
  // sltiu: imm is sign-extended then compared unsigned: imm -1 means 0xff..ff
  STATIC_REQUIRE(ri<Sltiu>(5, -1, 1));
  STATIC_REQUIRE(ri<Sltiu>(ONES - 1, -1, 1));
  STATIC_REQUIRE(ri<Sltiu>(ONES, -1, 0));
  STATIC_REQUIRE(ri<Sltiu>(0, 1, 1));      // seqz
  STATIC_REQUIRE(ri<Sltiu>(7, 1, 0));
  STATIC_REQUIRE(ri<Sltiu>(0, 0, 0));
  // xori: ~0xff = 0xff..ff00 (not); 0x0f0 ^ 0x7ff = 0x70f
  STATIC_REQUIRE(ri<Xori>(0xff, -1, 0xffff'ffff'ffff'ff00));
  STATIC_REQUIRE(ri<Xori>(0x0f0, 0x7ff, 0x70f));
  // ori: 0xf0 | sext(0x800) = 0xf0 | 0xff..f800 = 0xff..f8f0
  STATIC_REQUIRE(ri<Ori>(0xf0, -2048, 0xffff'ffff'ffff'f8f0));
  STATIC_REQUIRE(ri<Ori>(0x1'0000'0000, 1, 0x1'0000'0001));
  // andi: x & sext(-16) clears the low 4 bits; x & 0x7ff keeps 11 bits (0xeff & 0x7ff = 0x6ff)
  STATIC_REQUIRE(ri<Andi>(0x1234'5678'9abc'deff, -16, 0x1234'5678'9abc'def0));
  STATIC_REQUIRE(ri<Andi>(0x1234'5678'9abc'deff, 0x7ff, 0x6ff));
}

TEST_CASE("slli/srli/srai: shamt 0, 31, 32, 63", "[isa][eval][rv64i]") {
  STATIC_REQUIRE(sh<Slli>(1, 63, I64_MIN));
  STATIC_REQUIRE(sh<Slli>(1, 32, 0x1'0000'0000));
  STATIC_REQUIRE(sh<Slli>(1, 31, 0x8000'0000));               // 64-bit op: no sign extension
  STATIC_REQUIRE(sh<Slli>(0xdead'beef, 0, 0xdead'beef));
  STATIC_REQUIRE(sh<Slli>(3, 63, I64_MIN));                    // bit 1 shifted out
  STATIC_REQUIRE(sh<Srli>(I64_MIN, 63, 1));
  STATIC_REQUIRE(sh<Srli>(0xffff'ffff'0000'0000, 32, 0xffff'ffff));
  STATIC_REQUIRE(sh<Srli>(ONES, 31, 0x1'ffff'ffff));           // 64 - 31 = 33 ones
  STATIC_REQUIRE(sh<Srli>(ONES, 0, ONES));
  STATIC_REQUIRE(sh<Srai>(I64_MIN, 63, ONES));
  STATIC_REQUIRE(sh<Srai>(I64_MIN, 4, 0xf800'0000'0000'0000));
  STATIC_REQUIRE(sh<Srai>(I64_MIN, 31, 0xffff'ffff'0000'0000)); // -2^63 / 2^31 = -2^32
  STATIC_REQUIRE(sh<Srai>(I64_MAX, 63, 0));
  STATIC_REQUIRE(sh<Srai>(0x8000'0000, 32, 0));                // bit 31 is not the sign on RV64
  STATIC_REQUIRE(sh<Srai>(u64(-16), 0, u64(-16)));
}

TEST_CASE("add/sub/sll/slt/sltu/xor/srl/sra/or/and", "[isa][eval][rv64i]") {
  STATIC_REQUIRE(rr<Add>(1, ONES, 0));
  STATIC_REQUIRE(rr<Add>(I64_MAX, 1, I64_MIN));
  STATIC_REQUIRE(rr<Add>(0x7fff'ffff, 1, 0x8000'0000));   // no 32-bit sign extension
  STATIC_REQUIRE(rr<Sub>(0, 1, ONES));
  STATIC_REQUIRE(rr<Sub>(I64_MIN, 1, I64_MAX));
  STATIC_REQUIRE(rr<Sub>(5, 5, 0));
  // shifts use rs2[5:0] only
  STATIC_REQUIRE(rr<Sll>(1, 63, I64_MIN));
  STATIC_REQUIRE(rr<Sll>(1, 31, 0x8000'0000));
  STATIC_REQUIRE(rr<Sll>(1, 32, 0x1'0000'0000));
  STATIC_REQUIRE(rr<Sll>(0xabc, 0, 0xabc));
  STATIC_REQUIRE(rr<Sll>(0xabc, 64, 0xabc));              // 64 & 63 = 0
  STATIC_REQUIRE(rr<Sll>(1, 0x41, 2));                    // 0x41 & 63 = 1
  STATIC_REQUIRE(rr<Sll>(1, ONES, I64_MIN));              // 0xff..ff & 63 = 63
  STATIC_REQUIRE(rr<Slt>(ONES, 1, 1));
  STATIC_REQUIRE(rr<Slt>(1, ONES, 0));
  STATIC_REQUIRE(rr<Slt>(I64_MIN, I64_MAX, 1));
  STATIC_REQUIRE(rr<Slt>(u64(-3), u64(-3), 0));
  STATIC_REQUIRE(rr<Sltu>(ONES, 1, 0));
  STATIC_REQUIRE(rr<Sltu>(1, ONES, 1));
  STATIC_REQUIRE(rr<Sltu>(I64_MAX, I64_MIN, 1));
  STATIC_REQUIRE(rr<Sltu>(0, 0, 0));
  // snez: sltu rd, x0, rs2
  STATIC_REQUIRE(eval_word(with_regs({{2, 5}}), encode<Sltu>(3, 0, 2)).x(3) == 1);
  STATIC_REQUIRE(rr<Xor>(0xff00'ff00'ff00'ff00, 0x0ff0'0ff0'0ff0'0ff0, 0xf0f0'f0f0'f0f0'f0f0));
  STATIC_REQUIRE(rr<Xor>(ONES, ONES, 0));
  STATIC_REQUIRE(rr<Srl>(I64_MIN, 63, 1));
  STATIC_REQUIRE(rr<Srl>(ONES, 32, 0xffff'ffff));
  STATIC_REQUIRE(rr<Srl>(ONES, 31, 0x1'ffff'ffff));
  STATIC_REQUIRE(rr<Srl>(ONES, 0, ONES));
  STATIC_REQUIRE(rr<Srl>(ONES, 64, ONES));                // 64 & 63 = 0
  STATIC_REQUIRE(rr<Sra>(I64_MIN, 63, ONES));
  STATIC_REQUIRE(rr<Sra>(I64_MIN, 31, 0xffff'ffff'0000'0000));
  STATIC_REQUIRE(rr<Sra>(I64_MIN, 32, 0xffff'ffff'8000'0000));
  STATIC_REQUIRE(rr<Sra>(I64_MIN, 0, I64_MIN));
  STATIC_REQUIRE(rr<Sra>(I64_MAX, 63, 0));
  STATIC_REQUIRE(rr<Sra>(u64(-256), 0x44, u64(-16)));     // 0x44 & 63 = 4: -256 >> 4 = -16
  STATIC_REQUIRE(rr<Or>(0xf0f0, 0x0f0f'0000'0000'0000, 0x0f0f'0000'0000'f0f0));
  STATIC_REQUIRE(rr<And>(0xff00'ff00'ff00'ff00, 0x0ff0'0ff0'0ff0'0ff0, 0x0f00'0f00'0f00'0f00));
  STATIC_REQUIRE(rr<And>(ONES, 0, 0));
}

TEST_CASE("addiw/slliw/srliw/sraiw: 32-bit results sign-extended", "[isa][eval][rv64i]") {
  STATIC_REQUIRE(ri<Addiw>(0x7fff'ffff, 1, 0xffff'ffff'8000'0000));     // wraps at 32 bits
  STATIC_REQUIRE(ri<Addiw>(0x1234'5678'0000'0001, -2, ONES));          // upper bits ignored
  STATIC_REQUIRE(ri<Addiw>(0xffff'ffff, 0, ONES));                     // sext.w
  STATIC_REQUIRE(ri<Addiw>(0xffff'ffff'8000'0000, -1, 0x7fff'ffff));   // INT32_MIN - 1 wraps to INT32_MAX
  STATIC_REQUIRE(ri<Addiw>(0, -2048, 0xffff'ffff'ffff'f800));
  STATIC_REQUIRE(sh<Slliw>(1, 31, 0xffff'ffff'8000'0000));
  STATIC_REQUIRE(sh<Slliw>(0x8000'0000, 0, 0xffff'ffff'8000'0000));
  STATIC_REQUIRE(sh<Slliw>(0xffff'ffff'0000'0003, 1, 6));
  STATIC_REQUIRE(sh<Slliw>(0x8000'0001, 1, 2));                        // bit 31 shifted out
  STATIC_REQUIRE(sh<Srliw>(0xffff'ffff'8000'0000, 1, 0x4000'0000));    // logical: zero into bit 31
  STATIC_REQUIRE(sh<Srliw>(0xffff'ffff'8000'0000, 0, 0xffff'ffff'8000'0000));
  STATIC_REQUIRE(sh<Srliw>(0x8000'0000, 31, 1));
  STATIC_REQUIRE(sh<Srliw>(0x1'0000'0000, 1, 0));                      // bit 32 is not an input
  STATIC_REQUIRE(sh<Sraiw>(0x8000'0000, 4, 0xffff'ffff'f800'0000));    // bit 31 is the sign
  STATIC_REQUIRE(sh<Sraiw>(0x8000'0000, 31, ONES));
  STATIC_REQUIRE(sh<Sraiw>(u64(-16), 2, u64(-4)));
  STATIC_REQUIRE(sh<Sraiw>(0x7fff'ffff, 31, 0));
  STATIC_REQUIRE(sh<Sraiw>(0x0000'0001'7fff'ffff, 0, 0x7fff'ffff));
}

TEST_CASE("addw/subw/sllw/srlw/sraw: 32-bit results sign-extended, shift mod 32", "[isa][eval][rv64i]") {
  STATIC_REQUIRE(rr<Addw>(0x7fff'ffff, 1, 0xffff'ffff'8000'0000));
  STATIC_REQUIRE(rr<Addw>(0xaaaa'aaaa'0000'0002, 0x5555'5555'0000'0003, 5));
  STATIC_REQUIRE(rr<Addw>(0xffff'ffff, 1, 0));
  STATIC_REQUIRE(rr<Subw>(0x8000'0000, 1, 0x7fff'ffff));
  STATIC_REQUIRE(rr<Subw>(0, 1, ONES));
  STATIC_REQUIRE(rr<Subw>(0x1'0000'0000, 0, 0));
  STATIC_REQUIRE(rr<Sllw>(1, 31, 0xffff'ffff'8000'0000));
  STATIC_REQUIRE(rr<Sllw>(1, 32, 1));                                  // 32 & 31 = 0
  STATIC_REQUIRE(rr<Sllw>(0x1'0000'0001, 32, 1));
  STATIC_REQUIRE(rr<Sllw>(0xffff'ffff, 0, ONES));
  STATIC_REQUIRE(rr<Srlw>(0xffff'ffff'8000'0000, 0, 0xffff'ffff'8000'0000));
  STATIC_REQUIRE(rr<Srlw>(0xffff'ffff'8000'0000, 1, 0x4000'0000));
  STATIC_REQUIRE(rr<Srlw>(0xffff'ffff'8000'0000, 31, 1));
  STATIC_REQUIRE(rr<Srlw>(0xffff'ffff'8000'0000, 32, 0xffff'ffff'8000'0000));  // 32 & 31 = 0
  STATIC_REQUIRE(rr<Sraw>(0x8000'0000, 31, ONES));
  STATIC_REQUIRE(rr<Sraw>(0x8000'0000, 32, 0xffff'ffff'8000'0000));
  STATIC_REQUIRE(rr<Sraw>(0x7fff'ffff, 31, 0));
  STATIC_REQUIRE(rr<Sraw>(0x8000'0000, 0x3f, ONES));                   // 63 & 31 = 31
  STATIC_REQUIRE(rr<Sraw>(u64(-256), 4, u64(-16)));
}

TEST_CASE("x0 as destination never changes", "[isa][eval][rv64i]") {
  STATIC_REQUIRE(eval_word(with_regs({{1, 5}}), encode<Addi>(0, 1, 7)).x(0) == 0);
  STATIC_REQUIRE(eval_word(with_regs({{1, 5}, {2, 6}}), encode<Add>(0, 1, 2)).x(0) == 0);
  STATIC_REQUIRE(eval_word(with_regs({{1, 5}}), encode<Slli>(0, 1, 3)).x(0) == 0);
  STATIC_REQUIRE(eval_word(with_regs({{1, 5}}), encode<Addiw>(0, 1, 3)).x(0) == 0);
  STATIC_REQUIRE(eval_word(with_regs({}), encode<Jalr>(0, 0, 0x100)).x(0) == 0);
  // and reads of x0 give 0 even after an attempted write
  constexpr EvalState s = eval_word(eval_word(with_regs({}), encode<Addi>(0, 0, 9)), encode<Addi>(3, 0, 1));
  STATIC_REQUIRE(s.x(0) == 0);
  STATIC_REQUIRE(s.x(3) == 1);
  STATIC_REQUIRE(s.cpu.pc == PC + 8);
  STATIC_REQUIRE(s.steps == 2);
}
