#pragma once
// The reference memory policy: a flat guest memory image with every access bounds-checked, and
// the Linux-user syscall subset. (Trace logging and memoryless replay are other policies.)
#include <cstdint>
#include <cstring>

#include "rvtrace/guest/fault.hpp"
#include "rvtrace/guest/memory.hpp"
#include "rvtrace/guest/syscalls.hpp"

namespace rvtrace {

class FlatMemory {
 public:
  FlatMemory(guest::GuestMemory& mem, guest::LinuxSyscalls& sys) : mem_(mem), sys_(sys) {}

  // Raw little-endian value of `width` bytes, zero-extended.
  std::uint64_t load(std::uint64_t addr, unsigned width) {
    if (!mem_.readable(addr, width)) [[unlikely]]
      throw AccessFault{FaultKind::load_out_of_range, addr};
    std::uint64_t v = 0;
    std::memcpy(&v, mem_.host(addr), width);
    return v;
  }
  void store(std::uint64_t addr, std::uint64_t v, unsigned width) {
    if (!mem_.writable(addr, width)) [[unlikely]]
      throw AccessFault{store_fault_kind(mem_, addr), addr};
    std::memcpy(mem_.host(addr), &v, width);
  }
  guest::SyscallResult ecall(std::array<std::uint64_t, 32>& x) { return sys_.handle(x, mem_); }

  guest::GuestMemory& memory() { return mem_; }

  // A store below the writable window but inside the readable one hits text/rodata.
  static FaultKind store_fault_kind(const guest::GuestMemory& mem, std::uint64_t addr) {
    return addr >= mem.read_lo() && addr < mem.write_lo() ? FaultKind::store_to_text : FaultKind::store_out_of_range;
  }

 private:
  guest::GuestMemory& mem_;
  guest::LinuxSyscalls& sys_;
};

}  // namespace rvtrace
