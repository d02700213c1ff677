#pragma once
// The emitter backend of the op vocabulary: instantiating an instruction's exec() with this M emits
// x86_64 for it through an Xbyak::CodeGenerator (held, not inherited). No instruction semantics live
// here, only how each op of isa/vocabulary.hpp becomes x86 code.
//
// Values are descriptors: a constant, a guest register (in a host register or in the register file),
// a host temp, or a pending simple ALU expression (op, a, b) materialized where it is used --
// directly into rd's home when set_x receives it, so `addi a0, a0, 1` becomes `add rbp, 1`.
//
// set_x is deferred: writes are recorded and committed when the instruction ends (or at the end of an
// if_ arm, or before an ecall), so a value read from a register stays valid after a set_x of that
// register in the same instruction (the vocabulary rule), at no cost.
//
// Fixed host registers (HostRegs): rsp = Context* (enter() copies the Context into its stack frame, so
// calls and signals use the stack below it; the CpuState register file is at offset 0),
// r15 = guest memory base, rax/rdx = scratch (never hold a value across ops), rcx = the value temp
// of one instruction, rbp r12 r8 r9 r10 r11 rbx rsi rdi r14 r13 = the most used guest registers.
// The step budget (until_step - steps) lives in the Context (Context::budget, charged with one
// `sub [rsp+budget], n` per block); so do the trace-mode cursors. An instruction
// needing more temps borrows guest host registers (saved to the register file, reloaded at its end).
// Guest accesses fold the window's low end into the displacement: rax = addr - lo, one unsigned
// compare, then [r15 + rax + lo]; a load whose value goes straight to a mapped rd loads into it.
// Variable shifts use BMI2 (shlx/shrx/sarx); and_ of a not is BMI1 andn, rotates by a constant rorx,
// clz/ctz/cpop lzcnt (bsr without LZCNT)/tzcnt/popcnt, rev8 bswap, orc.b pcmpeqb. Division is the x86
// instruction for the cases isa/rv64m.hpp leaves to it; the RISC-V edge results come from its selects.
#include <xbyak/xbyak.h>
#include <xbyak/xbyak_util.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "rvtrace/aot/perf_map.hpp"
#include "rvtrace/guest/fault.hpp"
#include "rvtrace/isa/operands.hpp"
#include "rvtrace/isa/scalar_ops.hpp"

namespace rvtrace::aot {

// What rsp points to while native code runs (a copy of the caller's, written back on exit). The register file is first (x[r] at 8*r).
struct Context {
  isa::CpuState cpu;                           // x[32], pc, reservation
  std::uint64_t budget = 0;                    // steps left until `until` (charged in place by native code)
  std::uint64_t until = 0;                     // the run's until_step (instret() = until - budget - ...)
  std::uint64_t* cursor = nullptr;             // trace mode: log cursor
  std::uint32_t* touched = nullptr;            // trace mode: WordMarks' touched-list cursor
  std::uint64_t generation = 0;                // trace mode: WordMarks' generation (changes when cleared)
  std::uint64_t* warm = nullptr;               // trace mode: the runner's warm-block records
  std::uint64_t exit_kind = 0;                 // ExitKind
  std::uint64_t exit_addr = 0;                 // faulting address
  std::uint64_t exit_aux = 0;                  // FaultKind, or the exit code
  std::uint8_t* mem_base = nullptr;            // guest memory host base (r15)
  std::uint64_t (*ecall)(Context*) = nullptr;  // runtime thunk: 0 = continue, else exit (exit_kind set)
  void* runner = nullptr;                      // the runtime object behind the thunk
  const std::uint64_t* log_end = nullptr;      // replay mode: the end of the chunk's log
  std::uint64_t* reads = nullptr;              // replay_effects mode: where the next first-touch read goes
  std::uint64_t exhausted = 0;                 // replay mode: a first touch found the log used up
};

// What the code does with the memory-read log (one emitter, four modes; the first-touch rule is
// log_words/first_touch in every mode). record: trace mode, appends each word's value at its first
// touch in the chunk. replay: the mirror, takes that value from the log into the guest word
// (memoryless replay, trace/replay_memory.hpp). replay_effects: replay that also collects verify's
// memory effects: the first-touch reads as (address, value) pairs, and a "written" bit (WordMarks)
// per word stored to.
struct LogMode {
  enum Kind : std::uint8_t { none, record, replay, replay_effects };
  Kind kind = none;
  constexpr LogMode(bool trace = false) : kind(trace ? record : none) {}  // (the traced flag of old)
  constexpr LogMode(Kind k) : kind(k) {}
  constexpr bool logs() const { return kind != none; }
  constexpr bool replays() const { return kind == replay || kind == replay_effects; }
  friend constexpr bool operator==(LogMode, LogMode) = default;
};

enum class ExitKind : std::uint64_t {
  to_interp = 0,  // continue in the interpreter at cpu.pc (limit inside a block, fetch faults, illegal,
                  // entries into the middle of a peephole: Translation::interp_entry)
  fault = 1,      // load/store fault: exit_aux = FaultKind (store kinds refined by the runtime)
  ebreak = 2,
  exited = 3,     // exit_aux = exit code
  error = 4,      // a host exception inside the ecall thunk (the runtime rethrows it)
};

namespace ctx_off {
inline constexpr int x = static_cast<int>(offsetof(Context, cpu) + offsetof(isa::CpuState, x));
inline constexpr int pc = static_cast<int>(offsetof(Context, cpu) + offsetof(isa::CpuState, pc));
inline constexpr int reservation = static_cast<int>(offsetof(Context, cpu) + offsetof(isa::CpuState, reservation));
inline constexpr int budget = static_cast<int>(offsetof(Context, budget));
inline constexpr int until = static_cast<int>(offsetof(Context, until));
inline constexpr int cursor = static_cast<int>(offsetof(Context, cursor));
inline constexpr int touched = static_cast<int>(offsetof(Context, touched));
inline constexpr int generation = static_cast<int>(offsetof(Context, generation));
inline constexpr int warm = static_cast<int>(offsetof(Context, warm));
inline constexpr int exit_kind = static_cast<int>(offsetof(Context, exit_kind));
inline constexpr int exit_addr = static_cast<int>(offsetof(Context, exit_addr));
inline constexpr int exit_aux = static_cast<int>(offsetof(Context, exit_aux));
inline constexpr int mem_base = static_cast<int>(offsetof(Context, mem_base));
inline constexpr int ecall = static_cast<int>(offsetof(Context, ecall));
inline constexpr int log_end = static_cast<int>(offsetof(Context, log_end));
inline constexpr int reads = static_cast<int>(offsetof(Context, reads));
inline constexpr int exhausted = static_cast<int>(offsetof(Context, exhausted));
}  // namespace ctx_off

// Guest memory windows baked into the code (GuestMemory::read_lo/write_lo/size).
struct MemLayout {
  std::uint64_t read_lo = 0, write_lo = 0, size = 0;
  friend bool operator==(const MemLayout&, const MemLayout&) = default;
};

// Fixed host register roles.
struct HostRegs {
  static constexpr int ctx = Xbyak::Operand::RSP, mem = Xbyak::Operand::R15;
  // The value temp of one instruction. An instruction that needs more (AMOs, mulhsu, ...) borrows a
  // guest host register: saved to its register-file slot, reloaded when the instruction ends.
  static constexpr std::array<int, 1> temps{Xbyak::Operand::RCX};
  // Host registers that may hold a guest register, in order of preference.
  static constexpr std::array<int, 11> guest{Xbyak::Operand::RBP, Xbyak::Operand::R12, Xbyak::Operand::R8,
                                             Xbyak::Operand::R9,  Xbyak::Operand::R10, Xbyak::Operand::R11,
                                             Xbyak::Operand::RBX, Xbyak::Operand::RSI, Xbyak::Operand::RDI,
                                             Xbyak::Operand::R14, Xbyak::Operand::R13};
  static constexpr std::size_t guest_count() { return guest.size(); }
};

// Guest register -> host register index (-1: lives in the register file). Entry 0 is always -1.
using RegMap = std::array<int, 32>;

class Emitter {
 public:
  // ---- value descriptors ----
  enum class Kind : std::uint8_t { konst, greg, temp };
  struct Simple {
    Kind k = Kind::konst;
    std::uint8_t r = 0;    // guest register (greg) or host register index (temp)
    std::int64_t c = 0;    // konst
  };
  enum class Op : std::uint8_t {
    none, add, sub, and_, or_, xor_, sll, srl, sra, addw, subw, sllw, srlw, sraw, mul, mulw, ror, rorw, andn,
    clz, ctz, cpop, rev8, orc_b  // (unary: b unused)
  };
  struct value {
    Op op = Op::none;
    Simple a, b;
  };
  enum class CC : std::uint8_t { eq, ne, lt, ge, ltu, geu, gt, le, gtu, leu };
  struct cond {
    CC cc = CC::eq;
    Simple a, b;
  };

  // Lightweight jump targets. A jump to a Ref is a rel32 jmp/jcc emitted with a zero displacement and
  // patched once the Ref is bound (immediately when it already is; the rest in emit_cold). Xbyak labels
  // cost hash-table work each, and 1 MiB of text needs about a million forward targets (cold stubs).
  // The code buffer never moves (no AutoGrow), so offsets are final.
  struct Ref {
    std::uint32_t id = ~std::uint32_t{0};
    explicit operator bool() const { return id != ~std::uint32_t{0}; }
  };
  Ref new_ref() {
    ref_at_.push_back(kUnbound);
    return Ref{static_cast<std::uint32_t>(ref_at_.size() - 1)};
  }
  // n consecutive Refs; returns the first one's id.
  std::uint32_t new_refs(std::size_t n) {
    const std::size_t first = ref_at_.size();
    ref_at_.resize(first + n, kUnbound);
    return static_cast<std::uint32_t>(first);
  }
  void bind(Ref r) { ref_at_[r.id] = g_.getSize(); }
  void jmp(Ref r) {
    g_.db(0xE9);
    rel32(r);
  }
  void jcc(CC cc, Ref r) {
    g_.db(0x0F);
    g_.db(0x80 | cc_code(cc));
    rel32(r);
  }

  // Direct control targets: the Ref to jump to for a guest pc, an invalid Ref if not executable.
  using LabelOf = std::function<Ref(std::uint64_t pc)>;

  // map: the global register map (map id 0), the convention of every entry through the pc table.
  Emitter(Xbyak::CodeGenerator& g, const RegMap& map, const MemLayout& layout, LogMode mode, LabelOf label_of)
      : g_(g), base_map_(map), map_(map), layout_(layout), traced_(mode.logs()), mode_(mode), label_of_(std::move(label_of)) {
    const bool traced = traced_;
    if (traced && layout.size / 8 > 0x70000000u)  // the word marks' displacement must fit in 32 bits
      throw std::invalid_argument("aot: trace mode supports guest memories up to 14 GiB");
    maps_.push_back(map);
    written_.emplace_back();
    written_.back().fill(true);
  }

  // Shared code the emitted instructions jump to (defined by the translator), for the global map.
  Xbyak::Label exit_common;    // store mapped guest regs, then leave native code
  Xbyak::Label exit_nostore;   // leave native code (register file already current)
  Xbyak::Label to_interp_rax;  // cpu.pc = rax, exit to the interpreter
  Xbyak::Label dispatch_rax;   // dynamic jump to guest pc rax

