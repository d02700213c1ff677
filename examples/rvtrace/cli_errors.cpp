// See cli_errors.hpp.
#include "cli_errors.hpp"

#include <cstdio>

#include "rvtrace/guest/fault.hpp"
#include "progress.hpp"

namespace rvtrace_cli {

static_assert(exit_codes::bad_input == rvtrace::exit_code::bad_input &&
              exit_codes::guest_fault == rvtrace::exit_code::guest_fault &&
              exit_codes::step_limit == rvtrace::exit_code::step_limit);

std::string exit_code_help() {
  return "Exit codes (every command):\n"
         "  0    success; run and trace: the guest exited with 0\n"
         "  N    run, trace: the guest's own exit code N (1-255); --stats and --status-file say when N\n"
         "       is one of the codes below\n"
         "  1    verify: the trace is not a run of the program (FAILED: the first failing check)\n"
         "  120  bad input: arguments, an unreadable or malformed ELF/trace/input file, an output refused\n"
         "  121  the guest faulted (illegal instruction, access out of range, ...)\n"
         "  122  a budget ran out: --max-steps, --max-bytes\n"
         "  130  (as a shell shows it) ended by SIGINT; 143: SIGTERM; temporary files are removed first\n"
         "Errors are one line on stderr: \"rvtrace: error: ...\", naming the file or option.";
}

std::string exit_code_collision(int code) {
  switch (code) {
    case exit_codes::bad_input: return "rvtrace's bad-input code";
    case exit_codes::guest_fault: return "rvtrace's guest-fault code";
    case exit_codes::step_limit: return "rvtrace's step-limit code";
    default: return code >= 128 ? "a process killed by signal " + std::to_string(code - 128) : "";
  }
}

void print_error(const std::string& what) {
  end_progress_line();
  std::fflush(stdout);
  std::fprintf(stderr, "rvtrace: error: %s\n", what.c_str());
}

namespace {
// The subcommand the error is about (the last one parsed), for the hint.
std::string command_of(CLI::App& app) {
  std::string name;
  for (CLI::App* sub = &app; sub;) {
    const auto parsed = sub->get_subcommands();
    if (parsed.empty()) break;
    sub = parsed.front();
    name = sub->get_name();
  }
  return name;
}
}  // namespace

int report_parse_error(CLI::App& app, const CLI::ParseError& e) {
  if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version: printed to stdout
  const std::string cmd = command_of(app);
  std::string what = e.what();
  if (what.find("not expected") != std::string::npos && (cmd == "run" || cmd == "trace" || cmd == "witness" || cmd == "verify"))
    what += " (guest arguments that start with '-' go after --: rvtrace " + cmd + " PROGRAM -- ARGS)";
  print_error((cmd.empty() ? "" : cmd + ": ") + what + "; see 'rvtrace help" + (cmd.empty() ? "" : " " + cmd) + "'");
  return exit_codes::bad_input;
}

}  // namespace rvtrace_cli
