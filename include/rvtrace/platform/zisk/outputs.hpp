#pragma once
// The public outputs (ABI.md §4): 64 u32 words at 0xa001_0000, printed as `ziskemu -c` does, one
// zero-padded 8-digit lowercase hex number per line.
#include <cstdint>
#include <cstdio>

#include "rvtrace/guest/memory.hpp"

#include "abi.hpp"

namespace rvtrace::platform::zisk {

inline void print_outputs(const guest::GuestMemory& mem, std::FILE* out) {
  for (unsigned i = 0; i < abi::public_outputs; ++i)
    std::fprintf(out, "%08x\n", mem.read<std::uint32_t>(abi::output_addr + 4 * i));
}

}  // namespace rvtrace::platform::zisk
