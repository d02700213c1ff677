// Consumer app on rvtrace::rvtrace: record its guest with the AOT engine through the facade,
// replay it through a custom policy, and check the result against a sequential interpreter run.
#include <rvtrace/rvtrace.hpp>

#include <cstdio>
#include <cstring>

struct CountBranches {
  std::uint64_t steps = 0, taken = 0;
  void on_step(const rvtrace::StepRecord& s) {
    ++steps;
    taken += s.next_pc != s.pc + s.insn->ops.len;
  }
  void merge(CountBranches&& later) {
    steps += later.steps;
    taken += later.taken;
  }
};

int main() {
  if (std::strcmp(RVTRACE_VERSION_STRING, EXPECTED_VERSION) != 0) {
    std::fprintf(stderr, "version.hpp says %s, the CMake package %s\n", RVTRACE_VERSION_STRING, EXPECTED_VERSION);
    return 1;
  }
  const rvtrace::guest::Program prog = rvtrace::guest::load_elf_file(GUEST_ELF);
  const rvtrace::trace::MemoryTrace t = rvtrace::record(prog, {.args = {"5000"}, .chunk_steps = 1024});
  const CountBranches got = rvtrace::replay(prog, t, [] { return CountBranches{}; }, {.threads = 2});

  rvtrace::guest::Process proc(prog, std::vector<std::string>{prog.name, "5000"});
  CountBranches want;
  rvtrace::trace::run_sequential(proc, rvtrace::decode_program(prog), want);
  std::printf("app: rvtrace %s, %llu steps, %llu taken, %llu chunks\n", RVTRACE_VERSION_STRING,
              (unsigned long long)got.steps, (unsigned long long)got.taken, (unsigned long long)t.info.num_chunks);
  return got.steps == want.steps && got.taken == want.taken && got.taken > 5000 &&
                 t.info.stop == rvtrace::trace::TraceStop::exited
             ? 0
             : 1;
}
