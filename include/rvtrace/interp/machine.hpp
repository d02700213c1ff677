#pragma once
// The interpreter: runs a pre-decoded program with the same exec() templates as every other
// backend. Memory is a policy (flat reference memory, trace logging, memoryless replay); tracing
// is a policy too. The loop does no decoding, and runs a basic block at a time (threaded code):
// each pre-decoded slot holds a handler that runs its one instruction's exec() and jumps straight
// to the next slot's handler, until the slot that ends the block (a control transfer, a host call,
// a stop: what the facts table says, isa/facts.hpp) returns to the loop. So the fetch check and
// the step-limit check happen once per block; a block that would pass the limit runs step by step.
#include <array>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <cstdint>
#include <optional>
#include <vector>

#include <boost/hana/unpack.hpp>

#include "rvtrace/guest/fault.hpp"
#include "rvtrace/guest/syscalls.hpp"
#include "rvtrace/interp/program.hpp"
#include "rvtrace/interp/step.hpp"
#include "rvtrace/isa/decoder.hpp"
#include "rvtrace/isa/facts.hpp"
#include "rvtrace/isa/scalar_ops.hpp"
#include "rvtrace/isa/vocabulary.hpp"

namespace rvtrace {

// A host-call handler failed (its message, with the instruction, pc and step). Not a guest fault:
// the platform refused to go on (e.g. an advice function without an answer).
struct HostCallError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Why a run stopped.
enum class StopReason : std::uint8_t { exited, ebreak, fault, paused /* reached the requested step */ };

struct RunResult {
  StopReason reason = StopReason::paused;
  int exit_code = 0;            // when exited
  std::optional<Fault> fault;   // when fault
  std::uint64_t steps = 0;      // total steps retired so far
  std::uint64_t pc = 0;         // pc of the next instruction (of the faulting one after a fault)
};

template <class Memory, class Policy = NoTrace, class Isa = isa::Rv64imac>
class Machine : public isa::ScalarOps {
  static constexpr bool traced = StepPolicy<Policy>;

 public:
  using instruction_set = Isa;
  Machine(const DecodedProgram& prog, Memory& mem, Policy& policy = default_policy())
      : prog_(prog), mem_(mem), policy_(policy) {
    require_isa<Isa>(prog);
    build_blocks();
    state.pc = prog.entry;
  }

  isa::CpuState state;        // registers, pc, reservation
  std::uint64_t steps = 0;    // retired steps

  // Run until the program stops or `until_step` steps have retired in total.
  RunResult run(std::uint64_t until_step) {
    limit_ = until_step;
    stop_ = StopReason::paused;
    const std::uint64_t lo = prog_.lo, span = prog_.hi - prog_.lo;
    const Slot* block = nullptr;  // the block running (untraced: its steps count when it ends)
    try {
      while (steps < limit_) {
        pc_ = state.pc;
        const std::uint64_t off = pc_ - lo;
        if (off >= span || (off & 1)) [[unlikely]]
          throw AccessFault{(off & 1) ? FaultKind::misaligned_fetch : FaultKind::fetch_out_of_range, pc_};
        const Slot& s = code_[off >> 1];
        if (limit_ - steps >= s.block) [[likely]] {
          block = &s;
          s.run(*this, &s);  // the whole block; sets state.pc
          if constexpr (!traced) steps += s.block;
          block = nullptr;
        } else {
          single_step(off >> 1);
        }
      }
    } catch (const AccessFault& f) {
      retire_until_throw(block);
      fault_ = Fault{f.kind, pc_, f.addr, steps};
      stop_ = StopReason::fault;
    } catch (...) {
      retire_until_throw(block);  // as for a fault: the registers, pc and steps of the step that threw
      throw;
    }
    RunResult r{stop_, exit_code_, std::nullopt, steps, stop_ == StopReason::fault ? pc_ : state.pc};
    if (stop_ == StopReason::fault) r.fault = fault_;
    return r;
  }

  // Run from an outside state (registers, pc, steps retired) and hand it back: how other engines
  // (the recorder, the AOT runtime's fallback) use the interpreter for a stretch of steps.
  RunResult run_from(isa::CpuState& s, std::uint64_t& steps_retired, std::uint64_t until_step) {
    state = s;
    steps = steps_retired;
    const RunResult r = run(until_step);
    s = state;
    steps_retired = steps;
    return r;
  }

