// A user's instruction set, defined in this translation unit only: a custom load (lwx, written like
// lw), host calls that read and write memory and produce advice, and Zba/Zbb. It must run the same on
// the interpreter and the AOT engine (registers, pc, faults, the memory-read log), and its traces must
// verify and replay to the sequential run's digest at every chunk size, on 1 and 2 threads.
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "../guest/elf_builder.hpp"
#include "aot_compare.hpp"
#include "rvtrace/isa/constexpr_machine.hpp"
#include "rvtrace/isa/host_call.hpp"
#include "rvtrace/isa/insn.hpp"
#include "rvtrace/isa/rv64zb.hpp"
#include "rvtrace/trace/aot_engine.hpp"
#include "rvtrace/trace/digest_policy.hpp"
#include "rvtrace/trace/memops_policy.hpp"
#include "rvtrace/trace/memory_trace.hpp"
#include "rvtrace/trace/recorder.hpp"
#include "rvtrace/trace/replay.hpp"
#include "rvtrace/trace/run_start.hpp"
#include "rvtrace/trace/sequential.hpp"

namespace user {
using namespace rvtrace;
using namespace rvtrace::isa;
using namespace rvtrace::isa::sem;

// custom-0 (opcode 0x0b), funct3 2: a load exactly like lw.
RVTRACE_INSN(Lwx, IType, 0x0000200b, "lwx", m.set_x(o.rd, m.load(addr(m, o), 4u, true)));

// rd = the sum of x[rs2] (at most 64) little-endian words at x[rs1]: a precompile that reads memory.
struct SumWords {
  static constexpr std::uint64_t max_log_words = 65;
  template <class H>
  constexpr void operator()(H& h, const Operands& o) const {  // (constexpr: eval<Sum> below)
    const std::uint64_t base = h.x(o.rs1), n = h.x(o.rs2) < 64 ? h.x(o.rs2) : 64;
    std::uint64_t sum = 0;
    for (std::uint64_t i = 0; i < n; ++i) sum += h.load(base + 8 * i, 8);
    h.set_x(o.rd, sum);
  }
};
// Stores x[rs2] to the 4 words at x[rs1] (+0, +8, +16, +24) and skips the next instruction.
struct Fill4 {
  template <class H>
  void operator()(H& h, const Operands& o) const {
    for (unsigned i = 0; i < 4; ++i) h.store(h.x(o.rs1) + 8 * i, h.x(o.rs2) + i, 8);
    h.set_next_pc(h.pc() + 8);
  }
};
// rd = advice: a value replay cannot recompute (here from the platform state when there is one).
struct State : guest::Environment {
  std::uint64_t next = 1000;
  guest::SyscallResult ecall(std::array<std::uint64_t, 32>& x, guest::GuestMemory&) override {
    if (const auto status = guest::linux_exit_status(x)) return {true, *status};
    return {};
  }
};
struct Advice {
  template <class H>
  void operator()(H& h, const Operands& o) const {
    State* s = h.template state<State>();
    h.set_x(o.rd, h.external([&] { return s ? s->next++ : 7 * h.instret(); }));
  }
};
RVTRACE_HOST_INSN(Sum, RType, 0x0000002b, "sum", SumWords);           // custom-1, funct3 0
RVTRACE_HOST_INSN(Fill, RType, 0x0000102b, "fill4", Fill4);           // custom-1, funct3 1
RVTRACE_HOST_INSN(Adv, RType, 0x0000202b, "advice", Advice);          // custom-1, funct3 2

struct Isa : InstructionSetOf<decltype(hana::tuple_t<Lwx, Sum, Fill, Adv>), decltype(rv64zba), decltype(rv64zbb)> {
  static constexpr std::string_view name = "rv64imac_xuser";
};

static_assert(Isa::count == 92 + 4 + 8 + 24);
static_assert(Isa::max_log_words_per_step == 65);
// Facts: derived, never listed. The custom load is a load like lw; host calls are conservative.
static_assert(facts_of<Isa>[Isa::id_of<Lwx>()].access == Access::load);
static_assert(facts_of<Isa>[Isa::id_of<Lwx>()].may_fault);
static_assert(facts_of<Isa>[Isa::id_of<Lwx>()].width == 4 && facts_of<Isa>[Isa::id_of<Lwx>()].is_signed);
static_assert(facts_of<Isa>[Isa::id_of<Sum>()].handler && facts_of<Isa>[Isa::id_of<Sum>()].ends_block);
static_assert(facts_of<Isa>[Isa::id_of<Sum>()].may_fault && !facts_of<Isa>[Isa::id_of<Sum>()].pure());
static_assert(facts_of<Isa>[Isa::id_of<Sum>()].writes(Operands{3, 1, 2, 4, 0}) == ~std::uint32_t{1});
// The host call runs in the constexpr backend too.
static_assert([] {
  EvalState s = with_regs({{1, EvalState::mem_base}, {2, 3}});
  for (unsigned i = 0; i < 3; ++i) s.mem[8 * i] = static_cast<std::uint8_t>(10 + i);
  return eval<Sum>(s, Operands{5, 1, 2, 4, 0}).x(5);
}() == 33);

constexpr std::uint32_t r(std::uint32_t match, unsigned rd, unsigned rs1, unsigned rs2) {
  return match | rd << 7 | rs1 << 15 | rs2 << 20;
}
constexpr unsigned a0 = 10, a1 = 11, a2 = 12, a3 = 13, a7 = 17, t0 = 5, t1 = 6, s0 = 8;
constexpr std::uint64_t text_base = 0x10000, data_base = 0x11000;

struct World {
  std::unique_ptr<guest::Process> proc;
  DecodedProgram code;
};
World load(const std::vector<std::uint32_t>& words, bool with_state) {
  std::vector<std::uint8_t> text;
  for (std::uint32_t w : words)
    for (int k = 0; k < 4; ++k) text.push_back(static_cast<std::uint8_t>(w >> (8 * k)));
  auto segs = test_elf::default_segments();
  segs[0].data = text;
  World w;
  const std::vector<std::string> argv{"user"};
  const guest::Program prog = guest::load_elf(test_elf::build(text_base, segs), "user");
  if (with_state) {  // the same process, with a platform environment (State) instead of linux's
    guest::Process linux(prog, argv);
    w.proc = std::make_unique<guest::Process>(prog, std::move(linux.memory), linux.image, std::make_unique<State>(),
                                              linux.initial_regs, "user", &guest::linux_exit_status, argv);
  } else {
    w.proc = std::make_unique<guest::Process>(prog, argv);
    w.proc->syscalls.capture_output();
  }
  w.code = decode_program<Isa>(w.proc->program);
  return w;
}

// A loop of host calls, custom loads and bitmanip ops, then exit(a0 & 0xff).
std::vector<std::uint32_t> workload(unsigned iterations) {
  using namespace rvtrace::isa;
  std::vector<std::uint32_t> p = {
      encode<Lui>(s0, 0x11000),           // s0 = data
      encode<Addi>(t1, 0, static_cast<std::int32_t>(iterations)),
      encode<Addi>(a2, 0, 5),
  };
  const std::size_t loop = p.size();
  const std::vector<std::uint32_t> body = {
      r(Fill::match, 0, s0, t1),           // data[0..3] = t1 + i; skips the next word
      encode<Addi>(a0, 0, 99),             //   (skipped)
      r(Sum::match, a1, s0, a2),           // a1 = sum of 5 words (the 5th: an earlier iteration's store)
      r(Adv::match, a3, 0, 0),             // a3 = advice
      encode<Add>(a1, a1, a3),
      encode<Lwx>(t0, s0, 4),              // a misaligned custom load across words 0 and 1
      r(Sh2add::match, a1, t0, a1),
      r(Rev8::match, t0, a1, 0),
      r(Cpop::match, t0, t0, 0),
      encode<Sd>(s0, a1, 32),              // word 4 for the next Sum
      r(Xnor::match, a0, a0, t0),
      encode<Addi>(t1, t1, -1),
  };
  p.insert(p.end(), body.begin(), body.end());
  const auto back = -static_cast<std::int32_t>(4 * (p.size() - loop));
  p.push_back(encode<Bne>(t1, 0, back));
  p.insert(p.end(), {encode<Addi>(a7, 0, 93), encode<Ecall>()});
  return p;
}

// Runs w on the interpreter (engine 0) or the AOT engine (1), in pieces (each a run() call: resuming
// next to host calls and mid-block), untraced or traced (then with its memory-read log).
aot_test::Outcome run_engine(World& w, int engine, bool trace, const std::vector<std::uint64_t>& untils) {
  aot_test::Outcome out;
  isa::CpuState cpu = initial_state(*w.proc);
  std::uint64_t steps = 0;
  std::vector<std::uint64_t> log(Isa::max_log_words_per_step * (untils.back() < 20000 ? untils.back() : 20000) + 64);
  auto run = [&](auto& mem) {
    using Mem = std::remove_reference_t<decltype(mem)>;
    if (engine == 0) {
      Machine<Mem, NoTrace, Isa> m(w.code, mem);
      m.state = cpu;
      for (auto u : untils)
        if ((out.r = m.run(u)).reason != StopReason::paused) break;
      cpu = m.state, steps = m.steps;
    } else {
      const aot::CompiledProgram compiled(w.code, w.proc->memory, trace, aot::isa_tag<Isa>);
      aot::AotRunner<Mem, Isa> runner(compiled, mem);
      for (auto u : untils)
        if ((out.r = runner.run(cpu, steps, u)).reason != StopReason::paused) break;
    }
  };
  if (trace) {
    LoggingMemory mem(w.proc->memory, w.proc->environment(), log.data());
    run(mem);
    log.resize(static_cast<std::size_t>(mem.cursor() - log.data()));
  } else {
    FlatMemory mem(w.proc->memory, w.proc->environment());
    run(mem);
    log.clear();
  }
  out.cpu = cpu, out.steps = steps, out.log = log;
  return out;
}

}  // namespace user

