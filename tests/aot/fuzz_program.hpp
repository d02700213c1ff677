#pragma once
// Random programs for the AOT-vs-interpreter fuzz (test_aot_fuzz.cpp, test_host_fuzz.cpp): random
// sequences of an instruction set (all its instruction kinds, insn_kinds.hpp: x0 as source and
// destination, rs1 == rs2 == rd, immediate extremes, W forms, division edge cases, shift amounts
// 0/31/32/63, AMOs, LR/SC, compressed instructions, forward branches, jumps into the middle of
// instructions, counted loops, the rotate/and-not idioms, host calls if the set has any) in a
// synthetic guest::Program (text + data segments, no ELF), random registers; and fuzz<Isa>, which
// runs each on both engines and compares everything (aot_compare.hpp).
#include <cstdio>
#include <cstdlib>
#include <random>

#include "aot_compare.hpp"
#include "../differential/insn_kinds.hpp"
#include "rvtrace/guest/loader.hpp"
#include "rvtrace/isa/decoder.hpp"

namespace aot_fuzz {
using namespace rvtrace;
namespace I = rvtrace::isa;

inline constexpr std::uint64_t text_base = 0x10000, data_base = 0x20000, data_size = 0x2000;
inline constexpr std::uint64_t base31 = 0x21000, base8 = 0x21800, base2 = 0x20c00;
inline constexpr std::uint64_t mem_size = 16u << 20;
inline constexpr unsigned tmp = 29;  // scratch register of instruction groups
inline constexpr unsigned counter = 9;  // loop counter (no random instruction writes it)

using Rng = std::mt19937_64;

struct Item {
  enum Kind { plain, branch, jal, jalr_off, addi_off } kind = plain;
  std::uint32_t word = 0;
  unsigned len = 4;
  std::uint32_t (*benc)(unsigned, unsigned, std::int64_t) = nullptr;  // branch encoder
  unsigned rd = 0, rs1 = 0, rs2 = 0;
  std::size_t target_group = 0;  // control targets: a later group (or the epilogue)
  std::size_t anchor = 0;        // jalr_off/addi_off: the auipc item the offset is relative to
  unsigned mid = 0;              // +2: jump into the middle of the target's first instruction
};

struct Gen {
  Rng& rng;
  const testgen::IsaView& isa;  // the instruction set drawn from
  std::vector<Item> items;
  std::vector<std::size_t> group_start;
  std::size_t groups_total = 0;

  std::uint64_t u(std::uint64_t n) { return rng() % n; }
  bool chance(unsigned pct) { return u(100) < pct; }
  unsigned rreg() { return chance(15) ? 0 : static_cast<unsigned>(u(32)); }
  unsigned wreg() {
    for (;;) {
      const unsigned r = chance(10) ? 0 : static_cast<unsigned>(u(31));
      if (r != 2 && r != 8 && r != counter) return r;
    }
  }
  std::int64_t imm12() {
    static constexpr std::int64_t ex[] = {-2048, 2047, 0, -1, 1, 2, -2};
    return chance(30) ? ex[u(std::size(ex))] : static_cast<std::int64_t>(u(4096)) - 2048;
  }
  unsigned shamt(unsigned bits) {
    static constexpr unsigned ex[] = {0, 1, 31, 32, 63};
    unsigned s = chance(40) ? ex[u(std::size(ex))] : static_cast<unsigned>(u(64));
    return s % bits;
  }
  void add(std::uint32_t w, unsigned len = 4) { items.push_back(Item{Item::plain, w, len}); }
  std::size_t later_group() { return groups_total + 1 + u(4); }
  unsigned base_reg() {
    static constexpr unsigned b[] = {31, 8, 2};
    return b[u(3)];
  }

  // Instruction kinds of the instruction set, by what their exec does (insn_kinds.hpp).
  const testgen::Kinds& kinds = *isa.kinds;
  template <class K>
  const K& pick(const std::vector<K>& v) { return v[u(v.size())]; }

