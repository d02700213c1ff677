// The AOT translator's pattern rewrites (aot/translator.hpp, plan_rewrites) checked at compile time:
// the Zbb instruction each idiom is rewritten into computes what the original instructions do.
//   slli a, x, n; srli b, x, 64 - n; or rd, a, b   ==  rori rd, x, 64 - n
//   slliw a, x, n; srliw b, x, 32 - n; or rd, b, a ==  roriw rd, x, 32 - n
//   xori t, x, -1; and rd, t, y                     ==  andn rd, y, x
#include "isa_test.hpp"
#include "rvtrace/isa/rv64zb.hpp"

using namespace isa_test;

namespace {
// x in x5, y in x6; pieces in x7/x8; result in x9.
constexpr u64 rotate_idiom(u64 x, unsigned n, bool w, bool left_first) {
  EvalState s = with_regs({{5, x}});
  const unsigned bits = w ? 32 : 64;
  const std::uint32_t sl = w ? encode<Slliw>(7, 5, n) : encode<Slli>(7, 5, n);
  const std::uint32_t sr = w ? encode<Srliw>(8, 5, bits - n) : encode<Srli>(8, 5, bits - n);
  s = eval_word(s, left_first ? sl : sr);
  s = eval_word(s, left_first ? sr : sl);
  s = eval_word(s, left_first ? encode<Or>(9, 7, 8) : encode<Or>(9, 8, 7));
  return s.x(9);
}
template <class Rot>
constexpr u64 rotate_rewrite(u64 x, unsigned amount) {
  return eval<Rot>(with_regs({{5, x}}), Operands{9, 5, 0, 4, static_cast<std::int32_t>(amount)}).x(9);
}
constexpr bool rotates_agree(u64 x) {
  for (unsigned n = 1; n < 64; ++n)
    for (bool lf : {false, true})
      if (rotate_idiom(x, n, false, lf) != rotate_rewrite<Rori>(x, 64 - n)) return false;
  for (unsigned n = 1; n < 32; ++n)
    for (bool lf : {false, true})
      if (rotate_idiom(x, n, true, lf) != rotate_rewrite<Roriw>(x, 32 - n)) return false;
  return true;
}
constexpr bool andn_agrees(u64 x, u64 y) {
  EvalState s = with_regs({{5, x}, {6, y}});
  s = eval_word(s, encode<Xori>(7, 5, -1));
  const u64 idiom_a = eval_word(s, encode<And>(9, 7, 6)).x(9), idiom_b = eval_word(s, encode<And>(9, 6, 7)).x(9);
  const u64 rewrite = eval<Andn>(with_regs({{5, x}, {6, y}}), Operands{9, 6, 5, 4, 0}).x(9);
  return idiom_a == rewrite && idiom_b == rewrite;
}
}  // namespace

TEST_CASE("rewrites: rotate idioms are rori/roriw, for every amount", "[isa][rewrite]") {
  STATIC_REQUIRE(rotates_agree(0x8123'4567'89ab'cdef));
  STATIC_REQUIRE(rotates_agree(0xffff'ffff'8000'0001));
  STATIC_REQUIRE(rotates_agree(1));
  STATIC_REQUIRE(rotate_rewrite<Rori>(0x12, 4) == 0x2000'0000'0000'0001);  // hand-computed anchor
}

TEST_CASE("rewrites: not-and is andn", "[isa][rewrite]") {
  STATIC_REQUIRE(andn_agrees(0xff00'ff00'ff00'ff00, 0x0ff0'0ff0'0ff0'0ff0));
  STATIC_REQUIRE(andn_agrees(0, ONES));
  STATIC_REQUIRE(andn_agrees(ONES, ONES));
  STATIC_REQUIRE(andn_agrees(0x1234'5678'9abc'def0, 0xfedc'ba98'7654'3210));
}
