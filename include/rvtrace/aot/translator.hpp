#pragma once
// Whole-program translation, before the run, of a DecodedProgram into x86_64 with the Emitter.
//
// Layout of the generated code:
//  - enter(Context*, host_target): saves callee-saved registers, copies the Context into its stack frame
//    (rsp addresses it), loads the fixed and mapped registers, jumps to the target; exit_common /
//    exit_nostore write the state back, copy the Context back and return.
//  - the primary instruction stream (linear sweep s -> s + len over every executable range) in basic
//    blocks. A block starts with `sub [rsp+budget], n; jb limit_exit`: steps are charged per block, and a
//    block that would cross until_step exits to the runtime (which finishes with the interpreter).
//    Direct branches/jal jump straight to their target's entry. Accesses of a block that share an
//    unchanged base register get one hoisted bounds check (plan_hulls, Emitter::prove).
//  - every other slot (the middle of a 4-byte instruction) continues in the interpreter (its table
//    entry leaves native code), which steps until a pc native code enters: every 2-byte slot is a
//    valid entry point.
//  - cold code: mid-block entry stubs (charge the rest of the block, then jump into it; or none, and
//    the interpreter runs up to the next block: Translation::mid_block_stubs), fault and limit exits,
//    constants.
// Registers: a global map (allocate_registers); call-free innermost loops get their own (loop_map,
// switched on the edges into and out of the loop), and their blocks may hold registers block-locally
// (allocate_block). Inside a block, plan_block finds rotates, dead writes and 32-bit results that need
// no sign extension.
// A pc -> host address table (one entry per 2-byte slot) serves jalr and runtime entry; targets
// outside the executable range (or in gaps) continue in the interpreter, which reports the fault
// exactly as it always does.
#include <xbyak/xbyak.h>
#include <xbyak/xbyak_util.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <map>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "rvtrace/aot/emitter.hpp"
#include "rvtrace/interp/program.hpp"
#include "rvtrace/isa/decoder.hpp"
#include "rvtrace/isa/facts.hpp"
#include "rvtrace/isa/rv64zb.hpp"

namespace rvtrace::aot {

// What the translation of any region needs to know about the whole program (analyze_stream).
struct StreamAnalysis {
  std::vector<bool> primary, leader;  // the linear sweep's instructions, basic block leaders
  std::vector<bool> referenced;       // slots a direct jump or a fallthrough names (bound entry Refs)
  RegMap map{};                       // the global register map
};

// The product of translate(): code (read+execute), the per-slot entry table and the register map.
// The slots are cut into regions of region_slots; each region is translated into its own code buffer,
// all at once (translate) or when native code first enters it (start_translation, translate_region).
// A slot of a region not yet translated has the table entry `untranslated`, which leaves native code
// for the runtime with that pc, as for the interpreter.
struct Translation {
  using EnterFn = void (*)(Context*, const void* target);
  std::vector<std::unique_ptr<Xbyak::CodeGenerator>> code;  // one per translated region
  std::vector<const void*> table;  // host entry per 2-byte slot of [lo, hi)
  EnterFn enter = nullptr;
  RegMap map{};
  std::vector<bool> interp_entry;  // per slot: entering there continues in the interpreter
  std::size_t blocks = 0;
  std::size_t warm_words = 0;  // trace mode: words of warm-block records the runner provides
  std::size_t region_slots = 0;
  std::vector<bool> translated;  // per region
  // Mid-block entries (only through the pc table: a jalr into a block, a run resumed mid-block): a
  // native stub per instruction (charge the rest of the block, check its hulls, jump in), or the
  // interpreter up to the next block (no code: about 40% less code to emit).
  bool mid_block_stubs = true;
  StreamAnalysis stream;
  const void* untranslated = nullptr;
  // Scratch of the region translations (per slot, entries of the region being translated only).
  std::vector<std::uint32_t> block_at;
  std::vector<const std::uint8_t*> slot_addr, body_addr;
  std::vector<bool> local_slot;
  std::size_t regions() const { return translated.size(); }
  std::size_t region_of(std::size_t slot) const { return slot / region_slots; }
  std::size_t code_bytes() const {
    std::size_t n = 0;
    for (const auto& c : code) n += c->getSize();
    return n;
  }
};

namespace detail {

// What the translator knows about an instruction: derived from its exec (isa/facts.hpp), never listed.
// The table is the program's instruction set's (DecodedProgram::isa): translate_once sets it for the
// thread while it translates, so the planning helpers below can take bare ids.
inline thread_local std::span<const isa::InsnFacts> current_facts{isa::instruction_facts};
inline const isa::InsnFacts& facts(std::uint16_t id) { return current_facts[id]; }
class FactsScope {
 public:
  explicit FactsScope(std::span<const isa::InsnFacts> f) : saved_(current_facts) { current_facts = f; }
  ~FactsScope() { current_facts = saved_; }
  FactsScope(const FactsScope&) = delete;
  FactsScope& operator=(const FactsScope&) = delete;

