#pragma once
// Random instruction sequences of an instruction set (RV64IMAC by default, or one with extensions:
// its kinds come from insn_kinds.hpp), built with the library's encoder (32-bit instructions) and
// with an independent bit packer (compressed ones), wrapped into a tiny static ELF that runs both on
// rvtrace and under qemu-riscv64. The ELF dumps x1..x31 and its scratch memory to stdout, so the two
// runs can be compared byte for byte.
//
// Guest layout (all fixed, so pc-relative results such as auipc/jal link values agree):
//   text  R+X  0x10000  prologue | random sequence | epilogue
//   data  RW   0x20000 .. 0x22000
//     [0x20800, 0x21808)  reached by 32-bit loads/stores: x31 = 0x21000, offsets -2048..2047
//     [0x21800, 0x21900)  reached by c.lw/c.ld/c.sw/c.sd: x8 = 0x21800, offsets 0..255
//     [0x21900, 0x219f8)  register dump (x1..x31), written by the epilogue
//     [0x21a00, 0x21ae8)  initial values of x1..x29 (x8 excepted), loaded by the prologue
//     [0x22000, 0x23000)  result log: x30 = 0x22800; after each group, every register it wrote is
//                         stored to the next slot (sd rd, -2048+8*slot(x30)), so an intermediate
//                         result that is overwritten later is still compared
//   The epilogue writes the registers, then all of [0x20800, 0x23000), to stdout.
//   x8, x30 and x31 are never written by the random instructions.
//
// Control flow is forward only: the sequence is a list of groups (instructions that must run
// together, e.g. auipc+jalr or lr+sc); every branch/jump targets the start of a later group (skipping
// 0..3 groups) or the epilogue, so every program terminates.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "insn_kinds.hpp"
#include "rvtrace/isa/decoder.hpp"

