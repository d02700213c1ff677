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

namespace detail {

// Binary extended GCD on N limbs (odd moduli below 2^(64 N)): shifts and subtractions only, no
// division, so an inverse costs microseconds instead of a hundred 1024-bit divisions.
template <std::size_t N>
bool limbs_is(const Limbs<N>& a, std::uint64_t v) {
  for (std::size_t i = 1; i < N; ++i)
    if (a[i]) return false;
  return a[0] == v;
}
template <std::size_t N>
bool limbs_less(const Limbs<N>& a, const Limbs<N>& b) {
  for (std::size_t i = N; i-- > 0;)
    if (a[i] != b[i]) return a[i] < b[i];
  return false;
}
template <std::size_t N>
std::uint64_t limbs_sub(Limbs<N>& a, const Limbs<N>& b) {  // a -= b mod 2^(64 N); the borrow
  std::uint64_t borrow = 0;
  for (std::size_t i = 0; i < N; ++i) {
    const unsigned __int128 d = static_cast<unsigned __int128>(a[i]) - b[i] - borrow;
    a[i] = static_cast<std::uint64_t>(d);
    borrow = static_cast<std::uint64_t>(d >> 64) & 1;
  }
  return borrow;
}
template <std::size_t N>
std::uint64_t limbs_add(Limbs<N>& a, const Limbs<N>& b) {  // a += b mod 2^(64 N); the carry
  return add_limbs<N>(a, b, 0, a);
}
template <std::size_t N>
void limbs_shr(Limbs<N>& a, unsigned k, std::uint64_t top = 0) {  // 0 < k < 64, top's low bits shift in
  for (std::size_t i = 0; i + 1 < N; ++i) a[i] = a[i] >> k | a[i + 1] << (64 - k);
  a[N - 1] = a[N - 1] >> k | top << (64 - k);
}
// u <- u / 2^k, x <- x / 2^k mod m, for the k trailing zero bits of u (m odd, x < m)
template <std::size_t N>
void strip_twos(Limbs<N>& u, Limbs<N>& x, const Limbs<N>& m) {
  while (!(u[0] & 1)) {
    const unsigned k = u[0] ? static_cast<unsigned>(__builtin_ctzll(u[0])) : 63;
    limbs_shr(u, k);
    for (unsigned i = 0; i < k; ++i) {
      const std::uint64_t carry = (x[0] & 1) ? limbs_add(x, m) : 0;
      limbs_shr(x, 1, carry);
    }
  }
}
// x <- x - y mod m (x, y < m)
template <std::size_t N>
void sub_mod(Limbs<N>& x, const Limbs<N>& y, const Limbs<N>& m) {
  if (limbs_sub(x, y)) limbs_add(x, m);
}

// a^-1 mod m for 0 < a < m, m odd; nothing when gcd(a, m) != 1.
template <std::size_t N>
std::optional<Limbs<N>> binary_inverse(Limbs<N> u, const Limbs<N>& m) {
  Limbs<N> v = m, x1{1}, x2{};
  while (!limbs_is(u, 1) && !limbs_is(v, 1)) {
    if (limbs_is(u, 0) || limbs_is(v, 0)) return std::nullopt;  // gcd(a, m) = the other one > 1
    strip_twos(u, x1, m);
    strip_twos(v, x2, m);
    if (!limbs_less(u, v)) limbs_sub(u, v), sub_mod(x1, x2, m);
    else limbs_sub(v, u), sub_mod(x2, x1, m);
  }
  return limbs_is(u, 1) ? x1 : x2;
}

template <std::size_t N, class Int>
std::optional<Int> binary_inverse_of(const Int& r, const Int& m) {
  const auto inv = binary_inverse<N>(to_limbs<N, Int>(r), to_limbs<N, Int>(m));
  if (!inv) return std::nullopt;
  return from_limbs<Int>(std::span<const std::uint64_t>(*inv));
}

}  // namespace detail

// a^-1 mod m; nothing when gcd(a, m) != 1. Odd moduli below 2^384 (every field and group order
// here) take the binary algorithm, the rest the extended Euclidean algorithm.
template <class Int>
std::optional<Int> inverse(const Int& a, const Int& m) {
  if (m > 1 && (m & 1) != 0 && m < (Int(1) << 384)) {
    const Int r = mod(a, m);
    if (r == 0) return std::nullopt;
    return m < (Int(1) << 256) ? detail::binary_inverse_of<4>(r, m) : detail::binary_inverse_of<6>(r, m);
  }
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

}  // namespace rvtrace::platform::zisk
