#pragma once
// ZisK's step count (ABI.md §11) as a trace policy: ZisK counts steps of its own ROM, into which it
// transpiles RISC-V, so each retired rvtrace step weighs what ZisK's translation of it costs:
//   AMOs 3-4 (amoswap 2-3), sc with rd != x0 2, jalr with an immediate not a multiple of 4 2;
//   a DMA pair (csrs + its companion, one rvtrace step, handlers.hpp): 1, or 2 for memcpy/memcmp
//   whose companion is an add (ZisK executes that add as a step of its own); the re-executions of
//   a long DMA operation or push (next pc = pc) 0, since ZisK does the whole operation in one step;
//   the exit ecall 1 + 174 (the BIOS exit sequence and `end`); everything else 1.
// Plus the 6 BIOS steps before the entry. The ZisK CSR forms in zisk guests are all 1-step forms.
// The weights depend only on the step's instruction and its static operands (and, for the DMA
// pairs, the companion's id in the decoded program), so the count is the same on every engine,
// sequential or replayed, for any chunking.
#include <cstdint>

#include "rvtrace/interp/program.hpp"
#include "rvtrace/isa/rv64a.hpp"
#include "rvtrace/isa/rv64i.hpp"
#include "rvtrace/isa/system.hpp"

#include "abi.hpp"
#include "instructions.hpp"

namespace rvtrace::platform::zisk {

template <class Isa>
class ZiskStepCount {
 public:
  ZiskStepCount() = default;
  explicit ZiskStepCount(const DecodedProgram& code) : code_(&code) {}

  template <class Step>
  void on_step(const Step& s) {
    steps_ += weight(s.insn->id, s.insn->ops, s.pc, s.next_pc);
  }
  void merge(ZiskStepCount&& later) { steps_ += later.steps_; }

  // ZisK's count for the steps seen, with the BIOS steps before the entry (a whole run's count
  // when the steps are the whole run).
  std::uint64_t zisk_steps() const { return steps_ + abi::steps_before_entry; }

 private:
  template <class T>
  static constexpr std::uint16_t id = Isa::template id_of<T>();

  std::uint64_t weight(std::uint16_t insn, const isa::Operands& o, std::uint64_t pc, std::uint64_t next_pc) const {
    const bool rd_overlaps = o.rd == o.rs1 || o.rd == o.rs2;
    switch (insn) {
      case id<isa::AmoAddW>: case id<isa::AmoAddD>: case id<isa::AmoXorW>: case id<isa::AmoXorD>:
      case id<isa::AmoAndW>: case id<isa::AmoAndD>: case id<isa::AmoOrW>: case id<isa::AmoOrD>:
      case id<isa::AmoMinW>: case id<isa::AmoMinD>: case id<isa::AmoMaxW>: case id<isa::AmoMaxD>:
      case id<isa::AmoMinuW>: case id<isa::AmoMinuD>: case id<isa::AmoMaxuW>: case id<isa::AmoMaxuD>:
        return 1 + (rd_overlaps ? abi::delta::amo_arith_rd_overlap : abi::delta::amo_arith);
      case id<isa::AmoSwapW>: case id<isa::AmoSwapD>:
        return 1 + (rd_overlaps ? abi::delta::amoswap_rd_overlap : abi::delta::amoswap);
      case id<isa::ScW>: case id<isa::ScD>: return 1 + (o.rd != 0 ? abi::delta::sc_rd_nonzero : 0);
      case id<isa::Jalr>: return 1 + (o.imm % 4 != 0 ? abi::delta::jalr_imm_not_multiple_of_4 : 0);
      case id<isa::Ecall>: return 1 + abi::steps_after_exit;  // on zisk only the exit ecall retires
      case id<Memcpy>: case id<Memcmp>:
        if (next_pc == pc) return 0;
        return next_pc == pc + 8 && companion_is_add(pc) ? 2 : 1;
      case id<Memset>: case id<Inputcpy>: case id<FcallParam>: return next_pc == pc ? 0 : 1;
      default: return 1;
    }
  }

  bool companion_is_add(std::uint64_t pc) const {
    return code_ && code_->fetchable(pc + 4) && code_->at(pc + 4).id == id<isa::Add>;
  }

  const DecodedProgram* code_ = nullptr;
  std::uint64_t steps_ = 0;
};

}  // namespace rvtrace::platform::zisk
