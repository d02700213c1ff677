// What --stats prints (on stderr: stdout is the guest's or the policy's): one line of text, or
// with --json one JSON object on one line. And the rule that makes a guest's exit code that reads
// as one of rvtrace's own visible there.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace rvtrace_cli {

// Ends the progress line, then prints `text` ("rvtrace: " first) or `fields` as JSON on stderr.
void print_stats(bool json, const nlohmann::json& fields, const std::string& text);

// Adds "guest_exit_code" and, when it collides with an rvtrace code (cli_errors.hpp),
// "exit_code_collides_with"; returns the text that says so ("" when it does not collide).
std::string add_guest_exit(nlohmann::json& fields, int guest_exit_code);

}  // namespace rvtrace_cli
