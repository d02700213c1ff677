#pragma once
// What one chunk's replay says about memory, for verify's memory pass (memory_pass.hpp).
//
// A chunk is cut into segments by its ecalls (the log rules forget the known words at every ecall,
// since a syscall may write memory). For each segment, in order:
//   reads   the first-touch words: (word address, value the log gave) -- the value memory must hold
//           when the segment starts, since nothing in the segment wrote the word before;
//   writes  the last value of every word the segment stored to (whole words: the bytes it did not
//           store are the first-touch value, or were defined by an aligned 8-byte store);
//   ecall   the system call that ends it, if any: its registers and the result the log gave.
// So checking the segments in trace order against one memory image (reads equal the image, then
// apply the writes, then the ecall's effect) proves the chunks agree with each other and with the
// initial image.
#include <array>
#include <cstdint>
#include <vector>

namespace rvtrace::trace {

struct EcallRecord {
  std::uint64_t step = 0;                // the ecall's step
  std::uint64_t number = 0;              // a7
  std::array<std::uint64_t, 6> args{};   // a0..a5 at the call
  std::uint64_t result = 0;              // a0 after it (from the log)
};

struct MemoryEffects {
  struct Word {
    std::uint64_t addr, value;
  };
  struct Segment {
    std::uint64_t first_step = 0;
    std::size_t reads_end = 0, writes_end = 0;  // ends of its range in reads/writes
    bool has_ecall = false;
    EcallRecord ecall;
  };
  std::vector<Word> reads, writes;
  std::vector<Segment> segments;

  void clear() {
    reads.clear();
    writes.clear();
    segments.clear();
  }
};

}  // namespace rvtrace::trace
