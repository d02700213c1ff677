#pragma once
// Shared helpers of the ISA tests. The helpers only build states and read bytes back (little-endian,
// written out by hand here); they never compute an expected value with the code under test.
#include <catch2/catch.hpp>

#include <cstdint>

#include "rvtrace/isa/constexpr_machine.hpp"

namespace isa_test {
using namespace rvtrace::isa;
using u64 = std::uint64_t;

inline constexpr u64 PC = 0x10000;      // with_regs' default pc
inline constexpr u64 MEM = 0x1000;      // EvalState::mem_base (256 bytes)
inline constexpr u64 ONES = ~u64{0};    // 0xffff'ffff'ffff'ffff
inline constexpr u64 I64_MIN = u64{1} << 63;
inline constexpr u64 I64_MAX = I64_MIN - 1;

// Put `width` bytes of v at guest address addr, little-endian.
constexpr EvalState poke(EvalState s, u64 addr, u64 v, unsigned width) {
  for (unsigned i = 0; i < width; ++i) s.mem[addr - MEM + i] = static_cast<std::uint8_t>(v >> (8 * i));
  return s;
}
// Read `width` bytes at guest address addr, little-endian, zero-extended.
constexpr u64 peek(const EvalState& s, u64 addr, unsigned width) {
  u64 v = 0;
  for (unsigned i = 0; i < width; ++i) v |= u64{s.mem[addr - MEM + i]} << (8 * i);
  return v;
}
constexpr std::uint8_t byte(const EvalState& s, u64 addr) { return s.mem[addr - MEM]; }
// True when the 256 bytes of memory are all zero (nothing was stored).
constexpr bool mem_zero(const EvalState& s) {
  for (auto b : s.mem)
    if (b != 0) return false;
  return true;
}

}  // namespace isa_test
