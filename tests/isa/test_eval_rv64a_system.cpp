// RV64A (single hart) and system instructions on the constexpr backend. Expected values are
// hand-computed from the spec ("A" chapter): LR loads (sign-extending .w) and reserves; SC stores and
// writes 0 only with a reservation on that address, else writes 1 (nonzero) and does not store; any SC
// clears the reservation. AMOs: rd = old memory value (sign-extended for .w), memory = op(old, rs2) on
// 32 bits (.w: min/max compare 32-bit signed, minu/maxu 32-bit unsigned) or 64 bits (.d).
#include "isa_test.hpp"

using namespace isa_test;

namespace {
// x1 = address 0x1000, x2 = operand; memory at 0x1000 holds `old` (width 4 or 8), rd = x3.
template <class Insn>
constexpr EvalState amo(u64 old, u64 operand, unsigned width) {
  EvalState s = with_regs({{1, MEM}, {2, operand}});
  s = poke(s, MEM, old, width);
  s = poke(s, MEM + width, 0xa5a5'a5a5'a5a5'a5a5, 8);   // guard after the accessed bytes
  return eval_word(s, encode<Insn>(3, 1, 2));
}
// Checks rd, the new memory word, the guard, pc and that the reservation is untouched.
template <class Insn>
constexpr bool amo_w(u64 old, u64 operand, u64 want_rd, u64 want_mem) {
  const EvalState s = amo<Insn>(old, operand, 4);
  return s.x(3) == want_rd && peek(s, MEM, 4) == want_mem && peek(s, MEM + 4, 8) == 0xa5a5'a5a5'a5a5'a5a5 &&
         s.cpu.pc == PC + 4 && s.x(2) == operand && s.cpu.reservation == no_reservation;
}
template <class Insn>
constexpr bool amo_d(u64 old, u64 operand, u64 want_rd, u64 want_mem) {
  const EvalState s = amo<Insn>(old, operand, 8);
  return s.x(3) == want_rd && peek(s, MEM, 8) == want_mem && peek(s, MEM + 8, 8) == 0xa5a5'a5a5'a5a5'a5a5 &&
         s.cpu.pc == PC + 4 && s.x(2) == operand;
}
constexpr u64 SX(std::uint32_t v) { return v & 0x8000'0000u ? 0xffff'ffff'0000'0000 | v : v; }  // test-side sext

constexpr EvalState mem_state(u64 v) { return poke(with_regs({{1, MEM}, {2, 0x1122'3344'5566'7788}}), MEM, v, 8); }
}  // namespace

TEST_CASE("lr.w/lr.d: load (lr.w sign-extends) and reserve", "[isa][eval][rv64a]") {
  constexpr EvalState w = eval_word(mem_state(0xdead'beef'8000'0001), encode<LrW>(3, 1));
  STATIC_REQUIRE(w.x(3) == 0xffff'ffff'8000'0001);
  STATIC_REQUIRE(w.cpu.reservation == MEM);
  STATIC_REQUIRE(w.cpu.pc == PC + 4);
  constexpr EvalState d = eval_word(mem_state(0xdead'beef'8000'0001), encode<LrD>(3, 1));
  STATIC_REQUIRE(d.x(3) == 0xdead'beef'8000'0001);
  STATIC_REQUIRE(d.cpu.reservation == MEM);
  STATIC_REQUIRE(d.cpu.pc == PC + 4);
  // lr with rd == rs1: reservation is on the address, not on the loaded value
  constexpr EvalState r = eval_word(mem_state(0x42), encode<LrD>(1, 1));
  STATIC_REQUIRE(r.x(1) == 0x42);
  STATIC_REQUIRE(r.cpu.reservation == MEM);
}

TEST_CASE("sc.w/sc.d: fail without reservation, succeed after lr, reservation cleared", "[isa][eval][rv64a]") {
  // sc.w without lr: rd = 1, memory unchanged
  constexpr EvalState f = eval_word(mem_state(0x99), encode<ScW>(3, 1, 2));
  STATIC_REQUIRE(f.x(3) == 1);
  STATIC_REQUIRE(peek(f, MEM, 8) == 0x99);
  STATIC_REQUIRE(f.cpu.pc == PC + 4);
  STATIC_REQUIRE(f.cpu.reservation == no_reservation);
  // lr.w then sc.w: rd = 0, low word of x2 stored, upper word of memory untouched, reservation cleared
  constexpr EvalState l = eval_word(mem_state(0xffff'ffff'0000'0099), encode<LrW>(4, 1));
  constexpr EvalState ok = eval_word(l, encode<ScW>(3, 1, 2));
  STATIC_REQUIRE(ok.x(3) == 0);
  STATIC_REQUIRE(peek(ok, MEM, 8) == 0xffff'ffff'5566'7788);
  STATIC_REQUIRE(ok.cpu.reservation == no_reservation);
  STATIC_REQUIRE(ok.cpu.pc == PC + 8);
  // a second sc.w right after fails: the first one cleared the reservation
  constexpr EvalState again = eval_word(poke(ok, MEM, 0, 8), encode<ScW>(3, 1, 2));
  STATIC_REQUIRE(again.x(3) == 1);
  STATIC_REQUIRE(peek(again, MEM, 8) == 0);
  // lr.d then sc.d: all 8 bytes
  constexpr EvalState okd = eval_word(eval_word(mem_state(7), encode<LrD>(4, 1)), encode<ScD>(3, 1, 2));
  STATIC_REQUIRE(okd.x(3) == 0);
  STATIC_REQUIRE(peek(okd, MEM, 8) == 0x1122'3344'5566'7788);
  STATIC_REQUIRE(okd.cpu.reservation == no_reservation);
  // sc.d without reservation
  constexpr EvalState fd = eval_word(mem_state(7), encode<ScD>(3, 1, 2));
  STATIC_REQUIRE(fd.x(3) == 1);
  STATIC_REQUIRE(peek(fd, MEM, 8) == 7);
  STATIC_REQUIRE(fd.cpu.pc == PC + 4);
  // sc.d to another address than the reserved one fails, and still clears the reservation
  EvalState other = mem_state(7);
  other.cpu.reservation = MEM + 8;
  const EvalState fo = eval_word(other, encode<ScD>(3, 1, 2));
  CHECK(fo.x(3) == 1);
  CHECK(peek(fo, MEM, 8) == 7);
  CHECK(fo.cpu.reservation == no_reservation);
}

TEST_CASE("amoswap/amoadd/amoxor/amoand/amoor .w and .d", "[isa][eval][rv64a]") {
  STATIC_REQUIRE(amo_w<AmoSwapW>(0xffff'fffe, 0x1234'5678'8000'0001, SX(0xffff'fffe), 0x8000'0001));
  STATIC_REQUIRE(amo_w<AmoAddW>(0x7fff'ffff, 1, 0x7fff'ffff, 0x8000'0000));         // wraps at 32 bits
  STATIC_REQUIRE(amo_w<AmoAddW>(0xffff'fffb, 3, u64(-5), 0xffff'fffe));             // -5 + 3 = -2
  STATIC_REQUIRE(amo_w<AmoAddW>(0xffff'ffff, 1, ONES, 0));                          // carry not stored
  STATIC_REQUIRE(amo_w<AmoXorW>(0xf0f0'f0f0, 0xffff'ffff, 0xffff'ffff'f0f0'f0f0, 0x0f0f'0f0f));
  STATIC_REQUIRE(amo_w<AmoAndW>(0x8000'ffff, 0xffff'0000'ffff'00ff, 0xffff'ffff'8000'ffff, 0x8000'00ff));
  STATIC_REQUIRE(amo_w<AmoOrW>(0x8000'0000, 1, 0xffff'ffff'8000'0000, 0x8000'0001));
  STATIC_REQUIRE(amo_d<AmoSwapD>(u64(-2), 1, u64(-2), 1));
  STATIC_REQUIRE(amo_d<AmoAddD>(u64(-2), 1, u64(-2), ONES));
  STATIC_REQUIRE(amo_d<AmoAddD>(I64_MAX, 1, I64_MAX, I64_MIN));
  STATIC_REQUIRE(amo_d<AmoXorD>(u64(-2), 1, u64(-2), ONES));
  STATIC_REQUIRE(amo_d<AmoAndD>(u64(-2), 1, u64(-2), 0));
  STATIC_REQUIRE(amo_d<AmoOrD>(u64(-2), 1, u64(-2), ONES));
}

TEST_CASE("amomin/amomax/amominu/amomaxu .w and .d", "[isa][eval][rv64a]") {
  // .w signed: x2 = 0x80000000 is INT32_MIN as a 32-bit operand (positive as a 64-bit value)
  STATIC_REQUIRE(amo_w<AmoMinW>(0x7fff'ffff, 0x8000'0000, 0x7fff'ffff, 0x8000'0000));
  STATIC_REQUIRE(amo_w<AmoMinW>(0xffff'ffff, 1, ONES, 0xffff'ffff));                 // min(-1, 1) = -1
  STATIC_REQUIRE(amo_w<AmoMinW>(0xffff'fffd, 0xffff'ffff'0000'0005, u64(-3), 0xffff'fffd));  // upper bits of rs2 ignored
  STATIC_REQUIRE(amo_w<AmoMinW>(5, 0x1'0000'0003, 5, 3));                            // low word 3 < 5
  STATIC_REQUIRE(amo_w<AmoMaxW>(0x7fff'ffff, 0x8000'0000, 0x7fff'ffff, 0x7fff'ffff));
  STATIC_REQUIRE(amo_w<AmoMaxW>(0xffff'ffff, 0, ONES, 0));                           // max(-1, 0) = 0
  STATIC_REQUIRE(amo_w<AmoMaxW>(0xffff'fffd, 0xffff'ffff'0000'0005, u64(-3), 5));
  STATIC_REQUIRE(amo_w<AmoMaxW>(0x8000'0000, ONES, SX(0x8000'0000), 0xffff'ffff));   // max(INT32_MIN, -1) = -1
  // .w unsigned
  STATIC_REQUIRE(amo_w<AmoMinuW>(0xffff'ffff, 1, ONES, 1));
  STATIC_REQUIRE(amo_w<AmoMinuW>(0x8000'0000, 0x7fff'ffff, SX(0x8000'0000), 0x7fff'ffff));
  STATIC_REQUIRE(amo_w<AmoMinuW>(0x20, 0x1'0000'0010, 0x20, 0x10));                 // low word 0x10
  STATIC_REQUIRE(amo_w<AmoMinuW>(0x20, 0xffff'ffff'ffff'ffff, 0x20, 0x20));
  STATIC_REQUIRE(amo_w<AmoMaxuW>(0x7fff'ffff, 0x8000'0000, 0x7fff'ffff, 0x8000'0000));
  STATIC_REQUIRE(amo_w<AmoMaxuW>(0xffff'ffff, 1, ONES, 0xffff'ffff));
  STATIC_REQUIRE(amo_w<AmoMaxuW>(0x10, 0xffff'ffff'0000'0001, 0x10, 0x10));          // low word 1 < 0x10
  // .d signed / unsigned with -2 and 1
  STATIC_REQUIRE(amo_d<AmoMinD>(u64(-2), 1, u64(-2), u64(-2)));
  STATIC_REQUIRE(amo_d<AmoMinD>(I64_MAX, I64_MIN, I64_MAX, I64_MIN));
  STATIC_REQUIRE(amo_d<AmoMaxD>(u64(-2), 1, u64(-2), 1));
  STATIC_REQUIRE(amo_d<AmoMaxD>(I64_MIN, ONES, I64_MIN, ONES));
  STATIC_REQUIRE(amo_d<AmoMinuD>(u64(-2), 1, u64(-2), 1));
  STATIC_REQUIRE(amo_d<AmoMinuD>(0x8000'0000, 0x1'0000'0000, 0x8000'0000, 0x8000'0000));  // 64-bit compare
  STATIC_REQUIRE(amo_d<AmoMaxuD>(u64(-2), 1, u64(-2), u64(-2)));
  STATIC_REQUIRE(amo_d<AmoMaxuD>(I64_MAX, I64_MIN, I64_MAX, I64_MIN));
}

TEST_CASE("AMO register aliasing: rd == rs2, rd = x0", "[isa][eval][rv64a]") {
  // amoswap.w x2, x2, (x1): x2 gets the old value, memory gets the old x2
  constexpr EvalState s = eval_word(poke(with_regs({{1, MEM}, {2, 0x55}}), MEM, 0x66, 4), encode<AmoSwapW>(2, 1, 2));
  STATIC_REQUIRE(s.x(2) == 0x66);
  STATIC_REQUIRE(peek(s, MEM, 4) == 0x55);
  // amoadd.d x0, x2, (x1): memory updated, x0 still 0
  constexpr EvalState z = eval_word(poke(with_regs({{1, MEM}, {2, 5}}), MEM, 10, 8), encode<AmoAddD>(0, 1, 2));
  STATIC_REQUIRE(z.x(0) == 0);
  STATIC_REQUIRE(peek(z, MEM, 8) == 15);
  // lr.w x0: reserves although the result is dropped; sc.w x0 then succeeds and stores
  constexpr EvalState l = eval_word(poke(with_regs({{1, MEM}, {2, 5}}), MEM, 10, 8), encode<LrW>(0, 1));
  STATIC_REQUIRE(l.x(0) == 0);
  STATIC_REQUIRE(l.cpu.reservation == MEM);
  constexpr EvalState sc = eval_word(l, encode<ScW>(0, 1, 2));
  STATIC_REQUIRE(sc.x(0) == 0);
  STATIC_REQUIRE(peek(sc, MEM, 8) == 5);
}

TEST_CASE("fence, fence.i: no-ops that advance pc", "[isa][eval][system]") {
  constexpr EvalState base = with_regs({{1, 1}, {2, 2}});
  constexpr EvalState f = eval_word(base, encode<Fence>());
  STATIC_REQUIRE(f.cpu.pc == PC + 4);
  STATIC_REQUIRE(f.cpu.x == base.cpu.x);
  STATIC_REQUIRE(f.steps == 1);
  constexpr EvalState fi = eval_word(base, encode<FenceI>());
  STATIC_REQUIRE(fi.cpu.pc == PC + 4);
  STATIC_REQUIRE(fi.cpu.x == base.cpu.x);
  // fence.tso (0x8330000f) and pause (0x0100000f), words from binutils, also run as no-ops
  STATIC_REQUIRE(eval_word(base, 0x8330000f).cpu.pc == PC + 4);
  STATIC_REQUIRE(eval_word(base, 0x0100000f).cpu.pc == PC + 4);
}

TEST_CASE("ecall counted, ebreak halts", "[isa][eval][system]") {
  constexpr EvalState e = eval_word(with_regs({{17, 93}, {10, 3}}), encode<Ecall>());
  STATIC_REQUIRE(e.ecalls == 1);
  STATIC_REQUIRE(e.cpu.pc == PC + 4);   // recorded, execution continues after it
  STATIC_REQUIRE(!e.halted);
  STATIC_REQUIRE(e.x(17) == 93);
  STATIC_REQUIRE(e.x(10) == 3);
  STATIC_REQUIRE(eval_word(e, encode<Ecall>()).ecalls == 2);
  constexpr EvalState b = eval_word(with_regs({}), encode<Ebreak>());
  STATIC_REQUIRE(b.halted);
  STATIC_REQUIRE(b.ecalls == 0);
  STATIC_REQUIRE(b.cpu.x == with_regs({}).cpu.x);
}

TEST_CASE("rdcycle/rdtime/rdinstret read the step count", "[isa][eval][system]") {
  constexpr EvalState s = [] {
    EvalState t = with_regs({});
    t.steps = 41;
    return t;
  }();
  STATIC_REQUIRE(eval_word(s, encode<Rdcycle>(10)).x(10) == 41);
  STATIC_REQUIRE(eval_word(s, encode<Rdtime>(11)).x(11) == 41);
  STATIC_REQUIRE(eval_word(s, encode<Rdinstret>(12)).x(12) == 41);
  STATIC_REQUIRE(eval_word(s, encode<Rdinstret>(12)).cpu.pc == PC + 4);
  STATIC_REQUIRE(eval_word(s, encode<Rdcycle>(12)).steps == 42);
  STATIC_REQUIRE(eval_word(s, encode<Rdcycle>(0)).x(0) == 0);
  // the binutils words: rdcycle a0 = 0xc0002573, rdtime a1 = 0xc01025f3, rdinstret a2 = 0xc0202673
  STATIC_REQUIRE(eval_word(s, 0xc0002573).x(10) == 41);
  STATIC_REQUIRE(eval_word(s, 0xc01025f3).x(11) == 41);
  STATIC_REQUIRE(eval_word(s, 0xc0202673).x(12) == 41);
  // two instructions: the second read sees one more step
  STATIC_REQUIRE(eval_word(eval_word(s, encode<Rdcycle>(10)), encode<Rdinstret>(11)).x(11) == 42);
}

TEST_CASE("illegal words fault in eval_word", "[isa][eval][system]") {
  REQUIRE_THROWS(eval_word(with_regs({}), 0x0000'0000));
  REQUIRE_THROWS(eval_word(with_regs({}), 0xffff'ffff));
  REQUIRE_THROWS(eval_word(with_regs({}), 0x300020f3));   // csrrs ra, mstatus, zero
}

TEST_CASE("LR/SC/AMO on a misaligned address fault", "[isa][eval][rv64a]") {
  // Spec, "A" chapter: LR/SC and AMOs require the address in rs1 to be naturally aligned; otherwise
  // an address-misaligned or access-fault exception is raised (misaligned AMOs are only allowed with
  // the Zam extension, which RV64IMAC does not include; qemu-riscv64 raises SIGBUS).
  // (Plain misaligned loads/stores working is fine: the spec allows it and the design asks for it.)
  const EvalState s = poke(with_regs({{1, MEM + 1}, {2, 5}}), MEM, 0x1122'3344'5566'7788, 8);
  CHECK_THROWS(eval_word(s, encode<LrW>(3, 1)));
  CHECK_THROWS(eval_word(s, encode<AmoAddW>(3, 1, 2)));
  CHECK_THROWS(eval_word(with_regs({{1, MEM + 4}, {2, 5}}), encode<AmoSwapD>(3, 1, 2)));   // 4-aligned, not 8
  EvalState r = s;
  r.cpu.reservation = MEM + 1;
  CHECK_THROWS(eval_word(r, encode<ScW>(3, 1, 2)));
}