 private:
  std::span<const isa::InsnFacts> saved_;
};

// Instructions that end a basic block (they may transfer control or stop the run).
inline bool ends_block(std::uint16_t id) { return facts(id).ends_block; }
// Direct control targets (branches, jal): the pc-relative immediate.
inline bool direct_target(std::uint16_t id) { return facts(id).direct(); }
// A jump that writes a link register (rd != 0): a call.
inline bool is_call(const isa::Decoded& d) {
  const isa::InsnFacts& f = facts(d.id);
  return f.control == isa::Control::jump && f.writes_rd && d.ops.rd != 0;
}

// Plain loads/stores (one access at x(rs1) + imm): their width, 0 for anything else.
inline unsigned access_width(std::uint16_t id, bool& store) {
  const isa::InsnFacts& f = facts(id);
  store = f.plain_access() && f.is_store();
  return f.plain_access() ? f.width : 0;
}
// Registers (bit r) an instruction may write.
inline std::uint32_t written_regs(const isa::Decoded& d) { return facts(d.id).writes(d.ops); }

// Bounds-check hoisting for a block: accesses with the same base register, unchanged in between (and no
// ecall in between), share one hull check at the first of them, per window (loads, stores) that has at
// least two. Returns the hulls to prove before each instruction of the block.
inline std::vector<Emitter::Hulls> plan_hulls(const DecodedProgram& prog, const std::vector<std::size_t>& block) {
  std::vector<Emitter::Hulls> plan(block.size());
  struct Group {
    bool open = false;
    std::size_t k0 = 0;
    unsigned n[2] = {0, 0};
    std::int64_t lo[2] = {0, 0}, hi[2] = {0, 0};
  };
  std::array<Group, 32> groups{};
  auto close = [&](unsigned g) {
    Group& gr = groups[g];
    if (gr.open)
      for (int st = 0; st < 2; ++st)
        if (gr.n[st] >= 2) plan[gr.k0].push_back({static_cast<std::uint8_t>(g), st == 1, gr.lo[st], gr.hi[st]});
    gr = Group{};
  };
  for (std::size_t k = 0; k < block.size(); ++k) {
    const isa::Decoded& d = prog.slots[block[k]];
    if (facts(d.id).host_call)
      for (unsigned g = 1; g < 32; ++g) close(g);
    bool store = false;
    if (const unsigned w = access_width(d.id, store); w && d.ops.rs1 != 0) {
      Group& gr = groups[d.ops.rs1];
      if (!gr.open) gr.open = true, gr.k0 = k;
      const int st = store ? 1 : 0;
      const std::int64_t lo = d.ops.imm, hi = lo + w;
      if (gr.n[st]++ == 0) gr.lo[st] = lo, gr.hi[st] = hi;
      gr.lo[st] = std::min(gr.lo[st], lo), gr.hi[st] = std::max(gr.hi[st], hi);
    }
    for (std::uint32_t w = written_regs(d); w; w &= w - 1) close(static_cast<unsigned>(__builtin_ctz(w)));
  }
  for (unsigned g = 1; g < 32; ++g) close(g);
  return plan;
}

// Warm blocks (trace mode, Emitter::warm_check): the base registers (at most 4) through which the
// block's plain loads and stores access memory and which the block does not write (a register the
// block writes, a moving pointer, would rarely match its record), most used first; empty when fewer
// than 2 accesses would skip their mark test, or when the block has an ecall (it clears the marks).
inline std::vector<std::uint8_t> plan_warm(const DecodedProgram& prog, const std::vector<std::size_t>& block) {
  std::array<unsigned, 32> uses{};
  std::uint32_t written = 0;
  for (const std::size_t i : block) {
    const isa::Decoded& d = prog.slots[i];
    if (facts(d.id).host_call) return {};
    bool store = false;
    if (access_width(d.id, store) && d.ops.rs1 != 0) ++uses[d.ops.rs1];
    written |= written_regs(d);
  }
  for (unsigned r = 0; r < 32; ++r)
    if (written >> r & 1) uses[r] = 0;
  std::vector<std::uint8_t> bases;
  unsigned covered = 0;
  for (int pick = 0; pick < 4; ++pick) {
    const auto best = std::max_element(uses.begin(), uses.end());
    if (*best == 0) break;
    bases.push_back(static_cast<std::uint8_t>(best - uses.begin()));
    covered += *best;
    *best = 0;
  }
  if (covered < 2) bases.clear();
  return bases;
}

// Pattern rewrites: an instruction whose result, given the instructions before it in its block, is
// another instruction's semantics, is emitted and analysed as that instruction (isa/rv64zb.hpp):
//  - `or rd, a, b`, a and b last written in this block by srli/slli (srliw/slliw) of one register x by
//    complementary amounts, x unchanged since: rori (roriw) rd, x, the right shift's amount;
//  - `and rd, t, y`, t last written by `xori t, x, -1`, x unchanged since: andn rd, y, x.
// (tests/isa/test_rewrites.cpp checks at compile time that each rewrite computes what the original
// instructions do.) The instructions are recognized by their semantics (InsnFacts::shape), not ids.
struct Rewrite {
  enum Kind : std::uint8_t { none, rori, roriw, andn } kind = none;
  isa::Operands ops{};
};
template <class F>
void with_rewrite(Rewrite::Kind k, F&& f) {
  namespace h = boost::hana;
  switch (k) {
    case Rewrite::rori: return f(h::type_c<isa::Rori>);
    case Rewrite::roriw: return f(h::type_c<isa::Roriw>);
    case Rewrite::andn: return f(h::type_c<isa::Andn>);
    case Rewrite::none: return;
  }
}
inline const isa::InsnFacts& rewrite_facts(Rewrite::Kind k) {
  static constexpr std::array<isa::InsnFacts, 3> f{isa::analyze<isa::Rori>(), isa::analyze<isa::Roriw>(),
                                                   isa::analyze<isa::Andn>()};
  return f[k - 1];
}

// Cross-instruction planning of a block, on the decoded instructions:
//  - rewrites (above). The code from the first instruction of the pattern to the rewritten one relies
//    on it, so entering the block in between (only through the pc table: an indirect jump or a resumed
//    run) continues in the interpreter up to a safe entry.
//  - dead writes: a pure instruction (InsnFacts::pure) whose rd is overwritten later in the block before
//    being read (a rewrite reads what its new operands name), with no possible exit from the block
//    (unproven access, hull check, host call, AMO) up to and including the overwriting instruction,
//    needs no code. Mid-block entries stay exact: they never read the register before it is written again.
//  - demanded bits: a 32-bit result (InsnFacts::low32_ok) whose readers, up to the next write of its
//    register and with no possible exit in between, use only its low 32 bits (InsnFacts::rs1_bits...)
//    needs no sign extension. Entries stay exact: a sign-extended value is as good to those readers.
struct BlockPlan {
  std::vector<Rewrite> rewrite;
  std::vector<bool> dead, no_entry, low32, exits;  // exits: may leave the block (before its write)
  std::vector<std::array<std::uint8_t, 32>> need;  // before each instruction: 0 = the value is dead
  std::vector<std::array<std::uint8_t, 3>> reads;  // registers each instruction's code reads (0: none)
  std::vector<std::uint8_t> writes;                // the register it writes (0: none, or dropped)
};

// The shape operand o, in instruction d: a register number (or -1 if it is not a register field).
inline int shape_reg(const isa::ShapeOperand& o, const isa::Operands& ops) {
  if (o.kind != isa::ShapeOperand::field) return -1;
  return o.f == isa::Field::rs1 ? ops.rs1 : o.f == isa::Field::rs2 ? ops.rs2 : ops.rd;
}
// The shape's second operand as a constant (the immediate, or a constant), if it is one.
inline bool shape_const(const isa::ShapeOperand& o, const isa::Operands& ops, std::int64_t& c) {
  if (o.kind == isa::ShapeOperand::imm) return c = ops.imm, true;
  if (o.kind == isa::ShapeOperand::konst) return c = o.k, true;
  return false;
}

inline std::vector<Rewrite> plan_rewrites(const DecodedProgram& prog, const std::vector<std::size_t>& block,
                                          std::vector<bool>& no_entry) {
  const std::size_t n = block.size();
  std::vector<Rewrite> rw(n);
  auto d_at = [&](std::size_t q) -> const isa::Decoded& { return prog.slots[block[q]]; };
  auto writes = [&](std::size_t q, unsigned r) { return (written_regs(d_at(q)) >> r & 1) != 0; };
  auto last_write = [&](std::size_t k, unsigned r) {  // the last write of r before k (n: none)
    for (std::size_t q = k; q-- > 0;)
      if (writes(q, r)) return q;
    return n;
  };
  auto unchanged = [&](unsigned x, std::size_t from, std::size_t to) {
    for (std::size_t q = from; q < to; ++q)
      if (writes(q, x)) return false;
    return true;
  };
  // rd = op(register, constant): the register, the constant.
  auto reg_const = [&](std::size_t q, isa::VOp op, int& x, std::int64_t& c) {
    const isa::Decoded& d = d_at(q);
    const isa::Shape& s = facts(d.id).shape;
    return s.op == op && (x = shape_reg(s.a, d.ops)) > 0 && shape_const(s.b, d.ops, c);
  };
  // rd = op(register, register), two different nonzero registers.
  auto reg_reg = [&](const isa::Decoded& d, isa::VOp op, int& a, int& b) {
    const isa::Shape& s = facts(d.id).shape;
    return s.op == op && (a = shape_reg(s.a, d.ops)) > 0 && (b = shape_reg(s.b, d.ops)) > 0 && a != b;
  };
  for (std::size_t k = 0; k < n; ++k) {
    const isa::Decoded& d = d_at(k);
    int a = 0, b = 0;
    if (reg_reg(d, isa::VOp::or_, a, b)) {
      const std::size_t i = last_write(k, a), j = last_write(k, b);
      if (i == n || j == n) continue;
      for (const bool w : {false, true}) {
        int xl = 0, xr = 0;
        std::int64_t nl = 0, nr = 0;
        const isa::VOp sl = w ? isa::VOp::sllw : isa::VOp::sll, sr = w ? isa::VOp::srlw : isa::VOp::srl;
        const bool ok = (reg_const(i, sl, xl, nl) && reg_const(j, sr, xr, nr)) ||
                        (reg_const(j, sl, xl, nl) && reg_const(i, sr, xr, nr));
        const std::int64_t bits = w ? 32 : 64;
        if (!ok || xl != xr || nl <= 0 || nr <= 0 || nl + nr != bits) continue;
        const std::size_t first = std::min(i, j);
        if (!unchanged(static_cast<unsigned>(xl), first, k)) continue;
        rw[k] = {w ? Rewrite::roriw : Rewrite::rori,
                 isa::Operands{d.ops.rd, static_cast<std::uint8_t>(xl), 0, d.ops.len, static_cast<std::int32_t>(nr)}};
        for (std::size_t q = first + 1; q <= k; ++q) no_entry[q] = true;
      }
    } else if (reg_reg(d, isa::VOp::and_, a, b)) {
      for (int side = 0; side < 2 && rw[k].kind == Rewrite::none; ++side) {
        const int t = side ? b : a, y = side ? a : b;
        const std::size_t i = last_write(k, static_cast<unsigned>(t));
        int x = 0;
        std::int64_t c = 0;
        if (i == n || !reg_const(i, isa::VOp::xor_, x, c) || c != -1) continue;
        if (!unchanged(static_cast<unsigned>(x), i, k)) continue;
        rw[k] = {Rewrite::andn,
                 isa::Operands{d.ops.rd, static_cast<std::uint8_t>(y), static_cast<std::uint8_t>(x), d.ops.len, 0}};
        for (std::size_t q = i + 1; q <= k; ++q) no_entry[q] = true;
      }
    }
  }
  return rw;
}

inline BlockPlan plan_block(const DecodedProgram& prog, const std::vector<std::size_t>& block,
                            const std::vector<Emitter::Hulls>& hulls, const MemLayout& layout) {
  const std::size_t n = block.size();
  BlockPlan p;
  p.dead.assign(n, false);
  p.no_entry.assign(n, false);
  p.low32.assign(n, false);
  p.need.resize(n);
  p.reads.assign(n, {0, 0, 0});
  p.writes.assign(n, 0);
  std::vector<bool> exits(n, false), pure(n, false);
  Emitter::Hulls active;
  for (std::size_t k = 0; k < n; ++k) {
    const isa::Decoded& d = prog.slots[block[k]];
    const isa::InsnFacts& f = facts(d.id);
    if (!hulls[k].empty()) exits[k] = true;  // the hull check itself
    active.insert(active.end(), hulls[k].begin(), hulls[k].end());
    if (f.host_call) active.clear();
    if (f.plain_access()) {
      const std::int64_t lo = d.ops.imm, hi = lo + f.width;
      const bool store = f.is_store();
      bool covered = false;
      for (const Emitter::Hull& h : active)
        covered = covered || (d.ops.rs1 != 0 && h.g == d.ops.rs1 && h.lo <= lo && hi <= h.hi &&
                              (h.store == store || (h.store && layout.write_lo >= layout.read_lo)));
      if (!covered) exits[k] = true;
    } else if (f.may_fault || f.host_call || f.ebreak || f.reservation || f.fixed_regs() || f.writes_rs1 ||
               f.writes_rs2) {
      exits[k] = true;
    } else if (!f.ends_block) {
      pure[k] = f.pure();
    }
    const std::uint32_t w = written_regs(d);
    std::erase_if(active, [&](const Emitter::Hull& h) { return (w >> h.g & 1) != 0; });
  }
  p.exits = exits;
  p.rewrite = plan_rewrites(prog, block, p.no_entry);
  // Dead writes and demanded bits (backward). need[r]: what is read of r's value after this point.
  enum Need : std::uint8_t { none = 0, low = 1, full = 2 };
  auto need_of = [](unsigned bits) { return bits == 0 ? none : bits <= 32 ? low : full; };
  std::array<Need, 32> need;
  need.fill(full);  // the end of the block: everything
  for (std::size_t k = n; k-- > 0;) {
    const isa::Decoded& d = prog.slots[block[k]];
    const bool rewritten = p.rewrite[k].kind != Rewrite::none;
    const isa::InsnFacts& f = rewritten ? rewrite_facts(p.rewrite[k].kind) : facts(d.id);
    const isa::Operands& o = rewritten ? p.rewrite[k].ops : d.ops;
    const unsigned rd = f.writes_rd ? o.rd : 0;
    const Need out = rd != 0 ? need[rd] : full;
    if (rd != 0 && pure[k] && out == none) p.dead[k] = true;
    if (rd != 0 && pure[k] && out == low && f.low32_ok) p.low32[k] = true;
    if (!p.dead[k]) {
      p.writes[k] = static_cast<std::uint8_t>(rd);
      p.reads[k] = {static_cast<std::uint8_t>(f.reads_rs1 ? o.rs1 : 0), static_cast<std::uint8_t>(f.reads_rs2 ? o.rs2 : 0),
                    static_cast<std::uint8_t>(f.reads_rd ? o.rd : 0)};
    }
    if (exits[k]) {
      need.fill(full);
      for (std::size_t r = 0; r < 32; ++r) p.need[k][r] = need[r];
      continue;
    }
    if (p.dead[k]) {  // no code, reads nothing
      for (std::size_t r = 0; r < 32; ++r) p.need[k][r] = need[r];
      continue;
    }
    if (rd != 0 && f.writes_rd_always) need[rd] = none;
    auto use = [&](bool reads, unsigned r, const std::array<std::uint8_t, 2>& bits) {
      const Need q = need_of(bits[out == full ? 1 : 0]);
      if (reads && r != 0 && q > need[r]) need[r] = q;
    };
    use(f.reads_rs1, o.rs1, f.rs1_bits), use(f.reads_rs2, o.rs2, f.rs2_bits), use(f.reads_rd, o.rd, f.rd_bits);
    for (std::size_t r = 0; r < 32; ++r) p.need[k][r] = need[r];
  }
  return p;
}

// Block-local register allocation (for blocks of loops with their own map m0): during each instruction
// the host registers hold the guest registers it reads and writes, the others are kept by farthest next
// read (Belady); a register whose value is dead (BlockPlan::need) is dropped without a store, one that
// is not written since it was loaded (clean) too. The block starts in m0 and its last instruction runs
// in m0 again. moves[k]: stores and loads before instruction k, in order.
struct LocalAlloc {
  struct Move {
    bool store;
    std::uint8_t host, r;
  };
  std::vector<RegMap> map;  // the map each instruction runs in
  std::vector<std::vector<Move>> moves;
  // Is it worth it? Estimated register file accesses: the moves, against the block in m0 alone (a read
  // of a register m0 does not map costs one, a write two: x86 code computes in rax and stores).
  bool better = false;
};
inline LocalAlloc allocate_block(const BlockPlan& p, const RegMap& m0) {
  const std::size_t n = p.reads.size(), nh = HostRegs::guest_count();
  constexpr std::uint32_t kFar = ~std::uint32_t{0} >> 1;
  constexpr std::size_t kReuse = 12;  // (instructions)
  LocalAlloc a;
  a.map.resize(n);
  a.moves.resize(n);
  std::array<std::uint8_t, 16> host{};  // host register -> guest register (0: free)
  std::array<bool, 16> dirty{};         // the register file's copy may be stale
  for (int r = 1; r < 32; ++r)
    if (m0[r] >= 0) host[m0[r]] = static_cast<std::uint8_t>(r), dirty[m0[r]] = true;
  std::vector<std::array<std::uint32_t, 32>> next(n + 1);  // next read at or after k
  next[n].fill(kFar);
  for (std::size_t k = n; k-- > 0;) {
    next[k] = next[k + 1];
    for (std::uint8_t r : p.reads[k])
      if (r) next[k][r] = static_cast<std::uint32_t>(k);
  }
  auto where = [&](unsigned r) {
    for (std::size_t j = 0; j < nh; ++j)
      if (host[HostRegs::guest[j]] == r) return HostRegs::guest[j];
    return -1;
  };
  std::size_t mem_reads = 0;  // reads left in the register file (x86 memory operands)
  for (std::size_t k = 0; k + 1 < n; ++k) {
    std::array<std::uint8_t, 4> use{p.reads[k][0], p.reads[k][1], p.reads[k][2], p.writes[k]};
    for (std::size_t q = 0; q < 3; ++q) {  // a read not repeated soon stays a memory operand
      const std::uint8_t r = use[q];
      if (r == 0 || r == p.writes[k] || where(r) >= 0 || next[k + 1][r] <= k + kReuse) continue;
      bool dup = false;
      for (std::size_t z = 0; z < q; ++z) dup = dup || p.reads[k][z] == r;
      if (!dup) ++mem_reads;
      use[q] = 0;
    }
    auto used = [&](unsigned r) {
      return r != 0 && (r == p.reads[k][0] || r == p.reads[k][1] || r == p.reads[k][2] || r == p.writes[k]);
    };
    for (std::uint8_t r : use) {
      if (r == 0 || where(r) >= 0) continue;
      int best = -1;
      std::uint64_t best_score = 0;
      for (std::size_t j = 0; j < nh; ++j) {
        const int h = HostRegs::guest[j];
        const unsigned g = host[h];
        std::uint64_t score;
        if (g == 0) score = ~std::uint64_t{0};
        else if (used(g)) continue;
        else if (p.need[k][g] == 0) score = ~std::uint64_t{0} - 1;  // dead
        else score = (std::uint64_t{next[k][g]} << 1) | (dirty[h] ? 0 : 1);
        if (best < 0 || score > best_score) best = h, best_score = score;
      }
      const unsigned g = host[best];
      if (g != 0 && dirty[best] && p.need[k][g] != 0)
        a.moves[k].push_back({true, static_cast<std::uint8_t>(best), static_cast<std::uint8_t>(g)});
      host[best] = r, dirty[best] = false;
      // (an instruction that may exit before its write needs the register file's value there too)
      if (r == use[0] || r == use[1] || r == use[2] || p.exits[k])
        a.moves[k].push_back({false, static_cast<std::uint8_t>(best), r});
    }
    a.map[k].fill(-1);
    for (std::size_t j = 0; j < nh; ++j)
      if (const int h = HostRegs::guest[j]; host[h] != 0) a.map[k][host[h]] = h;
    if (const int h = p.writes[k] != 0 ? where(p.writes[k]) : -1; h >= 0) dirty[h] = true;
  }
  if (n > 0) {
    const std::size_t k = n - 1;
    for (std::size_t j = 0; j < nh; ++j) {
      const int h = HostRegs::guest[j];
      const unsigned g = host[h];
      if (g != 0 && m0[g] != h && dirty[h] && p.need[k][g] != 0)
        a.moves[k].push_back({true, static_cast<std::uint8_t>(h), static_cast<std::uint8_t>(g)});
    }
    for (int r = 1; r < 32; ++r)
      if (m0[r] >= 0 && host[m0[r]] != r)
        a.moves[k].push_back({false, static_cast<std::uint8_t>(m0[r]), static_cast<std::uint8_t>(r)});
    a.map[k] = m0;
  }
  std::size_t moves = mem_reads, plain = 0;
  for (std::size_t k = 0; k < n; ++k) {
    moves += a.moves[k].size();
    for (std::size_t q = 0; q < 3; ++q) {
      const std::uint8_t r = p.reads[k][q];
      bool dup = false;
      for (std::size_t z = 0; z < q; ++z) dup = dup || p.reads[k][z] == r;
      if (r != 0 && !dup && m0[r] < 0) plain += 1;
    }
    if (p.writes[k] != 0 && m0[p.writes[k]] < 0) plain += 2;
  }
  a.better = moves < plain;
  return a;
}

// The most used guest registers get host registers: a static count over the primary stream in which
// an instruction counts 16^d times, d = the number of loops (ranges of a backward branch or jal, not
// a call, of at most kMaxLoopSlots) around it, at most 4: inner loops decide. (Call-free innermost
// loops get their own map on top of this one: loop_map.)
// Longer backward branches are not counted as loops (junk decoded from data spans the whole text).
inline constexpr std::size_t kMaxLoopSlots = 256;
inline RegMap allocate_registers(const DecodedProgram& prog, const std::vector<bool>& primary) {
  const std::size_t slots = prog.slots.size();
  std::vector<std::size_t> loop_end(slots, 0);  // loop header -> its last backward branch (+1)
  for (std::size_t i = 0; i < slots; ++i) {
    if (!primary[i] || !direct_target(prog.slots[i].id) || prog.slots[i].ops.imm >= 0) continue;
    if (is_call(prog.slots[i])) continue;
    const std::size_t back = static_cast<std::size_t>(-static_cast<std::int64_t>(prog.slots[i].ops.imm)) / 2;
    if (back > kMaxLoopSlots) continue;  // (junk decoded from data, or a whole function)
    const std::size_t head = i >= back ? i - back : 0;
    loop_end[head] = std::max(loop_end[head], i + 1);
  }
  std::vector<std::uint8_t> depth(slots, 0);
  for (std::size_t h = 0; h < slots; ++h)
    for (std::size_t j = h; j < loop_end[h]; ++j) depth[j] = static_cast<std::uint8_t>(std::min(depth[j] + 1, 4));
  std::vector<std::uint64_t> weight(slots);
  for (std::size_t i = 0; i < slots; ++i) weight[i] = std::uint64_t{1} << (4 * depth[i]);
  std::array<std::uint64_t, 32> count{};
  for (std::size_t i = 0; i < slots; ++i) {
    if (!primary[i] || !prog.slots[i].legal()) continue;
    const auto& o = prog.slots[i].ops;
    count[o.rd] += weight[i], count[o.rs1] += weight[i], count[o.rs2] += weight[i];
  }
  std::array<int, 32> order;
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin() + 1, order.end(), [&](int a, int b) { return count[a] > count[b]; });
  RegMap map;
  map.fill(-1);
  const std::size_t n = HostRegs::guest_count();
  for (std::size_t j = 0; j < n && j + 1 < order.size(); ++j)
    if (count[order[j + 1]] > 0) map[order[j + 1]] = HostRegs::guest[j];
  return map;
}

// Innermost loops of the block graph (direct edges; a call's edge goes to its return point too):
// strongly connected components, decomposed recursively by removing the edges into a header, the
// components without a cycle inside are the innermost loops. Returns each block's loop (-1: none).
class LoopFinder {
 public:
  using Graph = std::vector<std::vector<std::uint32_t>>;
  LoopFinder(const Graph& succ, const Graph& pred)
      : succ_(succ), pred_(pred), tag_(succ.size(), 0), index_(succ.size(), -1), low_(succ.size(), 0),
        on_(succ.size(), 0), loop_(succ.size(), -1) {}
  std::vector<int> run() {
    std::vector<std::uint32_t> all(succ_.size());
    std::iota(all.begin(), all.end(), 0u);
    solve(all, 0, kNone, 0);
    return loop_;
  }
  int loops() const { return loops_; }

