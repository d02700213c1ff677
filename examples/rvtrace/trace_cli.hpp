// The trace subcommands of the rvtrace CLI (trace, replay, verify, info) and the trace policies of
// `witness --policy`. Kept apart from main.cpp, which only registers and dispatches them.
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rvtrace/guest/process.hpp"
#include "rvtrace/interp/machine.hpp"
#include "rvtrace/interp/program.hpp"
#include "rvtrace/trace/file.hpp"
#include "rvtrace/trace/replay.hpp"
#include "rvtrace/trace/trace_view.hpp"
#include "cli_counts.hpp"
#include "progress.hpp"
#include "target.hpp"

namespace rvtrace_cli {

// What --status-file reports: how the command ended (set where that is decided).
struct Status {
  std::string kind = "ok";  // ok, exited, ebreak, guest_fault, step_limit, bad_input, verify_failed
  int guest_exit_code = -1;  // when kind == "exited"
};
Status& status();
// Writes the status JSON to `path` (the file rule: no overwrite, not over an input).
void write_status_file(const std::string& path, int exit_code, const std::vector<std::string>& inputs);

// A file the command writes (-o), or stdout for "" or "-": output_file.hpp's rule.
struct Output {
  std::FILE* f = stdout;
  std::string path;
  Output(const std::string& p, bool overwrite, const std::vector<std::string>& inputs);
  // Flushes, checks for write errors, and gives a file its final name.
  void close();
  ~Output();

 private:
  struct File;
  File* file_ = nullptr;
};

// Reports how a guest run ended and returns the process exit code (main.cpp's finish()).
using Finish = std::function<int(const rvtrace::RunResult&, std::uint64_t max_steps)>;

class TraceCommands {
 public:
  void add_to(CLI::App& app);
  // The exit code of the subcommand that was parsed, or nullopt if none of ours was.
  std::optional<int> run(const Finish& finish);
  // The files the parsed subcommand reads (outputs must not be one of them).
  std::vector<std::string> inputs() const { return {elf, input, trace_path}; }

 private:
  CLI::App *trace_ = nullptr, *replay_ = nullptr, *verify_ = nullptr, *info_ = nullptr;
  // trace
  std::string elf, input, out, engine = "aot";
  std::vector<std::string> args;
  std::uint64_t max_steps = rvtrace::trace::default_step_budget, chunk_steps = std::uint64_t{1} << 18;
  std::uint64_t max_bytes = rvtrace::trace::default_max_trace_bytes;
  bool force = false, stats = false, json = false;
  ProgressFlags progress;
  Target target;  // trace: --platform, --isa (replay and verify read them from the trace)
  // replay / verify / info
  std::string trace_path, policy = "digest";
  std::uint64_t threads = 0;

  struct Opened;  // a trace file opened and checked against its ELF (replay, verify)
  int cmd_trace(const Finish& finish);
  void print_trace_stats(const rvtrace::RunResult& r, double secs, std::uint64_t bytes, int exit_code) const;
  int cmd_replay();
  int cmd_verify();
  int cmd_info();
  template <class P>
  int trace_on(const Finish& finish);
  template <class P>
  void verify_on(const rvtrace::trace::TraceFile& file, const rvtrace::guest::Program& program, int input_fd,
                 const rvtrace::trace::ReplayOptions& opt);
};

// `witness --policy NAME` for NAME other than text: the policy on a sequential interpreter run,
// written to `out` (stdout when empty or "-").
rvtrace::RunResult witness_policy(rvtrace::guest::Process& proc, const rvtrace::DecodedProgram& code,
                                  const std::string& policy, Output& out, std::uint64_t max_steps,
                                  const std::function<void(std::uint64_t)>& on_progress = {});

}  // namespace rvtrace_cli
