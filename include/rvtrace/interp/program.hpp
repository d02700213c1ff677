#pragma once
// A program decoded once, before it runs: one Decoded entry per 2-byte offset of the executable
// range (so any jump target has an entry, as in the AOT translator's linear sweep). Both the
// interpreter and the AOT translator start from this; replay uses it as the program ROM.
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "rvtrace/guest/elf.hpp"
#include "rvtrace/isa/facts.hpp"
#include "rvtrace/isa/instruction_set.hpp"

namespace rvtrace {

// What a decoded program knows of the instruction set its ids belong to (engines, which need the set
// as a type, check that it is theirs: the name).
struct IsaInfo {
  std::string_view name;
  std::span<const isa::Encoding> encodings;  // by id
  std::span<const isa::InsnFacts> facts;     // by id
  std::uint64_t max_log_words_per_step = isa::base_log_words_per_step;
  std::string_view name_of(std::uint16_t id) const { return encodings[id].name; }
};
template <class Isa>
inline constexpr IsaInfo isa_info{Isa::name, Isa::encodings, isa::facts_of<Isa>, Isa::max_log_words_per_step};

struct DecodedProgram {
  std::uint64_t lo = 0, hi = 0;             // executable range [lo, hi) covered by `slots`
  std::vector<isa::Decoded> slots;          // slots[(pc - lo) / 2]
  std::vector<bool> executable;             // false for gaps between executable segments
  std::uint64_t entry = 0;
  std::uint64_t program_hash = 0;
  const IsaInfo* isa = &isa_info<isa::Rv64imac>;  // the set slots[].id index

  // Is there an instruction (possibly illegal) that can be fetched at pc?
  bool fetchable(std::uint64_t pc) const { return pc - lo < hi - lo && (pc & 1) == 0 && executable[(pc - lo) >> 1]; }
  const isa::Decoded& at(std::uint64_t pc) const { return slots[(pc - lo) >> 1]; }
  std::size_t index(std::uint64_t pc) const { return static_cast<std::size_t>((pc - lo) >> 1); }
};

// An engine over instruction set Isa runs programs decoded for Isa or for a prefix of it (the
// same instructions at the same ids, e.g. RV64IMAC on an RV64IMAC + Zba + Zbb engine: the ids a
// program holds mean the same in both).
template <class Isa>
bool runs_on(const IsaInfo& decoded) {
  if (decoded.encodings.size() > Isa::count) return false;
  for (std::size_t i = 0; i < decoded.encodings.size(); ++i)
    if (decoded.encodings[i].name != Isa::encodings[i].name) return false;
  return true;
}
template <class Isa>
void require_isa(const DecodedProgram& d) {
  if (d.isa != &isa_info<Isa> && !runs_on<Isa>(*d.isa))
    throw std::invalid_argument("a program decoded for instruction set " + std::string(d.isa->name) +
                                " cannot run on an engine for " + std::string(Isa::name));
}

template <class Isa = isa::Rv64imac>
DecodedProgram decode_program(const guest::Program& prog) {
  DecodedProgram d;
  d.isa = &isa_info<Isa>;
  d.entry = prog.entry;
  d.program_hash = prog.hash;
  bool first = true;
  for (const auto& s : prog.segments) {
    if (!s.exec) continue;
    if (first || s.vaddr < d.lo) d.lo = s.vaddr & ~std::uint64_t{1};
    if (first || s.vaddr + s.memsz > d.hi) d.hi = s.vaddr + s.memsz;
    first = false;
  }
  d.hi = (d.hi + 1) & ~std::uint64_t{1};
  const std::size_t n = static_cast<std::size_t>((d.hi - d.lo) / 2);
  d.slots.assign(n, isa::Decoded{});
  d.executable.assign(n, false);
  for (const auto& s : prog.segments) {
    if (!s.exec) continue;
    // Parcels beyond filesz are zero (bss-like text); a 4-byte instruction must lie inside its segment.
    auto parcel = [&](std::uint64_t a) -> std::uint16_t {
      std::uint64_t off = a - s.vaddr;
      std::uint16_t v = 0;
      if (off < s.bytes.size()) v = s.bytes[off];
      if (off + 1 < s.bytes.size()) v |= std::uint16_t(s.bytes[off + 1]) << 8;
      return v;
    };
    for (std::uint64_t a = (s.vaddr + 1) & ~std::uint64_t{1}; a + 2 <= s.vaddr + s.memsz; a += 2) {
      const std::uint16_t low = parcel(a);
      const bool fits = isa::is_compressed(low) || a + 4 <= s.vaddr + s.memsz;
      const std::size_t i = d.index(a);
      d.executable[i] = true;
      d.slots[i] = fits ? Isa::decode_parcels(low, parcel(a + 2)) : isa::Decoded{isa::illegal_id, {}, low};
    }
  }
  return d;
}

}  // namespace rvtrace
