#pragma once
// The common path in three calls (docs/recording.md):
//
//   guest::Program prog = guest::load_elf_file("prog.elf");
//   trace::MemoryTrace t = rvtrace::record(prog, {.args = {"100"}});           // AOT when available
//   auto digest = rvtrace::replay(prog, t, [] { return trace::DigestPolicy{}; }, {.threads = 4});
//   rvtrace::record_file(prog, "prog.rvmt", {.engine = rvtrace::Engine::interp});
//
// The guest's stdout/stderr go to the host's; TraceInfo::stop says how the run ended (exit code,
// fault, step limit). The AOT engine is available when this header is compiled on x86-64 with
// xbyak on the include path (RVTRACE_AOT_ENABLED = 1; define it to 0 to leave the AOT code out
// everywhere in a program); otherwise Engine::aot is an error and the default is the interpreter.
#include <unistd.h>

#include <concepts>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/fault.hpp"
#include "rvtrace/guest/files.hpp"
#include "rvtrace/guest/process.hpp"
#include "rvtrace/interp/program.hpp"
#include "rvtrace/trace/file.hpp"
#include "rvtrace/trace/memory_trace.hpp"
#include "rvtrace/trace/recorder.hpp"
#include "rvtrace/trace/replay.hpp"
#include "rvtrace/trace/run_start.hpp"

#include "rvtrace/engine.hpp"
#if RVTRACE_AOT_ENABLED
#include "rvtrace/aot/runtime.hpp"
#include "rvtrace/trace/aot_engine.hpp"
#endif

namespace rvtrace {

struct TraceOptions {
  Engine engine = default_engine;
  std::vector<std::string> args;                          // argv[1..]; argv[0] is the program's name
  std::string input;                                      // file the guest reads as stdin ("" = ours)
  std::uint64_t chunk_steps = trace::default_chunk_steps;  // power of two, 2^4 .. 2^40
  std::uint64_t max_steps = ~std::uint64_t{0};            // then TraceStop::step_limit
};

namespace detail {
inline guest::Process make_process(const guest::Program& program, const TraceOptions& opt) {
  std::vector<std::string> argv{program.name};
  argv.insert(argv.end(), opt.args.begin(), opt.args.end());
  guest::Process proc(program, argv);
  if (!opt.input.empty()) proc.syscalls.set_input_file(opt.input);
  return proc;
}

template <class Sink>
RunResult record_into(const guest::Program& program, Sink& sink, const TraceOptions& opt) {
  guest::Process proc = make_process(program, opt);
  const DecodedProgram code = decode_program(proc.program);
  trace::RecordOptions ro;
  ro.chunk_steps = opt.chunk_steps;
  ro.max_steps = opt.max_steps;
  if (opt.engine == Engine::aot) {
#if RVTRACE_AOT_ENABLED
    const aot::CompiledProgram compiled(code, proc.memory, /*trace=*/true, aot::translate_lazily);
    trace::AotEngine engine(compiled);
    return trace::record(proc, code, sink, engine, ro);
#else
    throw InputError("rvtrace::record: Engine::aot is not available in this build (RVTRACE_AOT_ENABLED is 0: "
                     "not x86-64, or no xbyak); use Engine::interp");
#endif
  }
  return trace::record(proc, code, sink, ro);
}
}  // namespace detail

// The functions below are templates on the program type (always guest::Program) only so that a
// translation unit that includes this header without calling them does not compile both engines.

// Records `program` into `into` (cleared first; its log memory is reused). Returns how the run ended.
template <std::same_as<guest::Program> Program>
RunResult record(const Program& program, trace::MemoryTrace& into, const TraceOptions& opt = {}) {
  into.clear();
  return detail::record_into(program, into, opt);
}

// Records `program` into a new in-memory trace.
template <std::same_as<guest::Program> Program>
trace::MemoryTrace record(const Program& program, const TraceOptions& opt = {}) {
  trace::MemoryTrace t;
  record(program, t, opt);
  return t;
}

// Records `program` into the .rvmt file `path` (refuses to overwrite an existing file unless
// `overwrite`). Returns how the run ended.
template <std::same_as<guest::Program> Program>
RunResult record_file(const Program& program, const std::string& path, const TraceOptions& opt = {},
                      bool overwrite = false) {
  trace::TraceFileWriter writer(path, overwrite);
  return detail::record_into(program, writer, opt);
}

// Replays `t` (a MemoryTrace, a TraceFile or a TraceView) of `program` through the policies
// `make()` returns, one per chunk, merged in chunk order; checks that `t` was recorded from
// `program`. Same result for any number of threads.
template <class Trace, class Factory>
auto replay(const guest::Program& program, const Trace& t, Factory&& make, const trace::ReplayOptions& opt = {}) {
  const DecodedProgram code = decode_program(program);
  if constexpr (std::is_convertible_v<const Trace&, trace::TraceView>)
    return trace::replay(code, t, std::forward<Factory>(make), opt);
  else
    return trace::replay(code, t.view(), std::forward<Factory>(make), opt);
}

// Proves that `t` is a run of `program` with the arguments and input of `run` (trace::verify:
// checkpoint 0 = the initial state, the program's fixed words, memory across chunks, the stop, the
// input bytes); throws InputError naming the failed check, chunk and word.
template <class Trace>
void verify(const guest::Program& program, const Trace& t, const TraceOptions& run = {},
            const trace::ReplayOptions& opt = {}) {
  guest::Process proc = detail::make_process(program, run);
  const int fd = run.input.empty() ? 0 : guest::open_regular_file(run.input, "input");
  struct CloseInput {
    int fd;
    ~CloseInput() {
      if (fd > 0) ::close(fd);
    }
  } close_input{fd};
  trace::InputStream input(fd);
  trace::RunStart start = trace::run_start(proc, input);
  const DecodedProgram code = decode_program(program);
  if constexpr (std::is_convertible_v<const Trace&, trace::TraceView>)
    trace::verify(code, t, start, opt);
  else
    trace::verify(code, t.view(), start, opt);
}

}  // namespace rvtrace
