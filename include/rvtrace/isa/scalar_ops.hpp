#pragma once
// The op vocabulary on plain 64-bit numbers: shared by the constexpr evaluator and the interpreter,
// so the two cannot disagree. (The emitter backend implements the same ops as x86 code.)
#include <cstdint>

namespace rvtrace::isa {

struct ScalarOps {
  using value = std::uint64_t;
  using cond = bool;
  using i64 = std::int64_t;
  using i32 = std::int32_t;
  using u32 = std::uint32_t;

  static constexpr value sext32(u32 v) { return static_cast<value>(static_cast<i64>(static_cast<i32>(v))); }

  // A loaded value of `width` bytes (in the low bits of v), zero- or sign-extended to 64 bits.
  static constexpr value extend(value v, unsigned width, bool is_signed) {
    const unsigned shift = 64 - 8 * width;
    return is_signed ? static_cast<value>(static_cast<i64>(v << shift) >> shift) : (v << shift) >> shift;
  }

  static constexpr value imm(i64 i) { return static_cast<value>(i); }
  static constexpr value add(value a, value b) { return a + b; }
  static constexpr value sub(value a, value b) { return a - b; }
  static constexpr value and_(value a, value b) { return a & b; }
  static constexpr value or_(value a, value b) { return a | b; }
  static constexpr value xor_(value a, value b) { return a ^ b; }
  static constexpr value sll(value a, value b) { return a << (b & 63); }
  static constexpr value srl(value a, value b) { return a >> (b & 63); }
  static constexpr value sra(value a, value b) { return static_cast<value>(static_cast<i64>(a) >> (b & 63)); }
  static constexpr value addw(value a, value b) { return sext32(static_cast<u32>(a + b)); }
  static constexpr value subw(value a, value b) { return sext32(static_cast<u32>(a - b)); }
  static constexpr value sllw(value a, value b) { return sext32(static_cast<u32>(a) << (b & 31)); }
  static constexpr value srlw(value a, value b) { return sext32(static_cast<u32>(a) >> (b & 31)); }
  static constexpr value sraw(value a, value b) {
    return sext32(static_cast<u32>(static_cast<i32>(static_cast<u32>(a)) >> (b & 31)));
  }

  static constexpr value mul(value a, value b) { return a * b; }
  static constexpr value mulw(value a, value b) { return sext32(static_cast<u32>(a * b)); }
  static constexpr value mulh(value a, value b) {
    return static_cast<value>((static_cast<__int128>(static_cast<i64>(a)) * static_cast<i64>(b)) >> 64);
  }
  static constexpr value mulhsu(value a, value b) {
    return static_cast<value>((static_cast<__int128>(static_cast<i64>(a)) * static_cast<__int128>(b)) >> 64);
  }
  static constexpr value mulhu(value a, value b) {
    return static_cast<value>((static_cast<unsigned __int128>(a) * b) >> 64);
  }

  // Division never traps in RISC-V: x/0 = all ones, x%0 = x, INT_MIN/-1 = INT_MIN, INT_MIN%-1 = 0.
  static constexpr value div(value a, value b) {
    if (b == 0) return ~value{0};
    if (static_cast<i64>(a) == INT64_MIN && static_cast<i64>(b) == -1) return a;
    return static_cast<value>(static_cast<i64>(a) / static_cast<i64>(b));
  }
  static constexpr value divu(value a, value b) { return b == 0 ? ~value{0} : a / b; }
  static constexpr value rem(value a, value b) {
    if (b == 0) return a;
    if (static_cast<i64>(a) == INT64_MIN && static_cast<i64>(b) == -1) return 0;
    return static_cast<value>(static_cast<i64>(a) % static_cast<i64>(b));
  }
  static constexpr value remu(value a, value b) { return b == 0 ? a : a % b; }
  static constexpr value divw(value a, value b) {
    const auto x = static_cast<i32>(static_cast<u32>(a)), y = static_cast<i32>(static_cast<u32>(b));
    if (y == 0) return ~value{0};
    if (x == INT32_MIN && y == -1) return sext32(static_cast<u32>(x));
    return sext32(static_cast<u32>(x / y));
  }
  static constexpr value divuw(value a, value b) {
    const auto x = static_cast<u32>(a), y = static_cast<u32>(b);
    return y == 0 ? ~value{0} : sext32(x / y);
  }
  static constexpr value remw(value a, value b) {
    const auto x = static_cast<i32>(static_cast<u32>(a)), y = static_cast<i32>(static_cast<u32>(b));
    if (y == 0) return sext32(static_cast<u32>(x));
    if (x == INT32_MIN && y == -1) return 0;
    return sext32(static_cast<u32>(x % y));
  }
  static constexpr value remuw(value a, value b) {
    const auto x = static_cast<u32>(a), y = static_cast<u32>(b);
    return sext32(y == 0 ? x : x % y);
  }

  static constexpr cond eq(value a, value b) { return a == b; }
  static constexpr cond ne(value a, value b) { return a != b; }
  static constexpr cond lt(value a, value b) { return static_cast<i64>(a) < static_cast<i64>(b); }
  static constexpr cond ge(value a, value b) { return static_cast<i64>(a) >= static_cast<i64>(b); }
  static constexpr cond ltu(value a, value b) { return a < b; }
  static constexpr cond geu(value a, value b) { return a >= b; }
  static constexpr value from_cond(cond c) { return c ? 1 : 0; }

  template <class A, class B>
  static constexpr value select(cond c, A&& a, B&& b) {
    return c ? a() : b();
  }
  template <class A, class B>
  static constexpr void if_(cond c, A&& a, B&& b) {
    if (c) a(); else b();
  }
};

}  // namespace rvtrace::isa