using namespace user;

TEST_CASE("user ISA: a custom load that faults leaves the same registers in both engines", "[aot][user_isa]") {
  // addi a0,a0,5; lwx a1,0(x0); addi a0,a0,6: the load faults (address 0 is not mapped)
  const std::vector<std::uint32_t> prog = {encode<Addi>(a0, a0, 5), encode<Lwx>(a1, 0, 0), encode<Addi>(a0, a0, 6)};
  for (const bool trace : {false, true}) {
    aot_test::Outcome o[2];
    for (int engine = 0; engine < 2; ++engine) {
      World w = load(prog, false);
      o[engine] = run_engine(w, engine, trace, {100});
    }
    aot_test::require_same(o[0], o[1], trace ? "traced" : "untraced");
    REQUIRE(o[0].r.reason == StopReason::fault);
    REQUIRE(o[0].r.fault->pc == text_base + 4);
    REQUIRE(o[0].cpu.x[a0] == 5);
  }
}

TEST_CASE("user ISA: host calls, custom loads and Zba/Zbb run the same on both engines", "[aot][user_isa]") {
  for (const unsigned iterations : {1u, 7u, 300u}) {
    for (const bool trace : {false, true}) {
      aot_test::Outcome o[2];
      for (int engine = 0; engine < 2; ++engine) {
        World w = load(workload(iterations), true);
        o[engine] = run_engine(w, engine, trace, {3, 17, 18, 40, 1000000});
        o[engine].data.assign(w.proc->memory.host(data_base), w.proc->memory.host(data_base) + 64);
      }
      INFO("iterations " << iterations);
      aot_test::require_same(o[0], o[1], trace ? "traced" : "untraced");
      REQUIRE(o[0].r.reason == StopReason::exited);
      REQUIRE(o[0].steps == 3 + 13 * iterations - iterations + 2);  // the skipped addi does not retire
    }
  }
}