namespace rvtrace::randprog {

inline constexpr std::uint64_t text_base = 0x10000, text_file_offset = 0x1000;
inline constexpr std::uint64_t data_base = 0x20000, data_size = 0x3000;
inline constexpr std::uint64_t base31 = 0x21000;  // x31
inline constexpr std::uint64_t base8 = 0x21800;   // x8
inline constexpr std::uint64_t dump_addr = base8 + 0x100, init_addr = base8 + 0x200;
inline constexpr std::uint64_t scratch_lo = 0x20800, scratch_hi = dump_addr;  // initialized randomly
inline constexpr std::uint64_t log_base = 0x22800;                           // x30
inline constexpr unsigned log_slots = 512;
inline constexpr std::uint64_t out_lo = scratch_lo, out_hi = log_base + 0x800;  // memory written out
inline constexpr std::uint64_t regs_dump_bytes = 31 * 8;
inline constexpr std::uint64_t output_bytes = regs_dump_bytes + (out_hi - out_lo);

// ---------------------------------------------------------------------------------------------
// Compressed encodings, packed bit by bit from the RVC listings (independently of isa/rv64c.hpp,
// whose expander the tests check against these).
namespace c {
inline std::uint32_t b(std::uint32_t v, unsigned hi, unsigned lo) { return (v >> lo) & ((1u << (hi - lo + 1)) - 1); }
inline std::uint16_t u16(std::uint32_t v) { return static_cast<std::uint16_t>(v); }
inline unsigned p(unsigned r) { return r - 8; }  // x8..x15 -> 3-bit field
// CI format: funct3 | imm[5] | rd | imm[4:0] | op
inline std::uint16_t ci(unsigned f3, unsigned op, unsigned rd, std::int32_t imm6) {
  const auto u = static_cast<std::uint32_t>(imm6);
  return u16(f3 << 13 | b(u, 5, 5) << 12 | rd << 7 | b(u, 4, 0) << 2 | op);
}
inline std::uint16_t addi(unsigned rd, std::int32_t imm) { return ci(0, 1, rd, imm); }
inline std::uint16_t nop() { return addi(0, 0); }
inline std::uint16_t addiw(unsigned rd, std::int32_t imm) { return ci(1, 1, rd, imm); }
inline std::uint16_t li(unsigned rd, std::int32_t imm) { return ci(2, 1, rd, imm); }
inline std::uint16_t lui(unsigned rd, std::int32_t nzimm6) { return ci(3, 1, rd, nzimm6); }  // rd = nzimm6 << 12
inline std::uint16_t slli(unsigned rd, unsigned shamt) { return ci(0, 2, rd, static_cast<std::int32_t>(shamt)); }
inline std::uint16_t addi16sp(std::int32_t imm) {  // imm multiple of 16
  const auto u = static_cast<std::uint32_t>(imm);
  return u16(3u << 13 | b(u, 9, 9) << 12 | 2u << 7 | b(u, 4, 4) << 6 | b(u, 6, 6) << 5 | b(u, 8, 7) << 3 |
             b(u, 5, 5) << 2 | 1);
}
inline std::uint16_t addi4spn(unsigned rdp, std::uint32_t nzuimm) {  // multiple of 4
  return u16(b(nzuimm, 5, 4) << 11 | b(nzuimm, 9, 6) << 7 | b(nzuimm, 2, 2) << 6 | b(nzuimm, 3, 3) << 5 |
             p(rdp) << 2);
}
// CB format shifts/andi: 100 | imm[5] | funct2 | rd' | imm[4:0] | 01
inline std::uint16_t cb_alu(unsigned f2, unsigned rdp, std::int32_t imm6) {
  const auto u = static_cast<std::uint32_t>(imm6);
  return u16(4u << 13 | b(u, 5, 5) << 12 | f2 << 10 | p(rdp) << 7 | b(u, 4, 0) << 2 | 1);
}
inline std::uint16_t srli(unsigned rdp, unsigned shamt) { return cb_alu(0, rdp, static_cast<std::int32_t>(shamt)); }
inline std::uint16_t srai(unsigned rdp, unsigned shamt) { return cb_alu(1, rdp, static_cast<std::int32_t>(shamt)); }
inline std::uint16_t andi(unsigned rdp, std::int32_t imm) { return cb_alu(2, rdp, imm); }
// CA format: 100 | bit12 | 11 | rd' | funct2 | rs2' | 01
inline std::uint16_t ca(unsigned bit12, unsigned f2, unsigned rdp, unsigned rs2p) {
  return u16(4u << 13 | bit12 << 12 | 3u << 10 | p(rdp) << 7 | f2 << 5 | p(rs2p) << 2 | 1);
}
inline std::uint16_t sub(unsigned rd, unsigned rs2) { return ca(0, 0, rd, rs2); }
inline std::uint16_t xor_(unsigned rd, unsigned rs2) { return ca(0, 1, rd, rs2); }
inline std::uint16_t or_(unsigned rd, unsigned rs2) { return ca(0, 2, rd, rs2); }
inline std::uint16_t and_(unsigned rd, unsigned rs2) { return ca(0, 3, rd, rs2); }
inline std::uint16_t subw(unsigned rd, unsigned rs2) { return ca(1, 0, rd, rs2); }
inline std::uint16_t addw(unsigned rd, unsigned rs2) { return ca(1, 1, rd, rs2); }
// CR format: 100 | bit12 | rd/rs1 | rs2 | 10
inline std::uint16_t cr(unsigned bit12, unsigned rd, unsigned rs2) { return u16(4u << 13 | bit12 << 12 | rd << 7 | rs2 << 2 | 2); }
inline std::uint16_t mv(unsigned rd, unsigned rs2) { return cr(0, rd, rs2); }
inline std::uint16_t add(unsigned rd, unsigned rs2) { return cr(1, rd, rs2); }
inline std::uint16_t jr(unsigned rs1) { return cr(0, rs1, 0); }
inline std::uint16_t jalr(unsigned rs1) { return cr(1, rs1, 0); }
// CL/CS: funct3 | uimm[5:3] | rs1' | (w: uimm[2] uimm[6] | d: uimm[7:6]) | rd'/rs2' | 00
inline std::uint16_t cls_w(unsigned f3, unsigned rdp, unsigned rs1p, std::uint32_t off) {
  return u16(f3 << 13 | b(off, 5, 3) << 10 | p(rs1p) << 7 | b(off, 2, 2) << 6 | b(off, 6, 6) << 5 | p(rdp) << 2);
}
inline std::uint16_t cls_d(unsigned f3, unsigned rdp, unsigned rs1p, std::uint32_t off) {
  return u16(f3 << 13 | b(off, 5, 3) << 10 | p(rs1p) << 7 | b(off, 7, 6) << 5 | p(rdp) << 2);
}
inline std::uint16_t lw(unsigned rd, unsigned rs1, std::uint32_t off) { return cls_w(2, rd, rs1, off); }
inline std::uint16_t ld(unsigned rd, unsigned rs1, std::uint32_t off) { return cls_d(3, rd, rs1, off); }
inline std::uint16_t sw(unsigned rs1, unsigned rs2, std::uint32_t off) { return cls_w(6, rs2, rs1, off); }
inline std::uint16_t sd(unsigned rs1, unsigned rs2, std::uint32_t off) { return cls_d(7, rs2, rs1, off); }
// Stack-pointer relative.
inline std::uint16_t lwsp(unsigned rd, std::uint32_t off) {
  return u16(2u << 13 | b(off, 5, 5) << 12 | rd << 7 | b(off, 4, 2) << 4 | b(off, 7, 6) << 2 | 2);
}
inline std::uint16_t ldsp(unsigned rd, std::uint32_t off) {
  return u16(3u << 13 | b(off, 5, 5) << 12 | rd << 7 | b(off, 4, 3) << 5 | b(off, 8, 6) << 2 | 2);
}
inline std::uint16_t swsp(unsigned rs2, std::uint32_t off) {
  return u16(6u << 13 | b(off, 5, 2) << 9 | b(off, 7, 6) << 7 | rs2 << 2 | 2);
}
inline std::uint16_t sdsp(unsigned rs2, std::uint32_t off) {
  return u16(7u << 13 | b(off, 5, 3) << 10 | b(off, 8, 6) << 7 | rs2 << 2 | 2);
}
// Control flow.
inline std::uint16_t j(std::int32_t off) {
  const auto u = static_cast<std::uint32_t>(off);
  return u16(5u << 13 | b(u, 11, 11) << 12 | b(u, 4, 4) << 11 | b(u, 9, 8) << 9 | b(u, 10, 10) << 8 |
             b(u, 6, 6) << 7 | b(u, 7, 7) << 6 | b(u, 3, 1) << 3 | b(u, 5, 5) << 2 | 1);
}
inline std::uint16_t bz(unsigned f3, unsigned rs1p, std::int32_t off) {
  const auto u = static_cast<std::uint32_t>(off);
  return u16(f3 << 13 | b(u, 8, 8) << 12 | b(u, 4, 3) << 10 | p(rs1p) << 7 | b(u, 7, 6) << 5 | b(u, 2, 1) << 3 |
             b(u, 5, 5) << 2 | 1);
}
inline std::uint16_t beqz(unsigned rs1p, std::int32_t off) { return bz(6, rs1p, off); }
inline std::uint16_t bnez(unsigned rs1p, std::int32_t off) { return bz(7, rs1p, off); }

// The compressed kinds the generator emits (coverage is checked against this list).
inline constexpr const char* kinds[] = {
    "c.addi", "c.nop", "c.addiw", "c.li", "c.lui", "c.addi16sp", "c.addi4spn", "c.slli", "c.srli", "c.srai",
    "c.andi", "c.sub", "c.xor", "c.or", "c.and", "c.subw", "c.addw", "c.mv", "c.add", "c.lw", "c.ld",
    "c.sw", "c.sd", "c.lwsp", "c.ldsp", "c.swsp", "c.sdsp", "c.j", "c.beqz", "c.bnez", "c.jr", "c.jalr"};
}  // namespace c

// ---------------------------------------------------------------------------------------------
struct Insn {
  std::uint32_t word = 0;
  std::uint8_t len = 4;         // 2 for a compressed parcel
  const char* ckind = nullptr;  // compressed kind name, for coverage
  bool log = false;             // instrumentation (result log store), not a random instruction
  // Control transfer to the start of group `target` (fixed up at layout time): the word is
  // encode_at(target_address - address of instruction `ref` of this group).
  std::function<std::uint32_t(std::int64_t)> encode_at = {};
  int target = -1;
  int ref = 0;
};
using Group = std::vector<Insn>;

struct Program {
  const testgen::IsaView* isa = &testgen::view_of<>();  // the instruction set it was drawn from
  std::uint64_t seed = 0;
  std::vector<Group> groups;
  std::vector<std::uint64_t> init;    // initial x0..x31 (x0, x8, x31 unused)
  std::vector<std::uint8_t> scratch;  // initial bytes of [scratch_lo, scratch_hi)
  // Filled by layout():
  std::vector<std::uint8_t> text;
  std::uint64_t seq_begin = 0, seq_end = 0;  // guest addresses of the random sequence
  std::size_t instructions() const {
    std::size_t n = 0;
    for (auto& g : groups)
      for (auto& i : g) n += !i.log;
    return n;
  }
};

// ---------------------------------------------------------------------------------------------
class Generator {
 public:
  explicit Generator(std::uint64_t seed, const testgen::IsaView& isa = testgen::view_of<>())
      : rng_(seed), seed_(seed), isa_(isa) {}

