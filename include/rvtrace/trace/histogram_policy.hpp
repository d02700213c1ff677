#pragma once
// The histogram policy: how many times each instruction (by decoded id, in the program's instruction
// set: a compressed instruction counts as its expansion) and each pc executed. (Saved partial results
// know only RV64IMAC's names.) A default-made instance has no pc
// table: it takes the table of the first instance merged into it (merging saved partial results
// without the program).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "rvtrace/guest/fault.hpp"
#include "rvtrace/interp/program.hpp"
#include "rvtrace/interp/step.hpp"
#include "rvtrace/isa/decoder.hpp"

namespace rvtrace::trace {

class HistogramPolicy {
 public:
  HistogramPolicy() : ops_(std::size_t{isa::illegal_id} + 1) {}
  explicit HistogramPolicy(const DecodedProgram& code)
      : lo_(code.lo), isa_(code.isa), ops_(code.isa->encodings.size()), pcs_(code.slots.size()) {}

  void on_step(const StepRecord& s) {
    ++ops_[s.insn->id];
    ++pcs_[(s.pc - lo_) >> 1];
  }
  void merge(HistogramPolicy&& later) {
    if (pcs_.empty()) lo_ = later.lo_, pcs_.resize(later.pcs_.size()), isa_ = later.isa_;  // a default-made root
    if (later.ops_.size() > ops_.size()) ops_.resize(later.ops_.size());
    if (later.lo_ != lo_ || later.pcs_.size() != pcs_.size())
      throw InputError("histogram: merging the counts of a different program");
    for (std::size_t i = 0; i < later.ops_.size(); ++i) ops_[i] += later.ops_[i];
    for (std::size_t i = 0; i < pcs_.size(); ++i) pcs_[i] += later.pcs_[i];
  }

  std::uint64_t opcode_count(std::uint16_t id) const { return ops_[id]; }
  std::uint64_t pc_count(std::uint64_t pc) const { return pcs_[(pc - lo_) >> 1]; }
  const std::vector<std::uint64_t>& opcode_counts() const { return ops_; }

  // Partial results (partial.hpp): pc range, then the nonzero counts as (index, count) pairs.
  static constexpr const char* partial_name = "histogram";
  template <class W>
  void save_partial(W& w) const {
    w.put(lo_);
    w.put(pcs_.size());
    for (const auto* v : {&ops_, &pcs_}) {
      w.put(static_cast<std::uint64_t>(std::count_if(v->begin(), v->end(), [](auto c) { return c != 0; })));
      for (std::size_t i = 0; i < v->size(); ++i)
        if ((*v)[i]) w.put(i), w.put((*v)[i]);
    }
  }
  template <class R>
  static HistogramPolicy load_partial(R& r) {
    HistogramPolicy h;
    h.lo_ = r.get();
    h.pcs_.resize(r.get_size(std::uint64_t{1} << 40, "pc table size"));
    for (auto* v : {&h.ops_, &h.pcs_}) {
      const std::uint64_t n = r.get_size(v->size(), "count of nonzero entries");
      for (std::uint64_t k = 0; k < n; ++k) {
        const std::uint64_t i = r.get_size(v->size() - 1, "entry index");
        (*v)[i] = r.get();
      }
    }
    return h;
  }

  // "opcode NAME COUNT" lines by decreasing count, then "pc PC COUNT" lines by increasing pc.
  void write(std::FILE* out) const {
    std::vector<std::uint16_t> ids;
    for (std::size_t i = 0; i < ops_.size(); ++i)
      if (ops_[i]) ids.push_back(static_cast<std::uint16_t>(i));
    std::stable_sort(ids.begin(), ids.end(), [&](auto a, auto b) { return ops_[a] > ops_[b]; });
    for (auto id : ids) {
      const auto name = isa_->name_of(id);
      std::fprintf(out, "opcode %.*s %llu\n", (int)name.size(), name.data(), (unsigned long long)ops_[id]);
    }
    for (std::size_t i = 0; i < pcs_.size(); ++i)
      if (pcs_[i]) std::fprintf(out, "pc %016llx %llu\n", (unsigned long long)(lo_ + 2 * i), (unsigned long long)pcs_[i]);
  }

 private:
  std::uint64_t lo_ = 0;
  const IsaInfo* isa_ = &isa_info<isa::Rv64imac>;  // the ids' instruction set (names)
  std::vector<std::uint64_t> ops_, pcs_;
};

}  // namespace rvtrace::trace
