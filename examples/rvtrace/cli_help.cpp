// See cli_help.hpp.
#include "cli_help.hpp"

#include <cstdio>

#include "rvtrace/guest/fault.hpp"
#include "rvtrace/version.hpp"
#include "cli_counts.hpp"
#include "cli_errors.hpp"

namespace rvtrace_cli {

namespace {
std::vector<CLI::App*> commands(CLI::App& app) {
  return app.get_subcommands([](CLI::App*) { return true; });
}
std::string command_names(CLI::App& app) {
  std::string names;
  for (CLI::App* c : commands(app)) names += (names.empty() ? "" : ", ") + c->get_name();
  return names;
}
}  // namespace

void HelpCommand::add_to(CLI::App& app) {
  app.set_version_flag("--version", "rvtrace " RVTRACE_VERSION_STRING);
  help_ = app.add_subcommand("help", "Show the help of rvtrace, or of one command (rvtrace help COMMAND)");
  help_->add_option("command", topic, "The command");
  const std::string footer = "\n" + exit_code_help() + "\n" + count_grammar + ".";
  app.footer(footer + "\nSee 'rvtrace help COMMAND' (or rvtrace COMMAND --help) for one command.");
  for (CLI::App* c : commands(app)) c->footer(footer);
  app.require_subcommand(0, 1);
}

std::optional<int> HelpCommand::run(CLI::App& app) {
  if (!app.get_subcommands().empty() && !*help_) return std::nullopt;
  if (!*help_) {  // `rvtrace` alone
    print_error("no command given (" + command_names(app) + "); see 'rvtrace help'");
    return exit_codes::bad_input;
  }
  // The formatter, not App::help(): that shows the help of the parsed subcommand (help itself).
  const auto show = [](CLI::App* cmd, const std::string& name) {
    std::fputs(cmd->get_formatter()->make_help(cmd, name, CLI::AppFormatMode::Normal).c_str(), stdout);
    return exit_codes::ok;
  };
  if (topic.empty()) return show(&app, "rvtrace");
  for (CLI::App* c : commands(app))
    if (c->get_name() == topic) return show(c, "rvtrace " + topic);
  print_error("help: no command '" + topic + "' (" + command_names(app) + ")");
  return exit_codes::bad_input;
}

}  // namespace rvtrace_cli
