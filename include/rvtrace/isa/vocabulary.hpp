#pragma once
// The op vocabulary: everything an instruction's exec() may do. exec() is written once per
// instruction and instantiated for every backend, so it must not use C++ control flow or arithmetic
// on guest values: in the emitter backend a value is a descriptor of an x86 operand, not a number.
//
//   value     x(r), set_x(r, v)          guest registers (x0 reads 0; writes to x0 are dropped)
//   value     imm(i)                      constant (sign-extended int64)
//   value     pc_plus(off)                this instruction's pc + off (links, auipc, branch targets)
//   value     add sub and_ or_ xor_       64-bit integer ops
//             sll srl sra                 shift amount taken mod 64
//             addw subw sllw srlw sraw    32-bit ops, result sign-extended (shift amount mod 32)
//             mul mulh mulhsu mulhu mulw
//             div_unchecked divu_unchecked rem_unchecked remu_unchecked   (b != 0, not MIN/-1: the
//             divw_unchecked divuw_unchecked remw_unchecked remuw_unchecked   RISC-V edge results are
//                                         given by isa/rv64m.hpp with select, before these are reached)
//             ror rorw                    rotate right (amount mod 64 / mod 32, rorw sign-extends)
//             clz ctz cpop rev8 orc_b     count leading/trailing zeros (64 for 0), popcount, byte swap,
//                                         each byte to all ones if nonzero
//   cond      eq ne lt ge ltu geu         comparisons (lt/ge signed)
//   value     from_cond(c)                0 or 1
//   value     select(c, fa, fb)           fa() if c else fb(); arms are callables, evaluated lazily
//   void      if_(c, fthen, felse)        run one of two callables
//   value     load(addr, width, is_signed)  width 1/2/4/8, misaligned allowed
//   void      store(addr, v, width)
//   void      require_aligned(addr, width)  fault unless addr is a multiple of width (LR/SC/AMOs)
//   void      branch(c, target), jump(target)   control transfer (target: a value)
//   void      ecall(), ebreak(), illegal()
//   value     instret()                    steps retired before this instruction (cycle/time/instret)
//   value     reservation(), set_reservation(v)  LR/SC reserved address (no_reservation = all ones)
//
// Rule for backends whose values are references (the emitter): a value returned by an op must stay
// valid after later set_x/store calls of the same instruction (exec may read rs1, then write rd == rs1).
#include <concepts>
#include <cstdint>

#include "rvtrace/isa/operands.hpp"

namespace rvtrace::isa {

template <class M>
concept Backend = requires(M& m, typename M::value v, typename M::cond c, unsigned r, std::int64_t i) {
  { m.x(r) } -> std::convertible_to<typename M::value>;
  m.set_x(r, v);
  { m.imm(i) } -> std::convertible_to<typename M::value>;
  { m.pc_plus(i) } -> std::convertible_to<typename M::value>;
  { m.add(v, v) } -> std::convertible_to<typename M::value>;
  { m.sraw(v, v) } -> std::convertible_to<typename M::value>;
  { m.remuw_unchecked(v, v) } -> std::convertible_to<typename M::value>;
  { m.ror(v, v) } -> std::convertible_to<typename M::value>;
  { m.rorw(v, v) } -> std::convertible_to<typename M::value>;
  { m.clz(v) } -> std::convertible_to<typename M::value>;
  { m.ctz(v) } -> std::convertible_to<typename M::value>;
  { m.cpop(v) } -> std::convertible_to<typename M::value>;
  { m.rev8(v) } -> std::convertible_to<typename M::value>;
  { m.orc_b(v) } -> std::convertible_to<typename M::value>;
  { m.mulhsu(v, v) } -> std::convertible_to<typename M::value>;
  { m.ltu(v, v) } -> std::convertible_to<typename M::cond>;
  { m.from_cond(c) } -> std::convertible_to<typename M::value>;
  { m.load(v, 4u, true) } -> std::convertible_to<typename M::value>;
  m.store(v, v, 4u);
  m.require_aligned(v, 4u);
  m.branch(c, v);
  m.jump(v);
  m.ecall();
  m.ebreak();
  m.illegal();
  { m.instret() } -> std::convertible_to<typename M::value>;
  { m.reservation() } -> std::convertible_to<typename M::value>;
  m.set_reservation(v);
};

}  // namespace rvtrace::isa
