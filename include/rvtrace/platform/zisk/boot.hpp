#pragma once
// The zisk platform's run-time side (ABI.md §1-§5): the memory map and permissions, the image and
// the input in memory, the registers and CSR cells ZisK's BIOS leaves at the entry, the UART, and
// the exit rule. platform.hpp names it; the engines see a guest::Process like any other.
//
// Memory (one reserved range [0, 0xc000_0000)):
//   readable [0x4000_0000, 0xc000_0000): the input window (8 zero bytes, then the file), ROM (the
//     program's read-only segments at 0x8000_0000, code included) and RAM. ZisK makes code
//     fetch-only and faults on the gaps between the regions; rvtrace reads code and zeros there.
//   writable [0xa000_0208, 0xc000_0000): RAM above the UART word.
//   MMIO [0xa000_0000, 0xa000_0208): the bottom of ZisK's SYS area; stores there land as in RAM and
//     go through on_mmio_store, which prints a 1-byte store to the UART address (0xa000_0200).
// The program is loaded from its PT_LOAD segments, which for a ZisK ELF are its allocated sections
// (ZisK loads sections); a segment outside ROM and RAM means the ELF was not built for ZisK.
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/environment.hpp"
#include "rvtrace/guest/fault.hpp"
#include "rvtrace/guest/files.hpp"
#include "rvtrace/guest/loader.hpp"
#include "rvtrace/guest/memory.hpp"
#include "rvtrace/guest/process.hpp"
#include "rvtrace/interp/machine.hpp"

#include "abi.hpp"
#include "state.hpp"

namespace rvtrace::platform::zisk {

inline constexpr std::uint64_t guest_size = abi::ram_addr + abi::ram_size;  // 3 GiB, reserved lazily
inline constexpr std::uint64_t rom_end = abi::ram_addr;
inline constexpr std::uint64_t mmio_lo = abi::ram_addr, mmio_hi = abi::uart_addr + 8;

// The exit rule (§5): ecall with a7 = 93 ends the run; ZisK has no exit status (a0 is ignored).
inline std::optional<int> exit_status(const std::array<std::uint64_t, 32>& x) {
  if (x[17] == abi::exit_syscall) return 0;
  return std::nullopt;
}

// What a ZisK run keeps: the fcall state (handlers.hpp), the UART, ecalls.
class ZiskEnvironment final : public guest::Environment, public ZiskState {
 public:
  explicit ZiskEnvironment(std::FILE* uart, std::uint64_t input_len) : uart_(uart) { context.input_len = input_len; }

  // Only exit means anything. ZisK's BIOS returns from any other ecall with ra <- pc + 4, which an
  // ecall may not do here (its only register result is a0); no ZisK guest makes one, so it stops
  // the run as a failed host call does.
  guest::SyscallResult ecall(std::array<std::uint64_t, 32>& x, guest::GuestMemory&) override {
    if (const std::optional<int> status = exit_status(x)) return {true, *status};
    throw HostCallError("zisk: ecall with a7 = " + std::to_string(x[17]) +
                        ": ZisK guests make only the exit ecall (a7 = 93)");
  }
  // A byte store to the UART address prints the byte, raw (ziskemu re-encodes bytes >= 0x80 as UTF-8).
  void on_mmio_store(std::uint64_t addr, std::uint64_t value, unsigned width, guest::GuestMemory&) override {
    if (addr == abi::uart_addr && width == 1 && uart_) std::fputc(static_cast<int>(value & 0xff), uart_);
  }

 private:
  std::FILE* uart_;
};

// Refuses a program that is not laid out for ZisK: read-only segments (code included) in ROM
// [0x8000_0000, 0xa000_0000), writable ones in RAM, the entry in code.
inline void check_zisk_program(const guest::Program& p) {
  for (const guest::Segment& s : p.segments) {
    const std::uint64_t lo = s.write ? abi::ram_addr : abi::rom_addr, hi = s.write ? guest_size : rom_end;
    if (!guest::range_within(s.vaddr, s.memsz, lo, hi))
      throw rvtrace::InputError(p.name + ": not a ZisK program: " + (s.write ? "writable" : "read-only") +
                              " segment [" + hex64(s.vaddr) + ", " + hex64(s.vaddr + s.memsz) + ") is outside ZisK's " +
                              (s.write ? "RAM [" : "ROM [") + hex64(lo) + ", " + hex64(hi) + ")");
  }
}

// Refuses an input ziskemu refuses (§1, §3).
inline void check_zisk_input(std::uint64_t bytes, const std::string& name) {
  if (bytes % 8)
    throw rvtrace::InputError(name + ": input size " + std::to_string(bytes) +
                            " bytes is not a multiple of 8 (ZisK inputs are records padded to 8 bytes)");
  if (bytes > abi::max_input_bytes)
    throw rvtrace::InputError(name + ": input of " + std::to_string(bytes) + " bytes is larger than ZisK's input region (" +
                            std::to_string(abi::max_input_bytes) + " bytes)");
}

// The input file's bytes, refused before reading when it is larger than ZisK's input region.
inline std::vector<std::uint8_t> read_input_file(const std::string& path) {
  struct stat st;
  const int fd = guest::open_regular_file(path, "input", st);
  std::vector<std::uint8_t> bytes;
  try {
    check_zisk_input(static_cast<std::uint64_t>(st.st_size), path);
    bytes.resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw rvtrace::InputError(path + ": cannot read the input: " + std::strerror(errno));
      if (n == 0) break;
      done += static_cast<std::size_t>(n);
    }
    bytes.resize(done);  // (the file may have shrunk meanwhile: boot checks what was read)
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return bytes;
}

// The registers at the first guest instruction, as the BIOS leaves them (§2): ra = the BIOS exit
// sequence, a0 = the input, a1 = the public outputs; the rest 0 (the guest sets sp and gp).
inline std::array<std::uint64_t, 32> boot_registers() {
  std::array<std::uint64_t, 32> x{};
  x[1] = abi::boot_ra, x[10] = abi::boot_a0, x[11] = abi::boot_a1;
  return x;
}

// The process ZisK would start: image, input, CSR cells, registers, environment.
inline guest::Process boot(guest::Program program, std::span<const std::string> args,
                           std::span<const std::uint8_t> input, const std::string& input_name = "input",
                           std::FILE* uart = stdout) {
  check_zisk_program(program);
  check_zisk_input(input.size(), input_name);
  guest::GuestMemory mem(guest_size);
  const guest::LoadedImage image = guest::map_program(program, mem);
  mem.set_windows(abi::input_addr, mmio_hi);
  mem.set_mmio(mmio_lo, mmio_hi);
  std::copy(input.begin(), input.end(), mem.host(abi::input_data));
  mem.write<std::uint64_t>(abi::csr_cell(abi::csr_marchid), abi::marchid_value);
  mem.write<std::uint64_t>(abi::csr_cell(abi::csr_mtvec), abi::mtvec_value);
  auto env = std::make_unique<ZiskEnvironment>(uart, input.size());
  guest::Process p(std::move(program), std::move(mem), image, std::move(env), boot_registers(), "zisk", &exit_status,
                   args);
  p.input_fixed = true;
  p.input_hash = guest::fnv1a64(input);
  p.input_bytes = input.size();
  return p;
}

}  // namespace rvtrace::platform::zisk
