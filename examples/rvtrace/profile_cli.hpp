// `rvtrace profile` (a guest profile replayed from a trace) and `witness --policy profile` (the
// same from a sequential run). Kept apart from main.cpp, which only registers and dispatches.
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "rvtrace/guest/process.hpp"
#include "rvtrace/interp/machine.hpp"
#include "rvtrace/interp/program.hpp"
#include "trace_cli.hpp"

namespace rvtrace_cli {

class ProfileCommand {
 public:
  // Adds the `profile` subcommand, and --format/--cost-model/--top to `witness`.
  void add_to(CLI::App& app, CLI::App* witness);
  // The exit code of `profile` if it was parsed, or nullopt.
  std::optional<int> run();
  // `witness --policy profile`: the profile of a sequential run of proc, written to out.
  rvtrace::RunResult witness(rvtrace::guest::Process& proc, const rvtrace::DecodedProgram& code,
                             Output& out, std::uint64_t max_steps, const std::function<void(std::uint64_t)>& on_progress);

 private:
  CLI::App* profile_ = nullptr;
  std::string trace_path, elf, out, format = "text", cost_model;
  std::uint64_t threads = 0, top = 20;
  bool stats = false, force = false, json = false;
};

}  // namespace rvtrace_cli