  Program generate(std::size_t target_insns) {
    Program p;
    p.isa = &isa_;
    p.seed = seed_;
    p.init.assign(32, 0);
    for (unsigned r = 1; r < 32; ++r) p.init[r] = value();
    p.scratch.resize(scratch_hi - scratch_lo);
    for (std::size_t i = 0; i < p.scratch.size(); i += 8) {
      const std::uint64_t v = value();
      std::memcpy(&p.scratch[i], &v, std::min<std::size_t>(8, p.scratch.size() - i));
    }
    groups_ = &p.groups;
    std::size_t n = 0;
    unsigned slot = 0;
    while (n < target_insns) {
      p.groups.emplace_back();
      cur_ = &p.groups.back();
      emit_random();
      n += cur_->size();
      // Log every register the group wrote (unless it ends in a jump: a store after it never runs).
      bool jumps = false;
      std::vector<unsigned> written;
      for (auto& i : *cur_) {
        const auto d = isa_.decode(i.word);
        jumps |= i.encode_at != nullptr;
        jumps |= isa_.facts[d.id].control == isa::Control::jump;
        if (d.ops.rd != 0 && std::find(written.begin(), written.end(), d.ops.rd) == written.end())
          written.push_back(d.ops.rd);
      }
      if (jumps) continue;
      for (unsigned r : written) {
        if (slot >= log_slots) break;
        Insn i;
        i.word = isa::encode<isa::Sd>(30, r, -2048 + 8 * static_cast<std::int64_t>(slot++));
        i.log = true;
        cur_->push_back(std::move(i));
      }
    }
    return p;
  }

