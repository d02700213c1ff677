// How every rvtrace command ends: one exit-code table, one error line format ("rvtrace: error: ..."
// on stderr, after ending any progress line), CLI11 parse errors included.
#pragma once
#include <CLI/CLI.hpp>
#include <string>

namespace rvtrace_cli {

// The exit codes of every subcommand (all below 128: a shell reads 128+N as "killed by signal N").
// bad_input, guest_fault and step_limit are rvtrace/guest/fault.hpp's rvtrace::exit_code.
namespace exit_codes {
inline constexpr int ok = 0;
inline constexpr int verify_failed = 1;  // verify: the trace is not a run of the program (FAILED: ...)
inline constexpr int bad_input = 120;    // bad arguments, unreadable/malformed ELF or trace, output refused
inline constexpr int guest_fault = 121;  // the guest faulted (illegal instruction, access out of range, ...)
inline constexpr int step_limit = 122;   // --max-steps or another budget (--max-bytes) ran out
}  // namespace exit_codes

// The table as --help prints it (a footer of every command).
std::string exit_code_help();

// When a guest's own exit code reads as one of rvtrace's (120-122) or as a signal (>= 128), what
// it would be mistaken for; "" otherwise. `run` and `trace` pass the guest's code through.
std::string exit_code_collision(int guest_exit_code);

// Ends the progress line, then prints "rvtrace: error: WHAT" on stderr.
void print_error(const std::string& what);

// Reports a CLI11 parse error (or prints --help/--version) and returns the exit code.
int report_parse_error(CLI::App& app, const CLI::ParseError& e);

}  // namespace rvtrace_cli
