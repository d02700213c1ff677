#pragma once
// What an instruction's exec() sees: the decoded fields of one instruction, plus its length.
#include <array>
#include <cstdint>

namespace rvtrace::isa {

struct Operands {
  std::uint8_t rd = 0, rs1 = 0, rs2 = 0;
  std::uint8_t len = 4;   // 2 for a compressed instruction (expanded at decode time), else 4
  std::int32_t imm = 0;   // sign-extended immediate; shift amount; U-type: the value already << 12
  friend constexpr bool operator==(const Operands&, const Operands&) = default;
};

// Architectural state shared by every backend (the AOT register file has exactly this layout).
inline constexpr std::uint64_t no_reservation = ~std::uint64_t{0};
struct CpuState {
  std::array<std::uint64_t, 32> x{};
  std::uint64_t pc = 0;
  std::uint64_t reservation = no_reservation;  // LR/SC reserved address, or no_reservation
  friend constexpr bool operator==(const CpuState&, const CpuState&) = default;
};

}  // namespace rvtrace::isa
