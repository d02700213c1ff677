// The rvtrace CLI's `--platform zisk` support: loading a ZisK guest with its input, the ZisK step
// count, the public outputs, and ZisK's own errors as guest faults.
#pragma once
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/fault.hpp"
#include "rvtrace/platform/zisk/platform.hpp"
#include "rvtrace/trace/trace_view.hpp"

namespace rvtrace_cli {

namespace zisk = rvtrace::platform::zisk;
using ZiskGuest = rvtrace::platform::Guest<zisk::ZiskPlatform>;

inline constexpr std::uint64_t zisk_tag = rvtrace::trace::platform_tag(zisk::ZiskPlatform::name);

// Checks a --platform value.
inline bool is_zisk(const std::string& platform) {
  if (platform != "linux" && platform != "zisk")
    throw rvtrace::InputError("unknown platform '" + platform + "' (linux, zisk)");
  return platform == "zisk";
}

inline std::string read_input_file(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path, std::ios::binary);
  if (!in) throw rvtrace::InputError(path + ": cannot open the input file");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A ZisK guest booted with its input file (empty when none): ZisK's map, BIOS state, input region.
inline std::unique_ptr<ZiskGuest> load_zisk(const std::string& elf, const std::string& input_path) {
  std::string input = read_input_file(input_path);
  try {
    return std::make_unique<ZiskGuest>(rvtrace::guest::load_elf_file(elf),
                                       rvtrace::platform::BootArgs{{elf}, std::move(input)});
  } catch (const rvtrace::InputError& e) {
    const std::string what = e.what();
    throw rvtrace::InputError(what.find("zisk input") == 0 && !input_path.empty() ? input_path + ": " + what : what);
  }
}

// `--outputs`: the 64 public outputs after the guest's own output, as `ziskemu -c` prints them.
inline void print_outputs(ZiskGuest& g) {
  std::fflush(stdout);
  zisk::print_public_outputs(g.memory, stdout);
  std::fflush(stdout);
}

inline void print_zisk_steps(std::uint64_t steps) {
  std::fprintf(stderr, "rvtrace: zisk steps: %llu\n", static_cast<unsigned long long>(steps));
}

// What ziskemu would panic on (a bad precompile input, a failed fcall, ...) is a guest fault.
inline int zisk_fault(const zisk::ZiskError& e) {
  std::fflush(stdout);
  std::fprintf(stderr, "rvtrace: guest fault: %s\n", e.what());
  return rvtrace::exit_code::guest_fault;
}

}  // namespace rvtrace_cli
