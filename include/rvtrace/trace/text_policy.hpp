#pragma once
// The text witness: one line per retired step, the contract for diffing against other tools:
//   STEP PC INSN[ xRD=VALUE]      e.g. "12 0000000000010074 00a585b3 x11=0000000000000007"
// STEP decimal from 0; PC 16 hex digits; INSN 8 hex digits (4 for a compressed instruction, as
// stored in memory); " xRD=VALUE" (16 hex digits) when the step wrote a register other than x0.
#include <cstdint>
#include <cstdio>
#include <string>

#include "rvtrace/interp/step.hpp"
#include "rvtrace/trace/output_buffer.hpp"

namespace rvtrace {

class TextWitness {
 public:
  explicit TextWitness(std::FILE* out) : out_(out) { buf_.reserve(1 << 20); }
  TextWitness(const TextWitness&) = delete;
  ~TextWitness() { flush(); }

  static void format(std::string& line, const StepRecord& s) {
    char tmp[24];
    int n = std::snprintf(tmp, sizeof tmp, "%llu ", static_cast<unsigned long long>(s.step));
    line.append(tmp, static_cast<std::size_t>(n));
    hex(line, s.pc, 16);
    line.push_back(' ');
    hex(line, s.insn->word, s.insn->ops.len == 2 ? 4 : 8);
    if (s.rd != 0) {
      line.append(" x");
      n = std::snprintf(tmp, sizeof tmp, "%u=", unsigned{s.rd});
      line.append(tmp, static_cast<std::size_t>(n));
      hex(line, s.rd_value, 16);
    }
    line.push_back('\n');
  }

  void on_step(const StepRecord& s) {
    format(buf_, s);
    if (buf_.size() > (1 << 20) - 128) flush();
  }
  void flush() {
    if (!buf_.empty() && out_) std::fwrite(buf_.data(), 1, buf_.size(), out_);
    buf_.clear();
  }

 private:
  static void hex(std::string& out, std::uint64_t v, int digits) {
    static constexpr char d[] = "0123456789abcdef";
    for (int i = digits - 1; i >= 0; --i) out.push_back(d[(v >> (4 * i)) & 15]);
  }
  std::FILE* out_;
  std::string buf_;
};

}  // namespace rvtrace

namespace rvtrace::trace {

// The text witness as a trace policy (same format as TextWitness, byte for byte). A default-made
// instance buffers its lines (per-chunk instances of a replay); one made with a FILE* streams
// them, and writes what it merges, in order.
class TextPolicy {
 public:
  TextPolicy() = default;
  explicit TextPolicy(std::FILE* out) : out_(out) {}

  void on_step(const StepRecord& s) {
    TextWitness::format(out_.buf(), s);
    out_.maybe_flush();
  }
  void merge(TextPolicy&& later) { out_.append(std::move(later.out_)); }
  void flush() { out_.flush(); }
  const std::string& text() const { return out_.str(); }  // what is kept (not yet written)

  // Partial results (partial.hpp) of a buffering instance: its text.
  static constexpr const char* partial_name = "text";
  template <class W>
  void save_partial(W& w) const { w.put_bytes(out_.str()); }
  template <class R>
  static TextPolicy load_partial(R& r) {
    TextPolicy p;
    p.out_.buf() = r.get_bytes();
    return p;
  }

 private:
  OutputBuffer out_;
};

}  // namespace rvtrace::trace
