#pragma once
// WordMarks: the set of aligned guest words the current chunk of a trace already knows, so the
// memory-read log holds each word once per chunk (its first touch) instead of once per access.
//
// The marks are GuestMemory::word_marks() (one byte per word, at a fixed offset below the guest
// base, where trace-mode native code tests them too). Setting a mark also appends the word's index
// to the touched list; clear() resets exactly those marks, so starting a new chunk costs as much as
// the chunk touched, not the size of memory. The list is reserved MAP_NORESERVE for one entry per
// guest word (a word is listed at most once between clears), so it can never overflow and native
// code appends to it without a bound check; only the part in use costs memory.
#include <sys/mman.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

#include "rvtrace/guest/huge_pages.hpp"
#include "rvtrace/guest/memory.hpp"

namespace rvtrace {

class WordMarks {
 public:
  explicit WordMarks(guest::GuestMemory& mem) : marks_(mem.word_marks()), words_(mem.marks_size()) {
    bytes_ = static_cast<std::size_t>(words_ * sizeof(std::uint32_t));
    if (words_ > (std::uint64_t{1} << 32))
      throw std::invalid_argument("WordMarks: guest memory larger than 32 GiB is not supported");
    void* p = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error(std::string("WordMarks: cannot reserve the touched list: ") + std::strerror(errno));
    list_ = cursor_ = static_cast<std::uint32_t*>(p);
    guest::advise_huge_pages(p, bytes_);  // touched sparsely: page faults are its cost (the marks: GuestMemory)
    generation_ = next_generation();
  }
  ~WordMarks() {
    if (!list_) return;
    clear();  // the marks belong to the guest memory, which may be traced again
    ::munmap(list_, bytes_);
  }
  WordMarks(const WordMarks&) = delete;
  WordMarks& operator=(const WordMarks&) = delete;

  // Calls f(index) for the aligned word(s) the access [addr, addr + width) touches, low word first
  // (the log rules' order; index = address >> 3).
  template <class F>
  static void for_each_word(std::uint64_t addr, unsigned width, F&& f) {
    const std::uint64_t first = addr >> 3, last = (addr + width - 1) >> 3;
    f(first);
    if (last != first) f(last);
  }
  // Marks word `index` (= guest address >> 3); true when it was not marked yet (a first touch).
  bool mark(std::uint64_t index) {
    if (marks_[index]) return false;
    marks_[index] = 1;
    *cursor_++ = static_cast<std::uint32_t>(index);
    return true;
  }
  // A second flag on a word already marked since the last clear(): "written" (replay's memory-effect
  // collection for verify). True when it was not set yet. clear() resets it with the mark.
  bool mark_written(std::uint64_t index) {
    if (marks_[index] & written_bit) return false;
    marks_[index] |= written_bit;
    return true;
  }
  bool written(std::uint64_t index) const { return marks_[index] & written_bit; }
  // Forgets every mark (a new chunk, or memory changed behind the log's back: a syscall).
  void clear() {
    for (const std::uint32_t* p = list_; p != cursor_; ++p) marks_[*p] = 0;
    cursor_ = list_;
    generation_ = next_generation();
  }
  // Changes at every clear(), and is never the same for two WordMarks objects: native code keeps
  // per-block facts ("these words are marked") tagged with it (aot/emitter.hpp, warm blocks).
  std::uint64_t generation() const { return generation_; }

  // The touched list so far (word indices, in the order they were first marked).
  const std::uint32_t* begin() const { return list_; }
  // For native code, which appends to the list itself.
  std::uint32_t* cursor() const { return cursor_; }
  void set_cursor(std::uint32_t* c) { cursor_ = c; }

 private:
  static std::uint64_t next_generation() {
    static std::atomic<std::uint64_t> counter{0};
    return counter.fetch_add(1, std::memory_order_relaxed) + 1;  // never 0 (a fresh record's value)
  }
  static constexpr std::uint8_t written_bit = 2;  // a mark is any nonzero byte; bit 1 is "written"
  std::uint8_t* marks_;
  std::uint64_t generation_ = 0;
  std::uint64_t words_;
  std::size_t bytes_ = 0;
  std::uint32_t* list_ = nullptr;
  std::uint32_t* cursor_ = nullptr;
};

}  // namespace rvtrace
