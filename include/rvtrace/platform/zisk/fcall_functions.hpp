#pragma once
// The 23 fcall advice functions (ABI.md §10): deterministic answers the guest then checks with
// precompiles (inverses, square roots, GLV split, divisions, bit decompositions). Parameters and
// results are u64 words; values are little-endian limb groups. The exact choices (root parity,
// non-residue fallbacks, padding) are ZisK's, because the guest uses the values it is given.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "curves.hpp"

namespace rvtrace::platform::zisk {

namespace fcall_id {
inline constexpr std::uint32_t secp256k1_fp_inv = 1, secp256k1_fn_inv = 2, secp256k1_fp_sqrt = 3,
                               secp256k1_glv_decompose = 4, secp256r1_fn_inv = 5, bn254_fp_inv = 6,
                               bn254_fp2_inv = 7, bn254_twist_add_line_coeffs = 8, bn254_twist_dbl_line_coeffs = 9,
                               bls12_381_fp_inv = 10, bls12_381_fp_sqrt = 11, bls12_381_fp2_inv = 12,
                               bls12_381_fp2_sqrt = 13, bls12_381_twist_add_line_coeffs = 14,
                               bls12_381_twist_dbl_line_coeffs = 15, bin_decomp = 16, msb_pos_256 = 17,
                               msb_pos_384 = 18, uint256_div = 19, uint256_inv = 20, uint256_inv_mod = 21,
                               bigint_div = 22, input_ready = 23;
}

// What an fcall may need to know about the run besides its parameters.
struct FcallContext {
  std::uint64_t input_len = 0;  // bytes of the input file (INPUT_READY's bounds check)
};

inline constexpr std::uint64_t zisk_input_addr = 0x4000'0000;
inline constexpr std::uint64_t zisk_input_window = 0x4000'0000;  // 1 GiB (MAX_INPUT_SIZE)

namespace detail {

// Reads the parameter list front to back, failing with the fcall's name when it runs short.
class Params {
 public:
  Params(std::uint32_t id, std::span<const std::uint64_t> p) : id_(id), p_(p) {}
  std::uint64_t word() {
    need(1);
    return p_[pos_++];
  }
  template <class Int = Wide>
  Int value(std::size_t limbs) {
    need(limbs);
    Int v = from_limbs<Int>(p_.subspan(pos_, limbs));
    pos_ += limbs;
    return v;
  }
  Fp2 fp2(std::size_t limbs) {
    Wide re = value(limbs);
    return {re, value(limbs)};
  }
  void skip_to(std::size_t pos) {
    need(pos > pos_ ? pos - pos_ : 0);
    pos_ = pos;
  }

