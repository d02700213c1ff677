#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "elf_builder.hpp"
#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/loader.hpp"
#include "rvtrace/guest/memory.hpp"
#include "rvtrace/guest/stack.hpp"

using namespace rvtrace::guest;
using Catch::Matchers::Contains;

TEST_CASE("range_within never overflows", "[guest][memory]") {
  constexpr auto max = ~std::uint64_t{0};
  STATIC_REQUIRE(range_within(0, 10, 0, 10));
  STATIC_REQUIRE(!range_within(1, 10, 0, 10));
  STATIC_REQUIRE(range_within(10, 0, 0, 10));
  STATIC_REQUIRE(!range_within(max, 2, 0, max));
  STATIC_REQUIRE(!range_within(2, max, 0, max));
  STATIC_REQUIRE(!range_within(4, 1, 5, 10));
  STATIC_REQUIRE(page_up(1) == 4096);
  STATIC_REQUIRE(page_up(4096) == 4096);
  STATIC_REQUIRE(page_up(max) == (max & ~std::uint64_t{4095}));
}

TEST_CASE("guest memory bounds at the edges", "[guest][memory]") {
  GuestMemory mem;  // default 4 GiB
  const std::uint64_t size = mem.size();
  REQUIRE(size == std::uint64_t{4} << 30);
  REQUIRE(mem.host(0) == mem.host_base());

  mem.set_windows(0x10000, 0x12000);
  CHECK(mem.read_lo() == 0x10000);
  CHECK(mem.write_lo() == 0x12000);

  // Readable window [read_lo, size).
  CHECK(mem.readable(size - 1, 1));
  CHECK(mem.readable(size - 8, 8));
  CHECK_FALSE(mem.readable(size - 7, 8));  // crosses the end
  CHECK_FALSE(mem.readable(size, 1));
  CHECK(mem.readable(0x10000, 8));
  CHECK_FALSE(mem.readable(0xffff, 1));
  CHECK_FALSE(mem.readable(0xffff, 2));  // starts below the window
  CHECK_FALSE(mem.readable(~std::uint64_t{0}, 2));  // wraps around
  CHECK_FALSE(mem.readable(0, 1));                  // the null page

  // Writable window [write_lo, size).
  CHECK_FALSE(mem.writable(0x11fff, 1));
  CHECK_FALSE(mem.writable(0x11ffc, 8));  // straddles write_lo
  CHECK(mem.writable(0x12000, 1));
  CHECK(mem.writable(size - 4, 4));
  CHECK_FALSE(mem.writable(size - 4, 8));
  CHECK(mem.readable(0x11fff, 1));  // text is readable, not writable

  REQUIRE_THROWS(mem.set_windows(0x2000, 0x1000));
  REQUIRE_THROWS(mem.set_windows(0, size + 1));
}

TEST_CASE("misaligned accesses round-trip; copies are checked", "[guest][memory]") {
  GuestMemory mem(64 << 20);
  mem.set_windows(0x1000, 0x2000);
  for (std::uint64_t addr : {std::uint64_t{0x3001}, std::uint64_t{0x3003}, std::uint64_t{0x3ffd}}) {
    mem.write<std::uint64_t>(addr, 0x1122334455667788ull);
    CHECK(mem.read<std::uint64_t>(addr) == 0x1122334455667788ull);
    CHECK(mem.read<std::uint32_t>(addr + 1) == 0x44556677u);
    CHECK(mem.read<std::uint8_t>(addr) == 0x88);
    mem.write<std::uint16_t>(addr + 7, 0xabcd);
    CHECK(mem.read<std::uint8_t>(addr + 7) == 0xcd);
    CHECK(mem.read<std::uint8_t>(addr + 8) == 0xab);
  }

  std::array<std::uint8_t, 4> in{1, 2, 3, 4}, out{};
  CHECK(mem.copy_in(0x5000, in));
  CHECK(mem.copy_out(0x5000, out));
  CHECK(out == in);
  CHECK_FALSE(mem.copy_in(0x1ffe, in));  // into read-only memory
  CHECK(mem.copy_out(0x1ffe, out));      // but readable
  CHECK_FALSE(mem.copy_out(0xffe, out));
  CHECK_FALSE(mem.copy_out(mem.size() - 2, out));
  CHECK_FALSE(mem.copy_in(mem.size() - 2, in));

  // zero(): partial pages and whole pages.
  for (std::uint64_t a = 0x6000; a < 0x9000; a += 8) mem.write<std::uint64_t>(a, ~0ull);
  mem.zero(0x6003, 0x2ffa);
  CHECK(mem.read<std::uint8_t>(0x6002) == 0xff);
  CHECK(mem.read<std::uint8_t>(0x6003) == 0);
  CHECK(mem.read<std::uint64_t>(0x7000) == 0);
  CHECK(mem.read<std::uint8_t>(0x8ffc) == 0);
  CHECK(mem.read<std::uint8_t>(0x8ffd) == 0xff);
  REQUIRE_THROWS(mem.zero(mem.size() - 1, 2));
}