 private:
  static constexpr std::uint32_t kNone = ~std::uint32_t{0};
  // Returns whether S (the blocks tagged t, edges into `header` removed) contains a cycle.
  bool solve(const std::vector<std::uint32_t>& S, int t, std::uint32_t header, int depth) {
    if (depth > 8) return true;  // deeper nests (or junk decoded from data): no loop region
    bool found = false;
    for (std::vector<std::uint32_t>& c : sccs(S, t, header)) {
      if (c.size() == 1) {
        bool self = false;
        for (std::uint32_t w : succ_[c[0]]) self = self || (w == c[0] && w != header);
        if (!self) continue;
      }
      found = true;
      const int ct = ++tags_;
      for (std::uint32_t v : c) tag_[v] = ct;
      std::uint32_t h = kNone;  // the first block entered from outside (else the first one)
      for (std::uint32_t v : c)
        for (std::uint32_t p : pred_[v])
          if (tag_[p] != ct && (h == kNone || v < h)) h = v;
      if (h == kNone) h = *std::min_element(c.begin(), c.end());
      if (!solve(c, ct, h, depth + 1)) {
        for (std::uint32_t v : c) loop_[v] = loops_;
        ++loops_;
      }
    }
    return found;
  }
  // Tarjan's algorithm, iterative.
  std::vector<std::vector<std::uint32_t>> sccs(const std::vector<std::uint32_t>& S, int t, std::uint32_t header) {
    for (std::uint32_t v : S) index_[v] = -1, on_[v] = 0;
    std::vector<std::vector<std::uint32_t>> out;
    std::vector<std::uint32_t> stack;
    std::vector<std::pair<std::uint32_t, std::size_t>> call;
    int counter = 0;
    auto visit = [&](std::uint32_t v) {
      index_[v] = low_[v] = counter++;
      stack.push_back(v);
      on_[v] = 1;
      call.push_back({v, 0});
    };
    for (std::uint32_t root : S) {
      if (index_[root] != -1) continue;
      visit(root);
      while (!call.empty()) {
        const std::uint32_t v = call.back().first;
        if (call.back().second < succ_[v].size()) {
          const std::uint32_t w = succ_[v][call.back().second++];
          if (tag_[w] != t || w == header) continue;
          if (index_[w] == -1) visit(w);
          else if (on_[w]) low_[v] = std::min(low_[v], index_[w]);
          continue;
        }
        call.pop_back();
        if (!call.empty()) low_[call.back().first] = std::min(low_[call.back().first], low_[v]);
        if (low_[v] == index_[v]) {
          std::vector<std::uint32_t>& c = out.emplace_back();
          std::uint32_t w;
          do {
            w = stack.back();
            stack.pop_back();
            on_[w] = 0;
            c.push_back(w);
          } while (w != v);
        }
      }
    }
    return out;
  }
  const Graph& succ_;
  const Graph& pred_;
  std::vector<int> tag_, index_, low_;
  std::vector<char> on_;
  std::vector<int> loop_;
  int tags_ = 0, loops_ = 0;
};

// A loop's own register map: its most used registers (static count over its instructions), keeping
// the global map's host register for those the global map has too. `written`: what the loop writes.
inline RegMap loop_map(const DecodedProgram& prog, const std::vector<std::size_t>& insns, const RegMap& global,
                       std::array<bool, 32>& written) {
  std::array<std::uint64_t, 32> count{};
  written.fill(false);
  for (std::size_t i : insns) {
    const isa::Decoded& d = prog.slots[i];
    if (!d.legal()) continue;
    count[d.ops.rd]++, count[d.ops.rs1]++, count[d.ops.rs2]++;
    for (std::uint32_t w = written_regs(d); w; w &= w - 1) written[__builtin_ctz(w)] = true;
  }
  std::array<int, 32> order;
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin() + 1, order.end(), [&](int a, int b) { return count[a] > count[b]; });
  const std::size_t n = HostRegs::guest_count();
  RegMap m;
  m.fill(-1);
  std::array<bool, 16> used{};
  for (std::size_t j = 1; j <= n && j < order.size(); ++j)
    if (count[order[j]] > 0 && global[order[j]] >= 0) m[order[j]] = global[order[j]], used[global[order[j]]] = true;
  for (std::size_t j = 1; j <= n && j < order.size(); ++j) {
    const int r = order[j];
    if (count[r] == 0 || m[r] >= 0) continue;
    for (std::size_t k = 0; k < n; ++k)
      if (!used[HostRegs::guest[k]]) {
        m[r] = HostRegs::guest[k], used[HostRegs::guest[k]] = true;
        break;
      }
  }
  return m;
}

