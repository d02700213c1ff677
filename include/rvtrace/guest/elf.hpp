#pragma once
// ELF64 RISC-V static executable loader. Input is untrusted: every field is validated and any problem
// is reported as one InputError line naming the file and what/where. Nothing here touches guest
// memory; see loader.hpp for placing a Program into a GuestMemory.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rvtrace/guest/fault.hpp"
#include "rvtrace/guest/files.hpp"
#include "rvtrace/guest/layout.hpp"

namespace rvtrace::guest {

struct Segment {
  std::uint64_t vaddr = 0, memsz = 0;
  std::vector<std::uint8_t> bytes;  // the file part (p_filesz bytes); the rest up to memsz is zero
  bool read = false, write = false, exec = false;
  AddrRange range() const { return {vaddr, vaddr + memsz}; }  // validated not to overflow
};

// A named, defined .symtab entry (functions, objects and plain labels; not section/file symbols).
struct Symbol {
  enum Type : std::uint8_t { notype = 0, object = 1, function = 2 };  // STT_* values
  std::string name;
  std::uint64_t value = 0, size = 0;
  Type type = notype;
  friend bool operator==(const Symbol&, const Symbol&) = default;
};

struct Program {
  std::string name;
  std::uint64_t entry = 0;
  std::vector<Segment> segments;  // PT_LOAD segments with memsz > 0, in file order
  std::uint64_t hash = 0;         // FNV-1a 64 of the whole file: ties trace files to programs
  std::vector<Symbol> symbols;    // from .symtab when present, in table order
  // For the auxiliary vector (AT_PHDR/AT_PHENT/AT_PHNUM):
  std::uint64_t phdr_vaddr = 0;  // guest address of the program headers; 0 when not loaded
  std::uint16_t phentsize = 0, phnum = 0;
};

// The largest executable span (lowest to highest executable address, gaps included) a program may
// have: every 2-byte slot of it is decoded (and translated by the AOT engine) before the run.
inline constexpr std::uint64_t max_exec_span = std::uint64_t{16} << 20;

// 64-bit FNV-1a.
inline std::uint64_t fnv1a64(std::span<const std::uint8_t> data) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::uint8_t b : data) h = (h ^ b) * 0x100000001b3ull;
  return h;
}

namespace elf_detail {

inline constexpr std::uint16_t et_rel = 1, et_exec = 2, et_dyn = 3, et_core = 4;
inline constexpr std::uint16_t em_riscv = 243;
inline constexpr std::uint32_t pt_load = 1, pt_dynamic = 2, pt_interp = 3;
inline constexpr std::uint32_t pf_x = 1, pf_w = 2, pf_r = 4;
inline constexpr std::uint32_t sht_symtab = 2, sht_strtab = 3;
inline constexpr std::uint32_t ef_riscv_float_abi = 0x6, ef_riscv_rve = 0x8;
inline constexpr std::uint64_t ehdr_size = 64, phdr_size = 56, shdr_size = 64, sym_size = 24;

// printf into a std::string (messages here are short, one line).
template <class... A>
std::string fmt(const char* f, A... a) {
  char buf[256];
  std::snprintf(buf, sizeof buf, f, a...);
  return buf;
}

inline const char* machine_name(std::uint16_t m) {
  switch (m) {
    case 3: return "i386";
    case 8: return "MIPS";
    case 20: return "PowerPC";
    case 21: return "PowerPC64";
    case 40: return "ARM";
    case 62: return "x86-64";
    case 183: return "AArch64";
    case 243: return "RISC-V";
    default: return "unknown";
  }
}

inline const char* type_name(std::uint16_t t) {
  switch (t) {
    case et_rel: return "ET_REL, a relocatable object file";
    case et_exec: return "ET_EXEC";
    case et_dyn: return "ET_DYN, a shared object or PIE; link with -static -no-pie";
    case et_core: return "ET_CORE, a core dump";
    default: return "unknown";
  }
}

// Little-endian field access into the file. Every caller checks bounds first with in_file().
class Bytes {
 public:
  Bytes(std::span<const std::uint8_t> file, std::string_view name) : file_(file), name_(name) {}