TEST_CASE("user ISA: traces of host calls verify and replay to the sequential digest", "[trace][user_isa]") {
  const std::vector<std::uint32_t> prog = workload(500);
  // The sequential reference (its own fresh process: the advice state starts over).
  World ref = load(prog, true);
  trace::DigestPolicy seq;
  const RunResult want = trace::run_sequential<trace::DigestPolicy, Isa>(*ref.proc, ref.code, seq);
  REQUIRE(want.reason == StopReason::exited);
  for (const std::uint64_t chunk : {std::uint64_t{16}, std::uint64_t{1024}, trace::default_chunk_steps}) {
    for (const bool aot_engine : {false, true}) {
      World w = load(prog, true);
      trace::MemoryTrace t;
      trace::RecordOptions ro;
      ro.chunk_steps = chunk;
      RunResult r;
      if (aot_engine) {
        const aot::CompiledProgram compiled(w.code, w.proc->memory, true, aot::isa_tag<Isa>);
        trace::AotEngine<Isa> e(compiled);
        r = trace::record(*w.proc, w.code, t, e, ro);
      } else {
        r = trace::record<Isa>(*w.proc, w.code, t, ro);
      }
      INFO("chunk " << chunk << (aot_engine ? " aot" : " interp"));
      REQUIRE(r.steps == want.steps);
      REQUIRE(t.view().info.isa == "rv64imac_xuser");
      REQUIRE(t.view().info.platform == "user");
      REQUIRE(t.view().info.max_log_words_per_step == 65);
      for (const unsigned threads : {1u, 2u}) {
        trace::ReplayOptions opt;
        opt.threads = threads;
        opt.platform = "user";
        const auto d = trace::replay<Isa>(w.code, t.view(), [] { return trace::DigestPolicy{}; }, opt);
        REQUIRE(d.hex() == seq.hex());
        World v = load(prog, true);
        trace::RunStart start = trace::platform_run_start(*v.proc, Isa::name);
        trace::verify<Isa>(v.code, t.view(), start, opt);
      }
    }
  }
  // A replay that names another platform, or decodes for another ISA, is refused.
  World w = load(prog, true);
  trace::MemoryTrace t;
  trace::record<Isa>(*w.proc, w.code, t);
  trace::ReplayOptions linux;
  REQUIRE_THROWS_WITH(trace::check_chunks<Isa>(w.code, t.view(), linux), Catch::Contains("platform 'user'"));
  trace::ReplayOptions user_platform;
  user_platform.platform = "user";
  const DecodedProgram plain = decode_program<isa::Rv64imacZbaZbb>(w.proc->program);
  REQUIRE_THROWS_WITH(trace::check_chunks<isa::Rv64imacZbaZbb>(plain, t.view(), user_platform),
                      Catch::Contains("ISA 'rv64imac_xuser'"));
}