  // The pc -> host code table of dynamic jumps (set by the translator). Each jalr of the global map
  // looks its target up itself (dispatch_inline) so that the CPU predicts every indirect jump site on
  // its own: through one shared lookup, all the returns and switches of a loop were one site.
  struct PcTable {
    std::uint64_t lo = 0, span = 0;        // guest pcs [lo, lo + span), one entry per 2 bytes
    const void* const* entries = nullptr;  // nullptr: no table yet (jumps go through dispatch_rax)
  } pc_table;
  // Jump to the host code of guest pc rax (outside the table, odd, or no code: the interpreter).
  // Clobbers rcx, rdx.
  void dispatch_inline() {
    const std::uint64_t lo = pc_table.lo, span = pc_table.span;
    if (lo <= 0x7fffffffULL) {
      g_.lea(g_.rdx, g_.ptr[g_.rax - static_cast<int>(lo)]);
    } else {
      g_.mov(g_.rdx, static_cast<std::uint64_t>(0) - lo);
      g_.add(g_.rdx, g_.rax);
    }
    if (span <= 0x7fffffffULL) {
      g_.cmp(g_.rdx, static_cast<std::uint32_t>(span));
    } else {
      g_.mov(g_.rcx, span);
      g_.cmp(g_.rdx, g_.rcx);
    }
    g_.jae(to_interp_label(), Xbyak::CodeGenerator::T_NEAR);
    g_.shr(g_.rdx, 1);
    g_.jc(to_interp_label(), Xbyak::CodeGenerator::T_NEAR);
    g_.mov(g_.rcx, reinterpret_cast<std::uint64_t>(pc_table.entries));
    g_.jmp(g_.qword[g_.rcx + g_.rdx * 8]);
  }

  // ---- register maps ----
  // Besides the global map (id 0), a loop region may have its own map. Code under map M is entered
  // from the global state through a transition (transition(0, M)): the global map's host registers
  // that M reuses are stored to the register file, then M's registers that the global map keeps
  // elsewhere are loaded. So while in M, the register file holds the current value of every register
  // M maps differently from the global map and that the region has not written: going back
  // (transition(M, 0)) stores only the registers the region writes (`written`).
  struct MapExits {
    Xbyak::Label exit_common, to_interp_rax, dispatch_rax;  // as the global ones, for this map
  };
  int add_map(const RegMap& m, const std::array<bool, 32>& written) {
    maps_.push_back(m);
    written_.push_back(written);
    map_exits_.emplace_back();
    return static_cast<int>(maps_.size() - 1);
  }
  std::size_t map_count() const { return maps_.size(); }
  const RegMap& map_of(int id) const { return maps_[static_cast<std::size_t>(id)]; }
  // The map the following code is emitted under (set per block; emit_cold sets each piece's own).
  void use_map(int id) {
    map_id_ = id;
    base_map_ = maps_[static_cast<std::size_t>(id)];
    map_ = base_map_;
  }
  int map_id() const { return map_id_; }
  Xbyak::Label& exit_common_label() { return map_id_ == 0 ? exit_common : map_exits_[map_id_ - 1].exit_common; }
  Xbyak::Label& to_interp_label() { return map_id_ == 0 ? to_interp_rax : map_exits_[map_id_ - 1].to_interp_rax; }
  Xbyak::Label& dispatch_label() { return map_id_ == 0 ? dispatch_rax : map_exits_[map_id_ - 1].dispatch_rax; }
  MapExits& map_exits(int id) { return map_exits_[static_cast<std::size_t>(id - 1)]; }
  // From the global state into map `to` with the register file fully current: every register the global
  // map holds is stored, every register `to` holds is loaded (mid-block entries: block-local allocation
  // relies on the register file's copy of a register it considers unmodified).
  void enter_map(int to) {
    if (to == 0) return;
    for (int r = 1; r < 32; ++r)
      if (maps_[0][r] >= 0) g_.mov(g_.qword[g_.rsp + ctx_off::x + 8 * r], hreg(maps_[0][r]));
    for (int r = 1; r < 32; ++r)
      if (maps_[static_cast<std::size_t>(to)][r] >= 0)
        g_.mov(hreg(maps_[static_cast<std::size_t>(to)][r]), g_.qword[g_.rsp + ctx_off::x + 8 * r]);
  }
  // Moves guest registers from the homes of map `from` to those of map `to` (only mov: flags and
  // rax/rdx/rcx are left alone).
  void transition(int from, int to) {
    if (from == to) return;
    if (from != 0 && to != 0) {
      transition(from, 0);
      transition(0, to);
      return;
    }
    const RegMap& f = maps_[static_cast<std::size_t>(from)];
    const RegMap& t = maps_[static_cast<std::size_t>(to)];
    const auto& w = written_[static_cast<std::size_t>(from)];
    for (int r = 1; r < 32; ++r)
      if (f[r] >= 0 && f[r] != t[r] && w[r]) g_.mov(g_.qword[g_.rsp + ctx_off::x + 8 * r], hreg(f[r]));
    for (int r = 1; r < 32; ++r)
      if (t[r] >= 0 && t[r] != f[r]) g_.mov(hreg(t[r]), g_.qword[g_.rsp + ctx_off::x + 8 * r]);
  }

  // ---- per-instruction protocol (translator) ----
  // k: index of the instruction in its block of n (exits give back the n - k uncharged steps).
  void begin(std::uint64_t pc, unsigned len, unsigned k, unsigned n) {
    pc_ = pc, len_ = len, k_ = k, n_ = n;
    temps_used_ = 0;
    writes_.clear();
    borrowed_.clear();
    map_ = base_map_;
    dropped_ = 0;
    low32_ = false;
    arm_depth_ = 0;
    arm_dest_ = -1;
    memo_.clear();
    last_load_ = LastLoad{};
    if (k == 0) hulls_.clear();  // a block start: nothing is proven
    scope_ = 0;
    ctl_ = Control{};
  }
  // Commits register writes and emits the control transfer. Returns true when nothing falls through.
  bool end() {
    if (ctl_.kind == CtlKind::jump && ctl_.target.op != Op::none)
      ctl_.target = val(simplify(ctl_.target));  // evaluated before rd lands (jalr rd == rs1)
    else if (ctl_.kind == CtlKind::jump && ctl_.target.a.k == Kind::greg && !writes_.empty())
      ctl_.target = val(copy_to_temp(ctl_.target.a));
    if (ctl_.kind == CtlKind::branch && !writes_.empty())
      throw std::logic_error("aot emitter: a branch that also writes registers is not supported");
    commit();
    switch (ctl_.kind) {
      case CtlKind::none: restore_borrowed(); return false;
      case CtlKind::branch: emit_branch(); return false;
      case CtlKind::jump: emit_jump(ctl_.target.a); return true;
      case CtlKind::ebreak:
        restore_borrowed();
        uncharge(n_ - k_ - 1);
        set_pc_imm(pc_ + len_);
        g_.mov(g_.qword[g_.rsp + ctx_off::exit_kind], static_cast<std::uint32_t>(ExitKind::ebreak));
        g_.jmp(exit_common_label(), Xbyak::CodeGenerator::T_NEAR);
        return true;
      case CtlKind::illegal:  // the interpreter re-executes it and reports the identical fault
        restore_borrowed();
        uncharge(n_ - k_);
        mov_imm(g_.rax, static_cast<std::int64_t>(pc_));
        g_.jmp(to_interp_label(), Xbyak::CodeGenerator::T_NEAR);
        return true;
    }
    return false;
  }

  // Did the last instruction transfer control (branch, jump, ebreak, illegal)?
  bool transfers_control() const { return ctl_.kind != CtlKind::none; }

  // Bounds-check hoisting. A hull says: [x(g) + lo, x(g) + hi) lies inside the load (store: the store)
  // window. The translator asks for one (between begin() and the instruction's ops) when several accesses
  // of a block use base g with g unchanged in between; accesses it covers skip their own check. It holds
  // until g is written, an ecall, or the next block. If the check fails, one of those accesses faults:
  // the run continues in the interpreter at this instruction, which faults exactly where it should.
  struct Hull {
    std::uint8_t g = 0;
    bool store = false;
    std::int64_t lo = 0, hi = 0;
  };
  using Hulls = std::vector<Hull>;
  void prove(const Hull& h) {
    if (h.g == 0 || h.hi <= h.lo) return;
    check_hull(h, pc_, n_ - k_);
    hulls_.push_back(h);
  }
  const Hulls& hulls() const { return hulls_; }
  // A mid-block entry into code that relies on `hs`: check them again (for the guest pc being entered).
  void check_hulls(const Hulls& hs, std::uint64_t pc, unsigned uncharged) {
    for (const Hull& h : hs) check_hull(h, pc, uncharged);
  }

  // Warm blocks (trace mode). A block whose accesses through unchanged base registers touched their
  // words in full since the word marks were last cleared cannot log anything through those bases
  // when it runs again with the same base values: its "fast copy" skips their mark tests. The
  // runner keeps a record per such block, {marks generation, base values}, at Context::warm + rec:
  // the "checked copy" (every access tested) writes it when entered at the block's start, and the
  // block's entry takes the fast copy only if the record matches. A block runs to its end or ends
  // the run (faults, exits); a chunk boundary or an ecall clears the marks, changing the generation.
  void warm_check(int rec, const std::vector<std::uint8_t>& bases, Ref checked) {
    g_.mov(g_.rax, g_.qword[g_.rsp + ctx_off::warm]);
    g_.mov(g_.rdx, g_.qword[g_.rsp + ctx_off::generation]);
    g_.cmp(g_.rdx, g_.qword[g_.rax + 8 * rec]);
    jcc(CC::ne, checked);
    for (std::size_t i = 0; i < bases.size(); ++i) {
      const auto at = g_.qword[g_.rax + 8 * (rec + 1 + static_cast<int>(i))];
      if (base_map_[bases[i]] >= 0) {
        g_.cmp(hreg(base_map_[bases[i]]), at);
      } else {
        g_.mov(g_.rdx, g_.qword[g_.rsp + ctx_off::x + 8 * bases[i]]);
        g_.cmp(g_.rdx, at);
      }
      jcc(CC::ne, checked);
    }
  }
  void warm_record(int rec, const std::vector<std::uint8_t>& bases) {
    g_.mov(g_.rax, g_.qword[g_.rsp + ctx_off::warm]);
    g_.mov(g_.rdx, g_.qword[g_.rsp + ctx_off::generation]);
    g_.mov(g_.qword[g_.rax + 8 * rec], g_.rdx);
    for (std::size_t i = 0; i < bases.size(); ++i) {
      const auto at = g_.qword[g_.rax + 8 * (rec + 1 + static_cast<int>(i))];
      if (base_map_[bases[i]] >= 0) {
        g_.mov(at, hreg(base_map_[bases[i]]));
      } else {
        g_.mov(g_.rdx, g_.qword[g_.rsp + ctx_off::x + 8 * bases[i]]);
        g_.mov(at, g_.rdx);
      }
    }
  }
  // The fast copy: accesses through these base registers (until written) skip their mark tests.
  void set_warm(std::uint32_t mask) { warm_mask_ = mask; }

  // RVTRACE_PERF_MAP (perf_map.hpp): names for the code emitted from here on.
  void set_perf_map(PerfMap* p) { perf_ = p; }
  void perf_mark(std::string name) {
    if (perf_) perf_->mark(g_.getSize(), std::move(name));
  }