 private:
  void need(std::size_t n) const {
    if (pos_ + n > p_.size())
      fail("fcall " + std::to_string(id_) + ": needs more than the " + std::to_string(p_.size()) + " parameters pushed");
  }
  std::uint32_t id_;
  std::span<const std::uint64_t> p_;
  std::size_t pos_ = 0;
};

template <class Int = Wide>
void put(std::vector<std::uint64_t>& out, const Int& v, std::size_t limbs) {
  std::size_t at = out.size();
  out.resize(at + limbs);
  to_limbs<Int>(v, std::span<std::uint64_t>(out.data() + at, limbs));
}

inline void put(std::vector<std::uint64_t>& out, const Fp2& v, std::size_t limbs) {
  put(out, v.re, limbs);
  put(out, v.im, limbs);
}

inline std::vector<std::uint64_t> field_inverse(const Wide& a, const Wide& m, std::size_t limbs, const char* op) {
  auto inv = inverse(a, m);
  if (!inv) fail(std::string(op) + ": no inverse of " + a.str(0, std::ios::hex) + " exists");
  std::vector<std::uint64_t> out;
  put(out, *inv, limbs);
  return out;
}

// secp256k1 (p = 3 mod 4): r0 = a^((p+1)/4); root with the requested parity, or the root of 3a.
inline std::vector<std::uint64_t> secp256k1_sqrt(Params& in) {
  const PrimeField& f = secp256k1().fp;
  Wide a = f.reduce(in.value(4));
  std::uint64_t parity = in.word();
  Wide e = (f.p + 1) / 4;
  Wide r = f.pow(a, e);
  std::vector<std::uint64_t> out;
  if (f.mul(r, r) == a) {
    if (static_cast<std::uint64_t>(r & 1) != parity) r = f.neg(r);
    out.push_back(1);
  } else {
    r = f.pow(f.mul(3, a), e);
    out.push_back(0);
  }
  put(out, r, 4);
  return out;
}

// c = round(num / n) with halves rounded up, for num >= 0.
inline Wide rounded_div(const Wide& num, const Wide& n) { return (2 * num + n) / (2 * n); }

inline std::vector<std::uint64_t> secp256k1_glv(Params& in) {
  const Wide n = secp256k1().order;
  static const Wide a1("0x3086d221a7d46bcde86c90e49284eb15"), minus_b1("0xe4437ed6010e88286f547fa90abfe4c3"),
      a2("0x114ca50f7a8e2f3f657c1108d9d44cfd8"), b2 = a1;
  Wide k = in.value(4) % n;
  Wide c1 = rounded_div(b2 * k, n), c2 = rounded_div(minus_b1 * k, n);
  Wide k1 = k - c1 * a1 - c2 * a2;
  Wide k2 = c1 * minus_b1 - c2 * b2;
  std::vector<std::uint64_t> out;
  put(out, Wide(abs(k1)), 4);
  put(out, Wide(abs(k2)), 4);
  out.push_back(k1 < 0);
  out.push_back(k2 < 0);
  return out;
}

inline std::vector<std::uint64_t> fp2_inverse(const Curve& c, std::size_t limbs, Params& in, const char* op) {
  QuadraticField f2{c.fp};
  std::vector<std::uint64_t> out;
  put(out, f2.inv(f2.reduce(in.fp2(limbs)), op), limbs);
  return out;
}

// Line through two twist points: lambda = (y2 - y1)/(x2 - x1), mu = y1 - lambda x1.
inline std::vector<std::uint64_t> twist_add_line(const Curve& c, std::size_t limbs, Params& in, const char* op) {
  QuadraticField f2{c.fp};
  Fp2 x1 = f2.reduce(in.fp2(limbs)), y1 = f2.reduce(in.fp2(limbs)), x2 = f2.reduce(in.fp2(limbs)),
      y2 = f2.reduce(in.fp2(limbs));
  Fp2 lambda = f2.mul(f2.sub(y2, y1), f2.inv(f2.sub(x2, x1), op));
  std::vector<std::uint64_t> out;
  put(out, lambda, limbs);
  put(out, f2.sub(y1, f2.mul(lambda, x1)), limbs);
  return out;
}

// Tangent at a twist point (a = 0): lambda = 3x^2/(2y), mu = y - lambda x.
inline std::vector<std::uint64_t> twist_dbl_line(const Curve& c, std::size_t limbs, Params& in, const char* op) {
  QuadraticField f2{c.fp};
  Fp2 x = f2.reduce(in.fp2(limbs)), y = f2.reduce(in.fp2(limbs));
  Fp2 lambda = f2.mul(f2.scale(f2.mul(x, x), 3), f2.inv(f2.scale(y, 2), op));
  std::vector<std::uint64_t> out;
  put(out, lambda, limbs);
  put(out, f2.sub(y, f2.mul(lambda, x)), limbs);
  return out;
}

// BLS12-381 Fp (p = 3 mod 4): r = a^((p+1)/4) if it is a root, else the root of 2a (2 is a non-residue).
inline std::vector<std::uint64_t> bls_fp_sqrt(Params& in) {
  const PrimeField& f = bls12_381().fp;
  Wide a = f.reduce(in.value(6));
  Wide e = (f.p + 1) / 4;
  Wide r = f.pow(a, e);
  std::vector<std::uint64_t> out;
  bool is_qr = f.mul(r, r) == a;
  out.push_back(is_qr);
  put(out, is_qr ? r : f.pow(f.mul(2, a), e), 6);
  return out;
}

// Algorithm 9 of eprint 2012/685 (p = 3 mod 4); false when a has no square root in Fp2.
inline bool fp2_sqrt_alg9(const QuadraticField& f2, const Fp2& a, Fp2& root) {
  const PrimeField& f = f2.f;
  const Fp2 minus_one{f.p - 1, 0};
  Fp2 a1 = f2.pow(a, (f.p - 3) / 4);
  Fp2 alpha = f2.mul(f2.mul(a1, a1), a);
  Fp2 a0 = f2.mul(f2.conj(alpha), alpha);
  if (a0 == minus_one) return false;
  Fp2 x0 = f2.mul(a1, a);
  if (alpha == minus_one) {
    root = f2.mul(Fp2{0, 1}, x0);
  } else {
    Fp2 b = f2.pow(f2.add(Fp2{1, 0}, alpha), (f.p - 1) / 2);
    root = f2.mul(b, x0);
  }
  return true;
}

inline std::vector<std::uint64_t> bls_fp2_sqrt(Params& in) {
  QuadraticField f2{bls12_381().fp};
  Fp2 a = f2.reduce(in.fp2(6));
  Fp2 root{0, 0};
  std::vector<std::uint64_t> out;
  if (fp2_sqrt_alg9(f2, a, root)) {
    out.push_back(1);
  } else {
    fp2_sqrt_alg9(f2, f2.mul(a, Fp2{1, 1}), root);  // a (1 + i) is a square when a is not
    out.push_back(0);
  }
  put(out, root, 6);
  return out;
}

// [nbits, bits MSB first from the highest set bit]; x = 0 gives [1, 0].
inline std::vector<std::uint64_t> bin_decomp(Params& in) {
  std::uint64_t len = in.word();
  BigInt x = in.value<BigInt>(len);
  std::vector<std::uint64_t> out;
  if (x == 0) return {1, 0};
  std::size_t nbits = msb(x) + 1;
  out.push_back(nbits);
  for (std::size_t i = nbits; i-- > 0;) out.push_back(bit_test(x, static_cast<unsigned>(i)) ? 1 : 0);
  return out;
}

inline unsigned log2_floor(std::uint64_t v) { return 63 - static_cast<unsigned>(__builtin_clzll(v)); }

// [limb, bit]: the highest limb where any of the values is non-zero, and the top bit of their max there.
inline std::vector<std::uint64_t> msb_pos(const std::vector<std::vector<std::uint64_t>>& values, std::size_t limbs,
                                          const char* op) {
  for (std::size_t l = limbs; l-- > 0;) {
    std::uint64_t top = 0;
    for (const auto& v : values) top = std::max(top, v[l]);
    if (top != 0) return {l, log2_floor(top)};
  }
  fail(std::string(op) + ": all values are zero");
}

inline std::vector<std::uint64_t> msb_pos_256(Params& in) {
  std::uint64_t n = in.word();
  std::vector<std::vector<std::uint64_t>> values;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::vector<std::uint64_t> v(4);
    for (auto& w : v) w = in.word();
    values.push_back(std::move(v));
  }
  return msb_pos(values, 4, "fcall msb_pos_256");
}

inline std::vector<std::uint64_t> msb_pos_384(Params& in) {
  std::vector<std::vector<std::uint64_t>> values(2, std::vector<std::uint64_t>(6));
  for (auto& w : values[0]) w = in.word();
  in.skip_to(8);
  for (auto& w : values[1]) w = in.word();
  return msb_pos(values, 6, "fcall msb_pos_384");
}

inline std::vector<std::uint64_t> uint256_div(Params& in) {
  Wide a = in.value(4), b = in.value(4);
  if (b == 0) fail("fcall uint256_div: division by zero");
  std::vector<std::uint64_t> out;
  put(out, Wide(a / b), 4);
  put(out, Wide(a % b), 4);
  return out;
}

inline std::vector<std::uint64_t> flagged_inverse(const Wide& a, const Wide& m) {
  auto inv = inverse(a, m);
  std::vector<std::uint64_t> out{inv ? 1u : 0u};
  put(out, inv ? *inv : Wide(0), 4);
  return out;
}

// Pads a quotient or remainder to a multiple of 4 limbs, at least 4: [len, limbs...].
inline void put_padded(std::vector<std::uint64_t>& out, const BigInt& v) {
  std::vector<std::uint64_t> l = big_limbs(v);
  std::size_t len = std::max<std::size_t>(4, (l.size() + 3) / 4 * 4);
  l.resize(len, 0);
  out.push_back(len);
  out.insert(out.end(), l.begin(), l.end());
}

inline std::vector<std::uint64_t> bigint_div(Params& in) {
  std::uint64_t len_a = in.word();
  BigInt a = in.value<BigInt>(len_a);
  std::uint64_t len_b = in.word();
  BigInt b = in.value<BigInt>(len_b);
  if (b == 0) fail("fcall bigint_div: division by zero");
  std::vector<std::uint64_t> out;
  put_padded(out, a / b);
  put_padded(out, a % b);
  return out;
}

inline std::vector<std::uint64_t> input_ready(Params& in, const FcallContext& ctx) {
  std::uint64_t a = in.word();
  bool in_window = a >= zisk_input_addr && a < zisk_input_addr + zisk_input_window - 1;
  if (!in_window || a - zisk_input_addr + 1 > 8 + ctx.input_len)  // the 8 header bytes are always there
    fail("fcall input_ready: address " + hex64(a) + " is beyond the " + std::to_string(ctx.input_len) +
         "-byte input");
  return {};
}

}  // namespace detail

