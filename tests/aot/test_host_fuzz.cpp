// The AOT-vs-interpreter fuzz over a user's instruction set with host calls (isa/host_call.hpp):
// random programs (fuzz_program.hpp) mixing RV64IMAC, Zba/Zbb and host calls that read and write
// guest memory, produce advice and change the next pc, with addresses that fault inside the handler
// (sometimes after some of its accesses succeeded). Both engines must agree on everything
// (aot_compare.hpp), and traces of the same programs at chunk sizes 16, 1024 and the default (host
// calls at chunk boundaries), recorded by either engine, must verify and replay on 1 and 2 threads to
// the sequential run's digest.
//   RVTRACE_HOST_FUZZ_COUNT  programs compared engine against engine (default 1000)
//   RVTRACE_HOST_TRACE_COUNT programs traced, verified and replayed (default 40)
//   RVTRACE_HOST_FUZZ_SEED   first seed
#include <memory>
#include <string>
#include <vector>

#include "fuzz_program.hpp"
#include "rvtrace/guest/process.hpp"
#include "rvtrace/isa/host_call.hpp"
#include "rvtrace/isa/rv64zb.hpp"
#include "rvtrace/trace/aot_engine.hpp"
#include "rvtrace/trace/digest_policy.hpp"
#include "rvtrace/trace/memory_trace.hpp"
#include "rvtrace/trace/recorder.hpp"
#include "rvtrace/trace/replay.hpp"
#include "rvtrace/trace/run_start.hpp"
#include "rvtrace/trace/sequential.hpp"

namespace hostfuzz {
using namespace rvtrace;
using namespace rvtrace::isa;

// rd = the sum of (x[rs2] & 15) 8-byte words from x[rs1] (any alignment).
struct SumWords {
  static constexpr std::uint64_t max_log_words = 2 * 15;
  template <class H>
  void operator()(H& h, const Operands& o) const {
    const std::uint64_t base = h.x(o.rs1), n = h.x(o.rs2) & 15;
    std::uint64_t sum = 0;
    for (std::uint64_t i = 0; i < n; ++i) sum += h.load(base + 8 * i, 8);
    h.set_x(o.rd, sum);
  }
};
// Stores x[rs2] + i to 4 consecutive values of width 1 << (x[rs2] & 3) at x[rs1]; rd = the end
// address; with bit 2 of x[rs2] set, skips the next 4 bytes (whatever they decode to).
struct FillValues {
  static constexpr std::uint64_t max_log_words = 2 * 4;
  template <class H>
  void operator()(H& h, const Operands& o) const {
    const std::uint64_t base = h.x(o.rs1), v = h.x(o.rs2);
    const unsigned width = 1u << (v & 3);
    for (unsigned i = 0; i < 4; ++i) h.store(base + width * i, v + i, width);
    h.set_x(o.rd, base + 4 * width);
    if (v & 4) h.set_next_pc(h.pc() + 8);
  }
};
// rd = the 4-byte value at x[rs1], which becomes x[rs2] (a load, then a store to the same word).
struct Swap32 {
  template <class H>
  void operator()(H& h, const Operands& o) const {
    const std::uint64_t addr = h.x(o.rs1), v = h.x(o.rs2);
    const std::uint64_t old = h.load(addr, 4);
    h.store(addr, v, 4);
    h.set_x(o.rd, old);
  }
};
// rd = advice (a value replay cannot recompute: taken from the log), here from the step count.
struct Advice {
  template <class H>
  void operator()(H& h, const Operands& o) const {
    const std::uint64_t salt = h.x(o.rs1);
    h.set_x(o.rd, h.external([&] { return 0x9e3779b97f4a7c15ull * (h.instret() + 1) ^ salt; }));
  }
};
RVTRACE_HOST_INSN(Sum, RType, 0x0000002b, "hf.sum", SumWords);     // custom-1, funct3 0..3
RVTRACE_HOST_INSN(Fill, RType, 0x0000102b, "hf.fill", FillValues);
RVTRACE_HOST_INSN(Swap, RType, 0x0000202b, "hf.swap", Swap32);
RVTRACE_HOST_INSN(Adv, RType, 0x0000302b, "hf.advice", Advice);

struct Isa : InstructionSetOf<decltype(hana::tuple_t<Sum, Fill, Swap, Adv>), decltype(rv64zba), decltype(rv64zbb)> {
  static constexpr std::string_view name = "rv64imac_xhostfuzz";
};
static_assert(Isa::max_log_words_per_step == 30);

std::uint64_t first_seed() { return aot_fuzz::env_or("RVTRACE_HOST_FUZZ_SEED", 20251202); }

// The random program as a Linux process (its initial registers the random ones; output captured,
// stdin empty), so it can be traced, verified and replayed.
std::unique_ptr<guest::Process> process(const aot_fuzz::Case& c) {
  const std::vector<std::string> argv{"hostfuzz"};
  auto p = std::make_unique<guest::Process>(c.prog, argv);
  for (unsigned r = 1; r < 32; ++r) p->initial_regs[r] = c.init.x[r];
  p->syscalls.capture_output();
  p->syscalls.set_input_buffer("");
  return p;
}

// How many host calls the sequential run executes, and how many of them are the first or the last
// step of a 16-step chunk.
struct HostCallCount {
  std::uint64_t calls = 0, at_boundary = 0;
};
HostCallCount count_host_calls(guest::Process& proc, const DecodedProgram& code, std::uint64_t max_steps) {
  HostCallCount n;
  FlatMemory mem(proc.memory, proc.environment());
  Machine<FlatMemory, NoTrace, Isa> m(code, mem);
  m.state = initial_state(proc);
  for (;;) {
    const std::uint64_t pc = m.state.pc, step = m.steps;
    std::uint16_t parcels[2] = {};
    if (proc.memory.readable(pc, 4)) std::memcpy(parcels, proc.memory.host(pc), 4);
    const bool host = facts_of<Isa>[Isa::decode_parcels(parcels[0], parcels[1]).id].handler;
    const RunResult r = m.run(step + 1);
    if (m.steps == step + 1 && host) {
      ++n.calls;
      n.at_boundary += step % 16 == 0 || step % 16 == 15;
    }
    if (r.reason != StopReason::paused || m.steps >= max_steps) break;
  }
  return n;
}

}  // namespace hostfuzz