  // Out-of-line code collected while emitting (fault exits, constants); the translator calls this once.
  void emit_cold() {
    for (std::size_t i = 0; i < cold_.size(); ++i) {  // a cold piece may add another while being emitted
      Cold c = std::move(cold_[i]);
      use_map(c.map);  // the piece runs in the state of the code that jumps to it
      bind(c.at);
      perf_mark(cold_names[static_cast<int>(c.kind)]);
      switch (c.kind) {
        case ColdKind::fn: c.f(); break;
        case ColdKind::interp:
          uncharge(c.unch);
          mov_imm(g_.rax, static_cast<std::int64_t>(c.pc));
          g_.jmp(to_interp_label(), Xbyak::CodeGenerator::T_NEAR);
          break;
        case ColdKind::fault:
          for (std::uint32_t j = 0; j < c.count; ++j) {
            const Borrow b = borrow_pool_[c.first + j];
            g_.mov(hreg(b.h), g_.qword[g_.rsp + ctx_off::x + 8 * b.g]);
          }
          uncharge(c.unch);
          if (c.bias) g_.lea(g_.rax, g_.ptr[g_.rax + c.bias]);
          g_.mov(g_.qword[g_.rsp + ctx_off::exit_addr], g_.rax);
          set_pc_imm(c.pc);
          g_.mov(g_.qword[g_.rsp + ctx_off::exit_kind], static_cast<std::uint32_t>(ExitKind::fault));
          g_.mov(g_.qword[g_.rsp + ctx_off::exit_aux], static_cast<std::uint32_t>(c.fault));
          g_.jmp(exit_common_label(), Xbyak::CodeGenerator::T_NEAR);
          break;
        case ColdKind::entry:
          entry_hulls_.assign(hull_pool_.begin() + c.first, hull_pool_.begin() + c.first + c.count);
          entry_stub(c.slot, c.unch, c.pc, entry_hulls_);
          break;
      }
    }
    cold_.clear();
    g_.align(8);
    perf_mark("rv:constants");
    for (auto& [v, lbl] : pool_) {
      g_.L(lbl);
      g_.dq(v);
    }
    for (const Site& s : sites_) {
      if (ref_at_[s.ref] == kUnbound) throw std::logic_error("aot emitter: jump to an unbound target");
      patch(s.at, ref_at_[s.ref]);
    }
    sites_.clear();
  }

  // ---- the op vocabulary ----
  // The translator's liveness: this instruction's write of r is never read (it is overwritten later in
  // the block before any read, with no exit from the block in between): set_x(r, ...) is dropped.
  void drop_write(unsigned r) { dropped_ = r; }
  // The translator's demanded bits: only the low 32 bits of this instruction's register write are ever
  // read (until the register is written again, with no exit from the block in between), so a 32-bit
  // result needs no sign extension.
  void low32_write() { low32_ = true; }

  value x(unsigned r) {
    if (r == 0) return kv(0);
    for (std::size_t i = writes_.size(); i-- > 0;)
      if (writes_[i].r == r) return writes_[i].v;
    return val(Simple{Kind::greg, static_cast<std::uint8_t>(r), 0});
  }
  void set_x(unsigned r, value v) {
    if (r == 0 || r == dropped_) return;
    for (auto& w : writes_)
      if (w.r == r && w.scope == scope_) {
        w.v = v;
        return;
      }
    writes_.push_back({static_cast<std::uint8_t>(r), scope_, v});
  }
  value imm(std::int64_t i) { return kv(i); }
  value pc_plus(std::int64_t off) { return kv(static_cast<std::int64_t>(pc_ + static_cast<std::uint64_t>(off))); }

  value add(value a, value b) { return bin(Op::add, a, b); }
  value sub(value a, value b) { return bin(Op::sub, a, b); }
  value and_(value a, value b) {  // an and with a not (xor -1) is one BMI1 andn
    if (is_not(b)) return bin(Op::andn, val(b.a), a);
    if (is_not(a)) return bin(Op::andn, val(a.a), b);
    return bin(Op::and_, a, b);
  }
  value or_(value a, value b) { return bin(Op::or_, a, b); }
  value xor_(value a, value b) { return bin(Op::xor_, a, b); }
  value sll(value a, value b) { return bin(Op::sll, a, b); }
  value srl(value a, value b) { return bin(Op::srl, a, b); }
  value sra(value a, value b) { return bin(Op::sra, a, b); }
  value addw(value a, value b) { return bin(Op::addw, a, b); }
  value subw(value a, value b) { return bin(Op::subw, a, b); }
  value sllw(value a, value b) { return bin(Op::sllw, a, b); }
  value srlw(value a, value b) { return bin(Op::srlw, a, b); }
  value sraw(value a, value b) { return bin(Op::sraw, a, b); }
  value mul(value a, value b) { return bin(Op::mul, a, b); }
  value mulw(value a, value b) { return bin(Op::mulw, a, b); }

  value mulh(value a, value b) { return mul_high(a, b, 0); }
  value mulhu(value a, value b) { return mul_high(a, b, 1); }
  value mulhsu(value a, value b) { return mul_high(a, b, 2); }
  value div_unchecked(value a, value b) { return divide(a, b, false, true, false); }
  value divu_unchecked(value a, value b) { return divide(a, b, false, false, false); }
  value rem_unchecked(value a, value b) { return divide(a, b, true, true, false); }
  value remu_unchecked(value a, value b) { return divide(a, b, true, false, false); }
  value divw_unchecked(value a, value b) { return divide(a, b, false, true, true); }
  value divuw_unchecked(value a, value b) { return divide(a, b, false, false, true); }
  value remw_unchecked(value a, value b) { return divide(a, b, true, true, true); }
  value remuw_unchecked(value a, value b) { return divide(a, b, true, false, true); }

  value ror(value a, value b) { return rot(Op::ror, a, b); }
  value rorw(value a, value b) { return rot(Op::rorw, a, b); }
  value clz(value a) { return un(Op::clz, a); }
  value ctz(value a) { return un(Op::ctz, a); }
  value cpop(value a) { return un(Op::cpop, a); }
  value rev8(value a) { return un(Op::rev8, a); }
  value orc_b(value a) { return un(Op::orc_b, a); }

  cond eq(value a, value b) { return mkcond(CC::eq, a, b); }
  cond ne(value a, value b) { return mkcond(CC::ne, a, b); }
  cond lt(value a, value b) { return mkcond(CC::lt, a, b); }
  cond ge(value a, value b) { return mkcond(CC::ge, a, b); }
  cond ltu(value a, value b) { return mkcond(CC::ltu, a, b); }
  cond geu(value a, value b) { return mkcond(CC::geu, a, b); }

  value from_cond(cond c) {
    if (is_known(c)) return kv(known(c) ? 1 : 0);
    const Simple t = alloc_temp();
    const Xbyak::Reg64 T = hreg(t.r);
    g_.xor_(T.cvt32(), T.cvt32());
    setcc(emit_cmp(c), T.cvt8());
    return val(t);
  }
  template <class A, class B>
  value select(cond c, A&& fa, B&& fb) {
    if (is_known(c)) return known(c) ? fa() : fb();
    const Simple t = alloc_temp();
    const Xbyak::Reg64 T = hreg(t.r);
    const Ref lelse = new_ref(), lend = new_ref();
    jcc(negate(emit_cmp(c)), lelse);
    ++arm_depth_;
    arm_value(fa, T);
    jmp(lend);
    bind(lelse);
    arm_value(fb, T);
    --arm_depth_;
    bind(lend);
    return val(t);
  }
  // A select arm's value lands in T. The first temp the arm needs is T itself and the arm's other
  // temps are free again after it, so selects nest (the division edge cases) without more registers.
  template <class F>
  void arm_value(F&& f, const Xbyak::Reg64& T) {
    const std::uint32_t used = temps_used_;
    const int saved = arm_dest_;
    arm_dest_ = T.getIdx();
    const value v = f();
    put(v, T);
    arm_dest_ = saved;
    temps_used_ = used;
  }
  template <class A, class B>
  void if_(cond c, A&& fthen, B&& felse) {
    commit();  // the arms see committed registers; each arm commits its own writes
    ++scope_;
    if (is_known(c)) {
      if (known(c)) fthen();
      else felse();
      commit();
    } else {
      const Ref lelse = new_ref(), lend = new_ref();
      jcc(negate(emit_cmp(c)), lelse);
      ++arm_depth_;
      fthen();
      commit();
      jmp(lend);
      bind(lelse);
      felse();
      commit();
      --arm_depth_;
      bind(lend);
    }
    --scope_;
  }

  // Guest memory accesses: rax = addr - bias (bias = the window's low end when it fits a displacement),
  // one unsigned compare against the window, then [r15 + rax + bias].
  value load(value addr, unsigned width, bool is_signed) {
    const Xbyak::RegExp at = access(addr, width, false);
    const Simple t = alloc_temp();
    last_load_ = LastLoad{g_.getSize(), 0, width, is_signed, at, t.r};
    emit_load(hreg(t.r), width, is_signed, at);
    last_load_.end = g_.getSize();
    return val(t);
  }
  void store(value addr, value v, unsigned width) {
    const Simple s = simplify(v);
    const Xbyak::RegExp at = access(addr, width, true);
    if (s.k == Kind::konst && (width < 8 || fits32(s.c))) {
      const auto c = static_cast<std::uint64_t>(s.c);
      switch (width) {
        case 1: g_.mov(g_.byte[at], c & 0xff); break;
        case 2: g_.mov(g_.word[at], c & 0xffff); break;
        case 4: g_.mov(g_.dword[at], c & 0xffffffff); break;
        default: g_.mov(g_.qword[at], c); break;  // imm32, sign-extended
      }
      return;
    }
    Xbyak::Reg64 R = g_.rdx;
    if (s.k == Kind::konst) mov_imm(g_.rdx, s.c);
    else if (is_mem(s)) g_.mov(g_.rdx, mem64(s));
    else R = hreg(reg_index(s));
    switch (width) {
      case 1: g_.mov(g_.byte[at], R.cvt8()); break;
      case 2: g_.mov(g_.word[at], R.cvt16()); break;
      case 4: g_.mov(g_.dword[at], R.cvt32()); break;
      default: g_.mov(g_.qword[at], R); break;
    }
  }

  void require_aligned(value addr, unsigned width) {
    const Simple a = simplify(addr);
    if (a.k == Kind::konst) {
      if ((static_cast<std::uint64_t>(a.c) & (width - 1)) == 0) return;
      mov_imm(g_.rax, a.c);
      jmp(fault_stub(FaultKind::misaligned_atomic));
      return;
    }
    mov_to(g_.rax, a);
    g_.test(g_.al, width - 1);
    jcc(CC::ne, fault_stub(FaultKind::misaligned_atomic));
  }

  void branch(cond c, value target) { set_control(CtlKind::branch, c, target); }
  void jump(value target) { set_control(CtlKind::jump, {}, target); }
  void ebreak() { set_control(CtlKind::ebreak, {}, {}); }
  void illegal() { set_control(CtlKind::illegal, {}, {}); }
  // A host call is C++ (isa/host_call.hpp): native code leaves for the interpreter at this
  // instruction, which runs it (and the memory policy sees its accesses); native code resumes at the
  // next block. (Its facts end the block, so it is the block's last instruction.)
  template <class Handler>
  void host_call(const Handler&, const isa::Operands&) {
    set_control(CtlKind::illegal, {}, {});
  }

