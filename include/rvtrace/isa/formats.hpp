#pragma once
// Instruction formats: for each, the mask (which bits are the opcode), how to decode the operands,
// and an encoder (used by tests, fuzzers and the compressed-instruction expander).
// Encoders reject out-of-range fields: a compile error in constant evaluation, an exception at run time.
#include <cstdint>
#include <stdexcept>

#include "rvtrace/isa/operands.hpp"

namespace rvtrace::isa {

namespace field {
constexpr unsigned rd(std::uint32_t w) { return (w >> 7) & 31; }
constexpr unsigned rs1(std::uint32_t w) { return (w >> 15) & 31; }
constexpr unsigned rs2(std::uint32_t w) { return (w >> 20) & 31; }
constexpr std::int32_t imm_i(std::uint32_t w) { return static_cast<std::int32_t>(w) >> 20; }
constexpr std::int32_t imm_s(std::uint32_t w) {
  return ((static_cast<std::int32_t>(w) >> 25) << 5) | static_cast<std::int32_t>((w >> 7) & 31);
}
constexpr std::int32_t imm_b(std::uint32_t w) {
  return ((static_cast<std::int32_t>(w) >> 31) << 12) | static_cast<std::int32_t>(((w >> 7) & 1) << 11) |
         static_cast<std::int32_t>(((w >> 25) & 63) << 5) | static_cast<std::int32_t>(((w >> 8) & 15) << 1);
}
constexpr std::int32_t imm_u(std::uint32_t w) { return static_cast<std::int32_t>(w & 0xfffff000u); }
constexpr std::int32_t imm_j(std::uint32_t w) {
  return ((static_cast<std::int32_t>(w) >> 31) << 20) | static_cast<std::int32_t>(w & 0xff000u) |
         static_cast<std::int32_t>(((w >> 20) & 1) << 11) | static_cast<std::int32_t>(((w >> 21) & 1023) << 1);
}

constexpr void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(what);
}
constexpr std::uint32_t reg(unsigned r) {
  require(r < 32, "register number out of range");
  return r;
}
constexpr bool fits_signed(std::int64_t v, unsigned bits) {
  return v >= -(std::int64_t{1} << (bits - 1)) && v < (std::int64_t{1} << (bits - 1));
}
// Raw field packers, one per format.
constexpr std::uint32_t pack_r(std::uint32_t match, unsigned rd, unsigned rs1, unsigned rs2) {
  return match | reg(rd) << 7 | reg(rs1) << 15 | reg(rs2) << 20;
}
constexpr std::uint32_t pack_i(std::uint32_t match, unsigned rd, unsigned rs1, std::int64_t imm) {
  require(fits_signed(imm, 12), "I-type immediate out of range");
  return match | reg(rd) << 7 | reg(rs1) << 15 | (static_cast<std::uint32_t>(imm) & 0xfff) << 20;
}
constexpr std::uint32_t pack_s(std::uint32_t match, unsigned rs1, unsigned rs2, std::int64_t imm) {
  require(fits_signed(imm, 12), "S-type immediate out of range");
  const auto u = static_cast<std::uint32_t>(imm);
  return match | (u & 31) << 7 | reg(rs1) << 15 | reg(rs2) << 20 | ((u >> 5) & 127) << 25;
}
constexpr std::uint32_t pack_b(std::uint32_t match, unsigned rs1, unsigned rs2, std::int64_t imm) {
  require(fits_signed(imm, 13) && imm % 2 == 0, "branch offset out of range or odd");
  const auto u = static_cast<std::uint32_t>(imm);
  return match | ((u >> 11) & 1) << 7 | ((u >> 1) & 15) << 8 | reg(rs1) << 15 | reg(rs2) << 20 |
         ((u >> 5) & 63) << 25 | ((u >> 12) & 1) << 31;
}
constexpr std::uint32_t pack_u(std::uint32_t match, unsigned rd, std::int64_t imm) {
  require(fits_signed(imm, 32) && (imm & 0xfff) == 0, "U-type immediate must be a multiple of 4096 in int32");
  return match | reg(rd) << 7 | (static_cast<std::uint32_t>(imm) & 0xfffff000u);
}
constexpr std::uint32_t pack_j(std::uint32_t match, unsigned rd, std::int64_t imm) {
  require(fits_signed(imm, 21) && imm % 2 == 0, "jump offset out of range or odd");
  const auto u = static_cast<std::uint32_t>(imm);
  return match | reg(rd) << 7 | (u & 0xff000u) | ((u >> 11) & 1) << 20 | ((u >> 1) & 1023) << 21 |
         ((u >> 20) & 1) << 31;
}
}  // namespace field

template <std::uint32_t Match>
struct RType {
  static constexpr std::uint32_t match = Match, mask = 0xfe00707f;
  static constexpr Operands decode(std::uint32_t w) {
    return {std::uint8_t(field::rd(w)), std::uint8_t(field::rs1(w)), std::uint8_t(field::rs2(w)), 4, 0};
  }
  static constexpr std::uint32_t encode(unsigned rd, unsigned rs1, unsigned rs2) {
    return field::pack_r(match, rd, rs1, rs2);
  }
};

template <std::uint32_t Match>
struct IType {
  static constexpr std::uint32_t match = Match, mask = 0x0000707f;
  static constexpr Operands decode(std::uint32_t w) {
    return {std::uint8_t(field::rd(w)), std::uint8_t(field::rs1(w)), 0, 4, field::imm_i(w)};
  }
  static constexpr std::uint32_t encode(unsigned rd, unsigned rs1, std::int64_t imm) {
    return field::pack_i(match, rd, rs1, imm);
  }
};

