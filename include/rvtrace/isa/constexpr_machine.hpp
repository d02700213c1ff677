#pragma once
// The constexpr backend: runs one instruction's exec() in a constant expression, so instruction
// semantics can be unit-tested with static_assert / STATIC_REQUIRE. Memory is a small array at
// address mem_base; an access outside it (or an illegal instruction) is a compile-time error.
#include <array>
#include <cstdint>
#include <stdexcept>

#include "rvtrace/isa/decoder.hpp"
#include "rvtrace/isa/scalar_ops.hpp"
#include "rvtrace/isa/vocabulary.hpp"

namespace rvtrace::isa {

struct EvalState {
  static constexpr std::uint64_t mem_base = 0x1000;
  CpuState cpu{};
  std::array<std::uint8_t, 256> mem{};
  std::uint64_t steps = 0;     // what instret() reads
  std::uint64_t ecalls = 0;    // ecall is recorded, not performed
  bool halted = false;         // set by ebreak
  constexpr std::uint64_t x(unsigned r) const { return cpu.x[r]; }
};

class ConstexprMachine : public ScalarOps {
 public:
  constexpr ConstexprMachine(EvalState& s, std::uint64_t& next_pc) : s_(s), next_pc_(next_pc) {}

  constexpr value x(unsigned r) const { return r == 0 ? 0 : s_.cpu.x[r]; }
  constexpr void set_x(unsigned r, value v) { if (r != 0) s_.cpu.x[r] = v; }
  constexpr value pc_plus(i64 off) const { return s_.cpu.pc + static_cast<value>(off); }

  constexpr value load(value addr, unsigned width, bool is_signed) const {
    const std::size_t at = offset(addr, width);
    value v = 0;
    for (unsigned i = 0; i < width; ++i) v |= value{s_.mem[at + i]} << (8 * i);
    return extend(v, width, is_signed);
  }
  constexpr void store(value addr, value v, unsigned width) {
    const std::size_t at = offset(addr, width);
    for (unsigned i = 0; i < width; ++i) s_.mem[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
  }

  constexpr void require_aligned(value addr, unsigned width) const {
    if (addr % width != 0) throw std::out_of_range("misaligned atomic access");
  }
  constexpr void branch(cond c, value target) { if (c) next_pc_ = target; }
  constexpr void jump(value target) { next_pc_ = target; }
  constexpr void ecall() { ++s_.ecalls; }
  constexpr void ebreak() { s_.halted = true; }
  [[noreturn]] void illegal() { throw std::logic_error("illegal instruction"); }
  constexpr value instret() const { return s_.steps; }
  constexpr value reservation() const { return s_.cpu.reservation; }
  constexpr void set_reservation(value v) { s_.cpu.reservation = v; }
  // A host call runs its handler here too (constexpr if the handler is); no platform state exists.
  template <class Handler>
  constexpr void host_call(const Handler& handler, const Operands& o);
  class Host;

 private:
  static constexpr std::size_t offset(value addr, unsigned width) {
    if (addr < EvalState::mem_base || addr - EvalState::mem_base > 256 - width)
      throw std::out_of_range("constexpr memory access out of range");
    return static_cast<std::size_t>(addr - EvalState::mem_base);
  }
  EvalState& s_;
  std::uint64_t& next_pc_;
};
static_assert(Backend<ConstexprMachine>);

class ConstexprMachine::Host {
 public:
  constexpr explicit Host(ConstexprMachine& m) : m_(m) {}
  constexpr std::uint64_t x(unsigned r) const { return m_.x(r); }
  constexpr void set_x(unsigned r, std::uint64_t v) { m_.set_x(r, v); }
  constexpr std::uint64_t pc() const { return m_.pc_plus(0); }
  constexpr void set_next_pc(std::uint64_t pc) { m_.jump(pc); }
  constexpr std::uint64_t load(std::uint64_t addr, unsigned width) const { return m_.load(addr, width, false); }
  constexpr void store(std::uint64_t addr, std::uint64_t v, unsigned width) { m_.store(addr, v, width); }
  template <class F>
  constexpr std::uint64_t external(F&& f) { return f(); }
  template <class F>
  constexpr void host_only(F&& f) { f(); }
  template <class S>
  constexpr S* state() const { return nullptr; }
  constexpr std::uint64_t instret() const { return m_.instret(); }

 private:
  ConstexprMachine& m_;
};

template <class Handler>
constexpr void ConstexprMachine::host_call(const Handler& handler, const Operands& o) {
  Host h(*this);
  handler(h, o);
}

// Execute instruction type Insn with explicit operands; returns the state after it.
template <class Insn>
constexpr EvalState eval(EvalState s, const Operands& o) {
  std::uint64_t next_pc = s.cpu.pc + o.len;
  ConstexprMachine m{s, next_pc};
  Insn::exec(m, o);
  s.cpu.pc = next_pc;
  ++s.steps;
  return s;
}

// Decode and execute one instruction word of instruction set Isa (16-bit compressed words are
// expanded first).
template <class Isa = Rv64imac>
constexpr EvalState eval_word(EvalState s, std::uint32_t word) {
  const Decoded d = Isa::decode_parcels(static_cast<std::uint16_t>(word), static_cast<std::uint16_t>(word >> 16));
  std::uint64_t next_pc = s.cpu.pc + d.ops.len;
  ConstexprMachine m{s, next_pc};
  Isa::template dispatch_table<ConstexprMachine>[d.id](m, d.ops);
  s.cpu.pc = next_pc;
  ++s.steps;
  return s;
}

// Convenience for tests: a state with the given registers set.
constexpr EvalState with_regs(std::initializer_list<std::pair<unsigned, std::uint64_t>> regs, std::uint64_t pc = 0x10000) {
  EvalState s;
  s.cpu.pc = pc;
  for (auto [r, v] : regs) s.cpu.x[r] = v;
  return s;
}

}  // namespace rvtrace::isa
