#pragma once
// The reference memory policy: a flat guest memory image with every access bounds-checked, and the
// platform's environment for ecalls and MMIO stores (trace logging and memoryless replay are other
// policies). Host-call handlers reach the environment (environment()) and their advice values
// (external()) through the memory policy, so each policy decides what they mean.
#include <cstdint>
#include <cstring>

#include "rvtrace/guest/fault.hpp"
#include "rvtrace/guest/memory.hpp"
#include "rvtrace/guest/environment.hpp"

namespace rvtrace {

class FlatMemory {
 public:
  FlatMemory(guest::GuestMemory& mem, guest::Environment& env) : mem_(mem), env_(env) {}

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
      return mmio_store(addr, v, width);
    std::memcpy(mem_.host(addr), &v, width);
  }
  guest::SyscallResult ecall(std::array<std::uint64_t, 32>& x) { return env_.ecall(x, mem_); }
  // A host call's value that replay cannot recompute: here it is just computed.
  template <class F>
  std::uint64_t external(F&& f) {
    return f();
  }

  guest::GuestMemory& memory() { return mem_; }
  guest::Environment* environment() { return &env_; }

  // The slow path of a store outside the writable window: an MMIO store, or a fault.
  void mmio_store(std::uint64_t addr, std::uint64_t v, unsigned width) {
    if (!mem_.in_mmio(addr, width)) throw AccessFault{store_fault_kind(mem_, addr), addr};
    std::memcpy(mem_.host(addr), &v, width);
    env_.on_mmio_store(addr, v, width, mem_);
  }

  // A store below the writable window but inside the readable one hits text/rodata.
  static FaultKind store_fault_kind(const guest::GuestMemory& mem, std::uint64_t addr) {
    return addr >= mem.read_lo() && addr < mem.write_lo() ? FaultKind::store_to_text : FaultKind::store_out_of_range;
  }

 private:
  guest::GuestMemory& mem_;
  guest::Environment& env_;
};

}  // namespace rvtrace
