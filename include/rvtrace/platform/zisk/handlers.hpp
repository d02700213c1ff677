#pragma once
// Host-call handlers (isa/host_call.hpp) of the ZisK instructions: precompiles, DMA, fcalls,
// marchid and `unimp`. Each sees the guest only through its Host: registers, memory through the
// backend's memory policy, and external() for the fcall channel (recorded in traces).
#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

#include "rvtrace/isa/operands.hpp"

#include "abi.hpp"
#include "dma.hpp"
#include "precompiles.hpp"
#include "runtime_state.hpp"

namespace rvtrace::platform::zisk {

// Words one call may add to the trace log: reads of a parameter block (pointers and limbs) are at
// most 35 words (blake2b: 3 + 16 + 16), each logged at most once, +1 for an unaligned first word.
inline constexpr std::size_t precompile_log_words = 40;
// DMA ops move at most this many bytes per step; a longer operation re-executes its instruction
// (progress in abi::dma_progress_addr), so one step's log stays small whatever the length.
inline constexpr std::uint64_t dma_piece_bytes = 128;
inline constexpr std::size_t dma_log_words = 2 * (dma_piece_bytes / 8 + 1) + 8;
// fcall pushes of up to 32 words (ZisK's guests push at most 24); wider forms are not supported.
inline constexpr unsigned max_push_words = 32;

template <std::uint32_t Csr>
struct PrecompileCall {
  static constexpr std::string_view name = "zisk precompile";
  static constexpr std::size_t max_log_words = precompile_log_words;
  template <class Host>
  static void run(Host& h, const isa::Operands& o) {
    auto rd = run_precompile(Csr, h.x(o.rs1), h);
    if (rd) h.set_x(o.rd, *rd);
  }
};

// `csrrs rd, 0x811, rs1`: add256 when rd != 0 and rd != rs1; otherwise the plain CSR OR on its cell.
struct Add256OrCsr {
  static constexpr std::string_view name = "zisk add256";
  static constexpr std::size_t max_log_words = precompile_log_words;
  template <class Host>
  static void run(Host& h, const isa::Operands& o) {
    if (o.rd != 0 && o.rd != o.rs1) {
      h.set_x(o.rd, *run_precompile(csr::add256, h.x(o.rs1), h));
      return;
    }
    if (o.rd != 0) fail("csrrs with rd == rs1 on CSR 0x811 (ZisK's 3-step form) is not supported");
    const std::uint64_t cell = abi::csr_cell(csr::add256);
    h.store(cell, h.load(cell, 8) | h.x(o.rs1), 8);
  }
};

// --- DMA (ABI.md section 9): `csrs CSR, rsA` + a companion add/addi that names the operands ---

struct Companion {
  bool add = false, addi = false;
  unsigned rd = 0, rs1 = 0, rs2 = 0;
  std::int64_t imm = 0;
};

template <class Host>
Companion read_companion(Host& h) {
  const auto w = static_cast<std::uint32_t>(h.load(h.pc() + 4, 4));
  Companion c;
  c.rd = (w >> 7) & 31, c.rs1 = (w >> 15) & 31, c.rs2 = (w >> 20) & 31;
  c.imm = static_cast<std::int32_t>(w) >> 20;
  c.add = (w & 0xfe00707f) == 0x00000033;
  c.addi = (w & 0x0000707f) == 0x00000013;
  return c;
}

// One piece of a DMA operation of `total` bytes: [done, done + piece). Returns true when finished.
struct DmaPiece {
  std::uint64_t done, piece, total;
  bool last() const { return done + piece >= total; }
};

template <class Host>
DmaPiece next_piece(Host& h, std::uint64_t total) {
  const std::uint64_t done = h.load(abi::dma_progress_addr, 8);
  if (done > total) fail("DMA progress cell " + hex(abi::dma_progress_addr) + " was overwritten");
  return {done, std::min(dma_piece_bytes, total - done), total};
}

template <class Host>
void finish_piece(Host& h, const DmaPiece& p) {
  h.store(abi::dma_progress_addr, p.last() ? 0 : p.done + p.piece, 8);
}

[[noreturn]] inline void bad_companion(std::uint32_t csr) {
  fail("DMA CSR " + hex(csr) + " is not followed by the add/addi form ZisK expects");
}

// 0x813 memcpy (memmove semantics) and 0x814 memcmp.
template <std::uint32_t Csr>
struct DmaCopyCompare {
  static constexpr std::string_view name = Csr == csr::dma_memcpy ? "zisk memcpy" : "zisk memcmp";
  static constexpr std::size_t max_log_words = dma_log_words;
  template <class Host>
  static void run(Host& h, const isa::Operands& o) {
    const Companion c = read_companion(h);
    if (!c.add && !c.addi) bad_companion(Csr);
    if (Csr == csr::dma_memcpy && c.add && c.rd != 0) bad_companion(Csr);
    const std::uint64_t dst = h.x(c.rs1), src = h.x(o.rs1);
    const std::uint64_t n = c.add ? h.x(c.rs2) : static_cast<std::uint64_t>(c.imm);
    if (c.add) h.store(abi::extra_params_addr, n, 8);  // ZisK passes the count through memory
    const DmaPiece p = next_piece(h, n);
    if constexpr (Csr == csr::dma_memcpy) {
      // an overlapping copy upwards runs from the end, so pieces go from the end too
      const bool backward = dst > src && dst - src < n;
      const std::uint64_t at = backward ? n - p.done - p.piece : p.done;
      dma_memmove(h, dst + at, src + at, p.piece);
      finish_piece(h, p);
      if (p.last() && c.addi) h.set_x(c.rd, dst);
    } else {
      const std::uint64_t diff = dma_memcmp(h, dst + p.done, src + p.done, p.piece);
      const DmaPiece end = diff != 0 ? DmaPiece{p.total, 0, p.total} : p;  // a difference ends it
      finish_piece(h, end);
      if (end.last()) h.set_x(c.rd, diff);
    }
  }
};

// 0x815 inputcpy: copies fcall results to memory; 0x816 memset.
struct DmaInputcpy {
  static constexpr std::string_view name = "zisk inputcpy";
  static constexpr std::size_t max_log_words = dma_log_words + dma_piece_bytes / 8;
  template <class Host>
  static void run(Host& h, const isa::Operands&) {
    const Companion c = read_companion(h);
    if (!(c.add || c.addi) || c.rd != 0) bad_companion(csr::dma_inputcpy);
    const std::uint64_t dst = h.x(c.rs1);
    const std::uint64_t n = c.add ? h.x(c.rs2) : static_cast<std::uint64_t>(c.imm);
    if (n % 8) fail("inputcpy: byte count " + std::to_string(n) + " is not a multiple of 8");
    const DmaPiece p = next_piece(h, n);
    if (p.done == 0) {  // the whole request must be available, as in ZisK
      const std::uint64_t left = h.external([n](guest::Environment& env) -> std::uint64_t {
        auto& f = zisk_runtime(env).fcall;
        if (!f.has_results() || f.results_left() < n / 8)
          fail("inputcpy: " + std::to_string(n / 8) + " words requested, " + std::to_string(f.results_left()) +
               " results left");
        return f.results_left();
      });
      (void)left;
    }
    for (std::uint64_t i = 0; i < p.piece; i += 8) {
      const std::uint64_t v =
          h.external([](guest::Environment& env) { return zisk_runtime(env).fcall.next_result(); });
      h.store(dst + p.done + i, v, 8);
    }
    finish_piece(h, p);
  }
};

struct DmaMemset {
  static constexpr std::string_view name = "zisk memset";
  static constexpr std::size_t max_log_words = dma_log_words;
  template <class Host>
  static void run(Host& h, const isa::Operands& o) {
    const Companion c = read_companion(h);
    if (!c.addi || c.rd != 0) bad_companion(csr::dma_memset);
    const std::uint64_t dst = h.x(o.rs1), n = h.x(c.rs1);
    const DmaPiece p = next_piece(h, n);
    dma_memset(h, dst + p.done, p.piece, static_cast<std::uint8_t>(c.imm));
    finish_piece(h, p);
  }
};

// --- fcalls (ABI.md section 10) ---

// csrrs x0, 0x8F0 + k, rs1 (o.imm = k)
struct FcallPush {
  static constexpr std::string_view name = "zisk fcall push";
  static constexpr std::size_t max_log_words = max_push_words + 2;
  template <class Host>
  static void run(Host& h, const isa::Operands& o) {
    const unsigned k = static_cast<unsigned>(o.imm);
    const unsigned width = FcallChannel::push_width(k);
    if (width > max_push_words) fail("fcall push of " + std::to_string(width) + " words is not supported");
    std::array<std::uint64_t, max_push_words> words{};
    const std::uint64_t a = h.x(o.rs1);
    if (k == 0) words[0] = a;
    for (unsigned i = 0; k != 0 && i < width; ++i) words[i] = h.load(a + 8 * i, 8);
    h.external([&](guest::Environment& env) -> std::uint64_t {
      zisk_runtime(env).fcall.push(std::span<const std::uint64_t>(words.data(), width));
      return 0;
    });
  }
};

// csrrwi x0, 0x8C0 + (id >> 5), id & 31 (o.imm = id)
struct FcallCall {
  static constexpr std::string_view name = "zisk fcall";
  static constexpr std::size_t max_log_words = 1;
  template <class Host>
  static void run(Host& h, const isa::Operands& o) {
    const auto id = static_cast<std::uint32_t>(o.imm);
    h.external([id](guest::Environment& env) -> std::uint64_t {
      ZiskRuntime& z = zisk_runtime(env);
      z.fcall.call(id, z.fcall_context);
      return 0;
    });
  }
};

// csrr rd, 0xFFE
struct FcallGet {
  static constexpr std::string_view name = "zisk fcall get";
  static constexpr std::size_t max_log_words = 1;
  template <class Host>
  static void run(Host& h, const isa::Operands& o) {
    h.set_x(o.rd, h.external([](guest::Environment& env) { return zisk_runtime(env).fcall.next_result(); }));
  }
};

// csrr rd, CSR: the CSR's memory cell (marchid reads what the BIOS stored there).
template <std::uint32_t Csr>
struct CsrCellRead {
  static constexpr std::string_view name = "zisk csr read";
  static constexpr std::size_t max_log_words = 1;
  template <class Host>
  static void run(Host& h, const isa::Operands& o) {
    h.set_x(o.rd, h.load(abi::csr_cell(Csr), 8));
  }
};

// `unimp` = csrrw x0, cycle, x0: ZisK stores 0 into the cycle cell and goes on (a no-op, not a trap).
struct Unimp {
  static constexpr std::string_view name = "zisk unimp";
  static constexpr std::size_t max_log_words = 1;
  template <class Host>
  static void run(Host& h, const isa::Operands&) {
    h.store(abi::csr_cell(abi::csr_cycle), 0, 8);
  }
};

}  // namespace rvtrace::platform::zisk
