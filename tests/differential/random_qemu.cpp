// Random-instruction differential test: random RV64IMAC sequences (random_program.hpp) run on the
// rvtrace interpreter and under qemu-riscv64 as a tiny ELF; the final registers x1..x31 and the
// scratch memory both dump to stdout must agree byte for byte. The same for RV64IMAC + Zba/Zbb
// (every bitmanip instruction generated; qemu with -cpu rv64,zba=true,zbb=true).
//
//   RVTRACE_RANDOM_COUNT  number of programs (default 300), RVTRACE_RANDOM_SEED  first seed (default 1),
//   RVTRACE_RANDOM_LEN    instructions per program (default 200).
// On a mismatch the test prints the seed, the differing registers/bytes, a minimized listing (every
// group that does not matter replaced by nops) and keeps both ELF files for reproduction.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "random_program.hpp"
#include "zb_isa.hpp"
#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/process.hpp"
#include "rvtrace/interp/run.hpp"

extern char** environ;

namespace {

using namespace rvtrace;
namespace rp = rvtrace::randprog;

std::uint64_t env_u64(const char* name, std::uint64_t dflt) {
  const char* s = std::getenv(name);
  return s && *s ? std::strtoull(s, nullptr, 0) : dflt;
}
std::size_t program_count() { return env_u64("RVTRACE_RANDOM_COUNT", 300); }
std::uint64_t first_seed() { return env_u64("RVTRACE_RANDOM_SEED", 1); }
std::size_t program_length() { return env_u64("RVTRACE_RANDOM_LEN", 200); }

struct Outcome {
  bool ok = false;          // ran to exit(0)
  std::string error;        // otherwise: why
  std::string out;          // stdout bytes
  std::uint64_t steps = 0;  // rvtrace only: instructions retired (prologue and epilogue included)
};

Outcome run_qemu(const std::string& elf_path, const std::string& cpu) {
  Outcome o;
  int fds[2];
  if (pipe(fds) != 0) return {false, "pipe failed", {}};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  std::string qemu = RVTRACE_QEMU;
  std::string cpu_flag = "-cpu", cpu_arg = cpu;
  std::vector<char*> argv{qemu.data()};
  if (!cpu.empty()) argv.insert(argv.end(), {cpu_flag.data(), cpu_arg.data()});
  argv.insert(argv.end(), {const_cast<char*>(elf_path.c_str()), nullptr});
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, qemu.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return {false, "cannot start " + qemu, {}};
  }
  char buf[8192];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    o.out.append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) o.ok = true;
  else if (WIFEXITED(status)) o.error = "qemu exited with status " + std::to_string(WEXITSTATUS(status));
  else o.error = "qemu killed by signal " + std::to_string(WTERMSIG(status));
  return o;
}

template <class Isa>
Outcome run_rvtrace(const std::vector<std::uint8_t>& elf, const std::string& name) {
  Outcome o;
  const std::vector<std::string> argv{name};
  guest::Process proc(guest::load_elf(elf, name), argv);
  proc.syscalls.capture_output();
  const DecodedProgram code = decode_program<Isa>(proc.program);
  NoTrace none;
  const RunResult r = interpret<NoTrace, Isa>(proc, code, 1'000'000, none);
  o.out = proc.syscalls.captured_stdout();
  o.steps = r.steps;
  if (r.reason == StopReason::exited && r.exit_code == 0) o.ok = true;
  else if (r.reason == StopReason::fault) o.error = "rvtrace fault: " + r.fault->message();
  else o.error = "rvtrace stopped: reason " + std::to_string(int(r.reason)) + ", exit " + std::to_string(r.exit_code);
  return o;
}

// An instruction set under test: what the generator draws from, how rvtrace runs it, qemu's -cpu.
struct Target {
  const testgen::IsaView* isa;
  Outcome (*run)(const std::vector<std::uint8_t>& elf, const std::string& name);
  std::string qemu_cpu;  // empty: qemu's default
};
template <class Isa>
Target target(std::string qemu_cpu = {}) {
  return {&testgen::view_of<Isa>(), &run_rvtrace<Isa>, std::move(qemu_cpu)};
}
const Target& base_target() {
  static const Target t = target<isa::Rv64imac>();
  return t;
}
const Target& zb_target() {
  static const Target t = target<testgen::ZbIsa>("rv64,zba=true,zbb=true");
  return t;
}

