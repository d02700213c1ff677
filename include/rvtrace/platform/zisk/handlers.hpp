#pragma once
// The host-call handlers of ZisK's CSR instructions (ABI.md §6-§10), templates over the engine's
// host context H (isa/host_call.hpp): h.x/set_x, h.pc/set_next_pc, h.load/h.store (guest memory,
// through the memory policy), h.external (a value replay takes from the log), h.host_only (run-only
// work on the ZiskState), h.state<ZiskState>().
//
// Replay rule: a handler makes the same h.load/h.store/h.external calls in replay as in the run, so
// every branch here depends only on registers, loaded words and external values; the fcall state is
// touched only inside h.host_only and h.external.
//
// Two-instruction DMA forms (§9): the csrs reads the instruction after it (its "companion": add or
// addi, fetched with h.load(pc + 4, 4), so replay sees the same word through the log), takes the
// operands from the companion's registers, performs the whole operation, writes the companion's rd
// where ZisK does, and continues past the companion (next pc = pc + 8). The companion itself never
// executes as a step of the pair. A jump straight to it runs it as the plain add/addi it is, as in ZisK.
//
// Long operations are split into pieces of at most dma_piece_bytes, one per step: the step
// re-executes itself (next pc = pc) with its progress in the guest word abi::dma_progress_addr
// (ZisK's SYS area, which ZisK leaves unused), so one step's trace log stays small whatever the
// length. ZisK counts the whole operation once (step_count.hpp weighs the pieces 0).
#include <algorithm>
#include <cstdint>
#include <string>

#include "rvtrace/isa/formats.hpp"
#include "rvtrace/isa/operands.hpp"
#include "rvtrace/isa/rv64i.hpp"

#include "abi.hpp"
#include "dma.hpp"
#include "precompiles.hpp"
#include "state.hpp"

