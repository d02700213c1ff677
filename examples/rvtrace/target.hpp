// What the CLI's commands run on: a platform (--platform) and an instruction set (--isa), and the
// dispatch from their names to the platform types that the engines are instantiated for.
// Commands that read a trace take both from its header instead.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <type_traits>

#include "rvtrace/guest/fault.hpp"
#include "rvtrace/platform/platform.hpp"

namespace rvtrace_cli {

struct Target {
  std::string platform = "linux";
  std::string isa;  // "" = the platform's default

  void add_to(CLI::App* cmd) {
    cmd->add_option("--platform", platform, "Platform the guest runs on: linux (default)")->capture_default_str();
    cmd->add_option("--isa", isa,
                    "Instruction set to decode the program as (linux: rv64imac (default), rv64imac_zba, "
                    "rv64imac_zba_zbb)");
  }
};

// Calls f(std::type_identity<P>{}) with the platform type named `name`.
template <class F>
decltype(auto) with_platform(const std::string& name, F&& f) {
  if (name == "linux") return f(std::type_identity<rvtrace::platform::Linux>{});
  throw rvtrace::InputError("unknown platform '" + name + "' (known: linux)");
}

}  // namespace rvtrace_cli
