#pragma once
// The four short Weierstrass curves ZisK accelerates (ABI.md §8), their fields, and affine
// point addition and doubling from the curve equation y^2 = x^3 + a x + b.
// There is no point at infinity: callers never add P to +-P or double a point with y = 0, and ZisK
// panics when they do (for secp256k1 its x86 build returns stack garbage; rvtrace reports an error).
#include "field.hpp"

namespace rvtrace::platform::zisk {

struct Curve {
  const char* name;
  PrimeField fp;
  Wide a;              // coefficient of x (0, or -3 for P-256)
  Wide order;          // n, the group order (0 where no fcall needs it)
  bool reduce_inputs;  // secp256k1 reduces coordinates mod p; the arkworks curves require x < p
};

inline const Curve& secp256k1() {
  static const Curve c{"secp256k1",
                       {"secp256k1 Fp", Wide("0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f")},
                       0,
                       Wide("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"),
                       true};
  return c;
}

inline const Curve& secp256r1() {
  static const Curve c{"secp256r1",
                       {"secp256r1 Fp", Wide("0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff")},
                       -3,
                       Wide("0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"),
                       false};
  return c;
}

inline const Curve& bn254() {
  static const Curve c{"bn254",
                       {"bn254 Fp", Wide("0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47")},
                       0,
                       0,
                       false};
  return c;
}

inline const Curve& bls12_381() {
  static const Curve c{"bls12-381",
                       {"bls12-381 Fp", Wide("0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eab"
                                             "fffeb153ffffb9feffffffffaaab")},
                       0,
                       0,
                       false};
  return c;
}

struct Affine {
  Wide x, y;
};

// A coordinate as the curve's precompile accepts it: reduced (secp256k1) or checked canonical.
inline Wide curve_coordinate(const Curve& c, const Wide& v, const char* op) {
  if (c.reduce_inputs) return c.fp.reduce(v);
  if (!c.fp.canonical(v)) fail(std::string(op) + ": coordinate is not reduced modulo the " + c.name + " prime");
  return v;
}

inline Affine chord_or_tangent(const Curve& c, const Affine& p, const Wide& x2, const Wide& slope) {
  const PrimeField& f = c.fp;
  Wide x3 = f.reduce(slope * slope - p.x - x2);
  Wide y3 = f.reduce(slope * (p.x - x3) - p.y);
  return {x3, y3};
}

// s = (y2 - y1) / (x2 - x1), x3 = s^2 - x1 - x2, y3 = s (x1 - x3) - y1
inline Affine curve_add(const Curve& c, const Affine& p, const Affine& q, const char* op) {
  Wide s = c.fp.mul(c.fp.sub(q.y, p.y), c.fp.inv(c.fp.sub(q.x, p.x), op));
  return chord_or_tangent(c, p, q.x, s);
}

// s = (3 x^2 + a) / (2 y), x3 = s^2 - 2x, y3 = s (x - x3) - y
inline Affine curve_dbl(const Curve& c, const Affine& p, const char* op) {
  Wide s = c.fp.mul(c.fp.reduce(3 * p.x * p.x + c.a), c.fp.inv(c.fp.reduce(2 * p.y), op));
  return chord_or_tangent(c, p, p.x, s);
}

}  // namespace rvtrace::platform::zisk