namespace rvtrace::platform::zisk {

// The most bytes (DMA) or parameter bytes (fcall push) one step moves.
inline constexpr std::uint64_t dma_piece_bytes = 128;

// Trace-log words one step may add (max_log_words, isa/host_call.hpp): every word a step reads is
// logged at its first touch in a chunk. An unaligned piece touches one word more than its length.
inline constexpr std::uint64_t piece_words = dma_piece_bytes / 8 + 1;
inline constexpr std::uint64_t companion_words = 1, progress_words = 1;

// A block precompile reads its block (value and pointer words) and its operands (§8; all 8-aligned,
// so one log word per word read; results are aligned 8-byte stores, which log nothing).
constexpr std::uint64_t precompile_log_words(std::uint32_t number) {
  switch (number) {
    case csr::keccakf: return 25;
    case csr::arith256: return 5 + 3 * 4;
    case csr::arith256_mod: return 5 + 4 * 4;
    case csr::arith384_mod: return 5 + 4 * 6;
    case csr::secp256k1_add: case csr::bn254_curve_add: case csr::secp256r1_add:
    case csr::bn254_complex_add: case csr::bn254_complex_sub: case csr::bn254_complex_mul: return 2 + 2 * 8;
    case csr::bls12_381_curve_add: case csr::bls12_381_complex_add: case csr::bls12_381_complex_sub:
    case csr::bls12_381_complex_mul: return 2 + 2 * 12;
    case csr::secp256k1_dbl: case csr::bn254_curve_dbl: case csr::secp256r1_dbl: return 8;
    case csr::bls12_381_curve_dbl: return 12;
    case csr::sha256f: return 2 + 4 + 8;
    case csr::add256: return 4 + 2 * 4;
    case csr::blake2b_round: return 3 + 2 * 16;
    default: return 0;
  }
}

namespace detail {

// The add or addi that follows a DMA csrs.
struct Companion {
  bool is_add = false;  // add rd, rs1, rs2; otherwise addi rd, rs1, imm
  unsigned rd = 0, rs1 = 0, rs2 = 0;
  std::int64_t imm = 0;
};

template <class H>
Companion read_companion(H& h, const char* op) {
  const auto w = static_cast<std::uint32_t>(h.load(h.pc() + 4, 4));
  Companion c{false, isa::field::rd(w), isa::field::rs1(w), isa::field::rs2(w), isa::field::imm_i(w)};
  if ((w & isa::Add::mask) == isa::Add::match) c.is_add = true;
  else if ((w & isa::Addi::mask) != isa::Addi::match)
    fail(std::string(op) + ": the instruction after it (" + hex64(w) + " at " + hex64(h.pc() + 4) +
         ") is neither add nor addi, so it is not a ZisK DMA form");
  return c;
}

// The companion's count operand: its rs2 register (add form) or its immediate (addi form).
template <class H>
std::uint64_t companion_count(H& h, const Companion& c) {
  return c.is_add ? h.x(c.rs2) : static_cast<std::uint64_t>(c.imm);
}

// memcpy/memcmp (§9): csrs rsS + add rd, rsD, rsN (or addi rd, rsD, n). The add form keeps its
// count at 0xa000_0f00 as ZisK does.
struct CopyOperands {
  Companion c;
  std::uint64_t n, dst, src;  // memcmp: a = dst, b = src
};

template <class H>
CopyOperands copy_operands(H& h, const isa::Operands& o, const char* op) {
  const Companion c = read_companion(h, op);
  const std::uint64_t n = companion_count(h, c);
  if (c.is_add) h.store(abi::extra_params_addr, n, 8);
  return {c, n, h.x(c.rs1), h.x(o.rs1)};
}

// One step's part [done, done + len) of an operation on `total` units (bytes).
struct Piece {
  std::uint64_t done = 0, len = 0;
  bool resumable = false;  // total > dma_piece_bytes: the progress lives in guest memory
  bool completes(std::uint64_t total) const { return !resumable || done + len == total; }
};

template <class H>
Piece next_piece(H& h, std::uint64_t total, const char* op) {
  if (total <= dma_piece_bytes) return {0, total, false};
  const std::uint64_t done = h.load(abi::dma_progress_addr, 8);
  if (done >= total)
    fail(std::string(op) + ": the progress word at " + hex64(abi::dma_progress_addr) + " holds " + hex64(done) +
         ", not below the count " + hex64(total));
  return {done, std::min(total - done, dma_piece_bytes), true};
}

// After this step's piece: continue at `past` when the operation is complete, else run this step again.
template <class H>
void end_piece(H& h, const Piece& p, bool complete, std::uint64_t past) {
  if (p.resumable) h.store(abi::dma_progress_addr, complete ? 0 : p.done + p.len, 8);
  h.set_next_pc(complete ? past : h.pc());
}

// A plain CSR-cell `csrrs rd, csr, rs1` (ZisK's generic form): rd <- cell, cell |= old x[rs1].
template <class H>
void csr_cell_set(H& h, std::uint32_t csr, const isa::Operands& o) {
  const std::uint64_t bits = h.x(o.rs1), old = h.load(abi::csr_cell(csr), 8);
  h.store(abi::csr_cell(csr), old | bits, 8);
  h.set_x(o.rd, old);
}

}  // namespace detail

namespace handlers {

// csrrs x0, Csr, rs1: the precompile on the parameter block at x[rs1] (§8).
template <std::uint32_t Csr>
struct Precompile {
  static constexpr std::uint64_t max_log_words = precompile_log_words(Csr);
  template <class H>
  void operator()(H& h, const isa::Operands& o) const {
    run_precompile(Csr, h.x(o.rs1), h);
  }
};

// csrrs rd, 0x811, rs1 with rd != 0, rd != rs1: add256, rd <- carry. The other rd choices are
// ZisK's generic CSR read-and-set of the cell.
struct Add256 {
  static constexpr std::uint64_t max_log_words = precompile_log_words(csr::add256);
  template <class H>
  void operator()(H& h, const isa::Operands& o) const {
    if (o.rd == 0 || o.rd == o.rs1) return detail::csr_cell_set(h, csr::add256, o);
    h.set_x(o.rd, *run_precompile(csr::add256, h.x(o.rs1), h));
  }
};

// csrs 0x813, rsS + add x0, rsD, rsN (or addi rd, rsD, n): memmove(x[rsD], x[rsS], n); the addi
// form also sets rd <- dst. An add with rd != x0 is a plain add, and ZisK copies nothing.
struct Memcpy {
  static constexpr std::uint64_t max_log_words = companion_words + progress_words + 2 * piece_words;
  template <class H>
  void operator()(H& h, const isa::Operands& o) const {
    const auto [c, n, dst, src] = detail::copy_operands(h, o, "memcpy");
    if (c.is_add && c.rd != 0) return h.set_next_pc(h.pc() + 4);
    const detail::Piece p = detail::next_piece(h, n, "memcpy");
    const bool backward = dst > src && dst - src < n;  // overlapping, destination above: pieces from the end
    const std::uint64_t at = backward ? n - p.done - p.len : p.done;
    dma_memmove(h, dst + at, src + at, p.len);
    const bool complete = p.completes(n);
    if (complete && !c.is_add) h.set_x(c.rd, dst);
    detail::end_piece(h, p, complete, h.pc() + 8);
  }
};

// csrs 0x814, rsB + add rd, rsA, rsN (or addi rd, rsA, n): rd <- a[i] - b[i] at the first differing
// byte, 0 when the n bytes are equal.
struct Memcmp {
  static constexpr std::uint64_t max_log_words = companion_words + progress_words + 2 * piece_words;
  template <class H>
  void operator()(H& h, const isa::Operands& o) const {
    const auto [c, n, a, b] = detail::copy_operands(h, o, "memcmp");
    const detail::Piece p = detail::next_piece(h, n, "memcmp");
    const std::uint64_t diff = dma_memcmp(h, a + p.done, b + p.done, p.len);
    const bool complete = diff != 0 || p.completes(n);
    if (complete) h.set_x(c.rd, diff);
    detail::end_piece(h, p, complete, h.pc() + 8);
  }
};

// csrs 0x816, rsD + addi x0, rsN, v: fill n = x[rsN] bytes at x[rsD] with v; rd <- dst.
struct Memset {
  static constexpr std::uint64_t max_log_words = companion_words + progress_words + piece_words;
  template <class H>
  void operator()(H& h, const isa::Operands& o) const {
    const detail::Companion c = detail::read_companion(h, "memset");
    if (c.is_add) fail("memset: the instruction after it at " + hex64(h.pc() + 4) + " is add, not addi");
    const std::uint64_t n = h.x(c.rs1), dst = h.x(o.rs1);
    const detail::Piece p = detail::next_piece(h, n, "memset");
    dma_memset(h, dst + p.done, p.len, static_cast<std::uint8_t>(c.imm));
    const bool complete = p.completes(n);
    if (complete) h.set_x(c.rd, dst);
    detail::end_piece(h, p, complete, h.pc() + 8);
  }
};

// csrs 0x815, rsD + add x0, rsD, rsN (or addi x0, rsD, n): copy count bytes of fcall results from
// the cursor to x[next.rs1] (§9, §10); rd <- dst. The result words are external values.
struct Inputcpy {
  // the result words are externals (logged) and their unaligned stores touch piece_words words
  static constexpr std::uint64_t max_log_words = companion_words + progress_words + dma_piece_bytes / 8 + piece_words;
  template <class H>
  void operator()(H& h, const isa::Operands&) const {
    const detail::Companion c = detail::read_companion(h, "inputcpy");
    const std::uint64_t count = detail::companion_count(h, c), dst = h.x(c.rs1);
    const detail::Piece p = detail::next_piece(h, count, "inputcpy");
    if (p.done == 0) h.host_only([&] { zisk_state(h).fcall.require_copy(count); });
    for (std::uint64_t i = 0; i < p.len / 8; ++i)
      h.store(dst + p.done + 8 * i, h.external([&] { return zisk_state(h).fcall.next_result(); }), 8);
    const bool complete = p.completes(count);
    if (complete) h.set_x(c.rd, dst);
    detail::end_piece(h, p, complete, h.pc() + 8);
  }
};

// csrrs x0, 0x8F0 + k, rs1 (o.imm = k): push x[rs1] itself (k = 0), or W(k) words read from x[rs1].
struct FcallParam {
  static constexpr std::uint64_t max_log_words = progress_words + piece_words;
  template <class H>
  void operator()(H& h, const isa::Operands& o) const {
    const std::uint64_t v = h.x(o.rs1);
    if (o.imm == 0) return h.host_only([&] { zisk_state(h).fcall.push(std::span<const std::uint64_t>(&v, 1)); });
    const std::uint64_t bytes = 8 * FcallChannel::push_width(static_cast<unsigned>(o.imm));
    const detail::Piece p = detail::next_piece(h, bytes, "fcall push");
    std::uint64_t words[dma_piece_bytes / 8];
    for (std::uint64_t i = 0; i < p.len / 8; ++i) words[i] = h.load(v + p.done + 8 * i, 8);
    h.host_only([&] { zisk_state(h).fcall.push(std::span<const std::uint64_t>(words, p.len / 8)); });
    detail::end_piece(h, p, p.completes(bytes), h.pc() + 4);
  }
};

// csrrwi x0, 0x8C0 + (id >> 5), id & 31 (o.imm = id): run the advice function on the parameters.
struct FcallCall {
  template <class H>
  void operator()(H& h, const isa::Operands& o) const {
    h.host_only([&] {
      ZiskState& s = zisk_state(h);
      s.fcall.call(static_cast<std::uint32_t>(o.imm), s.context);
    });
  }
};

// csrr rd, 0xFFE: the next result word.
struct FcallGet {
  static constexpr std::uint64_t max_log_words = 1;
  template <class H>
  void operator()(H& h, const isa::Operands& o) const {
    h.set_x(o.rd, h.external([&] { return zisk_state(h).fcall.next_result(); }));
  }
};

}  // namespace handlers
}  // namespace rvtrace::platform::zisk
