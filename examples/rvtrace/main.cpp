// rvtrace command-line tool: run RISC-V ELF programs, print per-step witnesses.
// Exit codes: the guest's own exit code when it exits; otherwise see rvtrace/guest/fault.hpp
// (120 bad input, 121 guest fault, 122 step limit).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "rvtrace/aot/runtime.hpp"
#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/fault.hpp"
#include "rvtrace/guest/process.hpp"
#include "rvtrace/interp/run.hpp"
#include "rvtrace/trace/text_policy.hpp"
#include "trace_cli.hpp"
#include "zisk_cli.hpp"

namespace {

using namespace rvtrace;

struct GuestArgs {
  std::string elf;
  std::vector<std::string> args;
  std::string input;  // linux: the guest's stdin (default: our stdin); zisk: the input region
  std::string platform = "linux";
  bool outputs = false;
  std::uint64_t max_steps = ~std::uint64_t{0};

  void add_to(CLI::App* cmd) {
    cmd->add_option("--max-steps", max_steps, "Stop with an error after this many steps");
    cmd->add_option("--input", input, "Linux: file the guest reads as stdin; zisk: the input (ziskemu -i)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--platform", platform, "linux (Linux-user ELF) or zisk (ZisK zkVM guest)")->capture_default_str();
    cmd->add_flag("--outputs", outputs, "zisk: print the 64 public outputs at the end, as ziskemu -c");
    cmd->add_option("program", elf, "RISC-V ELF executable")->required();
    cmd->add_option("args", args, "Arguments passed to the guest");
  }
  guest::Process load() const {
    std::vector<std::string> argv{elf};
    argv.insert(argv.end(), args.begin(), args.end());
    guest::Process p(guest::load_elf_file(elf), argv);
    if (!input.empty()) p.syscalls.set_input_file(input);
    return p;
  }
};

// Reports how a run ended; returns the process exit code.
int finish(const RunResult& r, std::uint64_t max_steps) {
  switch (r.reason) {
    case StopReason::exited: return r.exit_code;
    case StopReason::ebreak: std::fprintf(stderr, "rvtrace: guest stopped at ebreak after %llu steps\n", (unsigned long long)r.steps); return 0;
    case StopReason::fault: std::fprintf(stderr, "rvtrace: guest fault: %s\n", r.fault->message().c_str()); return exit_code::guest_fault;
    case StopReason::paused:
      std::fprintf(stderr, "rvtrace: guest fault: %s\n", Fault{FaultKind::step_limit, r.pc, 0, max_steps}.message().c_str());
      return exit_code::step_limit;
  }
  return exit_code::guest_fault;
}

// One run on the chosen engine; `policy` sees every step of an interpreter run (the ZisK step count).
template <class Isa, class G, class Policy>
RunResult run_engine(G& proc, const DecodedProgram& code, const std::string& engine, std::uint64_t max_steps,
                     bool stats, Policy& policy, double& secs) {
  if (engine != "interp" && engine != "aot") throw InputError("unknown engine '" + engine + "' (aot, interp)");
  RunResult r;
  if (engine == "aot") {
    const aot::CompiledProgram compiled(code, proc.memory, false, aot::isa_tag<Isa>);
    if (stats)
      std::fprintf(stderr, "rvtrace: translated %zu slots into %zu blocks, %zu bytes of x86 in %.3f s\n",
                   code.slots.size(), compiled.blocks(), compiled.code_bytes(), compiled.translate_seconds());
    FlatMemory mem(proc.memory, proc.environment());
    isa::CpuState cpu = initial_state(proc);
    std::uint64_t steps = 0;
    const auto t0 = std::chrono::steady_clock::now();
    r = aot::run<Isa>(compiled, cpu, steps, max_steps, mem);
    secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  } else {
    const auto t0 = std::chrono::steady_clock::now();
    r = interpret<Isa>(proc, code, max_steps, policy);
    secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  std::fflush(stdout);
  if (stats)
    std::fprintf(stderr, "rvtrace: %llu steps in %.3f s (%.1f M steps/s, engine %s)\n", (unsigned long long)r.steps,
                 secs, r.steps / secs / 1e6, engine.c_str());
  return r;
}

int cmd_run_zisk(const GuestArgs& g, const std::string& engine, bool stats) {
  auto proc = rvtrace_cli::load_zisk(g.elf, g.input);
  const DecodedProgram code = decode_program<rvtrace_cli::zisk::ZiskIsa>(proc->program);
  rvtrace_cli::zisk::ZiskStepCount count;
  double secs = 0;
  const RunResult r = run_engine<rvtrace_cli::zisk::ZiskIsa>(*proc, code, engine, g.max_steps, stats, count, secs);
  proc->platform.finish(r, proc->memory);
  if (g.outputs) rvtrace_cli::print_outputs(*proc);
  if (stats && r.reason == StopReason::exited) {
    if (engine == "interp")
      rvtrace_cli::print_zisk_steps(count.total());
    else
      std::fprintf(stderr, "rvtrace: zisk steps: counted by --engine interp, trace --stats or replay --policy zisk-steps\n");
  }
  return finish(r, g.max_steps);
}

int cmd_run(const GuestArgs& g, const std::string& engine, bool stats) {
  if (rvtrace_cli::is_zisk(g.platform)) return cmd_run_zisk(g, engine, stats);
  if (g.outputs) throw InputError("--outputs needs --platform zisk");
  guest::Process proc = g.load();
  const DecodedProgram code = decode_program(proc.program);
  NoTrace none;
  double secs = 0;
  return finish(run_engine<isa::Rv64imac>(proc, code, engine, g.max_steps, stats, none, secs), g.max_steps);
}

// The text witness of a sequential interpreter run, to out_path or stdout.
template <class Isa, class G>
RunResult text_witness(G& proc, const DecodedProgram& code, const std::string& out_path, std::uint64_t max_steps) {
  std::FILE* out = stdout;
  if (!out_path.empty() && out_path != "-") {
    out = std::fopen(out_path.c_str(), "wb");
    if (!out) throw InputError(out_path + ": cannot open for writing");
  }
  RunResult r;
  {
    TextWitness policy(out);
    r = interpret<Isa>(proc, code, max_steps, policy);
  }
  if (out != stdout) std::fclose(out);
  return r;
}

int cmd_witness(const GuestArgs& g, const std::string& out_path, const std::string& policy) {
  const bool to_stdout = out_path.empty() || out_path == "-";
  if (rvtrace_cli::is_zisk(g.platform)) {
    auto proc = rvtrace_cli::load_zisk(g.elf, g.input);
    if (to_stdout) proc->platform.uart = stderr;  // keep the witness on stdout clean
    const DecodedProgram code = decode_program<rvtrace_cli::zisk::ZiskIsa>(proc->program);
    const RunResult r = policy == "text"
                            ? text_witness<rvtrace_cli::zisk::ZiskIsa>(*proc, code, out_path, g.max_steps)
                            : rvtrace_cli::witness_policy_zisk(*proc, code, policy, out_path, g.max_steps);
    proc->platform.finish(r, proc->memory);
    return finish(r, g.max_steps);
  }
  guest::Process proc = g.load();
  const DecodedProgram code = decode_program(proc.program);
  if (policy != "text") return finish(rvtrace_cli::witness_policy(proc, code, policy, out_path, g.max_steps), g.max_steps);
  if (to_stdout) proc.syscalls.set_stdout_fd(2);  // keep the witness on stdout clean: guest output goes to stderr
  return finish(text_witness<isa::Rv64imac>(proc, code, out_path, g.max_steps), g.max_steps);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rvtrace: run RISC-V (RV64IMAC) programs and trace them"};
  app.require_subcommand(1);
  GuestArgs run_args, witness_args;
  std::string engine = "aot", out_path;
  bool stats = false;

  auto* run = app.add_subcommand("run", "Run a program; its stdout/stderr pass through, its exit code is ours");
  run->add_option("--engine", engine, "Execution engine: aot (x86_64 translation) or interp")->capture_default_str();
  run->add_flag("--stats", stats, "Print steps and steps/s to stderr");
  run_args.add_to(run);
  run->prefix_command(false);

  auto* witness = app.add_subcommand("witness", "Print the per-step text witness of a sequential interpreter run");
  witness->add_option("-o,--output", out_path, "Output file (default: stdout)");
  std::string witness_policy = "text";
  witness->add_option("--policy", witness_policy, "text (default), digest, histogram, witness, memops")->capture_default_str();
  witness_args.add_to(witness);

  rvtrace_cli::TraceCommands trace_cmds;  // trace, replay, verify, info (trace_cli.cpp)
  trace_cmds.add_to(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : exit_code::bad_input;
  }
  try {
    if (*run) return cmd_run(run_args, engine, stats);
    if (*witness) return cmd_witness(witness_args, out_path, witness_policy);
    if (auto rc = trace_cmds.run(finish)) return *rc;
  } catch (const InputError& e) {
    std::fprintf(stderr, "rvtrace: error: %s\n", e.what());
    return exit_code::bad_input;
  } catch (const rvtrace_cli::zisk::ZiskError& e) {
    return rvtrace_cli::zisk_fault(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rvtrace: error: %s\n", e.what());
    return exit_code::bad_input;
  }
  return 0;
}