  void r_type() {
    unsigned rd = wreg(), rs1 = rreg(), rs2 = rreg();
    if (chance(10)) rs1 = rs2 = (rd == 0 ? rreg() : rd);
    else if (chance(10)) rs1 = rd;
    else if (chance(10)) rs2 = rd;
    if (!kinds.unary.empty() && chance(10)) add(pick(kinds.unary).enc(rd, rs1));
    else add(pick(kinds.alu_rr).enc(rd, rs1, rs2));
  }
  void i_type() {
    const unsigned rd = wreg();
    add(pick(kinds.alu_ri).enc(rd, chance(15) ? rd : rreg(), imm12()));
  }
  void shift() {
    const unsigned rd = wreg(), rs1 = chance(15) ? rd : rreg();
    const bool w = u(kinds.shift64.size() + kinds.shift32.size()) >= kinds.shift64.size();
    add(pick(w ? kinds.shift32 : kinds.shift64).enc(rd, rs1, shamt(w ? 32 : 64)));
  }
  void upper() {
    static constexpr std::int64_t ex[] = {0, 0x7ffff000, -0x80000000LL, 0x1000, -0x1000};
    const std::int64_t v = chance(40) ? ex[u(std::size(ex))] : (static_cast<std::int64_t>(u(1u << 20)) - (1 << 19)) * 4096;
    add(chance(50) ? I::Lui::encode(wreg(), v) : I::Auipc::encode(wreg(), v));
  }
  std::int64_t mem_off(unsigned base) { return base == 31 ? imm12() : static_cast<std::int64_t>(u(1024)) - 512; }
  void load(bool wild) {
    const unsigned b = wild ? rreg() : base_reg();
    const std::int64_t off = mem_off(b);
    add(pick(kinds.loads).enc(wreg(), b, off));
  }
  void store(bool wild) {
    const unsigned b = wild ? rreg() : base_reg();
    const std::int64_t off = mem_off(b);
    add(pick(kinds.stores).enc(b, rreg(), off));
  }
  void amo() {
    const std::int64_t off = (static_cast<std::int64_t>(u(64)) - 32) * 8 + (chance(3) ? 2 : 0);  // rarely misaligned
    add(I::Addi::encode(tmp, 31, off));
    unsigned rd = wreg(), rs2 = rreg();
    if (rd == tmp) rd = 0;
    add(pick(kinds.amos).enc(rd, tmp, rs2));
  }
  void lrsc() {  // (the two widths are drawn independently)
    add(I::Addi::encode(tmp, 31, (static_cast<std::int64_t>(u(16)) - 8) * 8));
    unsigned rd = wreg();
    if (rd == tmp) rd = 5;
    add(pick(kinds.lr).enc(rd, tmp, 0));
    if (chance(30)) i_type();
    unsigned rd2 = wreg();
    if (rd2 == tmp) rd2 = 6;
    const unsigned addr_reg = chance(80) ? tmp : 31;
    add(pick(kinds.sc).enc(rd2, addr_reg, rreg()));
  }
  void branch() {
    Item it{Item::branch};
    it.benc = pick(kinds.branches).enc;
    it.rs1 = rreg();
    it.rs2 = chance(10) ? it.rs1 : rreg();
    it.target_group = later_group();
    items.push_back(it);
  }
  void jal() {
    Item it{Item::jal};
    it.rd = wreg();
    it.target_group = later_group();
    items.push_back(it);
  }
  void jalr(bool compressed) {
    const std::size_t anchor = items.size();
    add(I::Auipc::encode(tmp, 0));
    Item it{compressed ? Item::addi_off : Item::jalr_off};
    it.rd = wreg();
    it.anchor = anchor;
    it.target_group = later_group();
    it.mid = chance(8) ? 2 : 0;  // into the middle of an instruction: whatever it decodes to
    items.push_back(it);
    if (compressed) add((chance(50) ? 0x9002u : 0x8002u) | tmp << 7, 2);  // c.jalr / c.jr x29
  }
  void compressed() {
    for (;;) {
      const auto w = static_cast<std::uint16_t>(rng());
      if ((w & 3) == 3) continue;
      const I::Decoded d = isa.decode_parcels(w, 0);
      if (!d.legal()) continue;
      const I::InsnFacts& f = isa.facts[d.id];
      if (f.ends_block) continue;  // (control transfers come from branch()/jal()/jalr())
      if (f.plain_access() && d.ops.rs1 != 2 && d.ops.rs1 != 8) continue;
      if (d.ops.rd == 2 || d.ops.rd == 8 || d.ops.rd == 31) continue;
      add(w, 2);
      return;
    }
  }
  // A host call of the set (what it does is the user's): its first operand an address, mostly into
  // the data area, sometimes just below its end (a handler that touches several words faults part
  // way) or any register (faults); its second mostly a small count or value.
  void host_call() {
    const auto& h = pick(kinds.handlers);
    unsigned a = tmp;
    if (chance(15)) a = rreg();
    else if (chance(20)) add(I::Addi::encode(tmp, 8, 2047 - static_cast<std::int64_t>(u(160))));  // end: 0x22000
    else {
      const unsigned b = base_reg();
      add(I::Addi::encode(tmp, b, mem_off(b)));
    }
    unsigned n = rreg();
    if (chance(70)) {
      do n = wreg(); while (n == tmp || n == a);
      if (n) add(I::Addi::encode(n, 0, static_cast<std::int64_t>(u(24))));
    }
    add(h.enc(wreg(), a, n));
  }
  bool has_host_calls() const { return !kinds.handlers.empty(); }
  void misc() {
    if (chance(60)) add(pick(kinds.counters).enc(wreg(), 0));
    else add(pick(kinds.fences).enc());
  }
  void rare() {
    switch (u(9)) {
      case 0: add(I::Addi::encode(17, 0, 214)); add(I::Ecall::encode()); break;   // brk(a0)
      case 1: add(I::Addi::encode(17, 0, 999)); add(I::Ecall::encode()); break;   // -ENOSYS
      case 2: add(I::Addi::encode(17, 0, 93)); add(I::Ecall::encode()); break;    // exit(a0)
      case 3: add(I::Ebreak::encode()); break;
      case 4: add(0); break;                                                     // illegal
      case 5: load(true); break;                                                 // wild address
      case 6: store(true); break;
      case 7: add(I::Auipc::encode(tmp, 0)); add(I::Sw::encode(tmp, rreg(), 0)); break;  // store to text
      default: jalr(true); break;
    }
  }