  // The syscall runs in C++ (Context::ecall) on the register file; then native code continues.
  void ecall() {
    commit();
    if (!borrowed_.empty()) throw std::logic_error("aot emitter: ecall with borrowed registers");
    hulls_.clear();
    store_mapped();
    // replay: the thunk needs the ecall's step (= until - budget - exit_aux) for verify's records
    if (mode_.replays()) g_.mov(g_.qword[g_.rsp + ctx_off::exit_aux], static_cast<std::uint32_t>(n_ - k_));
    g_.mov(g_.rdi, g_.rsp);
    g_.call(g_.qword[g_.rsp + ctx_off::ecall]);
    const unsigned unch = n_ - k_ - 1;  // the ecall retires
    const std::uint64_t next = pc_ + len_;
    g_.test(g_.eax, g_.eax);
    jcc(CC::ne, cold([this, unch, next] {
      uncharge(unch);
      set_pc_imm(next);
      g_.jmp(exit_nostore, Xbyak::CodeGenerator::T_NEAR);  // the register file is current
    }));
    load_mapped();
  }

  value instret() {  // steps retired before this instruction = until - budget - (n - k)
    const Simple t = alloc_temp();
    const Xbyak::Reg64 T = hreg(t.r);
    g_.mov(T, g_.qword[g_.rsp + ctx_off::until]);
    g_.sub(T, g_.qword[g_.rsp + ctx_off::budget]);
    if (n_ - k_ != 0) g_.sub(T, static_cast<std::uint32_t>(n_ - k_));
    return val(t);
  }
  value reservation() {
    const Simple t = alloc_temp();
    g_.mov(hreg(t.r), g_.qword[g_.rsp + ctx_off::reservation]);
    return val(t);
  }
  void set_reservation(value v) { put_mem(v, g_.qword[g_.rsp + ctx_off::reservation]); }

  // ---- helpers the translator uses too ----
  static Xbyak::Reg64 hreg(int idx) { return Xbyak::Reg64(idx); }
  // Guest register r between host register h and the register file.
  void spill(int h, unsigned r) { g_.mov(g_.qword[g_.rsp + ctx_off::x + 8 * static_cast<int>(r)], hreg(h)); }
  void fill(int h, unsigned r) { g_.mov(hreg(h), g_.qword[g_.rsp + ctx_off::x + 8 * static_cast<int>(r)]); }
  void store_mapped() {
    for (int r = 1; r < 32; ++r)
      if (base_map_[r] >= 0) g_.mov(g_.qword[g_.rsp + ctx_off::x + 8 * r], hreg(base_map_[r]));
  }
  void load_mapped() {
    for (int r = 1; r < 32; ++r)
      if (base_map_[r] >= 0) g_.mov(hreg(base_map_[r]), g_.qword[g_.rsp + ctx_off::x + 8 * r]);
  }
  void mov_imm(const Xbyak::Reg64& d, std::int64_t c) {
    if (c >= 0 && c <= 0xffffffffLL) g_.mov(d.cvt32(), static_cast<std::uint32_t>(c));
    else g_.mov(d, static_cast<std::uint64_t>(c));  // imm32 sign-extended when it fits, else imm64
  }
  void uncharge(unsigned c) {
    if (c) g_.add(g_.qword[g_.rsp + ctx_off::budget], c);
  }
  void set_pc_imm(std::uint64_t pc) {
    if (pc <= 0x7fffffffULL) {
      g_.mov(g_.qword[g_.rsp + ctx_off::pc], pc);
    } else {
      g_.mov(g_.rdx, pc);
      g_.mov(g_.qword[g_.rsp + ctx_off::pc], g_.rdx);
    }
  }
  // A new piece of out-of-line code; returns its target.
  Ref cold(std::function<void()> f) {
    Cold& c = new_cold(ColdKind::fn);
    c.f = std::move(f);
    return c.at;
  }
  // Cold code that gives back `unch` steps and leaves for the interpreter at pc.
  Ref cold_interp(unsigned unch, std::uint64_t pc) {
    Cold& c = new_cold(ColdKind::interp);
    c.unch = unch, c.pc = pc;
    return c.at;
  }
  // A mid-block entry stub: emit_cold calls entry_stub(slot, rest, pc, the hulls proven now).
  using EntryStub = std::function<void(std::size_t slot, unsigned rest, std::uint64_t pc, const Hulls& hulls)>;
  EntryStub entry_stub;
  Ref cold_entry(std::size_t slot, unsigned rest, std::uint64_t pc) {
    Cold& c = new_cold(ColdKind::entry);
    c.slot = slot, c.unch = rest, c.pc = pc;
    c.first = static_cast<std::uint32_t>(hull_pool_.size()), c.count = static_cast<std::uint32_t>(hulls_.size());
    hull_pool_.insert(hull_pool_.end(), hulls_.begin(), hulls_.end());
    return c.at;
  }
  static constexpr bool fits32(std::int64_t c) { return c >= INT32_MIN && c <= INT32_MAX; }

 private:
  enum class CtlKind : std::uint8_t { none, branch, jump, ebreak, illegal };
  struct Control {
    CtlKind kind = CtlKind::none;
    cond c{};
    value target{};
  };
  struct Write {
    std::uint8_t r;
    int scope;
    value v;
  };

  static value kv(std::int64_t c) { return value{Op::none, Simple{Kind::konst, 0, c}, {}}; }
  static value val(Simple s) { return value{Op::none, s, {}}; }

  void set_control(CtlKind k, cond c, value t) {
    if (ctl_.kind != CtlKind::none || scope_ != 0)
      throw std::logic_error("aot emitter: control transfer inside if_ or twice in one instruction");
    ctl_ = Control{k, c, t};
  }

  // -- descriptors --
  bool is_mem(const Simple& s) const { return s.k == Kind::greg && map_[s.r] < 0; }
  bool is_reg(const Simple& s) const { return s.k == Kind::temp || (s.k == Kind::greg && map_[s.r] >= 0); }
  int reg_index(const Simple& s) const { return s.k == Kind::temp ? s.r : map_[s.r]; }
  Xbyak::Address mem64(const Simple& s) const { return g_.qword[g_.rsp + ctx_off::x + 8 * s.r]; }
  Xbyak::Address mem32(const Simple& s) const { return g_.dword[g_.rsp + ctx_off::x + 8 * s.r]; }
  // Call f with the register or memory operand of a non-constant simple (64 / 32 bits).
  template <class F>
  void with64(const Simple& s, F&& f) {
    if (is_mem(s)) f(mem64(s));
    else f(hreg(reg_index(s)));
  }
  template <class F>
  void with32(const Simple& s, F&& f) {
    if (is_mem(s)) f(mem32(s));
    else f(hreg(reg_index(s)).cvt32());
  }
  bool same(const Simple& s, const Xbyak::Reg64& d) const { return is_reg(s) && reg_index(s) == d.getIdx(); }

  Simple alloc_temp() {
    auto take = [&](int h) {
      temps_used_ |= 1u << h;
      return Simple{Kind::temp, static_cast<std::uint8_t>(h), 0};
    };
    if (arm_dest_ >= 0) {  // (select: the arm's destination)
      const int h = arm_dest_;
      arm_dest_ = -1;
      return take(h);
    }
    for (int h : HostRegs::temps)
      if (!(temps_used_ & (1u << h))) return take(h);
    const std::size_t n = HostRegs::guest_count();
    for (std::size_t i = n; i-- > 0;) {  // a guest host register no guest register uses
      const int h = HostRegs::guest[i];
      if (temps_used_ & (1u << h)) continue;
      bool used = false;
      for (int r = 1; r < 32; ++r) used = used || base_map_[r] == h;
      if (!used) return take(h);
    }
    if (arm_depth_ > 0) throw std::logic_error("aot emitter: out of temp registers inside a conditional arm");
    for (std::size_t i = n; i-- > 0;) {  // borrow one: save its guest register to the register file
      const int h = HostRegs::guest[i];
      if (temps_used_ & (1u << h)) continue;
      for (int r = 1; r < 32; ++r)
        if (map_[r] == h) {
          g_.mov(g_.qword[g_.rsp + ctx_off::x + 8 * r], hreg(h));
          map_[r] = -1;
          borrowed_.push_back({static_cast<std::uint8_t>(r), static_cast<std::uint8_t>(h)});
          return take(h);
        }
    }
    throw std::logic_error("aot emitter: out of temp registers");
  }
  // Materialize a pending expression. One computed on every path (outside select/if_ arms) is reused
  // when the instruction asks for the same expression again (e.g. divw's sign-extended divisor).
  Simple simplify(const value& v) {
    if (v.op == Op::none) return v.a;
    for (const auto& [key, t] : memo_)
      if (same_value(key, v)) return t;
    const Simple t = alloc_temp();
    put(v, hreg(t.r));
    if (arm_depth_ == 0) memo_.push_back({v, t});
    return t;
  }
  static bool same_simple(const Simple& a, const Simple& b) { return a.k == b.k && a.r == b.r && a.c == b.c; }
  static bool same_value(const value& a, const value& b) {
    return a.op == b.op && same_simple(a.a, b.a) && same_simple(a.b, b.b);
  }
  static bool is_not(const value& v) { return v.op == Op::xor_ && v.b.k == Kind::konst && v.b.c == -1; }
  Simple copy_to_temp(const Simple& s) {
    const Simple t = alloc_temp();
    mov_to(hreg(t.r), s);
    return t;
  }

  static std::int64_t fold(Op op, std::int64_t a, std::int64_t b) {
    using S = isa::ScalarOps;
    const auto ua = static_cast<std::uint64_t>(a), ub = static_cast<std::uint64_t>(b);
    std::uint64_t r = 0;
    switch (op) {
      case Op::add: r = S::add(ua, ub); break;
      case Op::sub: r = S::sub(ua, ub); break;
      case Op::and_: r = S::and_(ua, ub); break;
      case Op::or_: r = S::or_(ua, ub); break;
      case Op::xor_: r = S::xor_(ua, ub); break;
      case Op::sll: r = S::sll(ua, ub); break;
      case Op::srl: r = S::srl(ua, ub); break;
      case Op::sra: r = S::sra(ua, ub); break;
      case Op::addw: r = S::addw(ua, ub); break;
      case Op::subw: r = S::subw(ua, ub); break;
      case Op::sllw: r = S::sllw(ua, ub); break;
      case Op::srlw: r = S::srlw(ua, ub); break;
      case Op::sraw: r = S::sraw(ua, ub); break;
      case Op::mul: r = S::mul(ua, ub); break;
      case Op::mulw: r = S::mulw(ua, ub); break;
      case Op::ror: r = S::ror(ua, ub); break;
      case Op::rorw: r = S::rorw(ua, ub); break;
      case Op::andn: r = S::and_(S::xor_(ua, ~std::uint64_t{0}), ub); break;
      case Op::clz: r = S::clz(ua); break;
      case Op::ctz: r = S::ctz(ua); break;
      case Op::cpop: r = S::cpop(ua); break;
      case Op::rev8: r = S::rev8(ua); break;
      case Op::orc_b: r = S::orc_b(ua); break;
      case Op::none: break;
    }
    return static_cast<std::int64_t>(r);
  }
  static bool commutative(Op op) {
    return op == Op::add || op == Op::and_ || op == Op::or_ || op == Op::xor_ || op == Op::mul ||
           op == Op::addw || op == Op::mulw;
  }

