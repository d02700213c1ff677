// RV64M on the constexpr backend. Expected values are hand-computed from the spec ("M" chapter):
// division rounds toward zero; x/0 = all ones (divu too), x%0 = x; INT_MIN/-1 = INT_MIN, INT_MIN%-1 = 0;
// the *W forms work on the low 32 bits and sign-extend the 32-bit result (also divuw/remuw).
#include "isa_test.hpp"

using namespace isa_test;

namespace {
template <class Insn>
constexpr bool rr(u64 a, u64 b, u64 want) {
  const EvalState s = eval_word(with_regs({{1, a}, {2, b}}), encode<Insn>(3, 1, 2));
  return s.x(3) == want && s.cpu.pc == PC + 4 && s.x(1) == a && s.x(2) == b;
}
constexpr u64 M1 = ONES;                       // -1
constexpr u64 I32_MIN_SX = 0xffff'ffff'8000'0000;  // sext(0x80000000)
}  // namespace

TEST_CASE("mul: low 64 bits", "[isa][eval][rv64m]") {
  STATIC_REQUIRE(rr<Mul>(3, u64(-2), u64(-6)));
  STATIC_REQUIRE(rr<Mul>(0x1'0000'0000, 0x1'0000'0000, 0));     // 2^64 mod 2^64
  STATIC_REQUIRE(rr<Mul>(I64_MIN, M1, I64_MIN));                 // overflow wraps, no trap
  STATIC_REQUIRE(rr<Mul>(M1, M1, 1));
  STATIC_REQUIRE(rr<Mul>(0x1'0000'0001, 0x1'0000'0001, 0x2'0000'0001));  // (2^32+1)^2 mod 2^64
}

