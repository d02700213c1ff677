#pragma once
// Prime fields and their quadratic extension Fp[i]/(i^2 + 1), on canonical representatives.
#include <string>

#include "bigint.hpp"

namespace rvtrace::platform::zisk {

struct PrimeField {
  const char* name;
  Wide p;

  Wide add(const Wide& a, const Wide& b) const { return reduce(a + b); }
  Wide sub(const Wide& a, const Wide& b) const { return reduce(a - b); }
  Wide mul(const Wide& a, const Wide& b) const { return reduce(a * b); }
  Wide neg(const Wide& a) const { return reduce(-a); }
  Wide reduce(const Wide& a) const { return mod(a, p); }
  Wide pow(const Wide& a, const Wide& e) const { return pow_mod(a, e, p); }
  // Division by zero is a ziskemu panic (arkworks), reported as an error naming `op`.
  Wide inv(const Wide& a, const char* op) const {
    auto r = inverse(a, p);
    if (!r) fail(std::string(op) + ": division by zero in " + name);
    return *r;
  }
  bool canonical(const Wide& a) const { return a >= 0 && a < p; }
};

struct Fp2 {
  Wide re, im;
  bool operator==(const Fp2&) const = default;
};

struct QuadraticField {
  const PrimeField& f;

  Fp2 add(const Fp2& a, const Fp2& b) const { return {f.add(a.re, b.re), f.add(a.im, b.im)}; }
  Fp2 sub(const Fp2& a, const Fp2& b) const { return {f.sub(a.re, b.re), f.sub(a.im, b.im)}; }
  Fp2 neg(const Fp2& a) const { return {f.neg(a.re), f.neg(a.im)}; }
  Fp2 scale(const Fp2& a, const Wide& k) const { return {f.mul(a.re, k), f.mul(a.im, k)}; }
  Fp2 conj(const Fp2& a) const { return {a.re, f.neg(a.im)}; }
  // (a + bi)(c + di) = (ac - bd) + (ad + bc)i
  Fp2 mul(const Fp2& a, const Fp2& b) const {
    return {f.reduce(a.re * b.re - a.im * b.im), f.reduce(a.re * b.im + a.im * b.re)};
  }
  // (re - im i) / (re^2 + im^2)
  Fp2 inv(const Fp2& a, const char* op) const {
    Wide norm_inv = f.inv(f.reduce(a.re * a.re + a.im * a.im), op);
    return scale(conj(a), norm_inv);
  }
  Fp2 pow(Fp2 base, Wide e) const {
    Fp2 r{1, 0};
    while (e != 0) {
      if ((e & 1) != 0) r = mul(r, base);
      base = mul(base, base);
      e >>= 1;
    }
    return r;
  }
  Fp2 reduce(const Fp2& a) const { return {f.reduce(a.re), f.reduce(a.im)}; }
};

}  // namespace rvtrace::platform::zisk
