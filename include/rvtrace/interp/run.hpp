#pragma once
// Convenience: run a whole guest process on the interpreter with the reference (flat) memory.
#include <cstdint>
#include <type_traits>

#include "rvtrace/guest/process.hpp"
#include "rvtrace/interp/flat_memory.hpp"
#include "rvtrace/interp/machine.hpp"
#include "rvtrace/interp/program.hpp"

namespace rvtrace {

// Registers at entry, as the process's platform sets them (linux: all zero except sp; a0 = 0: no
// rtld_fini).
inline isa::CpuState initial_state(const guest::Process& p) {
  isa::CpuState s;
  s.pc = p.program.entry;
  s.x = p.initial_regs;
  s.x[0] = 0;
  return s;
}

template <class Policy = NoTrace, class Isa = isa::Rv64imac>
RunResult interpret(guest::Process& proc, const DecodedProgram& code, std::uint64_t max_steps,
                    Policy& policy) {
  static_assert(std::is_same_v<std::remove_cv_t<Policy>, NoTrace> || StepPolicy<Policy>,
                "rvtrace::interpret: the policy has no usable on_step: it needs a public member "
                "`void on_step(const rvtrace::StepRecord& s)` callable with a const step "
                "(pass an rvtrace::NoTrace to record nothing; see rvtrace/interp/step.hpp)");
  FlatMemory mem(proc.memory, proc.environment());
  Machine<FlatMemory, Policy, Isa> m(code, mem, policy);
  m.state = initial_state(proc);
  return m.run(max_steps);
}

}  // namespace rvtrace
