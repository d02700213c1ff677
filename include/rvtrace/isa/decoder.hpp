#pragma once
// Everything derived from the instruction lists at compile time: the list of all instructions,
// instruction ids, the decoder (match/mask per major opcode), per-backend dispatch tables, the
// encoder, and the check that no two encodings overlap.
#include <array>
#include <cstdint>
#include <string_view>

#include <boost/hana/append.hpp>
#include <boost/hana/at.hpp>
#include <boost/hana/concat.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/unpack.hpp>

#include "rvtrace/isa/rv64a.hpp"
#include "rvtrace/isa/rv64c.hpp"
#include "rvtrace/isa/rv64i.hpp"
#include "rvtrace/isa/rv64m.hpp"
#include "rvtrace/isa/system.hpp"

namespace rvtrace::isa {

// Every instruction of RV64IMAC (+ Zicsr counter reads), then Illegal as the last id.
inline constexpr auto all_instructions =
    hana::concat(hana::concat(hana::concat(rv64i, rv64m), rv64a), hana::append(system_insns, hana::type_c<Illegal>));
inline constexpr std::size_t instruction_count = decltype(hana::length(all_instructions))::value - 1;  // without Illegal
inline constexpr std::uint16_t illegal_id = instruction_count;

struct Encoding {
  std::uint32_t match, mask;
  std::string_view name;
};
inline constexpr auto encodings = hana::unpack(all_instructions, [](auto... t) {
  return std::array<Encoding, sizeof...(t)>{
      Encoding{decltype(t)::type::match, decltype(t)::type::mask, decltype(t)::type::name}...};
});

// id of an instruction type: its index in all_instructions.
template <class Insn>
constexpr std::uint16_t id_of() {
  for (std::size_t i = 0; i < encodings.size(); ++i)
    if (encodings[i].name == Insn::name) return static_cast<std::uint16_t>(i);
  throw "instruction not in all_instructions";
}
constexpr std::string_view name_of(std::uint16_t id) { return encodings[id].name; }

constexpr bool encodings_overlap() {
  for (std::size_t i = 0; i < instruction_count; ++i)
    for (std::size_t j = i + 1; j < instruction_count; ++j) {
      const auto& a = encodings[i];
      const auto& b = encodings[j];
      if (((a.match ^ b.match) & a.mask & b.mask) == 0) return true;  // some word matches both
    }
  return false;
}
static_assert(!encodings_overlap(), "two instruction encodings overlap");

struct Decoded {
  std::uint16_t id = illegal_id;
  Operands ops{};
  std::uint32_t word = 0;  // as stored in memory: 16 bits for a compressed instruction
  constexpr bool legal() const { return id != illegal_id; }
};

namespace detail {
template <std::size_t... I>
constexpr Decoded decode32(std::uint32_t w, std::index_sequence<I...>) {
  Decoded d;
  d.word = w;
  // First matching encoding wins; there is at most one (checked above).
  (void)((((w & encodings[I].mask) == encodings[I].match) &&
          (d.id = I, d.ops = decltype(+hana::at_c<I>(all_instructions))::type::decode(w), true)) ||
         ...);
  return d;
}
}  // namespace detail

// Decode one 32-bit instruction word.
constexpr Decoded decode(std::uint32_t w) {
  return detail::decode32(w, std::make_index_sequence<instruction_count>{});
}

// Decode the instruction starting with `low` (the 16-bit parcel at pc) and `high` (the next one).
// A compressed instruction is expanded to its base instruction and keeps length 2.
constexpr Decoded decode_parcels(std::uint16_t low, std::uint16_t high) {
  if (!is_compressed(low)) return decode(std::uint32_t{low} | std::uint32_t{high} << 16);
  const std::uint32_t expanded = expand_compressed(low);
  Decoded d = expanded ? decode(expanded) : Decoded{};
  d.ops.len = 2;
  d.word = low;
  return d;
}

// encode<Add>(rd, rs1, rs2), encode<Addi>(rd, rs1, imm), encode<Sd>(rs1, rs2, imm), ...
template <class Insn, class... Args>
constexpr std::uint32_t encode(Args... args) {
  return Insn::encode(args...);
}

// Table of exec<Insn> instantiated for backend M, indexed by instruction id.
template <class M>
using Handler = void (*)(M&, const Operands&);

template <class M>
inline constexpr auto dispatch_table = hana::unpack(all_instructions, [](auto... t) {
  return std::array<Handler<M>, sizeof...(t)>{
      +[](M& m, const Operands& o) { decltype(t)::type::exec(m, o); }...};
});

// Call f(hana::type_c<Insn>) for the instruction with this id (e.g. to instantiate an emitter).
template <class F>
constexpr void visit_instruction(std::uint16_t id, F&& f) {
  std::size_t i = 0;
  hana::for_each(all_instructions, [&](auto t) {
    if (i++ == id) f(t);
  });
}

}  // namespace rvtrace::isa
