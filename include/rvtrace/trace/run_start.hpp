#pragma once
// What a run starts from, as verify checks a trace against it: the registers at step 0, the memory
// image at step 0 (the program's segments, zeroed bss, the stack the loader built; everything else
// reads as zero), and the platform that answers the run's ecalls. The loaded guest::Process
// supplies it for the Linux platform (run_start()); another platform supplies its own.
#include <cstdint>
#include <functional>
#include <array>
#include <string>
#include <string_view>

#include "rvtrace/guest/memory.hpp"
#include "rvtrace/guest/process.hpp"
#include "rvtrace/interp/run.hpp"
#include "rvtrace/isa/operands.hpp"
#include "rvtrace/trace/hash.hpp"
#include "rvtrace/trace/linux_ecalls.hpp"
#include "rvtrace/trace/memory_effects.hpp"
#include "rvtrace/trace/trace_view.hpp"

namespace rvtrace::trace {

struct RunStart {
  isa::CpuState cpu;               // registers, pc and reservation at step 0
  guest::GuestMemory* memory;      // the image at step 0; verify's memory pass then updates it
  std::uint64_t args_hash = 0;     // hash_arguments(argv, envp)
  std::string platform = default_platform, isa = default_isa;
  // Checks a recorded ecall and applies its effect on memory (throws InputError on disagreement).
  std::function<void(const EcallRecord&, guest::GuestMemory&)> ecall;
  InputStream* input = nullptr;    // the input the ecalls consumed (its hash is checked at the end)
  guest::ExitRule exit_rule = &guest::linux_exit_status;
  // A platform whose input is fixed at boot (placed in memory: the memory pass checks its bytes):
  // the identity the trace header must carry.
  bool input_fixed = false;
  std::uint64_t input_hash = 0, input_bytes = 0;
};

// The start of a Linux process `p` (its memory becomes verify's working image: load it only for
// verifying). `input` is what the run read as stdin.
inline RunStart run_start(guest::Process& p, InputStream& input) {
  RunStart s;
  s.cpu = initial_state(p);
  s.memory = &p.memory;
  s.args_hash = hash_arguments(p.argv, p.envp);
  s.input = &input;
  s.ecall = [ecalls = LinuxEcalls(p.syscalls, input)](const EcallRecord& c, guest::GuestMemory& m) mutable {
    ecalls.apply(c, m);
  };
  return s;
}

// The start of a process of another platform (guest::Process's platform constructor): its ecalls
// are checked by running the platform's environment on the recorded registers and comparing a0.
inline RunStart platform_run_start(guest::Process& p, std::string_view isa_name) {
  RunStart s;
  s.cpu = initial_state(p);
  s.memory = &p.memory;
  s.args_hash = hash_arguments(p.argv, p.envp);
  s.platform = p.platform;
  s.isa = std::string(isa_name);
  s.exit_rule = p.exit_rule;
  s.input_fixed = p.input_fixed, s.input_hash = p.input_hash, s.input_bytes = p.input_bytes;
  s.ecall = [&env = p.environment()](const EcallRecord& c, guest::GuestMemory& m) {
    std::array<std::uint64_t, 32> x{};
    for (unsigned i = 0; i < 6; ++i) x[10 + i] = c.args[i];
    x[17] = c.number;
    env.ecall(x, m);
    if (x[10] != c.result)
      throw InputError("step " + std::to_string(c.step) + ": ecall " + std::to_string(c.number) + " returned " +
                       hex64(c.result) + " in the trace, the platform gives " + hex64(x[10]));
  };
  return s;
}

}  // namespace rvtrace::trace
