#pragma once
// The histogram policy: how many times each instruction (by decoded id: a compressed
// instruction counts as its expansion) and each pc executed.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "rvtrace/interp/program.hpp"
#include "rvtrace/interp/step.hpp"
#include "rvtrace/isa/decoder.hpp"

namespace rvtrace::trace {

class HistogramPolicy {
 public:
  explicit HistogramPolicy(const DecodedProgram& code)
      : lo_(code.lo), ops_(std::size_t{isa::illegal_id} + 1), pcs_(code.slots.size()) {}

  void on_step(const StepRecord& s) {
    ++ops_[s.insn->id];
    ++pcs_[(s.pc - lo_) >> 1];
  }
  void merge(HistogramPolicy&& later) {
    for (std::size_t i = 0; i < ops_.size(); ++i) ops_[i] += later.ops_[i];
    for (std::size_t i = 0; i < pcs_.size(); ++i) pcs_[i] += later.pcs_[i];
  }

  std::uint64_t opcode_count(std::uint16_t id) const { return ops_[id]; }
  std::uint64_t pc_count(std::uint64_t pc) const { return pcs_[(pc - lo_) >> 1]; }
  const std::vector<std::uint64_t>& opcode_counts() const { return ops_; }

  // "opcode NAME COUNT" lines by decreasing count, then "pc PC COUNT" lines by increasing pc.
  void write(std::FILE* out) const {
    std::vector<std::uint16_t> ids;
    for (std::size_t i = 0; i < ops_.size(); ++i)
      if (ops_[i]) ids.push_back(static_cast<std::uint16_t>(i));
    std::stable_sort(ids.begin(), ids.end(), [&](auto a, auto b) { return ops_[a] > ops_[b]; });
    for (auto id : ids) {
      const auto name = isa::name_of(id);
      std::fprintf(out, "opcode %.*s %llu\n", (int)name.size(), name.data(), (unsigned long long)ops_[id]);
    }
    for (std::size_t i = 0; i < pcs_.size(); ++i)
      if (pcs_[i]) std::fprintf(out, "pc %016llx %llu\n", (unsigned long long)(lo_ + 2 * i), (unsigned long long)pcs_[i]);
  }

 private:
  std::uint64_t lo_;
  std::vector<std::uint64_t> ops_, pcs_;
};

}  // namespace rvtrace::trace
