// The single header alone (run.sh compiles this with a plain g++ command line): run a guest on
// both engines through the facade and replay its trace.
#include "rvtrace/rvtrace.hpp"

#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  using namespace rvtrace;
  const guest::Program prog = guest::load_elf_file(argv[1]);
  const trace::MemoryTrace a = rvtrace::record(prog, {.engine = Engine::aot, .args = {"100"}});
  const trace::MemoryTrace b = rvtrace::record(prog, {.engine = Engine::interp, .args = {"100"}});
  const auto d = rvtrace::replay(prog, a, [] { return trace::DigestPolicy{}; });
  std::printf("single: %s %llu steps\n", RVTRACE_VERSION_STRING, (unsigned long long)d.steps());
  return a.checkpoints == b.checkpoints && d.steps() == a.info.total_steps ? 0 : 1;
}