  value un(Op op, value va) {
    const Simple a = simplify(va);
    if (a.k == Kind::konst) return kv(fold(op, a.c, 0));
    return value{op, a, Simple{}};
  }
  value bin(Op op, value va, value vb) {
    Simple a = simplify(va), b = simplify(vb);
    if (a.k == Kind::konst && b.k == Kind::konst) return kv(fold(op, a.c, b.c));
    if (commutative(op) && a.k == Kind::konst) std::swap(a, b);
    if (b.k == Kind::konst) {
      const std::int64_t c = b.c;
      switch (op) {
        case Op::add: case Op::sub: case Op::or_: case Op::xor_:
          if (c == 0) return val(a);
          break;
        case Op::and_:
          if (c == -1) return val(a);
          if (c == 0) return kv(0);
          break;
        case Op::sll: case Op::srl: case Op::sra:
          if ((c & 63) == 0) return val(a);
          break;
        case Op::mul:
          if (c == 0) return kv(0);
          if (c == 1) return val(a);
          break;
        case Op::mulw:
          if (static_cast<std::int32_t>(c) == 0) return kv(0);
          break;
        default: break;
      }
    } else if (a.k == Kind::konst && a.c == 0) {
      switch (op) {  // 0 shifted is 0
        case Op::sll: case Op::srl: case Op::sra: case Op::sllw: case Op::srlw: case Op::sraw: return kv(0);
        default: break;
      }
    }
    return value{op, a, b};
  }

  // Materialize v into host register D (D may be rax; rdx is the only other scratch used).
  void put(const value& v, const Xbyak::Reg64& D) {
    const Simple& a = v.a;
    const Simple& b = v.b;
    switch (v.op) {
      case Op::none: mov_to(D, a); return;
      case Op::add: case Op::sub: case Op::and_: case Op::or_: case Op::xor_: {
        if (same(a, D)) return alu(v.op, D, b);
        if (same(b, D)) {
          if (commutative(v.op)) return alu(v.op, D, a);
          g_.neg(D);  // D = a - b = -b + a
          return alu(Op::add, D, a);
        }
        if (v.op == Op::add && is_reg(a) && (is_reg(b) || (b.k == Kind::konst && fits32(b.c)))) {
          if (b.k == Kind::konst) g_.lea(D, g_.ptr[hreg(reg_index(a)) + static_cast<int>(b.c)]);
          else g_.lea(D, g_.ptr[hreg(reg_index(a)) + hreg(reg_index(b))]);
          return;
        }
        mov_to(D, a);
        return alu(v.op, D, b);
      }
      case Op::addw: case Op::subw: {
        const Xbyak::Reg32 D32 = D.cvt32();
        if (v.op == Op::addw && b.k == Kind::konst && static_cast<std::int32_t>(b.c) == 0 && a.k != Kind::konst) {
          if (low32_result_) mov_to32(D32, a);
          else with32(a, [&](const auto& o) { g_.movsxd(D, o); });  // sext.w
          return;
        }
        const Op op = v.op == Op::addw ? Op::add : Op::sub;
        if (same(a, D)) {
          alu32(op, D32, b);
        } else if (same(b, D)) {
          if (op == Op::add) {
            alu32(op, D32, a);
          } else {
            g_.neg(D32);
            alu32(Op::add, D32, a);
          }
        } else if (op == Op::add && is_reg(a) && (is_reg(b) || b.k == Kind::konst)) {
          if (b.k == Kind::konst) g_.lea(D32, g_.ptr[hreg(reg_index(a)) + static_cast<std::int32_t>(b.c)]);
          else g_.lea(D32, g_.ptr[hreg(reg_index(a)) + hreg(reg_index(b))]);
        } else {
          mov_to32(D32, a);
          alu32(op, D32, b);
        }
        if (!low32_result_) g_.movsxd(D, D32);
        return;
      }
      case Op::sll: case Op::srl: case Op::sra: {
        if (b.k == Kind::konst) {
          mov_to(D, a);
          const int sh = static_cast<int>(b.c & 63);
          if (v.op == Op::sll) g_.shl(D, sh);
          else if (v.op == Op::srl) g_.shr(D, sh);
          else g_.sar(D, sh);
          return;
        }
        shiftx(v.op, D, a, b, false);
        return;
      }
      case Op::sllw: case Op::srlw: case Op::sraw: {
        const Xbyak::Reg32 D32 = D.cvt32();
        if (b.k == Kind::konst) {
          mov_to32(D32, a);
          const int sh = static_cast<int>(b.c & 31);
          if (sh) {
            if (v.op == Op::sllw) g_.shl(D32, sh);
            else if (v.op == Op::srlw) g_.shr(D32, sh);
            else g_.sar(D32, sh);
          }
        } else {
          shiftx(v.op, D, a, b, true);
        }
        // (a logical right shift by 1..31 leaves bit 31 clear: zero-extended = sign-extended)
        const bool nonneg = v.op == Op::srlw && b.k == Kind::konst && (b.c & 31) != 0;
        if (!low32_result_ && !nonneg) g_.movsxd(D, D32);
        return;
      }
      case Op::mul: {
        if (b.k == Kind::konst && fits32(b.c) && a.k != Kind::konst) {
          with64(a, [&](const auto& o) { g_.imul(D, o, static_cast<int>(b.c)); });
          return;
        }
        if (same(a, D)) return mul_src(D, b);
        if (same(b, D)) return mul_src(D, a);
        mov_to(D, a);
        return mul_src(D, b);
      }
      case Op::ror: case Op::rorw: {
        if (b.k != Kind::konst) return rotate_var(v.op == Op::rorw, D, a, b);
        const int n = static_cast<int>(b.c & (v.op == Op::ror ? 63 : 31));
        if (a.k == Kind::konst) {
          mov_imm(D, fold(v.op, a.c, b.c));
        } else if (v.op == Op::ror) {
          with64(a, [&](const auto& o) { g_.rorx(D, o, n); });
        } else {
          with32(a, [&](const auto& o) { g_.rorx(D.cvt32(), o, n); });
          if (!low32_result_) g_.movsxd(D, D.cvt32());
        }
        return;
      }
      case Op::andn: {  // BMI1 andn when a is in a register
        if (is_reg(a) && b.k != Kind::konst) {
          with64(b, [&](const auto& o) { g_.andn(D, hreg(reg_index(a)), o); });
        } else if (!same(b, D)) {
          mov_to(D, a);
          g_.not_(D);
          alu(Op::and_, D, b);
        } else {
          mov_to(g_.rdx, a);
          g_.not_(g_.rdx);
          g_.and_(D, g_.rdx);
        }
        return;
      }
      case Op::clz:
        if (has_lzcnt_) return with64(a, [&](const auto& o) { g_.lzcnt(D, o); });
        with64(a, [&](const auto& o) { g_.bsr(D, o); });  // 63 - index, 64 for 0 (127 ^ 63)
        g_.mov(g_.edx, 127);
        g_.cmovz(D, g_.rdx);
        g_.xor_(D, 63);
        return;
      case Op::ctz: return with64(a, [&](const auto& o) { g_.tzcnt(D, o); });  // (BMI1)
      case Op::cpop:
        if (!has_popcnt_) throw std::runtime_error("aot: cpop needs a host with POPCNT; use --engine interp");
        return with64(a, [&](const auto& o) { g_.popcnt(D, o); });
      case Op::rev8:
        mov_to(D, a);
        g_.bswap(D);
        return;
      case Op::orc_b:  // bytes equal to zero -> 0xff, then inverted
        with64(a, [&](const auto& o) { g_.movq(g_.xmm0, o); });
        g_.pxor(g_.xmm1, g_.xmm1);
        g_.pcmpeqb(g_.xmm0, g_.xmm1);
        g_.movq(D, g_.xmm0);
        g_.not_(D);
        return;
      case Op::mulw: {
        const Xbyak::Reg32 D32 = D.cvt32();
        if (b.k == Kind::konst && a.k != Kind::konst) {
          with32(a, [&](const auto& o) { g_.imul(D32, o, static_cast<std::int32_t>(b.c)); });
        } else if (same(a, D)) {
          mul32_src(D32, b);
        } else if (same(b, D)) {
          mul32_src(D32, a);
        } else {
          mov_to32(D32, a);
          mul32_src(D32, b);
        }
        if (!low32_result_) g_.movsxd(D, D32);
        return;
      }
    }
  }
  // v -> a memory slot (register file / reservation).
  void put_mem(const value& v, const Xbyak::Address& m) {
    if (v.op == Op::none) {
      const Simple& s = v.a;
      if (s.k == Kind::konst && fits32(s.c)) {
        g_.mov(m, static_cast<std::uint64_t>(s.c));  // imm32 sign-extended
      } else if (is_reg(s)) {
        g_.mov(m, hreg(reg_index(s)));
      } else {
        mov_to(g_.rax, s);
        g_.mov(m, g_.rax);
      }
      return;
    }
    put(v, g_.rax);
    g_.mov(m, g_.rax);
  }

  void mov_to(const Xbyak::Reg64& D, const Simple& s) {
    if (s.k == Kind::konst) mov_imm(D, s.c);
    else if (!same(s, D)) with64(s, [&](const auto& o) { g_.mov(D, o); });
  }
  void mov_to32(const Xbyak::Reg32& D32, const Simple& s) {
    if (s.k == Kind::konst) g_.mov(D32, static_cast<std::uint32_t>(s.c));
    else if (!(is_reg(s) && reg_index(s) == D32.getIdx())) with32(s, [&](const auto& o) { g_.mov(D32, o); });
  }
  // D op= s (64-bit)
  void alu(Op op, const Xbyak::Reg64& D, const Simple& s) {
    auto emit = [&](const auto& src) {
      switch (op) {
        case Op::add: g_.add(D, src); break;
        case Op::sub: g_.sub(D, src); break;
        case Op::and_: g_.and_(D, src); break;
        case Op::or_: g_.or_(D, src); break;
        default: g_.xor_(D, src); break;
      }
    };
    if (s.k == Kind::konst) {
      if (fits32(s.c)) return emit(static_cast<std::uint32_t>(s.c));
      mov_imm(g_.rdx, s.c);
      return emit(g_.rdx);
    }
    with64(s, emit);
  }
  void alu32(Op op, const Xbyak::Reg32& D, const Simple& s) {
    auto emit = [&](const auto& src) {
      if (op == Op::add) g_.add(D, src);
      else g_.sub(D, src);
    };
    if (s.k == Kind::konst) return emit(static_cast<std::uint32_t>(s.c));
    with32(s, emit);
  }
  void mul_src(const Xbyak::Reg64& D, const Simple& s) {
    if (s.k == Kind::konst) {
      mov_imm(g_.rdx, s.c);
      g_.imul(D, g_.rdx);
    } else {
      with64(s, [&](const auto& o) { g_.imul(D, o); });
    }
  }
  void mul32_src(const Xbyak::Reg32& D, const Simple& s) {
    if (s.k == Kind::konst) {
      g_.mov(g_.edx, static_cast<std::uint32_t>(s.c));
      g_.imul(D, g_.edx);
    } else {
      with32(s, [&](const auto& o) { g_.imul(D, o); });
    }
  }
  // Variable shifts with BMI2 shlx/shrx/sarx (the count is masked mod 64 / mod 32 by the CPU).
  void shiftx(Op op, const Xbyak::Reg64& D, const Simple& a, const Simple& b, bool w) {
    Xbyak::Reg64 B = g_.rdx;
    if (is_reg(b)) B = hreg(reg_index(b));
    else if (b.k == Kind::konst) mov_imm(g_.rdx, b.c);
    else g_.mov(g_.rdx, mem64(b));
    auto emit = [&](const auto& src) {
      if (w) {
        switch (op) {
          case Op::sllw: g_.shlx(D.cvt32(), src, B.cvt32()); break;
          case Op::srlw: g_.shrx(D.cvt32(), src, B.cvt32()); break;
          default: g_.sarx(D.cvt32(), src, B.cvt32()); break;
        }
      } else {
        switch (op) {
          case Op::sll: g_.shlx(D, src, B); break;
          case Op::srl: g_.shrx(D, src, B); break;
          default: g_.sarx(D, src, B); break;
        }
      }
    };
    if (a.k == Kind::konst) {
      Xbyak::Reg64 S = D;
      if (B.getIdx() == D.getIdx()) S = D.getIdx() == g_.rax.getIdx() ? g_.rdx : g_.rax;
      mov_imm(S, a.c);
      if (w) emit(S.cvt32());
      else emit(S);
      return;
    }
    if (w) with32(a, emit);
    else with64(a, emit);
  }

