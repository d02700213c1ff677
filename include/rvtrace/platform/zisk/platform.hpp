#pragma once
// The `zisk` platform (docs/platforms.md): ZisK zkVM guests such as ZisK's Ethereum block validator,
// unchanged. A platform type as the CLI and library users select it by name: its instruction set,
// boot, exit rule and end-of-run outputs; everything it needs lives in this folder.
#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/process.hpp"
#include "rvtrace/interp/machine.hpp"

#include "boot.hpp"
#include "isa.hpp"
#include "outputs.hpp"
#include "step_count.hpp"

namespace rvtrace::platform::zisk {

struct ZiskPlatform {
  static constexpr std::string_view name = "zisk";
  using isa = ZiskIsa;
  using step_count = ZiskStepCount<ZiskIsa>;  // ZisK's own step count, as a trace policy

  // The input is placed in memory (ABI.md §3); UART bytes go to `uart` as the guest writes them.
  static guest::Process boot(guest::Program program, std::span<const std::string> args,
                             std::span<const std::uint8_t> input, const std::string& input_name = "input",
                             std::FILE* uart = stdout) {
    return zisk::boot(std::move(program), args, input, input_name, uart);
  }
  static std::optional<int> exit_status(const std::array<std::uint64_t, 32>& x) { return zisk::exit_status(x); }
  // The 64 public outputs, as `ziskemu -c` prints them.
  static void finish(const guest::Process& p, const RunResult&, std::FILE* out) { print_outputs(p.memory, out); }
};

}  // namespace rvtrace::platform::zisk
