#pragma once
// RV64C: every compressed instruction is expanded to the 32-bit instruction it stands for
// (RISC-V spec, "C" chapter, RVC instruction set listings). Returns 0 (an illegal word) for
// reserved encodings and for the floating-point forms (no F/D here).
#include <cstdint>

#include "rvtrace/isa/formats.hpp"

namespace rvtrace::isa {

namespace cfield {
constexpr std::uint32_t bits(std::uint16_t h, unsigned hi, unsigned lo) { return (h >> lo) & ((1u << (hi - lo + 1)) - 1); }
constexpr std::uint32_t bit(std::uint16_t h, unsigned b) { return (h >> b) & 1; }
constexpr unsigned rdp(std::uint16_t h) { return 8 + bits(h, 4, 2); }   // rd'/rs2' (x8..x15)
constexpr unsigned rs1p(std::uint16_t h) { return 8 + bits(h, 9, 7); }  // rs1'/rd'
constexpr unsigned rd(std::uint16_t h) { return bits(h, 11, 7); }
constexpr unsigned rs2(std::uint16_t h) { return bits(h, 6, 2); }
constexpr std::int64_t sext(std::uint32_t v, unsigned n) {
  return static_cast<std::int32_t>(v << (32 - n)) >> (32 - n);
}
constexpr std::int64_t imm6(std::uint16_t h) { return sext(bit(h, 12) << 5 | bits(h, 6, 2), 6); }
constexpr std::uint32_t shamt6(std::uint16_t h) { return bit(h, 12) << 5 | bits(h, 6, 2); }
constexpr std::uint32_t lw_off(std::uint16_t h) { return bits(h, 12, 10) << 3 | bit(h, 6) << 2 | bit(h, 5) << 6; }
constexpr std::uint32_t ld_off(std::uint16_t h) { return bits(h, 12, 10) << 3 | bits(h, 6, 5) << 6; }
constexpr std::int64_t j_off(std::uint16_t h) {
  return sext(bit(h, 12) << 11 | bit(h, 11) << 4 | bits(h, 10, 9) << 8 | bit(h, 8) << 10 | bit(h, 7) << 6 |
                  bit(h, 6) << 7 | bits(h, 5, 3) << 1 | bit(h, 2) << 5,
              12);
}
constexpr std::int64_t b_off(std::uint16_t h) {
  return sext(bit(h, 12) << 8 | bits(h, 11, 10) << 3 | bits(h, 6, 5) << 6 | bits(h, 4, 3) << 1 | bit(h, 2) << 5, 9);
}
}  // namespace cfield

// Opcode/funct bits of the base instructions the expansions produce.
namespace cbase {
inline constexpr std::uint32_t addi = 0x13, addiw = 0x1b, lui = 0x37, jal = 0x6f, jalr = 0x67, beq = 0x63,
                               bne = 0x1063, lw = 0x2003, ld = 0x3003, sw = 0x2023, sd = 0x3023, slli = 0x1013,
                               srli = 0x5013, srai = 0x40005013, andi = 0x7013, add = 0x33, sub = 0x40000033,
                               xor_ = 0x4033, or_ = 0x6033, and_ = 0x7033, subw = 0x4000003b, addw = 0x3b,
                               ebreak = 0x00100073;
}

constexpr bool is_compressed(std::uint16_t low_half) { return (low_half & 3) != 3; }

constexpr std::uint32_t expand_compressed(std::uint16_t h) {
  using namespace cfield;
  using namespace field;
  using namespace cbase;
  const unsigned funct3 = bits(h, 15, 13);
  switch (h & 3) {
    case 0:
      switch (funct3) {
        case 0: {  // c.addi4spn
          const std::uint32_t nzuimm = bits(h, 12, 11) << 4 | bits(h, 10, 7) << 6 | bit(h, 6) << 2 | bit(h, 5) << 3;
          return nzuimm == 0 ? 0 : pack_i(addi, rdp(h), 2, nzuimm);
        }
        case 2: return pack_i(lw, rdp(h), rs1p(h), lw_off(h));   // c.lw
        case 3: return pack_i(ld, rdp(h), rs1p(h), ld_off(h));   // c.ld
        case 6: return pack_s(sw, rs1p(h), rdp(h), lw_off(h));   // c.sw
        case 7: return pack_s(sd, rs1p(h), rdp(h), ld_off(h));   // c.sd
        default: return 0;                                       // c.fld/c.fsd/reserved
      }
    case 1:
      switch (funct3) {
        case 0: return pack_i(addi, rd(h), rd(h), imm6(h));                       // c.addi / c.nop
        case 1: return rd(h) == 0 ? 0 : pack_i(addiw, rd(h), rd(h), imm6(h));     // c.addiw
        case 2: return pack_i(addi, rd(h), 0, imm6(h));                           // c.li
        case 3:
          if (rd(h) == 2) {  // c.addi16sp
            const std::int64_t imm =
                sext(bit(h, 12) << 9 | bit(h, 6) << 4 | bit(h, 5) << 6 | bits(h, 4, 3) << 7 | bit(h, 2) << 5, 10);
            return imm == 0 ? 0 : pack_i(addi, 2, 2, imm);
          } else {  // c.lui
            const std::int64_t imm = imm6(h) * 4096;
            return imm == 0 ? 0 : pack_u(lui, rd(h), imm);
          }
        case 4:
          switch (bits(h, 11, 10)) {
            case 0: return (srli | rs1p(h) << 7 | rs1p(h) << 15 | shamt6(h) << 20);  // c.srli
            case 1: return (srai | rs1p(h) << 7 | rs1p(h) << 15 | shamt6(h) << 20);  // c.srai
            case 2: return pack_i(andi, rs1p(h), rs1p(h), imm6(h));                  // c.andi
            default: {
              constexpr std::uint32_t ops[8] = {sub, xor_, or_, and_, subw, addw, 0, 0};
              const std::uint32_t op = ops[bit(h, 12) << 2 | bits(h, 6, 5)];
              return op == 0 ? 0 : pack_r(op, rs1p(h), rs1p(h), rdp(h));
            }
          }
        case 5: return pack_j(jal, 0, j_off(h));                  // c.j
        case 6: return pack_b(beq, rs1p(h), 0, b_off(h));         // c.beqz
        default: return pack_b(bne, rs1p(h), 0, b_off(h));        // c.bnez
      }
    case 2:
      switch (funct3) {
        case 0: return (slli | rd(h) << 7 | rd(h) << 15 | shamt6(h) << 20);  // c.slli
        case 2:                                                              // c.lwsp
          return rd(h) == 0 ? 0 : pack_i(lw, rd(h), 2, bit(h, 12) << 5 | bits(h, 6, 4) << 2 | bits(h, 3, 2) << 6);
        case 3:  // c.ldsp
          return rd(h) == 0 ? 0 : pack_i(ld, rd(h), 2, bit(h, 12) << 5 | bits(h, 6, 5) << 3 | bits(h, 4, 2) << 6);
        case 4:
          if (bit(h, 12) == 0) {
            if (rs2(h) == 0) return rd(h) == 0 ? 0 : pack_i(jalr, 0, rd(h), 0);  // c.jr
            return pack_r(add, rd(h), 0, rs2(h));                                 // c.mv
          }
          if (rs2(h) == 0) return rd(h) == 0 ? ebreak : pack_i(jalr, 1, rd(h), 0);  // c.ebreak / c.jalr
          return pack_r(add, rd(h), rd(h), rs2(h));                                  // c.add
        case 6: return pack_s(sw, 2, rs2(h), bits(h, 12, 9) << 2 | bits(h, 8, 7) << 6);  // c.swsp
        case 7: return pack_s(sd, 2, rs2(h), bits(h, 12, 10) << 3 | bits(h, 9, 7) << 6);  // c.sdsp
        default: return 0;  // c.fldsp/c.fsdsp
      }
    default: return 0;  // not a compressed instruction
  }
}

}  // namespace rvtrace::isa