rp::Program make_program(std::uint64_t seed, const Target& t) {
  rp::Program p = rp::Generator(seed, *t.isa).generate(program_length());
  rp::layout(p);
  return p;
}

std::filesystem::path work_dir() {
  static const std::filesystem::path d =
      std::filesystem::temp_directory_path() / ("rvtrace-random-" + std::to_string(getpid()));
  std::filesystem::create_directories(d);  // (again after a passing test case removed it)
  return d;
}

void write_file(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  // qemu-riscv64 refuses (EACCES) to load a file that is not executable.
  std::filesystem::permissions(path, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                         std::filesystem::perms::others_read);
}

struct Comparison {
  Outcome ours, qemu;
  bool same() const { return ours.ok && qemu.ok && ours.out == qemu.out; }
};

Comparison compare(const rp::Program& p, const std::filesystem::path& path, const Target& t) {
  const auto elf = rp::make_elf(p);
  write_file(path, elf);
  Comparison c;
  c.qemu = run_qemu(path.string(), t.qemu_cpu);
  c.ours = t.run(elf, path.string());
  return c;
}

std::uint64_t word_at(const std::string& s, std::size_t off) {
  std::uint64_t v = 0;
  if (off + 8 <= s.size()) std::memcpy(&v, s.data() + off, 8);
  return v;
}

// qemu-riscv64 7.2 computes ctzw of a value whose low word is 0 and high word is not as ctz of all 64
// bits (ctzw(1 << 63) = 63; the spec, and rvtrace: 32). Asked of the qemu at hand: when it gets this
// wrong, the qemu comparison leaves ctzw out (its values are checked by tests/isa/test_zb.cpp's spec
// values and by the AOT-vs-interpreter fuzz); a fixed qemu gets every instruction.
bool qemu_ctzw_wrong() {
  static const bool wrong = [] {
    rp::Program p;
    p.isa = zb_target().isa;
    p.init.assign(32, 0);
    p.scratch.assign(rp::scratch_hi - rp::scratch_lo, 0);
    for (std::uint32_t w : {isa::encode<isa::Addi>(5, 0, -1), isa::encode<isa::Slli>(5, 5, 63),
                            isa::encode<isa::Ctzw>(6, 5)})
      p.groups.push_back({rp::Insn{w}});
    rp::layout(p);
    const Comparison c = compare(p, work_dir() / "probe-ctzw.elf", zb_target());
    REQUIRE(c.ours.ok);
    REQUIRE(word_at(c.ours.out, 8 * (6 - 1)) == 32);
    REQUIRE(c.qemu.ok);
    return word_at(c.qemu.out, 8 * (6 - 1)) != 32;
  }();
  return wrong;
}
// Zba/Zbb against qemu: everything this qemu gets right.
const Target& zb_qemu_target() {
  static const Target t = [] {
    if (!qemu_ctzw_wrong()) return zb_target();
    static const testgen::Kinds kinds = testgen::without(*zb_target().isa->kinds, isa::Ctzw::name);
    static testgen::IsaView view = *zb_target().isa;
    view.kinds = &kinds;
    Target z = zb_target();
    z.isa = &view;
    return z;
  }();
  return t;
}