  // srli/slli (or srliw/slliw) of one register by (mostly) complementary amounts, then an or of the
  // two: the AOT's rotate peephole. Each piece is a group of its own (jump targets into the pattern),
  // sometimes with other instructions in between (writing the shifted register, faulting loads).
  void rotate() {
    const bool w = chance(50);
    const unsigned bits = w ? 32 : 64;
    const unsigned x = rreg(), a = wreg(), b = wreg();
    const unsigned n = 1 + static_cast<unsigned>(u(bits - 1));
    const unsigned m = chance(85) ? bits - n : shamt(bits);
    auto sh = [&](bool left, unsigned rd, unsigned amount) {
      if (w) add(left ? I::Slliw::encode(rd, x, amount) : I::Srliw::encode(rd, x, amount));
      else add(left ? I::Slli::encode(rd, x, amount) : I::Srli::encode(rd, x, amount));
    };
    auto piece = [&] {
      ++groups_total;
      group_start.push_back(items.size());
      if (chance(25)) {
        const unsigned k = static_cast<unsigned>(u(3));
        if (k == 0) r_type();
        else if (k == 1) shift();
        else load(chance(20));
      }
    };
    const bool left_first = chance(50);
    sh(left_first, a, n);
    piece();
    sh(!left_first, b, m);
    piece();
    const unsigned rd = chance(30) || x == counter ? a : chance(20) ? x : wreg();
    add(chance(50) ? I::Or::encode(rd, a, b) : I::Or::encode(rd, b, a));
  }

