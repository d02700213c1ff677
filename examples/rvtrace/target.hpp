// What the CLI's commands run on: a platform (--platform) and an instruction set (--isa), and the
// dispatch from their names to the platform types that the engines are instantiated for.
// Commands that read a trace take both from its header instead.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <type_traits>

#include "rvtrace/guest/fault.hpp"
#include "rvtrace/platform/platform.hpp"
#include "rvtrace/platform/zisk/platform.hpp"

namespace rvtrace_cli {

struct Target {
  std::string platform = "linux";
  std::string isa;  // "" = the platform's default

  void add_to(CLI::App* cmd) {
    cmd->add_option("--platform", platform, "Platform the guest runs on: linux (default) or zisk (ZisK zkVM guests)")
        ->capture_default_str();
    cmd->add_option("--isa", isa,
                    "Instruction set to decode the program as (linux: rv64imac (default), rv64imac_zba, "
                    "rv64imac_zba_zbb; zisk: zisk)");
  }
};

// Calls f(std::type_identity<P>{}) with the platform type named `name`.
template <class F>
decltype(auto) with_platform(const std::string& name, F&& f) {
  if (name == "linux") return f(std::type_identity<rvtrace::platform::Linux>{});
  if (name == "zisk") return f(std::type_identity<rvtrace::platform::zisk::ZiskPlatform>{});
  throw rvtrace::InputError("unknown platform '" + name + "' (known: linux, zisk)");
}

// A platform's own step count, when it has one (`step_count`: a trace policy with the count of the
// platform's machine, e.g. ZisK steps): run --stats, trace --stats, replay --policy NAME-steps.
template <class P>
inline constexpr bool has_step_count = requires { typename P::step_count; };

template <class P>
std::string step_count_policy() {
  return std::string(P::name) + "-steps";
}

}  // namespace rvtrace_cli