  // ---- the op vocabulary (arithmetic comes from ScalarOps) ----
  value x(unsigned r) const { return state.x[r]; }
  void set_x(unsigned r, value v) {
    state.x[r] = v;
    state.x[0] = 0;  // cheaper than a branch: x0 is restored after every write
    if constexpr (traced) {
      if (r != 0) rec_.rd = static_cast<std::uint8_t>(r), rec_.rd_value = v;
    }
  }
  value pc_plus(i64 off) const { return pc_ + static_cast<value>(off); }
  value load(value addr, unsigned width, bool is_signed) {
    const value raw = mem_.load(addr, width);
    if constexpr (traced) rec_.load = {addr, raw, static_cast<std::uint8_t>(width), false};
    return extend(raw, width, is_signed);
  }
  void store(value addr, value v, unsigned width) {
    mem_.store(addr, v, width);
    if constexpr (traced) rec_.store = {addr, width == 8 ? v : v & ((value{1} << (8 * width)) - 1), static_cast<std::uint8_t>(width), true};
  }
  void require_aligned(value addr, unsigned width) {
    if (addr & (width - 1)) [[unlikely]]
      throw AccessFault{FaultKind::misaligned_atomic, addr};
  }
  void branch(cond c, value target) {
    if (c) next_pc_ = target;
  }
  void jump(value target) { next_pc_ = target; }
  void ecall() {
    const guest::SyscallResult r = mem_.ecall(state.x);
    state.x[0] = 0;
    if (r.exited) {
      stop(StopReason::exited);
      exit_code_ = r.exit_code;
    } else if constexpr (traced) {
      rec_.rd = 10, rec_.rd_value = state.x[10];  // a syscall's only register result
    }
  }
  // Host calls (isa/host_call.hpp): the handler runs here, on this machine's registers and memory policy.
  class Host;
  template <class Handler>
  void host_call(const Handler& handler, const isa::Operands& o);
  void ebreak() { stop(StopReason::ebreak); }
  [[noreturn]] void illegal() { throw AccessFault{FaultKind::illegal_instruction, prog_.at(pc_).word}; }
  value instret() const { return steps; }
  value reservation() const { return state.reservation; }
  void set_reservation(value v) { state.reservation = v; }

  Memory& memory() { return mem_; }
  Policy& policy() { return policy_; }

 private:
  // A pre-decoded instruction: `run` executes it and the rest of its block.
  struct Slot;
  using Run = void (*)(Machine&, const Slot*);
  struct Slot {
    Run run;
    isa::Operands ops;
    std::uint64_t pc;
    std::uint32_t block;  // steps from this slot to the end of its block, this one included
  };
  // Straight-line code is cut into blocks of at most this many bytes, so that a block's handlers
  // nest at most ~max_block_bytes / 2 deep when the compiler does not turn their jumps into tail calls.
  static constexpr std::uint64_t max_block_bytes = 256;

  // One step of instruction Insn at slot s; Len = its length when the block goes on after it (the
  // next slot is s + Len / 2), 0 when it ends the block (it may jump, stop or leave the code).
  template <class Insn, unsigned Len>
  static void run_slot(Machine& m, const Slot* s) {
    m.pc_ = s->pc;
    if constexpr (Len == 0) m.next_pc_ = s->pc + s->ops.len;
    if constexpr (traced) m.begin_step(s->ops);
    Insn::exec(m, s->ops);
    if constexpr (traced) {
      m.end_step(static_cast<std::size_t>(s - m.code_.data()), Len ? s->pc + Len : m.next_pc_);
      ++m.steps;  // (untraced: the loop counts a block's steps when it ends)
    }
    if constexpr (Len == 0) {
      m.state.pc = m.next_pc_;
    } else {
      const Slot* next = s + Len / 2;
      return next->run(m, next);
    }
  }
  static void fetch_fault(Machine& m, const Slot* s) {
    m.pc_ = s->pc;
    throw AccessFault{FaultKind::fetch_out_of_range, s->pc};
  }
  // run_slot<Insn, 0 / 2 / 4>, by instruction id.
  static constexpr auto run_table = boost::hana::unpack(Isa::types, [](auto... t) {
    return std::array<std::array<Run, 3>, sizeof...(t)>{
        {{&run_slot<typename decltype(t)::type, 0>, &run_slot<typename decltype(t)::type, 2>,
          &run_slot<typename decltype(t)::type, 4>}...}};
  });
  // A step of `block` threw at pc_: the steps before it retired (the steps from a slot to the end
  // of its block shrink by one per slot), and it is the next pc.
  void retire_until_throw(const Slot* block) {
    state.pc = pc_;
    if constexpr (!traced)
      if (block) steps += block->block - code_[(pc_ - prog_.lo) >> 1].block;
  }
  // The slots, and where blocks end: after an instruction whose facts say it ends a block (control
  // transfer, ebreak, illegal, host call: ecall may stop the run), before a gap or the end of the
  // code, and at every max_block_bytes boundary. An instruction that reads the step count (a
  // counter, a host call) also starts its block, so that untraced steps, counted per block, are exact there.
  void build_blocks() {
    const auto& facts = isa::facts_of<Isa>;
    const std::size_t n = prog_.slots.size();
    code_.resize(n);
    for (std::size_t i = n; i-- > 0;) {
      const isa::Decoded& d = prog_.slots[i];
      Slot& s = code_[i];
      s.ops = d.ops;
      s.pc = prog_.lo + 2 * i;
      if (!prog_.executable[i]) {
        s.run = &fetch_fault, s.block = 1;
        continue;
      }
      const isa::InsnFacts& f = facts[d.id];
      const std::size_t next = i + d.ops.len / 2;
      const bool ends = f.ends_block || f.host_call || f.counter || next >= n || !prog_.executable[next] ||
                        facts[prog_.slots[next].id].host_call || facts[prog_.slots[next].id].counter ||
                        (s.pc / max_block_bytes) != ((s.pc + d.ops.len) / max_block_bytes);
      s.run = run_table[d.id][ends ? 0 : d.ops.len / 2];
      s.block = ends ? 1 : 1 + code_[next].block;
    }
  }
  // One step through the plain dispatch table (near the step limit, where a block would pass it).
  void single_step(std::size_t slot) {
    if (!prog_.executable[slot]) throw AccessFault{FaultKind::fetch_out_of_range, pc_};
    const isa::Decoded& d = prog_.slots[slot];
    next_pc_ = pc_ + d.ops.len;
    if constexpr (traced) begin_step(d.ops);
    Isa::template dispatch_table<Machine>[d.id](*this, d.ops);
    if constexpr (traced) end_step(slot, next_pc_);
    state.pc = next_pc_;
    ++steps;
  }
  static Policy& default_policy() {
    static Policy p;
    return p;
  }
  // The current step retires, then the loop ends.
  void stop(StopReason why) {
    stop_ = why;
    limit_ = steps + 1;
  }
  void begin_step([[maybe_unused]] const isa::Operands& o) {
    // Only the fields a step may leave unset are reset (field by field: a whole-record
    // assignment compiles to `rep stos`, which costs more than the rest of the step). step, pc,
    // next_pc and insn are always set by end_step; rs1/rs2_value are written only for policies
    // that read them (and then every step), so for the others they stay 0.
    rec_.rd = 0;
    rec_.rd_value = 0;
    rec_.load = MemAccess{};
    rec_.store = MemAccess{};
    if (!host_accesses_.empty()) [[unlikely]]
      host_accesses_.clear(), rec_.host_accesses = {};
    if constexpr (reads_operands_v<Policy>) rec_.rs1_value = state.x[o.rs1], rec_.rs2_value = state.x[o.rs2];
  }
  // Out of line: one copy of the policy's step code, not one per handler.
  [[gnu::noinline]] void end_step(std::size_t slot, std::uint64_t next_pc) {
    rec_.step = steps;
    rec_.pc = pc_;
    rec_.next_pc = next_pc;
    rec_.insn = &prog_.slots[slot];
    policy_.on_step(static_cast<const StepRecord&>(rec_));
  }

