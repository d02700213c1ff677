#pragma once
// Guest address-space layout and the one overflow-safe range check every guest header uses.
//
//   0 ........ program segments ... brk-> ......... <-mmap | stack (grows down) | guard | size
//   [read_lo, write_lo) read-only text/rodata; [write_lo, size) writable.
//
// The program is loaded low, the heap (brk) grows up from just past its highest segment, anonymous
// mmaps are carved downward from the bottom of the stack region, and the stack grows down from
// `stack_top(size)`. The top `stack_guard` bytes are never used so stray accesses just past the stack
// still land inside the reserved host range.
#include <cstdint>

namespace rvtrace::guest {

inline constexpr std::uint64_t page_size = 4096;
inline constexpr std::uint64_t default_guest_size = std::uint64_t{4} << 30;  // 4 GiB
inline constexpr std::uint64_t stack_guard = 64 * 1024;                      // unused top of memory
inline constexpr std::uint64_t stack_reserve = 8 * 1024 * 1024;              // room for the stack

// True when [start, start+len) lies inside [lo, hi). Never overflows, whatever the inputs.
constexpr bool range_within(std::uint64_t start, std::uint64_t len, std::uint64_t lo,
                            std::uint64_t hi) {
  return lo <= hi && start >= lo && start <= hi && len <= hi - start;
}

// Round up to a page boundary; values in the last page of the 64-bit space saturate down instead
// of wrapping to 0 (callers then see a range that does not fit and reject it).
constexpr std::uint64_t page_up(std::uint64_t x) {
  return x > ~std::uint64_t{0} - (page_size - 1) ? ~std::uint64_t{0} & ~(page_size - 1)
                                                  : (x + page_size - 1) & ~(page_size - 1);
}
constexpr std::uint64_t page_down(std::uint64_t x) { return x & ~(page_size - 1); }

// Initial stack pointer region: the stack grows down from here.
constexpr std::uint64_t stack_top(std::uint64_t guest_size) { return guest_size - stack_guard; }
// Lowest address reserved for the stack; also the top of the anonymous-mmap area. Program
// segments must end at or below it.
constexpr std::uint64_t stack_bottom(std::uint64_t guest_size) {
  return guest_size - stack_guard - stack_reserve;
}

// A half-open guest address range [lo, hi).
struct AddrRange {
  std::uint64_t lo = 0, hi = 0;
  constexpr bool contains(std::uint64_t a) const { return a >= lo && a < hi; }
  constexpr bool operator==(const AddrRange&) const = default;
};

}  // namespace rvtrace::guest
