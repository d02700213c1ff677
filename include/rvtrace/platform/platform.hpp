#pragma once
// Platforms: where a guest program runs. A platform is a class P with
//
//   static constexpr std::string_view name;            // recorded in trace files ("linux", "zisk")
//   using engine_isa = ...;                             // the instruction set its engines are built for
//   static constexpr std::array<IsaChoice, N> isas;     // the decodings it offers (--isa), each a prefix
//                                                       //   of engine_isa; isas[0] is the default
//   static constexpr guest::ExitRule exit_rule;         // which ecall ends the run (replay applies it)
//   static guest::Process boot(guest::Program, const BootOptions&);   // memory map, image, registers,
//                                                       //   environment (ecalls, MMIO), input
//   static constexpr bool has_outputs;                  // does finish print anything (--outputs)?
//   static void finish(guest::Process&, const RunResult&, const FinishOptions&);   // end-of-run
//                                                       //   outputs (e.g. zisk's public outputs)
//
// The default platform, linux, is the Linux-user process qemu-riscv64 runs; platform/zisk/ is ZisK's
// zkVM. Both use only what a user's platform could (docs/extending.md); the core knows neither.
#include <array>
#include <concepts>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/process.hpp"
#include "rvtrace/interp/machine.hpp"
#include "rvtrace/interp/program.hpp"
#include "rvtrace/isa/rv64zb.hpp"

namespace rvtrace::platform {

struct BootOptions {
  std::vector<std::string> argv;  // argv[0]: the program's name as the guest sees it
  std::vector<std::string> envp;
  std::string input;              // the input file ("" = none; linux: then the host's stdin)
};

struct FinishOptions {
  bool outputs = false;           // print the platform's end-of-run outputs (e.g. zisk --outputs)
  std::FILE* out = stdout;
};

// One decoding a platform offers: its name (--isa) and the decoder.
struct IsaChoice {
  std::string_view name;
  DecodedProgram (*decode)(const guest::Program&);
};
template <class Isa>
constexpr IsaChoice isa_choice() {
  return {Isa::name, &decode_program<Isa>};
}

template <class P>
concept Platform = requires(guest::Program prog, const BootOptions& o) {
  { P::name } -> std::convertible_to<std::string_view>;
  typename P::engine_isa;
  P::isas.size();
  { P::exit_rule } -> std::convertible_to<guest::ExitRule>;
  { P::boot(std::move(prog), o) } -> std::same_as<guest::Process>;
  { P::has_outputs } -> std::convertible_to<bool>;
};

// The decoder of `name` among P's choices; an unknown name is an error that lists the known ones.
template <class P>
const IsaChoice& isa_named(std::string_view name) {
  if (name.empty()) return P::isas[0];
  for (const IsaChoice& c : P::isas)
    if (c.name == name) return c;
  std::string known;
  for (const IsaChoice& c : P::isas) known += (known.empty() ? "" : ", ") + std::string(c.name);
  throw InputError("unknown instruction set '" + std::string(name) + "' for platform " + std::string(P::name) +
                   " (known: " + known + ")");
}

// The Linux-user platform: the ELF's program headers, a Linux-style stack, the syscall subset of
// guest/syscalls.hpp, exit/exit_group. RV64IMAC, optionally with Zba and Zbb.
struct Linux {
  static constexpr std::string_view name = "linux";
  using engine_isa = isa::Rv64imacZbaZbb;
  static constexpr std::array<IsaChoice, 3> isas = {isa_choice<isa::Rv64imac>(), isa_choice<isa::Rv64imacZba>(),
                                                    isa_choice<isa::Rv64imacZbaZbb>()};
  static constexpr guest::ExitRule exit_rule = &guest::linux_exit_status;

  static guest::Process boot(guest::Program prog, const BootOptions& o) {
    guest::Process p(std::move(prog), o.argv, o.envp);
    if (!o.input.empty()) p.syscalls.set_input_file(o.input);
    return p;
  }
  static constexpr bool has_outputs = false;  // (nothing for finish to print)
  static void finish(guest::Process&, const RunResult&, const FinishOptions&) {}
};
static_assert(Platform<Linux>);

}  // namespace rvtrace::platform
