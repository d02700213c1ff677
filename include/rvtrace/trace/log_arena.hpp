#pragma once
// Where an in-memory recording writes its memory-read log (MemoryTrace): one contiguous run of
// uint64_t words in anonymous memory that grows in place. The engine logs chunk after chunk
// straight into it: no copy of the log.
//
// Why: the log comes at up to ~12 GB/s. Copying it, or taking page faults on the engine's thread,
// cost about as much as running the guest. So the recorder's second thread prepares the arena
// ahead of the engine (`prepare`: makes more of the reserved range writable and pre-faults it with
// MADV_POPULATE_WRITE); the engine finds its pages ready. The address range is reserved once
// (PROT_NONE, no memory committed), so the words never move while the log grows.
// (Files do not use an arena: on tmpfs, write() allocates pages faster than faulting in a shared
// mapping does: measured 3.0 GB/s against 1.7-2.2 GB/s.)
//
// Not thread-safe by itself: the recorder makes sure `prepare` (second thread) only touches
// words the engine has not been allowed to write yet.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace rvtrace::trace {

class LogArena {
 public:
  static constexpr std::uint64_t reserve_bytes = std::uint64_t{1} << 40;  // address space only
  static constexpr std::uint64_t grow_bytes = std::uint64_t{32} << 20;    // mprotect step

  LogArena() {
    void* p = ::mmap(nullptr, reserve_bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) fail("cannot reserve address space for the trace log");
    base_ = static_cast<char*>(p);
  }
  LogArena(const LogArena&) = delete;
  LogArena& operator=(const LogArena&) = delete;
  ~LogArena() { ::munmap(base_, reserve_bytes); }

  std::uint64_t* words() const { return reinterpret_cast<std::uint64_t*>(base_); }
  // Words that may be written now.
  std::uint64_t capacity() const { return mapped_ / 8; }

  // Makes words [0, n) writable.
  void grow(std::uint64_t n) {
    if (n > reserve_bytes / 8)
      throw std::runtime_error("trace log: more than " + std::to_string(reserve_bytes >> 30) +
                               " GiB in memory (record to a file instead)");
    while (mapped_ < 8 * n) {
      const std::uint64_t step = std::min(grow_bytes, reserve_bytes - mapped_);
      if (::mprotect(base_ + mapped_, step, PROT_READ | PROT_WRITE) != 0) fail("cannot grow the in-memory log");
      mapped_ += step;
    }
  }
  // Makes words [0, n) writable and takes their page faults now (grow + MADV_POPULATE_WRITE);
  // words already prepared are not touched again (a reused arena keeps its pages).
  void prepare(std::uint64_t n) {
    grow(n);
    if (n <= prefaulted_) return;
    const std::uint64_t page = 4096;
    // From the first page not prepared before (the previous call covered its last partial page).
    std::uint64_t a = (8 * prefaulted_ + page - 1) & ~(page - 1);
    const std::uint64_t b = std::min<std::uint64_t>((8 * n + page - 1) & ~(page - 1), mapped_);
    prefaulted_ = n;
    if (a >= b) return;
    if (populate_ && ::madvise(base_ + a, b - a, MADV_POPULATE_WRITE) == 0) return;
    if (populate_ && errno != EINVAL) fail("cannot allocate memory for the trace log");
    populate_ = false;  // kernel older than 5.14: read-modify-write one byte per page instead
    for (; a < b; a += page) {
      volatile char* c = base_ + a;
      *c = *c;
    }
  }

 private:
  [[noreturn]] static void fail(const std::string& msg) {
    throw std::runtime_error("trace log: " + msg + ": " + std::strerror(errno));
  }

  char* base_ = nullptr;
  std::uint64_t mapped_ = 0;      // bytes from base_ that are writable
  std::uint64_t prefaulted_ = 0;  // words [0, prefaulted_) have been pre-faulted
  bool populate_ = true;
};

}  // namespace rvtrace::trace
