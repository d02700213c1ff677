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
#include "rvtrace/isa/facts.hpp"
#include "rvtrace/trace/checkpoint.hpp"

namespace rvtrace::trace {

enum class InsnClass : std::uint8_t { alu, muldiv, load, store, atomic, branch, jump, ecall, host_call, illegal };
inline constexpr std::size_t insn_class_count = 10;
inline constexpr std::array<std::string_view, insn_class_count> insn_class_names{
    "alu", "muldiv", "load", "store", "atomic", "branch", "jump", "ecall", "host_call", "illegal"};

// An instruction's class, from the facts derived from its semantics (isa/facts.hpp: memory access,
// control transfer, host call), so an instruction a user adds is classed like the built-in ones.
// Multiply/divide is the one class the facts do not name (div is a select around a division): it is
// the M extension's encoding space, funct7 = 1 in the OP and OP-32 major opcodes.
inline InsnClass insn_class(std::uint16_t id) {
  const isa::InsnFacts& f = isa::instruction_facts[id];
  if (f.illegal) return InsnClass::illegal;
  if (f.host_call) return id == isa::id_of<isa::Ecall>() ? InsnClass::ecall : InsnClass::host_call;
  if (f.control == isa::Control::branch) return InsnClass::branch;
  if (f.control == isa::Control::jump) return InsnClass::jump;
  switch (f.access) {
    case isa::Access::none: break;
    case isa::Access::store: return InsnClass::store;
    case isa::Access::load:
    case isa::Access::other: return InsnClass::load;
    default: return InsnClass::atomic;  // AMOs, LR, SC
  }
  const std::uint32_t match = isa::encodings[id].match;
  const bool m_extension = ((match & 0x7f) == 0x33 || (match & 0x7f) == 0x3b) && (match >> 25) == 1;
  return m_extension ? InsnClass::muldiv : InsnClass::alu;
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