 private:
  std::mt19937_64 rng_;
  std::uint64_t seed_;
  const testgen::IsaView& isa_;
  std::vector<Group>* groups_ = nullptr;
  Group* cur_ = nullptr;

  std::uint64_t u(std::uint64_t n) { return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng_); }
  std::int64_t range(std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_); }
  bool chance(unsigned one_in) { return u(one_in) == 0; }
  template <class T, std::size_t N>
  T pick(const T (&a)[N]) { return a[u(N)]; }

  std::uint64_t value() {
    static constexpr std::uint64_t special[] = {0, 1, 2, ~0ull, 0x8000000000000000ull, 0x7fffffffffffffffull,
                                                0xffffffff80000000ull, 0x7fffffff, 0xffffffff, 0x80000000,
                                                0x100000000ull, 0xfffffffffffff800ull, 0x7ff, 63, 31, 32, 64};
    switch (u(4)) {
      case 0: return pick(special);
      case 1: return static_cast<std::uint64_t>(range(-4096, 4096));
      case 2: return static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(rng_())));
      default: return rng_();
    }
  }
  // Registers: x8, x30 and x31 hold data addresses and are never written.
  static bool writable(unsigned r) { return r != 8 && r != 30 && r != 31; }
  unsigned src() { return chance(8) ? 0 : static_cast<unsigned>(u(32)); }
  unsigned dst() {  // may be x0
    if (chance(12)) return 0;
    for (;;) {
      unsigned r = 1 + static_cast<unsigned>(u(31));
      if (writable(r)) return r;
    }
  }
  unsigned dst_nz() {
    for (;;)
      if (unsigned r = dst(); r) return r;
  }
  unsigned src_p() { return 8 + static_cast<unsigned>(u(8)); }  // x8..x15
  unsigned dst_p() { return 9 + static_cast<unsigned>(u(7)); }  // x9..x15 (x8 reserved)
  std::int64_t imm12() {
    static constexpr std::int64_t ext[] = {-2048, 2047, 0, -1, 1};
    return chance(3) ? pick(ext) : range(-2048, 2047);
  }
  std::int32_t imm6() {
    static constexpr std::int32_t ext[] = {-32, 31, 0, -1, 1};
    return chance(3) ? pick(ext) : static_cast<std::int32_t>(range(-32, 31));
  }
  std::int32_t nzimm6() {
    for (;;)
      if (auto v = imm6(); v != 0) return v;
  }
  unsigned shamt(unsigned bits) {
    static constexpr unsigned ext64[] = {0, 31, 32, 63, 1}, ext32[] = {0, 31, 1, 16};
    if (chance(3)) return bits == 6 ? pick(ext64) : pick(ext32);
    return static_cast<unsigned>(u(1u << bits));
  }
  std::int64_t uimm() {  // U-type immediate (multiple of 4096 in int32)
    static constexpr std::int64_t ext[] = {0, -2147483648ll, 0x7ffff000, -4096, 4096};
    return chance(3) ? pick(ext) : range(-524288, 524287) * 4096;
  }

  void add(std::uint32_t w) {
    Insn i;
    i.word = w;
    cur_->push_back(std::move(i));
  }
  void addc(std::uint16_t h, const char* kind) {
    Insn i;
    i.word = h;
    i.len = 2;
    i.ckind = kind;
    cur_->push_back(std::move(i));
  }
  // A forward control transfer to the start of the group after the next 0..3 groups (clamped to the
  // epilogue at layout). Its offset is measured from instruction `ref` of this group (default: itself).
  void add_jump(std::uint8_t len, const char* ckind, std::function<std::uint32_t(std::int64_t)> enc, int ref = -1) {
    Insn i;
    i.len = len;
    i.ckind = ckind;
    i.encode_at = std::move(enc);
    i.target = static_cast<int>(groups_->size()) + static_cast<int>(u(4));  // this group is size()-1
    i.ref = ref < 0 ? static_cast<int>(cur_->size()) : ref;
    i.word = i.encode_at(2 * len);  // placeholder, re-encoded by layout()
    cur_->push_back(std::move(i));
  }
  // addi rA, base, off with a writable rA != x0; returns rA.
  unsigned address_reg(std::int64_t off, unsigned base = 31) {
    const unsigned ra = dst_nz();
    add(isa::encode<isa::Addi>(ra, base, off));
    return ra;
  }
  std::int64_t aligned_off(unsigned alignment) {
    static constexpr std::int64_t ext[] = {-2048, 0};
    const auto align = static_cast<std::int64_t>(alignment);
    if (chance(4)) return pick(ext);
    return range(-2048 / align, (2047 - 7) / align) * align;
  }

  template <class K>
  const K& pick(const std::vector<K>& v) { return v[u(v.size())]; }

  void rtype(testgen::RegRegFn enc) {
    unsigned rd = dst(), rs1 = src(), rs2 = src();
    switch (u(8)) {
      case 0: rs1 = rs2 = rd; break;  // rd == rs1 == rs2
      case 1: rs1 = rd; break;
      case 2: rs2 = rd; break;
      case 3: rs1 = rs2; break;
      default: break;
    }
    add(enc(rd, rs1, rs2));
  }
  void unary(testgen::UnaryFn enc) {
    unsigned rd = dst(), rs1 = chance(4) ? rd : src();
    add(enc(rd, rs1));
  }
  void itype(testgen::RegImmFn enc) {
    unsigned rd = dst(), rs1 = chance(4) ? rd : src();
    add(enc(rd, rs1, imm12()));
  }
  void shift(testgen::RegShamtFn enc, unsigned bits) {
    unsigned rd = dst(), rs1 = chance(4) ? rd : src();
    add(enc(rd, rs1, shamt(bits)));
  }
  void load(testgen::RegImmFn enc) {
    const unsigned rd = dst();
    if (chance(3)) add(enc(rd, 8, range(-2048, 248)));  // x8-relative
    else add(enc(rd, 31, imm12()));                     // x31-relative, any alignment
  }
  void store(testgen::RegImmFn enc) {
    const unsigned rs2 = src();
    if (chance(3)) add(enc(8, rs2, range(-2048, 248)));  // stays below the dump area
    else add(enc(31, rs2, imm12()));
  }
  void branch(testgen::RegImmFn enc) {
    const unsigned rs1 = src(), rs2 = chance(5) ? rs1 : src();
    add_jump(4, nullptr, [=](std::int64_t off) { return enc(rs1, rs2, off); });
  }
  std::uint32_t aqrl() { return chance(2) ? static_cast<std::uint32_t>(u(4)) << 25 : 0; }
  void amo(const testgen::Kind<testgen::RegRegFn>& k) {
    unsigned ra;
    if (chance(4)) ra = chance(2) ? 31 : 8;
    else ra = address_reg(aligned_off(k.width));
    const unsigned rd = chance(6) && writable(ra) ? ra : dst(), rs2 = chance(6) ? ra : src();
    add(k.enc(rd, ra, rs2) | aqrl());
  }
  // An LR and an SC of the same width.
  void lr_sc(const testgen::Kinds& kinds) {
    const auto& lr = pick(kinds.lr);
    testgen::RegRegFn sc = nullptr;
    for (const auto& s : kinds.sc)
      if (s.width == lr.width && (sc == nullptr || chance(2))) sc = s.enc;
    if (sc == nullptr) return;
    const unsigned W = lr.width;
    const unsigned ra = address_reg(aligned_off(W));
    auto not_ra = [&] {
      unsigned r;
      do r = dst(); while (r == ra);
      return r;
    };
    switch (u(4)) {
      case 0:  // sc with no reservation: fails (rd = 1), stores nothing
        add(sc(dst(), ra, src()) | aqrl());
        break;
      case 1: {  // lr at one address, sc at another: fails
        add(lr.enc(not_ra(), ra, 0) | aqrl());
        const unsigned rb = address_reg(std::int64_t{W} * 2 * (1 + static_cast<std::int64_t>(u(4))), ra);
        add(sc(dst(), rb, src()) | aqrl());
        break;
      }
      default: {  // lr; 0..2 ALU instructions (no memory access, ra kept); sc on the same address: succeeds
        add(lr.enc(not_ra(), ra, 0) | aqrl());
        for (auto k = u(3); k > 0; --k) add(isa::encode<isa::Add>(not_ra(), src(), src()));
        add(sc(dst(), ra, src()) | aqrl());
        break;
      }
    }
  }
  // rs1/rs2 set to overflow / divide-by-zero values right before an R-type instruction (M's edge cases).
  void m_edge(testgen::RegRegFn enc) {
    const unsigned a = dst_nz();
    unsigned b;
    do b = dst_nz(); while (b == a);
    switch (u(3)) {
      case 0: add(isa::encode<isa::Addi>(a, 0, -1)); add(isa::encode<isa::Slli>(a, a, 63)); break;  // INT64_MIN
      case 1: add(isa::encode<isa::Lui>(a, -2147483648ll)); break;                                   // INT32_MIN
      default: add(isa::encode<isa::Addi>(a, 0, imm12())); break;
    }
    add(isa::encode<isa::Addi>(b, 0, chance(2) ? -1 : 0));
    add(enc(dst(), a, b));
  }

  void emit_random() {
    using namespace isa;
    // The instruction kinds come from the instruction set (insn_kinds.hpp); the case numbers keep
    // roughly the old mix (R-type ALU and M 28/130, AMOs 18/130, compressed 30/130, ...).
    const testgen::Kinds& k = *isa_.kinds;
    const unsigned c = static_cast<unsigned>(u(130));
    if (c < 28) {
      if (!k.unary.empty() && chance(6)) unary(pick(k.unary).enc);
      else rtype(pick(k.alu_rr).enc);
      return;
    }
    if (c < 35) return itype(pick(k.alu_ri).enc);
    if (c < 41) {
      const bool w = u(k.shift64.size() + k.shift32.size()) >= k.shift64.size();
      return shift(pick(w ? k.shift32 : k.shift64).enc, w ? 5 : 6);
    }
    if (c < 43) return add(pick(k.upper).enc(dst(), uimm()));
    if (c < 44) return m_edge(pick(k.alu_rr).enc);
    if (c < 51) return load(pick(k.loads).enc);
    if (c < 55) return store(pick(k.stores).enc);
    if (c < 61) return branch(pick(k.branches).enc);
    if (c >= 64 && c < 66) return lr_sc(k);
    if (c >= 66 && c < 84) return amo(pick(k.amos));
    if (c >= 84 && c < 86) return add(pick(k.fences).enc());
    switch (c) {
      case 61: {
        const unsigned rd = dst();
        add_jump(4, nullptr, [=](std::int64_t off) { return encode<Jal>(rd, off); });
        break;
      }
      case 62: {  // auipc rT, 0; jalr rd, off(rT) (sometimes odd: bit 0 is cleared)
        const unsigned rt = dst_nz(), rd = chance(4) ? rt : dst();
        const int odd = chance(3);
        add(encode<Auipc>(rt, 0));
        add_jump(4, nullptr, [=](std::int64_t off) { return encode<Jalr>(rd, rt, off + odd); }, 0);
        break;
      }
      case 63: {  // auipc rT, 0; addi rT, rT, off; c.jr rT / c.jalr rT / jalr rd, 0(rT)
        const unsigned rt = dst_nz(), rd = dst();
        const auto kind = u(3);
        add(encode<Auipc>(rt, 0));
        add_jump(4, nullptr, [=](std::int64_t off) { return encode<Addi>(rt, rt, off); }, 0);
        if (kind == 0) addc(c::jr(rt), "c.jr");
        else if (kind == 1) addc(c::jalr(rt), "c.jalr");
        else add(encode<Jalr>(rd, rt, 0));
        break;
      }
      // Compressed
      case 86: addc(c::addi(dst_nz(), nzimm6()), "c.addi"); break;
      case 87: addc(c::nop(), "c.nop"); break;
      case 88: addc(c::addiw(dst_nz(), imm6()), "c.addiw"); break;
      case 89: addc(c::li(dst_nz(), imm6()), "c.li"); break;
      case 90: {
        unsigned rd;
        do rd = dst_nz(); while (rd == 2);
        addc(c::lui(rd, nzimm6()), "c.lui");
        break;
      }
      case 91: {
        std::int32_t imm;
        do imm = static_cast<std::int32_t>(range(-32, 31)) * 16; while (imm == 0);
        addc(c::addi16sp(imm), "c.addi16sp");
        break;
      }
      case 92: addc(c::addi4spn(dst_p(), static_cast<std::uint32_t>(range(1, 255)) * 4), "c.addi4spn"); break;
      case 93: addc(c::slli(dst_nz(), static_cast<unsigned>(range(1, 63))), "c.slli"); break;
      case 94: addc(c::srli(dst_p(), static_cast<unsigned>(range(1, 63))), "c.srli"); break;
      case 95: addc(c::srai(dst_p(), static_cast<unsigned>(range(1, 63))), "c.srai"); break;
      case 96: addc(c::andi(dst_p(), imm6()), "c.andi"); break;
      case 97: addc(c::sub(dst_p(), src_p()), "c.sub"); break;
      case 98: addc(c::xor_(dst_p(), src_p()), "c.xor"); break;
      case 99: addc(c::or_(dst_p(), src_p()), "c.or"); break;
      case 100: addc(c::and_(dst_p(), src_p()), "c.and"); break;
      case 101: addc(c::subw(dst_p(), src_p()), "c.subw"); break;
      case 102: addc(c::addw(dst_p(), src_p()), "c.addw"); break;
      case 103: addc(c::mv(dst_nz(), 1 + static_cast<unsigned>(u(31))), "c.mv"); break;
      case 104: addc(c::add(dst_nz(), 1 + static_cast<unsigned>(u(31))), "c.add"); break;
      case 105: addc(c::lw(dst_p(), 8, static_cast<std::uint32_t>(u(32)) * 4), "c.lw"); break;
      case 106: addc(c::ld(dst_p(), 8, static_cast<std::uint32_t>(u(32)) * 8), "c.ld"); break;
      case 107: addc(c::sw(8, src_p(), static_cast<std::uint32_t>(u(32)) * 4), "c.sw"); break;
      case 108: addc(c::sd(8, src_p(), static_cast<std::uint32_t>(u(32)) * 8), "c.sd"); break;
      case 109: case 110: case 111: case 112:  // x2 = x31 + k, then an sp-relative access
        add(encode<Addi>(2, 31, range(-2048, 2047 - 512)));
        switch (u(4)) {
          case 0: addc(c::lwsp(dst_nz(), static_cast<std::uint32_t>(u(64)) * 4), "c.lwsp"); break;
          case 1: addc(c::ldsp(dst_nz(), static_cast<std::uint32_t>(u(64)) * 8), "c.ldsp"); break;
          case 2: addc(c::swsp(src(), static_cast<std::uint32_t>(u(64)) * 4), "c.swsp"); break;
          default: addc(c::sdsp(src(), static_cast<std::uint32_t>(u(64)) * 8), "c.sdsp"); break;
        }
        break;
      case 113: add_jump(2, "c.j", [](std::int64_t off) { return c::j(static_cast<std::int32_t>(off)); }); break;
      case 114: {
        const unsigned rs = src_p();
        add_jump(2, "c.beqz", [=](std::int64_t off) { return c::beqz(rs, static_cast<std::int32_t>(off)); });
        break;
      }
      case 115: {
        const unsigned rs = src_p();
        add_jump(2, "c.bnez", [=](std::int64_t off) { return c::bnez(rs, static_cast<std::int32_t>(off)); });
        break;
      }
      // x0 as destination, and more of the common ones
      default:
        switch (u(6)) {
          case 0: add(encode<Add>(0, src(), src())); break;
          case 1: add(encode<Addi>(0, src(), imm12())); break;
          case 2: add(encode<Lui>(0, uimm())); break;
          case 3: add(encode<Div>(0, src(), src())); break;
          case 4: rtype(Add::encode); break;
          default: itype(Addi::encode); break;
        }
        break;
    }
  }
};

