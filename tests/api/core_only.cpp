// rvtrace/core.hpp without xbyak (tests/api/poison is first on the include path): record with the
// interpreter, write and read a .rvmt file, verify, replay through a user policy, and compare with
// a sequential run; also the facade with RVTRACE_AOT_ENABLED=0 (interpreter only).
#define RVTRACE_AOT_ENABLED 0
#include "rvtrace/core.hpp"
#include "rvtrace/facade.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <unistd.h>

#if defined(XBYAK_VERSION) || defined(XBYAK_XBYAK_H_)
#error "xbyak is defined in an interpreter-only TU"
#endif

using namespace rvtrace;

namespace {
struct CountLoads {
  std::uint64_t loads = 0, steps = 0;
  void on_step(const StepRecord& s) {
    ++steps;
    loads += s.load.width != 0;
  }
  void merge(CountLoads&& later) {
    loads += later.loads;
    steps += later.steps;
  }
};
const std::string elf = std::string(RVTRACE_GUEST_DIR) + "/keccak-rv64imac.elf";
}  // namespace

TEST_CASE("core.hpp: record (interpreter), file round trip, verify, replay without xbyak", "[api][core]") {
  static_assert(default_engine == Engine::interp);
  const guest::Program prog = guest::load_elf_file(elf);
  const trace::MemoryTrace t = rvtrace::record(prog, {.args = {"200"}, .chunk_steps = 1u << 12});
  REQUIRE(t.info.stop == trace::TraceStop::exited);
  REQUIRE(t.info.num_chunks > 4);

  guest::Process proc(prog, std::vector<std::string>{prog.name, "200"});
  CountLoads want;
  trace::run_sequential(proc, decode_program(prog), want);
  REQUIRE(want.steps == t.info.total_steps);

  const CountLoads got = rvtrace::replay(prog, t, [] { return CountLoads{}; }, {.threads = 2});
  CHECK(got.steps == want.steps);
  CHECK(got.loads == want.loads);

  const std::string path = "core_only_" + std::to_string(::getpid()) + ".rvmt";
  rvtrace::record_file(prog, path, {.args = {"200"}, .chunk_steps = 1u << 12});
  {
    trace::TraceFile f(path);
    CHECK(f.info().total_steps == t.info.total_steps);
    rvtrace::verify(prog, f, {.args = {"200"}});
    CHECK_THROWS_AS(rvtrace::verify(prog, f, {.args = {"201"}}), InputError);  // another run
    CHECK(rvtrace::replay(prog, f, [] { return CountLoads{}; }).loads == want.loads);
  }
  std::remove(path.c_str());

  CHECK_THROWS_AS(rvtrace::record(prog, {.engine = Engine::aot}), InputError);
}
