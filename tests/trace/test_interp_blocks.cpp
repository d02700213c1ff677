// The interpreter runs a basic block at a time (interp/machine.hpp). Its oracle here is the same
// machine driven one step per run() call (every call stops after one step, so no block ever runs
// more than one instruction): stopping at any step, inside a block or not, faulting in the middle
// of a block, and the step records a policy sees must all be the same.
#include <catch2/catch.hpp>

#include <random>

#include "rvtrace/interp/flat_memory.hpp"
#include "rvtrace/interp/machine.hpp"
#include "rvtrace/interp/run.hpp"
#include "rvtrace/trace/digest_policy.hpp"
#include "trace_test_util.hpp"

namespace {
using namespace tt;

struct Run {
  Guest g;
  FlatMemory mem;
  explicit Run(const GuestCase& c) : g(load(c)), mem(g.proc->memory, g.proc->environment()) {}
};

template <class Policy = NoTrace>
struct Stepper {
  Run r;
  Policy p;
  Machine<FlatMemory, Policy> m;
  explicit Stepper(const GuestCase& c) : r(c), m(r.g.code, r.mem, p) { m.state = initial_state(*r.g.proc); }
};

void require_same(const RunResult& a, const RunResult& b) {
  REQUIRE(a.reason == b.reason);
  REQUIRE(a.steps == b.steps);
  REQUIRE(a.pc == b.pc);
  REQUIRE(a.exit_code == b.exit_code);
  REQUIRE(a.fault.has_value() == b.fault.has_value());
  if (a.fault) {
    REQUIRE(a.fault->kind == b.fault->kind);
    REQUIRE(a.fault->pc == b.fault->pc);
    REQUIRE(a.fault->addr == b.fault->addr);
    REQUIRE(a.fault->step == b.fault->step);
  }
}

// Steps `one` to `until` one run() call per step.
RunResult step_to(Stepper<>& one, std::uint64_t until) {
  RunResult r{StopReason::paused, 0, std::nullopt, one.m.steps, one.m.state.pc};
  while (one.m.steps < until) {
    r = one.m.run(one.m.steps + 1);
    if (r.reason != StopReason::paused) break;
  }
  return r;
}

}  // namespace

TEST_CASE("interpreter: stopping at random steps (inside blocks) equals stepping one at a time", "[interp][blocks]") {
  for (const GuestCase& c : {GuestCase{"sort", {"100"}}, GuestCase{"bytecode", {"40"}}, GuestCase{"bignum", {"1", "128"}},
                             GuestCase{"misaligned", {}}}) {
    INFO(c.name);
    Stepper<> blocks(c), one(c);
    std::mt19937_64 rng(7);
    RunResult a{}, b{};
    do {
      const std::uint64_t until = blocks.m.steps + 1 + rng() % 40;  // blocks are a few to ~100 steps
      a = blocks.m.run(until);
      b = step_to(one, until);
      require_same(a, b);
      REQUIRE(blocks.m.state == one.m.state);
    } while (a.reason == StopReason::paused);
    REQUIRE(a.reason == StopReason::exited);
  }
}

TEST_CASE("interpreter: a fault in a block has the pc, step and registers of stepping one at a time", "[interp][blocks]") {
  for (const char* name : {"fault_load_oob", "fault_store_text", "fault_illegal", "fault_jump0"}) {
    INFO(name);
    const GuestCase c{name, {}};
    Stepper<> blocks(c), one(c);
    const RunResult a = blocks.m.run(~std::uint64_t{0});
    const RunResult b = step_to(one, ~std::uint64_t{0});
    REQUIRE(a.reason == StopReason::fault);
    require_same(a, b);
    REQUIRE(blocks.m.state == one.m.state);
    // Stopping exactly before the faulting step, then faulting, is the same too.
    Stepper<> again(c);
    REQUIRE(again.m.run(a.steps).reason == StopReason::paused);
    require_same(again.m.run(~std::uint64_t{0}), a);
    REQUIRE(again.m.state == one.m.state);
  }
}

TEST_CASE("interpreter: a policy sees the same step records in blocks as one step at a time", "[interp][blocks]") {
  for (const GuestCase& c : {GuestCase{"keccak", {"300"}}, GuestCase{"atomics", {}}, GuestCase{"malloc", {"20"}}}) {
    INFO(c.name);
    Stepper<DigestPolicy> blocks(c), one(c);
    const RunResult a = blocks.m.run(~std::uint64_t{0});
    RunResult b{};
    do b = one.m.run(one.m.steps + 1);
    while (b.reason == StopReason::paused);
    require_same(a, b);
    REQUIRE(blocks.p.steps() == a.steps);
    REQUIRE(blocks.p == one.p);
  }
}