using namespace rvtrace;
using hostfuzz::Isa;

TEST_CASE("aot: differential fuzzing with host calls (user ISA)", "[aot][fuzz][host]") {
  const testgen::IsaView& view = testgen::view_of<Isa>();
  REQUIRE(view.kinds->handlers.size() == 4);
  aot_fuzz::fuzz<Isa>(aot_fuzz::env_or("RVTRACE_HOST_FUZZ_COUNT", 1000), hostfuzz::first_seed());
}

TEST_CASE("host calls at chunk boundaries: traces verify and replay to the sequential digest",
          "[trace][fuzz][host]") {
  const testgen::IsaView& view = testgen::view_of<Isa>();
  const std::uint64_t count = aot_fuzz::env_or("RVTRACE_HOST_TRACE_COUNT", 40);
  constexpr std::uint64_t max_steps = 100000;
  std::uint64_t steps = 0, traces = 0, by_stop[4] = {};
  hostfuzz::HostCallCount calls;
  for (std::uint64_t n = 0; n < count; ++n) {
    aot_fuzz::Rng rng(hostfuzz::first_seed() + 1 + n * 0x9e3779b97f4a7c15ull);
    const aot_fuzz::Case c = aot_fuzz::make_case(rng, view);
    INFO("host trace fuzz program " << n << " (seed " << hostfuzz::first_seed() << ")");
    auto ref = hostfuzz::process(c);
    const DecodedProgram code = decode_program<Isa>(ref->program);
    trace::DigestPolicy seq;
    const RunResult want = trace::run_sequential<trace::DigestPolicy, Isa>(*ref, code, seq, max_steps);
    {
      auto probe = hostfuzz::process(c);
      const auto k = hostfuzz::count_host_calls(*probe, code, max_steps);
      calls.calls += k.calls, calls.at_boundary += k.at_boundary;
    }
    steps += want.steps;
    for (const std::uint64_t chunk : {std::uint64_t{16}, std::uint64_t{1024}, trace::default_chunk_steps}) {
      for (const bool aot_engine : {false, true}) {
        INFO("chunk " << chunk << (aot_engine ? " aot" : " interp"));
        auto w = hostfuzz::process(c);
        trace::MemoryTrace t;
        trace::RecordOptions ro;
        ro.chunk_steps = chunk;
        ro.max_steps = max_steps;
        RunResult r;
        if (aot_engine) {
          const aot::CompiledProgram compiled(code, w->memory, true, aot::isa_tag<Isa>);
          trace::AotEngine<Isa> e(compiled);
          r = trace::record(*w, code, t, e, ro);
        } else {
          r = trace::record<Isa>(*w, code, t, ro);
        }
        REQUIRE(r.steps == want.steps);
        REQUIRE(r.reason == want.reason);
        REQUIRE(t.view().info.isa == Isa::name);
        ++traces;
        for (const unsigned threads : {1u, 2u}) {
          INFO(threads << " threads");
          trace::ReplayOptions opt;
          opt.threads = threads;
          const auto d = trace::replay<Isa>(code, t.view(), [] { return trace::DigestPolicy{}; }, opt);
          REQUIRE(d.hex() == seq.hex());
          auto v = hostfuzz::process(c);
          trace::InputStream none(0);
          trace::RunStart start = trace::run_start(*v, none);
          start.isa = std::string(Isa::name);
          REQUIRE_NOTHROW(trace::verify<Isa>(code, t.view(), start, opt));
        }
      }
    }
    ++by_stop[static_cast<int>(want.reason) & 3];
  }
  WARN(count << " programs, " << steps << " steps, " << calls.calls << " host calls (" << calls.at_boundary
             << " of them the first or last step of a 16-step chunk); " << traces
             << " traces verified and replayed on 1 and 2 threads; runs exited " << by_stop[0] << ", ebreak "
             << by_stop[1] << ", faulted " << by_stop[2] << ", hit the step limit " << by_stop[3]);
  CHECK(calls.at_boundary > 0);
}
