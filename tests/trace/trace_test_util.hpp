#pragma once
// Shared helpers of the trace tests: guests, recording, sequential references.
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/process.hpp"
#include "rvtrace/interp/program.hpp"
#include "rvtrace/trace/memory_trace.hpp"
#include "rvtrace/trace/recorder.hpp"
#include "rvtrace/trace/replay.hpp"
#include "rvtrace/trace/sequential.hpp"

namespace tt {

using namespace rvtrace;
using namespace rvtrace::trace;

struct GuestCase {
  std::string name;
  std::vector<std::string> args;
  std::string input = "";
};

// SMALL arguments (tests/guests/*.c headers).
inline std::vector<GuestCase> small_guests() {
  return {{"keccak", {"300"}},  {"sha256", {"2"}},     {"sort", {"100"}},   {"bytecode", {"40"}},
          {"bignum", {"1", "128"}}, {"misaligned", {}}, {"atomics", {}},     {"divedge", {"5"}},
          {"hello", {}},        {"malloc", {"20"}},    {"exitcode", {"7"}}, {"readinput", {}, "some input\nbytes"}};
}

inline std::string guest_path(const std::string& name, const std::string& flavour = "rv64imac") {
  return std::string(RVTRACE_GUEST_DIR) + "/" + name + "-" + flavour + ".elf";
}

struct Guest {
  std::unique_ptr<guest::Process> proc;
  DecodedProgram code;
};

inline Guest load(const GuestCase& g, const std::string& flavour = "rv64imac") {
  const std::string path = guest_path(g.name, flavour);
  std::vector<std::string> argv{path};
  argv.insert(argv.end(), g.args.begin(), g.args.end());
  Guest r;
  r.proc = std::make_unique<guest::Process>(guest::load_elf_file(path), argv);
  r.proc->syscalls.capture_output();
  r.proc->syscalls.set_input_buffer(g.input);
  r.code = decode_program(r.proc->program);
  return r;
}

inline MemoryTrace record_trace(const GuestCase& g, std::uint64_t chunk, const std::string& flavour = "rv64imac",
                                std::uint64_t max_steps = ~std::uint64_t{0}) {
  Guest x = load(g, flavour);
  MemoryTrace t;
  RecordOptions o;
  o.chunk_steps = chunk;
  o.max_steps = max_steps;
  record(*x.proc, x.code, t, o);
  return t;
}

template <class P>
P sequential(const GuestCase& g, P p, const std::string& flavour = "rv64imac",
             std::uint64_t max_steps = ~std::uint64_t{0}) {
  Guest x = load(g, flavour);
  run_sequential(*x.proc, x.code, p, max_steps);
  return p;
}

// f(engine)'s InputError message ("" if it passes) on the interpreter (the reference) and on the
// AOT; they must agree. Throws the reference's error, so callers check it as before.
template <class F>
void on_both_engines(F&& f) {
  auto message = [&](Engine e) -> std::string {
    try {
      f(e);
      return "";
    } catch (const InputError& x) {
      return x.what();
    }
  };
  const std::string interp = message(Engine::interp);
  const std::string aot = message(Engine::aot);
  CHECK(aot == interp);
  if (!interp.empty()) throw InputError(interp);
}

// check_chunks on both engines (on_both_engines).
inline void check_chunks_both(const DecodedProgram& code, const TraceView& t, ReplayOptions o = {}) {
  on_both_engines([&](Engine e) {
    o.engine = e;
    check_chunks(code, t, o);
  });
}

// Proves `t` is a run of guest `g` (a freshly loaded process: verify uses up its memory), on both engines.
inline void verify_run(const GuestCase& g, const TraceView& t, unsigned threads = 1,
                       const std::string& flavour = "rv64imac") {
  on_both_engines([&](Engine e) {
    Guest x = load(g, flavour);
    InputStream in(g.input);
    RunStart start = run_start(*x.proc, in);
    ReplayOptions o;
    o.threads = threads;
    o.engine = e;
    verify(x.code, t, start, o);
  });
}

// check_chunks()'s error message for a trace ("" if it passes), the same on both engines.
inline std::string verify_error(const DecodedProgram& code, const TraceView& t, unsigned threads = 1) {
  try {
    ReplayOptions o;
    o.threads = threads;
    check_chunks_both(code, t, o);
    return "";
  } catch (const InputError& e) {
    return e.what();
  }
}

inline std::string label(const GuestCase& g) {
  std::string s = g.name;
  for (const auto& a : g.args) s += " " + a;
  return s;
}

}  // namespace tt
