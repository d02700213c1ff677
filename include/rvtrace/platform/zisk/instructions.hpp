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
// Mnemonics of the block precompiles, by CSR number (ABI.md §8).
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

// An instruction whose exec is one host call of Handler.
template <class Format, class Handler, const std::string_view& Name>
struct HostInsn : Format {
  static constexpr std::string_view name = Name;
  static constexpr std::uint64_t max_log_words = isa::handler_log_words<Handler>();
  template <class M>
  static constexpr void exec(M& m, const isa::Operands& o) {
    m.host_call(Handler{}, o);
  }
};

template <std::uint32_t Csr>
inline constexpr std::string_view precompile_name = precompile_mnemonic(Csr);
template <std::uint32_t Csr>
using Precompile = HostInsn<CsrSetX0Type<Csr>, handlers::Precompile<Csr>, precompile_name<Csr>>;

inline constexpr std::string_view fcall_param_name = "zisk.fcall_param", fcall_call_name = "zisk.fcall",
                                  fcall_get_name = "zisk.fcall_get";

using Add256 = HostInsn<CsrSetType<csr::add256>, handlers::Add256, precompile_name<csr::add256>>;
using Memcpy = HostInsn<CsrSetX0Type<csr::dma_memcpy>, handlers::Memcpy, precompile_name<csr::dma_memcpy>>;
using Memcmp = HostInsn<CsrSetX0Type<csr::dma_memcmp>, handlers::Memcmp, precompile_name<csr::dma_memcmp>>;
using Inputcpy = HostInsn<CsrSetX0Type<csr::dma_inputcpy>, handlers::Inputcpy, precompile_name<csr::dma_inputcpy>>;
using Memset = HostInsn<CsrSetX0Type<csr::dma_memset>, handlers::Memset, precompile_name<csr::dma_memset>>;
using FcallParam = HostInsn<CsrSetX0RangeType<abi::csr_fcall_param_first>, handlers::FcallParam, fcall_param_name>;
using FcallCall = HostInsn<CsrWriteImmRangeType<abi::csr_fcall_call_first>, handlers::FcallCall, fcall_call_name>;
using FcallGet = HostInsn<isa::CounterReadType<abi::csr_fcall_get>, handlers::FcallGet, fcall_get_name>;

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
