#pragma once
// The AOT runtime: CompiledProgram (translate once, own the read+execute code) and AotRunner (run it
// many times on a memory policy, with the interpreter's RunResult semantics).
//
//   aot::CompiledProgram code(decoded, proc.memory);            // or (decoded, proc.memory, true): trace mode
//   FlatMemory mem(proc.memory, proc.syscalls);
//   isa::CpuState cpu = initial_state(proc);  std::uint64_t steps = 0;
//   RunResult r = aot::run(code, cpu, steps, until_step, mem);
//
// run() returns exactly at until_step like Machine::run: a block that would cross it exits to the
// runtime, which finishes the last steps with the interpreter Machine<Memory> on the same state. Any
// exit to the interpreter steps it only until native code can take over again (a pc it enters).
// Trace mode (LoggingMemory): the code appends the memory-read log at the policy's cursor (kept in a
// host register) and hands it back through cursor()/set_cursor(); it tests and sets the policy's
// word marks (first-touch logging) and appends to their touched list (marks().cursor()).
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <stdexcept>
#include <utility>
#include <vector>

#include "rvtrace/aot/emitter.hpp"
#include "rvtrace/aot/translator.hpp"
#include "rvtrace/guest/fault.hpp"
#include "rvtrace/guest/memory.hpp"
#include "rvtrace/interp/flat_memory.hpp"
#include "rvtrace/interp/machine.hpp"
#include "rvtrace/interp/program.hpp"
#include "rvtrace/interp/word_marks.hpp"

namespace rvtrace::aot {

inline MemLayout layout_of(const guest::GuestMemory& mem) { return {mem.read_lo(), mem.write_lo(), mem.size()}; }

// A memory policy that keeps a log cursor (LoggingMemory) needs trace-mode code.
template <class Memory>
concept LoggingPolicy = requires(Memory& m, std::uint64_t* c) {
  { m.cursor() } -> std::convertible_to<std::uint64_t*>;
  m.set_cursor(c);
  { m.marks() } -> std::same_as<WordMarks&>;
};

// Which instruction set to translate for: CompiledProgram(prog, mem, trace, aot::isa_tag<MyIsa>).
template <class Isa>
inline constexpr std::type_identity<Isa> isa_tag{};

class CompiledProgram {
 public:
  // Translates `prog` (decoded for instruction set Isa) for guest memories with this layout.
  // trace: emit the memory-read log.
  template <class Isa = isa::Rv64imac>
  CompiledProgram(DecodedProgram prog, const MemLayout& layout, bool trace = false, std::type_identity<Isa> = {})
      : prog_(std::make_shared<const DecodedProgram>(std::move(prog))), layout_(layout), trace_(trace) {
    const auto t0 = std::chrono::steady_clock::now();
    tr_ = translate<Isa>(*prog_, layout_, trace_);
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  template <class Isa = isa::Rv64imac>
  CompiledProgram(DecodedProgram prog, const guest::GuestMemory& mem, bool trace = false, std::type_identity<Isa> i = {})
      : CompiledProgram(std::move(prog), layout_of(mem), trace, i) {}

  const DecodedProgram& program() const { return *prog_; }
  const MemLayout& layout() const { return layout_; }
  bool traced() const { return trace_; }
  double translate_seconds() const { return seconds_; }
  std::size_t code_bytes() const { return tr_.code_bytes(); }
  std::size_t blocks() const { return tr_.blocks; }
  std::size_t warm_words() const { return tr_.warm_words; }
  const RegMap& register_map() const { return tr_.map; }

  // Host entry of guest pc, or nullptr when pc cannot be fetched.
  const void* entry_for(std::uint64_t pc) const {
    return prog_->fetchable(pc) ? tr_.table[prog_->index(pc)] : nullptr;
  }
  // Does native code run from pc (rather than leave for the interpreter right away)?
  bool enters_natively(std::uint64_t pc) const {
    return prog_->fetchable(pc) && !tr_.interp_entry[prog_->index(pc)];
  }
  void enter(Context& ctx, const void* target) const { tr_.enter(&ctx, target); }

 private:
  std::shared_ptr<const DecodedProgram> prog_;
  MemLayout layout_;
  bool trace_;
  Translation tr_;
  double seconds_ = 0;
};

template <class Memory, class Isa = isa::Rv64imac>
class AotRunner {
  static constexpr bool traced = LoggingPolicy<Memory>;

 public:
  using instruction_set = Isa;
  AotRunner(const CompiledProgram& code, Memory& mem) : code_(code), mem_(mem), warm_(code.warm_words(), 0) {
    require_isa<Isa>(code.program());
    if (code.traced() != traced)
      throw std::invalid_argument(traced ? "aot: a logging memory needs a program compiled in trace mode"
                                         : "aot: a program compiled in trace mode needs a logging memory");
    if (!(layout_of(mem.memory()) == code.layout()))
      throw std::invalid_argument("aot: guest memory windows differ from the ones the program was compiled for");
  }

  // Runs until the program stops or `until_step` steps have retired in total (like Machine::run).
  RunResult run(isa::CpuState& cpu, std::uint64_t& steps, std::uint64_t until_step) {
    if (steps >= until_step) return RunResult{StopReason::paused, 0, std::nullopt, steps, cpu.pc};
    for (;;) {
      const RunResult r = run_native(cpu, steps, until_step);
      if (r.reason != StopReason::paused || steps >= until_step) return r;
    }
  }

