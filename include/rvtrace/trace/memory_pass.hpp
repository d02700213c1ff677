#pragma once
// verify's memory pass: the chunks' memory effects (memory_effects.hpp), applied in trace order to
// one image of the run's memory that starts as the initial image (RunStart). Every first-touch
// value a chunk's log gave must be what that image holds there: the initial image (ELF data and
// text, zero bss/heap/stack, what the loader wrote), the last write of an earlier segment (of this
// chunk or an earlier one), or what an ecall produced (RunStart::ecall: e.g. read's bytes from the
// given input). So chunks are linked through memory, and read-only words (text, rodata) can only
// ever read as the ELF has them.
//
// The image costs only the pages the run touches (GuestMemory is sparse). The pass runs on the
// thread that merges chunks in order, while workers replay later chunks (VerifyPolicy below).
#include <cstdint>
#include <string>

#include "rvtrace/guest/fault.hpp"
#include "rvtrace/trace/checkpoint.hpp"
#include "rvtrace/trace/memory_effects.hpp"
#include "rvtrace/trace/run_start.hpp"
#include "rvtrace/trace/trace_view.hpp"

namespace rvtrace::trace {

class MemoryPass {
 public:
  MemoryPass(RunStart& start, const TraceInfo& info) : start_(start), info_(info) {}

  // Chunk `chunk`'s effects; throws InputError naming the chunk, the check and the word.
  void apply(const MemoryEffects& e, std::uint64_t chunk) {
    guest::GuestMemory& image = *start_.memory;
    std::size_t r = 0, w = 0;
    for (const MemoryEffects::Segment& seg : e.segments) {
      for (; r < seg.reads_end; ++r) {
        const MemoryEffects::Word& word = e.reads[r];
        const std::uint64_t have = image.read<std::uint64_t>(word.addr);
        if (have != word.value)
          fail(chunk, "memory: word " + hex64(word.addr) + " read first at or after step " +
                          std::to_string(seg.first_step) + " is " + hex64(word.value) +
                          " in the log, but the run's memory holds " + hex64(have) + " there (" +
                          origin(word.addr) + ")");
      }
      for (; w < seg.writes_end; ++w) image.write<std::uint64_t>(e.writes[w].addr, e.writes[w].value);
      if (seg.has_ecall) {
        try {
          start_.ecall(seg.ecall, image);
        } catch (const InputError& x) {
          fail(chunk, x.what());
        }
      }
    }
  }

 private:
  std::string origin(std::uint64_t addr) const {
    const guest::GuestMemory& m = *start_.memory;
    if (addr + 8 <= m.write_lo() && addr >= (m.read_lo() & ~std::uint64_t{7}))
      return "read-only: the program's text or read-only data";
    return "the initial image or the last write before this read";
  }
  [[noreturn]] void fail(std::uint64_t chunk, const std::string& what) const {
    const std::uint64_t a = info_.chunk_first_step(chunk), b = info_.chunk_end_step(chunk);
    throw InputError("chunk " + std::to_string(chunk) + " (steps " + std::to_string(a) + ".." +
                     std::to_string(b ? b - 1 : 0) + "): " + what);
  }
  RunStart& start_;
  const TraceInfo& info_;
};

// The policy of verify: no per-step work; each chunk's replay collects its memory effects, and
// merging (in chunk order) runs them through the memory pass.
class VerifyPolicy {
 public:
  static constexpr bool collects_effects = true;
  VerifyPolicy() = default;
  explicit VerifyPolicy(MemoryPass* pass) : pass_(pass) {}

  MemoryEffects& effects() { return effects_; }
  void merge(VerifyPolicy&& later) {
    if (pass_) pass_->apply(later.effects_, later.chunk_);
  }
  void set_chunk(std::uint64_t i) { chunk_ = i; }

 private:
  MemoryPass* pass_ = nullptr;
  MemoryEffects effects_;
  std::uint64_t chunk_ = 0;
};

}  // namespace rvtrace::trace
