#pragma once
// What a ZisK precompile, DMA op or fcall reports when ziskemu itself would panic (ABI.md §5, §8-§10):
// misaligned parameter blocks, non-canonical curve inputs, division by zero, protocol misuse.
// The platform turns it into a guest fault; the message names the operation and the value.
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "rvtrace/guest/fault.hpp"

namespace rvtrace::platform::zisk {

struct ZiskError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void fail(const std::string& what) { throw ZiskError("zisk: " + what); }

}  // namespace rvtrace::platform::zisk
