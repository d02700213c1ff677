#pragma once
// ZisK's guest ABI as data (ABI.md §1-§6, §11): memory map, boot state, input placement, public
// outputs, UART, exit rule, special CSRs and ZisK's step accounting. The platform, the CLI and the
// tests read these; nothing here executes.
#include <cstdint>

#include "fcall_functions.hpp"

namespace rvtrace::platform::zisk::abi {

// --- memory map (§1) ---
inline constexpr std::uint64_t rom_entry = 0x1000;            // BIOS (fetch only; rvtrace does not run it)
inline constexpr std::uint64_t input_addr = zisk_input_addr;  // 8 zero bytes (free-input word), then the file
inline constexpr std::uint64_t input_data = input_addr + 8;
inline constexpr std::uint64_t input_window = zisk_input_window;  // 1 GiB, reads past the file return 0
inline constexpr std::uint64_t max_input_bytes = 134217728 - 8;   // ziskemu's default --max-input-mem - 8
inline constexpr std::uint64_t rom_addr = 0x8000'0000;            // .text (fetch only), then read-only data
inline constexpr std::uint64_t ram_addr = 0xa000'0000;
inline constexpr std::uint64_t ram_size = 0x2000'0000;  // 512 MiB, zero-initialised
inline constexpr std::uint64_t output_addr = 0xa001'0000;
inline constexpr unsigned public_outputs = 64;       // u32 words at output_addr (ZISK_PUBLICS)
inline constexpr std::uint64_t uart_addr = 0xa000'0200;  // a 1-byte store here prints the byte
inline constexpr std::uint64_t extra_params_addr = 0xa000'0f00;  // memcpy/memcmp count (add form)
inline constexpr std::uint64_t dma_progress_addr = 0xa000'0f08;  // rvtrace's own: bytes a long DMA op has done
inline constexpr std::uint64_t csr_file = 0xa000'8000;  // CSR c lives in the 8 bytes at csr_file + 8 c

// --- CSRs with meaning (§6) ---
inline constexpr std::uint32_t csr_marchid = 0xF12;
inline constexpr std::uint64_t marchid_value = 0x0FFF'EEEE;  // the guest checks this to know it is on ZisK
inline constexpr std::uint32_t csr_mtvec = 0x305;
inline constexpr std::uint64_t mtvec_value = 0x105c;  // BIOS trap handler
inline constexpr std::uint32_t csr_cycle = 0xC00;      // `unimp` = csrrw x0, cycle, x0: a no-op that stores 0 here
inline constexpr std::uint32_t csr_fcall_param_first = 0x8F0, csr_fcall_param_last = 0x8FF;
inline constexpr std::uint32_t csr_fcall_call_first = 0x8C0, csr_fcall_call_last = 0x8DF;
inline constexpr std::uint32_t csr_fcall_get = 0xFFE;
inline constexpr std::uint32_t csr_precompile_first = 0x800, csr_precompile_last = 0x81B;

constexpr std::uint64_t csr_cell(std::uint32_t csr) { return csr_file + 8ull * csr; }

// --- boot (§2): the state at the first guest instruction, as the BIOS leaves it ---
inline constexpr std::uint64_t boot_ra = 0x101c;  // BIOS exit sequence
inline constexpr std::uint64_t boot_a0 = input_addr;
inline constexpr std::uint64_t boot_a1 = output_addr;

// --- exit (§5): ecall with a7 = 93 ends the run (a0 is ignored by ziskemu); any other ecall sets
// ra = pc + 4 and returns to ra (the BIOS "eq; ret"), a no-op that clobbers ra ---
inline constexpr std::uint64_t exit_syscall = 93;

// --- steps (§11): ZisK steps = retired RISC-V instructions + 180 + the per-instruction deltas ---
inline constexpr std::uint64_t steps_before_entry = 6;  // BIOS steps before _start
inline constexpr std::uint64_t steps_after_exit = 174;  // BIOS exit sequence after the ecall, with `end`

// Extra ZisK steps of one instruction beyond the 1 rvtrace counts (ABI.md §11 table; precompiles,
// fcall ops, csrr, unimp, fence, ebreak: 0). The fused DMA forms are negative: their companion
// instruction is consumed by the same ZisK step.
namespace delta {
inline constexpr int amo_arith = 2, amo_arith_rd_overlap = 3;  // rd in {rs1, rs2}
inline constexpr int amoswap = 1, amoswap_rd_overlap = 2;
inline constexpr int sc_rd_nonzero = 1;
inline constexpr int jalr_imm_not_multiple_of_4 = 1;
inline constexpr int ecall_not_exit = 2;
inline constexpr int fused_companion = -1;  // memset, inputcpy, memcpy/memcmp addi form, profile
inline constexpr int memset_constant_form = -2;
}  // namespace delta

}  // namespace rvtrace::platform::zisk::abi
