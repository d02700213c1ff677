#pragma once
// The memory policy of memoryless replay: no memory image of the traced run. It starts every chunk
// knowing nothing, and learns the words the chunk touches as the log rules of
// rvtrace/interp/logging_memory.hpp say: at a word's first touch in the chunk its value comes from
// the log (an aligned 8-byte store instead defines it), after that the chunk's own stores keep it
// current. Loads then read these words (including accesses that cross a word boundary); an ecall
// takes a0 from the log and forgets the words, except an exit by the platform's rule (linux:
// exit/exit_group, a7 = 93/94), which logs nothing. A host call's external values come from the log.
//
// The words live in a sparse GuestMemory of the default size (only the pages the chunks touch cost
// memory) with its WordMarks, so a step costs a few byte tests more than reading the log alone.
// Running past the end of the chunk's log throws LogExhausted; replay turns it into an error naming
// the chunk and the step. An address outside the guest memory size (possible only in a corrupt
// trace) is an access fault; with the traced run's windows set (set_windows: the readable and
// writable ranges are fixed by the program's layout), every access faults exactly as it did in the
// traced run, so verify reproduces memory faults.
//
// For verify, collect_effects() also records the chunk's memory effects (memory_effects.hpp).
// Native replay (aot::AotRunner, trace/native_replay.hpp) runs on this object too: its code tests
// and sets the same marks and advances the same cursors (log, touched list, reads), so it and the
// interpreter can take turns within a chunk.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <vector>

#include "rvtrace/guest/fault.hpp"
#include "rvtrace/guest/layout.hpp"
#include "rvtrace/guest/memory.hpp"
#include "rvtrace/guest/syscalls.hpp"
#include "rvtrace/interp/step_words.hpp"
#include "rvtrace/interp/flat_memory.hpp"
#include "rvtrace/interp/word_marks.hpp"
#include "rvtrace/trace/memory_effects.hpp"

namespace rvtrace::trace {

// Thrown when a step needs more log words than the chunk has (corrupt or mismatched trace).
struct LogExhausted {};

class ReplayMemory {
 public:
  ReplayMemory() = default;
  explicit ReplayMemory(std::span<const std::uint64_t> log) { reset(log); }
  ReplayMemory(const ReplayMemory&) = delete;
  ReplayMemory& operator=(const ReplayMemory&) = delete;

  // Starts a chunk: its log, and no known words.
  void reset(std::span<const std::uint64_t> log) {
    marks_.clear();
    begin_ = cur_ = log.data();
    end_ = log.data() + log.size();
  }

  // The traced run's readable [read_lo, size) and writable [write_lo, size) windows (by default
  // all of memory: only the size is checked).
  void set_windows(std::uint64_t read_lo, std::uint64_t write_lo) { words_.set_windows(read_lo, write_lo); }
  // Record the chunk's memory effects into `e` (nullptr: off); `steps` is the machine's step count.
  // The reads are at most one per log word: they are written in place (reads_cursor()).
  void collect_effects(MemoryEffects* e, const std::uint64_t* steps) {
    effects_ = e;
    steps_ = steps;
    reads_ = 0;
    if (e) e->clear(), e->reads.resize(std::max<std::size_t>(end_ - begin_, 1)), open_segment();  // (data() != nullptr)
  }
  // Missing log words read as 0 instead of throwing: replaying a faulting step, whose loaded values
  // do not decide whether (and where) it faults.
  void set_lenient(bool on) { lenient_ = on; }
  // Ends the chunk's last segment (collect_effects).
  void end_chunk() {
    if (!effects_) return;
    close_segment(nullptr);
    effects_->reads.resize(reads_);
  }

  std::uint64_t load(std::uint64_t addr, unsigned width) {
    if (!words_.readable(addr, width)) [[unlikely]]
      throw AccessFault{FaultKind::load_out_of_range, addr};
    touch(addr, width);
    std::uint64_t v = 0;
    std::memcpy(&v, words_.host(addr), width);
    return v;
  }
  void store(std::uint64_t addr, std::uint64_t v, unsigned width) {
    if (!words_.writable(addr, width) && !words_.in_mmio(addr, width)) [[unlikely]]
      throw AccessFault{FlatMemory::store_fault_kind(words_, addr), addr};
    if (width == 8 && (addr & 7) == 0) marks_.mark(addr >> 3);  // defines the whole word
    else touch(addr, width);
    std::memcpy(words_.host(addr), &v, width);
    if (effects_) [[unlikely]]
      WordMarks::for_each_word(addr, width, [&](std::uint64_t index) { marks_.mark_written(index); });
  }
  // The platform's exit rule (a pure function of the registers; default: linux's).
  void set_exit_rule(guest::ExitRule rule) { exit_rule_ = rule; }

