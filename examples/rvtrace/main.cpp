// rvtrace command-line tool: run RISC-V ELF programs, print per-step witnesses.
// Exit codes: the one table of cli_errors.hpp (the guest's own exit code when it exits; 120 bad
// input, 121 guest fault, 122 step limit); `rvtrace --help` prints it.
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
#include "rvtrace/version.hpp"
#include "cli_counts.hpp"
#include "cli_errors.hpp"
#include "cli_help.hpp"
#include "cli_stats.hpp"
#include "partial_cli.hpp"
#include "profile_cli.hpp"
#include "progress.hpp"
#include "target.hpp"
#include "trace_cli.hpp"

namespace {

using namespace rvtrace;

// A guest that never exits (a bare-metal `j .` exit stub, a busy loop) is stopped here by default.
constexpr std::uint64_t default_max_steps = 100'000'000'000;  // 1e11: ~10-20 s with AOT, minutes interpreted

struct GuestArgs {
  std::string elf;
  std::vector<std::string> args;
  std::string input;  // file fed to the guest's stdin (default: our stdin)
  std::uint64_t max_steps = default_max_steps;
  rvtrace_cli::Target target;
  rvtrace_cli::ProgressFlags progress;

  void add_to(CLI::App* cmd) {
    target.add_to(cmd);
    progress.add_to(cmd);
    rvtrace_cli::add_count_option(cmd, "--max-steps", max_steps, "Stop with exit code 122 after this many steps (default 1e11; 0 runs no step and reports the entry pc)");
    cmd->add_option("--input", input, "File the guest reads as its standard input (a regular file)");
    cmd->add_option("program", elf, "RISC-V ELF executable")->required();
    cmd->add_option("args", args, "Arguments passed to the guest (put -- before them when one starts with -)");
  }
  std::uint64_t limit() const { return max_steps; }
  // The process as platform P boots it.
  template <class P>
  guest::Process load() const {
    platform::BootOptions o;
    o.argv = {elf};
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    o.input = input;
    return P::boot(guest::load_elf_file(elf), o);
  }
  template <class P>
  DecodedProgram decode(const guest::Process& proc) const {
    return platform::isa_named<P>(target.isa).decode(proc.program);
  }
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

template <class P>
int cmd_run(const GuestArgs& g, const std::string& engine, bool stats, bool json, bool outputs) {
  using Isa = typename P::engine_isa;
  if (engine != "interp" && engine != "aot") throw InputError("unknown engine '" + engine + "' (aot, interp)");
  if (outputs && !P::has_outputs)
    throw InputError("--outputs: platform " + std::string(P::name) + " has no end-of-run outputs");
  guest::Process proc = g.load<P>();
  const DecodedProgram code = g.decode<P>(proc);
  // run's stderr is the guest's: progress only with --stats (or --progress).
  rvtrace_cli::ProgressLine line(g.progress.on || (stats && g.progress.enabled()), "ran");
  nlohmann::json j{{"command", "run"}, {"engine", engine}, {"platform", P::name}, {"isa", code.isa->name}};
  RunResult r;
  double secs = 0;
  FlatMemory mem(proc.memory, proc.environment());
  if (engine == "aot") {
    const aot::CompiledProgram compiled(code, proc.memory, false, aot::isa_tag<Isa>);
    j["translated"] = {{"slots", code.slots.size()}, {"blocks", compiled.blocks()},
                       {"code_bytes", compiled.code_bytes()}, {"seconds", compiled.translate_seconds()}};
    if (stats && !json)
      std::fprintf(stderr, "rvtrace: translated %zu slots into %zu blocks, %zu bytes of x86 in %.3f s\n",
                   code.slots.size(), compiled.blocks(), compiled.code_bytes(), compiled.translate_seconds());
    isa::CpuState cpu = initial_state(proc);
    std::uint64_t steps = 0;
    aot::AotRunner<FlatMemory, Isa> runner(compiled, mem);
    const auto t0 = std::chrono::steady_clock::now();
    r = rvtrace_cli::run_with_progress(
        line, g.limit(), std::uint64_t{1} << 26, [&](std::uint64_t until) { return runner.run(cpu, steps, until); },
        [&] { return steps; });
    secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  } else {
    NoTrace none;
    Machine<FlatMemory, NoTrace, Isa> m(code, mem, none);
    m.state = initial_state(proc);
    const auto t0 = std::chrono::steady_clock::now();
    r = rvtrace_cli::run_with_progress(
        line, g.limit(), std::uint64_t{1} << 22, [&](std::uint64_t until) { return m.run(until); },
        [&] { return m.steps; });
    secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  line.end();
  P::finish(proc, r, platform::FinishOptions{outputs});
  std::fflush(stdout);
  const int rc = finish(r, g.limit(), &code);
  if (stats) {
    j.update({{"steps", r.steps}, {"seconds", secs}, {"steps_per_second", r.steps / secs}, {"exit_code", rc}});
    const std::string note = r.reason == StopReason::exited ? rvtrace_cli::add_guest_exit(j, r.exit_code) : "";
    char text[160];
    std::snprintf(text, sizeof text, "%llu steps in %.3f s (%.1f M steps/s, engine %s)", (unsigned long long)r.steps,
                  secs, r.steps / secs / 1e6, engine.c_str());
    rvtrace_cli::print_stats(json, j, text + note);
  }
  return rc;
}

int cmd_witness(const GuestArgs& g, const std::string& out_path, const std::string& policy, bool force,
                rvtrace_cli::ProfileCommand& profile) {
  if (g.target.platform != "linux" || !g.target.isa.empty())
    throw InputError("witness runs linux rv64imac programs only; for another platform or ISA, trace it and use replay");
  guest::Process proc = g.load<platform::Linux>();
  const DecodedProgram code = decode_program(proc.program);
  rvtrace_cli::Output out(out_path, force, {g.elf, g.input});
  rvtrace_cli::ProgressLine line(g.progress.enabled(), "witnessed");
  const auto progress = [&line](std::uint64_t steps) { line.update(steps); };
  RunResult r;
  if (policy == "profile") {
    r = profile.witness(proc, code, out, g.limit(), progress);
  } else if (policy != "text") {
    r = rvtrace_cli::witness_policy(proc, code, policy, out, g.limit(), progress);
  } else {
    if (out.f == stdout) proc.syscalls.set_stdout_fd(2);  // keep the witness on stdout clean: guest output goes to stderr
    {
      TextWitness text(out.f);
      FlatMemory mem(proc.memory, proc.syscalls);
      Machine<FlatMemory, TextWitness> m(code, mem, text);
      m.state = initial_state(proc);
      r = rvtrace_cli::run_with_progress(
          line, g.limit(), std::uint64_t{1} << 20, [&](std::uint64_t until) { return m.run(until); },
          [&] { return m.steps; });
    }
    out.close();
  }
  line.done(r.steps);
  return finish(r, g.limit(), &code);
}

// Runs a command; errors become one line on stderr and their documented exit code.
template <class F>
int dispatch(F&& command) {
  auto& st = rvtrace_cli::status();
  try {
    return command();
  } catch (const LimitError& e) {
    rvtrace_cli::print_error(e.what());
    st.kind = "step_limit";
    return exit_code::step_limit;
  } catch (const std::exception& e) {  // InputError and anything else the input caused
    rvtrace_cli::print_error(e.what());
    st.kind = "bad_input";
    return exit_code::bad_input;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rvtrace: run RISC-V (RV64IMAC) programs and trace them", "rvtrace"};
  GuestArgs run_args, witness_args;
  std::string engine = "aot", out_path;
  bool stats = false, json = false;

  auto* run = app.add_subcommand("run", "Run a program; its stdout/stderr pass through, its exit code is ours");
  run->add_option("--engine", engine, "Execution engine: aot (x86_64 translation) or interp")->capture_default_str();
  run->add_flag("--stats", stats, "Print steps and steps/s to stderr (and progress, when stderr is a terminal)");
  run->add_flag("--json", json, "With --stats: print them as one JSON object on stderr");
  bool outputs = false;
  run->add_flag("--outputs", outputs, "Print the platform's end-of-run outputs (zisk: the 64 public outputs)");
  run_args.add_to(run);

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
  rvtrace_cli::HelpCommand help_cmd;  // --version, help [COMMAND], the exit-code footer (cli_help.cpp)
  help_cmd.add_to(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return rvtrace_cli::report_parse_error(app, e);
  }
  if (auto r = help_cmd.run(app)) return *r;
  const int rc = dispatch([&] {
    if (*run)
      return rvtrace_cli::with_platform(run_args.target.platform, [&](auto p) {
        return cmd_run<typename decltype(p)::type>(run_args, engine, stats, json, outputs);
      });
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