std::string describe(const Comparison& c) {
  std::string s;
  char buf[200];
  if (!c.ours.ok) s += c.ours.error + "\n";
  if (!c.qemu.ok) s += c.qemu.error + "\n";
  if (c.ours.out.size() != rp::output_bytes || c.qemu.out.size() != rp::output_bytes) {
    std::snprintf(buf, sizeof buf, "output sizes: rvtrace %zu, qemu %zu (expected %llu)\n", c.ours.out.size(),
                  c.qemu.out.size(), (unsigned long long)rp::output_bytes);
    s += buf;
  }
  for (unsigned r = 1; r <= 31; ++r) {
    const auto a = word_at(c.ours.out, 8 * (r - 1)), b = word_at(c.qemu.out, 8 * (r - 1));
    if (a != b) {
      std::snprintf(buf, sizeof buf, "x%-2u rvtrace 0x%016llx  qemu 0x%016llx\n", r, (unsigned long long)a,
                    (unsigned long long)b);
      s += buf;
    }
  }
  int shown = 0;
  for (std::size_t i = rp::regs_dump_bytes; i < std::min(c.ours.out.size(), c.qemu.out.size()); ++i)
    if (c.ours.out[i] != c.qemu.out[i] && shown++ < 16) {
      std::snprintf(buf, sizeof buf, "mem[0x%llx] rvtrace 0x%02x  qemu 0x%02x\n",
                    (unsigned long long)(rp::out_lo + i - rp::regs_dump_bytes),
                    (unsigned)(std::uint8_t)c.ours.out[i], (unsigned)(std::uint8_t)c.qemu.out[i]);
      s += buf;
    }
  return s;
}

bool is_nop_group(const rp::Group& g) {
  for (auto& i : g)
    if (i.word != (i.len == 2 ? rp::c::nop() : isa::encode<isa::Addi>(0, 0, 0))) return false;
  return true;
}

// Greedy reduction: neutralize each group (and, afterwards, each remaining one again) while the
// two runs still disagree. Keeps the layout, so branch targets stay valid.
rp::Program minimize(rp::Program p, const std::filesystem::path& path, const Target& t) {
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t g = 0; g < p.groups.size(); ++g) {
      if (is_nop_group(p.groups[g])) continue;
      rp::Program q = p;
      rp::neutralize(q, g);
      rp::layout(q);
      if (!compare(q, path, t).same()) p = std::move(q);
    }
  return p;
}

std::string short_listing(const rp::Program& p) {
  rp::Program q = p;
  std::string all = rp::listing(q), s;
  // Drop the nop lines (neutralized groups) to show only what matters.
  std::size_t pos = 0;
  while (pos < all.size()) {
    const auto e = all.find('\n', pos);
    const std::string line = all.substr(pos, e - pos + 1);
    if (line.find(": 00000013 ") == std::string::npos && line.find(": 0001 ") == std::string::npos) s += line;
    pos = e + 1;
  }
  return s;
}

std::string init_values(const rp::Program& p) {
  std::string s;
  char buf[64];
  for (unsigned r = 1; r <= 29; ++r) {
    if (r == 8) continue;
    std::snprintf(buf, sizeof buf, "x%u=0x%llx%s", r, (unsigned long long)p.init[r], r % 6 == 0 ? "\n" : " ");
    s += buf;
  }
  return s;
}

std::string hex_words(const rp::Program& p) {
  std::string s;
  char buf[16];
  for (auto& g : p.groups)
    for (auto& i : g) {
      std::snprintf(buf, sizeof buf, i.len == 2 ? "%04x " : "%08x ", i.word);
      s += buf;
    }
  return s;
}

}  // namespace

