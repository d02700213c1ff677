#pragma once
// Function symbols of a program, for profiles: the ELF .symtab functions (read once by the loader,
// guest/elf.hpp) as address ranges, and a pc -> function table with one entry per 2-byte slot of a
// code range, so a per-step lookup is one array read. Function level only: line information would
// need DWARF (.debug_line), which no Debian-packaged library reads without pulling in elfutils'
// whole libdw; the profiler names functions, not lines.
//
// Ranges: [value, value + size) of each STT_FUNC symbol; a function of size 0 (an assembly label
// such as _start) extends to the next function's start, or to the end of its executable segment.
// Aliases (several names at one address) keep the first name in table order. A pc in no function
// maps to `unknown()`.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rvtrace/guest/elf.hpp"

namespace rvtrace::guest {

struct Function {
  std::string name;
  std::uint64_t lo = 0, hi = 0;  // [lo, hi)
};

class FunctionTable {
 public:
  FunctionTable() = default;
  explicit FunctionTable(const Program& p) {
    for (const Symbol& s : p.symbols)
      if (s.type == Symbol::function && exec_end(p, s.value)) functions_.push_back({s.name, s.value, s.value + s.size});
    std::stable_sort(functions_.begin(), functions_.end(), [](const Function& a, const Function& b) { return a.lo < b.lo; });
    functions_.erase(std::unique(functions_.begin(), functions_.end(),
                                 [](const Function& a, const Function& b) { return a.lo == b.lo; }),
                     functions_.end());
    for (std::size_t i = 0; i < functions_.size(); ++i) {
      Function& f = functions_[i];
      if (f.hi > f.lo) continue;
      f.hi = i + 1 < functions_.size() ? functions_[i + 1].lo : exec_end(p, f.lo);
    }
  }

  std::size_t size() const { return functions_.size(); }
  const Function& operator[](std::uint32_t id) const { return functions_[id]; }
  // The id of "no function" (pcs outside every symbol).
  std::uint32_t unknown() const { return static_cast<std::uint32_t>(functions_.size()); }
  std::string_view name(std::uint32_t id) const { return id < functions_.size() ? std::string_view(functions_[id].name) : "[unknown]"; }

  // The function containing pc (binary search; the hot path uses per_slot()).
  std::uint32_t find(std::uint64_t pc) const {
    auto it = std::upper_bound(functions_.begin(), functions_.end(), pc,
                               [](std::uint64_t v, const Function& f) { return v < f.lo; });
    while (it != functions_.begin()) {  // the nearest start at or below pc whose range holds pc
      --it;
      if (pc < it->hi) return static_cast<std::uint32_t>(it - functions_.begin());
      if (it->lo + (std::uint64_t{1} << 20) < pc) break;  // (overlapping ranges are short)
    }
    return unknown();
  }
  // Is pc the first instruction of a function?
  bool is_entry(std::uint64_t pc) const {
    return std::binary_search(functions_.begin(), functions_.end(), pc,
                              [](auto a, auto b) { return lo_of(a) < lo_of(b); });
  }

  // The function of every 2-byte slot of [lo, hi): entry i is for pc lo + 2 i.
  std::vector<std::uint32_t> per_slot(std::uint64_t lo, std::uint64_t hi) const {
    std::vector<std::uint32_t> out(static_cast<std::size_t>((hi - lo) / 2), unknown());
    // Larger functions first, so a function nested inside another one's range wins its pcs.
    std::vector<std::uint32_t> order(functions_.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) {
      return functions_[a].hi - functions_[a].lo > functions_[b].hi - functions_[b].lo;
    });
    for (std::uint32_t id : order) {
      const Function& f = functions_[id];
      for (std::uint64_t pc = std::max(f.lo, lo) & ~std::uint64_t{1}; pc < std::min(f.hi, hi); pc += 2)
        out[static_cast<std::size_t>((pc - lo) / 2)] = id;
    }
    return out;
  }

 private:
  static std::uint64_t lo_of(const Function& f) { return f.lo; }
  static std::uint64_t lo_of(std::uint64_t v) { return v; }
  // The end of the executable segment holding addr, 0 if none does.
  static std::uint64_t exec_end(const Program& p, std::uint64_t addr) {
    for (const Segment& s : p.segments)
      if (s.exec && s.range().contains(addr)) return s.range().hi;
    return 0;
  }
  std::vector<Function> functions_;  // sorted by lo, distinct starts
};

// The NUL-terminated string at addr in a read-only segment's file bytes (at most max_len
// characters), or nullopt: how a profile names a region from the label pointer a guest passed
// (string literals live in .rodata, which every replay has, since it is part of the ELF).
inline std::optional<std::string> read_only_string(const Program& p, std::uint64_t addr, std::size_t max_len = 200) {
  for (const Segment& s : p.segments) {
    if (s.write || addr < s.vaddr || addr - s.vaddr >= s.bytes.size()) continue;
    std::string out;
    for (std::uint64_t i = addr - s.vaddr; i < s.bytes.size() && out.size() < max_len; ++i) {
      if (s.bytes[i] == 0) return out;
      out.push_back(static_cast<char>(s.bytes[i]));
    }
    return std::nullopt;  // unterminated or too long
  }
  return std::nullopt;
}

}  // namespace rvtrace::guest
