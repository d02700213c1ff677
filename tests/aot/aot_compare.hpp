#pragma once
// Runs one program on the interpreter and on the AOT engine from the same state and compares
// everything observable: RunResult (reason, exit code, fault kind/pc/addr/step), steps, registers, pc,
// reservation, captured stdout/stderr, and (trace mode) the memory-read log word for word.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "rvtrace/aot/runtime.hpp"
#include "rvtrace/guest/loader.hpp"
#include "rvtrace/guest/memory.hpp"
#include "rvtrace/guest/syscalls.hpp"
#include "rvtrace/interp/flat_memory.hpp"
#include "rvtrace/interp/logging_memory.hpp"
#include "rvtrace/interp/machine.hpp"
#include "rvtrace/interp/program.hpp"

namespace aot_test {
using namespace rvtrace;

// One engine's view of a finished run.
struct Outcome {
  RunResult r;
  isa::CpuState cpu;
  std::uint64_t steps = 0;
  std::string out, err;
  std::vector<std::uint64_t> log;
  std::vector<std::uint8_t> data;  // a compared memory range
};

inline std::string describe(const RunResult& r) {
  std::ostringstream s;
  s << "reason " << int(r.reason) << " exit " << r.exit_code << " steps " << r.steps;
  if (r.fault) s << " fault: " << r.fault->message() << " (kind " << int(r.fault->kind) << ")";
  return s.str();
}

inline void require_same(const Outcome& a, const Outcome& b, const std::string& what) {
  INFO(what);
  INFO("interp: " << describe(a.r));
  INFO("aot:    " << describe(b.r));
  REQUIRE(a.r.reason == b.r.reason);
  REQUIRE(a.r.exit_code == b.r.exit_code);
  REQUIRE(a.r.steps == b.r.steps);
  REQUIRE(a.steps == b.steps);
  REQUIRE(a.r.fault.has_value() == b.r.fault.has_value());
  if (a.r.fault) {
    REQUIRE(a.r.fault->kind == b.r.fault->kind);
    REQUIRE(a.r.fault->pc == b.r.fault->pc);
    REQUIRE(a.r.fault->addr == b.r.fault->addr);
    REQUIRE(a.r.fault->step == b.r.fault->step);
    REQUIRE(a.r.fault->message() == b.r.fault->message());
  }
  REQUIRE(a.cpu.pc == b.cpu.pc);
  for (int i = 0; i < 32; ++i) {
    INFO("x" << i);
    REQUIRE(a.cpu.x[i] == b.cpu.x[i]);
  }
  REQUIRE(a.cpu.reservation == b.cpu.reservation);
  REQUIRE(a.out == b.out);
  REQUIRE(a.err == b.err);
  REQUIRE(a.log == b.log);
  REQUIRE(a.data == b.data);
}

// A program without an ELF: read+exec text at text_base, read+write data at data_base.
inline guest::Program synthetic_program(std::string name, std::uint64_t text_base, std::vector<std::uint8_t> text,
                                        std::uint64_t data_base, std::vector<std::uint8_t> data) {
  guest::Program prog;
  prog.name = std::move(name);
  prog.entry = text_base;
  guest::Segment t;
  t.vaddr = text_base, t.memsz = text.size(), t.bytes = std::move(text), t.read = true, t.exec = true;
  guest::Segment d;
  d.vaddr = data_base, d.memsz = data.size(), d.bytes = std::move(data), d.read = true, d.write = true;
  prog.segments = {std::move(t), std::move(d)};
  return prog;
}

// A synthetic program (no ELF, no stack) mapped into its own memory, guest output captured and
// stdin empty: what the fuzz and grouped-bounds-check tests run on each engine.
struct SyntheticWorld {
  guest::GuestMemory memory;
  guest::LoadedImage image;
  guest::LinuxSyscalls syscalls;
  isa::CpuState cpu;
  SyntheticWorld(const guest::Program& p, const isa::CpuState& init, std::uint64_t mem_size)
      : memory(mem_size), image(guest::map_program(p, memory)), syscalls(memory, image.brk_start), cpu(init) {
    syscalls.capture_output();
    syscalls.set_input_buffer("");
  }
  guest::GuestMemory& mem() { return memory; }
  guest::LinuxSyscalls& sys() { return syscalls; }
};

// Runs `until` steps in the given pieces (each a run() call; pieces exercise resuming mid-block).
template <class Isa = isa::Rv64imac, class Memory>
RunResult run_interp(const DecodedProgram& code, Memory& m, isa::CpuState& cpu, std::uint64_t& steps,
                     const std::vector<std::uint64_t>& untils) {
  Machine<Memory, NoTrace, Isa> mach(code, m);
  mach.state = cpu;
  mach.steps = steps;
  RunResult r;
  for (std::uint64_t u : untils) {
    r = mach.run(u);
    if (r.reason != StopReason::paused) break;
  }
  cpu = mach.state;
  steps = mach.steps;
  return r;
}
template <class Isa = isa::Rv64imac, class Memory>
RunResult run_aot(const aot::CompiledProgram& code, Memory& m, isa::CpuState& cpu, std::uint64_t& steps,
                  const std::vector<std::uint64_t>& untils) {
  aot::AotRunner<Memory, Isa> runner(code, m);
  RunResult r;
  for (std::uint64_t u : untils) {
    r = runner.run(cpu, steps, u);
    if (r.reason != StopReason::paused) break;
  }
  return r;
}

// The AOT engine runs twice: translated ahead of time with mid-block entry stubs, and lazily in regions
// of lazy_region_bytes (small: blocks, loops and jumps cross region boundaries, and each region is
// translated on first entry) with mid-block entries through the interpreter.
inline constexpr std::size_t lazy_region_bytes = 96;

// make_world() builds identical fresh worlds; data_lo/len: memory range to compare afterwards. `code`
// is decoded for Isa (or a prefix of it).
template <class Isa = isa::Rv64imac, class MakeWorld>
RunResult compare_engines(const DecodedProgram& code, MakeWorld&& make_world, const std::vector<std::uint64_t>& untils,
                     bool trace, std::uint64_t data_lo, std::uint64_t data_len, const std::string& what) {
  Outcome o[3];
  for (int engine = 0; engine < 3; ++engine) {
    const aot::TranslateOptions when{engine == 2, lazy_region_bytes, engine != 2};
    auto w = make_world();  // holds memory, syscalls; exposes mem(), sys(), cpu
    Outcome& out = o[engine];
    std::uint64_t steps = 0;
    isa::CpuState cpu = w->cpu;
    std::vector<std::uint64_t> log;
    if (trace) {
      log.assign(Isa::max_log_words_per_step * (untils.back() + 1) + 16, 0);
      LoggingMemory m(w->mem(), w->sys(), log.data());
      if (engine == 0) out.r = run_interp<Isa>(code, m, cpu, steps, untils);
      else {
        aot::CompiledProgram compiled(code, w->mem(), true, aot::isa_tag<Isa>, when);
        out.r = run_aot<Isa>(compiled, m, cpu, steps, untils);
      }
      log.resize(static_cast<std::size_t>(m.cursor() - log.data()));
    } else {
      FlatMemory m(w->mem(), w->sys());
      if (engine == 0) out.r = run_interp<Isa>(code, m, cpu, steps, untils);
      else {
        aot::CompiledProgram compiled(code, w->mem(), false, aot::isa_tag<Isa>, when);
        out.r = run_aot<Isa>(compiled, m, cpu, steps, untils);
      }
    }
    out.cpu = cpu;
    out.steps = steps;
    out.out = w->sys().captured_stdout();
    out.err = w->sys().captured_stderr();
    out.log = std::move(log);
    if (data_len) {
      out.data.resize(data_len);
      std::memcpy(out.data.data(), w->mem().host(data_lo), data_len);
    }
  }
  require_same(o[0], o[1], what);
  require_same(o[0], o[2], what + " (lazy translation)");
  return o[0].r;
}

}  // namespace aot_test