  // kind: 0 mulh (signed x signed), 1 mulhu, 2 mulhsu (signed x unsigned)
  value mul_high(value va, value vb, int kind) {
    Simple a = simplify(va), b = simplify(vb);
    if (a.k == Kind::konst && b.k == Kind::konst) {
      using S = isa::ScalarOps;
      const auto ua = static_cast<std::uint64_t>(a.c), ub = static_cast<std::uint64_t>(b.c);
      const std::uint64_t r = kind == 0 ? S::mulh(ua, ub) : kind == 1 ? S::mulhu(ua, ub) : S::mulhsu(ua, ub);
      return kv(static_cast<std::int64_t>(r));
    }
    if ((a.k == Kind::konst && a.c == 0) || (b.k == Kind::konst && b.c == 0)) return kv(0);
    if (a.k == Kind::konst) a = copy_to_temp(a);
    if (b.k == Kind::konst) b = copy_to_temp(b);
    const Simple t = alloc_temp();
    const Xbyak::Reg64 T = hreg(t.r);
    mov_to(g_.rax, a);
    if (kind == 0) with64(b, [&](const auto& o) { g_.imul(o); });
    else with64(b, [&](const auto& o) { g_.mul(o); });
    g_.mov(T, g_.rdx);
    if (kind == 2) {  // a signed: hi(a*b) = hiu(a*b) - (a < 0 ? b : 0)
      mov_to(g_.rax, a);
      g_.sar(g_.rax, 63);
      with64(b, [&](const auto& o) { g_.and_(g_.rax, o); });
      g_.sub(T, g_.rax);
    }
    return val(t);
  }

  // x86 division for the cases isa/rv64m.hpp leaves to it (b != 0, not MIN/-1: no trap).
  value divide(value va, value vb, bool is_rem, bool is_signed, bool w) {
    using S = isa::ScalarOps;
    Simple a = simplify(va), b = simplify(vb);
    if (a.k == Kind::konst && b.k == Kind::konst) {
      using Fn = std::uint64_t (*)(std::uint64_t, std::uint64_t);
      constexpr Fn fns[2][2][2] = {{{S::divu_unchecked, S::div_unchecked}, {S::remu_unchecked, S::rem_unchecked}},
                                   {{S::divuw_unchecked, S::divw_unchecked}, {S::remuw_unchecked, S::remw_unchecked}}};
      return kv(static_cast<std::int64_t>(fns[w][is_rem][is_signed](static_cast<std::uint64_t>(a.c), static_cast<std::uint64_t>(b.c))));
    }
    if (b.k == Kind::konst) b = copy_to_temp(b);
    const Simple t = alloc_temp();
    const Xbyak::Reg64 T = hreg(t.r);
    if (w) {
      mov_to32(g_.eax, a);
      if (is_signed) g_.cdq();
      else g_.xor_(g_.edx, g_.edx);
      if (is_signed) with32(b, [&](const auto& o) { g_.idiv(o); });
      else with32(b, [&](const auto& o) { g_.div(o); });
      g_.movsxd(T, is_rem ? g_.edx : g_.eax);
    } else {
      mov_to(g_.rax, a);
      if (is_signed) g_.cqo();
      else g_.xor_(g_.edx, g_.edx);
      if (is_signed) with64(b, [&](const auto& o) { g_.idiv(o); });
      else with64(b, [&](const auto& o) { g_.div(o); });
      g_.mov(T, is_rem ? g_.rdx : g_.rax);
    }
    return val(t);
  }
  // Rotate right by a register amount (mod 64 / 32): (a >> n) | (a << -n), right for n = 0 too.
  // (a is not a constant: rot() puts one in a temp)
  void rotate_var(bool w, const Xbyak::Reg64& D, const Simple& a, const Simple& b) {
    mov_to(g_.rdx, b);
    if (w) {
      with32(a, [&](const auto& o) { g_.shrx(g_.eax, o, g_.edx); });
      g_.neg(g_.edx);
      with32(a, [&](const auto& o) { g_.shlx(g_.edx, o, g_.edx); });
      g_.or_(g_.eax, g_.edx);
      if (low32_result_) g_.mov(D.cvt32(), g_.eax);
      else g_.movsxd(D, g_.eax);
    } else {
      with64(a, [&](const auto& o) { g_.shrx(g_.rax, o, g_.rdx); });
      g_.neg(g_.rdx);
      with64(a, [&](const auto& o) { g_.shlx(g_.rdx, o, g_.rdx); });
      g_.or_(g_.rax, g_.rdx);
      if (D.getIdx() != g_.rax.getIdx()) g_.mov(D, g_.rax);
    }
  }
  value rot(Op op, value va, value vb) {
    Simple a = simplify(va);
    const Simple b = simplify(vb);
    if (a.k == Kind::konst && b.k != Kind::konst) a = copy_to_temp(a);
    return bin(op, val(a), val(b));
  }

  // -- conditions --
  cond mkcond(CC cc, value a, value b) {
    const Simple sa = simplify(a);
    const Simple sb = simplify(b);
    return cond{cc, sa, sb};
  }
  static bool is_known(const cond& c) { return c.a.k == Kind::konst && c.b.k == Kind::konst; }
  static bool known(const cond& c) {
    using S = isa::ScalarOps;
    const auto a = static_cast<std::uint64_t>(c.a.c), b = static_cast<std::uint64_t>(c.b.c);
    switch (c.cc) {
      case CC::eq: return S::eq(a, b);
      case CC::ne: return S::ne(a, b);
      case CC::lt: return S::lt(a, b);
      case CC::ge: return S::ge(a, b);
      case CC::ltu: return S::ltu(a, b);
      case CC::geu: return S::geu(a, b);
      case CC::gt: return S::lt(b, a);
      case CC::le: return S::ge(b, a);
      case CC::gtu: return S::ltu(b, a);
      case CC::leu: return S::geu(b, a);
    }
    return false;
  }
  static CC swapped(CC cc) {
    switch (cc) {
      case CC::lt: return CC::gt;
      case CC::ge: return CC::le;
      case CC::ltu: return CC::gtu;
      case CC::geu: return CC::leu;
      case CC::gt: return CC::lt;
      case CC::le: return CC::ge;
      case CC::gtu: return CC::ltu;
      case CC::leu: return CC::geu;
      default: return cc;
    }
  }
  static CC negate(CC cc) {
    switch (cc) {
      case CC::eq: return CC::ne;
      case CC::ne: return CC::eq;
      case CC::lt: return CC::ge;
      case CC::ge: return CC::lt;
      case CC::ltu: return CC::geu;
      case CC::geu: return CC::ltu;
      case CC::gt: return CC::le;
      case CC::le: return CC::gt;
      case CC::gtu: return CC::leu;
      case CC::leu: return CC::gtu;
    }
    return cc;
  }
  // Emits the comparison; returns the condition code to test (operands may have been swapped).
  CC emit_cmp(cond c) {
    if (c.a.k == Kind::konst) {
      std::swap(c.a, c.b);
      c.cc = swapped(c.cc);
    }
    const Simple& a = c.a;
    const Simple& b = c.b;
    if (b.k == Kind::konst) {
      if (b.c == 0 && is_reg(a)) {
        const Xbyak::Reg64 A = hreg(reg_index(a));
        g_.test(A, A);
      } else if (fits32(b.c)) {
        with64(a, [&](const auto& o) { g_.cmp(o, static_cast<std::uint32_t>(b.c)); });
      } else {
        mov_imm(g_.rdx, b.c);
        with64(a, [&](const auto& o) { g_.cmp(o, g_.rdx); });
      }
    } else if (is_mem(a) && is_mem(b)) {
      g_.mov(g_.rax, mem64(a));
      g_.cmp(g_.rax, mem64(b));
    } else if (is_mem(a)) {
      g_.cmp(mem64(a), hreg(reg_index(b)));
    } else {
      with64(b, [&](const auto& o) { g_.cmp(hreg(reg_index(a)), o); });
    }
    return c.cc;
  }
  // The x86 condition code (the low nibble of jcc rel32's 0F 8x opcode).
  static int cc_code(CC cc) {
    switch (cc) {
      case CC::eq: return 0x4;   // e
      case CC::ne: return 0x5;   // ne
      case CC::lt: return 0xC;   // l
      case CC::ge: return 0xD;   // ge
      case CC::ltu: return 0x2;  // b
      case CC::geu: return 0x3;  // ae
      case CC::gt: return 0xF;   // g
      case CC::le: return 0xE;   // le
      case CC::gtu: return 0x7;  // a
      case CC::leu: return 0x6;  // be
    }
    throw std::logic_error("aot emitter: bad condition");
  }
  static constexpr std::size_t kUnbound = ~std::size_t{0};
  // The rel32 of a jump (its opcode just emitted) to r.
  void rel32(Ref r) {
    const std::size_t at = g_.getSize();
    g_.dd(0);
    if (ref_at_[r.id] != kUnbound) patch(at, ref_at_[r.id]);
    else sites_.push_back(Site{at, r.id});
  }
  void patch(std::size_t at, std::size_t target) {
    const auto d = static_cast<std::int64_t>(target) - static_cast<std::int64_t>(at + 4);
    if (!fits32(d)) throw std::logic_error("aot emitter: jump out of rel32 range");
    const auto v = static_cast<std::int32_t>(d);
    std::memcpy(const_cast<std::uint8_t*>(g_.getCode()) + at, &v, 4);
  }
  void setcc(CC cc, const Xbyak::Reg8& r) {
    switch (cc) {
      case CC::eq: g_.sete(r); break;
      case CC::ne: g_.setne(r); break;
      case CC::lt: g_.setl(r); break;
      case CC::ge: g_.setge(r); break;
      case CC::ltu: g_.setb(r); break;
      case CC::geu: g_.setae(r); break;
      case CC::gt: g_.setg(r); break;
      case CC::le: g_.setle(r); break;
      case CC::gtu: g_.seta(r); break;
      case CC::leu: g_.setbe(r); break;
    }
  }

