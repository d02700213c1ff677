#pragma once
// How precompiles, DMA and fcalls reach guest memory: through any object with the engine's
// load/store shape, so the platform's host-call handler routes every access through the backend's
// memory policy (bounds, permissions, first-touch logging, memoryless replay). Nothing here keeps a
// pointer into guest memory.
#include <concepts>
#include <cstdint>
#include <span>

#include "error.hpp"

namespace rvtrace::platform::zisk {

// load(addr, width) returns the zero-extended little-endian value of width bytes (1, 2, 4 or 8);
// store(addr, value, width) writes the low width bytes. Either may throw on a bad address.
template <class M>
concept GuestWords = requires(M& m, std::uint64_t a, std::uint64_t v, unsigned w) {
  { m.load(a, w) } -> std::convertible_to<std::uint64_t>;
  m.store(a, v, w);
};

inline void require_aligned(std::uint64_t addr, const char* op, const char* what) {
  if (addr & 7) fail(std::string(op) + ": " + what + " address " + hex64(addr) + " is not 8-aligned");
}

template <GuestWords M>
void read_words(M& m, std::uint64_t addr, std::span<std::uint64_t> out) {
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = m.load(addr + 8 * i, 8);
}

template <GuestWords M>
void write_words(M& m, std::uint64_t addr, std::span<const std::uint64_t> in) {
  for (std::size_t i = 0; i < in.size(); ++i) m.store(addr + 8 * i, in[i], 8);
}

// Word `index` of a parameter block, as an 8-aligned pointer (ABI.md §8: pointer fields must be aligned).
template <GuestWords M>
std::uint64_t block_pointer(M& m, std::uint64_t block, unsigned index, const char* op) {
  std::uint64_t p = m.load(block + 8 * index, 8);
  require_aligned(p, op, "pointer");
  return p;
}

}  // namespace rvtrace::platform::zisk
