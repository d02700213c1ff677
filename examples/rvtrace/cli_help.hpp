// The parts of the rvtrace command line that are about the command line itself: --version,
// `rvtrace help [COMMAND]`, the exit-code and count footers of every --help, and what an empty
// command line says.
#pragma once
#include <CLI/CLI.hpp>
#include <optional>

namespace rvtrace_cli {

class HelpCommand {
 public:
  // Call after every other subcommand is added (they all get the footer).
  void add_to(CLI::App& app);
  // The exit code when `help` was parsed, or when no command was given; nullopt otherwise.
  std::optional<int> run(CLI::App& app);

 private:
  CLI::App* help_ = nullptr;
  std::string topic;
};

}  // namespace rvtrace_cli
