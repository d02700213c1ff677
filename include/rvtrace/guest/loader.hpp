#pragma once
// Places a validated Program into a GuestMemory and sets the memory's read/write windows.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/fault.hpp"
#include "rvtrace/guest/layout.hpp"
#include "rvtrace/guest/memory.hpp"

namespace rvtrace::guest {

// What the engines need to know about the mapped image.
struct LoadedImage {
  std::vector<AddrRange> text;  // executable segments [vaddr, vaddr+memsz), ascending
  std::uint64_t brk_start = 0;  // initial program break: end of the highest segment, page-aligned up
  std::uint64_t read_lo = 0;    // = mem.read_lo(): lowest segment start
  std::uint64_t write_lo = 0;   // = mem.write_lo(): end of the highest read-only segment
};

// Copies the segments into `mem` (expected fresh: not used since construction), zero-fills each
// segment's bss part, and sets the windows: reads from the lowest segment up, writes only above the
// read-only segments. Because writability is one window, a writable segment below a read-only one
// cannot be represented and is rejected (InputError).
inline LoadedImage map_program(const Program& prog, GuestMemory& mem) {
  if (prog.segments.empty()) throw InputError(prog.name + ": no loadable segments");
  LoadedImage img;
  img.read_lo = ~std::uint64_t{0};
  std::uint64_t top = 0;
  for (const Segment& s : prog.segments) {
    // load_elf checked this against the guest size it was given; `mem` may be smaller.
    if (!range_within(s.vaddr, s.memsz, 0, stack_bottom(mem.size()))) {
      char buf[200];
      std::snprintf(buf, sizeof buf,
                    ": segment [0x%llx, 0x%llx) lies outside guest memory (programs must fit in "
                    "[0x0, 0x%llx))",
                    (unsigned long long)s.vaddr, (unsigned long long)(s.vaddr + s.memsz),
                    (unsigned long long)stack_bottom(mem.size()));
      throw InputError(prog.name + buf);
    }
    img.read_lo = std::min(img.read_lo, s.vaddr);
    top = std::max(top, s.vaddr + s.memsz);
    if (!s.write) img.write_lo = std::max(img.write_lo, s.vaddr + s.memsz);
    if (s.exec) img.text.push_back(s.range());
  }
  for (const Segment& s : prog.segments)
    if (s.write && s.vaddr < img.write_lo) {
      char buf[160];
      std::snprintf(buf, sizeof buf,
                    ": unsupported layout: writable segment below read-only segment at 0x%llx "
                    "(read-only memory must end at 0x%llx)",
                    (unsigned long long)s.vaddr, (unsigned long long)img.write_lo);
      throw InputError(prog.name + buf);
    }
  // A program with no read-only segment still gets its own start as the writable floor.
  img.write_lo = std::max(img.write_lo, img.read_lo);

  for (const Segment& s : prog.segments) {
    if (!s.bytes.empty()) std::memcpy(mem.host(s.vaddr), s.bytes.data(), s.bytes.size());
    mem.zero(s.vaddr + s.bytes.size(), s.memsz - s.bytes.size());
  }
  std::sort(img.text.begin(), img.text.end(), [](auto a, auto b) { return a.lo < b.lo; });
  img.brk_start = page_up(top);
  mem.set_windows(img.read_lo, img.write_lo);
  return img;
}

}  // namespace rvtrace::guest
