#include <catch2/catch.hpp>

#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "rvtrace/guest/memory.hpp"
#include "rvtrace/guest/syscalls.hpp"

using namespace rvtrace::guest;

namespace {

// A guest with text at [0x10000, 0x11000) and its break starting at 0x20000.
struct Env {
  GuestMemory mem{64 << 20};
  LinuxSyscalls sys{mem, 0x20000};
  std::array<std::uint64_t, 32> x{};
  Env() {
    mem.set_windows(0x10000, 0x11000);
    sys.capture_output();
  }
  // Calls syscall `nr`; returns a0 as a signed value.
  std::int64_t call(std::uint64_t nr, std::uint64_t a0 = 0, std::uint64_t a1 = 0,
                    std::uint64_t a2 = 0, std::uint64_t a3 = 0, std::uint64_t a4 = 0,
                    std::uint64_t a5 = 0) {
    x[17] = nr;
    x[10] = a0, x[11] = a1, x[12] = a2, x[13] = a3, x[14] = a4, x[15] = a5;
    auto r = sys.handle(x, mem);
    REQUIRE_FALSE(r.exited);
    return static_cast<std::int64_t>(x[10]);
  }
  void put(std::uint64_t addr, const std::string& s) {
    REQUIRE(mem.copy_in(addr, {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}));
  }
};

constexpr std::uint64_t anon_private = sys::map_anonymous | sys::map_private;
constexpr std::uint64_t prot_rw = 3;

}  // namespace

TEST_CASE("write goes to the captured stdout/stderr; bad buffers give -EFAULT", "[guest][syscalls]") {
  Env e;
  e.put(0x30000, "hello\n");
  CHECK(e.call(sys::write, 1, 0x30000, 6) == 6);
  CHECK(e.call(sys::write, 2, 0x30000, 5) == 5);
  CHECK(e.call(sys::write, 1, 0x30000, 0) == 0);
  CHECK(e.sys.captured_stdout() == "hello\n");
  CHECK(e.sys.captured_stderr() == "hello");

  CHECK(e.call(sys::write, 1, 0x10000, 16) == 16);  // text is readable: string literals live there
  CHECK(e.call(sys::write, 1, 0x100, 4) == -sys::efault);                 // below the program
  CHECK(e.call(sys::write, 1, e.mem.size() - 2, 4) == -sys::efault);      // crosses the end
  CHECK(e.call(sys::write, 1, 0x30000, ~std::uint64_t{0}) == -sys::efault);  // huge length
  CHECK(e.call(sys::write, 1, ~std::uint64_t{0} - 1, 4) == -sys::efault);    // wraps
  CHECK(e.call(sys::write, 3, 0x30000, 1) == -sys::ebadf);
  CHECK(e.call(sys::write, 0, 0x30000, 1) == -sys::ebadf);
  CHECK(e.sys.captured_stdout().size() == 6 + 16);
}

TEST_CASE("read from an input buffer or file", "[guest][syscalls]") {
  Env e;
  e.sys.set_input_buffer("abcdef");
  CHECK(e.call(sys::read, 0, 0x30000, 4) == 4);
  CHECK(e.call(sys::read, 0, 0x30004, 100) == 2);
  CHECK(e.call(sys::read, 0, 0x30006, 100) == 0);  // end of input
  CHECK(std::memcmp(e.mem.host(0x30000), "abcdef", 6) == 0);
  CHECK(e.call(sys::read, 1, 0x30000, 4) == -sys::ebadf);
  e.sys.set_input_buffer("xyz");
  CHECK(e.call(sys::read, 0, 0x10000, 1) == -sys::efault);  // into read-only text
  CHECK(e.call(sys::read, 0, e.mem.size() - 1, 2) == -sys::efault);
  CHECK(e.mem.read<std::uint8_t>(0x10000) == 0);

  char name[] = "/tmp/rvtrace_test_input_XXXXXX";
  int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, "file data", 9) == 9);
  close(fd);
  e.sys.set_input_file(name);
  CHECK(e.call(sys::read, 0, 0x40000, 64) == 9);
  CHECK(std::memcmp(e.mem.host(0x40000), "file data", 9) == 0);
  std::remove(name);
  REQUIRE_THROWS_WITH(e.sys.set_input_file("/nonexistent/in.txt"),
                      Catch::Matchers::Contains("/nonexistent/in.txt: cannot open input"));
}

