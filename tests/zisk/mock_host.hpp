#pragma once
// A host context (isa/host_call.hpp) for testing the ZisK handlers without an engine: registers, a
// pc, a few code words at code_base (the DMA companions), a data memory, and the two ways a handler
// runs: recording (the ZiskState exists; externals are computed and logged) and memoryless replay
// (no state; externals come from that log). It keeps every data access, so a test can check that
// replay makes the same accesses as the recorded run.
#include <array>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "rvtrace/isa/operands.hpp"
#include "rvtrace/platform/zisk/state.hpp"

namespace zisk_test {

using u64 = std::uint64_t;
namespace zisk = rvtrace::platform::zisk;

// Byte-addressed memory, optionally bounded to [lo, hi) and [scratch_lo, scratch_hi) (ZisK's SYS
// words the DMA handlers use); outside them an access throws.
struct SparseMemory {
  u64 lo = 0, hi = ~u64{0};
  u64 scratch_lo = 0xa000'0f00, scratch_hi = 0xa000'0f10;
  std::map<u64, std::uint8_t> bytes;
  u64 load(u64 a, unsigned w) {
    check(a, w);
    u64 v = 0;
    for (unsigned i = 0; i < w; ++i) {
      auto it = bytes.find(a + i);
      v |= u64(it == bytes.end() ? 0 : it->second) << (8 * i);
    }
    return v;
  }
  void store(u64 a, u64 v, unsigned w) {
    check(a, w);
    for (unsigned i = 0; i < w; ++i) bytes[a + i] = static_cast<std::uint8_t>(v >> (8 * i));
  }
  void check(u64 a, unsigned w) const {
    const bool in_window = a >= lo && a + w <= hi, in_scratch = a >= scratch_lo && a + w <= scratch_hi;
    if (!in_window && !in_scratch) zisk::fail("access outside memory at " + rvtrace::hex64(a));
  }
};

struct Access {
  u64 addr, value;
  unsigned width;
  bool store;
  friend bool operator==(const Access&, const Access&) = default;
};

inline constexpr u64 code_base = 0x8000'0000;

template <class Memory = SparseMemory>
class MockHost {
 public:
  // state == nullptr: replay, taking externals from *log in order; otherwise record into *log.
  MockHost(Memory& mem, zisk::ZiskState* state, std::vector<u64>* log) : mem_(mem), state_(state), log_(log) {}

  std::array<u64, 32> regs{};
  std::vector<std::uint32_t> code;  // words at code_base, code_base + 4, ...
  std::vector<Access> accesses;     // data accesses in order
  u64 pc_ = code_base, next_pc_ = 0;
  u64 steps = 0;

  u64 x(unsigned r) const { return regs[r]; }
  void set_x(unsigned r, u64 v) {
    if (r) regs[r] = v;
  }
  u64 pc() const { return pc_; }
  void set_next_pc(u64 p) { next_pc_ = p; }
  u64 load(u64 a, unsigned w) {
    if (a >= code_base && a - code_base < 4 * code.size()) {
      if (w != 4 || a % 4) throw std::logic_error("mock: code is read as aligned words only");
      return code[(a - code_base) / 4];
    }
    const u64 v = mem_.load(a, w);
    accesses.push_back({a, v, w, false});
    return v;
  }
  void store(u64 a, u64 v, unsigned w) {
    mem_.store(a, v, w);
    accesses.push_back({a, w == 8 ? v : v & ((u64{1} << (8 * w)) - 1), w, true});
  }
  template <class F>
  u64 external(F&& f) {
    if (state_) return log_->emplace_back(f());
    if (cursor_ >= log_->size()) throw std::logic_error("mock replay: the log has no more externals");
    return (*log_)[cursor_++];
  }
  template <class F>
  void host_only(F&& f) {
    if (state_) f();
  }
  template <class S>
  S* state() {
    if constexpr (std::is_same_v<S, zisk::ZiskState>) return state_;
    else return nullptr;
  }
  u64 instret() const { return steps; }

  // Runs the instruction at pc to its end: the handler again while it continues at its own pc (a
  // long DMA operation's pieces). Returns the number of steps; pc is then where it continued.
  template <class Handler>
  unsigned run(const Handler& handler, const rvtrace::isa::Operands& o, unsigned max_steps = 100000) {
    unsigned n = 0;
    do {
      next_pc_ = pc_ + 4;
      handler(*this, o);
      ++n, ++steps;
      if (n > max_steps) throw std::logic_error("mock: instruction does not finish");
    } while (next_pc_ == pc_);
    pc_ = next_pc_;
    return n;
  }

  std::size_t externals_used() const { return cursor_; }

 private:
  Memory& mem_;
  zisk::ZiskState* state_;
  std::vector<u64>* log_;
  std::size_t cursor_ = 0;
};

}  // namespace zisk_test
