// Consumer app on rvtrace::core (no xbyak needed): record with the interpreter, verify, replay.
#include <rvtrace/core.hpp>

#include <cstdio>

int main() {
  using namespace rvtrace;
  guest::Process proc(guest::load_elf_file(GUEST_ELF), std::vector<std::string>{"guest", "300"});
  const DecodedProgram code = decode_program(proc.program);
  trace::MemoryTrace t;
  trace::record(proc, code, t, trace::RecordOptions{.chunk_steps = 256});
  // verify proves t is a run of this program with these arguments and (empty) input.
  guest::Process fresh(guest::load_elf_file(GUEST_ELF), std::vector<std::string>{"guest", "300"});
  trace::InputStream no_input{std::string()};
  trace::RunStart start = trace::run_start(fresh, no_input);
  trace::verify(code, t.view(), start);
  const auto d = trace::replay(code, t.view(), [] { return trace::DigestPolicy{}; }, 2);
  std::printf("app_core: %llu steps replayed, digest %s\n", (unsigned long long)d.steps(), d.hex().c_str());
  return d.steps() == t.info.total_steps && t.info.total_steps > 300 ? 0 : 1;
}