// Runs fcall `id` on the pushed parameters; returns its result words.
inline std::vector<std::uint64_t> compute_fcall(std::uint32_t id, std::span<const std::uint64_t> params,
                                                const FcallContext& ctx) {
  using namespace detail;
  Params in(id, params);
  const Curve &k1 = secp256k1(), &r1 = secp256r1(), &bn = bn254(), &bls = bls12_381();
  switch (id) {
    case fcall_id::secp256k1_fp_inv: return field_inverse(in.value(4), k1.fp.p, 4, "fcall secp256k1_fp_inv");
    case fcall_id::secp256k1_fn_inv: return field_inverse(in.value(4), k1.order, 4, "fcall secp256k1_fn_inv");
    case fcall_id::secp256k1_fp_sqrt: return secp256k1_sqrt(in);
    case fcall_id::secp256k1_glv_decompose: return secp256k1_glv(in);
    case fcall_id::secp256r1_fn_inv: return field_inverse(in.value(4), r1.order, 4, "fcall secp256r1_fn_inv");
    case fcall_id::bn254_fp_inv: return field_inverse(in.value(4), bn.fp.p, 4, "fcall bn254_fp_inv");
    case fcall_id::bn254_fp2_inv: return fp2_inverse(bn, 4, in, "fcall bn254_fp2_inv");
    case fcall_id::bn254_twist_add_line_coeffs: return twist_add_line(bn, 4, in, "fcall bn254_twist_add_line_coeffs");
    case fcall_id::bn254_twist_dbl_line_coeffs: return twist_dbl_line(bn, 4, in, "fcall bn254_twist_dbl_line_coeffs");
    case fcall_id::bls12_381_fp_inv: return field_inverse(in.value(6), bls.fp.p, 6, "fcall bls12_381_fp_inv");
    case fcall_id::bls12_381_fp_sqrt: return bls_fp_sqrt(in);
    case fcall_id::bls12_381_fp2_inv: return fp2_inverse(bls, 6, in, "fcall bls12_381_fp2_inv");
    case fcall_id::bls12_381_fp2_sqrt: return bls_fp2_sqrt(in);
    case fcall_id::bls12_381_twist_add_line_coeffs:
      return twist_add_line(bls, 6, in, "fcall bls12_381_twist_add_line_coeffs");
    case fcall_id::bls12_381_twist_dbl_line_coeffs:
      return twist_dbl_line(bls, 6, in, "fcall bls12_381_twist_dbl_line_coeffs");
    case fcall_id::bin_decomp: return bin_decomp(in);
    case fcall_id::msb_pos_256: return msb_pos_256(in);
    case fcall_id::msb_pos_384: return msb_pos_384(in);
    case fcall_id::uint256_div: return uint256_div(in);
    case fcall_id::uint256_inv: return flagged_inverse(in.value(4), Wide(1) << 256);
    case fcall_id::uint256_inv_mod: {
      Wide a = in.value(4), m = in.value(4);
      if (m == 0) fail("fcall uint256_inv_mod: modulus is zero");
      return flagged_inverse(a, m);
    }
    case fcall_id::bigint_div: return bigint_div(in);
    case fcall_id::input_ready: return input_ready(in, ctx);
    default: fail("unknown fcall id " + std::to_string(id));
  }
}

}  // namespace rvtrace::platform::zisk
