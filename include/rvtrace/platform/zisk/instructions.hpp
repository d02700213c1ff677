#pragma once
// ZisK's instructions beyond RV64IMA (ABI.md §6-§10), as instruction types of the `zisk` set: the
// CSR forms the transpiler gives a meaning. Each precompile, DMA op and fcall op is a host call
// (handlers.hpp); marchid and `unimp` are plain CSR-cell accesses in the op vocabulary.
// None overlaps an RV64IMAC encoding (the instruction set checks it): the base set's only CSR
// instructions are the counter reads `csrrs rd, 0xC00-0xC02, x0`.
#include <string_view>

#include "rvtrace/isa/formats.hpp"
#include "rvtrace/isa/host_call.hpp"

#include "abi.hpp"
#include "csr_formats.hpp"
#include "handlers.hpp"

namespace rvtrace::platform::zisk {

// Mnemonics of ZisK's CSRs 0x800-0x819, by CSR number (ABI.md §8, §9).
constexpr std::string_view precompile_mnemonic(std::uint32_t number) {
  constexpr std::string_view names[] = {
      "zisk.keccakf",          "zisk.arith256",        "zisk.arith256_mod",    "zisk.secp256k1_add",
      "zisk.secp256k1_dbl",    "zisk.sha256f",         "zisk.bn254_curve_add", "zisk.bn254_curve_dbl",
      "zisk.bn254_complex_add", "zisk.bn254_complex_sub", "zisk.bn254_complex_mul", "zisk.arith384_mod",
      "zisk.bls12_381_curve_add", "zisk.bls12_381_curve_dbl", "zisk.bls12_381_complex_add",
      "zisk.bls12_381_complex_sub", "zisk.bls12_381_complex_mul", "zisk.add256", "zisk.poseidon2",
      "zisk.memcpy", "zisk.memcmp", "zisk.inputcpy", "zisk.memset", "zisk.secp256r1_add",
      "zisk.secp256r1_dbl", "zisk.blake2b_round"};
  return names[number - csr::keccakf];
}

// A precompile: csrrs x0, Csr, rs1, a host call of handlers::Precompile<Csr> (RVTRACE_HOST_INSN's
// shape, for a family of CSR numbers).
template <std::uint32_t Csr>
struct Precompile : CsrSetX0Type<Csr> {
  static constexpr std::string_view name = precompile_mnemonic(Csr);
  static constexpr std::uint64_t max_log_words = isa::handler_log_words<handlers::Precompile<Csr>>();
  template <class M>
  static constexpr void exec(M& m, const isa::Operands& o) {
    m.host_call(handlers::Precompile<Csr>{}, o);
  }
};

RVTRACE_HOST_INSN(Add256, CsrSetType, csr::add256, precompile_mnemonic(csr::add256), handlers::Add256);
RVTRACE_HOST_INSN(Memcpy, CsrSetX0Type, csr::dma_memcpy, precompile_mnemonic(csr::dma_memcpy), handlers::Memcpy);
RVTRACE_HOST_INSN(Memcmp, CsrSetX0Type, csr::dma_memcmp, precompile_mnemonic(csr::dma_memcmp), handlers::Memcmp);
RVTRACE_HOST_INSN(Inputcpy, CsrSetX0Type, csr::dma_inputcpy, precompile_mnemonic(csr::dma_inputcpy), handlers::Inputcpy);
RVTRACE_HOST_INSN(Memset, CsrSetX0Type, csr::dma_memset, precompile_mnemonic(csr::dma_memset), handlers::Memset);
RVTRACE_HOST_INSN(FcallParam, CsrSetX0RangeType, abi::csr_fcall_param_first, "zisk.fcall_param", handlers::FcallParam);
RVTRACE_HOST_INSN(FcallCall, CsrWriteImmRangeType, abi::csr_fcall_call_first, "zisk.fcall", handlers::FcallCall);
RVTRACE_HOST_INSN(FcallGet, isa::CounterReadType, abi::csr_fcall_get, "zisk.fcall_get", handlers::FcallGet);

// csrr rd, marchid: the CSR cell, which boot sets to 0x0FFF_EEEE (ZisK's BIOS does).
struct ReadMarchid : isa::CounterReadType<abi::csr_marchid> {
  static constexpr std::string_view name = "zisk.csrr_marchid";
  template <class M>
  static constexpr void exec(M& m, const isa::Operands& o) {
    m.set_x(o.rd, m.load(m.imm(static_cast<std::int64_t>(abi::csr_cell(abi::csr_marchid))), 8, false));
  }
};

// unimp = csrrw x0, cycle, x0: not illegal in ZisK, a CSR write of 0 to the cycle cell (§5).
struct Unimp : isa::FixedType<abi::csr_cycle << 20 | csr_field::csrrw | csr_field::system> {
  static constexpr std::string_view name = "zisk.unimp";
  template <class M>
  static constexpr void exec(M& m, const isa::Operands&) {
    m.store(m.imm(static_cast<std::int64_t>(abi::csr_cell(abi::csr_cycle))), m.x(0), 8);
  }
};

// Every ZisK instruction, in id order after the base set's, as the arguments of Set
// (isa::InstructionSet for the zisk set).
template <template <class...> class Set>
using WithZiskInstructions =
    Set<Precompile<csr::keccakf>, Precompile<csr::arith256>, Precompile<csr::arith256_mod>,
        Precompile<csr::secp256k1_add>, Precompile<csr::secp256k1_dbl>, Precompile<csr::sha256f>,
        Precompile<csr::bn254_curve_add>, Precompile<csr::bn254_curve_dbl>, Precompile<csr::bn254_complex_add>,
        Precompile<csr::bn254_complex_sub>, Precompile<csr::bn254_complex_mul>, Precompile<csr::arith384_mod>,
        Precompile<csr::bls12_381_curve_add>, Precompile<csr::bls12_381_curve_dbl>,
        Precompile<csr::bls12_381_complex_add>, Precompile<csr::bls12_381_complex_sub>,
        Precompile<csr::bls12_381_complex_mul>, Add256, Precompile<csr::secp256r1_add>,
        Precompile<csr::secp256r1_dbl>, Precompile<csr::blake2b_round>, Memcpy, Memcmp, Inputcpy, Memset,
        FcallParam, FcallCall, FcallGet, ReadMarchid, Unimp>;

}  // namespace rvtrace::platform::zisk
