#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "elf_builder.hpp"
#include "rvtrace/guest/elf.hpp"

using namespace rvtrace::guest;
using namespace test_elf;
using Catch::Matchers::Contains;

namespace {
Program load(const std::vector<std::uint8_t>& b) { return load_elf(b, "prog.elf"); }
}  // namespace

// Every message names the file first.
#define REQUIRE_ELF_ERROR(image, text) \
  REQUIRE_THROWS_WITH(load(image), Contains("prog.elf: ") && Contains(text))

TEST_CASE("a valid image loads with its segments, entry, hash and symbols", "[guest][elf]") {
  auto b = valid({{"_start", 0x10000, 12}, {"counter", 0x11000}});
  Program p = load(b);
  CHECK(p.name == "prog.elf");
  CHECK(p.entry == 0x10000);
  REQUIRE(p.segments.size() == 2);
  CHECK(p.segments[0].vaddr == 0x10000);
  CHECK(p.segments[0].bytes == exit7_code());
  CHECK((p.segments[0].read && p.segments[0].exec && !p.segments[0].write));
  CHECK(p.segments[1].memsz == 0x108);
  CHECK(p.segments[1].bytes.size() == 8);
  CHECK((p.segments[1].read && p.segments[1].write && !p.segments[1].exec));
  CHECK(p.phnum == 2);
  CHECK(p.phentsize == 56);
  CHECK(p.phdr_vaddr == 0);  // the headers are not inside a loaded segment here
  CHECK(p.hash == fnv1a64(b));
  REQUIRE(p.symbols.size() == 2);
  CHECK(p.symbols[0] == rvtrace::guest::Symbol{"_start", 0x10000, 12, rvtrace::guest::Symbol::function});
  CHECK(p.symbols[1] == rvtrace::guest::Symbol{"counter", 0x11000, 0, rvtrace::guest::Symbol::function});

  auto changed = b;
  changed.back() ^= 1;
  CHECK(load(changed).hash != p.hash);
}

