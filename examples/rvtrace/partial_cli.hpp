// Partial results on the rvtrace CLI: `replay --chunks A:B [--save-partial P]` (options added to
// the replay subcommand of trace_cli.cpp) and `merge P1 P2 ... [-o OUT | --save-partial P]`.
#pragma once
#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace rvtrace_cli {

class PartialCommands {
 public:
  // Call after the replay subcommand exists (TraceCommands::add_to).
  void add_to(CLI::App& app);
  // The exit code if `merge`, or `replay` with --chunks or --save-partial, was parsed.
  std::optional<int> run();

 private:
  CLI::App *replay_ = nullptr, *merge_ = nullptr;
  std::string chunks, save_partial, out;
  std::vector<std::string> inputs;
  bool force = false;

  int cmd_replay_range();
  int cmd_merge();
};

}  // namespace rvtrace_cli
