#pragma once
// What a ZisK precompile, DMA op or fcall reports when ziskemu itself would panic (ABI.md §5, §8-§10):
// misaligned parameter blocks, non-canonical curve inputs, division by zero, protocol misuse.
// The platform turns it into a guest fault; the message names the operation and the value.
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace rvtrace::platform::zisk {

struct ZiskError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

[[noreturn]] inline void fail(const std::string& what) { throw ZiskError("zisk: " + what); }

}  // namespace rvtrace::platform::zisk
