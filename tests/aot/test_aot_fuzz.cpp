// Differential fuzzing, AOT vs interpreter (fuzz_program.hpp): random RV64IMAC sequences, and the
// same with Zba/Zbb (RV64IMAC + every bitmanip instruction). Compared: registers, pc, reservation,
// steps, RunResult/Fault, the data area, the trace log.
// CI runs RVTRACE_AOT_FUZZ_COUNT sequences (default 2000) of each; scripts/fuzz-aot.sh runs more.
#include "fuzz_program.hpp"
#include "../differential/zb_isa.hpp"

using aot_fuzz::env_or;
using aot_fuzz::fuzz;
using namespace rvtrace;

TEST_CASE("aot: differential fuzzing against the interpreter", "[aot][fuzz]") {
  fuzz<isa::Rv64imac>(env_or("RVTRACE_AOT_FUZZ_COUNT", 2000), env_or("RVTRACE_AOT_FUZZ_SEED", 20240601));
}

TEST_CASE("aot: differential fuzzing against the interpreter, with Zba/Zbb", "[aot][fuzz][zb]") {
  fuzz<testgen::ZbIsa>(env_or("RVTRACE_AOT_FUZZ_COUNT", 2000), env_or("RVTRACE_AOT_FUZZ_SEED", 20240601) + 1);
}