  std::uint64_t size() const { return file_.size(); }
  bool in_file(std::uint64_t off, std::uint64_t len) const {
    return range_within(off, len, 0, file_.size());
  }
  template <class T>
  T get(std::uint64_t off) const {
    T v;
    std::memcpy(&v, file_.data() + off, sizeof v);  // host is little-endian x86_64, as is the file
    return v;
  }
  std::span<const std::uint8_t> sub(std::uint64_t off, std::uint64_t len) const {
    return file_.subspan(off, len);
  }

  // Throw "<file>: <message>".
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(std::string(name_) + ": " + what);
  }

 private:
  std::span<const std::uint8_t> file_;
  std::string_view name_;
};

// Reads .symtab/.strtab when present and well-formed. Symbols are a debugging aid, so anything odd
// here leaves the list empty instead of rejecting the program.
inline std::vector<Symbol> read_symbols(const Bytes& f) {
  std::vector<Symbol> out;
  auto shoff = f.get<std::uint64_t>(0x28);
  auto shentsize = f.get<std::uint16_t>(0x3a);
  auto shnum = f.get<std::uint16_t>(0x3c);
  if (shoff == 0 || shnum == 0 || shentsize != shdr_size || !f.in_file(shoff, shnum * shdr_size))
    return out;
  auto shdr = [&](std::uint64_t i) { return shoff + i * shdr_size; };
  for (std::uint64_t i = 0; i < shnum; ++i) {
    if (f.get<std::uint32_t>(shdr(i) + 4) != sht_symtab) continue;
    std::uint64_t sym_off = f.get<std::uint64_t>(shdr(i) + 0x18);
    std::uint64_t sym_len = f.get<std::uint64_t>(shdr(i) + 0x20);
    std::uint32_t link = f.get<std::uint32_t>(shdr(i) + 0x28);
    if (link >= shnum || f.get<std::uint32_t>(shdr(link) + 4) != sht_strtab) return out;
    std::uint64_t str_off = f.get<std::uint64_t>(shdr(link) + 0x18);
    std::uint64_t str_len = f.get<std::uint64_t>(shdr(link) + 0x20);
    if (!f.in_file(sym_off, sym_len) || !f.in_file(str_off, str_len)) return out;
    auto strtab = f.sub(str_off, str_len);
    for (std::uint64_t s = sym_off; s + sym_size <= sym_off + sym_len; s += sym_size) {
      auto name_idx = f.get<std::uint32_t>(s);
      auto type = f.get<std::uint8_t>(s + 4) & 0xf;
      auto shndx = f.get<std::uint16_t>(s + 6);
      // Named, defined objects, functions and plain labels; skip section/file symbols.
      if (name_idx == 0 || name_idx >= strtab.size() || shndx == 0 || type > 2) continue;
      auto name = strtab.subspan(name_idx);
      auto nul = std::find(name.begin(), name.end(), std::uint8_t{0});
      if (nul == name.end()) continue;  // unterminated name
      out.push_back(Symbol{std::string(name.begin(), nul), f.get<std::uint64_t>(s + 8),
                           f.get<std::uint64_t>(s + 16), static_cast<Symbol::Type>(type)});
    }
    return out;  // only one .symtab per file
  }
  return out;
}

}  // namespace elf_detail

