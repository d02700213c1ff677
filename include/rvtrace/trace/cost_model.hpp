#pragma once
// Cost models: what one step costs, by instruction class, in a unit of the user's choosing (proof
// rows, cycles, ...). The default model charges 1 per step, so a profile in its unit is a profile in
// steps. Weights are integers, so per-chunk costs add up exactly and a profile does not depend on
// the chunk size. Parsing a model from JSON is the CLI's job (examples/rvtrace/profile_cli.cpp);
// this header only holds the table.
//
// Also here: ClassCountPolicy, the per-chunk count of steps of each class (what a prover needs to
// plan how many table rows or instances a run fills).
#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "rvtrace/interp/program.hpp"
#include "rvtrace/interp/step.hpp"
#include "rvtrace/isa/decoder.hpp"
#include "rvtrace/trace/checkpoint.hpp"

namespace rvtrace::trace {

enum class InsnClass : std::uint8_t { alu, muldiv, load, store, atomic, branch, jump, ecall, host_call, illegal };
inline constexpr std::size_t insn_class_count = 10;
inline constexpr std::array<std::string_view, insn_class_count> insn_class_names{
    "alu", "muldiv", "load", "store", "atomic", "branch", "jump", "ecall", "host_call", "illegal"};

// An instruction's class, from its encoding's major opcode (the RISC-V base opcode map, so an
// instruction a user adds is classed too: custom-0..3 opcodes are host calls / precompiles).
// TODO(facts): once isa/facts.hpp is in main, take load/store/atomic/control/host_call from its
// derived InsnFacts instead of the opcode map; this is the only place that looks at encodings.
inline InsnClass insn_class(std::uint16_t id) {
  if (id >= isa::illegal_id) return InsnClass::illegal;
  const std::uint32_t match = isa::encodings[id].match;
  const std::uint32_t funct7 = match >> 25;
  switch (match & 0x7f) {
    case 0x03: return InsnClass::load;
    case 0x23: return InsnClass::store;
    case 0x2f: return InsnClass::atomic;
    case 0x63: return InsnClass::branch;
    case 0x67:
    case 0x6f: return InsnClass::jump;
    case 0x33:
    case 0x3b: return funct7 == 1 ? InsnClass::muldiv : InsnClass::alu;
    case 0x73: return match == isa::encodings[isa::id_of<isa::Ecall>()].match ? InsnClass::ecall : InsnClass::alu;
    case 0x0b:
    case 0x2b:
    case 0x5b:
    case 0x7b: return InsnClass::host_call;
    default: return InsnClass::alu;
  }
}

struct CostModel {
  std::string unit = "steps";
  std::array<std::uint64_t, insn_class_count> weight = [] {
    std::array<std::uint64_t, insn_class_count> w{};
    w.fill(1);
    return w;
  }();
  std::uint64_t of(InsnClass c) const { return weight[static_cast<std::size_t>(c)]; }
  bool counts_steps() const {
    for (auto w : weight)
      if (w != 1) return false;
    return true;
  }
};

// Steps of each instruction class, per chunk (merge appends the later chunks' rows).
class ClassCountPolicy {
 public:
  using Counts = std::array<std::uint64_t, insn_class_count>;
  explicit ClassCountPolicy(const DecodedProgram& code) : lo_(code.lo), class_of_(code.slots.size()) {
    for (std::size_t i = 0; i < code.slots.size(); ++i) class_of_[i] = insn_class(code.slots[i].id);
  }
  void on_chunk_begin(const Checkpoint& c) { chunks_.push_back({c.step, {}}); }
  void on_step(const StepRecord& s) { ++chunks_.back().counts[static_cast<std::size_t>(class_of_[(s.pc - lo_) >> 1])]; }
  void merge(ClassCountPolicy&& later) {
    chunks_.insert(chunks_.end(), later.chunks_.begin(), later.chunks_.end());
  }

  struct Chunk {
    std::uint64_t first_step;
    Counts counts;
  };
  const std::vector<Chunk>& chunks() const { return chunks_; }
  Counts total() const {
    Counts t{};
    for (const Chunk& c : chunks_)
      for (std::size_t k = 0; k < t.size(); ++k) t[k] += c.counts[k];
    return t;
  }
  // "chunk FIRST_STEP alu=N muldiv=N ..." per chunk, then "total ..." (classes with a count).
  void write(std::FILE* out) const {
    auto line = [&](const Counts& c) {
      for (std::size_t k = 0; k < c.size(); ++k)
        if (c[k]) std::fprintf(out, " %s=%llu", insn_class_names[k].data(), (unsigned long long)c[k]);
      std::fputc('\n', out);
    };
    for (const Chunk& c : chunks_) {
      std::fprintf(out, "chunk %llu", (unsigned long long)c.first_step);
      line(c.counts);
    }
    std::fprintf(out, "total");
    line(total());
  }

 private:
  std::uint64_t lo_;
  std::vector<InsnClass> class_of_;
  std::vector<Chunk> chunks_;
};

}  // namespace rvtrace::trace