TEST_CASE("guest memory is movable", "[guest][memory]") {
  GuestMemory a(64 << 20);
  a.write<std::uint32_t>(0x100, 42);
  a.set_windows(0x100, 0x200);
  std::uint8_t* base = a.host_base();
  GuestMemory b(std::move(a));
  CHECK(b.host_base() == base);
  CHECK(b.read<std::uint32_t>(0x100) == 42);
  CHECK(b.write_lo() == 0x200);
  CHECK(a.host_base() == nullptr);
  GuestMemory c(32 << 20);
  c = std::move(b);
  CHECK(c.host_base() == base);
  CHECK(c.size() == (64 << 20));
  REQUIRE_THROWS(GuestMemory(1000));  // not page-sized, too small for the stack
}

TEST_CASE("map_program places segments and sets the windows", "[guest][loader]") {
  using namespace test_elf;
  auto b = valid();
  Program p = load_elf(b, "prog.elf");
  GuestMemory mem;
  mem.write<std::uint64_t>(0x11100, ~0ull);  // bss must come out zero
  LoadedImage img = map_program(p, mem);
  CHECK(img.read_lo == 0x10000);
  CHECK(img.write_lo == 0x10010);
  CHECK(mem.read_lo() == 0x10000);
  CHECK(mem.write_lo() == 0x10010);
  REQUIRE(img.text.size() == 1);
  CHECK(img.text[0] == AddrRange{0x10000, 0x10010});
  CHECK(img.brk_start == 0x12000);
  CHECK(mem.read<std::uint32_t>(0x10000) == 0x00700513u);
  CHECK(mem.read<std::uint64_t>(0x11000) == 0x0807060504030201ull);
  CHECK(mem.read<std::uint64_t>(0x11100) == 0);
  CHECK_FALSE(mem.writable(0x1000f, 1));
  CHECK(mem.writable(0x11000, 8));

  SECTION("a writable segment below the text is rejected") {
    auto segs = default_segments();
    segs[1].vaddr = 0x8000;
    Program q = load_elf(build(0x10000, segs), "low.elf");
    GuestMemory m2(64 << 20);
    REQUIRE_THROWS_WITH(map_program(q, m2),
                        Contains("low.elf: unsupported layout: writable segment below read-only "
                                 "segment at 0x8000"));
  }
  SECTION("a segment that fits 4 GiB but not a smaller memory") {
    auto segs = default_segments();
    segs[1].vaddr = 0x10000000;
    Program q = load_elf(build(0x10000, segs), "big.elf");
    GuestMemory m2(64 << 20);
    REQUIRE_THROWS_WITH(map_program(q, m2), Contains("big.elf: segment [0x10000000"));
  }
}

TEST_CASE("setup_stack builds argc/argv/envp/auxv", "[guest][stack]") {
  Program p = load_elf(test_elf::valid(), "prog.elf");
  GuestMemory mem;
  map_program(p, mem);
  std::vector<std::string> argv{"prog", "hello world"}, envp{"A=1"};
  const std::uint64_t sp = setup_stack(mem, p, argv, envp);
  CHECK(sp % 16 == 0);
  CHECK(sp < stack_top(mem.size()));
  CHECK(sp > stack_top(mem.size()) - 4096);

  auto word = [&](std::uint64_t i) { return mem.read<std::uint64_t>(sp + 8 * i); };
  auto str = [&](std::uint64_t a) { return std::string(reinterpret_cast<const char*>(mem.host(a))); };
  CHECK(word(0) == 2);
  CHECK(str(word(1)) == "prog");
  CHECK(str(word(2)) == "hello world");
  CHECK(word(3) == 0);
  CHECK(str(word(4)) == "A=1");
  CHECK(word(5) == 0);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> aux;
  for (std::uint64_t i = 6; word(i) != 0; i += 2) aux.emplace_back(word(i), word(i + 1));
  auto get = [&](std::uint64_t key) {
    for (auto [k, v] : aux)
      if (k == key) return v;
    FAIL("auxv key " << key << " missing");
    return std::uint64_t{0};
  };
  CHECK(get(auxv::at_pagesz) == 4096);
  CHECK(get(auxv::at_entry) == 0x10000);
  CHECK(get(auxv::at_phnum) == 2);
  CHECK(get(auxv::at_phent) == 56);
  CHECK(get(auxv::at_secure) == 0);
  std::array<std::uint8_t, 16> rnd{};
  REQUIRE(mem.copy_out(get(auxv::at_random), rnd));
  CHECK(rnd == auxv::random_bytes);

  // Deterministic: the same inputs give the same stack.
  GuestMemory mem2;
  map_program(p, mem2);
  CHECK(setup_stack(mem2, p, argv, envp) == sp);

  std::vector<std::string> huge{std::string(stack_reserve, 'x')};
  REQUIRE_THROWS_WITH(setup_stack(mem2, p, huge, {}),
                      Contains("prog.elf: arguments and environment do not fit"));
}
