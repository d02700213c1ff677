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
// Translation (TranslateOptions): the whole program in the constructor, or lazily, a region of text
// when native code first enters it (a jump into an untranslated region leaves native code like a
// jump to the interpreter; the runner translates the region and re-enters): a run pays only for the
// regions it executes.
// Trace mode (LoggingMemory): the code appends the memory-read log at the policy's cursor (kept in a
// host register) and hands it back through cursor()/set_cursor(); it tests and sets the policy's
// word marks (first-touch logging) and appends to their touched list (marks().cursor()).
// Replay mode (ReplayPolicy: trace::ReplayMemory; compiled with LogMode::replay or replay_effects):
// the mirror, first touches take the log's next word into the guest word; past the log's end the
// runner calls the policy's log_exhausted() (which throws).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <type_traits>
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
// A memory policy that replays a log (trace::ReplayMemory) needs replay-mode code. reads_cursor():
// where native code appends first-touch reads (nullptr unless it collects memory effects).
template <class Memory>
concept ReplayPolicy = requires(Memory& m, const std::uint64_t* c, std::uint64_t* r) {
  { m.cursor() } -> std::same_as<const std::uint64_t*>;
  { m.end() } -> std::same_as<const std::uint64_t*>;
  m.set_cursor(c);
  { m.reads_cursor() } -> std::same_as<std::uint64_t*>;
  m.set_reads_cursor(r);
  m.log_exhausted();
  { m.marks() } -> std::same_as<WordMarks&>;
};

// When to translate. lazy: regions of region_bytes of text (a multiple of 2), each on first entry;
// otherwise the whole program, as one region, in the constructor. mid_block_stubs: native code for
// entries into the middle of a block (through the pc table: rare), else the interpreter steps to the
// block's end (Translation::mid_block_stubs).
struct TranslateOptions {
  bool lazy = false;
  std::size_t region_bytes = 16 * 1024;
  bool mid_block_stubs = true;
};
// What a run needs: translate only the regions it enters, no mid-block stubs.
inline constexpr TranslateOptions translate_lazily{true, 4 * 1024, false};

// Which instruction set to translate for: CompiledProgram(prog, mem, trace, aot::isa_tag<MyIsa>).
template <class Isa>
inline constexpr std::type_identity<Isa> isa_tag{};

class CompiledProgram {
 public:
  // Translates `prog` (decoded for instruction set Isa) for guest memories with this layout.
  // trace: emit the memory-read log (true: LogMode::record), or replay one (LogMode::replay...).
  template <class Isa = isa::Rv64imac>
  CompiledProgram(DecodedProgram prog, const MemLayout& layout, LogMode trace = {}, std::type_identity<Isa> = {},
                  TranslateOptions when = {})
      : prog_(std::make_shared<const DecodedProgram>(std::move(prog))), layout_(layout), trace_(trace),
        lock_(std::make_unique<std::mutex>()), translate_region_(&translate_region<Isa>) {
    require_isa<Isa>(*prog_);
    timed([&] {
      tr_ = start_translation(*prog_, when.lazy ? std::max<std::size_t>(when.region_bytes / 2, 2) : 0, when.mid_block_stubs);
      ready_ = std::make_unique<std::atomic<bool>[]>(tr_.regions());
      if (!when.lazy)
        for (std::size_t r = 0; r < tr_.regions(); ++r) translate_now(r);
    });
  }
  template <class Isa = isa::Rv64imac>
  CompiledProgram(DecodedProgram prog, const guest::GuestMemory& mem, LogMode trace = {}, std::type_identity<Isa> i = {},
                  TranslateOptions when = {})
      : CompiledProgram(std::move(prog), layout_of(mem), trace, i, when) {}
  // The base instruction set, translated `when`.
  CompiledProgram(DecodedProgram prog, const MemLayout& layout, LogMode trace, TranslateOptions when)
      : CompiledProgram(std::move(prog), layout, trace, isa_tag<isa::Rv64imac>, when) {}
  CompiledProgram(DecodedProgram prog, const guest::GuestMemory& mem, LogMode trace, TranslateOptions when)
      : CompiledProgram(std::move(prog), layout_of(mem), trace, isa_tag<isa::Rv64imac>, when) {}

  const DecodedProgram& program() const { return *prog_; }
  const MemLayout& layout() const { return layout_; }
  bool traced() const { return trace_ == LogMode::record; }
  LogMode mode() const { return trace_; }
  // Time spent translating so far (the constructor and every lazy region), and what it produced.
  double translate_seconds() const { return locked([&] { return seconds_; }); }
  std::size_t code_bytes() const { return locked([&] { return tr_.code_bytes(); }); }
  std::size_t blocks() const { return locked([&] { return tr_.blocks; }); }
  std::size_t warm_words() const { return locked([&] { return tr_.warm_words; }); }
  std::size_t regions_translated() const { return locked([&] { return tr_.code.size(); }); }
  std::size_t regions() const { return tr_.regions(); }
  const RegMap& register_map() const { return tr_.map; }

  // Translates pc's region if it is not yet (lazy); returns whether it did.
  bool prepare(std::uint64_t pc) const {
    if (!prog_->fetchable(pc)) return false;
    const std::size_t r = tr_.region_of(prog_->index(pc));
    if (ready_[r].load(std::memory_order_acquire)) return false;
    std::lock_guard<std::mutex> hold(*lock_);
    if (ready_[r].load(std::memory_order_relaxed)) return false;
    timed([&] { translate_now(r); });
    return true;
  }
  // Host entry of guest pc (translating its region first), or nullptr when pc cannot be fetched.
  const void* entry_for(std::uint64_t pc) const {
    if (!prog_->fetchable(pc)) return nullptr;
    prepare(pc);
    return tr_.table[prog_->index(pc)];
  }
  // Does native code run from pc (rather than leave for the interpreter right away)? Yes for a pc
  // whose region is not translated yet: entering translates it.
  bool enters_natively(std::uint64_t pc) const {
    if (!prog_->fetchable(pc)) return false;
    const std::size_t i = prog_->index(pc);
    return !ready_[tr_.region_of(i)].load(std::memory_order_acquire) || !tr_.interp_entry[i];
  }
  void enter(Context& ctx, const void* target) const { tr_.enter(&ctx, target); }

