#pragma once
// The `zisk` platform (docs/platforms.md): ZisK zkVM guests such as ZisK's Ethereum block validator,
// unchanged. A platform type of platform/platform.hpp's concept (the CLI selects it by name); beside
// the concept it has `step_count`, the trace policy of ZisK's own step count. Everything it needs
// lives in this folder.
#include <array>
#include <cstdint>
#include <string_view>

#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/fault.hpp"
#include "rvtrace/guest/process.hpp"
#include "rvtrace/interp/machine.hpp"
#include "rvtrace/platform/platform.hpp"

#include "boot.hpp"
#include "isa.hpp"
#include "outputs.hpp"
#include "step_count.hpp"

namespace rvtrace::platform::zisk {

struct ZiskPlatform {
  static constexpr std::string_view name = "zisk";
  using engine_isa = ZiskIsa;
  static constexpr std::array<IsaChoice, 1> isas = {isa_choice<ZiskIsa>()};
  static constexpr guest::ExitRule exit_rule = &exit_status;
  using step_count = ZiskStepCount<ZiskIsa>;

  // The input file is placed in memory (ABI.md §3); UART bytes go to stdout as the guest writes them.
  static guest::Process boot(guest::Program program, const BootOptions& o) {
    if (o.input.empty()) throw InputError("platform 'zisk' needs --input FILE (the input it places in memory)");
    return zisk::boot(std::move(program), o.argv, read_input_file(o.input), o.input, stdout);
  }
  // The 64 public outputs, as `ziskemu -c` prints them.
  static constexpr bool has_outputs = true;
  static void finish(guest::Process& p, const RunResult&, const FinishOptions& o) {
    if (o.outputs) {
      std::fflush(stdout);
      print_outputs(p.memory, o.out);
    }
  }
};
static_assert(Platform<ZiskPlatform>);

}  // namespace rvtrace::platform::zisk
