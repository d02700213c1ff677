#pragma once
// ZisK's DMA operations (ABI.md §9) on guest memory: memmove-safe copy, compare, fill. The
// two-instruction patterns that invoke them are the platform's business; these are the effects.
// Copies move 8 bytes per access where they can (accesses may be unaligned in ZisK and rvtrace).
#include <cstdint>

#include "guest_words.hpp"

namespace rvtrace::platform::zisk {

// Copies n bytes from src to dst with memmove semantics (overlap-safe).
template <GuestWords M>
void dma_memmove(M& m, std::uint64_t dst, std::uint64_t src, std::uint64_t n) {
  if (n == 0 || dst == src) return;
  const bool backward = dst > src && dst - src < n;  // overlapping, destination above: copy from the end
  const std::uint64_t words = n / 8;
  if (!backward) {
    for (std::uint64_t i = 0; i < words; ++i) m.store(dst + 8 * i, m.load(src + 8 * i, 8), 8);
    for (std::uint64_t i = 8 * words; i < n; ++i) m.store(dst + i, m.load(src + i, 1), 1);
  } else {
    for (std::uint64_t i = n; i-- > 8 * words;) m.store(dst + i, m.load(src + i, 1), 1);
    for (std::uint64_t i = words; i-- > 0;) m.store(dst + 8 * i, m.load(src + 8 * i, 8), 8);
  }
}

// a[i] - b[i] (sign-extended) at the first differing byte, 0 if the n bytes are equal.
template <GuestWords M>
std::uint64_t dma_memcmp(M& m, std::uint64_t a, std::uint64_t b, std::uint64_t n) {
  std::uint64_t i = 0;
  for (; i + 8 <= n; i += 8)
    if (m.load(a + i, 8) != m.load(b + i, 8)) break;  // the difference is in this word
  for (; i < n; ++i) {
    std::int64_t d = static_cast<std::int64_t>(m.load(a + i, 1)) - static_cast<std::int64_t>(m.load(b + i, 1));
    if (d != 0) return static_cast<std::uint64_t>(d);
  }
  return 0;
}

template <GuestWords M>
void dma_memset(M& m, std::uint64_t dst, std::uint64_t n, std::uint8_t byte) {
  const std::uint64_t word = 0x0101010101010101ull * byte;
  std::uint64_t i = 0;
  for (; i + 8 <= n; i += 8) m.store(dst + i, word, 8);
  for (; i < n; ++i) m.store(dst + i, byte, 1);
}

}  // namespace rvtrace::platform::zisk
