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
#include "partial_cli.hpp"
#include "platform_cli.hpp"
#include "profile_cli.hpp"
#include "trace_cli.hpp"

namespace {

using namespace rvtrace;

// A guest that never exits (a bare-metal `j .` exit stub, a busy loop) is stopped here by default.
constexpr std::uint64_t default_max_steps = 100'000'000'000;  // 1e11: ~10-20 s with AOT, minutes interpreted

struct GuestArgs {
  std::string elf;
  std::vector<std::string> args;
  std::string input;  // file fed to the guest's stdin (default: our stdin); zisk: its input
  std::string platform = "linux";
  bool outputs = false;
  std::uint64_t max_steps = default_max_steps;

  void add_to(CLI::App* cmd) {
    rvtrace_cli::add_count_option(cmd, "--max-steps", max_steps, "Stop with exit code 122 after this many steps (default 1e11; 0 runs no step and reports the entry pc)");
    cmd->add_option("--platform", platform, std::string("Guest platform: ") + rvtrace_cli::platform_names)->capture_default_str();
    cmd->add_option("--input", input, "File the guest reads as its standard input (a regular file; zisk: the input placed in memory)");
    cmd->add_flag("--outputs", outputs, "At the end, print the platform's public outputs (zisk: the 64 words, as ziskemu -c)");
    cmd->add_option("program", elf, "RISC-V ELF executable")->required();
    cmd->add_option("args", args, "Arguments passed to the guest");
  }
  std::uint64_t limit() const { return max_steps; }
  rvtrace_cli::GuestStart start(std::FILE* console = stdout) const { return {platform, elf, input, args, console}; }
};

// A jump to itself (jal x0, 0 or c.j 0): the guest can only loop there forever.
bool jumps_to_itself(const DecodedProgram* code, std::uint64_t pc) {
  if (!code || !code->fetchable(pc)) return false;
  const std::uint32_t w = code->at(pc).word;
  return w == 0x0000006f || w == 0xa001;
}

// Reports how a run ended; returns the process exit code. `code` (optional) explains step limits.
int finish(const RunResult& r, std::uint64_t max_steps, const DecodedProgram* code = nullptr) {
  auto& st = rvtrace_cli::status();
  switch (r.reason) {
    case StopReason::exited: st.kind = "exited", st.guest_exit_code = r.exit_code; return r.exit_code;
    case StopReason::ebreak:
      st.kind = "ebreak";
      std::fprintf(stderr, "rvtrace: guest stopped at ebreak after %llu steps\n", (unsigned long long)r.steps);
      return 0;
    case StopReason::fault:
      st.kind = "guest_fault";
      std::fprintf(stderr, "rvtrace: guest fault: %s\n", r.fault->message().c_str());
      return exit_code::guest_fault;
    case StopReason::paused:
      st.kind = "step_limit";
      std::fprintf(stderr, "rvtrace: %s without exiting (--max-steps %llu)%s\n",
                   Fault{FaultKind::step_limit, r.pc, 0, max_steps}.message().c_str(), (unsigned long long)max_steps,
                   jumps_to_itself(code, r.pc) ? ": the instruction there jumps to itself, so the guest loops forever "
                                                 "(an exit that is not the exit syscall 93? see docs/guests.md)"
                                               : "");
      return exit_code::step_limit;
  }
  return exit_code::guest_fault;
}

// The interpreter, counting the platform's own steps on the way when it has a count and stats are wanted.
template <class P>
RunResult interpret_counting(guest::Process& proc, const DecodedProgram& code, std::uint64_t limit, bool stats) {
  using Isa = typename P::isa;
  if constexpr (rvtrace_cli::has_step_count<P>) {
    if (stats) {
      typename P::step_count count(code);
      const RunResult r = interpret<typename P::step_count, Isa>(proc, code, limit, count);
      std::fflush(stdout);
      std::fprintf(stderr, "rvtrace: %s steps: %llu\n", std::string(P::name).c_str(),
                   (unsigned long long)count.zisk_steps());
      return r;
    }
  }
  NoTrace none;
  return interpret<NoTrace, Isa>(proc, code, limit, none);
}

template <class P>
int cmd_run(const GuestArgs& g, const std::string& engine, bool stats) {
  using Isa = typename P::isa;
  guest::Process proc = rvtrace_cli::boot<P>(g.start());
  const DecodedProgram code = decode_program<Isa>(proc.program);
  RunResult r;
  double secs = 0;
  if (engine == "aot") {
    const aot::CompiledProgram compiled(code, proc.memory, false, aot::isa_tag<Isa>);
    if (stats)
      std::fprintf(stderr, "rvtrace: translated %zu slots into %zu blocks, %zu bytes of x86 in %.3f s\n",
                   code.slots.size(), compiled.blocks(), compiled.code_bytes(), compiled.translate_seconds());
    FlatMemory mem(proc.memory, proc.environment());
    isa::CpuState cpu = initial_state(proc);
    std::uint64_t steps = 0;
    const auto t0 = std::chrono::steady_clock::now();
    r = aot::run<Isa>(compiled, cpu, steps, g.limit(), mem);
    secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (stats && rvtrace_cli::has_step_count<P>)
      std::fprintf(stderr, "rvtrace: %s steps: counted by --engine interp, trace --stats or replay --policy %s-steps\n",
                   std::string(P::name).c_str(), std::string(P::name).c_str());
  } else {
    const auto t0 = std::chrono::steady_clock::now();
    r = interpret_counting<P>(proc, code, g.limit(), stats);
    secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  std::fflush(stdout);
  rvtrace_cli::print_outputs<P>(proc, r, g.outputs);
  if (stats)
    std::fprintf(stderr, "rvtrace: %llu steps in %.3f s (%.1f M steps/s, engine %s)\n", (unsigned long long)r.steps,
                 secs, r.steps / secs / 1e6, engine.c_str());
  return finish(r, g.limit(), &code);
}

int cmd_run(const GuestArgs& g, const std::string& engine, bool stats) {
  if (engine != "interp" && engine != "aot") throw InputError("unknown engine '" + engine + "' (aot, interp)");
  rvtrace_cli::check_outputs_flag(g.platform, g.outputs);
  return rvtrace_cli::with_platform(g.platform, [&](auto p) { return cmd_run<typename decltype(p)::type>(g, engine, stats); });
}

template <class P>
int cmd_witness(const GuestArgs& g, const std::string& out_path, const std::string& policy, bool force,
                rvtrace_cli::ProfileCommand& profile) {
  using Isa = typename P::isa;
  rvtrace_cli::Output out(out_path, force, {g.elf, g.input});
  std::FILE* console = out.f == stdout ? stderr : stdout;  // keep the witness on stdout clean
  guest::Process proc = rvtrace_cli::boot<P>(g.start(console));
  const DecodedProgram code = decode_program<Isa>(proc.program);
  if constexpr (std::is_same_v<Isa, isa::Rv64imac>)
    if (policy == "profile") return finish(profile.witness(proc, code, out, g.limit()), g.limit(), &code);
  RunResult r;
  if (policy != "text") {
    r = rvtrace_cli::witness_policy<P>(proc, code, policy, out, g.limit());
  } else {
    {
      TextWitness policy(out.f);
      r = interpret<TextWitness, Isa>(proc, code, g.limit(), policy);
    }
    out.close();
  }
  rvtrace_cli::print_outputs<P>(proc, r, g.outputs, console);
  return finish(r, g.limit(), &code);
}

int cmd_witness(const GuestArgs& g, const std::string& out_path, const std::string& policy, bool force,
                rvtrace_cli::ProfileCommand& profile) {
  rvtrace_cli::check_outputs_flag(g.platform, g.outputs);
  if (g.platform != "linux" && policy == "profile") throw InputError("--policy profile: linux programs only");
  return rvtrace_cli::with_platform(g.platform, [&](auto p) {
    return cmd_witness<typename decltype(p)::type>(g, out_path, policy, force, profile);
  });
}

// Runs a command; errors become one line on stderr and their documented exit code.
template <class F>
int dispatch(F&& command) {
  auto& st = rvtrace_cli::status();
  try {
    return command();
  } catch (const LimitError& e) {
    std::fprintf(stderr, "rvtrace: error: %s\n", e.what());
    st.kind = "step_limit";
    return exit_code::step_limit;
  } catch (const HostCallError& e) {  // the platform refused to go on, as its emulator would panic
    std::fflush(stdout);
    std::fprintf(stderr, "rvtrace: guest fault: %s\n", e.what());
    st.kind = "guest_fault";
    return exit_code::guest_fault;
  } catch (const std::exception& e) {  // InputError and anything else the input caused
    std::fprintf(stderr, "rvtrace: error: %s\n", e.what());
    st.kind = "bad_input";
    return exit_code::bad_input;
  }
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
  bool witness_force = false;
  witness->add_flag("--force", witness_force, "Overwrite an existing output file");
  std::string witness_policy = "text";
  witness->add_option("--policy", witness_policy, "text (default), digest, histogram, witness, memops, profile")->capture_default_str();
  witness_args.add_to(witness);

  rvtrace_cli::TraceCommands trace_cmds;  // trace, replay, verify, info (trace_cli.cpp)
  trace_cmds.add_to(app);
  rvtrace_cli::PartialCommands partial_cmds;  // replay --chunks/--save-partial, merge (partial_cli.cpp)
  partial_cmds.add_to(app);

  rvtrace_cli::ProfileCommand profile_cmd;  // profile, witness --policy profile (profile_cli.cpp)
  profile_cmd.add_to(app, witness);

  std::string status_file;
  app.add_option("--status-file", status_file,
                 "Write how the command ended as JSON to this new file: {\"status\": ok|exited|ebreak|guest_fault|"
                 "step_limit|bad_input|verify_failed, \"exit_code\": N[, \"guest_exit_code\": N]}");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : exit_code::bad_input;
  }
  const int rc = dispatch([&] {
    if (*run) return cmd_run(run_args, engine, stats);
    if (*witness) return cmd_witness(witness_args, out_path, witness_policy, witness_force, profile_cmd);
    if (auto r = partial_cmds.run()) return *r;
    if (auto r = profile_cmd.run()) return *r;
    if (auto r = trace_cmds.run([](const RunResult& res, std::uint64_t max) { return finish(res, max); })) return *r;
    return 0;
  });
  if (status_file.empty()) return rc;
  std::vector<std::string> inputs = trace_cmds.inputs();
  inputs.insert(inputs.end(), {run_args.elf, run_args.input, witness_args.elf, witness_args.input});
  return dispatch([&] {
    rvtrace_cli::write_status_file(status_file, rc, inputs);
    return rc;
  });
}