// ---------------------------------------------------------------------------------------------
namespace detail {
inline void put32(std::vector<std::uint8_t>& t, std::uint32_t w) {
  for (int i = 0; i < 4; ++i) t.push_back(static_cast<std::uint8_t>(w >> (8 * i)));
}
inline void put(std::vector<std::uint8_t>& t, const Insn& i) {
  t.push_back(static_cast<std::uint8_t>(i.word));
  t.push_back(static_cast<std::uint8_t>(i.word >> 8));
  if (i.len == 4) {
    t.push_back(static_cast<std::uint8_t>(i.word >> 16));
    t.push_back(static_cast<std::uint8_t>(i.word >> 24));
  }
}
}  // namespace detail

// Assembles prologue + groups + epilogue into p.text (re-encoding every control transfer).
inline void layout(Program& p) {
  using namespace isa;
  std::vector<std::uint8_t>& t = p.text;
  t.clear();
  // Prologue: x31 = base31, x8 = base8, x30 = log_base, x1..x29 (but x8) from the init area.
  detail::put32(t, encode<Lui>(31, static_cast<std::int64_t>(base31)));
  detail::put32(t, encode<Lui>(8, static_cast<std::int64_t>(base8 + 0x800)));
  detail::put32(t, encode<Addi>(8, 8, -2048));
  detail::put32(t, encode<Lui>(30, static_cast<std::int64_t>(log_base + 0x800)));
  detail::put32(t, encode<Addi>(30, 30, -2048));
  for (unsigned r = 1; r <= 29; ++r)
    if (r != 8) detail::put32(t, encode<Ld>(r, 8, static_cast<std::int64_t>(init_addr - base8 + 8 * (r - 1))));
  p.seq_begin = text_base + t.size();
  // Addresses of every group start (and of the epilogue, index groups.size()).
  std::vector<std::uint64_t> gaddr(p.groups.size() + 1);
  std::uint64_t a = p.seq_begin;
  for (std::size_t g = 0; g < p.groups.size(); ++g) {
    gaddr[g] = a;
    for (auto& i : p.groups[g]) a += i.len;
  }
  gaddr[p.groups.size()] = a;
  p.seq_end = a;
  for (std::size_t g = 0; g < p.groups.size(); ++g) {
    std::vector<std::uint64_t> iaddr;
    for (std::uint64_t ia = gaddr[g]; auto& i : p.groups[g]) iaddr.push_back(ia), ia += i.len;
    for (auto& i : p.groups[g]) {
      if (i.target >= 0 && i.encode_at) {
        const std::size_t tg = std::min<std::size_t>(static_cast<std::size_t>(i.target), p.groups.size());
        i.word = i.encode_at(static_cast<std::int64_t>(gaddr[tg]) -
                             static_cast<std::int64_t>(iaddr[static_cast<std::size_t>(i.ref)]));
      }
      detail::put(t, i);
    }
  }
  // Epilogue: dump x1..x31, write(1, dump, 248), write(1, memory, n), exit(0).
  for (unsigned r = 1; r <= 31; ++r)
    detail::put32(t, encode<Sd>(8, r, static_cast<std::int64_t>(dump_addr - base8 + 8 * (r - 1))));
  auto li32 = [&](unsigned rd, std::uint64_t v) {  // v < 2^31
    const std::int64_t lo = static_cast<std::int64_t>(v & 0xfff) - ((v & 0x800) ? 0x1000 : 0);
    const std::int64_t hi = static_cast<std::int64_t>(v) - lo;
    if (hi) {
      detail::put32(t, encode<Lui>(rd, hi));
      detail::put32(t, encode<Addi>(rd, rd, lo));
    } else {
      detail::put32(t, encode<Addi>(rd, 0, lo));
    }
  };
  li32(10, 1), li32(11, dump_addr), li32(12, regs_dump_bytes), li32(17, 64);
  detail::put32(t, encode<Ecall>());
  li32(10, 1), li32(11, out_lo), li32(12, out_hi - out_lo), li32(17, 64);
  detail::put32(t, encode<Ecall>());
  li32(10, 0), li32(17, 93);
  detail::put32(t, encode<Ecall>());
}

