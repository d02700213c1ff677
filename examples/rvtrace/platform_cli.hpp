// The platforms the rvtrace CLI knows, by name (--platform NAME; replay and verify take the name
// from the trace file): how a guest command boots its process, and the instruction set its engines
// are instantiated for. A platform type has `name` and `isa`, and may have
//   step_count        a trace policy giving the platform's own step count (run/trace --stats, replay
//                     --policy NAME-steps)
//   finish(p, r, f)   end-of-run outputs (--outputs)
// as platform/zisk/platform.hpp does. Adding a platform to the CLI is one line in with_platform.
#pragma once
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <cstdio>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/fault.hpp"
#include "rvtrace/guest/files.hpp"
#include "rvtrace/guest/process.hpp"
#include "rvtrace/guest/syscalls.hpp"
#include "rvtrace/isa/instruction_set.hpp"
#include "rvtrace/platform/zisk/platform.hpp"

namespace rvtrace_cli {

// The default platform: Linux-user programs (guest/process.hpp's first constructor).
struct LinuxPlatform {
  static constexpr std::string_view name = "linux";
  using isa = rvtrace::isa::Rv64imac;
  static std::optional<int> exit_status(const std::array<std::uint64_t, 32>& x) {
    return rvtrace::guest::linux_exit_status(x);
  }
};

inline constexpr const char* platform_names = "linux, zisk";

// Calls f(std::type_identity<Platform>{}) for the platform called `name`.
template <class F>
decltype(auto) with_platform(std::string_view name, F&& f) {
  if (name == "linux") return f(std::type_identity<LinuxPlatform>{});
  if (name == "zisk") return f(std::type_identity<rvtrace::platform::zisk::ZiskPlatform>{});
  throw rvtrace::InputError("unknown platform '" + std::string(name) + "' (" + platform_names + ")");
}

template <class P>
inline constexpr bool has_outputs = requires { &P::finish; };
template <class P>
inline constexpr bool has_step_count = requires { typename P::step_count; };

// What a guest command starts from.
struct GuestStart {
  std::string platform = "linux", elf, input;  // input: linux stdin (default: ours); zisk: placed in memory
  std::vector<std::string> args;               // after argv[0] = elf
  std::FILE* console = stdout;                 // where a platform's console output goes (zisk: the UART)
};

// The whole of a regular file.
inline std::vector<std::uint8_t> read_file(const std::string& path, const char* what) {
  const int fd = rvtrace::guest::open_regular_file(path, what);
  std::vector<std::uint8_t> bytes;
  std::uint8_t buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      throw rvtrace::InputError(path + ": cannot read the " + what + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    bytes.insert(bytes.end(), buf, buf + n);
  }
  ::close(fd);
  return bytes;
}

template <class P>
rvtrace::guest::Process boot(const GuestStart& g) {
  std::vector<std::string> argv{g.elf};
  argv.insert(argv.end(), g.args.begin(), g.args.end());
  if constexpr (std::is_same_v<P, LinuxPlatform>) {
    rvtrace::guest::Process p(rvtrace::guest::load_elf_file(g.elf), argv);
    if (!g.input.empty()) p.syscalls.set_input_file(g.input);
    if (g.console != stdout) p.syscalls.set_stdout_fd(::fileno(g.console));
    return p;
  } else {
    if (g.input.empty())
      throw rvtrace::InputError("platform '" + std::string(P::name) + "' needs --input FILE (the input it places in memory)");
    return P::boot(rvtrace::guest::load_elf_file(g.elf), argv, read_file(g.input, "input"), g.input, g.console);
  }
}

// Refuses --outputs on a platform without public outputs (before anything runs).
inline void check_outputs_flag(const std::string& platform, bool outputs) {
  if (!outputs) return;
  with_platform(platform, [&](auto p) {
    if constexpr (!has_outputs<typename decltype(p)::type>)
      throw rvtrace::InputError("--outputs: platform '" + platform + "' has no public outputs (zisk has)");
  });
}

// Prints the platform's end-of-run outputs to `out` when asked to.
template <class P>
void print_outputs(const rvtrace::guest::Process& proc, const rvtrace::RunResult& r, bool outputs,
                   std::FILE* out = stdout) {
  if constexpr (has_outputs<P>)
    if (outputs) {
      std::fflush(stdout);
      P::finish(proc, r, out);
    }
}

}  // namespace rvtrace_cli
