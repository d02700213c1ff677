#pragma once
// An instruction set: a list of instruction types, and everything derived from it at compile time
// (ids, the decoder, per-backend dispatch tables, the overlap check). Every engine is a template
// over one; RV64IMAC is the default. A user's set adds types in the user's own header:
//
//   struct MyIsa : rvtrace::isa::InstructionSet<Sum, Lwx> {
//     static constexpr std::string_view name = "rv64imac_xmy";   // recorded in trace files
//   };
//
// Ids: the RV64IMAC instructions first (0..90, the same in every set), then Illegal (91, what an
// undecodable word becomes), then the set's own types in order (92, ...). So code that knows only
// the base instructions, or only "illegal", works on every set.
#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

#include <boost/hana/append.hpp>
#include <boost/hana/at.hpp>
#include <boost/hana/concat.hpp>
#include <boost/hana/flatten.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>

#include "rvtrace/isa/host_call.hpp"
#include "rvtrace/isa/rv64a.hpp"
#include "rvtrace/isa/rv64c.hpp"
#include "rvtrace/isa/rv64i.hpp"
#include "rvtrace/isa/rv64m.hpp"
#include "rvtrace/isa/system.hpp"

namespace rvtrace::isa {

// RV64IMAC (+ Zicsr counter reads), then Illegal: the first ids of every instruction set.
inline constexpr auto base_instructions =
    hana::concat(hana::concat(hana::concat(rv64i, rv64m), rv64a), hana::append(system_insns, hana::type_c<Illegal>));
inline constexpr std::uint16_t illegal_id = decltype(hana::length(base_instructions))::value - 1;

struct Encoding {
  std::uint32_t match, mask;
  std::string_view name;
};

struct Decoded {
  std::uint16_t id = illegal_id;
  Operands ops{};
  std::uint32_t word = 0;  // as stored in memory: 16 bits for a compressed instruction
  constexpr bool legal() const { return id != illegal_id; }
};

// Table of exec<Insn> instantiated for backend M, indexed by instruction id.
template <class M>
using Handler = void (*)(M&, const Operands&);

namespace detail {
template <class Tuple>
constexpr auto encodings_of(Tuple types) {
  return hana::unpack(types, [](auto... t) {
    return std::array<Encoding, sizeof...(t)>{
        Encoding{decltype(t)::type::match, decltype(t)::type::mask, decltype(t)::type::name}...};
  });
}
// Does some word match two encodings (Illegal, whose mask is 0, is left out)?
template <std::size_t N>
constexpr bool encodings_overlap(const std::array<Encoding, N>& e) {
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = i + 1; j < N; ++j) {
      if (i == illegal_id || j == illegal_id) continue;
      if (((e[i].match ^ e[j].match) & e[i].mask & e[j].mask) == 0) return true;
    }
  return false;
}
template <std::size_t N>
constexpr bool names_unique(const std::array<Encoding, N>& e) {
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = i + 1; j < N; ++j)
      if (e[i].name == e[j].name) return false;
  return true;
}
}  // namespace detail

template <class... Extra>
struct InstructionSet {
  static constexpr std::string_view name = sizeof...(Extra) == 0 ? "rv64imac" : "rv64imac_x";
  static constexpr auto types = hana::concat(base_instructions, hana::tuple_t<Extra...>);
  static constexpr std::size_t count = decltype(hana::length(types))::value;  // ids 0..count-1
  static constexpr auto encodings = detail::encodings_of(types);
  static_assert(!detail::encodings_overlap(encodings), "two instruction encodings of this set overlap");
  static_assert(detail::names_unique(encodings), "two instructions of this set have the same name");
  // The most trace-log words one step may add (host calls declare theirs: isa/host_call.hpp).
  static constexpr std::uint64_t max_log_words_per_step =
      hana::unpack(types, [](auto... t) { return std::max({log_words_of<typename decltype(t)::type>()...}); });

  // id of an instruction type: its index in `types`.
  template <class Insn>
  static constexpr std::uint16_t id_of() {
    for (std::size_t i = 0; i < count; ++i)
      if (encodings[i].name == Insn::name) return static_cast<std::uint16_t>(i);
    throw "instruction not in this instruction set";
  }
  static constexpr std::string_view name_of(std::uint16_t id) { return encodings[id].name; }

  // Decode one 32-bit instruction word (first match wins; there is at most one).
  static constexpr Decoded decode(std::uint32_t w) { return decode32(w, std::make_index_sequence<count>{}); }

  // Decode the instruction starting with `low` (the 16-bit parcel at pc) and `high` (the next one).
  // A compressed instruction is expanded to its base instruction and keeps length 2.
  static constexpr Decoded decode_parcels(std::uint16_t low, std::uint16_t high) {
    if (!is_compressed(low)) return decode(std::uint32_t{low} | std::uint32_t{high} << 16);
    const std::uint32_t expanded = expand_compressed(low);
    Decoded d = expanded ? decode(expanded) : Decoded{};
    d.ops.len = 2;
    d.word = low;
    return d;
  }

  template <class M>
  static constexpr auto dispatch_table = hana::unpack(types, [](auto... t) {
    return std::array<Handler<M>, sizeof...(t)>{+[](M& m, const Operands& o) { decltype(t)::type::exec(m, o); }...};
  });

  // Call f(hana::type_c<Insn>) for the instruction with this id (e.g. to instantiate an emitter).
  template <class F>
  static constexpr void visit(std::uint16_t id, F&& f) {
    std::size_t i = 0;
    hana::for_each(types, [&](auto t) {
      if (i++ == id) f(t);
    });
  }

 private:
  template <std::size_t... I>
  static constexpr Decoded decode32(std::uint32_t w, std::index_sequence<I...>) {
    Decoded d;
    d.word = w;
    (void)((I != illegal_id && (w & encodings[I].mask) == encodings[I].match &&
            (d.id = I, d.ops = decltype(+hana::at_c<I>(types))::type::decode(w), true)) ||
           ...);
    return d;
  }
};

using Rv64imac = InstructionSet<>;

// InstructionSet<the types in these Hana tuple types, in order>, e.g.
// InstructionSetOf<decltype(rv64zba), decltype(rv64zbb)>.
template <class... Tuples>
using InstructionSetOf = decltype(hana::unpack(hana::flatten(hana::make_tuple(Tuples{}...)), [](auto... t) {
  return InstructionSet<typename decltype(t)::type...>{};
}));

}  // namespace rvtrace::isa
