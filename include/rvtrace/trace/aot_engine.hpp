#pragma once
// The AOT runtime as a recorder engine (see recorder.hpp): native code that appends the
// memory-read log itself. The program must be compiled in trace mode:
//
//   aot::CompiledProgram compiled(code, proc.memory, /*trace=*/true);
//   trace::AotEngine engine(compiled);
//   trace::record(proc, code, sink, engine, options);
#include <cstdint>
#include <optional>

#include "rvtrace/aot/runtime.hpp"
#include "rvtrace/interp/logging_memory.hpp"
#include "rvtrace/interp/machine.hpp"

namespace rvtrace::trace {

template <class Isa = isa::Rv64imac>
class AotEngine {
 public:
  using instruction_set = Isa;
  explicit AotEngine(const aot::CompiledProgram& code) : code_(code) {}
  RunResult operator()(isa::CpuState& s, std::uint64_t& steps, std::uint64_t until, LoggingMemory& mem) {
    if (!runner_ || mem_ != &mem) {
      runner_.emplace(code_, mem);
      mem_ = &mem;
    }
    return runner_->run(s, steps, until);
  }

 private:
  const aot::CompiledProgram& code_;
  std::optional<aot::AotRunner<LoggingMemory, Isa>> runner_;
  LoggingMemory* mem_ = nullptr;
};

}  // namespace rvtrace::trace