// Parses and validates a static ELF64 RISC-V executable. Segments must fit below the stack region of
// a guest memory of `guest_size` bytes (see layout.hpp). Throws InputError.
inline Program load_elf(std::span<const std::uint8_t> file, std::string_view name_for_errors,
                        std::uint64_t guest_size = default_guest_size) {
  using namespace elf_detail;
  const Bytes f(file, name_for_errors);
  using ull = unsigned long long;

  // --- ELF header ---
  static constexpr std::uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};
  if (f.size() < 4 || std::memcmp(file.data(), magic, 4) != 0) f.fail("not an ELF file (bad magic)");
  if (f.size() < ehdr_size)
    f.fail(fmt("truncated ELF header (file is %llu bytes, need %llu)", (ull)f.size(), (ull)ehdr_size));
  if (auto c = file[4]; c != 2)
    f.fail(fmt("ELF class %u%s is not supported (need ELF64)", c, c == 1 ? " (ELF32)" : ""));
  if (auto d = file[5]; d != 1)
    f.fail(fmt("data encoding %u%s is not supported (need little-endian)", d,
               d == 2 ? " (big-endian)" : ""));
  if (file[6] != 1 || f.get<std::uint32_t>(0x14) != 1)
    f.fail(fmt("unsupported ELF version %u/%u (need 1)", file[6], f.get<std::uint32_t>(0x14)));
  if (auto m = f.get<std::uint16_t>(0x12); m != em_riscv)
    f.fail(fmt("machine %u (%s) is not RISC-V (243)", m, machine_name(m)));
  if (auto t = f.get<std::uint16_t>(0x10); t != et_exec)
    f.fail(fmt("not an executable (type %s)", type_name(t)));
  if (auto flags = f.get<std::uint32_t>(0x30); flags & (ef_riscv_float_abi | ef_riscv_rve))
    f.fail(fmt("e_flags 0x%x: %s ABI is not supported (need RV64 soft-float lp64, -mabi=lp64)",
               flags, flags & ef_riscv_rve ? "the RV64E" : "a hardware floating-point"));

  Program p;
  p.name = std::string(name_for_errors);
  p.entry = f.get<std::uint64_t>(0x18);
  const auto phoff = f.get<std::uint64_t>(0x20);
  p.phentsize = f.get<std::uint16_t>(0x36);
  p.phnum = f.get<std::uint16_t>(0x38);
  if (p.phentsize != phdr_size)
    f.fail(fmt("program header size %u is not %llu", p.phentsize, (ull)phdr_size));
  if (p.phnum == 0) f.fail("no program headers");
  if (p.phnum == 0xffff) f.fail("more than 65534 program headers (PN_XNUM) is not supported");

  // --- program headers ---
  const std::uint64_t limit = stack_bottom(guest_size);
  std::vector<std::uint64_t> seg_offset;  // file offset of each segment, for locating the phdrs
  std::vector<unsigned> seg_phdr;         // program header index of each segment, for messages
  for (unsigned i = 0; i < p.phnum; ++i) {
    const std::uint64_t h = phoff + std::uint64_t{i} * phdr_size;  // phoff checked before use
    if (!range_within(phoff, std::uint64_t{i + 1} * phdr_size, 0, f.size()))
      f.fail(fmt("program header %u extends past end of file (offset 0x%llx, file size 0x%llx)", i,
                 (ull)phoff + i * phdr_size, (ull)f.size()));
    const auto type = f.get<std::uint32_t>(h);
    if (type == pt_dynamic || type == pt_interp)
      f.fail(fmt("dynamically linked programs are not supported (program header %u is %s; link "
                 "with -static)", i, type == pt_interp ? "PT_INTERP" : "PT_DYNAMIC"));
    if (type != pt_load) continue;  // PT_NOTE, PT_GNU_STACK, PT_TLS, PT_RISCV_ATTRIBUTES, ...

    const auto flags = f.get<std::uint32_t>(h + 4);
    const auto offset = f.get<std::uint64_t>(h + 8);
    const auto vaddr = f.get<std::uint64_t>(h + 0x10);
    const auto filesz = f.get<std::uint64_t>(h + 0x20);
    const auto memsz = f.get<std::uint64_t>(h + 0x28);
    const std::string where = fmt("program header %u (PT_LOAD at 0x%llx)", i, (ull)vaddr);
    if (!f.in_file(offset, filesz))
      f.fail(fmt("%s: data (offset 0x%llx, size 0x%llx) extends past end of file (size 0x%llx)",
                 where.c_str(), (ull)offset, (ull)filesz, (ull)f.size()));
    if (filesz > memsz)
      f.fail(fmt("%s: file size 0x%llx is larger than memory size 0x%llx", where.c_str(),
                 (ull)filesz, (ull)memsz));
    if (memsz == 0) continue;  // occupies nothing
    if (!range_within(vaddr, memsz, 0, limit))
      f.fail(fmt("%s: segment [0x%llx, +0x%llx) lies outside guest memory (programs must fit in "
                 "[0x0, 0x%llx))", where.c_str(), (ull)vaddr, (ull)memsz, (ull)limit));
    if ((flags & pf_w) && (flags & pf_x))
      f.fail(fmt("%s: segment is both writable and executable; text must be read-only (do not "
                 "link with -N/--omagic)", where.c_str()));
    Segment s;
    s.vaddr = vaddr;
    s.memsz = memsz;
    s.bytes.assign(file.begin() + offset, file.begin() + offset + filesz);
    s.read = flags & pf_r;
    s.write = flags & pf_w;
    s.exec = flags & pf_x;
    p.segments.push_back(std::move(s));
    seg_offset.push_back(offset);
    seg_phdr.push_back(i);
  }
  if (p.segments.empty()) f.fail("no loadable (PT_LOAD) segments");

  // --- segments: no overlap (exact ranges), executable code present, entry inside it ---
  std::vector<std::size_t> order(p.segments.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](auto a, auto b) { return p.segments[a].vaddr < p.segments[b].vaddr; });
  for (std::size_t k = 1; k < order.size(); ++k) {
    const auto a = order[k - 1], b = order[k];
    const AddrRange ra = p.segments[a].range(), rb = p.segments[b].range();
    if (rb.lo < ra.hi) {
      const auto [first, second] = std::minmax(a, b);  // report in file order
      const AddrRange r1 = p.segments[first].range(), r2 = p.segments[second].range();
      f.fail(fmt("segment %zu (program header %u) [0x%llx, 0x%llx) overlaps segment %zu (program "
                 "header %u) [0x%llx, 0x%llx)", second, seg_phdr[second], (ull)r2.lo, (ull)r2.hi,
                 first, seg_phdr[first], (ull)r1.lo, (ull)r1.hi));
    }
  }
  if (std::none_of(p.segments.begin(), p.segments.end(), [](auto& s) { return s.exec; }))
    f.fail("no executable segment");
  if (std::none_of(p.segments.begin(), p.segments.end(),
                   [&](auto& s) { return s.exec && s.range().contains(p.entry); }))
    f.fail(fmt("entry 0x%llx is not inside an executable segment", (ull)p.entry));
  if (p.entry % 2 != 0) f.fail(fmt("entry 0x%llx is not 2-byte aligned", (ull)p.entry));

  // Decoding and translation cost memory and time per 2-byte slot of the executable span (from the
  // lowest executable byte to the highest, gaps included), before the first step: bound it.
  std::uint64_t exec_lo = ~std::uint64_t{0}, exec_hi = 0;
  for (const Segment& s : p.segments)
    if (s.exec) exec_lo = std::min(exec_lo, s.vaddr), exec_hi = std::max(exec_hi, s.vaddr + s.memsz);
  if (exec_hi - exec_lo > max_exec_span)
    f.fail(fmt("executable span [0x%llx, 0x%llx) is %llu KiB, more than the limit of %llu KiB (max_exec_span)",
               (ull)exec_lo, (ull)exec_hi, (ull)((exec_hi - exec_lo) >> 10), (ull)(max_exec_span >> 10)));

  // AT_PHDR: where the program headers appear in guest memory, if a segment maps them.
  const std::uint64_t phdr_bytes = std::uint64_t{p.phnum} * phdr_size;
  for (std::size_t i = 0; i < p.segments.size(); ++i)
    if (range_within(phoff, phdr_bytes, seg_offset[i], seg_offset[i] + p.segments[i].bytes.size()))
      p.phdr_vaddr = p.segments[i].vaddr + (phoff - seg_offset[i]);

  p.symbols = read_symbols(f);
  p.hash = fnv1a64(file);
  return p;
}

// Reads `path` and loads it with load_elf; errors name the path.
inline Program load_elf_file(const std::string& path,
                             std::uint64_t guest_size = default_guest_size) {
  auto fail = [&](const std::string& what) { throw InputError(path + ": " + what); };
  struct stat st {};
  const int fd = open_regular_file(path, "program", st);
  std::vector<std::uint8_t> bytes;
  std::string error;
  {
    bytes.resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) error = std::string("read error: ") + std::strerror(errno);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    bytes.resize(done);  // the file may have shrunk meanwhile; validation sees what was read
  }
  ::close(fd);
  if (!error.empty()) fail(error);
  return load_elf(bytes, path, guest_size);
}

}  // namespace rvtrace::guest
