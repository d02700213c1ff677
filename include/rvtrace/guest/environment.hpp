#pragma once
// The run-time side of a platform: what a memory policy calls when the guest leaves pure
// computation. The Linux-user syscall model (syscalls.hpp) is one; a platform brings its own
// (platform/platform.hpp). Host-call handlers reach it as h.state<S>() (isa/host_call.hpp).
#include <array>
#include <cstdint>
#include <optional>

#include "rvtrace/guest/memory.hpp"

namespace rvtrace::guest {

struct SyscallResult {
  bool exited = false;
  int exit_code = 0;  // valid when exited (linux: a0 & 0xff, as a process's exit status)
};

// A platform's exit rule: the exit status if this ecall (by its registers) ends the run.
using ExitRule = std::optional<int> (*)(const std::array<std::uint64_t, 32>& x);

class Environment {
 public:
  virtual ~Environment() = default;
  // ecall: may read the registers, write a0 (x[10], its only register result) and guest memory.
  virtual SyscallResult ecall(std::array<std::uint64_t, 32>& x, GuestMemory& mem) = 0;
  // A store into the memory's MMIO range (GuestMemory::set_mmio), after the bytes were stored.
  virtual void on_mmio_store(std::uint64_t /*addr*/, std::uint64_t /*value*/, unsigned /*width*/, GuestMemory&) {}
};

}  // namespace rvtrace::guest