TEST_CASE("compressed packers agree with the rv64c expander", "[random][rvc]") {
  using namespace isa;
  namespace c = rp::c;
  for (unsigned rd = 1; rd < 32; ++rd)
    for (int imm = -32; imm < 32; ++imm) {
      CHECK(expand_compressed(c::addi(rd, imm)) == encode<Addi>(rd, rd, imm));
      CHECK(expand_compressed(c::addiw(rd, imm)) == encode<Addiw>(rd, rd, imm));
      CHECK(expand_compressed(c::li(rd, imm)) == encode<Addi>(rd, 0, imm));
      if (imm != 0 && rd != 2) CHECK(expand_compressed(c::lui(rd, imm)) == encode<Lui>(rd, imm * 4096));
      if (imm > 0) CHECK(expand_compressed(c::slli(rd, unsigned(imm + 32 * (rd & 1)) % 64)) ==
                         encode<Slli>(rd, rd, unsigned(imm + 32 * (rd & 1)) % 64));
      CHECK(expand_compressed(c::mv(rd, unsigned(imm + 32) % 31 + 1)) == encode<Add>(rd, 0, unsigned(imm + 32) % 31 + 1));
      CHECK(expand_compressed(c::add(rd, unsigned(imm + 32) % 31 + 1)) == encode<Add>(rd, rd, unsigned(imm + 32) % 31 + 1));
    }
  for (unsigned rd = 1; rd < 32; ++rd) {
    CHECK(expand_compressed(c::jr(rd)) == encode<Jalr>(0, rd, 0));
    CHECK(expand_compressed(c::jalr(rd)) == encode<Jalr>(1, rd, 0));
    for (unsigned k = 0; k < 64; ++k) {
      CHECK(expand_compressed(c::lwsp(rd, 4 * k)) == encode<Lw>(rd, 2, 4 * k));
      CHECK(expand_compressed(c::ldsp(rd, 8 * k)) == encode<Ld>(rd, 2, 8 * k));
      CHECK(expand_compressed(c::swsp(rd, 4 * k)) == encode<Sw>(2, rd, 4 * k));
      CHECK(expand_compressed(c::sdsp(rd, 8 * k)) == encode<Sd>(2, rd, 8 * k));
    }
  }
  for (unsigned r = 8; r < 16; ++r)
    for (unsigned s = 8; s < 16; ++s) {
      CHECK(expand_compressed(c::sub(r, s)) == encode<Sub>(r, r, s));
      CHECK(expand_compressed(c::xor_(r, s)) == encode<Xor>(r, r, s));
      CHECK(expand_compressed(c::or_(r, s)) == encode<Or>(r, r, s));
      CHECK(expand_compressed(c::and_(r, s)) == encode<And>(r, r, s));
      CHECK(expand_compressed(c::subw(r, s)) == encode<Subw>(r, r, s));
      CHECK(expand_compressed(c::addw(r, s)) == encode<Addw>(r, r, s));
      for (unsigned k = 0; k < 32; ++k) {
        CHECK(expand_compressed(c::lw(r, s, 4 * k)) == encode<Lw>(r, s, 4 * k));
        CHECK(expand_compressed(c::ld(r, s, 8 * k)) == encode<Ld>(r, s, 8 * k));
        CHECK(expand_compressed(c::sw(s, r, 4 * k)) == encode<Sw>(s, r, 4 * k));
        CHECK(expand_compressed(c::sd(s, r, 8 * k)) == encode<Sd>(s, r, 8 * k));
      }
    }
  for (unsigned r = 8; r < 16; ++r) {
    for (unsigned sh = 1; sh < 64; ++sh) {
      CHECK(expand_compressed(c::srli(r, sh)) == encode<Srli>(r, r, sh));
      CHECK(expand_compressed(c::srai(r, sh)) == encode<Srai>(r, r, sh));
    }
    for (int imm = -32; imm < 32; ++imm) CHECK(expand_compressed(c::andi(r, imm)) == encode<Andi>(r, r, imm));
    for (std::uint32_t k = 1; k < 256; ++k) CHECK(expand_compressed(c::addi4spn(r, 4 * k)) == encode<Addi>(r, 2, 4 * k));
    for (int off = -256; off < 256; off += 2) {
      CHECK(expand_compressed(c::beqz(r, off)) == encode<Beq>(r, 0, off));
      CHECK(expand_compressed(c::bnez(r, off)) == encode<Bne>(r, 0, off));
    }
  }
  for (int off = -2048; off < 2048; off += 2) CHECK(expand_compressed(c::j(off)) == encode<Jal>(0, off));
  for (int imm = -512; imm < 512; imm += 16)
    if (imm) CHECK(expand_compressed(c::addi16sp(imm)) == encode<Addi>(2, 2, imm));
  CHECK(expand_compressed(c::nop()) == encode<Addi>(0, 0, 0));
}

