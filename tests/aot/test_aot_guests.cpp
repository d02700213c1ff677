// Every guest ELF on the interpreter and on the AOT engine: identical stdout, exit code, steps, final
// registers, faults; in flat and trace mode; in one run and resumed in pieces (mid-block stops).
#include "aot_compare.hpp"

#include <map>

#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/process.hpp"
#include "rvtrace/interp/run.hpp"
#include "rvtrace/isa/rv64zb.hpp"

#ifdef RVTRACE_AOT_GUESTS
namespace {
using namespace rvtrace;

struct ProcWorld {
  guest::Process proc;
  isa::CpuState cpu;
  ProcWorld(const std::string& path, const std::vector<std::string>& argv, const std::string& input)
      : proc(guest::load_elf_file(path), argv), cpu(initial_state(proc)) {
    proc.syscalls.capture_output();
    proc.syscalls.set_input_buffer(input);
  }
  guest::GuestMemory& mem() { return proc.memory; }
  guest::LinuxSyscalls& sys() { return proc.syscalls; }
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> v;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      if (!cur.empty()) v.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) v.push_back(cur);
  return v;
}

// Small arguments per guest (the default for the rest).
const std::map<std::string, std::vector<std::string>> guest_args{
    {"keccak", {"300"}},  {"sha256", {"2"}},         {"bignum", {"1", "128"}}, {"sort", {"200"}},
    {"bytecode", {"40"}}, {"recursion", {"500", "1"}}, {"divedge", {"5"}},      {"exitcode", {"7"}},
    {"malloc", {"20"}},   {"deflate", {"3000"}},     {"ecc", {"1", "16"}},
};

// (Isa: what the flavour is decoded as; the zba_zbb flavour needs Rv64imacZbaZbb.)
template <class Isa = isa::Rv64imac>
void check_guest(const std::string& name, const std::string& flavour, bool trace, bool pieces) {
  const std::string path = std::string(RVTRACE_GUEST_DIR) + "/" + name + "-" + flavour + ".elf";
  std::vector<std::string> argv{name};
  if (auto it = guest_args.find(name); it != guest_args.end()) argv.insert(argv.end(), it->second.begin(), it->second.end());
  const std::string input = "some input for the guest\n";
  auto make = [&] { return std::make_unique<ProcWorld>(path, argv, input); };
  auto probe = make();
  const DecodedProgram code = decode_program<Isa>(probe->proc.program);
  std::uint64_t total = 0;
  {  // how long the program runs (interpreter), to cut it into pieces
    FlatMemory m(probe->mem(), probe->sys());
    Machine<FlatMemory, NoTrace, Isa> mach(code, m);
    mach.state = probe->cpu;
    total = mach.run(50'000'000).steps;
  }
  std::vector<std::uint64_t> untils{total + 10};
  if (pieces) untils = {total / 3 + 1, total / 2 + 3, total - 1, total + 10};
  aot_test::compare_engines<Isa>(code, make, untils, trace, 0, 0,
                                 name + "-" + flavour + (trace ? " trace" : "") + (pieces ? " pieces" : ""));
}

}  // namespace

TEST_CASE("aot: every guest matches the interpreter", "[aot][guests]") {
  const auto names = split(RVTRACE_AOT_GUESTS, ',');
  REQUIRE(!names.empty());
  for (const auto& name : names)
    for (const char* fl : {"rv64im", "rv64imac"})
      for (bool trace : {false, true})
        for (bool pieces : {false, true}) {
          INFO(name << " " << fl << " trace=" << trace << " pieces=" << pieces);
          check_guest(name, fl, trace, pieces);
        }
}

TEST_CASE("aot: every Zba/Zbb guest matches the interpreter", "[aot][guests][zb]") {
  const auto names = split(RVTRACE_AOT_ZB_GUESTS, ',');
  REQUIRE(!names.empty());
  for (const auto& name : names)
    for (bool trace : {false, true})
      for (bool pieces : {false, true}) {
        INFO(name << " rv64imac_zba_zbb trace=" << trace << " pieces=" << pieces);
        check_guest<isa::Rv64imacZbaZbb>(name, "rv64imac_zba_zbb", trace, pieces);
      }
}

TEST_CASE("aot: step limit inside a block stops at exactly that step", "[aot][guests]") {
  const std::string path = std::string(RVTRACE_GUEST_DIR) + "/keccak-rv64imac.elf";
  auto make = [&] { return std::make_unique<ProcWorld>(path, std::vector<std::string>{"keccak", "300"}, ""); };
  auto probe = make();
  const DecodedProgram code = decode_program(probe->proc.program);
  for (std::uint64_t limit : {1ull, 2ull, 3ull, 17ull, 1000ull, 12345ull, 99999ull})
    aot_test::compare_engines(code, make, {limit}, false, 0, 0, "limit " + std::to_string(limit));
}

// Many stops and resumes in the hot loops (loops with their own register map: entered through the
// pc table, left through the step limit, resumed mid-block).
TEST_CASE("aot: many pieces through the hot loops", "[aot][guests]") {
  for (const char* name : {"sha256", "keccak"})
    for (const char* fl : {"rv64im", "rv64imac"}) {
      const std::string path = std::string(RVTRACE_GUEST_DIR) + "/" + name + "-" + fl + ".elf";
      const std::vector<std::string> argv{name, "200"};
      auto make = [&] { return std::make_unique<ProcWorld>(path, argv, ""); };
      auto probe = make();
      const DecodedProgram code = decode_program(probe->proc.program);
      std::vector<std::uint64_t> untils;
      for (std::uint64_t u = 7; u < 400'000; u += 997 + u % 13) untils.push_back(u);
      untils.push_back(50'000'000);
      for (bool trace : {false, true})
        aot_test::compare_engines(code, make, untils, trace, 0, 0, std::string(name) + "-" + fl + " many pieces");
    }
}
#endif
