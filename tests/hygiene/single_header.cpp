// The single-header amalgamation (single_include/ on the include path, include/ not): a keccak guest
// recorded by the AOT engine, verified on 2 threads, its replay digest equal to the sequential
// interpreter's -- the drop-in use the README promises.
#include <rvtrace/rvtrace.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace rvtrace;

static_assert(isa::encodings.size() == isa::instruction_count + 1);  // (+ Illegal)

namespace {
struct Loaded {
  guest::Process proc;
  DecodedProgram code;
};
Loaded load_keccak() {
  const std::string path = std::string(RVTRACE_GUEST_DIR) + "/keccak-rv64imac.elf";
  guest::Process p(guest::load_elf_file(path), std::vector<std::string>{path, "2000"});
  p.syscalls.capture_output();
  DecodedProgram code = decode_program(p.program);
  return {std::move(p), std::move(code)};
}
}  // namespace

TEST_CASE("single header: record with AOT, verify, replay digest == sequential digest", "[hygiene]") {
  Loaded r = load_keccak();
  aot::CompiledProgram compiled(r.code, r.proc.memory, true);
  trace::AotEngine engine(compiled);
  trace::MemoryTrace t;
  trace::RecordOptions o;
  o.chunk_steps = 1024;
  const RunResult rr = trace::record(r.proc, r.code, t, engine, o);
  REQUIRE(rr.reason == StopReason::exited);
  REQUIRE_NOTHROW(trace::check_chunks(r.code, t.view(), {.threads = 2}));

  Loaded s = load_keccak();
  trace::DigestPolicy want;
  trace::run_sequential(s.proc, s.code, want);
  CHECK(trace::replay(r.code, t.view(), [] { return trace::DigestPolicy{}; }, 2).hex() == want.hex());
}