template <class Isa, class F>
void exec_instruction(std::uint16_t id, F&& f) {
  Isa::visit(id, std::forward<F>(f));
}

// The primary stream, leaders (also the first instruction of each region: blocks never cross a region
// boundary), the referenced slots and the global register map.
inline StreamAnalysis analyze_stream(const DecodedProgram& prog, std::size_t region_slots) {
  const FactsScope facts_scope(prog.isa->facts);
  const std::size_t slots = prog.slots.size();
  const std::uint64_t lo = prog.lo;
  auto pc_of = [&](std::size_t i) { return lo + 2 * static_cast<std::uint64_t>(i); };
  StreamAnalysis a;
  std::vector<bool>&primary = a.primary, &leader = a.leader, &referenced = a.referenced;
  primary.assign(slots, false), leader.assign(slots, false);
  for (std::size_t i = 0; i < slots; ++i) {
    if (!prog.executable[i] || (i > 0 && prog.executable[i - 1])) continue;
    leader[i] = true;  // start of an executable range
    for (std::size_t s = i; s < slots && prog.executable[s]; s += prog.slots[s].ops.len / 2) primary[s] = true;
  }
  for (std::size_t r = region_slots; r < slots; r += region_slots) {
    std::size_t s = r;
    while (s < slots && s < r + 2 && !primary[s]) ++s;  // (a 4-byte instruction may straddle r)
    if (s < slots && primary[s]) leader[s] = true;
  }
  for (std::size_t i = 0; i < slots; ++i) {
    if (!primary[i]) continue;
    const isa::Decoded& d = prog.slots[i];
    if (detail::direct_target(d.id)) {
      const std::uint64_t t = pc_of(i) + static_cast<std::uint64_t>(static_cast<std::int64_t>(d.ops.imm));
      if (prog.fetchable(t) && primary[prog.index(t)]) leader[prog.index(t)] = true;
    }
    if (detail::ends_block(d.id)) {
      const std::size_t nx = i + d.ops.len / 2;
      if (nx < slots && primary[nx]) leader[nx] = true;
    }
  }

  // Only slots that a direct jump or a fallthrough names get a bound entry Ref; every other slot just
  // has its code address recorded (a label per 2-byte slot made 1 MB of text take seconds).
  referenced.assign(slots, false);
  for (std::size_t i = 0; i < slots; ++i) {
    if (!prog.executable[i]) continue;
    const isa::Decoded& d = prog.slots[i];
    if (leader[i]) referenced[i] = true;
    if (detail::direct_target(d.id)) {
      const std::uint64_t t = pc_of(i) + static_cast<std::uint64_t>(static_cast<std::int64_t>(d.ops.imm));
      if (prog.fetchable(t)) referenced[prog.index(t)] = true;
    }
  }
  a.map = detail::allocate_registers(prog, primary);
  return a;
}

}  // namespace detail

