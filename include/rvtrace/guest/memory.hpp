#pragma once
// The guest memory image: one reserved host range holding guest addresses [0, size). Guest address a
// lives at host_base() + a (no offset), so the AOT backend needs a single base register, and bounds
// are two windows whose limits it can bake into code as immediates:
//   readable [read_lo, size)   -- below read_lo (the null page and below the program) faults
//   writable [write_lo, size)  -- below write_lo is the read-only text/rodata
// The range is mapped MAP_NORESERVE, so untouched pages cost nothing (and advised to huge pages).
//
// Just below the base lie the word marks: one byte per aligned 8-byte guest word (size/8 bytes,
// also MAP_NORESERVE), used by tracing to know which words the current chunk already logged
// (interp/word_marks.hpp). They sit at a fixed offset from the base so that trace-mode native code
// reaches the mark of address a as [base + (a >> 3) - size/8] with no extra register.
#include <sys/mman.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>

#include "rvtrace/guest/huge_pages.hpp"
#include "rvtrace/guest/layout.hpp"

namespace rvtrace::guest {

class GuestMemory {
 public:
  // size: a multiple of the page size, large enough for the stack region (see layout.hpp).
  explicit GuestMemory(std::uint64_t size = default_guest_size) : size_(size) {
    if (size % page_size != 0 || size < stack_guard + stack_reserve + page_size)
      throw std::invalid_argument("guest memory size 0x" + hex(size) +
                                  " must be a multiple of 4096 and at least 0x" +
                                  hex(stack_guard + stack_reserve + page_size));
    void* p = ::mmap(nullptr, size + marks_span(), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
      throw std::runtime_error("cannot reserve 0x" + hex(size + marks_span()) +
                               " bytes for guest memory: " + std::strerror(errno));
    base_ = static_cast<std::uint8_t*>(p) + marks_span();
    // Guests touch their memory sparsely but in runs (heap, stack, data); in trace mode a store's
    // first touch also reads the word (a zero-page fault, then the write fault): 2 MiB pages take
    // 1/512 of the faults.
    advise_huge_pages(p, size + marks_span());
  }
  ~GuestMemory() { release(); }

  GuestMemory(const GuestMemory&) = delete;
  GuestMemory& operator=(const GuestMemory&) = delete;
  GuestMemory(GuestMemory&& o) noexcept { steal(o); }
  GuestMemory& operator=(GuestMemory&& o) noexcept {
    if (this != &o) {
      release();
      steal(o);
    }
    return *this;
  }

  // --- layout, for code generators ---
  std::uint8_t* host_base() const { return base_; }
  std::uint64_t size() const { return size_; }
  std::uint64_t read_lo() const { return read_lo_; }
  std::uint64_t write_lo() const { return write_lo_; }
  // One byte per aligned guest word, zero-initialized: the mark of address a is word_marks()[a >> 3].
  std::uint8_t* word_marks() const { return base_ - marks_size(); }
  std::uint64_t marks_size() const { return size_ / 8; }
  // Set by map_program (loader.hpp). Requires read_lo <= write_lo <= size.
  void set_windows(std::uint64_t read_lo, std::uint64_t write_lo) {
    if (!(read_lo <= write_lo && write_lo <= size_))
      throw std::invalid_argument("bad guest memory windows read_lo 0x" + hex(read_lo) +
                                  ", write_lo 0x" + hex(write_lo));
    read_lo_ = read_lo;
    write_lo_ = write_lo;
  }

  // Stores into [lo, hi) go through the platform (Environment::on_mmio_store) after they land, e.g.
  // a UART byte. The range must lie below write_lo: native code and writable() refuse it, and the
  // memory policies' slow path (in_mmio) takes it.
  void set_mmio(std::uint64_t lo, std::uint64_t hi) {
    if (!(lo <= hi && hi <= write_lo_ && lo >= read_lo_))
      throw std::invalid_argument("bad guest MMIO range [0x" + hex(lo) + ", 0x" + hex(hi) + ")");
    mmio_lo_ = lo;
    mmio_hi_ = hi;
  }
  bool in_mmio(std::uint64_t addr, std::uint64_t len) const { return range_within(addr, len, mmio_lo_, mmio_hi_); }
  std::uint64_t mmio_lo() const { return mmio_lo_; }
  std::uint64_t mmio_hi() const { return mmio_hi_; }

  // --- checks (overflow-safe, any length; misaligned is fine) ---
  bool readable(std::uint64_t addr, std::uint64_t len) const {
    return range_within(addr, len, read_lo_, size_);
  }
  bool writable(std::uint64_t addr, std::uint64_t len) const {
    return range_within(addr, len, write_lo_, size_);
  }

  // --- unchecked access: the caller has checked readable()/writable() ---
  template <class T>
  T read(std::uint64_t addr) const {
    T v;
    std::memcpy(&v, base_ + addr, sizeof v);
    return v;
  }
  template <class T>
  void write(std::uint64_t addr, T v) {
    std::memcpy(base_ + addr, &v, sizeof v);
  }
  std::uint8_t* host(std::uint64_t addr) { return base_ + addr; }
  const std::uint8_t* host(std::uint64_t addr) const { return base_ + addr; }

  // --- checked bulk copies for syscalls and setup; false (nothing copied) when out of range ---
  // Guest -> host: fills `dst` from guest [addr, addr+dst.size()) (readable window).
  bool copy_out(std::uint64_t addr, std::span<std::uint8_t> dst) const {
    if (!readable(addr, dst.size())) return false;
    if (!dst.empty()) std::memcpy(dst.data(), base_ + addr, dst.size());
    return true;
  }
  // Host -> guest: writes `src` to guest [addr, addr+src.size()) (writable window).
  bool copy_in(std::uint64_t addr, std::span<const std::uint8_t> src) {
    if (!writable(addr, src.size())) return false;
    if (!src.empty()) std::memcpy(base_ + addr, src.data(), src.size());
    return true;
  }

  // Zero guest [addr, addr+len), unchecked against the windows (the loader zeroes bss inside text
  // too) but within [0, size). Whole pages are dropped with MADV_DONTNEED (they read back as zero
  // and stop using host RAM), so zeroing a large heap or bss is cheap.
  void zero(std::uint64_t addr, std::uint64_t len) {
    if (!range_within(addr, len, 0, size_)) throw std::out_of_range("GuestMemory::zero out of range");
    const std::uint64_t end = addr + len, lo = page_up(addr), hi = page_down(end);
    if (lo < hi && ::madvise(base_ + lo, hi - lo, MADV_DONTNEED) == 0) {
      std::memset(base_ + addr, 0, lo - addr);
      std::memset(base_ + hi, 0, end - hi);
    } else {
      std::memset(base_ + addr, 0, len);
    }
  }

 private:
  static std::string hex(std::uint64_t v) {
    char buf[20];
    std::snprintf(buf, sizeof buf, "%llx", (unsigned long long)v);
    return buf;
  }
  std::uint64_t marks_span() const { return page_up(marks_size()); }  // keeps the base page-aligned
  void release() {
    if (base_) ::munmap(base_ - marks_span(), size_ + marks_span());
    base_ = nullptr;
  }
  void steal(GuestMemory& o) {
    base_ = std::exchange(o.base_, nullptr);
    size_ = std::exchange(o.size_, 0);
    read_lo_ = std::exchange(o.read_lo_, 0);
    write_lo_ = std::exchange(o.write_lo_, 0);
    mmio_lo_ = std::exchange(o.mmio_lo_, 0);
    mmio_hi_ = std::exchange(o.mmio_hi_, 0);
  }

  std::uint8_t* base_ = nullptr;
  std::uint64_t size_ = 0;
  std::uint64_t read_lo_ = 0;   // until a program is mapped, all of memory is readable
  std::uint64_t write_lo_ = 0;  // and writable
  std::uint64_t mmio_lo_ = 0, mmio_hi_ = 0;  // none
};

}  // namespace rvtrace::guest
