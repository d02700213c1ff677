#pragma once
// A checkpoint of the minimal trace: the architectural state at the start of a chunk, where the
// chunk's part of the memory-read log lies, and a checksum over both.
#include <array>
#include <cstddef>
#include <type_traits>
#include <cstdint>
#include <span>

#include "rvtrace/isa/operands.hpp"
#include "rvtrace/trace/hash.hpp"

namespace rvtrace::trace {

struct Checkpoint {
  std::uint64_t step = 0;                       // steps retired before this point
  std::uint64_t pc = 0;
  std::array<std::uint64_t, 31> x{};            // x1..x31 (x[0] is x1)
  std::uint64_t reservation = isa::no_reservation;
  std::uint64_t log_offset = 0;                 // first log word of the chunk (in words, whole trace)
  std::uint64_t log_words = 0;                  // number of log words of the chunk
  std::uint64_t checksum = 0;                   // chunk_checksum(*this, the chunk's log words)

  static constexpr std::size_t words = 37;      // serialized size: 37 little-endian uint64_t
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;

  static Checkpoint at(const isa::CpuState& s, std::uint64_t step) {
    Checkpoint c;
    c.step = step;
    c.pc = s.pc;
    for (unsigned r = 1; r < 32; ++r) c.x[r - 1] = s.x[r];
    c.reservation = s.reservation;
    return c;
  }
  isa::CpuState cpu() const {
    isa::CpuState s;
    s.pc = pc;
    for (unsigned r = 1; r < 32; ++r) s.x[r] = x[r - 1];
    s.reservation = reservation;
    return s;
  }
  std::uint64_t reg(unsigned r) const { return r == 0 ? 0 : x[r - 1]; }

  // Serialization order (also the order the checksum covers, checksum last).
  std::array<std::uint64_t, words> to_words() const {
    std::array<std::uint64_t, words> w{};
    w[0] = step;
    w[1] = pc;
    for (unsigned i = 0; i < 31; ++i) w[2 + i] = x[i];
    w[33] = reservation;
    w[34] = log_offset;
    w[35] = log_words;
    w[36] = checksum;
    return w;
  }
  static Checkpoint from_words(const std::array<std::uint64_t, words>& w) {
    Checkpoint c;
    c.step = w[0];
    c.pc = w[1];
    for (unsigned i = 0; i < 31; ++i) c.x[i] = w[2 + i];
    c.reservation = w[33];
    c.log_offset = w[34];
    c.log_words = w[35];
    c.checksum = w[36];
    return c;
  }
};

// A file's chunk index is read in place as Checkpoints (file.hpp): the struct is its 37 words.
static_assert(sizeof(Checkpoint) == Checkpoint::words * 8 && std::is_standard_layout_v<Checkpoint> &&
              std::is_trivially_copyable_v<Checkpoint> && offsetof(Checkpoint, checksum) == 36 * 8);

// Checksum of a chunk: its checkpoint's fields (all but the checksum) then its log words.
inline std::uint64_t chunk_checksum(const Checkpoint& c, std::span<const std::uint64_t> log) {
  WordHash h(0x52564d54'43484b31ull);  // "RVMTCHK1"
  const auto w = c.to_words();
  for (std::size_t i = 0; i + 1 < Checkpoint::words; ++i) h.add(w[i]);
  h.add(log);
  return h.digest();
}

}  // namespace rvtrace::trace