 private:
  // (mutable: lazy translation fills in the Translation under lock_; native code reads its table)
  void translate_now(std::size_t r) const {
    translate_region_(*prog_, layout_, trace_, tr_, r);
    ready_[r].store(true, std::memory_order_release);
  }
  template <class F>
  void timed(F&& f) const {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  template <class F>
  std::invoke_result_t<F&> locked(F&& f) const {
    std::lock_guard<std::mutex> hold(*lock_);
    return f();
  }

  std::shared_ptr<const DecodedProgram> prog_;
  MemLayout layout_;
  LogMode trace_;
  std::unique_ptr<std::mutex> lock_;
  // translate_region for the instruction set the program was compiled for
  void (*translate_region_)(const DecodedProgram&, const MemLayout&, LogMode, Translation&, std::size_t);
  mutable Translation tr_;
  mutable std::unique_ptr<std::atomic<bool>[]> ready_;  // per region: translated (tr_ complete for it)
  mutable double seconds_ = 0;
};

template <class Memory, class Isa = isa::Rv64imac>
class AotRunner {
  static constexpr bool traced = LoggingPolicy<Memory>;
  static constexpr bool replays = ReplayPolicy<Memory>;
  static constexpr bool marks = traced || replays;  // the code tests and sets word marks

 public:
  using instruction_set = Isa;
  AotRunner(const CompiledProgram& code, Memory& mem) : code_(code), mem_(mem), warm_(code.warm_words(), 0) {
    require_isa<Isa>(code.program());
    if (code.traced() != traced)
      throw std::invalid_argument(traced ? "aot: a logging memory needs a program compiled in trace mode"
                                         : "aot: a program compiled in trace mode needs a logging memory");
    if (code.mode().replays() != replays)
      throw std::invalid_argument(replays ? "aot: a replay memory needs a program compiled in a replay mode"
                                          : "aot: a program compiled in a replay mode needs a replay memory");
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
    if constexpr (marks) {
      load_cursors(ctx);
      ctx.generation = mem_.marks().generation();
    }
    if constexpr (replays) {
      ctx.log_end = mem_.end();
      if ((mem_.reads_cursor() != nullptr) != (code_.mode() == LogMode::replay_effects))
        throw std::logic_error("aot: memory effects need a program compiled for replay_effects (and only they do)");
    }
    ctx.exit_kind = static_cast<std::uint64_t>(ExitKind::to_interp);
    const void* target = code_.entry_for(cpu.pc);  // (translates its region, lazily)
    if constexpr (marks) {
      if (warm_.size() < code_.warm_words()) warm_.resize(code_.warm_words(), 0);
      ctx.warm = warm_.data();
    }
    if (target && code_.enters_natively(cpu.pc)) code_.enter(ctx, target);  // (else: the interpreter)
    cpu = ctx.cpu;
    steps = until_step - ctx.budget;
    if constexpr (marks) store_cursors(ctx);
    if constexpr (replays)
      if (ctx.exhausted) mem_.log_exhausted();
    switch (static_cast<ExitKind>(ctx.exit_kind)) {
      case ExitKind::to_interp:
        // Into a region not translated yet: translate it, native code continues there.
        if (code_.prepare(cpu.pc)) return RunResult{StopReason::paused, 0, std::nullopt, steps, cpu.pc};
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

  // The policy's cursors (log, touched list, replay's reads) to and from the Context.
  void load_cursors(Context& c) {
    if constexpr (traced) c.cursor = mem_.cursor();
    if constexpr (replays) c.cursor = const_cast<std::uint64_t*>(mem_.cursor()), c.reads = mem_.reads_cursor();  // (only read)
    c.touched = mem_.marks().cursor();
  }
  void store_cursors(const Context& c) {
    mem_.set_cursor(c.cursor);
    if constexpr (replays) mem_.set_reads_cursor(c.reads);
    mem_.marks().set_cursor(c.touched);
  }

 public:
  // Replay: the step count the interpreter fallback advances and the ecall thunk sets (for a policy
  // that records the step of each ecall, e.g. ReplayMemory::collect_effects).
  std::uint64_t* live_steps() {
    if (!interp_) interp_.emplace(code_.program(), mem_);
    return &interp_->steps;
  }

 private:
  static constexpr std::uint64_t interp_finish_steps = 4096;
  RunResult interpret(isa::CpuState& cpu, std::uint64_t& steps, std::uint64_t until_step) {
    if (!interp_) interp_.emplace(code_.program(), mem_);
    return interp_->run_from(cpu, steps, until_step);
  }
  // Called from native code for ecall; returns nonzero to leave native code (exit_kind set).
  static std::uint64_t ecall_thunk(Context* c) noexcept {
    auto* self = static_cast<AotRunner*>(c->runner);
    try {
      if constexpr (marks) self->store_cursors(*c);
      if constexpr (replays)
        if (self->interp_) self->interp_->steps = c->until - c->budget - c->exit_aux;  // (Emitter::ecall)
      const guest::SyscallResult r = self->mem_.ecall(c->cpu.x);
      c->cpu.x[0] = 0;
      if constexpr (marks) {
        self->load_cursors(*c);
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