  // -- register writes --
  void commit() {
    memo_.clear();  // (registers may change now)
    std::size_t first = writes_.size();
    while (first > 0 && writes_[first - 1].scope == scope_) --first;
    if (first == writes_.size()) return;
    if (writes_.size() - first == 1) {  // a load's value going straight to a mapped rd: load into rd
      const Write& w = writes_[first];
      const LastLoad& l = last_load_;
      if (w.v.op == Op::none && w.v.a.k == Kind::temp && w.v.a.r == l.temp && g_.getSize() == l.end &&
          map_[w.r] >= 0) {
        forget_hulls(w.r);
        g_.setSize(l.start);
        emit_load(hreg(map_[w.r]), l.width, l.is_signed, l.at);
        last_load_ = LastLoad{};
        writes_.resize(first);
        return;
      }
    }
    if (writes_.size() - first > 1)  // several writes: evaluate all before any lands
      for (std::size_t i = first; i < writes_.size(); ++i) writes_[i].v = val(copy_to_temp(simplify(writes_[i].v)));
    for (std::size_t i = first; i < writes_.size(); ++i) forget_hulls(writes_[i].r);
    low32_result_ = low32_ && scope_ == 0 && writes_.size() - first == 1;
    for (std::size_t i = first; i < writes_.size(); ++i) {
      const Write& w = writes_[i];
      if (map_[w.r] >= 0) put(w.v, hreg(map_[w.r]));
      else put_home_mem(w.r, w.v);
    }
    low32_result_ = false;
    writes_.resize(first);
  }
  // rd in the register file: read-modify-write forms when rd is also the first operand.
  void put_home_mem(unsigned r, value v) {
    const Xbyak::Address m = g_.qword[g_.rsp + ctx_off::x + 8 * static_cast<int>(r)];
    if (commutative(v.op) && v.b.k == Kind::greg && v.b.r == r) std::swap(v.a, v.b);  // rd = x op rd
    const bool self = v.a.k == Kind::greg && v.a.r == r;
    if (self && v.b.k == Kind::konst && fits32(v.b.c)) {
      const auto c = static_cast<std::uint32_t>(v.b.c);
      switch (v.op) {
        case Op::add: g_.add(m, c); return;
        case Op::sub: g_.sub(m, c); return;
        case Op::and_: g_.and_(m, c); return;
        case Op::or_: g_.or_(m, c); return;
        case Op::xor_: g_.xor_(m, c); return;
        case Op::sll: g_.shl(m, static_cast<int>(v.b.c & 63)); return;
        case Op::srl: g_.shr(m, static_cast<int>(v.b.c & 63)); return;
        case Op::sra: g_.sar(m, static_cast<int>(v.b.c & 63)); return;
        default: break;
      }
    }
    if (self && is_reg(v.b)) {
      const Xbyak::Reg64 B = hreg(reg_index(v.b));
      switch (v.op) {
        case Op::add: g_.add(m, B); return;
        case Op::sub: g_.sub(m, B); return;
        case Op::and_: g_.and_(m, B); return;
        case Op::or_: g_.or_(m, B); return;
        case Op::xor_: g_.xor_(m, B); return;
        default: break;
      }
    }
    put_mem(v, m);
  }

  // -- control --
  // Borrowed guest host registers get their guest register back (mov leaves the flags alone).
  void restore_borrowed() {
    for (const Borrow& b : borrowed_) {
      g_.mov(hreg(b.h), g_.qword[g_.rsp + ctx_off::x + 8 * b.g]);
      map_[b.g] = b.h;
    }
    borrowed_.clear();
  }
  void emit_branch() {
    const Simple t = ctl_.target.a;
    if (ctl_.target.op != Op::none || t.k != Kind::konst)
      throw std::logic_error("aot emitter: branch target must be a constant");
    const auto target = static_cast<std::uint64_t>(t.c);
    Ref l = label_of_(target);
    if (!l) l = cold_interp(0, target);
    if (is_known(ctl_.c)) {
      restore_borrowed();
      if (known(ctl_.c)) jmp(l);
      return;
    }
    const CC cc = emit_cmp(ctl_.c);
    restore_borrowed();
    jcc(cc, l);
  }
  void emit_jump(const Simple& t) {
    if (t.k != Kind::konst) mov_to(g_.rax, t);
    restore_borrowed();
    if (t.k == Kind::konst) {
      const auto target = static_cast<std::uint64_t>(t.c);
      if (const Ref l = label_of_(target)) {
        jmp(l);
      } else {
        mov_imm(g_.rax, t.c);
        g_.jmp(to_interp_label(), Xbyak::CodeGenerator::T_NEAR);
      }
      return;
    }
    if (map_id_ == 0 && pc_table.entries) dispatch_inline();
    else g_.jmp(dispatch_label(), Xbyak::CodeGenerator::T_NEAR);  // (a loop map: back to the global one first)
  }

