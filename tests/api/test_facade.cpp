// The facade (rvtrace/facade.hpp) with both engines: the AOT and interpreter recordings are the
// same trace, replay through the facade equals a sequential run, MemoryTrace reuse, files.
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <unistd.h>

#include "rvtrace/rvtrace.hpp"

using namespace rvtrace;

namespace {
const std::string elf = std::string(RVTRACE_GUEST_DIR) + "/sha256-rv64imac.elf";
}

TEST_CASE("facade: record with aot and interp, replay, reuse, files", "[api][facade]") {
  static_assert(default_engine == Engine::aot);
  const guest::Program prog = guest::load_elf_file(elf);
  const TraceOptions aot{.args = {"300"}, .chunk_steps = 1u << 10};
  TraceOptions interp = aot;
  interp.engine = Engine::interp;
  const trace::MemoryTrace a = rvtrace::record(prog, aot);
  const trace::MemoryTrace b = rvtrace::record(prog, interp);
  REQUIRE(a.info.stop == trace::TraceStop::exited);
  CHECK(a.info.exit_code == 0);
  CHECK(a.checkpoints == b.checkpoints);
  CHECK(std::equal(a.log.begin(), a.log.end(), b.log.begin(), b.log.end()));

  guest::Process proc(prog, std::vector<std::string>{prog.name, "300"});
  trace::DigestPolicy want;
  trace::run_sequential(proc, decode_program(prog), want);
  const auto got = rvtrace::replay(prog, a, [] { return trace::DigestPolicy{}; }, {.threads = 2});
  CHECK(got == want);

  // Recording again into the same trace (cleared by record) gives the same trace.
  trace::MemoryTrace again = rvtrace::record(prog, {.args = {"5"}});
  rvtrace::record(prog, again, aot);
  CHECK(again.checkpoints == a.checkpoints);

  // A step limit is recorded as such.
  TraceOptions limited = aot;
  limited.max_steps = 1000;
  CHECK(rvtrace::record(prog, limited).info.stop == trace::TraceStop::step_limit);

  const std::string path = "facade_" + std::to_string(::getpid()) + ".rvmt";
  REQUIRE(rvtrace::record_file(prog, path, aot).reason == StopReason::exited);
  CHECK_THROWS_AS(rvtrace::record_file(prog, path, aot), InputError);  // never overwrites
  {
    trace::TraceFile f(path);
    rvtrace::verify(prog, f, aot);
    CHECK_THROWS_AS(rvtrace::verify(prog, f), InputError);  // not a run with no arguments
    CHECK(rvtrace::replay(prog, f, [] { return trace::DigestPolicy{}; }) == want);
  }
  std::remove(path.c_str());
}
