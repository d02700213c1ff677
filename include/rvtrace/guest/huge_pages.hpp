#pragma once
// Asks the kernel to back a range of anonymous memory with transparent huge pages (2 MiB) when it
// first touches it. For the memory a recording writes once, far and wide (the log ring, the word
// marks, their touched list): on a VM a 4 KiB page fault costs ~25 us (measured: 64 MiB in 450 ms,
// against 8 ms with huge pages), which made page faults the largest cost of recording a program
// that streams through memory. Only the 2 MiB-aligned part of the range can get huge pages; where
// THP is off ("never") this is a no-op and the pages stay 4 KiB.
#include <sys/mman.h>

#include <cstddef>
#include <cstdint>

namespace rvtrace::guest {

inline constexpr std::size_t huge_page_size = std::size_t{2} << 20;

inline void advise_huge_pages(void* p, std::size_t bytes) {
  const auto a = reinterpret_cast<std::uintptr_t>(p);
  const std::uintptr_t lo = (a + huge_page_size - 1) & ~(huge_page_size - 1);
  const std::uintptr_t hi = (a + bytes) & ~(huge_page_size - 1);
#ifdef MADV_HUGEPAGE
  if (lo < hi) ::madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE);  // advice: failure is harmless
#endif
}

}  // namespace rvtrace::guest
