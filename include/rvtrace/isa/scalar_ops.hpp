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

  // Division as the hardware does it when neither x/0 nor overflow (MIN/-1) can happen: the caller
  // (isa/rv64m.hpp) gives those cases their RISC-V results first. Violating that is UB (and a compile
  // error in constant evaluation).
  static constexpr value div_unchecked(value a, value b) { return static_cast<value>(static_cast<i64>(a) / static_cast<i64>(b)); }
  static constexpr value divu_unchecked(value a, value b) { return a / b; }
  static constexpr value rem_unchecked(value a, value b) { return static_cast<value>(static_cast<i64>(a) % static_cast<i64>(b)); }
  static constexpr value remu_unchecked(value a, value b) { return a % b; }
  static constexpr value divw_unchecked(value a, value b) {
    return sext32(static_cast<u32>(static_cast<i32>(static_cast<u32>(a)) / static_cast<i32>(static_cast<u32>(b))));
  }
  static constexpr value divuw_unchecked(value a, value b) { return sext32(static_cast<u32>(a) / static_cast<u32>(b)); }
  static constexpr value remw_unchecked(value a, value b) {
    return sext32(static_cast<u32>(static_cast<i32>(static_cast<u32>(a)) % static_cast<i32>(static_cast<u32>(b))));
  }
  static constexpr value remuw_unchecked(value a, value b) { return sext32(static_cast<u32>(a) % static_cast<u32>(b)); }

  // Bit manipulation (Zbb). Rotates take the amount mod 64 (mod 32 for rorw, whose result is sign-extended).
  static constexpr value ror(value a, value b) {
    const unsigned n = b & 63;
    return n == 0 ? a : (a >> n) | (a << (64 - n));
  }
  static constexpr value rorw(value a, value b) {
    const unsigned n = b & 31;
    const auto x = static_cast<u32>(a);
    return sext32(n == 0 ? x : (x >> n) | (x << (32 - n)));
  }
  static constexpr value clz(value a) { return a == 0 ? 64 : static_cast<value>(__builtin_clzll(a)); }
  static constexpr value ctz(value a) { return a == 0 ? 64 : static_cast<value>(__builtin_ctzll(a)); }
  static constexpr value cpop(value a) { return static_cast<value>(__builtin_popcountll(a)); }
  static constexpr value rev8(value a) { return __builtin_bswap64(a); }
  static constexpr value orc_b(value a) {  // each byte: all ones if it is nonzero
    value r = 0;
    for (unsigned i = 0; i < 64; i += 8)
      if ((a >> i) & 0xff) r |= value{0xff} << i;
    return r;
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
