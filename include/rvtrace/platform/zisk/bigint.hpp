#pragma once
// Big integers for the precompiles and fcalls: little-endian u64 limb arrays at the ABI boundary,
// Boost.Multiprecision inside. Boost is already a dependency of rvtrace, is header-only and
// maintained, and gives exact division, modular powers and conversions that would otherwise be a few
// hundred lines of hand-written limb code; the plain 256-bit add and multiply stay on __int128 limbs.
#include <boost/multiprecision/cpp_int.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "error.hpp"

namespace rvtrace::platform::zisk {

namespace bmp = boost::multiprecision;
// Fixed width, no allocation: holds products of two 384-bit values with room for sums.
using Wide = bmp::number<bmp::cpp_int_backend<1024, 1024, bmp::signed_magnitude, bmp::unchecked, void>>;
// Arbitrary length (BIGINT_DIV of modexp operands).
using BigInt = bmp::cpp_int;

template <std::size_t N>
using Limbs = std::array<std::uint64_t, N>;

template <class Int>
Int from_limbs(std::span<const std::uint64_t> limbs) {
  Int r = 0;
  for (std::size_t i = limbs.size(); i-- > 0;) {
    r <<= 64;
    r |= Int(limbs[i]);
  }
  return r;
}

// Writes a non-negative value into out (limb 0 least significant); it must fit.
template <class Int>
void to_limbs(Int v, std::span<std::uint64_t> out) {
  for (auto& limb : out) {
    limb = static_cast<std::uint64_t>(v & Int(~std::uint64_t{0}));
    v >>= 64;
  }
  if (v != 0) fail("internal: value does not fit in " + std::to_string(out.size()) + " limbs");
}

template <std::size_t N, class Int>
Limbs<N> to_limbs(const Int& v) {
  Limbs<N> out{};
  to_limbs<Int>(v, out);
  return out;
}

// Significant limbs of v >= 0 (0 for v == 0).
inline std::vector<std::uint64_t> big_limbs(BigInt v) {
  std::vector<std::uint64_t> out;
  while (v != 0) {
    out.push_back(static_cast<std::uint64_t>(v & BigInt(~std::uint64_t{0})));
    v >>= 64;
  }
  return out;
}

template <class Int>
Int mod(const Int& a, const Int& m) {
  Int r = a % m;
  if (r < 0) r += m;
  return r;
}

// a^-1 mod m by the extended Euclidean algorithm; nothing when gcd(a, m) != 1.
template <class Int>
std::optional<Int> inverse(const Int& a, const Int& m) {
  Int r0 = m, r1 = mod(a, m), s0 = 0, s1 = 1;
  while (r1 != 0) {
    Int q = r0 / r1;
    Int r2 = r0 - q * r1;
    r0 = r1, r1 = r2;
    Int s2 = s0 - q * s1;
    s0 = s1, s1 = s2;
  }
  if (r0 != 1) return std::nullopt;
  return mod(s0, m);
}

template <class Int>
Int pow_mod(const Int& base, const Int& exp, const Int& m) {
  return bmp::powm(mod(base, m), exp, m);
}

// --- 256-bit limb arithmetic on unsigned __int128 (arith256, add256) ---

// a + b + carry_in over N limbs; returns the carry out.
template <std::size_t N>
std::uint64_t add_limbs(const Limbs<N>& a, const Limbs<N>& b, std::uint64_t carry_in, Limbs<N>& out) {
  unsigned __int128 carry = carry_in;
  for (std::size_t i = 0; i < N; ++i) {
    carry += static_cast<unsigned __int128>(a[i]) + b[i];
    out[i] = static_cast<std::uint64_t>(carry);
    carry >>= 64;
  }
  return static_cast<std::uint64_t>(carry);
}

// a * b + c as a 2N-limb value (schoolbook; cannot overflow 2N limbs).
template <std::size_t N>
Limbs<2 * N> mul_add_limbs(const Limbs<N>& a, const Limbs<N>& b, const Limbs<N>& c) {
  Limbs<2 * N> r{};
  for (std::size_t i = 0; i < N; ++i) r[i] = c[i];
  for (std::size_t i = 0; i < N; ++i) {
    unsigned __int128 carry = 0;
    for (std::size_t j = 0; j < N; ++j) {
      carry += static_cast<unsigned __int128>(a[i]) * b[j] + r[i + j];
      r[i + j] = static_cast<std::uint64_t>(carry);
      carry >>= 64;
    }
    for (std::size_t k = i + N; carry != 0 && k < 2 * N; ++k) {
      carry += r[k];
      r[k] = static_cast<std::uint64_t>(carry);
      carry >>= 64;
    }
  }
  return r;
}

}  // namespace rvtrace::platform::zisk
