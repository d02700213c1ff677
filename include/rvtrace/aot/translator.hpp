#pragma once
// Whole-program translation, before the run, of a DecodedProgram into x86_64 with the Emitter.
//
// Layout of the generated code:
//  - enter(Context*, host_target): saves callee-saved registers, copies the Context into its stack frame
//    (rsp addresses it), loads the fixed and mapped registers, jumps to the target; exit_common /
//    exit_nostore write the state back, copy the Context back and return.
//  - the primary instruction stream (linear sweep s -> s + len over every executable range) in basic
//    blocks. A block starts with `sub r14, n; jb limit_exit`: steps are charged per block, and a
//    block that would cross until_step exits to the runtime (which finishes with the interpreter).
//    Direct branches/jal jump straight to their target's entry. Accesses of a block that share an
//    unchanged base register get one hoisted bounds check (plan_hulls, Emitter::prove).
//  - every other slot (the middle of a 4-byte instruction) as a one-instruction block whose
//    fallthrough jumps back into its successor's entry: every 2-byte slot is a valid entry point.
//  - cold code: mid-block entry stubs (charge the rest of the block, then jump into it), fault and
//    limit exits, constants.
// A pc -> host address table (one entry per 2-byte slot) serves jalr and runtime entry; targets
// outside the executable range (or in gaps) continue in the interpreter, which reports the fault
// exactly as it always does.
#include <xbyak/xbyak.h>
#include <xbyak/xbyak_util.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "rvtrace/aot/emitter.hpp"
#include "rvtrace/interp/program.hpp"
#include "rvtrace/isa/decoder.hpp"