TEST_CASE("mulh/mulhsu/mulhu: every sign combination", "[isa][eval][rv64m]") {
  // mulh: signed x signed, high 64 bits of the 128-bit product
  STATIC_REQUIRE(rr<Mulh>(M1, M1, 0));                           // (-1)(-1) = 1
  STATIC_REQUIRE(rr<Mulh>(M1, 1, M1));                           // -1 -> high = all ones
  STATIC_REQUIRE(rr<Mulh>(1, M1, M1));
  STATIC_REQUIRE(rr<Mulh>(I64_MIN, I64_MIN, 0x4000'0000'0000'0000));  // 2^126 >> 64 = 2^62
  STATIC_REQUIRE(rr<Mulh>(I64_MIN, I64_MAX, 0xc000'0000'0000'0000));  // floor((-2^126+2^63)/2^64) = -2^62
  STATIC_REQUIRE(rr<Mulh>(I64_MAX, I64_MAX, 0x3fff'ffff'ffff'ffff));  // (2^126 - 2^64 + 1) >> 64
  STATIC_REQUIRE(rr<Mulh>(u64(-2), 0x8000'0000'0000'0000 >> 1, M1)); // -2 * 2^62 = -2^63 -> high -1
  STATIC_REQUIRE(rr<Mulh>(0x1'0000'0000, 0x1'0000'0000, 1));          // 2^64 -> high 1
  // mulhsu: rs1 signed, rs2 unsigned
  STATIC_REQUIRE(rr<Mulhsu>(M1, ONES, M1));                      // -(2^64-1) = -2^64+1 -> high -1
  STATIC_REQUIRE(rr<Mulhsu>(1, ONES, 0));                        // 2^64-1 -> high 0
  STATIC_REQUIRE(rr<Mulhsu>(M1, 1, M1));                         // -1 -> high -1
  STATIC_REQUIRE(rr<Mulhsu>(I64_MIN, ONES, I64_MIN));            // -2^63(2^64-1) = -2^127+2^63 -> high -2^63
  STATIC_REQUIRE(rr<Mulhsu>(2, I64_MIN, 1));                     // 2 * 2^63 (unsigned) = 2^64 -> 1
  STATIC_REQUIRE(rr<Mulhsu>(u64(-2), I64_MIN, M1));              // -2 * 2^63 = -2^64 -> -1
  STATIC_REQUIRE(rr<Mulhsu>(I64_MAX, 2, 0));                     // 2^64 - 2 -> 0
  STATIC_REQUIRE(rr<Mulhsu>(M1, 0, 0));
  // mulhu: unsigned x unsigned
  STATIC_REQUIRE(rr<Mulhu>(ONES, ONES, 0xffff'ffff'ffff'fffe));  // (2^64-1)^2 = 2^128 - 2^65 + 1
  STATIC_REQUIRE(rr<Mulhu>(I64_MIN, 2, 1));
  STATIC_REQUIRE(rr<Mulhu>(ONES, 1, 0));
  STATIC_REQUIRE(rr<Mulhu>(ONES, 2, 1));                         // 2^65 - 2 -> 1
}

TEST_CASE("div/divu/rem/remu: rounding, /0, INT64_MIN/-1", "[isa][eval][rv64m]") {
  STATIC_REQUIRE(rr<Div>(7, u64(-2), u64(-3)));                  // toward zero
  STATIC_REQUIRE(rr<Div>(u64(-7), 2, u64(-3)));
  STATIC_REQUIRE(rr<Div>(u64(-7), u64(-2), 3));
  STATIC_REQUIRE(rr<Div>(5, 0, ONES));                           // /0 = -1
  STATIC_REQUIRE(rr<Div>(u64(-5), 0, ONES));
  STATIC_REQUIRE(rr<Div>(I64_MIN, M1, I64_MIN));                 // overflow
  STATIC_REQUIRE(rr<Div>(I64_MIN, 1, I64_MIN));
  STATIC_REQUIRE(rr<Divu>(ONES, 2, I64_MAX));
  STATIC_REQUIRE(rr<Divu>(7, 0, ONES));                          // /0 = 2^64 - 1
  STATIC_REQUIRE(rr<Divu>(I64_MIN, M1, 0));                      // unsigned: 2^63 / (2^64-1) = 0
  STATIC_REQUIRE(rr<Divu>(0, 0, ONES));
  STATIC_REQUIRE(rr<Rem>(u64(-7), 2, M1));                       // sign of the dividend
  STATIC_REQUIRE(rr<Rem>(7, u64(-2), 1));
  STATIC_REQUIRE(rr<Rem>(u64(-7), u64(-2), M1));
  STATIC_REQUIRE(rr<Rem>(u64(-5), 0, u64(-5)));                  // %0 = dividend
  STATIC_REQUIRE(rr<Rem>(I64_MIN, M1, 0));                       // overflow
  STATIC_REQUIRE(rr<Remu>(ONES, 10, 5));                         // 18446744073709551615 % 10
  STATIC_REQUIRE(rr<Remu>(ONES, 0, ONES));
  STATIC_REQUIRE(rr<Remu>(I64_MIN, M1, I64_MIN));                // 2^63 % (2^64-1) = 2^63
}

TEST_CASE("mulw: low 32 bits of the product, sign-extended", "[isa][eval][rv64m]") {
  STATIC_REQUIRE(rr<Mulw>(0x7fff'ffff, 2, 0xffff'ffff'ffff'fffe));
  STATIC_REQUIRE(rr<Mulw>(0x4000'0000, 2, I32_MIN_SX));
  STATIC_REQUIRE(rr<Mulw>(0x1'0000, 0x1'0000, 0));               // 2^32 -> low 32 bits 0
  STATIC_REQUIRE(rr<Mulw>(0xdead'beef'0000'0003, 0x1234'5678'0000'0005, 15));  // upper bits ignored
  STATIC_REQUIRE(rr<Mulw>(0xffff'ffff, 0xffff'ffff, 1));         // (-1)(-1)
  STATIC_REQUIRE(rr<Mulw>(0x8000'0000, M1, I32_MIN_SX));         // INT32_MIN * -1 wraps
}

TEST_CASE("divw/divuw/remw/remuw: /0, INT32_MIN/-1, sign extension", "[isa][eval][rv64m]") {
  STATIC_REQUIRE(rr<Divw>(u64(-7), 2, u64(-3)));
  STATIC_REQUIRE(rr<Divw>(0xffff'fff9, 0xffff'ffff'0000'0002, u64(-3)));  // only low words: -7 / 2
  STATIC_REQUIRE(rr<Divw>(0x8000'0000, 0xffff'ffff, I32_MIN_SX));        // INT32_MIN / -1
  STATIC_REQUIRE(rr<Divw>(I32_MIN_SX, M1, I32_MIN_SX));
  STATIC_REQUIRE(rr<Divw>(5, 0, ONES));
  STATIC_REQUIRE(rr<Divw>(5, 0x1'0000'0000, ONES));                       // low word of rs2 is 0
  STATIC_REQUIRE(rr<Divuw>(0x8000'0000, 1, I32_MIN_SX));                  // 32-bit result sign-extended
  STATIC_REQUIRE(rr<Divuw>(0xffff'ffff, 2, 0x7fff'ffff));
  STATIC_REQUIRE(rr<Divuw>(0xffff'ffff'ffff'fffe, 0xffff'ffff, 0));       // 0xfffffffe / 0xffffffff
  STATIC_REQUIRE(rr<Divuw>(5, 0, ONES));                                  // 2^32-1 sign-extended
  STATIC_REQUIRE(rr<Divuw>(0x8000'0000, M1, 0));                          // unsigned: 2^31 / (2^32-1)
  STATIC_REQUIRE(rr<Remw>(u64(-7), 2, M1));
  STATIC_REQUIRE(rr<Remw>(0x8000'0000, 0, I32_MIN_SX));                   // %0 = sext(low word of x)
  STATIC_REQUIRE(rr<Remw>(0x1234'5678'0000'0007, 0, 7));
  STATIC_REQUIRE(rr<Remw>(0x8000'0000, 0xffff'ffff, 0));                  // INT32_MIN % -1
  STATIC_REQUIRE(rr<Remw>(7, u64(-2), 1));
  STATIC_REQUIRE(rr<Remuw>(0xffff'ffff, 0x10, 0xf));
  STATIC_REQUIRE(rr<Remuw>(0x1234'5678'8765'4321, 0, 0xffff'ffff'8765'4321));  // %0 = sext(low word)
  STATIC_REQUIRE(rr<Remuw>(0x8000'0005, 0x10, 5));
  STATIC_REQUIRE(rr<Remuw>(0xffff'ffff, 0x8000'0000, 0x7fff'ffff));
  STATIC_REQUIRE(rr<Remuw>(0x8000'0000, 0xffff'ffff, I32_MIN_SX));       // 2^31 % (2^32-1) = 2^31, sext
}

TEST_CASE("M ops into x0 and with rd == rs1", "[isa][eval][rv64m]") {
  STATIC_REQUIRE(eval_word(with_regs({{1, 6}, {2, 7}}), encode<Mul>(0, 1, 2)).x(0) == 0);
  STATIC_REQUIRE(eval_word(with_regs({{1, 6}, {2, 0}}), encode<Div>(0, 1, 2)).x(0) == 0);
  STATIC_REQUIRE(eval_word(with_regs({{1, 6}, {2, 7}}), encode<Mul>(1, 1, 2)).x(1) == 42);
  STATIC_REQUIRE(eval_word(with_regs({{1, 6}}), encode<Mul>(1, 1, 1)).x(1) == 36);
}