  guest::SyscallResult ecall(std::array<std::uint64_t, 32>& x) {
    if (const std::optional<int> status = exit_rule_(x)) return {true, *status};
    EcallRecord call;
    if (effects_) {
      call.step = *steps_, call.number = x[17];
      for (unsigned i = 0; i < 6; ++i) call.args[i] = x[10 + i];
    }
    x[10] = take();
    if (effects_) {
      call.result = x[10];
      close_segment(&call);
      open_segment();
    }
    marks_.clear();
    if (keep_words_) step_words_.add(x[10]);
    return {};
  }

  // A host call's advice value: the log's next word (the recorded run logged it where it was produced).
  template <class F>
  std::uint64_t external(F&&) {
    return take();
  }
  // Replay has no platform state: host calls skip what needs it (h.host_only, h.state).
  guest::Environment* environment() { return nullptr; }
  // The traced run's MMIO range: stores there are plain stores in replay.
  void set_mmio(std::uint64_t lo, std::uint64_t hi) { words_.set_mmio(lo, hi); }

  // Whether to collect step_words() (only policies that read them need it).
  void keep_step_words(bool on) { keep_words_ = on; }

  const std::uint64_t* cursor() const { return cur_; }
  void set_cursor(const std::uint64_t* c) { cur_ = c; }
  [[noreturn]] void log_exhausted() const { throw LogExhausted{}; }
  // Where the next first-touch read goes (MemoryEffects::Word as two words), nullptr when not
  // collecting effects.
  std::uint64_t* reads_cursor() {
    return effects_ ? reinterpret_cast<std::uint64_t*>(effects_->reads.data() + reads_) : nullptr;
  }
  void set_reads_cursor(std::uint64_t* r) {
    if (effects_) reads_ = static_cast<std::size_t>(reinterpret_cast<MemoryEffects::Word*>(r) - effects_->reads.data());
  }
  guest::GuestMemory& memory() { return words_; }
  WordMarks& marks() { return marks_; }
  const std::uint64_t* begin() const { return begin_; }
  const std::uint64_t* end() const { return end_; }
  std::uint64_t consumed() const { return static_cast<std::uint64_t>(cur_ - begin_); }
  StepWords& step_words() { return step_words_; }

 private:
  void touch(std::uint64_t addr, unsigned width) {
    WordMarks::for_each_word(addr, width, [&](std::uint64_t index) { know(index); });
  }
  // Makes word `index` known (from the log at its first touch) and records its value for the step.
  void know(std::uint64_t index) {
    std::uint8_t* w = words_.host(index * 8);
    if (marks_.mark(index)) {
      const std::uint64_t v = take();
      std::memcpy(w, &v, 8);
      if (effects_) [[unlikely]]
        add_read({index * 8, v});
      if (keep_words_) step_words_.add(v);
    } else if (keep_words_) {
      std::uint64_t v;
      std::memcpy(&v, w, 8);
      step_words_.add(v);
    }
  }
  std::uint64_t take() {
    if (cur_ == end_) [[unlikely]] {
      if (lenient_) return 0;
      throw LogExhausted{};
    }
    return *cur_++;
  }
  void add_read(MemoryEffects::Word w) {
    if (reads_ == effects_->reads.size()) effects_->reads.emplace_back();  // (lenient: words past the log)
    effects_->reads[reads_++] = w;
  }
  void open_segment() {
    MemoryEffects::Segment seg;
    seg.first_step = *steps_;
    effects_->segments.push_back(seg);
  }
  // The segment's written words (in the order of their first touch) with their final values, and
  // the ecall that ends it. (Every segment ends with the marks cleared: an ecall, or the chunk.)
  void close_segment(const EcallRecord* call) {
    for (const std::uint32_t* p = marks_.begin(); p != marks_.cursor(); ++p) {
      if (!marks_.written(*p)) continue;
      std::uint64_t v;
      std::memcpy(&v, words_.host(std::uint64_t{*p} * 8), 8);
      effects_->writes.push_back({std::uint64_t{*p} * 8, v});
    }
    MemoryEffects::Segment& seg = effects_->segments.back();
    seg.reads_end = reads_;
    seg.writes_end = effects_->writes.size();
    if (call) seg.has_ecall = true, seg.ecall = *call;
  }
  guest::ExitRule exit_rule_ = &guest::linux_exit_status;
  guest::GuestMemory words_;  // the chunk's known words (sparse)
  WordMarks marks_{words_};
  StepWords step_words_;
  bool keep_words_ = true;
  bool lenient_ = false;
  MemoryEffects* effects_ = nullptr;
  const std::uint64_t* steps_ = nullptr;
  std::size_t reads_ = 0;  // effects_->reads in use (the rest is room for one per log word)
  const std::uint64_t* begin_ = nullptr;
  const std::uint64_t* cur_ = nullptr;
  const std::uint64_t* end_ = nullptr;
};

}  // namespace rvtrace::trace
