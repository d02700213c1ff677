#pragma once
// ZisK's step count (ABI.md §11) as a trace policy: each retired RISC-V instruction weighs the
// number of ZisK-ROM steps ZisK's transpiler makes of it. Works on the interpreter's steps and in
// memoryless replay (per chunk, merged in order), so it gives the same count for every engine.
//   steps = 6 (BIOS before the entry) + sum of weights, where the exit ecall weighs 1 + 174.
#include <cstdint>

#include "rvtrace/interp/step.hpp"

#include "abi.hpp"
#include "precompiles.hpp"

namespace rvtrace::platform::zisk {

// Weight of one instruction word; `companion` is the next word (DMA forms), `repeats` is true for a
// DMA step that is not its operation's last piece (rvtrace runs long DMA ops in several steps).
constexpr std::uint64_t zisk_weight(std::uint32_t w, std::uint32_t companion, bool repeats) {
  const std::uint32_t op = w & 0x7f, rd = (w >> 7) & 31, f3 = (w >> 12) & 7, rs1 = (w >> 15) & 31,
                      rs2 = (w >> 20) & 31, csr = w >> 20;
  if (op == 0x2f && (f3 == 2 || f3 == 3)) {  // AMO, LR, SC
    const std::uint32_t f5 = w >> 27;
    const bool overlap = rd == rs1 || rd == rs2;
    if (f5 == 2) return 1;                      // lr: a load
    if (f5 == 3) return rd != 0 ? 2 : 1;        // sc: store (+ rd <- 0)
    if (f5 == 1) return overlap ? 3 : 2;        // amoswap
    return overlap ? 4 : 3;                     // load, op, store (+ save)
  }
  if (op == 0x67) return (static_cast<std::int32_t>(w) >> 20) % 4 != 0 ? 2 : 1;  // jalr: add, then mask
  if (w == 0x00000073) return 1 + abi::steps_after_exit;  // the exit ecall (others are not supported)
  if (op == 0x73 && f3 == 2 && rd == 0 && (csr == csr::dma_memcpy || csr == csr::dma_memcmp ||
                                           csr == csr::dma_inputcpy || csr == csr::dma_memset)) {
    if (repeats) return 0;
    const bool add_form = (companion & 0xfe00707f) == 0x00000033;
    // the csrs and its companion are 1 ZisK step, except memcpy/memcmp's add form (2)
    return add_form && (csr == csr::dma_memcpy || csr == csr::dma_memcmp) ? 2 : 1;
  }
  return 1;
}

class ZiskStepCount {
 public:
  template <class Step>
  void on_step(const Step& s) {
    const std::uint32_t w = s.insn->word;
    // DMA handlers read their companion word first, so it is the step's first host access
    const std::uint32_t companion = s.host.empty() ? 0 : static_cast<std::uint32_t>(s.host[0].value);
    weights_ += zisk_weight(w, companion, s.next_pc == s.pc);
  }
  void merge(ZiskStepCount&& later) { weights_ += later.weights_; }
  // The count for a run that executed all these steps and ended with the exit ecall.
  std::uint64_t total() const { return abi::steps_before_entry + weights_; }

 private:
  std::uint64_t weights_ = 0;
};

}  // namespace rvtrace::platform::zisk