// Translates region `region` of tr (code_size: its code buffer). Throws Xbyak's ERR_CODE_IS_TOO_BIG
// when the buffer is too small, leaving tr as it was (but for its scratch).
template <class Isa>
void translate_region_once(const DecodedProgram& prog, const MemLayout& layout, LogMode mode, Translation& tr,
                           std::size_t region, std::size_t code_size) {
  require_isa<Isa>(prog);
  const detail::FactsScope facts_scope(prog.isa->facts);
  using Xbyak::CodeGenerator;
  constexpr auto N = CodeGenerator::T_NEAR;
  const std::size_t slots = prog.slots.size();
  const std::uint64_t lo = prog.lo;
  auto pc_of = [&](std::size_t i) { return lo + 2 * static_cast<std::uint64_t>(i); };
  const std::vector<bool>&primary = tr.stream.primary, &leader = tr.stream.leader, &referenced = tr.stream.referenced;
  const std::size_t s0 = region * tr.region_slots, s1 = std::min(slots, s0 + tr.region_slots);
  auto in_region = [&](std::size_t i) { return i >= s0 && i < s1; };
  std::size_t blocks_count = tr.blocks, warm_words = tr.warm_words;  // committed on success

  // ---- blocks, innermost loops and their register maps ----
  std::vector<std::vector<std::size_t>> blocks;
  std::vector<std::uint32_t>& block_at = tr.block_at;  // leader slot -> block (of this region)
  std::fill(block_at.begin() + s0, block_at.begin() + s1, ~std::uint32_t{0});
  for (std::size_t b = s0; b < s1; ++b) {
    if (!primary[b] || !leader[b]) continue;
    block_at[b] = static_cast<std::uint32_t>(blocks.size());
    std::vector<std::size_t>& block = blocks.emplace_back();
    for (std::size_t s = b;;) {
      block.push_back(s);
      if (detail::ends_block(prog.slots[s].id)) break;
      s += prog.slots[s].ops.len / 2;
      if (s >= slots || !primary[s] || leader[s]) break;
    }
  }
  std::vector<int> block_map(blocks.size(), 0);  // map id per block (1, 2, ...: extra_maps[id - 1])
  std::vector<std::pair<RegMap, std::array<bool, 32>>> extra_maps;
  {
    detail::LoopFinder::Graph succ(blocks.size()), pred(blocks.size());
    std::vector<bool> calls(blocks.size(), false);
    for (std::size_t k = 0; k < blocks.size(); ++k) {
      const std::size_t last = blocks[k].back();
      const isa::Decoded& d = prog.slots[last];
      auto edge = [&](std::size_t slot) {
        if (in_region(slot) && block_at[slot] != ~std::uint32_t{0}) succ[k].push_back(block_at[slot]);
      };
      const std::size_t next = last + d.ops.len / 2;
      const bool is_jump = detail::facts(d.id).control == isa::Control::jump;
      if (detail::direct_target(d.id)) {
        const std::uint64_t t = pc_of(last) + static_cast<std::uint64_t>(static_cast<std::int64_t>(d.ops.imm));
        if (prog.fetchable(t)) edge(prog.index(t));
      }
      if (!detail::ends_block(d.id) || (!is_jump && detail::direct_target(d.id))) edge(next);
      if (detail::is_call(d)) {  // a call: its return point
        calls[k] = true;
        edge(next);
      }
    }
    for (std::size_t k = 0; k < blocks.size(); ++k)
      for (std::uint32_t w : succ[k]) pred[w].push_back(static_cast<std::uint32_t>(k));
    detail::LoopFinder finder(succ, pred);
    const std::vector<int> loop = finder.run();
    std::vector<std::vector<std::size_t>> loop_insns(finder.loops());
    std::vector<bool> loop_calls(finder.loops(), false);
    for (std::size_t k = 0; k < blocks.size(); ++k)
      if (loop[k] >= 0) {
        auto& v = loop_insns[loop[k]];
        v.insert(v.end(), blocks[k].begin(), blocks[k].end());
        if (calls[k]) loop_calls[loop[k]] = true;
      }
    std::vector<int> loop_map_id(finder.loops(), 0);
    for (int l = 0; l < finder.loops(); ++l) {
      if (loop_calls[l]) continue;  // calls would switch maps on every iteration
      std::array<bool, 32> written;
      const RegMap m = detail::loop_map(prog, loop_insns[l], tr.map, written);
      if (m == tr.map) continue;
      extra_maps.emplace_back(m, written);
      loop_map_id[l] = static_cast<int>(extra_maps.size());
    }
    for (std::size_t k = 0; k < blocks.size(); ++k) block_map[k] = loop[k] >= 0 ? loop_map_id[loop[k]] : 0;
  }
  // The map code jumping directly to a slot's entry Ref must be in: its block's for a primary leader.
  auto entry_map = [&](std::size_t i) { return block_at[i] != ~std::uint32_t{0} ? block_map[block_at[i]] : 0; };
  auto code = std::make_unique<CodeGenerator>(code_size, Xbyak::DontSetProtectRWE);
  CodeGenerator& g = *code;

  std::uint32_t entry0 = 0;  // entry Ref of slot i of the region: entry0 + i - s0 (bound only where referenced)
  auto entry = [&](std::size_t i) { return Emitter::Ref{entry0 + static_cast<std::uint32_t>(i - s0)}; };
  std::vector<const std::uint8_t*>&slot_addr = tr.slot_addr, &body_addr = tr.body_addr;
  std::fill(slot_addr.begin() + static_cast<std::ptrdiff_t>(s0), slot_addr.begin() + static_cast<std::ptrdiff_t>(s1), nullptr);
  std::unique_ptr<Emitter> emitter;  // its label callback needs it for the rare unlabelled target
  emitter = std::make_unique<Emitter>(g, tr.map, layout, mode, [&](std::uint64_t pc) -> Emitter::Ref {
    if (!prog.fetchable(pc)) return Emitter::Ref{};
    Emitter& e = *emitter;
    const std::size_t i = prog.index(pc);
    if (referenced[i] && in_region(i)) {
      const int from = e.map_id(), to = entry_map(i);
      if (from == to) return entry(i);
      return e.cold([&e, from, to, r = entry(i)] {  // into or out of a loop with its own map
        e.transition(from, to);
        e.jmp(r);
      });
    }
    // A constant target the analysis did not foresee (e.g. jalr off x0), or in another region: go
    // through the pc table.
    return e.cold([&e, &g, pc] {
      e.mov_imm(g.rax, static_cast<std::int64_t>(pc));
      g.jmp(e.dispatch_label(), Xbyak::CodeGenerator::T_NEAR);  // (emit_cold: the jumping code's map)
    });
  });
  Emitter& em = *emitter;
  PerfMap perf;
  if (PerfMap::enabled()) em.set_perf_map(&perf);
  em.perf_mark("rv:glue");
  for (const auto& [m, w] : extra_maps) em.add_map(m, w);
  constexpr std::size_t kMaxMaps = 4096;  // (block-local maps: each has its exit code)
  std::map<RegMap, int> local_maps;
  std::vector<bool>& local_slot = tr.local_slot;  // in a block with block-local allocation
  std::fill(local_slot.begin() + static_cast<std::ptrdiff_t>(s0), local_slot.begin() + static_cast<std::ptrdiff_t>(s1), false);
  std::array<bool, 32> all_written;
  all_written.fill(true);
  entry0 = em.new_refs(s1 - s0);
  auto define_entry = [&](std::size_t i) {
    if (referenced[i]) em.bind(entry(i));
    slot_addr[i] = g.getCurr();
  };

  // ---- runtime glue ----
  const void* enter = g.getCurr();
  // The Context is copied into this frame: rsp addresses it (16-byte aligned for the ecall thunk).
  static_assert(sizeof(Context) % 8 == 0);
  constexpr int ctx_words = static_cast<int>(sizeof(Context) / 8);
  constexpr int frame = (static_cast<int>(sizeof(Context)) + 15) & ~15;
  for (const auto& r : {g.rbx, g.rbp, g.r12, g.r13, g.r14, g.r15}) g.push(r);
  g.push(g.rdi);  // the caller's Context
  g.sub(g.rsp, frame);
  for (int i = 0; i < ctx_words; ++i) {
    g.mov(g.rdx, g.qword[g.rdi + 8 * i]);
    g.mov(g.qword[g.rsp + 8 * i], g.rdx);
  }
  g.mov(g.r15, g.qword[g.rsp + ctx_off::mem_base]);
  g.mov(g.rax, g.rsi);  // rsi may hold a guest register
  em.load_mapped();
  g.jmp(g.rax);

  g.L(em.exit_common);
  em.store_mapped();
  g.L(em.exit_nostore);
  g.mov(g.rdi, g.qword[g.rsp + frame]);
  for (int i = 0; i < ctx_words; ++i) {
    g.mov(g.rdx, g.qword[g.rsp + 8 * i]);
    g.mov(g.qword[g.rdi + 8 * i], g.rdx);
  }
  g.add(g.rsp, frame + 8);
  for (const auto& r : {g.r15, g.r14, g.r13, g.r12, g.rbp, g.rbx}) g.pop(r);
  g.ret();

  g.L(em.to_interp_rax);
  g.mov(g.qword[g.rsp + ctx_off::pc], g.rax);
  g.mov(g.qword[g.rsp + ctx_off::exit_kind], static_cast<std::uint32_t>(ExitKind::to_interp));
  g.jmp(em.exit_common, N);

  em.pc_table = {lo, prog.hi - prog.lo, tr.table.data()};
  g.L(em.dispatch_rax);  // rax = guest target pc
  em.dispatch_inline();


  // ---- instructions ----
  auto charge = [&](unsigned n, std::uint64_t pc) {
    g.sub(g.qword[g.rsp + ctx_off::budget], n);
    em.jcc(Emitter::CC::ltu, em.cold_interp(n, pc));  // the step limit: give back n, leave at pc
  };
  em.entry_stub = [&](std::size_t i, unsigned rest, std::uint64_t pc, const Emitter::Hulls& hulls) {
    define_entry(i);  // (global map) charge the rest of the block
    if (local_slot[i]) em.enter_map(em.map_id());
    else em.transition(0, em.map_id());
    charge(rest, pc);
    em.check_hulls(hulls, pc, rest);  // the code from here on relies on them
    g.jmp(body_addr[i], Xbyak::CodeGenerator::T_NEAR);
  };
  auto emit_insn = [&](std::size_t i, unsigned k, unsigned n, const Emitter::Hulls* hulls,
                       const detail::BlockPlan* bp) -> bool {
    const isa::Decoded& d = prog.slots[i];
    em.begin(pc_of(i), d.ops.len, k, n);
    if (hulls)
      for (const Emitter::Hull& h : *hulls) em.prove(h);
    if (bp && bp->dead[k]) em.drop_write(d.ops.rd);
    if (bp && bp->low32[k]) em.low32_write();
    if (bp && bp->rewrite[k].kind != detail::Rewrite::none)
      detail::with_rewrite(bp->rewrite[k].kind, [&](auto t) { decltype(t)::type::exec(em, bp->rewrite[k].ops); });
    else detail::exec_instruction<Isa>(d.id, [&](auto t) { decltype(t)::type::exec(em, d.ops); });
    const bool stops = em.end();
    if (em.transfers_control() && k + 1 != n)
      throw std::logic_error("aot translator: control transfer inside a block at pc " + std::to_string(pc_of(i)));
    return stops;
  };
  auto fallthrough = [&](std::size_t next, bool next_is_emitted_here) {
    if (next < slots && prog.executable[next] && in_region(next)) {
      em.transition(em.map_id(), entry_map(next));
      if (!next_is_emitted_here) em.jmp(entry(next));
    } else if (next < slots && prog.executable[next]) {  // another region: through the pc table
      em.mov_imm(g.rax, static_cast<std::int64_t>(pc_of(next)));
      g.jmp(em.dispatch_label(), N);
    } else {
      em.mov_imm(g.rax, static_cast<std::int64_t>(pc_of(next)));
      g.jmp(em.to_interp_label(), N);
    }
  };

  // Primary stream, block by block, in address order.
  for (std::size_t bi = 0; bi < blocks.size(); ++bi) {
    const std::vector<std::size_t>& block = blocks[bi];
    const std::size_t b = block[0];
    const auto n = static_cast<unsigned>(block.size());
    ++blocks_count;
    const std::vector<Emitter::Hulls> plan = detail::plan_hulls(prog, block);
    const detail::BlockPlan bp = detail::plan_block(prog, block, plan, layout);
    const int m = block_map[bi];
    if (PerfMap::enabled()) em.perf_mark(PerfMap::block_name(pc_of(b)));
    em.use_map(m);
    const detail::LocalAlloc la =
        m != 0 && n >= 3 && em.map_count() < kMaxMaps ? detail::allocate_block(bp, em.map_of(m)) : detail::LocalAlloc{};
    const bool local = la.better;
    if (local)
      for (std::size_t i : block) local_slot[i] = true;
    if (m == 0) {
      define_entry(b);
    } else {  // direct jumps from the loop arrive in its map; the pc table's entry switches to it
      em.bind(entry(b));
      em.cold([&, b, m] {
        slot_addr[b] = g.getCurr();
        em.transition(0, m);
        em.jmp(entry(b));
      });
    }
    charge(n, pc_of(b));
    auto local_moves = [&](unsigned k) {  // block-local allocation: moves and map before instruction k
      if (!local) return;
      for (const detail::LocalAlloc::Move& mv : la.moves[k])
        if (mv.store) em.spill(mv.host, mv.r);
        else em.fill(mv.host, mv.r);
      if (la.map[k] == em.map_of(m)) {
        em.use_map(m);
      } else {
        auto [it, fresh] = local_maps.try_emplace(la.map[k], 0);
        if (fresh) it->second = em.add_map(la.map[k], all_written);
        em.use_map(it->second);
      }
    };
    const std::size_t last = block.back();
    const std::size_t next = last + prog.slots[last].ops.len / 2;
    if (const auto warm = mode.logs() ? detail::plan_warm(prog, block) : std::vector<std::uint8_t>{}; !warm.empty()) {
      // The fast copy (no mid-block entries), then the checked copy, which records the block warm.
      const int rec = static_cast<int>(warm_words);
      warm_words += 1 + warm.size();
      const Emitter::Ref checked = em.new_ref();
      em.warm_check(rec, warm, checked);
      std::uint32_t mask = 0;
      for (const std::uint8_t r : warm) mask |= std::uint32_t{1} << r;
      em.set_warm(mask);
      bool fast_stops = false;
      for (unsigned k = 0; k < n; ++k) {
        local_moves(k);
        fast_stops = emit_insn(block[k], k, n, &plan[k], &bp);
      }
      em.set_warm(0);
      if (!fast_stops) fallthrough(next, false);
      em.use_map(m);
      em.bind(checked);
      em.warm_record(rec, warm);
    }
    bool stops = false;
    for (unsigned k = 0; k < n; ++k) {
      const std::size_t i = block[k];
      local_moves(k);
      if (k > 0) {
        body_addr[i] = g.getCurr();
        const unsigned rest = n - k;
        const std::uint64_t pc = pc_of(i);
        if (!tr.mid_block_stubs) {  // entries through the pc table continue in the interpreter
          tr.interp_entry[i] = true;
        } else if (bp.no_entry[k]) {  // (see plan_block)
          tr.interp_entry[i] = true;
          em.cold([&, i, pc] {
            define_entry(i);
            em.mov_imm(g.rax, static_cast<std::int64_t>(pc));
            g.jmp(em.to_interp_rax, N);  // entered in the global map's state
          });
        } else {
          em.cold_entry(i, rest, pc);  // mid-block entry (em.entry_stub)
        }
      }
      stops = emit_insn(i, k, n, &plan[k], &bp);
    }
    if (!stops) {
      // The next primary leader is emitted right after this block (address order).
      fallthrough(next, next < s1 && primary[next] && leader[next]);
    }
  }
  // Other slots (the middle of 4-byte instructions) continue in the interpreter: only a direct jump
  // there (an entry Ref) needs code, every other entry is through the pc table.
  em.use_map(0);
  em.perf_mark("rv:entries");
  for (std::size_t i = s0; i < s1; ++i) {
    if (!prog.executable[i] || primary[i]) continue;
    tr.interp_entry[i] = true;
    if (!referenced[i]) continue;
    define_entry(i);
    em.mov_imm(g.rax, static_cast<std::int64_t>(pc_of(i)));
    g.jmp(em.to_interp_rax, N);
  }
  for (int id = 1; id < static_cast<int>(em.map_count()); ++id) {  // the same exits for the loop maps
    Emitter::MapExits& x = em.map_exits(id);
    em.use_map(id);
    g.L(x.exit_common);
    em.store_mapped();
    g.jmp(em.exit_nostore, N);
    g.L(x.to_interp_rax);
    g.mov(g.qword[g.rsp + ctx_off::pc], g.rax);
    g.mov(g.qword[g.rsp + ctx_off::exit_kind], static_cast<std::uint32_t>(ExitKind::to_interp));
    g.jmp(x.exit_common, N);
    g.L(x.dispatch_rax);
    em.transition(id, 0);
    g.jmp(em.dispatch_rax, N);
  }
  em.use_map(0);
  em.emit_cold();

  // ---- the pc -> host table, then W^X ----
  const void* interp_stub = em.to_interp_rax.getAddress();
  for (std::size_t i = s0; i < s1; ++i) {
    const void* at = slot_addr[i] ? static_cast<const void*>(slot_addr[i]) : interp_stub;
    if (prog.executable[i] && !tr.interp_entry[i] && !slot_addr[i])
      throw std::logic_error("aot translator: slot without code");
    tr.table[i] = at;
  }
  if (PerfMap::enabled()) perf.write(g.getCode(), g.getSize());
  g.setProtectModeRE();
  if (!tr.enter) {  // the first region: its glue serves every region (they share the frame and map 0)
    tr.enter = reinterpret_cast<Translation::EnterFn>(const_cast<void*>(enter));
    tr.untranslated = interp_stub;
    for (auto& t : tr.table)
      if (!t) t = interp_stub;
  }
  tr.code.push_back(std::move(code));
  tr.blocks = blocks_count, tr.warm_words = warm_words;
  tr.translated[region] = true;
}

