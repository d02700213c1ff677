#pragma once
// What a run starts from, as verify checks a trace against it: the registers at step 0, the memory
// image at step 0 (the program's segments, zeroed bss, the stack the loader built; everything else
// reads as zero), and the platform that answers the run's ecalls. The loaded guest::Process
// supplies it for the Linux platform (run_start()); another platform supplies its own.
#include <cstdint>
#include <functional>
#include <string>

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

}  // namespace rvtrace::trace
