#pragma once
// Where a recording writes its memory-read log: one contiguous run of uint64_t words that grows
// in place, in anonymous memory (MemoryTrace) or in a shared mapping of the trace file
// (TraceFileWriter). The engine logs chunk after chunk straight into it: no copy of the log.
//
// Why: the log comes at up to ~12 GB/s. Copying it, or letting the kernel allocate pages on the
// engine's thread (page faults, tmpfs page allocation in write()), cost more than the engine.
// So the recorder's second thread prepares the arena ahead of the engine (`prepare`: maps more
// address space, allocates file blocks, pre-faults with MADV_POPULATE_WRITE); the engine finds
// its pages ready. The address range is reserved once (PROT_NONE, no memory committed), so
// the words never move while the log grows.
//
// Not thread-safe by itself: the recorder makes sure `prepare` (second thread) only touches
// words the engine has not been allowed to write yet.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace rvtrace::trace {

class LogArena {
 public:
  static constexpr std::uint64_t reserve_bytes = std::uint64_t{1} << 40;  // address space only
  static constexpr std::uint64_t grow_bytes = std::uint64_t{32} << 20;    // mapping/allocation step

  // Anonymous memory.
  LogArena() { reserve(); }
  // The file `fd` (open read-write, owned by the caller), word 0 at byte `first_byte` (a
  // multiple of 8). The file is grown as the log grows; `finish_file` gives it its final size.
  LogArena(int fd, std::uint64_t first_byte, std::string name) : fd_(fd), first_byte_(first_byte), name_(std::move(name)) {
    if (first_byte % 8 != 0) throw std::logic_error("LogArena: the log must start at a multiple of 8 bytes");
    reserve();
  }
  LogArena(const LogArena&) = delete;
  LogArena& operator=(const LogArena&) = delete;
  ~LogArena() { ::munmap(base_, reserve_bytes); }

  std::uint64_t* words() const { return reinterpret_cast<std::uint64_t*>(base_ + first_byte_); }
  // Words that may be written now.
  std::uint64_t capacity() const { return (mapped_ - first_byte_) / 8; }

  // Makes words [0, n) writable.
  void grow(std::uint64_t n) {
    if (n > (reserve_bytes - first_byte_) / 8)
      throw std::runtime_error(what() + ": the trace log exceeds " + std::to_string(reserve_bytes >> 30) +
                               " GiB of address space");
    const std::uint64_t need = first_byte_ + 8 * n;
    while (mapped_ < need) {
      const std::uint64_t step = std::min(grow_bytes, reserve_bytes - mapped_);
      if (fd_ < 0) {
        if (::mprotect(base_ + mapped_, step, PROT_READ | PROT_WRITE) != 0) fail("cannot grow the in-memory log");
        ::madvise(base_ + mapped_, step, MADV_HUGEPAGE);  // fewer faults and TLB misses; a hint
      } else {
        allocate_file(mapped_, step);
        if (::mmap(base_ + mapped_, step, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd_,
                   static_cast<off_t>(mapped_)) == MAP_FAILED)
          fail("cannot map the trace file");
      }
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
    std::uint64_t a = prefaulted_ == 0 ? 0 : (first_byte_ + 8 * prefaulted_ + page - 1) & ~(page - 1);
    const std::uint64_t b = std::min<std::uint64_t>((first_byte_ + 8 * n + page - 1) & ~(page - 1), mapped_);
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
  // File arenas: unmaps the file and cuts it at word `n` (the end of the log).
  void finish_file(std::uint64_t n) {
    if (mapped_ > 0 && ::mmap(base_, mapped_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) ==
                           MAP_FAILED)
      fail("cannot unmap the trace file");
    mapped_ = prefaulted_ = 0;
    if (::ftruncate(fd_, static_cast<off_t>(first_byte_ + 8 * n)) != 0) fail("cannot set the trace file's size");
  }

 private:
  void reserve() {
    void* p = ::mmap(nullptr, reserve_bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) fail("cannot reserve address space for the trace log");
    base_ = static_cast<char*>(p);
  }
  // Real blocks for [at, at + n) of the file, so that a full disk is an error here and not a
  // SIGBUS when the engine writes through the mapping.
  void allocate_file(std::uint64_t at, std::uint64_t n) {
    if (::fallocate(fd_, 0, static_cast<off_t>(at), static_cast<off_t>(n)) == 0) return;
    if (errno != EOPNOTSUPP) fail("cannot allocate space for the trace file");
    static const std::vector<char> zeros(std::size_t{1} << 20);  // file system without fallocate
    for (std::uint64_t k = 0; k < n;) {
      const ssize_t w = ::pwrite(fd_, zeros.data(), std::min<std::uint64_t>(zeros.size(), n - k), static_cast<off_t>(at + k));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) fail("cannot allocate space for the trace file");
      k += static_cast<std::uint64_t>(w);
    }
  }
  std::string what() const { return name_.empty() ? std::string("trace log") : name_; }
  [[noreturn]] void fail(const std::string& msg) const {
    throw std::runtime_error(what() + ": " + msg + ": " + std::strerror(errno));
  }

  int fd_ = -1;
  std::uint64_t first_byte_ = 0;
  std::string name_;
  char* base_ = nullptr;
  std::uint64_t mapped_ = 0;  // bytes from base_ that are writable
  std::uint64_t prefaulted_ = 0;  // words [0, prefaulted_) have been pre-faulted
  bool populate_ = true;
};

}  // namespace rvtrace::trace