 private:
  // Native code from cpu.pc; when it leaves for the interpreter, the interpreter steps until the run
  // stops or native code can take over again (paused then).
  RunResult run_native(isa::CpuState& cpu, std::uint64_t& steps, std::uint64_t until_step) {
    Context ctx;
    ctx.cpu = cpu;
    ctx.budget = until_step - steps;
    ctx.until = until_step;
    ctx.mem_base = mem_.memory().host_base();
    ctx.ecall = &ecall_thunk;
    ctx.runner = this;
    if constexpr (traced) {
      ctx.cursor = mem_.cursor(), ctx.touched = mem_.marks().cursor();
      ctx.generation = mem_.marks().generation(), ctx.warm = warm_.data();
    }
    ctx.exit_kind = static_cast<std::uint64_t>(ExitKind::to_interp);
    if (const void* target = code_.entry_for(cpu.pc)) code_.enter(ctx, target);
    cpu = ctx.cpu;
    steps = until_step - ctx.budget;
    if constexpr (traced) mem_.set_cursor(ctx.cursor), mem_.marks().set_cursor(ctx.touched);
    switch (static_cast<ExitKind>(ctx.exit_kind)) {
      case ExitKind::to_interp:
        // Near until_step (a block that would cross it) the interpreter finishes the run: native
        // code could not run a whole block before it anyway.
        if (until_step - steps <= interp_finish_steps) return interpret(cpu, steps, until_step);
        for (;;) {  // one step at a time: native code continues at the first pc it can enter
          if (steps >= until_step) return RunResult{StopReason::paused, 0, std::nullopt, steps, cpu.pc};
          const RunResult r = interpret(cpu, steps, steps + 1);
          if (r.reason != StopReason::paused || code_.enters_natively(cpu.pc)) return r;
        }
      case ExitKind::fault: {
        auto kind = static_cast<FaultKind>(ctx.exit_aux);
        // A store into the MMIO range (below the writable window) is the interpreter's: it stores
        // and tells the platform (or faults exactly, if the store is not entirely MMIO).
        if (kind == FaultKind::store_out_of_range && mem_.memory().in_mmio(ctx.exit_addr, 1))
          return interpret(cpu, steps, steps + 1);
        if (kind == FaultKind::store_out_of_range) kind = FlatMemory::store_fault_kind(mem_.memory(), ctx.exit_addr);
        return RunResult{StopReason::fault, 0, Fault{kind, cpu.pc, ctx.exit_addr, steps}, steps};
      }
      case ExitKind::ebreak: return RunResult{StopReason::ebreak, 0, std::nullopt, steps};
      case ExitKind::exited: return RunResult{StopReason::exited, static_cast<int>(ctx.exit_aux), std::nullopt, steps};
      case ExitKind::error: {
        std::exception_ptr e = std::exchange(error_, nullptr);
        std::rethrow_exception(e);
      }
    }
    throw std::logic_error("aot: unknown exit kind");
  }

  static constexpr std::uint64_t interp_finish_steps = 4096;
  RunResult interpret(isa::CpuState& cpu, std::uint64_t& steps, std::uint64_t until_step) {
    if (!interp_) interp_.emplace(code_.program(), mem_);
    return interp_->run_from(cpu, steps, until_step);
  }
  // Called from native code for ecall; returns nonzero to leave native code (exit_kind set).
  static std::uint64_t ecall_thunk(Context* c) noexcept {
    auto* self = static_cast<AotRunner*>(c->runner);
    try {
      if constexpr (traced) self->mem_.set_cursor(c->cursor), self->mem_.marks().set_cursor(c->touched);
      const guest::SyscallResult r = self->mem_.ecall(c->cpu.x);
      c->cpu.x[0] = 0;
      if constexpr (traced) {
        c->cursor = self->mem_.cursor(), c->touched = self->mem_.marks().cursor();
        c->generation = self->mem_.marks().generation();
      }
      if (!r.exited) return 0;
      c->exit_kind = static_cast<std::uint64_t>(ExitKind::exited);
      c->exit_aux = static_cast<std::uint64_t>(r.exit_code);
      return 1;
    } catch (...) {
      self->error_ = std::current_exception();
      c->exit_kind = static_cast<std::uint64_t>(ExitKind::error);
      return 1;
    }
  }

  const CompiledProgram& code_;
  Memory& mem_;
  std::optional<Machine<Memory, NoTrace, Isa>> interp_;
  std::vector<std::uint64_t> warm_;  // trace mode: warm-block records (per runner: never shared)
  std::exception_ptr error_;
};

// One-shot convenience: same semantics as Machine::run(until_step) on (cpu, steps).
template <class Isa = isa::Rv64imac, class Memory>
RunResult run(const CompiledProgram& code, isa::CpuState& cpu, std::uint64_t& steps, std::uint64_t until_step,
              Memory& mem) {
  AotRunner<Memory, Isa> runner(code, mem);
  return runner.run(cpu, steps, until_step);
}

}  // namespace rvtrace::aot
