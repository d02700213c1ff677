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
#include "rvtrace/platform/zisk/platform.hpp"

namespace rvtrace_cli {

// Reports how a guest run ended and returns the process exit code (main.cpp's finish()).
using Finish = std::function<int(const rvtrace::RunResult&, std::uint64_t max_steps)>;

class TraceCommands {
 public:
  void add_to(CLI::App& app);
  // The exit code of the subcommand that was parsed, or nullopt if none of ours was.
  std::optional<int> run(const Finish& finish);

 private:
  CLI::App *trace_ = nullptr, *replay_ = nullptr, *verify_ = nullptr, *info_ = nullptr;
  // trace
  std::string elf, input, out, engine = "aot", platform = "linux";
  std::vector<std::string> args;
  std::uint64_t max_steps = ~std::uint64_t{0}, chunk_steps = std::uint64_t{1} << 18;
  bool force = false, stats = false, progress = false, outputs = false;
  // replay / verify / info
  std::string trace_path, policy = "digest";
  unsigned threads = 0;

  struct Opened;  // a trace file opened and checked against its ELF (replay, verify)
  int cmd_trace(const Finish& finish);
  int cmd_trace_zisk(const Finish& finish);
  int cmd_replay();
  int cmd_verify();
  int cmd_info();
};

// `witness --policy NAME` for NAME other than text: the policy on a sequential interpreter run,
// written to `out` (stdout when empty or "-").
rvtrace::RunResult witness_policy(rvtrace::guest::Process& proc, const rvtrace::DecodedProgram& code,
                                  const std::string& policy, const std::string& out, std::uint64_t max_steps);

// The same on the zisk platform.
rvtrace::RunResult witness_policy_zisk(rvtrace::platform::Guest<rvtrace::platform::zisk::ZiskPlatform>& proc,
                                       const rvtrace::DecodedProgram& code, const std::string& policy,
                                       const std::string& out, std::uint64_t max_steps);

}  // namespace rvtrace_cli
