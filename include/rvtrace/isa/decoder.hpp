#pragma once
// The default instruction set (RV64IMAC) under the names code that needs no other set uses:
// all_instructions, instruction_count, encodings, id_of, name_of, decode, decode_parcels,
// dispatch_table, visit_instruction; plus the encoder. Engines take any InstructionSet
// (instruction_set.hpp); these are Rv64imac's.
#include <cstdint>
#include <string_view>

#include "rvtrace/isa/instruction_set.hpp"

namespace rvtrace::isa {

inline constexpr auto all_instructions = Rv64imac::types;
inline constexpr std::size_t instruction_count = illegal_id;  // without Illegal
inline constexpr auto encodings = Rv64imac::encodings;

template <class Insn>
constexpr std::uint16_t id_of() {
  return Rv64imac::id_of<Insn>();
}
constexpr std::string_view name_of(std::uint16_t id) { return Rv64imac::name_of(id); }
constexpr Decoded decode(std::uint32_t w) { return Rv64imac::decode(w); }
constexpr Decoded decode_parcels(std::uint16_t low, std::uint16_t high) { return Rv64imac::decode_parcels(low, high); }

template <class M>
inline constexpr auto dispatch_table = Rv64imac::dispatch_table<M>;

template <class F>
constexpr void visit_instruction(std::uint16_t id, F&& f) {
  Rv64imac::visit(id, static_cast<F&&>(f));
}

// encode<Add>(rd, rs1, rs2), encode<Addi>(rd, rs1, imm), encode<Sd>(rs1, rs2, imm), ...
template <class Insn, class... Args>
constexpr std::uint32_t encode(Args... args) {
  return Insn::encode(args...);
}

}  // namespace rvtrace::isa