namespace {

// Every instruction of the set is generated except those the generator leaves out by what they do
// (isa/facts.hpp): ecall and ebreak (they would end the program) and the counter reads (qemu's differ).
void check_coverage(const Target& t) {
  const testgen::IsaView& v = *t.isa;
  const std::size_t n = program_count();
  std::map<std::uint16_t, std::size_t> ids;
  std::map<std::string, std::size_t> ckinds;
  std::size_t insns = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const rp::Program p = make_program(first_seed() + k, t);
    for (auto& g : p.groups)
      for (auto& i : g) {
        if (i.log) continue;
        ++insns;
        const auto d = v.decode(i.len == 2 ? i.word & 0xffff : i.word);
        REQUIRE(d.legal());
        if (i.len == 4) {
          ++ids[d.id];
        } else {
          REQUIRE(i.ckind);
          ++ckinds[i.ckind];
        }
      }
  }
  std::size_t covered = 0, left_out = 0;
  for (std::uint16_t id = 0; id < v.count; ++id) {
    const isa::InsnFacts& f = v.facts[id];
    if (f.host_call || f.ebreak || f.counter || f.illegal) {
      CHECK(ids.count(id) == 0);
      ++left_out;
      continue;
    }
    INFO("32-bit instruction never generated: " << v.name_of(id));
    CHECK(ids[id] > 0);
    covered += ids[id] > 0;
  }
  for (const char* kind : rp::c::kinds) {
    INFO("compressed instruction never generated: " << kind);
    CHECK(ckinds[kind] > 0);
  }
  CHECK(covered + left_out == v.count);
  CHECK(left_out == 6);  // ecall, ebreak, rdcycle, rdtime, rdinstret and Illegal (not an instruction)
  WARN(v.name << " generator coverage over " << n << " programs / " << insns << " instructions: " << covered
              << " 32-bit instruction kinds, " << ckinds.size() << " compressed kinds");
}

void compare_with_qemu(const Target& t, std::size_t n) {
  const auto t0 = std::chrono::steady_clock::now();
  std::size_t programs = 0, insns = 0, failures = 0, steps = 0;
  const std::string tag = std::string(t.isa->name) + "-";
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint64_t seed = first_seed() + k;
    const rp::Program p = make_program(seed, t);
    const auto path = work_dir() / ("random-" + tag + std::to_string(seed) + ".elf");
    const Comparison c = compare(p, path, t);
    ++programs;
    insns += p.instructions();
    steps += c.ours.steps;
    if (c.same()) {
      std::filesystem::remove(path);
      continue;
    }
    ++failures;
    const std::string diff = describe(c);
    const auto min_path = work_dir() / ("random-" + tag + std::to_string(seed) + "-min.elf");
    const rp::Program m = minimize(p, min_path, t);
    const Comparison mc = compare(m, min_path, t);
    INFO(t.isa->name << " seed " << seed << ": rvtrace and qemu-riscv64 disagree; ELF kept at " << path.string());
    INFO(diff);
    INFO("minimized program (" << min_path.string() << "):\n" << describe(mc) << short_listing(m));
    INFO("initial registers:\n" << init_values(p));
    INFO("full sequence (hex, from 0x" << std::hex << p.seq_begin << std::dec << "):\n" << hex_words(p));
    CHECK(c.same());
    if (failures >= 5) break;  // enough to debug; keep the run short
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (failures == 0) std::filesystem::remove_all(work_dir());
  WARN(t.isa->name << ": compared " << programs << " random programs, " << insns << " random instructions (" << steps
                   << " steps retired), with qemu-riscv64 in " << secs << " s (" << failures << " mismatches)");
}

}  // namespace

TEST_CASE("random programs cover every instruction", "[random]") { check_coverage(base_target()); }

TEST_CASE("random programs with Zba/Zbb cover every instruction", "[random][zb]") { check_coverage(zb_target()); }

TEST_CASE("random programs: rvtrace interpreter agrees with qemu-riscv64", "[random][qemu]") {
  compare_with_qemu(base_target(), program_count());
}

TEST_CASE("random programs with Zba/Zbb: rvtrace interpreter agrees with qemu-riscv64", "[random][qemu][zb]") {
  if (qemu_ctzw_wrong())
    WARN("this qemu-riscv64 computes ctzw(1 << 63) as 63, not 32: ctzw is not compared with it");
  compare_with_qemu(zb_qemu_target(), program_count());
}