// ELF64 LE, EM_RISCV, ET_EXEC, two PT_LOAD segments (text R+X, data RW), no sections.
inline std::vector<std::uint8_t> make_elf(const Program& p) {
  std::vector<std::uint8_t> data(data_size, 0);
  std::memcpy(&data[scratch_lo - data_base], p.scratch.data(), p.scratch.size());
  for (unsigned r = 1; r <= 29; ++r) std::memcpy(&data[init_addr - data_base + 8 * (r - 1)], &p.init[r], 8);
  const std::uint64_t text_size = p.text.size();
  if (text_base + text_size > data_base)
    throw std::length_error("random program text does not fit below the data segment (RVTRACE_RANDOM_LEN too large)");
  const std::uint64_t data_off = (text_file_offset + text_size + 0xfff) & ~std::uint64_t{0xfff};
  std::vector<std::uint8_t> f(data_off + data_size, 0);
  auto w16 = [&](std::size_t o, std::uint16_t v) { std::memcpy(&f[o], &v, 2); };
  auto w32 = [&](std::size_t o, std::uint32_t v) { std::memcpy(&f[o], &v, 4); };
  auto w64 = [&](std::size_t o, std::uint64_t v) { std::memcpy(&f[o], &v, 8); };
  static constexpr std::uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
  std::memcpy(f.data(), ident, 16);
  w16(0x10, 2);          // ET_EXEC
  w16(0x12, 243);        // EM_RISCV
  w32(0x14, 1);          // EV_CURRENT
  w64(0x18, text_base);  // e_entry
  w64(0x20, 64);         // e_phoff
  w64(0x28, 0);          // e_shoff
  w32(0x30, 0x1);        // e_flags: EF_RISCV_RVC, soft-float ABI
  w16(0x34, 64);         // e_ehsize
  w16(0x36, 56);         // e_phentsize
  w16(0x38, 2);          // e_phnum
  w16(0x3a, 64);         // e_shentsize
  auto phdr = [&](std::size_t o, std::uint32_t flags, std::uint64_t off, std::uint64_t vaddr, std::uint64_t size) {
    w32(o, 1);  // PT_LOAD
    w32(o + 4, flags);
    w64(o + 8, off);
    w64(o + 0x10, vaddr);
    w64(o + 0x18, vaddr);
    w64(o + 0x20, size);
    w64(o + 0x28, size);
    w64(o + 0x30, 0x1000);
  };
  phdr(64, 4 | 1, text_file_offset, text_base, text_size);  // R+X
  phdr(64 + 56, 4 | 2, data_off, data_base, data_size);     // RW
  std::memcpy(&f[text_file_offset], p.text.data(), text_size);
  std::memcpy(&f[data_off], data.data(), data_size);
  return f;
}

