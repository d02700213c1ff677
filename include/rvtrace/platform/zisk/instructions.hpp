#pragma once
// ZisK's CSR-encoded instructions as instruction types of the `zisk` instruction set (ABI.md §6):
// each is one host call (handlers.hpp). The encodings are the ones ZisK's transpiler gives meaning
// to; other CSR accesses stay illegal (ZisK's guests make none besides these).
#include <cstdint>
#include <string_view>

#include "rvtrace/isa/insn.hpp"
#include "rvtrace/isa/instruction_set.hpp"

#include "handlers.hpp"

namespace rvtrace::platform::zisk {

namespace format {
using isa::Operands;

constexpr std::uint32_t system_word(std::uint32_t csr, unsigned funct3) { return csr << 20 | funct3 << 12 | 0x73; }

// `csrrs x0, Csr, rs1`: a precompile or DMA op on the block/address in rs1.
template <std::uint32_t Csr>
struct CsrSet {
  static constexpr std::uint32_t match = system_word(Csr, 2), mask = 0xfff07fff;
  static constexpr Operands decode(std::uint32_t w) { return {0, std::uint8_t((w >> 15) & 31), 0, 4, 0}; }
  static constexpr std::uint32_t encode(unsigned rs1) { return match | isa::field::reg(rs1) << 15; }
};

// `csrrs rd, Csr, rs1` with any rd (add256).
template <std::uint32_t Csr>
struct CsrSetRd {
  static constexpr std::uint32_t match = system_word(Csr, 2), mask = 0xfff0707f;
  static constexpr Operands decode(std::uint32_t w) {
    return {std::uint8_t((w >> 7) & 31), std::uint8_t((w >> 15) & 31), 0, 4, 0};
  }
  static constexpr std::uint32_t encode(unsigned rd, unsigned rs1) {
    return match | isa::field::reg(rd) << 7 | isa::field::reg(rs1) << 15;
  }
};

// `csrrs x0, 0x8F0 + k, rs1`: imm = k.
template <std::uint32_t = 0>
struct FcallPushType {
  static constexpr std::uint32_t match = system_word(0x8F0, 2), mask = 0xff007fff;
  static constexpr Operands decode(std::uint32_t w) {
    return {0, std::uint8_t((w >> 15) & 31), 0, 4, static_cast<std::int32_t>((w >> 20) & 15)};
  }
  static constexpr std::uint32_t encode(unsigned k, unsigned rs1) {
    return match | (k & 15) << 20 | isa::field::reg(rs1) << 15;
  }
};

// `csrrwi x0, 0x8C0 + (id >> 5), id & 31`: imm = id.
template <std::uint32_t = 0>
struct FcallCallType {
  static constexpr std::uint32_t match = system_word(0x8C0, 5), mask = 0xfe007fff;
  static constexpr Operands decode(std::uint32_t w) {
    return {0, 0, 0, 4, static_cast<std::int32_t>(((w >> 20) & 31) << 5 | ((w >> 15) & 31))};
  }
  static constexpr std::uint32_t encode(unsigned id) { return match | (id >> 5 & 31) << 20 | (id & 31) << 15; }
};

// `csrrs rd, Csr, x0` (= csrr rd, Csr).
template <std::uint32_t Csr>
using CsrRead = isa::CounterReadType<Csr>;

}  // namespace format

using isa::Operands;  // RVTRACE_HOST_INSN names it unqualified

#define RVTRACE_ZISK_PRECOMPILE(Type, Csr, mnemonic) \
  RVTRACE_HOST_INSN(Type, format::CsrSet, Csr, mnemonic, PrecompileCall<Csr>)

RVTRACE_ZISK_PRECOMPILE(Keccakf, csr::keccakf, "zisk.keccakf");
RVTRACE_ZISK_PRECOMPILE(Arith256, csr::arith256, "zisk.arith256");
RVTRACE_ZISK_PRECOMPILE(Arith256Mod, csr::arith256_mod, "zisk.arith256_mod");
RVTRACE_ZISK_PRECOMPILE(Secp256k1Add, csr::secp256k1_add, "zisk.secp256k1_add");
RVTRACE_ZISK_PRECOMPILE(Secp256k1Dbl, csr::secp256k1_dbl, "zisk.secp256k1_dbl");
RVTRACE_ZISK_PRECOMPILE(Sha256f, csr::sha256f, "zisk.sha256f");
RVTRACE_ZISK_PRECOMPILE(Bn254CurveAdd, csr::bn254_curve_add, "zisk.bn254_curve_add");
RVTRACE_ZISK_PRECOMPILE(Bn254CurveDbl, csr::bn254_curve_dbl, "zisk.bn254_curve_dbl");
RVTRACE_ZISK_PRECOMPILE(Bn254ComplexAdd, csr::bn254_complex_add, "zisk.bn254_complex_add");
RVTRACE_ZISK_PRECOMPILE(Bn254ComplexSub, csr::bn254_complex_sub, "zisk.bn254_complex_sub");
RVTRACE_ZISK_PRECOMPILE(Bn254ComplexMul, csr::bn254_complex_mul, "zisk.bn254_complex_mul");
RVTRACE_ZISK_PRECOMPILE(Arith384Mod, csr::arith384_mod, "zisk.arith384_mod");
RVTRACE_ZISK_PRECOMPILE(Bls12381CurveAdd, csr::bls12_381_curve_add, "zisk.bls12_381_curve_add");
RVTRACE_ZISK_PRECOMPILE(Bls12381CurveDbl, csr::bls12_381_curve_dbl, "zisk.bls12_381_curve_dbl");
RVTRACE_ZISK_PRECOMPILE(Bls12381ComplexAdd, csr::bls12_381_complex_add, "zisk.bls12_381_complex_add");
RVTRACE_ZISK_PRECOMPILE(Bls12381ComplexSub, csr::bls12_381_complex_sub, "zisk.bls12_381_complex_sub");
RVTRACE_ZISK_PRECOMPILE(Bls12381ComplexMul, csr::bls12_381_complex_mul, "zisk.bls12_381_complex_mul");
RVTRACE_ZISK_PRECOMPILE(Secp256r1Add, csr::secp256r1_add, "zisk.secp256r1_add");
RVTRACE_ZISK_PRECOMPILE(Secp256r1Dbl, csr::secp256r1_dbl, "zisk.secp256r1_dbl");
RVTRACE_ZISK_PRECOMPILE(Blake2bRound, csr::blake2b_round, "zisk.blake2b_round");
#undef RVTRACE_ZISK_PRECOMPILE

RVTRACE_HOST_INSN(Add256, format::CsrSetRd, csr::add256, "zisk.add256", Add256OrCsr);

// A DMA op consumes its companion instruction (pc + 8 next) once its last piece is done; until
// then it runs again (the progress cell is non-zero), so no step logs more than one piece.
template <std::uint32_t Csr, class Handler>
struct Dma : format::CsrSet<Csr> {
  static constexpr std::string_view name = Handler::name;
  static constexpr std::size_t max_log_words = 3 + Handler::max_log_words;
  template <class M>
  static constexpr void exec(M& m, const isa::Operands& o) {
    m.host_call(Handler{}, o);
    auto pending = m.ne(m.load(m.imm(static_cast<std::int64_t>(abi::dma_progress_addr)), 8, false), m.imm(0));
    m.jump(m.select(pending, [&] { return m.pc_plus(0); }, [&] { return m.pc_plus(8); }));
  }
};
using DmaMemcpy = Dma<csr::dma_memcpy, DmaCopyCompare<csr::dma_memcpy>>;
using DmaMemcmp = Dma<csr::dma_memcmp, DmaCopyCompare<csr::dma_memcmp>>;
using DmaInputcpyInsn = Dma<csr::dma_inputcpy, DmaInputcpy>;
using DmaMemsetInsn = Dma<csr::dma_memset, DmaMemset>;

RVTRACE_HOST_INSN(FcallPushInsn, format::FcallPushType, 0, "zisk.fcall_push", FcallPush);
RVTRACE_HOST_INSN(FcallCallInsn, format::FcallCallType, 0, "zisk.fcall", FcallCall);
RVTRACE_HOST_INSN(FcallGetInsn, format::CsrRead, abi::csr_fcall_get, "zisk.fcall_get", FcallGet);
RVTRACE_HOST_INSN(Marchid, format::CsrRead, abi::csr_marchid, "zisk.marchid", CsrCellRead<abi::csr_marchid>);

struct UnimpInsn : isa::FixedType<0xc0001073, 0xffffffff> {
  static constexpr std::string_view name = "zisk.unimp";
  static constexpr std::size_t max_log_words = 2 + Unimp::max_log_words;
  template <class M>
  static constexpr void exec(M& m, const isa::Operands& o) {
    m.host_call(Unimp{}, o);
  }
};

// The `zisk` instruction set: RV64IMAC plus ZisK's CSR-encoded operations.
struct ZiskIsa
    : isa::InstructionSet<Keccakf, Arith256, Arith256Mod, Secp256k1Add, Secp256k1Dbl, Sha256f, Bn254CurveAdd,
                          Bn254CurveDbl, Bn254ComplexAdd, Bn254ComplexSub, Bn254ComplexMul, Arith384Mod,
                          Bls12381CurveAdd, Bls12381CurveDbl, Bls12381ComplexAdd, Bls12381ComplexSub,
                          Bls12381ComplexMul, Secp256r1Add, Secp256r1Dbl, Blake2bRound, Add256, DmaMemcpy, DmaMemcmp,
                          DmaInputcpyInsn, DmaMemsetInsn, FcallPushInsn, FcallCallInsn, FcallGetInsn, Marchid,
                          UnimpInsn> {
  static constexpr std::string_view name = "zisk";
};

}  // namespace rvtrace::platform::zisk
