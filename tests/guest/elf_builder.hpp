#pragma once
// Builds small ELF64 RISC-V executables in memory, so tests can corrupt one field at a time.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace test_elf {

struct SegSpec {
  std::uint32_t type = 1;  // PT_LOAD
  std::uint32_t flags = 5;  // PF_R | PF_X
  std::uint64_t vaddr = 0;
  std::vector<std::uint8_t> data;  // p_filesz bytes
  std::uint64_t memsz = 0;         // 0: same as data.size()
};

// Field offsets, for corrupting images.
inline constexpr std::size_t e_ident_class = 4, e_ident_data = 5, e_type = 0x10, e_machine = 0x12,
                             e_entry = 0x18, e_phoff = 0x20, e_flags = 0x30, e_phentsize = 0x36,
                             e_phnum = 0x38;
inline constexpr std::size_t p_type = 0, p_flags = 4, p_offset = 8, p_vaddr = 0x10, p_filesz = 0x20,
                             p_memsz = 0x28;
inline std::size_t phdr(std::size_t i) { return 64 + 56 * i; }

template <class T>
void poke(std::vector<std::uint8_t>& b, std::size_t off, T v) {
  if (b.size() < off + sizeof v) b.resize(off + sizeof v);
  std::memcpy(b.data() + off, &v, sizeof v);
}
template <class T>
T peek(const std::vector<std::uint8_t>& b, std::size_t off) {
  T v;
  std::memcpy(&v, b.data() + off, sizeof v);
  return v;
}

struct Symbol {
  std::string name;
  std::uint64_t value;
  std::uint64_t size = 0;
};

// ELF header, program headers right after it, then each segment's data (16-byte aligned), then
// optionally .strtab, .symtab and a section header table [null, .symtab, .strtab].
inline std::vector<std::uint8_t> build(std::uint64_t entry, const std::vector<SegSpec>& segs,
                                       const std::vector<Symbol>& symbols = {}) {
  std::vector<std::uint8_t> b(64 + 56 * segs.size(), 0);
  const std::uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
  std::memcpy(b.data(), ident, sizeof ident);
  poke<std::uint16_t>(b, e_type, 2);       // ET_EXEC
  poke<std::uint16_t>(b, e_machine, 243);  // EM_RISCV
  poke<std::uint32_t>(b, 0x14, 1);         // e_version
  poke<std::uint64_t>(b, e_entry, entry);
  poke<std::uint64_t>(b, e_phoff, 64);
  poke<std::uint32_t>(b, e_flags, 1);  // EF_RISCV_RVC, soft-float
  poke<std::uint16_t>(b, 0x34, 64);    // e_ehsize
  poke<std::uint16_t>(b, e_phentsize, 56);
  poke<std::uint16_t>(b, e_phnum, static_cast<std::uint16_t>(segs.size()));
  for (std::size_t i = 0; i < segs.size(); ++i) {
    b.resize((b.size() + 15) & ~std::size_t{15});
    const auto& s = segs[i];
    poke<std::uint32_t>(b, phdr(i) + p_type, s.type);
    poke<std::uint32_t>(b, phdr(i) + p_flags, s.flags);
    poke<std::uint64_t>(b, phdr(i) + p_offset, b.size());
    poke<std::uint64_t>(b, phdr(i) + p_vaddr, s.vaddr);
    poke<std::uint64_t>(b, phdr(i) + 0x18, s.vaddr);  // p_paddr
    poke<std::uint64_t>(b, phdr(i) + p_filesz, s.data.size());
    poke<std::uint64_t>(b, phdr(i) + p_memsz, s.memsz ? s.memsz : s.data.size());
    poke<std::uint64_t>(b, phdr(i) + 0x30, 16);  // p_align
    b.insert(b.end(), s.data.begin(), s.data.end());
  }
  if (!symbols.empty()) {
    std::vector<std::uint8_t> strtab{0}, symtab(24, 0);  // both start with a null entry
    for (const auto& s : symbols) {
      std::vector<std::uint8_t> sym(24, 0);
      poke<std::uint32_t>(sym, 0, static_cast<std::uint32_t>(strtab.size()));
      sym[4] = 0x12;                     // STB_GLOBAL, STT_FUNC
      poke<std::uint16_t>(sym, 6, 1);    // defined in some section
      poke<std::uint64_t>(sym, 8, s.value);
      poke<std::uint64_t>(sym, 16, s.size);
      symtab.insert(symtab.end(), sym.begin(), sym.end());
      strtab.insert(strtab.end(), s.name.begin(), s.name.end());
      strtab.push_back(0);
    }
    const std::uint64_t str_off = b.size();
    b.insert(b.end(), strtab.begin(), strtab.end());
    b.resize((b.size() + 7) & ~std::size_t{7});
    const std::uint64_t sym_off = b.size();
    b.insert(b.end(), symtab.begin(), symtab.end());
    const std::uint64_t sh_off = b.size();
    b.resize(sh_off + 3 * 64, 0);
    auto sh = [&](std::size_t i) { return sh_off + 64 * i; };
    poke<std::uint32_t>(b, sh(1) + 4, 2);  // SHT_SYMTAB
    poke<std::uint64_t>(b, sh(1) + 0x18, sym_off);
    poke<std::uint64_t>(b, sh(1) + 0x20, symtab.size());
    poke<std::uint32_t>(b, sh(1) + 0x28, 2);  // sh_link -> .strtab
    poke<std::uint64_t>(b, sh(1) + 0x38, 24);
    poke<std::uint32_t>(b, sh(2) + 4, 3);  // SHT_STRTAB
    poke<std::uint64_t>(b, sh(2) + 0x18, str_off);
    poke<std::uint64_t>(b, sh(2) + 0x20, strtab.size());
    poke<std::uint64_t>(b, 0x28, sh_off);  // e_shoff
    poke<std::uint16_t>(b, 0x3a, 64);      // e_shentsize
    poke<std::uint16_t>(b, 0x3c, 3);       // e_shnum
  }
  return b;
}

// li a0, 7; li a7, 93; ecall  (exit(7)), as a 16-byte text segment.
inline std::vector<std::uint8_t> exit7_code() {
  std::vector<std::uint8_t> c;
  for (std::uint32_t w : {0x00700513u, 0x05d00893u, 0x00000073u, 0x00000013u})
    for (int k = 0; k < 4; ++k) c.push_back(static_cast<std::uint8_t>(w >> (8 * k)));
  return c;
}

// A valid two-segment program: text R+X at 0x10000, data R+W at 0x11000 with 0x100 bytes of bss.
inline std::vector<SegSpec> default_segments() {
  return {SegSpec{1, 5, 0x10000, exit7_code(), 0},
          SegSpec{1, 6, 0x11000, {1, 2, 3, 4, 5, 6, 7, 8}, 0x108}};
}
inline std::vector<std::uint8_t> valid(const std::vector<Symbol>& symbols = {}) {
  return build(0x10000, default_segments(), symbols);
}

}  // namespace test_elf