// Shifts by an immediate: 6-bit shamt for 64-bit shifts, 5-bit for the W forms.
template <std::uint32_t Match, unsigned ShamtBits>
struct ShiftType {
  static constexpr std::uint32_t match = Match;
  static constexpr std::uint32_t mask = ShamtBits == 6 ? 0xfc00707f : 0xfe00707f;
  static constexpr Operands decode(std::uint32_t w) {
    return {std::uint8_t(field::rd(w)), std::uint8_t(field::rs1(w)), 0, 4,
            static_cast<std::int32_t>((w >> 20) & ((1u << ShamtBits) - 1))};
  }
  static constexpr std::uint32_t encode(unsigned rd, unsigned rs1, unsigned shamt) {
    field::require(shamt < (1u << ShamtBits), "shift amount out of range");
    return match | field::reg(rd) << 7 | field::reg(rs1) << 15 | shamt << 20;
  }
};
template <std::uint32_t Match> using Shift64Type = ShiftType<Match, 6>;
template <std::uint32_t Match> using Shift32Type = ShiftType<Match, 5>;

// One source register, the rs2 field part of the opcode (Zbb clz, rev8, sext.b, ...).
template <std::uint32_t Match>
struct UnaryType {
  static constexpr std::uint32_t match = Match, mask = 0xfff0707f;
  static constexpr Operands decode(std::uint32_t w) {
    return {std::uint8_t(field::rd(w)), std::uint8_t(field::rs1(w)), 0, 4, 0};
  }
  static constexpr std::uint32_t encode(unsigned rd, unsigned rs1) {
    return match | field::reg(rd) << 7 | field::reg(rs1) << 15;
  }
};

template <std::uint32_t Match>
struct SType {
  static constexpr std::uint32_t match = Match, mask = 0x0000707f;
  static constexpr Operands decode(std::uint32_t w) {
    return {0, std::uint8_t(field::rs1(w)), std::uint8_t(field::rs2(w)), 4, field::imm_s(w)};
  }
  static constexpr std::uint32_t encode(unsigned rs1, unsigned rs2, std::int64_t imm) {
    return field::pack_s(match, rs1, rs2, imm);
  }
};

template <std::uint32_t Match>
struct BType {
  static constexpr std::uint32_t match = Match, mask = 0x0000707f;
  static constexpr Operands decode(std::uint32_t w) {
    return {0, std::uint8_t(field::rs1(w)), std::uint8_t(field::rs2(w)), 4, field::imm_b(w)};
  }
  static constexpr std::uint32_t encode(unsigned rs1, unsigned rs2, std::int64_t offset) {
    return field::pack_b(match, rs1, rs2, offset);
  }
};

template <std::uint32_t Match>
struct UType {
  static constexpr std::uint32_t match = Match, mask = 0x0000007f;
  static constexpr Operands decode(std::uint32_t w) { return {std::uint8_t(field::rd(w)), 0, 0, 4, field::imm_u(w)}; }
  static constexpr std::uint32_t encode(unsigned rd, std::int64_t imm) { return field::pack_u(match, rd, imm); }
};

template <std::uint32_t Match>
struct JType {
  static constexpr std::uint32_t match = Match, mask = 0x0000007f;
  static constexpr Operands decode(std::uint32_t w) { return {std::uint8_t(field::rd(w)), 0, 0, 4, field::imm_j(w)}; }
  static constexpr std::uint32_t encode(unsigned rd, std::int64_t offset) { return field::pack_j(match, rd, offset); }
};

// A-extension: aq/rl bits (26:25) are accepted and ignored (single hart); LR requires rs2 = 0.
template <std::uint32_t Match, bool IsLr = false>
struct AmoType {
  static constexpr std::uint32_t match = Match;
  static constexpr std::uint32_t mask = IsLr ? 0xf9f0707f : 0xf800707f;
  static constexpr Operands decode(std::uint32_t w) {
    return {std::uint8_t(field::rd(w)), std::uint8_t(field::rs1(w)), std::uint8_t(field::rs2(w)), 4, 0};
  }
  static constexpr std::uint32_t encode(unsigned rd, unsigned rs1, unsigned rs2 = 0) {
    field::require(!IsLr || rs2 == 0, "lr takes no rs2");
    return field::pack_r(match, rd, rs1, rs2);
  }
};

template <std::uint32_t Match> using LrType = AmoType<Match, true>;

// Fully fixed words (ecall, ebreak) and fences (whose fm/pred/succ/rs1/rd fields are ignored).
template <std::uint32_t Match, std::uint32_t Mask = 0xffffffff>
struct FixedType {
  static constexpr std::uint32_t match = Match, mask = Mask;
  static constexpr Operands decode(std::uint32_t) { return {}; }
  // fence is encoded as "fence iorw, iorw"; fence.i's reserved fields are zero.
  static constexpr std::uint32_t encode() { return match | (Match == 0x0000000f && Mask != 0xffffffff ? 0x0ff00000u : 0); }
};

template <std::uint32_t Match> using FenceType = FixedType<Match, 0x0000707f>;

// csrrs rd, CSR, x0: a read of a read-only counter CSR.
template <std::uint32_t Csr>
struct CounterReadType {
  static constexpr std::uint32_t match = Csr << 20 | 2u << 12 | 0x73, mask = 0xfffff07f;
  static constexpr Operands decode(std::uint32_t w) { return {std::uint8_t(field::rd(w)), 0, 0, 4, 0}; }
  static constexpr std::uint32_t encode(unsigned rd) { return match | field::reg(rd) << 7; }
};

}  // namespace rvtrace::isa
