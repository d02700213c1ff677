#pragma once
// ZisK's CSR precompiles 0x800-0x819 (ABI.md §8) as functions over their parameter blocks:
// `csrrs x0, CSR, rs1` with rs1 = the 8-aligned block address. Every word goes through the
// GuestWords object, so an engine's memory policy sees each access. Errors are ZiskError.
#include <array>
#include <cstdint>
#include <optional>

#include "blake2b.hpp"
#include "curves.hpp"
#include "guest_words.hpp"
#include "keccak.hpp"
#include "sha256.hpp"

namespace rvtrace::platform::zisk {

namespace csr {
inline constexpr std::uint32_t keccakf = 0x800, arith256 = 0x801, arith256_mod = 0x802, secp256k1_add = 0x803,
                               secp256k1_dbl = 0x804, sha256f = 0x805, bn254_curve_add = 0x806,
                               bn254_curve_dbl = 0x807, bn254_complex_add = 0x808, bn254_complex_sub = 0x809,
                               bn254_complex_mul = 0x80A, arith384_mod = 0x80B, bls12_381_curve_add = 0x80C,
                               bls12_381_curve_dbl = 0x80D, bls12_381_complex_add = 0x80E,
                               bls12_381_complex_sub = 0x80F, bls12_381_complex_mul = 0x810, add256 = 0x811,
                               poseidon2 = 0x812, dma_memcpy = 0x813, dma_memcmp = 0x814, dma_inputcpy = 0x815,
                               dma_memset = 0x816, secp256r1_add = 0x817, secp256r1_dbl = 0x818, blake2b_round = 0x819,
                               profile = 0x81A, poseidon1 = 0x81B;
}  // namespace csr

namespace detail {

template <std::size_t N, GuestWords M>
Limbs<N> load_limbs(M& m, std::uint64_t addr) {
  Limbs<N> l;
  read_words(m, addr, std::span<std::uint64_t>(l));
  return l;
}

template <std::size_t N, GuestWords M>
Wide load_wide(M& m, std::uint64_t addr) {
  Limbs<N> l = load_limbs<N>(m, addr);
  return from_limbs<Wide>(l);
}

template <std::size_t N, GuestWords M>
void store_wide(M& m, std::uint64_t addr, const Wide& v) {
  Limbs<N> l = to_limbs<N>(v);
  write_words(m, addr, std::span<const std::uint64_t>(l));
}

// A point at addr: x limbs then y limbs, N limbs each.
template <std::size_t N, GuestWords M>
Affine load_point(M& m, const Curve& c, std::uint64_t addr, const char* op) {
  return {curve_coordinate(c, load_wide<N>(m, addr), op), curve_coordinate(c, load_wide<N>(m, addr + 8 * N), op)};
}

template <std::size_t N, GuestWords M>
void store_point(M& m, std::uint64_t addr, const Affine& p) {
  store_wide<N>(m, addr, p.x);
  store_wide<N>(m, addr + 8 * N, p.y);
}

// {&p1 (in/out), &p2}: p1 <- p1 + p2
template <std::size_t N, GuestWords M>
void curve_add_block(M& m, const Curve& c, std::uint64_t block, const char* op) {
  std::uint64_t p1 = block_pointer(m, block, 0, op), p2 = block_pointer(m, block, 1, op);
  Affine p = load_point<N>(m, c, p1, op), q = load_point<N>(m, c, p2, op);
  store_point<N>(m, p1, curve_add(c, p, q, op));
}

// block = the point itself, in/out
template <std::size_t N, GuestWords M>
void curve_dbl_block(M& m, const Curve& c, std::uint64_t block, const char* op) {
  store_point<N>(m, block, curve_dbl(c, load_point<N>(m, c, block, op), op));
}

enum class Fp2Op { add, sub, mul };

// {&f1 (in/out), &f2}; both operands must be canonical (arkworks panics otherwise).
template <std::size_t N, GuestWords M>
void complex_block(M& m, const Curve& c, Fp2Op kind, std::uint64_t block, const char* op) {
  std::uint64_t p1 = block_pointer(m, block, 0, op), p2 = block_pointer(m, block, 1, op);
  Affine a = load_point<N>(m, c, p1, op), b = load_point<N>(m, c, p2, op);  // (re, im) like (x, y)
  QuadraticField f2{c.fp};
  Fp2 x{a.x, a.y}, y{b.x, b.y};
  Fp2 r = kind == Fp2Op::add ? f2.add(x, y) : kind == Fp2Op::sub ? f2.sub(x, y) : f2.mul(x, y);
  store_point<N>(m, p1, {r.re, r.im});
}

// {&a, &b, &c, &m, &d}: d = (a b + c) mod m on integers; m = 0 panics in ZisK.
template <std::size_t N, GuestWords M>
void arith_mod_block(M& m, std::uint64_t block, const char* op) {
  std::uint64_t pa = block_pointer(m, block, 0, op), pb = block_pointer(m, block, 1, op),
                pc = block_pointer(m, block, 2, op), pm = block_pointer(m, block, 3, op),
                pd = block_pointer(m, block, 4, op);
  Wide a = load_wide<N>(m, pa), b = load_wide<N>(m, pb), c = load_wide<N>(m, pc), mod_ = load_wide<N>(m, pm);
  if (mod_ == 0) fail(std::string(op) + ": modulus is zero");
  store_wide<N>(m, pd, (a * b + c) % mod_);
}

// {&a, &b, &c, &dl, &dh}: a b + c = dh 2^256 + dl
template <GuestWords M>
void arith256_block(M& m, std::uint64_t block) {
  const char* op = "arith256";
  std::uint64_t pa = block_pointer(m, block, 0, op), pb = block_pointer(m, block, 1, op),
                pc = block_pointer(m, block, 2, op), pdl = block_pointer(m, block, 3, op),
                pdh = block_pointer(m, block, 4, op);
  Limbs<8> r = mul_add_limbs<4>(load_limbs<4>(m, pa), load_limbs<4>(m, pb), load_limbs<4>(m, pc));
  write_words(m, pdl, std::span<const std::uint64_t>(r.data(), 4));
  write_words(m, pdh, std::span<const std::uint64_t>(r.data() + 4, 4));
}

// {&a, &b, cin, &c}: c = a + b + (cin == 1); returns the carry out (the value rd gets).
template <GuestWords M>
std::uint64_t add256_block(M& m, std::uint64_t block) {
  const char* op = "add256";
  std::uint64_t pa = block_pointer(m, block, 0, op), pb = block_pointer(m, block, 1, op);
  std::uint64_t cin = m.load(block + 16, 8);
  std::uint64_t pc = block_pointer(m, block, 3, op);
  Limbs<4> sum;
  std::uint64_t carry = add_limbs<4>(load_limbs<4>(m, pa), load_limbs<4>(m, pb), cin == 1 ? 1 : 0, sum);
  write_words(m, pc, std::span<const std::uint64_t>(sum));
  return carry;
}

template <GuestWords M>
void keccakf_block(M& m, std::uint64_t state) {
  std::array<std::uint64_t, 25> a;
  read_words(m, state, std::span<std::uint64_t>(a));
  keccak_f1600(a);
  write_words(m, state, std::span<const std::uint64_t>(a));
}

// {&state, &block}: state = H0..H7 as native little-endian u32s; block = 64 bytes in stream order.
template <GuestWords M>
void sha256f_block(M& m, std::uint64_t block) {
  const char* op = "sha256f";
  std::uint64_t ps = block_pointer(m, block, 0, op), pb = block_pointer(m, block, 1, op);
  std::array<std::uint64_t, 4> sw;
  std::array<std::uint64_t, 8> bw;
  read_words(m, ps, std::span<std::uint64_t>(sw));
  read_words(m, pb, std::span<std::uint64_t>(bw));
  std::array<std::uint32_t, 8> h;
  for (int i = 0; i < 8; ++i) h[i] = static_cast<std::uint32_t>(sw[i / 2] >> (32 * (i % 2)));
  std::array<std::uint8_t, 64> bytes;
  for (int i = 0; i < 64; ++i) bytes[i] = static_cast<std::uint8_t>(bw[i / 8] >> (8 * (i % 8)));
  sha256_compress(h, bytes);
  for (int i = 0; i < 4; ++i) sw[i] = h[2 * i] | std::uint64_t(h[2 * i + 1]) << 32;
  write_words(m, ps, std::span<const std::uint64_t>(sw));
}

// {round index, &v (16 words, in/out), &m (16 words)}
template <GuestWords M>
void blake2b_block(M& m, std::uint64_t block) {
  const char* op = "blake2b_round";
  std::uint64_t index = m.load(block, 8);
  std::uint64_t pv = block_pointer(m, block, 1, op), pm = block_pointer(m, block, 2, op);
  std::array<std::uint64_t, 16> v, msg;
  read_words(m, pv, std::span<std::uint64_t>(v));
  read_words(m, pm, std::span<std::uint64_t>(msg));
  blake2b_round(index, v, msg);
  write_words(m, pv, std::span<const std::uint64_t>(v));
}

}  // namespace detail

// Is `number` one of the block precompiles below (not DMA, fcall or profile)?
constexpr bool is_block_precompile(std::uint32_t number) {
  return (number >= csr::keccakf && number <= csr::add256) || number == csr::secp256r1_add ||
         number == csr::secp256r1_dbl || number == csr::blake2b_round;
}

// Runs precompile `number` on the block at `block`; returns the value rd gets (add256 only).
template <GuestWords M>
std::optional<std::uint64_t> run_precompile(std::uint32_t number, std::uint64_t block, M& m) {
  using namespace detail;
  require_aligned(block, "precompile", "parameter block");
  switch (number) {
    case csr::keccakf: keccakf_block(m, block); return {};
    case csr::arith256: arith256_block(m, block); return {};
    case csr::arith256_mod: arith_mod_block<4>(m, block, "arith256_mod"); return {};
    case csr::secp256k1_add: curve_add_block<4>(m, secp256k1(), block, "secp256k1_add"); return {};
    case csr::secp256k1_dbl: curve_dbl_block<4>(m, secp256k1(), block, "secp256k1_dbl"); return {};
    case csr::sha256f: sha256f_block(m, block); return {};
    case csr::bn254_curve_add: curve_add_block<4>(m, bn254(), block, "bn254_curve_add"); return {};
    case csr::bn254_curve_dbl: curve_dbl_block<4>(m, bn254(), block, "bn254_curve_dbl"); return {};
    case csr::bn254_complex_add: complex_block<4>(m, bn254(), Fp2Op::add, block, "bn254_complex_add"); return {};
    case csr::bn254_complex_sub: complex_block<4>(m, bn254(), Fp2Op::sub, block, "bn254_complex_sub"); return {};
    case csr::bn254_complex_mul: complex_block<4>(m, bn254(), Fp2Op::mul, block, "bn254_complex_mul"); return {};
    case csr::arith384_mod: arith_mod_block<6>(m, block, "arith384_mod"); return {};
    case csr::bls12_381_curve_add: curve_add_block<6>(m, bls12_381(), block, "bls12_381_curve_add"); return {};
    case csr::bls12_381_curve_dbl: curve_dbl_block<6>(m, bls12_381(), block, "bls12_381_curve_dbl"); return {};
    case csr::bls12_381_complex_add:
      complex_block<6>(m, bls12_381(), Fp2Op::add, block, "bls12_381_complex_add");
      return {};
    case csr::bls12_381_complex_sub:
      complex_block<6>(m, bls12_381(), Fp2Op::sub, block, "bls12_381_complex_sub");
      return {};
    case csr::bls12_381_complex_mul:
      complex_block<6>(m, bls12_381(), Fp2Op::mul, block, "bls12_381_complex_mul");
      return {};
    case csr::add256: return add256_block(m, block);
    case csr::secp256r1_add: curve_add_block<4>(m, secp256r1(), block, "secp256r1_add"); return {};
    case csr::secp256r1_dbl: curve_dbl_block<4>(m, secp256r1(), block, "secp256r1_dbl"); return {};
    case csr::blake2b_round: blake2b_block(m, block); return {};
    default: fail("precompile CSR " + hex64(number) + " is not supported (poseidon is not used by ZisK's guests)");
  }
}

}  // namespace rvtrace::platform::zisk
