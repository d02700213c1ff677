#pragma once
// Instruction kinds for the random program generators, derived from an instruction set: each type
// goes to a kind by what its exec does (isa/facts.hpp) and how it is encoded (its format), so an
// instruction added to the set is fuzzed without being named here. Jumps, ecall and ebreak are not
// placed: the generators build those into idioms of their own. Host calls (RVTRACE_HOST_INSN) in the
// R format are placed as `handlers`: what they do is the user's, the generator only picks operands.
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/hana/for_each.hpp>

#include "rvtrace/isa/facts.hpp"

namespace rvtrace::testgen {

using RegRegFn = std::uint32_t (*)(unsigned, unsigned, unsigned);
using RegImmFn = std::uint32_t (*)(unsigned, unsigned, std::int64_t);
using RegShamtFn = std::uint32_t (*)(unsigned, unsigned, unsigned);
using UnaryFn = std::uint32_t (*)(unsigned, unsigned);
using UpperFn = std::uint32_t (*)(unsigned, std::int64_t);
using FixedFn = std::uint32_t (*)();

template <class F>
struct Kind {
  std::string_view name;
  F enc;
  unsigned width = 0;  // memory accesses, AMOs, LR/SC: bytes
};

struct Kinds {
  std::vector<Kind<RegRegFn>> alu_rr;        // rd = f(rs1, rs2): enc(rd, rs1, rs2)
  std::vector<Kind<RegImmFn>> alu_ri;        // rd = f(rs1, imm12): enc(rd, rs1, imm)
  std::vector<Kind<RegShamtFn>> shift64, shift32;  // rd = f(rs1, shamt): enc(rd, rs1, shamt)
  std::vector<Kind<UnaryFn>> unary;          // rd = f(rs1): enc(rd, rs1)
  std::vector<Kind<UpperFn>> upper;          // rd = f(imm20 << 12): enc(rd, imm)
  std::vector<Kind<RegImmFn>> loads;         // enc(rd, base, off)
  std::vector<Kind<RegImmFn>> stores;        // enc(base, rs2, off)
  std::vector<Kind<RegImmFn>> branches;      // enc(rs1, rs2, off)
  std::vector<Kind<RegRegFn>> amos, lr, sc;  // enc(rd, addr, rs2) (lr: rs2 = 0)
  std::vector<Kind<FixedFn>> fences;         // no effect
  std::vector<Kind<UnaryFn>> counters;       // rd = steps retired (cycle/time/instret): enc(rd, 0)
  std::vector<Kind<RegRegFn>> handlers;      // host calls: enc(rd, rs1, rs2)
  std::vector<std::string_view> placed;      // every instruction in one of the kinds above
};

template <class I>
void place(Kinds& k) {
  constexpr isa::InsnFacts f = isa::analyze<I>();
  constexpr auto m = I::match;
  const std::string_view n = I::name;
  auto put = [&](auto& v, auto enc, unsigned width = 0) {
    v.push_back({n, enc, width});
    k.placed.push_back(n);
  };
  if constexpr (f.handler && std::is_base_of_v<isa::RType<m>, I>) {
    put(k.handlers, +[](unsigned a, unsigned b, unsigned c) { return I::encode(a, b, c); });
  } else if constexpr (f.illegal || f.host_call || f.ebreak || f.control == isa::Control::jump) {
    return;
  } else if constexpr (f.counter && std::is_base_of_v<isa::CounterReadType<(m >> 20)>, I>) {
    put(k.counters, +[](unsigned a, unsigned) { return I::encode(a); });
  } else if constexpr (f.plain_access() && !f.is_store() && std::is_base_of_v<isa::IType<m>, I>) {
    put(k.loads, +[](unsigned a, unsigned b, std::int64_t c) { return I::encode(a, b, c); }, f.width);
  } else if constexpr (f.plain_access() && f.is_store() && std::is_base_of_v<isa::SType<m>, I>) {
    put(k.stores, +[](unsigned a, unsigned b, std::int64_t c) { return I::encode(a, b, c); }, f.width);
  } else if constexpr (f.control == isa::Control::branch && f.direct() && std::is_base_of_v<isa::BType<m>, I>) {
    put(k.branches, +[](unsigned a, unsigned b, std::int64_t c) { return I::encode(a, b, c); });
  } else if constexpr (std::is_base_of_v<isa::AmoType<m, true>, I> && f.access == isa::Access::lr) {
    put(k.lr, +[](unsigned a, unsigned b, unsigned) { return I::encode(a, b); }, f.width);
  } else if constexpr (std::is_base_of_v<isa::AmoType<m, false>, I> && f.access == isa::Access::sc) {
    put(k.sc, +[](unsigned a, unsigned b, unsigned c) { return I::encode(a, b, c); }, f.width);
  } else if constexpr (std::is_base_of_v<isa::AmoType<m, false>, I> && f.access == isa::Access::amo) {
    put(k.amos, +[](unsigned a, unsigned b, unsigned c) { return I::encode(a, b, c); }, f.width);
  } else if constexpr (f.pure() && !f.writes_rd && !f.reads_rs1 && std::is_base_of_v<isa::FixedType<m, I::mask>, I>) {
    put(k.fences, +[] { return I::encode(); });
  } else if constexpr (f.pure() && f.writes_rd) {
    if constexpr (std::is_base_of_v<isa::RType<m>, I>)
      put(k.alu_rr, +[](unsigned a, unsigned b, unsigned c) { return I::encode(a, b, c); });
    else if constexpr (std::is_base_of_v<isa::ShiftType<m, 6>, I>)
      put(k.shift64, +[](unsigned a, unsigned b, unsigned c) { return I::encode(a, b, c); });
    else if constexpr (std::is_base_of_v<isa::ShiftType<m, 5>, I>)
      put(k.shift32, +[](unsigned a, unsigned b, unsigned c) { return I::encode(a, b, c); });
    else if constexpr (std::is_base_of_v<isa::IType<m>, I>)
      put(k.alu_ri, +[](unsigned a, unsigned b, std::int64_t c) { return I::encode(a, b, c); });
    else if constexpr (std::is_base_of_v<isa::UnaryType<m>, I>)
      put(k.unary, +[](unsigned a, unsigned b) { return I::encode(a, b); });
    else if constexpr (std::is_base_of_v<isa::UType<m>, I>)
      put(k.upper, +[](unsigned a, std::int64_t c) { return I::encode(a, c); });
  }
}

// The kinds of every instruction type of an instruction set (a Hana tuple of types).
template <class Tuple>
Kinds kinds_of(Tuple instructions) {
  Kinds k;
  boost::hana::for_each(instructions, [&](auto t) { place<typename decltype(t)::type>(k); });
  return k;
}

// The kinds of the default instruction set.
inline const Kinds& default_kinds() {
  static const Kinds k = kinds_of(isa::all_instructions);
  return k;
}

// The kinds without the instruction named `name` (e.g. one an oracle gets wrong).
inline Kinds without(Kinds k, std::string_view name) {
  auto drop = [&](auto& v) { std::erase_if(v, [&](const auto& kind) { return kind.name == name; }); };
  drop(k.alu_rr), drop(k.alu_ri), drop(k.shift64), drop(k.shift32), drop(k.unary), drop(k.upper), drop(k.loads);
  drop(k.stores), drop(k.branches), drop(k.amos), drop(k.lr), drop(k.sc), drop(k.fences), drop(k.counters);
  drop(k.handlers);
  std::erase(k.placed, name);
  return k;
}

// What a generator needs of an instruction set, without being a template over it: its kinds, its
// decoder and its facts table (for the registers an instruction writes and whether it jumps).
struct IsaView {
  std::string_view name;
  const Kinds* kinds;
  isa::Decoded (*decode_parcels)(std::uint16_t, std::uint16_t);
  std::string_view (*name_of)(std::uint16_t);
  const isa::InsnFacts* facts;  // indexed by id
  std::size_t count;            // ids 0..count-1
  isa::Decoded decode(std::uint32_t w) const {
    return decode_parcels(static_cast<std::uint16_t>(w), static_cast<std::uint16_t>(w >> 16));
  }
};
template <class Isa = isa::Rv64imac>
const IsaView& view_of() {
  static const Kinds k = kinds_of(Isa::types);
  static const IsaView v{Isa::name, &k, &Isa::decode_parcels, &Isa::name_of, isa::facts_of<Isa>.data(), Isa::count};
  return v;
}

}  // namespace rvtrace::testgen
