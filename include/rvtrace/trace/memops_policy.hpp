#pragma once
// The memory-operations policy: every memory access as aligned 8-byte word operations, in
// execution order: (step, word address, word value, read or write).
//  - a load reads the word(s) it touches (TraceStep::words: the whole words);
//  - an aligned 8-byte store writes its word;
//  - a narrower or misaligned store reads each touched word (its value before the store, from
//    TraceStep::words) then writes it (after the store) -- a read-modify-write per word;
//  - an AMO is its load then its store; a successful SC is a store;
//  - a host call's accesses (StepRecord::host_accesses) each count as above, in order.
// Memory written by syscalls (read) is not a memory operation of any step.
// A default-made instance keeps the operations (ops()); one made with a FILE* streams text lines
//   "STEP R|W ADDR VALUE"   (STEP decimal, ADDR and VALUE 16 hex digits).
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "rvtrace/trace/output_buffer.hpp"
#include "rvtrace/trace/policy.hpp"

namespace rvtrace::trace {

struct MemOp {
  std::uint64_t step = 0, addr = 0, value = 0;
  bool write = false;
  friend bool operator==(const MemOp&, const MemOp&) = default;
};

class MemopsPolicy {
 public:
  static constexpr bool reads_log = true;

  MemopsPolicy() = default;
  explicit MemopsPolicy(std::FILE* out) : out_(out) {}

  void on_step(const TraceStep& s) {
    std::size_t k = 0;
    if (s.host_accesses.empty()) {
      if (s.load.width) access(s, s.load, k);
      if (s.store.width) access(s, s.store, k);
    } else {  // a host call: all of its accesses, in order
      for (const MemAccess& a : s.host_accesses) access(s, a, k);
    }
  }
  void merge(MemopsPolicy&& later) {
    if (out_.streaming()) {
      for (const MemOp& m : later.ops_) {
        format(m);
        out_.maybe_flush();
      }
    } else {
      ops_.insert(ops_.end(), later.ops_.begin(), later.ops_.end());
    }
  }
  void flush() { out_.flush(); }
  const std::vector<MemOp>& ops() const { return ops_; }

  // Partial results (partial.hpp): the kept operations, 3 words each (step << 1 | write, addr, value).
  static constexpr const char* partial_name = "memops";
  template <class W>
  void save_partial(W& w) const {
    w.put(ops_.size());
    for (const MemOp& m : ops_) w.put(m.step << 1 | m.write), w.put(m.addr), w.put(m.value);
  }
  template <class R>
  static MemopsPolicy load_partial(R& r) {
    MemopsPolicy p;
    const std::uint64_t n = r.get_size(r.remaining() / 3, "operation count");
    p.ops_.reserve(n);
    for (std::uint64_t k = 0; k < n; ++k) {
      const std::uint64_t s = r.get(), a = r.get(), v = r.get();
      p.ops_.push_back({s >> 1, a, v, (s & 1) != 0});
    }
    return p;
  }

 private:
  // One access's word operations; words[k...] are the values before the step of the words it reads.
  void access(const TraceStep& s, const MemAccess& m, std::size_t& k) {
    auto take = [&] {
      if (k >= s.words.size()) throw std::logic_error("memops: step has fewer words than its accesses");
      return s.words[k++];
    };
    const std::uint64_t a = m.addr & ~std::uint64_t{7};
    if (!m.is_store) {
      add(s.step, a, take(), false);
      if (crosses(m.addr, m.width)) add(s.step, a + 8, take(), false);
    } else if (m.width == 8 && a == m.addr) {
      add(s.step, a, m.value, true);
    } else {
      const bool two = crosses(m.addr, m.width);
      unsigned char bytes[16];
      const std::uint64_t w0 = take(), w1 = two ? take() : 0;
      std::memcpy(bytes, &w0, 8);
      std::memcpy(bytes + 8, &w1, 8);
      std::memcpy(bytes + (m.addr & 7), &m.value, m.width);
      std::uint64_t n0, n1;
      std::memcpy(&n0, bytes, 8);
      std::memcpy(&n1, bytes + 8, 8);
      add(s.step, a, w0, false);
      add(s.step, a, n0, true);
      if (two) add(s.step, a + 8, w1, false), add(s.step, a + 8, n1, true);
    }
  }
  static bool crosses(std::uint64_t addr, unsigned width) { return (addr & 7) + width > 8; }
  void add(std::uint64_t step, std::uint64_t addr, std::uint64_t value, bool write) {
    const MemOp m{step, addr, value, write};
    if (out_.streaming()) {
      format(m);
      out_.maybe_flush();
    } else {
      ops_.push_back(m);
    }
  }
  void format(const MemOp& m) {
    char line[64];
    const int n = std::snprintf(line, sizeof line, "%llu %c %016llx %016llx\n", (unsigned long long)m.step,
                                m.write ? 'W' : 'R', (unsigned long long)m.addr, (unsigned long long)m.value);
    out_.buf().append(line, static_cast<std::size_t>(n));
  }
  OutputBuffer out_;
  std::vector<MemOp> ops_;
};

}  // namespace rvtrace::trace