TEST_CASE("user ISA: memops sees every access of a host call", "[trace][user_isa]") {
  World w = load(workload(2), true);
  trace::MemopsPolicy ops;
  trace::run_sequential<trace::MemopsPolicy, Isa>(*w.proc, w.code, ops);
  // per iteration: Fill's 4 stores, Sum's 5 loads, lwx, sd
  std::size_t host = 0;
  for (const auto& op : ops.ops()) host += op.addr >= data_base && op.addr < data_base + 64;
  REQUIRE(host == 2 * (4 + 5 + 1 + 1));
}

TEST_CASE("user ISA: a fault inside a host call is the instruction's fault, in both engines and in traces",
          "[aot][trace][user_isa]") {
  // a2 = 5; s0 = 0x100 (below the program: unreadable); a0 = 1; sum a1, s0, a2 faults at its first load
  const std::vector<std::uint32_t> prog = {encode<Addi>(a2, 0, 5), encode<Addi>(s0, 0, 0x100), encode<Addi>(a0, 0, 1),
                                           r(Sum::match, a1, s0, a2), encode<Addi>(a0, 0, 2)};
  aot_test::Outcome o[2];
  for (int engine = 0; engine < 2; ++engine) {
    World w = load(prog, false);
    o[engine] = run_engine(w, engine, false, {100});
  }
  aot_test::require_same(o[0], o[1], "host call fault");
  REQUIRE(o[0].r.reason == StopReason::fault);
  REQUIRE(o[0].r.fault->kind == FaultKind::load_out_of_range);
  REQUIRE(o[0].r.fault->pc == text_base + 12);
  REQUIRE(o[0].r.fault->addr == 0x100);
  REQUIRE(o[0].cpu.x[a0] == 1);
  REQUIRE(o[0].cpu.x[a1] == 0);
  // Traced (chunk 16): the trace records the fault, and verify reproduces it.
  World w = load(prog, false);
  trace::MemoryTrace t;
  trace::RecordOptions ro;
  ro.chunk_steps = 16;
  const aot::CompiledProgram compiled(w.code, w.proc->memory, true, aot::isa_tag<Isa>);
  trace::AotEngine<Isa> e(compiled);
  trace::record(*w.proc, w.code, t, e, ro);
  REQUIRE(t.view().info.stop == trace::TraceStop::fault);
  REQUIRE(t.view().info.fault_pc == text_base + 12);
  World v = load(prog, false);
  trace::InputStream none(0);
  trace::RunStart start = trace::run_start(*v.proc, none);
  start.isa = std::string(Isa::name);
  trace::verify<Isa>(v.code, t.view(), start);
}