  // not (xori -1) then and with it: the AOT's and-not peephole (pieces as groups, as in rotate()).
  void andnot() {
    const unsigned x = rreg(), t = wreg(), y = rreg();
    add(I::Xori::encode(t, x, -1));
    ++groups_total;
    group_start.push_back(items.size());
    if (chance(30)) {
      if (chance(50)) r_type();
      else load(chance(20));
    }
    const unsigned rd = chance(40) ? t : chance(20) && x != counter ? x : wreg();
    add(chance(50) ? I::And::encode(rd, t, y) : I::And::encode(rd, y, t));
  }

  // A counted loop of straight-line code (the AOT's loop register maps, block-local allocation, stops
  // and resumes inside loops): li counter, n; head: body; addi counter, -1; bnez counter, head.
  void loop() {
    add(I::Addi::encode(counter, 0, static_cast<std::int64_t>(1 + u(12))));
    ++groups_total;
    group_start.push_back(items.size());
    const std::size_t head = group_start.size() - 1;
    const std::size_t body = 2 + u(40);
    const unsigned kinds = chance(40) ? 7 : 10;  // sometimes no memory access (no exit) in the body
    for (std::size_t i = 0; i < body; ++i) {
      if (has_host_calls() && chance(8)) {
        host_call();
        continue;
      }
      const unsigned k = static_cast<unsigned>(u(kinds));
      if (k < 3) r_type();
      else if (k < 5) i_type();
      else if (k < 6) shift();
      else if (k < 7) chance(70) ? rotate() : andnot();
      else if (k < 8) load(chance(5));
      else if (k < 9) store(chance(5));
      else upper();
    }
    add(I::Addi::encode(counter, counter, -1));
    Item it{Item::branch};
    it.benc = +[](unsigned a, unsigned b, std::int64_t c) { return I::Bne::encode(a, b, c); };
    it.rs1 = counter, it.rs2 = 0, it.target_group = head;
    items.push_back(it);
  }

  void group() {
    group_start.push_back(items.size());
    if (has_host_calls() && chance(12)) {
      host_call();
      ++groups_total;
      return;
    }
    const unsigned k = static_cast<unsigned>(u(100));
    if (k < 4) loop();
    else if (k < 13) r_type();
    else if (k < 16) rotate();
    else if (k < 18) andnot();
    else if (k < 30) i_type();
    else if (k < 38) shift();
    else if (k < 42) upper();
    else if (k < 50) load(false);
    else if (k < 58) store(false);
    else if (k < 63) amo();
    else if (k < 66) lrsc();
    else if (k < 74) branch();
    else if (k < 77) jal();
    else if (k < 80) jalr(false);
    else if (k < 93) compressed();
    else if (k < 97) misc();
    else rare();
    ++groups_total;
  }

  // Lays out the items, resolves the control targets, returns the text bytes.
  std::vector<std::uint8_t> assemble() {
    const std::size_t epilogue = items.size();
    items.push_back(Item{Item::plain, I::Ebreak::encode(), 4});
    std::vector<std::uint64_t> addr(items.size());
    std::uint64_t a = text_base;
    for (std::size_t i = 0; i < items.size(); ++i) addr[i] = a, a += items[i].len;
    auto target_addr = [&](const Item& it) {
      const std::size_t t = it.target_group < group_start.size() ? group_start[it.target_group] : epilogue;
      return addr[t] + (t == epilogue ? 0 : it.mid);
    };
    std::vector<std::uint8_t> bytes;
    for (std::size_t i = 0; i < items.size(); ++i) {
      Item& it = items[i];
      switch (it.kind) {
        case Item::plain: break;
        case Item::branch: it.word = it.benc(it.rs1, it.rs2, static_cast<std::int64_t>(target_addr(it) - addr[i])); break;
        case Item::jal: it.word = I::Jal::encode(it.rd, static_cast<std::int64_t>(target_addr(it) - addr[i])); break;
        case Item::jalr_off:
          it.word = I::Jalr::encode(it.rd, tmp, static_cast<std::int64_t>(target_addr(it) - addr[it.anchor]));
          break;
        case Item::addi_off:
          it.word = I::Addi::encode(tmp, tmp, static_cast<std::int64_t>(target_addr(it) - addr[it.anchor]));
          break;
      }
      for (unsigned b = 0; b < it.len; ++b) bytes.push_back(static_cast<std::uint8_t>(it.word >> (8 * b)));
    }
    return bytes;
  }
};

inline std::uint64_t env_or(const char* name, std::uint64_t dflt) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 0) : dflt;
}