TEST_CASE("exit and exit_group report a0 & 0xff and write no register", "[guest][syscalls]") {
  Env e;
  for (std::uint64_t nr : {sys::exit, sys::exit_group}) {
    e.x[17] = nr;
    e.x[10] = 0x1234;
    auto r = e.sys.handle(e.x, e.mem);
    CHECK(r.exited);
    CHECK(r.exit_code == 0x34);
    CHECK(e.x[10] == 0x1234);
  }
}

TEST_CASE("brk grows, shrinks and hands out zeroed memory", "[guest][syscalls]") {
  Env e;
  CHECK(e.call(sys::brk, 0) == 0x20000);
  CHECK(e.call(sys::brk, 0x10000) == 0x20000);  // below the start: refused
  CHECK(e.call(sys::brk, 0x23456) == 0x23456);  // not page-aligned, as Linux allows
  CHECK(e.sys.brk() == 0x23456);
  e.mem.write<std::uint64_t>(0x23000, ~0ull);
  CHECK(e.call(sys::brk, 0x22000) == 0x22000);  // shrink
  CHECK(e.call(sys::brk, 0x24000) == 0x24000);  // grow again: the old data is gone
  CHECK(e.mem.read<std::uint64_t>(0x23000) == 0);
  CHECK(e.call(sys::brk, e.mem.size()) == 0x24000);  // into the stack: refused
  CHECK(e.call(sys::brk, ~std::uint64_t{0}) == 0x24000);
  CHECK(e.call(sys::brk, 0) == 0x24000);
}

TEST_CASE("mmap hands out page-aligned zeroed memory until it meets brk", "[guest][syscalls]") {
  Env e;
  const std::int64_t a = e.call(sys::mmap, 0, 100, prot_rw, anon_private, ~std::uint64_t{0}, 0);
  REQUIRE(a > 0);
  CHECK(a % 4096 == 0);
  CHECK(static_cast<std::uint64_t>(a) + 4096 <= stack_bottom(e.mem.size()));
  CHECK(e.mem.writable(static_cast<std::uint64_t>(a), 4096));
  CHECK(e.mem.read<std::uint64_t>(static_cast<std::uint64_t>(a)) == 0);
  const std::int64_t b = e.call(sys::mmap, 0x12345000, 8192, prot_rw, anon_private, 0, 0);
  CHECK(b == a - 8192);  // hint ignored; carved downward
  CHECK(e.call(sys::munmap, static_cast<std::uint64_t>(b), 8192) == 0);

  CHECK(e.call(sys::mmap, 0, 0, prot_rw, anon_private, -1ull, 0) == -sys::einval);
  CHECK(e.call(sys::mmap, 0, 4096, prot_rw, sys::map_private, 3, 0) == -sys::enodev);
  CHECK(e.call(sys::mmap, 0, 4096, prot_rw, sys::map_anonymous | sys::map_shared, -1ull, 0) ==
        -sys::einval);
  CHECK(e.call(sys::mmap, 0, 4096, prot_rw, anon_private | sys::map_fixed, -1ull, 0) ==
        -sys::einval);
  CHECK(e.call(sys::mmap, 0, ~std::uint64_t{0}, prot_rw, anon_private, -1ull, 0) == -sys::enomem);
  CHECK(e.call(sys::mmap, 0, e.mem.size(), prot_rw, anon_private, -1ull, 0) == -sys::enomem);

  // Exhaust the gap between the break and the lowest mapping exactly, then one page more fails.
  const std::uint64_t gap = e.sys.mmap_cursor() - 0x20000;
  const std::int64_t c = e.call(sys::mmap, 0, gap, prot_rw, anon_private, -1ull, 0);
  CHECK(c == 0x20000);
  CHECK(e.call(sys::mmap, 0, 4096, prot_rw, anon_private, -1ull, 0) == -sys::enomem);
  CHECK(e.call(sys::brk, 0x21000) == 0x20000);  // the break cannot grow into mappings either
}

TEST_CASE("close and unknown syscalls", "[guest][syscalls]") {
  Env e;
  CHECK(e.call(sys::close, 0) == 0);
  CHECK(e.call(sys::close, 2) == 0);
  CHECK(e.call(sys::close, 3) == -sys::ebadf);
  CHECK(e.call(80) == -sys::enosys);  // fstat
  CHECK(e.call(29) == -sys::enosys);  // ioctl
  CHECK(e.call(12345) == -38);
  for (int i = 0; i < 32; ++i)
    if (i != 10) CHECK(e.x[static_cast<std::size_t>(i)] == (i == 17 ? 12345u : 0u));
}