inline void require_bmi() {
  static const bool bmi = Xbyak::util::Cpu().has(Xbyak::util::Cpu::tBMI2 | Xbyak::util::Cpu::tBMI1);
  if (!bmi) throw std::runtime_error("aot: the x86_64 backend needs BMI1 and BMI2 (andn, shlx/shrx/sarx, rorx); use --engine interp");
}

// The analysis and the pc table, no code yet: translate_region translates each region. region_slots:
// 0 for one region (the whole program).
inline Translation start_translation(const DecodedProgram& prog, std::size_t region_slots = 0,
                                     bool mid_block_stubs = true) {
  require_bmi();
  const std::size_t slots = prog.slots.size();
  Translation tr;
  tr.mid_block_stubs = mid_block_stubs;
  tr.region_slots = region_slots == 0 || region_slots > slots ? std::max<std::size_t>(slots, 1) : region_slots;
  tr.stream = detail::analyze_stream(prog, tr.region_slots);
  tr.map = tr.stream.map;
  tr.translated.assign((slots + tr.region_slots - 1) / tr.region_slots, false);
  tr.table.assign(slots, nullptr);
  tr.interp_entry.assign(slots, false);
  for (std::size_t i = 0; i < slots; ++i)
    if (!prog.executable[i]) tr.interp_entry[i] = true;
  tr.block_at.assign(slots, ~std::uint32_t{0});
  tr.slot_addr.assign(slots, nullptr);
  tr.body_addr.assign(slots, nullptr);
  tr.local_slot.assign(slots, false);
  return tr;
}

// Translates one region (growing its code buffer until it fits).
template <class Isa = isa::Rv64imac>
void translate_region(const DecodedProgram& prog, const MemLayout& layout, LogMode mode, Translation& tr,
                      std::size_t region) {
  if (tr.translated[region]) return;
  const std::size_t slots = std::min(tr.region_slots, prog.slots.size() - region * tr.region_slots);
  std::size_t size = 64 * 1024 + slots * 160;
  for (;;) {
    try {
      return translate_region_once<Isa>(prog, layout, mode, tr, region, size);
    } catch (const Xbyak::Error& e) {
      if (static_cast<int>(e) != Xbyak::ERR_CODE_IS_TOO_BIG) throw;
      size *= 2;
    }
  }
}

// Translates the whole program, as one region.
template <class Isa = isa::Rv64imac>
Translation translate(const DecodedProgram& prog, const MemLayout& layout, LogMode mode) {
  Translation tr = start_translation(prog);
  for (std::size_t r = 0; r < tr.regions(); ++r) translate_region<Isa>(prog, layout, mode, tr, r);
  return tr;
}

}  // namespace rvtrace::aot
