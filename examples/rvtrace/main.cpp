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
#include "profile_cli.hpp"
#include "trace_cli.hpp"

namespace {

using namespace rvtrace;

struct GuestArgs {
  std::string elf;
  std::vector<std::string> args;
  std::string input;  // file fed to the guest's stdin (default: our stdin)
  std::uint64_t max_steps = ~std::uint64_t{0};

  void add_to(CLI::App* cmd) {
    cmd->add_option("--max-steps", max_steps, "Stop with an error after this many steps");
    cmd->add_option("--input", input, "File the guest reads as its standard input")->check(CLI::ExistingFile);
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

int cmd_run(const GuestArgs& g, const std::string& engine, bool stats) {
  if (engine != "interp" && engine != "aot") throw InputError("unknown engine '" + engine + "' (aot, interp)");
  guest::Process proc = g.load();
  const DecodedProgram code = decode_program(proc.program);
  RunResult r;
  double secs = 0;
  if (engine == "aot") {
    const aot::CompiledProgram compiled(code, proc.memory);
    if (stats)
      std::fprintf(stderr, "rvtrace: translated %zu slots into %zu blocks, %zu bytes of x86 in %.3f s\n",
                   code.slots.size(), compiled.blocks(), compiled.code_bytes(), compiled.translate_seconds());
    FlatMemory mem(proc.memory, proc.syscalls);
    isa::CpuState cpu = initial_state(proc);
    std::uint64_t steps = 0;
    const auto t0 = std::chrono::steady_clock::now();
    r = aot::run(compiled, cpu, steps, g.max_steps, mem);
    secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  } else {
    NoTrace none;
    const auto t0 = std::chrono::steady_clock::now();
    r = interpret(proc, code, g.max_steps, none);
    secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  std::fflush(stdout);
  if (stats)
    std::fprintf(stderr, "rvtrace: %llu steps in %.3f s (%.1f M steps/s, engine %s)\n", (unsigned long long)r.steps,
                 secs, r.steps / secs / 1e6, engine.c_str());
  return finish(r, g.max_steps);
}

int cmd_witness(const GuestArgs& g, const std::string& out_path, const std::string& policy,
                rvtrace_cli::ProfileCommand& profile) {
  guest::Process proc = g.load();
  const DecodedProgram code = decode_program(proc.program);
  if (policy == "profile") return finish(profile.witness(proc, code, out_path, g.max_steps), g.max_steps);
  if (policy != "text") return finish(rvtrace_cli::witness_policy(proc, code, policy, out_path, g.max_steps), g.max_steps);
  std::FILE* out = stdout;
  if (out_path.empty() || out_path == "-")
    proc.syscalls.set_stdout_fd(2);  // keep the witness on stdout clean: guest output goes to stderr
  else {
    out = std::fopen(out_path.c_str(), "wb");
    if (!out) throw InputError(out_path + ": cannot open for writing");
  }
  RunResult r;
  {
    TextWitness policy(out);
    r = interpret(proc, code, g.max_steps, policy);
  }
  if (out != stdout) std::fclose(out);
  return finish(r, g.max_steps);
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
  witness->add_option("--policy", witness_policy, "text (default), digest, histogram, witness, memops, profile")->capture_default_str();
  witness_args.add_to(witness);

  rvtrace_cli::TraceCommands trace_cmds;  // trace, replay, verify, info (trace_cli.cpp)
  trace_cmds.add_to(app);
  rvtrace_cli::ProfileCommand profile_cmd;  // profile, witness --policy profile (profile_cli.cpp)
  profile_cmd.add_to(app, witness);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : exit_code::bad_input;
  }
  try {
    if (*run) return cmd_run(run_args, engine, stats);
    if (*witness) return cmd_witness(witness_args, out_path, witness_policy, profile_cmd);
    if (auto rc = trace_cmds.run(finish)) return *rc;
    if (auto rc = profile_cmd.run()) return *rc;
  } catch (const InputError& e) {
    std::fprintf(stderr, "rvtrace: error: %s\n", e.what());
    return exit_code::bad_input;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rvtrace: error: %s\n", e.what());
    return exit_code::bad_input;
  }
  return 0;
}