namespace rvtrace::aot {

// The product of translate(): code (read+execute), the per-slot entry table and the register map.
struct Translation {
  using EnterFn = void (*)(Context*, const void* target);
  std::unique_ptr<Xbyak::CodeGenerator> code;
  std::vector<const void*> table;  // host entry per 2-byte slot of [lo, hi)
  EnterFn enter = nullptr;
  RegMap map{};
  std::size_t blocks = 0;
  std::size_t warm_words = 0;  // trace mode: words of warm-block records the runner provides
  std::size_t code_bytes() const { return code ? code->getSize() : 0; }
};

namespace detail {

// An instruction's id as a compile-time constant (isa::id_of compares names when called at run time).
template <class Insn>
inline constexpr std::uint16_t id_v = isa::id_of<Insn>();

// Instructions that end a basic block (they may transfer control or stop the run).
inline bool ends_block(std::uint16_t id) {
  using namespace isa;
  static const std::array<std::uint16_t, 9> ids{id_v<isa::Jal>,  id_v<isa::Jalr>, id_v<isa::Beq>,  id_v<isa::Bne>,   id_v<isa::Blt>,
                                                id_v<isa::Bge>,  id_v<isa::Bltu>, id_v<isa::Bgeu>, id_v<isa::Ebreak>};
  return id == illegal_id || std::find(ids.begin(), ids.end(), id) != ids.end();
}
// Direct control targets (branches, jal): the pc-relative immediate.
inline bool direct_target(std::uint16_t id) {
  using namespace isa;
  return id == id_v<isa::Jal> || id == id_v<isa::Beq> || id == id_v<isa::Bne> || id == id_v<isa::Blt> ||
         id == id_v<isa::Bge> || id == id_v<isa::Bltu> || id == id_v<isa::Bgeu>;
}

// Plain loads/stores (base rs1 + imm): their width, 0 for anything else.
inline unsigned access_width(std::uint16_t id, bool& store) {
  using namespace isa;
  store = false;
  if (id == id_v<isa::Lb> || id == id_v<isa::Lbu>) return 1;
  if (id == id_v<isa::Lh> || id == id_v<isa::Lhu>) return 2;
  if (id == id_v<isa::Lw> || id == id_v<isa::Lwu>) return 4;
  if (id == id_v<isa::Ld>) return 8;
  store = true;
  if (id == id_v<isa::Sb>) return 1;
  if (id == id_v<isa::Sh>) return 2;
  if (id == id_v<isa::Sw>) return 4;
  if (id == id_v<isa::Sd>) return 8;
  store = false;
  return 0;
}

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
    if (d.id == id_v<isa::Ecall>)
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
    if (d.ops.rd != 0) close(d.ops.rd);  // (conservative: any instruction with an rd field)
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
    if (d.id == id_v<isa::Ecall>) return {};
    bool store = false;
    if (access_width(d.id, store) && d.ops.rs1 != 0) ++uses[d.ops.rs1];
    if (d.ops.rd != 0) written |= std::uint32_t{1} << d.ops.rd;  // (conservative, as in plan_hulls)
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

// The most used guest registers get host registers: a static count over the primary stream in which
// an instruction counts 16^d times, d = the number of loops (ranges of a backward branch or jal) around
// it, at most 4: inner loops decide.
inline RegMap allocate_registers(const DecodedProgram& prog, const std::vector<bool>& primary) {
  const std::size_t slots = prog.slots.size();
  std::vector<std::size_t> loop_end(slots, 0);  // loop header -> its last backward branch (+1)
  for (std::size_t i = 0; i < slots; ++i) {
    if (!primary[i] || !direct_target(prog.slots[i].id) || prog.slots[i].ops.imm >= 0) continue;
    const std::size_t back = static_cast<std::size_t>(-static_cast<std::int64_t>(prog.slots[i].ops.imm)) / 2;
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

template <class F>
void exec_instruction(std::uint16_t id, F&& f) {
  isa::visit_instruction(id, std::forward<F>(f));
}

}  // namespace detail

inline Translation translate_once(const DecodedProgram& prog, const MemLayout& layout, bool traced,
                                  std::size_t code_size) {
  using Xbyak::CodeGenerator;
  constexpr auto N = CodeGenerator::T_NEAR;
  const std::size_t slots = prog.slots.size();
  const std::uint64_t lo = prog.lo;
  auto pc_of = [&](std::size_t i) { return lo + 2 * static_cast<std::uint64_t>(i); };

  // ---- analysis: primary stream, leaders, register map ----
  std::vector<bool> primary(slots, false), leader(slots, false);
  for (std::size_t i = 0; i < slots; ++i) {
    if (!prog.executable[i] || (i > 0 && prog.executable[i - 1])) continue;
    leader[i] = true;  // start of an executable range
    for (std::size_t s = i; s < slots && prog.executable[s]; s += prog.slots[s].ops.len / 2) primary[s] = true;
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
  std::vector<bool> referenced(slots, false);
  for (std::size_t i = 0; i < slots; ++i) {
    if (!prog.executable[i]) continue;
    const isa::Decoded& d = prog.slots[i];
    if (leader[i]) referenced[i] = true;
    if (detail::direct_target(d.id)) {
      const std::uint64_t t = pc_of(i) + static_cast<std::uint64_t>(static_cast<std::int64_t>(d.ops.imm));
      if (prog.fetchable(t)) referenced[prog.index(t)] = true;
    }
    if (!primary[i] && i + d.ops.len / 2 < slots) referenced[i + d.ops.len / 2] = true;
  }

  Translation tr;
  tr.map = detail::allocate_registers(prog, primary);
  tr.table.assign(slots, nullptr);
  tr.code = std::make_unique<CodeGenerator>(code_size, Xbyak::DontSetProtectRWE);
  CodeGenerator& g = *tr.code;

  std::uint32_t entry0 = 0;  // entry Ref of slot i: entry0 + i (bound only where referenced)
  auto entry = [&](std::size_t i) { return Emitter::Ref{entry0 + static_cast<std::uint32_t>(i)}; };
  std::vector<const std::uint8_t*> slot_addr(slots, nullptr), body_addr(slots, nullptr);
  std::unique_ptr<Emitter> emitter;  // its label callback needs it for the rare unlabelled target
  emitter = std::make_unique<Emitter>(g, tr.map, layout, traced, [&](std::uint64_t pc) -> Emitter::Ref {
    if (!prog.fetchable(pc)) return Emitter::Ref{};
    if (referenced[prog.index(pc)]) return entry(prog.index(pc));
    // A constant target the analysis did not foresee (e.g. jalr off x0): go through the pc table.
    Emitter& e = *emitter;
    return e.cold([&e, &g, pc] {
      e.mov_imm(g.rax, static_cast<std::int64_t>(pc));
      g.jmp(e.dispatch_rax, Xbyak::CodeGenerator::T_NEAR);
    });
  });
  Emitter& em = *emitter;
  entry0 = em.new_refs(slots);
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
  g.mov(g.r14, g.qword[g.rsp + ctx_off::budget]);
  g.mov(g.rax, g.rsi);  // rsi may hold a guest register
  em.load_mapped();
  g.jmp(g.rax);

  g.L(em.exit_common);
  em.store_mapped();
  g.L(em.exit_nostore);
  g.mov(g.qword[g.rsp + ctx_off::budget], g.r14);
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

  g.L(em.dispatch_rax);  // rax = guest target pc
  if (lo <= 0x7fffffffULL) {
    g.lea(g.rdx, g.ptr[g.rax - static_cast<int>(lo)]);
  } else {
    g.mov(g.rdx, static_cast<std::uint64_t>(0) - lo);
    g.add(g.rdx, g.rax);
  }
  const std::uint64_t span = prog.hi - prog.lo;
  if (span <= 0x7fffffffULL) {
    g.cmp(g.rdx, static_cast<std::uint32_t>(span));
  } else {
    g.mov(g.rcx, span);
    g.cmp(g.rdx, g.rcx);
  }
  g.jae(em.to_interp_rax, N);
  g.shr(g.rdx, 1);
  g.jc(em.to_interp_rax, N);
  g.mov(g.rcx, reinterpret_cast<std::uint64_t>(tr.table.data()));
  g.jmp(g.qword[g.rcx + g.rdx * 8]);

  // ---- instructions ----
  auto charge = [&](unsigned n, std::uint64_t pc) {
    g.sub(g.r14, n);
    em.jcc(Emitter::CC::ltu, em.cold_interp(n, pc));  // the step limit: give back n, leave at pc
  };
  em.entry_stub = [&](std::size_t i, unsigned rest, std::uint64_t pc, const Emitter::Hulls& hulls) {
    define_entry(i);  // charge the rest of the block
    charge(rest, pc);
    em.check_hulls(hulls, pc, rest);  // the code from here on relies on them
    g.jmp(body_addr[i], Xbyak::CodeGenerator::T_NEAR);
  };
  auto emit_insn = [&](std::size_t i, unsigned k, unsigned n, const Emitter::Hulls* hulls) -> bool {
    const isa::Decoded& d = prog.slots[i];
    em.begin(pc_of(i), d.ops.len, k, n);
    if (hulls)
      for (const Emitter::Hull& h : *hulls) em.prove(h);
    detail::exec_instruction(d.id, [&](auto t) { decltype(t)::type::exec(em, d.ops); });
    const bool stops = em.end();
    if (em.transfers_control() && k + 1 != n)
      throw std::logic_error("aot translator: control transfer inside a block at pc " + std::to_string(pc_of(i)));
    return stops;
  };
  auto fallthrough = [&](std::size_t next, bool next_is_emitted_here) {
    if (next < slots && prog.executable[next]) {
      if (!next_is_emitted_here) em.jmp(entry(next));
    } else {
      em.mov_imm(g.rax, static_cast<std::int64_t>(pc_of(next)));
      g.jmp(em.to_interp_rax, N);
    }
  };

  // Primary stream, block by block, in address order.
  std::vector<std::size_t> block;
  for (std::size_t b = 0; b < slots; ++b) {
    if (!primary[b] || !leader[b]) continue;
    block.clear();
    for (std::size_t s = b;;) {
      block.push_back(s);
      if (detail::ends_block(prog.slots[s].id)) break;
      s += prog.slots[s].ops.len / 2;
      if (s >= slots || !primary[s] || leader[s]) break;
    }
    const auto n = static_cast<unsigned>(block.size());
    ++tr.blocks;
    const std::vector<Emitter::Hulls> plan = detail::plan_hulls(prog, block);
    const std::size_t last = block.back();
    const std::size_t next = last + prog.slots[last].ops.len / 2;
    define_entry(b);
    charge(n, pc_of(b));
    if (const auto warm = traced ? detail::plan_warm(prog, block) : std::vector<std::uint8_t>{}; !warm.empty()) {
      // The fast copy (no mid-block entries), then the checked copy, which records the block warm.
      const int rec = static_cast<int>(tr.warm_words);
      tr.warm_words += 1 + warm.size();
      const Emitter::Ref checked = em.new_ref();
      em.warm_check(rec, warm, checked);
      std::uint32_t mask = 0;
      for (const std::uint8_t r : warm) mask |= std::uint32_t{1} << r;
      em.set_warm(mask);
      bool fast_stops = false;
      for (unsigned k = 0; k < n; ++k) fast_stops = emit_insn(block[k], k, n, &plan[k]);
      em.set_warm(0);
      if (!fast_stops) fallthrough(next, false);
      em.bind(checked);
      em.warm_record(rec, warm);
    }
    bool stops = false;
    for (unsigned k = 0; k < n; ++k) {
      const std::size_t i = block[k];
      if (k > 0) {
        body_addr[i] = g.getCurr();
        const unsigned rest = n - k;
        const std::uint64_t pc = pc_of(i);
        em.cold_entry(i, rest, pc);  // mid-block entry (em.entry_stub)
      }
      stops = emit_insn(i, k, n, &plan[k]);
    }
    if (!stops) {
      // The next primary leader is emitted right after this block (address order).
      fallthrough(next, next < slots && primary[next] && leader[next]);
    }
  }
  // Other slots (the middle of 4-byte instructions): one-instruction blocks.
  for (std::size_t i = 0; i < slots; ++i) {
    if (!prog.executable[i] || primary[i]) continue;
    define_entry(i);
    charge(1, pc_of(i));
    if (!emit_insn(i, 0, 1, nullptr)) fallthrough(i + prog.slots[i].ops.len / 2, false);
  }
  em.emit_cold();

  // ---- the pc -> host table, then W^X ----
  const void* interp_stub = em.to_interp_rax.getAddress();
  for (std::size_t i = 0; i < slots; ++i) {
    tr.table[i] = prog.executable[i] ? static_cast<const void*>(slot_addr[i]) : interp_stub;
    if (!tr.table[i]) throw std::logic_error("aot translator: slot without code");
  }
  g.setProtectModeRE();
  tr.enter = reinterpret_cast<Translation::EnterFn>(const_cast<void*>(enter));
  return tr;
}

// Translates the whole program (growing the code buffer until it fits).
inline Translation translate(const DecodedProgram& prog, const MemLayout& layout, bool traced) {
  static const bool bmi2 = Xbyak::util::Cpu().has(Xbyak::util::Cpu::tBMI2);
  if (!bmi2) throw std::runtime_error("aot: the x86_64 backend needs BMI2 (shlx/shrx/sarx); use --engine interp");
  std::size_t size = 64 * 1024 + prog.slots.size() * 160;
  for (;;) {
    try {
      return translate_once(prog, layout, traced, size);
    } catch (const Xbyak::Error& e) {
      if (static_cast<int>(e) != Xbyak::ERR_CODE_IS_TOO_BIG) throw;
      size *= 2;
    }
  }
}

}  // namespace rvtrace::aot
