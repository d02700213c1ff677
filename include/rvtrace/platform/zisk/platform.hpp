#pragma once
// The `zisk` platform: runs ZisK guest programs (ELFs built for ZisK's zkVM) unchanged, with ZisK's
// memory map, boot state, input placement, UART, public outputs and exit rule (ABI.md §1-§5), and
// the `zisk` instruction set for its precompiles, DMA and fcalls (instructions.hpp). Built only on
// rvtrace's public extension points (platform::Platform, guest::Environment, isa::InstructionSet).
#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/environment.hpp"
#include "rvtrace/guest/fault.hpp"
#include "rvtrace/guest/memory.hpp"
#include "rvtrace/isa/operands.hpp"
#include "rvtrace/platform/platform.hpp"

#include "abi.hpp"
#include "instructions.hpp"
#include "runtime_state.hpp"
#include "step_count.hpp"

namespace rvtrace::platform::zisk {

// ecall with a7 = 93 ends the run. ziskemu ignores a0 and has no exit status: 0.
inline std::optional<int> zisk_exit_rule(const guest::Registers& x) {
  if (x[17] == abi::exit_syscall) return 0;
  return std::nullopt;
}

class ZiskPlatform : public guest::Environment, public ZiskRuntime {
 public:
  using Isa = ZiskIsa;
  static constexpr std::string_view name = "zisk";
  static constexpr std::uint64_t guest_size = abi::ram_addr + abi::ram_size;  // up to the end of RAM
  // Loads below here fault; the input window, ROM and RAM lie above it (the unused gaps between
  // them read as zero: a superset of ZisK, which panics there).
  static constexpr std::uint64_t read_lo = abi::input_addr;
  // Stores go to RAM above the UART byte: the UART is memory-mapped output (mmio), outside the
  // writable window. ZisK's guests never store to the SYS area below it.
  static constexpr std::uint64_t write_lo = abi::uart_addr + 8;

  isa::CpuState boot(const guest::Program& prog, guest::GuestMemory& mem, const BootArgs& args) {
    check_map(prog);
    place_input(mem, args.input);
    for (const guest::Segment& s : prog.segments) {
      mem.zero(s.vaddr, s.memsz);
      if (!s.bytes.empty()) std::memcpy(mem.host(s.vaddr), s.bytes.data(), s.bytes.size());
    }
    mem.set_windows(read_lo, write_lo);
    // what ZisK's BIOS does before jumping to the entry (ABI.md §2)
    mem.write<std::uint64_t>(abi::csr_cell(abi::csr_marchid), abi::marchid_value);
    mem.write<std::uint64_t>(abi::csr_cell(abi::csr_mtvec), abi::mtvec_value);
    isa::CpuState st;
    st.pc = prog.entry;
    st.x[1] = abi::boot_ra;
    st.x[10] = abi::boot_a0;
    st.x[11] = abi::boot_a1;
    fcall_context.input_len = args.input.size();
    return st;
  }

  guest::SyscallResult ecall(guest::Registers& x, guest::GuestMemory&) override {
    if (auto code = zisk_exit_rule(x)) return {true, *code};
    // ZisK returns from any other ecall with ra = pc + 4 (its BIOS); rvtrace's ecall handler does
    // not see the pc, and ZisK's guests make no other ecall: stop with an error instead.
    fail("ecall with a7 = " + std::to_string(x[17]) + " (only a7 = 93, exit, is supported)");
  }
  guest::ExitRule exit_rule() const override { return &zisk_exit_rule; }

  // UART: a byte store to exactly UART_ADDR prints the byte (raw; ziskemu re-encodes bytes >= 0x80
  // as UTF-8). Wider stores there are dropped (ZisK would also store them to RAM; guests make none).
  guest::AddrRange mmio() const override { return {abi::uart_addr, abi::uart_addr + 8}; }
  void mmio_write(std::uint64_t addr, std::uint64_t v, unsigned width) override {
    if (addr == abi::uart_addr && width == 1) std::fputc(static_cast<int>(v & 0xff), uart);
  }

  void finish(const RunResult&, guest::GuestMemory&) { std::fflush(uart); }

  std::FILE* uart = stdout;  // where UART bytes go

 private:
  // ZisK's map has ROM (code, read-only data) from 0x8000_0000 and RAM at 0xa000_0000-0xbfff_ffff;
  // a program with segments elsewhere was not built for ZisK (e.g. a Linux ELF at 0x10000).
  static void check_map(const guest::Program& prog) {
    for (const guest::Segment& s : prog.segments) {
      const bool in_rom = s.vaddr >= abi::rom_addr && s.vaddr + s.memsz <= abi::ram_addr && !s.write;
      const bool in_ram = s.vaddr >= write_lo && s.vaddr + s.memsz <= guest_size;
      if (!in_rom && !in_ram)
        throw InputError(prog.name + " is not a ZisK program: segment [" + hex(s.vaddr) + ", " +
                         hex(s.vaddr + s.memsz) + ") is outside ZisK's ROM (0x80000000-0x9fffffff) and RAM (0xa0000208-0xbfffffff)");
    }
    if (prog.entry < abi::rom_addr || prog.entry >= abi::ram_addr)
      throw InputError(prog.name + " is not a ZisK program: entry " + hex(prog.entry) +
                       " is outside ZisK's ROM");
  }

  // The input file at INPUT_ADDR + 8, after 8 zero bytes (ABI.md §3).
  static void place_input(guest::GuestMemory& mem, const std::string& input) {
    if (input.size() % 8 != 0)
      throw InputError("zisk input of " + std::to_string(input.size()) +
                       " bytes: its size must be a multiple of 8 (ZisK's input is 8-byte records)");
    if (input.size() > abi::max_input_bytes)
      throw InputError("zisk input of " + std::to_string(input.size()) + " bytes is larger than ZisK's " +
                       std::to_string(abi::max_input_bytes) + "-byte input region");
    if (!input.empty()) std::memcpy(mem.host(abi::input_data), input.data(), input.size());
  }
};

// The 64 public outputs (u32 words at OUTPUT_ADDR), as `ziskemu -c` prints them.
inline std::array<std::uint32_t, abi::public_outputs> public_outputs(const guest::GuestMemory& mem) {
  std::array<std::uint32_t, abi::public_outputs> out{};
  for (unsigned i = 0; i < out.size(); ++i) out[i] = mem.read<std::uint32_t>(abi::output_addr + 4 * i);
  return out;
}

inline void print_public_outputs(const guest::GuestMemory& mem, std::FILE* f) {
  for (std::uint32_t v : public_outputs(mem)) std::fprintf(f, "%08x\n", v);
}

}  // namespace rvtrace::platform::zisk