  const DecodedProgram& prog_;
  Memory& mem_;
  Policy& policy_;
  std::vector<Slot> code_;
  std::uint64_t pc_ = 0, next_pc_ = 0, limit_ = 0;
  StopReason stop_ = StopReason::paused;
  int exit_code_ = 0;
  Fault fault_{};
  StepRecord rec_{};
  std::vector<MemAccess> host_accesses_;  // a traced host call's accesses (StepRecord::host_accesses)
};

template <class Memory, class Policy, class Isa>
class Machine<Memory, Policy, Isa>::Host {
 public:
  explicit Host(Machine& m) : m_(m) {}
  std::uint64_t x(unsigned r) const { return m_.state.x[r]; }
  void set_x(unsigned r, std::uint64_t v) { m_.set_x(r, v); }
  std::uint64_t pc() const { return m_.pc_; }
  void set_next_pc(std::uint64_t pc) { m_.next_pc_ = pc; }
  std::uint64_t load(std::uint64_t addr, unsigned width) {
    const std::uint64_t v = m_.mem_.load(addr, width);
    if constexpr (traced) m_.host_accesses_.push_back({addr, v, static_cast<std::uint8_t>(width), false});
    return v;
  }
  void store(std::uint64_t addr, std::uint64_t v, unsigned width) {
    m_.mem_.store(addr, v, width);
    if constexpr (traced)
      m_.host_accesses_.push_back({addr, width == 8 ? v : v & ((std::uint64_t{1} << (8 * width)) - 1),
                                   static_cast<std::uint8_t>(width), true});
  }
  template <class F>
  std::uint64_t external(F&& f) {
    return m_.mem_.external(static_cast<F&&>(f));
  }
  template <class F>
  void host_only(F&& f) {
    if (m_.mem_.environment()) f();
  }
  template <class S>
  S* state() const {
    return dynamic_cast<S*>(m_.mem_.environment());
  }
  std::uint64_t instret() const { return m_.steps; }

 private:
  Machine& m_;
};

template <class Memory, class Policy, class Isa>
template <class Handler>
void Machine<Memory, Policy, Isa>::host_call(const Handler& handler, const isa::Operands& o) {
  Host h(*this);
  try {
    handler(h, o);
  } catch (const std::exception& e) {  // (faults, LogExhausted and HostCallError are not std::exceptions)
    throw HostCallError(std::string(prog_.isa->name_of(prog_.at(pc_).id)) + " at pc " + hex64(pc_) + ", step " +
                        std::to_string(steps) + ": " + e.what());
  }
  if constexpr (traced)
    if (!host_accesses_.empty()) rec_.host_accesses = host_accesses_;
}

}  // namespace rvtrace