inline std::uint64_t random_reg_value(Rng& rng) {
  static constexpr std::uint64_t ex[] = {0, 1, ~0ull, 0x8000000000000000ull, 0x7fffffffffffffffull,
                                         0xffffffff80000000ull, 0x80000000ull, 0xffffffffull, 0x7fffffffull, 31, 32, 63, 64};
  switch (rng() % 4) {
    case 0: return ex[rng() % std::size(ex)];
    case 1: return rng() % 100;
    default: return rng();
  }
}

// One random program: text of 10..130 groups, random data, random registers (x2, x8, x31: bases).
struct Case {
  guest::Program prog;
  isa::CpuState init;
};
inline Case make_case(Rng& rng, const testgen::IsaView& view) {
  Gen gen{rng, view, {}, {}, 0};
  const std::size_t groups = 10 + rng() % 120;
  for (std::size_t i = 0; i < groups; ++i) gen.group();
  const std::vector<std::uint8_t> text = gen.assemble();

  std::vector<std::uint8_t> data(data_size);
  for (auto& b : data) b = static_cast<std::uint8_t>(rng());
  Case c{aot_test::synthetic_program("fuzz", text_base, text, data_base, std::move(data)), {}};
  c.init.pc = text_base;
  for (int r = 1; r < 32; ++r) c.init.x[r] = random_reg_value(rng);
  c.init.x[2] = base2, c.init.x[8] = base8, c.init.x[31] = base31;
  if (rng() % 4 == 0) c.init.reservation = base31;
  return c;
}

// `count` random sequences of Isa (seeds from `seed`), each run on both engines and compared.
template <class Isa>
void fuzz(std::uint64_t count, std::uint64_t seed) {
  const testgen::IsaView& view = testgen::view_of<Isa>();
  std::uint64_t steps_total = 0, by_reason[4] = {}, by_fault[16] = {};
  for (std::uint64_t n = 0; n < count; ++n) {
    Rng rng(seed + n * 0x9e3779b97f4a7c15ull);
    const Case c = make_case(rng, view);
    const guest::Program& prog = c.prog;
    const isa::CpuState& init = c.init;
    const DecodedProgram code = decode_program<Isa>(prog);
    const bool trace = rng() % 2;
    std::vector<std::uint64_t> untils;
    switch (rng() % 4) {
      case 0: untils = {1 + rng() % 40}; break;                               // stop mid-block
      case 1: untils = {1 + rng() % 30, 31 + rng() % 30, 61 + rng() % 60, 20000}; break;  // resume in pieces
      default: untils = {20000}; break;
    }
    auto make = [&] { return std::make_unique<aot_test::SyntheticWorld>(prog, init, mem_size); };
    const RunResult r = aot_test::compare_engines<Isa>(code, make, untils, trace, data_base, data_size,
                                                       std::string(Isa::name) + " fuzz sequence " + std::to_string(n) +
                                                           " seed " + std::to_string(seed));
    steps_total += r.steps;
    ++by_reason[static_cast<int>(r.reason)];
    if (r.fault) ++by_fault[static_cast<int>(r.fault->kind) & 15];
  }
  std::printf("aot fuzz %s: %llu sequences compared (seed %llu), %llu steps; exited %llu ebreak %llu fault %llu paused %llu;"
              " faults by kind:",
              std::string(Isa::name).c_str(), (unsigned long long)count, (unsigned long long)seed,
              (unsigned long long)steps_total,
              (unsigned long long)by_reason[0], (unsigned long long)by_reason[1], (unsigned long long)by_reason[2],
              (unsigned long long)by_reason[3]);
  for (int k = 0; k < 16; ++k)
    if (by_fault[k]) std::printf(" %s=%llu", fault_name(static_cast<FaultKind>(k)), (unsigned long long)by_fault[k]);
  std::printf("\n");
}
}  // namespace aot_fuzz
