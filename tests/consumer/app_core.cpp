// Consumer app on rvtrace::core (no xbyak needed): record with the interpreter, verify, replay.
#include <rvtrace/core.hpp>

#include <cstdio>

int main() {
  using namespace rvtrace;
  guest::Process proc(guest::load_elf_file(GUEST_ELF), std::vector<std::string>{"guest", "300"});
  const DecodedProgram code = decode_program(proc.program);
  trace::MemoryTrace t;
  trace::record(proc, code, t, trace::RecordOptions{.chunk_steps = 256});
  trace::verify(code, t.view());
  const auto d = trace::replay(code, t.view(), [] { return trace::DigestPolicy{}; }, 2);
  std::printf("app_core: %llu steps replayed, digest %s\n", (unsigned long long)d.steps(), d.hex().c_str());
  return d.steps() == t.info.total_steps && t.info.total_steps > 300 ? 0 : 1;
}
