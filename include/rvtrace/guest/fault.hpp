#pragma once
// A fault stops a guest run cleanly: it names what went wrong and where (pc, address, step).
// Every engine (interpreter, AOT) reports faults with this one type so their messages are identical.
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace rvtrace {

// 0x-prefixed hex, for messages (of faults, host calls, traces).
inline std::string hex64(std::uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

enum class FaultKind : std::uint8_t {
  illegal_instruction,  // addr = the instruction word
  load_out_of_range,    // addr = guest address of the access
  store_out_of_range,
  store_to_text,        // store into a read-only (text/rodata) segment
  fetch_out_of_range,   // jump/branch target outside the executable segments
  misaligned_fetch,     // jump target not 2-byte aligned
  misaligned_atomic,    // LR/SC/AMO address not naturally aligned (addr = the address)
  step_limit,           // --max-steps exceeded
};

constexpr const char* fault_name(FaultKind k) {
  switch (k) {
    case FaultKind::illegal_instruction: return "illegal instruction";
    case FaultKind::load_out_of_range: return "load out of range";
    case FaultKind::store_out_of_range: return "store out of range";
    case FaultKind::store_to_text: return "store to read-only memory";
    case FaultKind::fetch_out_of_range: return "jump outside executable code";
    case FaultKind::misaligned_fetch: return "misaligned jump target";
    case FaultKind::misaligned_atomic: return "misaligned atomic access";
    case FaultKind::step_limit: return "step limit exceeded";
  }
  return "unknown fault";
}

struct Fault {
  FaultKind kind;
  std::uint64_t pc = 0;    // pc of the faulting instruction (the jump's target for fetch faults)
  std::uint64_t addr = 0;  // see FaultKind
  std::uint64_t step = 0;  // number of steps retired before the fault

  std::string message() const {
    char buf[160];
    if (kind == FaultKind::illegal_instruction)
      std::snprintf(buf, sizeof buf, "%s 0x%08llx at pc 0x%llx, step %llu", fault_name(kind),
                    (unsigned long long)addr, (unsigned long long)pc, (unsigned long long)step);
    else if (kind == FaultKind::step_limit)
      std::snprintf(buf, sizeof buf, "%s (%llu steps) at pc 0x%llx", fault_name(kind),
                    (unsigned long long)step, (unsigned long long)pc);
    else
      std::snprintf(buf, sizeof buf, "%s: address 0x%llx at pc 0x%llx, step %llu", fault_name(kind),
                    (unsigned long long)addr, (unsigned long long)pc, (unsigned long long)step);
    return buf;
  }
};

// Thrown for bad input the user gave (malformed ELF, corrupt trace file, ...): what and where.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Thrown when a budget runs out (steps, bytes written): exit code step_limit.
struct LimitError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Documented process exit codes of the rvtrace CLI (all below 128: higher codes read as signals).
namespace exit_code {
inline constexpr int bad_input = 120;    // unreadable/malformed ELF or trace file, bad arguments
inline constexpr int guest_fault = 121;  // the guest faulted (message on stderr)
inline constexpr int step_limit = 122;   // --max-steps (or another budget: --max-bytes) exceeded
}  // namespace exit_code

}  // namespace rvtrace

namespace rvtrace {
// Thrown inside an engine by the memory layer; the engine adds pc and step to make a Fault.
struct AccessFault {
  FaultKind kind;
  std::uint64_t addr;
};
}  // namespace rvtrace
