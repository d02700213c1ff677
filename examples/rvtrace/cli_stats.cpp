// See cli_stats.hpp.
#include "cli_stats.hpp"

#include <cstdio>

#include "cli_errors.hpp"
#include "progress.hpp"

namespace rvtrace_cli {

void print_stats(bool json, const nlohmann::json& fields, const std::string& text) {
  end_progress_line();
  std::fflush(stdout);
  if (json) std::fprintf(stderr, "%s\n", fields.dump().c_str());
  else std::fprintf(stderr, "rvtrace: %s\n", text.c_str());
}

std::string add_guest_exit(nlohmann::json& fields, int code) {
  fields["guest_exit_code"] = code;
  const std::string c = exit_code_collision(code);
  if (c.empty()) return "";
  fields["exit_code_collides_with"] = c;
  return "; the guest exited with " + std::to_string(code) + ", which reads as " + c +
         " (--status-file tells them apart)";
}

}  // namespace rvtrace_cli