  // -- memory --
  // The displacement folded into guest accesses: the window's low end, if it fits and keeps alignment.
  // (Only trace mode needs rax's low bits to be the address's: log_words.)
  int mem_bias(std::uint64_t lo) const {
    return lo <= 0x7fffffffULL && (lo % 8 == 0 || !traced_) ? static_cast<int>(lo) : 0;
  }
  // rax = addr - bias
  void addr_to_rax(const value& addr, int bias) {
    const Simple& a = addr.a;
    const Simple& b = addr.b;
    if (addr.op == Op::add && b.k == Kind::konst && a.k != Kind::konst && fits32(b.c) && fits32(b.c - bias)) {
      const int c = static_cast<int>(b.c - bias);
      if (is_reg(a)) {
        g_.lea(g_.rax, g_.ptr[hreg(reg_index(a)) + c]);
      } else {
        g_.mov(g_.rax, mem64(a));
        if (c) g_.add(g_.rax, c);
      }
      return;
    }
    if (addr.op == Op::none && a.k == Kind::konst) return mov_imm(g_.rax, static_cast<std::int64_t>(static_cast<std::uint64_t>(a.c) - static_cast<std::uint64_t>(bias)));
    if (addr.op == Op::none && is_reg(a) && bias) {
      g_.lea(g_.rax, g_.ptr[hreg(reg_index(a)) - bias]);
      return;
    }
    if (addr.op == Op::none) mov_to(g_.rax, a);
    else put(addr, g_.rax);
    if (bias) g_.sub(g_.rax, bias);
  }
  // Faults unless [rax + bias, rax + bias + width) lies inside [lo, size).
  void check_range(std::uint64_t lo, unsigned width, FaultKind kind, int bias) {
    if (layout_.size < width || layout_.size - width < lo) {  // nothing fits: always faults
      jmp(fault_stub(kind, bias));
      return;
    }
    const std::uint64_t limit = layout_.size - width - lo;
    Xbyak::Reg64 A = g_.rax;
    if (static_cast<std::uint64_t>(bias) != lo) {  // bias is 0 here
      A = g_.rdx;
      if (lo <= 0x7fffffffULL) {
        g_.lea(g_.rdx, g_.ptr[g_.rax - static_cast<int>(lo)]);
      } else {
        g_.mov(g_.rdx, g_.rax);
        g_.sub(g_.rdx, g_.qword[g_.rip + pool_[lo]]);
      }
    }
    if (limit <= 0x7fffffffULL) g_.cmp(A, static_cast<std::uint32_t>(limit));
    else g_.cmp(A, g_.qword[g_.rip + pool_[limit]]);
    jcc(CC::gtu, fault_stub(kind, bias));
  }
  void emit_load(const Xbyak::Reg64& T, unsigned width, bool is_signed, const Xbyak::RegExp& at) {
    switch (width) {
      case 1:
        if (is_signed) g_.movsx(T, g_.byte[at]);
        else g_.movzx(T.cvt32(), g_.byte[at]);
        break;
      case 2:
        if (is_signed) g_.movsx(T, g_.word[at]);
        else g_.movzx(T.cvt32(), g_.word[at]);
        break;
      case 4:
        if (is_signed) g_.movsxd(T, g_.dword[at]);
        else g_.mov(T.cvt32(), g_.dword[at]);
        break;
      default: g_.mov(T, g_.qword[at]); break;
    }
  }
  // Checks (or finds proven by a hull) the access, logs it in trace mode; returns its host address.
  Xbyak::RegExp access(const value& addr, unsigned width, bool store) {
    const std::uint64_t lo = store ? layout_.write_lo : layout_.read_lo;
    const int bias = mem_bias(lo);
    const Simple& base = addr.a;
    const std::int64_t off = addr.op == Op::none ? 0 : addr.b.c;
    const bool simple = base.k == Kind::greg && (addr.op == Op::none || (addr.op == Op::add && addr.b.k == Kind::konst));
    // Trace mode, a warm block: the words of accesses through an unchanged base are marked already.
    // (Only unconditional accesses: one in an if_/select arm may not have happened in that run.)
    const bool log = traced_ && !(simple && arm_depth_ == 0 && (warm_mask_ >> base.r & 1));
    if (simple && fits32(off) && covered(base.r, off, off + width, store)) {
      if (!log) {
        if (is_reg(base)) return g_.r15 + hreg(reg_index(base)) + static_cast<int>(off);
        g_.mov(g_.rax, mem64(base));
        return g_.r15 + g_.rax + static_cast<int>(off);
      }
      addr_to_rax(addr, bias);
    } else {
      addr_to_rax(addr, bias);
      check_range(lo, width, store ? FaultKind::store_out_of_range : FaultKind::load_out_of_range, bias);
    }
    if (log) log_words(width, store, bias);
    return g_.r15 + g_.rax + bias;
  }
  bool covered(unsigned g, std::int64_t lo, std::int64_t hi, bool store) const {
    for (const Hull& h : hulls_)
      if (h.g == g && h.lo <= lo && hi <= h.hi && (h.store == store || (h.store && layout_.write_lo >= layout_.read_lo)))
        return true;
    return false;
  }
  void forget_hulls(unsigned g) {
    std::erase_if(hulls_, [g](const Hull& h) { return h.g == g; });
    warm_mask_ &= ~(std::uint32_t{1} << g);
  }
  void check_hull(const Hull& h, std::uint64_t pc, unsigned uncharged) {
    const Ref fail = cold_interp(uncharged, pc);
    const std::uint64_t lo = h.store ? layout_.write_lo : layout_.read_lo;
    const auto span = static_cast<std::uint64_t>(h.hi - h.lo);
    if (layout_.size < span || layout_.size - span < lo) {
      jmp(fail);
      return;
    }
    const std::uint64_t limit = layout_.size - span - lo;
    const value first{Op::add, Simple{Kind::greg, h.g, 0}, Simple{Kind::konst, 0, h.lo}};
    if (lo <= 0x7fffffffULL) {
      addr_to_rax(first, static_cast<int>(lo));
    } else {
      addr_to_rax(first, 0);
      g_.sub(g_.rax, g_.qword[g_.rip + pool_[lo]]);
    }
    if (limit <= 0x7fffffffULL) g_.cmp(g_.rax, static_cast<std::uint32_t>(limit));
    else g_.cmp(g_.rax, g_.qword[g_.rip + pool_[limit]]);
    jcc(CC::gtu, fail);
  }
  // rax + bias = the faulting address.
  Ref fault_stub(FaultKind kind, int bias = 0) {
    const unsigned unch = n_ - k_;
    const std::uint64_t pc = pc_;
    Cold& c = new_cold(ColdKind::fault);  // emitted in emit_cold
    c.unch = unch, c.pc = pc, c.fault = kind, c.bias = bias;
    c.first = static_cast<std::uint32_t>(borrow_pool_.size()), c.count = static_cast<std::uint32_t>(borrowed_.size());
    borrow_pool_.insert(borrow_pool_.end(), borrowed_.begin(), borrowed_.end());
    return c.at;
  }
  // Trace mode: the first-touch log rules of interp/logging_memory.hpp for the access
  // [rax + bias, + width) (bias is a multiple of 8, so rax's low bits are the address's).
  // Hot path, a naturally aligned access to a word the chunk already touched: one test of the low
  // bits, the word's mark (GuestMemory::word_marks(), at [r15 + (addr >> 3) - size/8]) and a branch.
  // First touches and misaligned accesses go out of line, to a call of a routine shared by the
  // accesses with the same bias, width and kind (touch_routine).
  // replay_effects: a store's word must also carry the written bit (mark byte 3; 1 = marked only).
  void log_words(unsigned width, bool is_store, int bias) {
    const Ref done = new_ref();
    const int marks = bias / 8 - static_cast<int>(layout_.size / 8);
    const bool write = is_store && mode_ == LogMode::replay_effects;
    if (width > 1) {
      const Ref routine = touch_routine(bias, marks, width, true, write);
      g_.test(g_.al, static_cast<std::uint8_t>(width - 1));
      jcc(CC::ne, cold([this, routine, done] {
        call(routine);
        jmp(done);
      }));
    }
    g_.mov(g_.rdx, g_.rax);
    g_.shr(g_.rdx, 3);
    g_.cmp(g_.byte[g_.r15 + g_.rdx + marks], write ? 3 : 0);
    const bool needs_value = !(is_store && width == 8);  // an aligned 8-byte store defines its word
    const Ref routine = touch_routine(bias, marks, 0, needs_value, write);
    jcc(write ? CC::ne : CC::eq, cold([this, routine, done] {
      call(routine);
      jmp(done);
    }));
    bind(done);
  }
  // The shared routine (called: the return address is on the stack) for a first touch of the word
  // rdx + bias/8 (width 0), or a misaligned access of `width` bytes at rax + bias (both its words).
  // write: also set the written bit (replay_effects stores).
  Ref touch_routine(int bias, int marks, unsigned width, bool needs_value, bool write = false) {
    const std::uint64_t key = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(bias)) << 8) | (width << 2) |
                              (std::uint64_t{write} << 1) | needs_value;
    auto [it, fresh] = touch_routines_.try_emplace(key, Ref{});
    if (!fresh) return it->second;
    constexpr int depth = 8;  // (the return address)
    it->second = cold([this, bias, marks, width, needs_value, write] {
      perf_mark("rv:first touch");
      if (width == 0) {  // (the caller found the word unmarked, or a store's written bit unset)
        if (write) touch_word(bias, marks, needs_value, write, depth);
        else first_touch(bias, marks, needs_value, depth);
        g_.ret();
        return;
      }
      const Ref out = new_ref();
      g_.mov(g_.rdx, g_.rax);
      g_.shr(g_.rdx, 3);
      touch_word(bias, marks, true, write, depth);
      g_.lea(g_.rdx, g_.ptr[g_.rax + static_cast<int>(width - 1)]);
      g_.xor_(g_.edx, g_.eax);
      g_.test(g_.dl, 8);  // the last byte is in the next word: bit 3 of the word address flips
      jcc(CC::eq, out);
      g_.lea(g_.rdx, g_.ptr[g_.rax + static_cast<int>(width - 1)]);
      g_.shr(g_.rdx, 3);
      touch_word(bias, marks, true, write, depth);
      bind(out);
      g_.ret();
    });
    return it->second;
  }
  // The word rdx + bias/8: its first touch if it is not marked; write: set its written bit.
  void touch_word(int bias, int marks, bool needs_value, bool write, int depth) {
    const Ref known = new_ref(), out = new_ref();
    g_.cmp(g_.byte[g_.r15 + g_.rdx + marks], 0);
    jcc(CC::ne, known);
    first_touch(bias, marks, needs_value, depth, write);
    if (write) jmp(out);
    bind(known);
    if (write) g_.or_(g_.byte[g_.r15 + g_.rdx + marks], 2);
    bind(out);
  }
  void call(Ref r) {
    g_.db(0xE8);
    rel32(r);
  }
  // The first touch of the word rdx + bias/8 (rdx = its index relative to the bias): mark it, list
  // it in WordMarks' touched list, and log its value if the access needs it. Both cursors live in
  // the Context (first touches are rare: no host register is reserved for them); depth: what is on
  // the stack above the Context. Clobbers rdx, flags.
  // Replay modes: the value comes from the log instead (replay_value).
  void first_touch(int bias, int marks, bool needs_value, int depth, bool write = false) {
    g_.mov(g_.byte[g_.r15 + g_.rdx + marks], write ? 3 : 1);
    if (bias) g_.add(g_.rdx, bias / 8);  // the absolute word index
    g_.push(g_.rcx);                     // below the Context: rsp moves by 8
    const int at = depth + 8;
    g_.mov(g_.rcx, g_.qword[g_.rsp + at + ctx_off::touched]);
    g_.mov(g_.dword[g_.rcx], g_.edx);
    g_.add(g_.rcx, 4);
    g_.mov(g_.qword[g_.rsp + at + ctx_off::touched], g_.rcx);
    if (needs_value && mode_.replays()) {
      replay_value(at);
    } else if (needs_value) {
      g_.mov(g_.rdx, g_.qword[g_.r15 + g_.rdx * 8]);
      g_.mov(g_.rcx, g_.qword[g_.rsp + at + ctx_off::cursor]);
      g_.mov(g_.qword[g_.rcx], g_.rdx);
      g_.add(g_.rcx, 8);
      g_.mov(g_.qword[g_.rsp + at + ctx_off::cursor], g_.rcx);
    }
    g_.pop(g_.rcx);
  }
  // Replay's first touch of the word rdx (absolute index; rcx saved, `at` = the Context's offset):
  // the log's next word becomes its value (replay_effects: and is listed as a read). Past the
  // chunk's log end it sets Context::exhausted and stores 0 (the runtime then reports LogExhausted).
  void replay_value(int at) {
    const Ref have = new_ref(), out = new_ref();
    g_.push(g_.rax);
    at += 8;
    g_.mov(g_.rcx, g_.qword[g_.rsp + at + ctx_off::cursor]);
    g_.cmp(g_.rcx, g_.qword[g_.rsp + at + ctx_off::log_end]);
    jcc(CC::ltu, have);
    g_.mov(g_.qword[g_.rsp + at + ctx_off::exhausted], 1);
    g_.mov(g_.qword[g_.r15 + g_.rdx * 8], 0);
    jmp(out);
    bind(have);
    g_.mov(g_.rax, g_.qword[g_.rcx]);
    g_.add(g_.rcx, 8);
    g_.mov(g_.qword[g_.rsp + at + ctx_off::cursor], g_.rcx);
    g_.mov(g_.qword[g_.r15 + g_.rdx * 8], g_.rax);
    if (mode_ == LogMode::replay_effects) {  // reads: {address, value} (MemoryEffects::Word)
      g_.mov(g_.rcx, g_.qword[g_.rsp + at + ctx_off::reads]);
      g_.shl(g_.rdx, 3);
      g_.mov(g_.qword[g_.rcx], g_.rdx);
      g_.mov(g_.qword[g_.rcx + 8], g_.rax);
      g_.add(g_.rcx, 16);
      g_.mov(g_.qword[g_.rsp + at + ctx_off::reads], g_.rcx);
    }
    bind(out);
    g_.pop(g_.rax);
  }

  Xbyak::CodeGenerator& g_;
  RegMap base_map_;         // the mapping between instructions (of the current map id)
  RegMap map_;              // the current one (borrowed guest host registers read as -1)
  int map_id_ = 0;
  std::vector<RegMap> maps_;                      // by map id; 0 = global
  std::vector<std::array<bool, 32>> written_;     // by map id: registers its region may write
  std::deque<MapExits> map_exits_;                // by map id - 1
  struct Borrow {
    std::uint8_t g, h;  // guest register, its host register
  };
  std::vector<Borrow> borrowed_;
  int arm_depth_ = 0;  // inside a select/if_ arm: code there runs conditionally
  // The last load (re-emitted into rd's host register when its value goes straight there).
  struct LastLoad {
    std::size_t start = ~std::size_t{0}, end = 0;
    unsigned width = 8;
    bool is_signed = false;
    Xbyak::RegExp at;
    std::uint8_t temp = 0;
  } last_load_;
  Hulls hulls_;  // proven base registers
  std::uint32_t warm_mask_ = 0;  // trace mode: base registers whose accesses' words are known marked
  MemLayout layout_;
  bool traced_;   // any log mode
  LogMode mode_;
  LabelOf label_of_;

  std::uint64_t pc_ = 0;
  unsigned len_ = 4, k_ = 0, n_ = 1;
  std::uint32_t temps_used_ = 0;  // bit per host register index
  unsigned dropped_ = 0;          // drop_write
  bool low32_ = false;            // low32_write
  int arm_dest_ = -1;             // select: the host register an arm's first temp is (-1: none)
  std::vector<std::pair<value, Simple>> memo_;  // simplify(): expressions computed on every path
  const bool has_lzcnt_ = Xbyak::util::Cpu().has(Xbyak::util::Cpu::tLZCNT);
  const bool has_popcnt_ = Xbyak::util::Cpu().has(Xbyak::util::Cpu::tPOPCNT);
  bool low32_result_ = false;     // put(): a W result may skip its sign extension
  int scope_ = 0;
  std::vector<Write> writes_;
  Control ctl_;
  // Out-of-line code, described (the common kinds without a std::function each).
  enum class ColdKind : std::uint8_t { fn, interp, fault, entry };
  struct Cold {
    Ref at;
    int map = 0;  // the map id of the code that jumps here
    ColdKind kind = ColdKind::fn;
    FaultKind fault{};      // fault
    int bias = 0;           // fault
    unsigned unch = 0;      // interp, fault; entry: the rest of the block
    std::uint64_t pc = 0;   // interp, fault, entry
    std::size_t slot = 0;   // entry
    std::uint32_t first = 0, count = 0;  // fault: borrow_pool_ range; entry: hull_pool_ range
    std::function<void()> f;             // fn
  };
  Cold& new_cold(ColdKind k) {
    const Ref r = new_ref();
    Cold& c = cold_.emplace_back();
    c.at = r, c.kind = k, c.map = map_id_;
    return c;
  }
  std::vector<Cold> cold_;
  std::vector<Borrow> borrow_pool_;
  Hulls hull_pool_, entry_hulls_;
  std::vector<std::size_t> ref_at_;  // code offset of each Ref, kUnbound until bound
  struct Site {
    std::size_t at;  // offset of a rel32 waiting for its target
    std::uint32_t ref;
  };
  std::vector<Site> sites_;
  std::map<std::uint64_t, Xbyak::Label> pool_;
  std::map<std::uint64_t, Ref> touch_routines_;  // trace mode: shared first-touch routines (touch_routine)
  PerfMap* perf_ = nullptr;
  static constexpr const char* cold_names[] = {"rv:cold", "rv:cold exit to interpreter", "rv:cold fault", "rv:cold entry"};
};

}  // namespace rvtrace::aot