// One line per instruction of the random sequence: address, hex word, what it decodes to.
inline std::string listing(const Program& p) {
  std::string s;
  std::uint64_t a = p.seq_begin;
  for (auto& g : p.groups)
    for (auto& i : g) {
      char buf[128];
      const auto d = p.isa->decode(i.len == 2 ? i.word & 0xffff : i.word);
      std::snprintf(buf, sizeof buf, "  %#07llx: %0*x  %s%s%s rd=x%u rs1=x%u rs2=x%u imm=%lld\n",
                    (unsigned long long)a, i.len == 2 ? 4 : 8, i.word, i.ckind ? i.ckind : i.log ? "(log)" : "",
                    i.ckind ? " -> " : i.log ? " " : "", std::string(p.isa->name_of(d.id)).c_str(), unsigned(d.ops.rd),
                    unsigned(d.ops.rs1), unsigned(d.ops.rs2), (long long)d.ops.imm);
      s += buf;
      a += i.len;
    }
  return s;
}

// Replaces group g by nops of the same length (keeps the layout, so every other target stays valid).
inline void neutralize(Program& p, std::size_t g) {
  for (auto& i : p.groups[g]) {
    i.word = i.len == 2 ? c::nop() : isa::encode<isa::Addi>(0, 0, 0);
    i.ckind = i.len == 2 ? "c.nop" : nullptr;
    i.encode_at = nullptr;
    i.target = -1;
    i.log = false;
  }
}

}  // namespace rvtrace::randprog
