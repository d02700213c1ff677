#pragma once
// Encodings of ZisK's CSR instructions (ABI.md §6): the CSR number is part of the opcode, as in
// isa::CounterReadType (`csrrs rd, CSR, x0`, which the zisk set also uses for marchid and 0xFFE).
#include <cstdint>

#include "rvtrace/isa/formats.hpp"

namespace rvtrace::platform::zisk {

namespace csr_field {
inline constexpr std::uint32_t system = 0x73, csrrw = 1u << 12, csrrs = 2u << 12, csrrwi = 5u << 12;
constexpr std::uint32_t number(std::uint32_t w) { return w >> 20; }
}  // namespace csr_field

// csrrs x0, Csr, rs1: a precompile, DMA op or fcall push; rd must be x0.
template <std::uint32_t Csr>
struct CsrSetX0Type {
  static constexpr std::uint32_t match = Csr << 20 | csr_field::csrrs | csr_field::system, mask = 0xfff07fff;
  static constexpr isa::Operands decode(std::uint32_t w) { return {0, std::uint8_t(isa::field::rs1(w)), 0, 4, 0}; }
  static constexpr std::uint32_t encode(unsigned rs1) { return match | isa::field::reg(rs1) << 15; }
};

// csrrs rd, Csr, rs1 (add256, whose rd gets the carry).
template <std::uint32_t Csr>
struct CsrSetType {
  static constexpr std::uint32_t match = Csr << 20 | csr_field::csrrs | csr_field::system, mask = 0xfff0707f;
  static constexpr isa::Operands decode(std::uint32_t w) {
    return {std::uint8_t(isa::field::rd(w)), std::uint8_t(isa::field::rs1(w)), 0, 4, 0};
  }
  static constexpr std::uint32_t encode(unsigned rd, unsigned rs1) {
    return match | isa::field::reg(rd) << 7 | isa::field::reg(rs1) << 15;
  }
};

// csrrs x0, First + k, rs1 for k in 0..15 (fcall pushes 0x8F0-0x8FF): imm = k.
template <std::uint32_t First>
struct CsrSetX0RangeType {
  static_assert(First % 16 == 0);
  static constexpr std::uint32_t match = First << 20 | csr_field::csrrs | csr_field::system, mask = 0xff007fff;
  static constexpr isa::Operands decode(std::uint32_t w) {
    return {0, std::uint8_t(isa::field::rs1(w)), 0, 4, static_cast<std::int32_t>(csr_field::number(w) - First)};
  }
  static constexpr std::uint32_t encode(unsigned k, unsigned rs1) {
    isa::field::require(k < 16, "CSR offset out of range");
    return match | k << 20 | isa::field::reg(rs1) << 15;
  }
};

// csrrwi x0, First + (n >> 5), n & 31 for n in 0..1023 (fcall calls 0x8C0-0x8DF): imm = n.
template <std::uint32_t First>
struct CsrWriteImmRangeType {
  static_assert(First % 32 == 0);
  static constexpr std::uint32_t match = First << 20 | csr_field::csrrwi | csr_field::system, mask = 0xfe007fff;
  static constexpr isa::Operands decode(std::uint32_t w) {
    return {0, 0, 0, 4, static_cast<std::int32_t>((csr_field::number(w) - First) << 5 | isa::field::rs1(w))};
  }
  static constexpr std::uint32_t encode(unsigned n) {
    isa::field::require(n < 1024, "fcall id out of range");
    return match | (n >> 5) << 20 | (n & 31) << 15;
  }
};

}  // namespace rvtrace::platform::zisk