TEST_CASE("section headers are optional and never fatal", "[guest][elf]") {
  CHECK(load(valid()).symbols.empty());
  auto b = valid({{"_start", 0x10000}});
  poke<std::uint64_t>(b, 0x28, 0xffff'ffff'ffff'fff0ull);  // e_shoff far past the end
  CHECK(load(b).symbols.empty());
}

TEST_CASE("ELF header fields are validated", "[guest][elf]") {
  auto b = valid();
  SECTION("bad magic") {
    b[1] = 'X';
    REQUIRE_ELF_ERROR(b, "not an ELF file (bad magic)");
  }
  SECTION("text file") {
    std::string text = "#!/bin/sh\necho hello\n";
    REQUIRE_ELF_ERROR(std::vector<std::uint8_t>(text.begin(), text.end()), "bad magic");
  }
  SECTION("empty file") { REQUIRE_ELF_ERROR(std::vector<std::uint8_t>{}, "bad magic"); }
  SECTION("truncated header") {
    b.resize(40);
    REQUIRE_ELF_ERROR(b, "truncated ELF header");
  }
  SECTION("ELF32") {
    b[e_ident_class] = 1;
    REQUIRE_ELF_ERROR(b, "ELF class 1 (ELF32) is not supported (need ELF64)");
  }
  SECTION("big endian") {
    b[e_ident_data] = 2;
    REQUIRE_ELF_ERROR(b, "big-endian");
  }
  SECTION("x86-64") {
    poke<std::uint16_t>(b, e_machine, 62);
    REQUIRE_ELF_ERROR(b, "machine 62 (x86-64) is not RISC-V");
  }
  SECTION("shared object / PIE") {
    poke<std::uint16_t>(b, e_type, 3);
    REQUIRE_ELF_ERROR(b, "not an executable (type ET_DYN");
  }
  SECTION("relocatable object") {
    poke<std::uint16_t>(b, e_type, 1);
    REQUIRE_ELF_ERROR(b, "not an executable (type ET_REL");
  }
  SECTION("hard-float ABI") {
    poke<std::uint32_t>(b, e_flags, 0x5);  // RVC | double-float ABI
    REQUIRE_ELF_ERROR(b, "floating-point ABI is not supported");
  }
  SECTION("program header entry size") {
    poke<std::uint16_t>(b, e_phentsize, 32);
    REQUIRE_ELF_ERROR(b, "program header size 32");
  }
  SECTION("no program headers") {
    poke<std::uint16_t>(b, e_phnum, 0);
    REQUIRE_ELF_ERROR(b, "no program headers");
  }
  SECTION("program header table past end of file") {
    poke<std::uint64_t>(b, e_phoff, b.size() - 40);
    REQUIRE_ELF_ERROR(b, "program header 0 extends past end of file");
  }
  SECTION("second program header past end of file") {
    poke<std::uint16_t>(b, e_phnum, 1000);
    REQUIRE_ELF_ERROR(b, "extends past end of file");
  }
  SECTION("program header offset overflows") {
    poke<std::uint64_t>(b, e_phoff, ~std::uint64_t{0} - 8);
    REQUIRE_ELF_ERROR(b, "program header 0 extends past end of file");
  }
}

TEST_CASE("segments are validated", "[guest][elf]") {
  auto b = valid();
  SECTION("file size larger than memory size") {
    poke<std::uint64_t>(b, phdr(1) + p_memsz, 4);
    REQUIRE_ELF_ERROR(b, "program header 1 (PT_LOAD at 0x11000): file size 0x8 is larger than "
                         "memory size 0x4");
  }
  SECTION("data past end of file") {
    poke<std::uint64_t>(b, phdr(0) + p_offset, b.size() - 4);
    REQUIRE_ELF_ERROR(b, "program header 0 (PT_LOAD at 0x10000): data (offset");
    REQUIRE_ELF_ERROR(b, "extends past end of file");
  }
  SECTION("offset + filesz overflows") {
    poke<std::uint64_t>(b, phdr(0) + p_offset, ~std::uint64_t{0} - 4);
    REQUIRE_ELF_ERROR(b, "extends past end of file");
  }
  SECTION("vaddr + memsz overflows") {
    poke<std::uint64_t>(b, phdr(1) + p_vaddr, ~std::uint64_t{0} - 0x10);
    REQUIRE_ELF_ERROR(b, "lies outside guest memory");
  }
  SECTION("huge memsz") {
    poke<std::uint64_t>(b, phdr(1) + p_memsz, ~std::uint64_t{0});
    REQUIRE_ELF_ERROR(b, "program header 1 (PT_LOAD at 0x11000): segment [0x11000, "
                         "+0xffffffffffffffff) lies outside guest memory");
  }
  SECTION("segment above 4 GiB") {
    poke<std::uint64_t>(b, phdr(1) + p_vaddr, std::uint64_t{1} << 32);
    REQUIRE_ELF_ERROR(b, "lies outside guest memory");
  }
  SECTION("segment in the stack region") {
    poke<std::uint64_t>(b, phdr(1) + p_vaddr, (std::uint64_t{4} << 30) - 0x20000);
    REQUIRE_ELF_ERROR(b, "lies outside guest memory");
  }
  SECTION("overlapping segments (exact ranges, not page-rounded)") {
    poke<std::uint64_t>(b, phdr(1) + p_vaddr, 0x1000f);  // one byte into the 16-byte text
    REQUIRE_ELF_ERROR(b, "segment 1 (program header 1) [0x1000f, 0x10117) overlaps segment 0 "
                         "(program header 0) [0x10000, 0x10010)");
  }
  SECTION("adjacent segments are fine") {
    poke<std::uint64_t>(b, phdr(1) + p_vaddr, 0x10010);
    CHECK(load(b).segments.size() == 2);
  }
  SECTION("writable and executable") {
    poke<std::uint32_t>(b, phdr(0) + p_flags, 7);
    REQUIRE_ELF_ERROR(b, "both writable and executable");
  }
  SECTION("no executable segment") {
    poke<std::uint32_t>(b, phdr(0) + p_flags, 4);
    REQUIRE_ELF_ERROR(b, "no executable segment");
  }
  SECTION("entry outside the text") {
    poke<std::uint64_t>(b, e_entry, 0x11000);  // in the data segment
    REQUIRE_ELF_ERROR(b, "entry 0x11000 is not inside an executable segment");
  }
  SECTION("entry just past the text") {
    poke<std::uint64_t>(b, e_entry, 0x10010);
    REQUIRE_ELF_ERROR(b, "entry 0x10010 is not inside an executable segment");
  }
  SECTION("misaligned entry") {
    poke<std::uint64_t>(b, e_entry, 0x10001);
    REQUIRE_ELF_ERROR(b, "not 2-byte aligned");
  }
  SECTION("dynamically linked") {
    poke<std::uint32_t>(b, phdr(1) + p_type, 3);  // PT_INTERP
    REQUIRE_ELF_ERROR(b, "dynamically linked programs are not supported");
  }
  SECTION("non-LOAD headers are skipped") {
    poke<std::uint32_t>(b, phdr(1) + p_type, 0x70000003);  // PT_RISCV_ATTRIBUTES
    poke<std::uint64_t>(b, phdr(1) + p_offset, ~std::uint64_t{0});  // not even looked at
    CHECK(load(b).segments.size() == 1);
  }
  SECTION("no PT_LOAD at all") {
    poke<std::uint32_t>(b, phdr(0) + p_type, 4);  // PT_NOTE
    poke<std::uint32_t>(b, phdr(1) + p_type, 4);
    REQUIRE_ELF_ERROR(b, "no loadable (PT_LOAD) segments");
  }
}

TEST_CASE("program headers inside a loaded segment give AT_PHDR", "[guest][elf]") {
  // One text segment mapping the whole file from offset 0, as ld does for the first segment.
  auto b = build(0x10000, {SegSpec{1, 5, 0x10000, std::vector<std::uint8_t>(0x100, 0), 0}});
  poke<std::uint64_t>(b, phdr(0) + p_offset, 0);
  poke<std::uint64_t>(b, phdr(0) + p_filesz, b.size());
  poke<std::uint64_t>(b, phdr(0) + p_memsz, b.size());
  poke<std::uint64_t>(b, e_entry, 0x10080);
  CHECK(load(b).phdr_vaddr == 0x10040);
}

TEST_CASE("host executables and files on disk", "[guest][elf]") {
  SECTION("a truncated x86-64 /bin/true is not RISC-V") {
    std::ifstream in("/bin/true", std::ios::binary);
    if (!in) return;  // no /bin/true on this host
    std::vector<std::uint8_t> head(256);
    in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    REQUIRE_THROWS_WITH(load_elf(head, "/bin/true"),
                        Contains("/bin/true: machine 62 (x86-64) is not RISC-V"));
  }
  SECTION("load_elf_file names the path") {
    REQUIRE_THROWS_WITH(load_elf_file("/nonexistent/prog.elf"),
                        Contains("/nonexistent/prog.elf: cannot open"));
    char name[] = "/tmp/rvtrace_test_elf_XXXXXX";
    int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    auto b = valid();
    REQUIRE(write(fd, b.data(), b.size()) == static_cast<ssize_t>(b.size()));
    close(fd);
    Program p = load_elf_file(name);
    CHECK(p.name == name);
    CHECK(p.hash == fnv1a64(b));
    std::remove(name);
    REQUIRE_THROWS_WITH(load_elf_file("/tmp"), Contains("/tmp: not a regular file"));
  }
}
