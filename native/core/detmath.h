// detmath.h — deterministic elementary functions for the core.
//
// Why: libm's exp/log/sin/cos/atan2 are not correctly rounded and differ between glibc,
// musl/wasi-libc, macOS and MSVC, so a result computed with them could differ in the last
// bit between the native addon and the wasm module — and a last-bit difference that feeds
// a threshold can flip a decision. Everything here is built only from + - * / and sqrt,
// which IEEE 754 requires to be correctly rounded on every target, evaluated in a fixed
// order (the build forbids FMA contraction and fast-math). The functions are accurate to a
// few ulp (test/backend/detmath.test.ts checks them against the host libm), which is ample
// for weights and angles; what they guarantee absolutely is identical bits everywhere.
//
// Method: classic argument reduction + polynomial, as in Cody & Waite, "Software Manual for
// the Elementary Functions" (1980), and Muller, "Elementary Functions" (3rd ed., 2016):
//   exp:   x = k ln2 + r, |r| <= ln2/2, Taylor series to r^13, scale by 2^k via the exponent.
//   log:   x = 2^e m, m in [sqrt(1/2), sqrt(2)), log m = 2 atanh((m-1)/(m+1)) series.
//   sin/cos: x = k pi/2 + r (three-part Cody–Waite pi/2), |r| <= pi/4, Taylor to r^17/r^18.
//   atan2: octant reduction to t in [0,1], t = c + ..., atan t = atan c + atan u with
//          c in {0, 1/4, 1/2, 3/4, 1}, |u| <= 1/8, Taylor to u^19.
// Constants were computed to 200 bits with mpmath and rounded to nearest double.
#ifndef HVM_DETMATH_H
#define HVM_DETMATH_H

#include <stdint.h>
#include <string.h>
#if defined(_MSC_VER) && !defined(__clang__)
#include <math.h>  // for sqrt only (no __builtin_sqrt); never its transcendental functions
#endif

namespace hvm {
namespace detmath {

inline double from_bits(uint64_t b) {
  double d;
  memcpy(&d, &b, sizeof d);
  return d;
}
inline uint64_t to_bits(double d) {
  uint64_t b;
  memcpy(&b, &d, sizeof b);
  return b;
}

// One quiet NaN with a fixed bit pattern, so NaN results never depend on the hardware's
// default NaN.
inline double nan() { return from_bits(0x7ff8000000000000ull); }
inline double inf() { return from_bits(0x7ff0000000000000ull); }
inline bool is_nan(double x) { return x != x; }
inline bool is_finite(double x) { return (to_bits(x) & 0x7ff0000000000000ull) != 0x7ff0000000000000ull; }
inline bool sign_bit(double x) { return (to_bits(x) >> 63) != 0; }
inline double fabs(double x) { return from_bits(to_bits(x) & 0x7fffffffffffffffull); }

// floor(v) as an integer, for |v| <= 2^62 (callers range-check first: an out-of-range or NaN
// float->int conversion is undefined in C++ and traps in wasm). Truncate toward zero, then
// step down for negative non-integers; exact, no <cmath>.
inline int64_t floor_i64(double v) {
  int64_t t = static_cast<int64_t>(v);
  if (static_cast<double>(t) > v) t -= 1;
  return t;
}

// sqrt is correctly rounded by IEEE 754 on every target (sqrtsd, f64.sqrt, fsqrt).
#if defined(_MSC_VER) && !defined(__clang__)
inline double sqrt(double x) { return ::sqrt(x); }  // MSVC: an intrinsic (sqrtsd)
#else
inline double sqrt(double x) { return __builtin_sqrt(x); }
#endif

// Round to nearest integer, ties to even, for |t| < 2^51: adding and subtracting 1.5*2^52
// forces the rounding in the FPU's default mode. Valid only without fast-math.
inline double round_nearest(double t) {
  const double magic = 6755399441055744.0;  // 1.5 * 2^52
  return (t + magic) - magic;
}

// 2^e as a double for -1022 <= e <= 1023.
inline double pow2i(int32_t e) { return from_bits(static_cast<uint64_t>(e + 1023) << 52); }

inline double exp(double x) {
  if (is_nan(x)) return x;
  if (x > 709.782712893384) return inf();
  if (x < -745.1332191019412) return 0.0;
  const double kInvLn2 = 1.4426950408889634;
  const double kLn2Hi = 6.93147180369123816490e-01;  // 0x3fe62e42fee00000: k*hi exact
  const double kLn2Lo = 1.9082149292705877e-10;
  const double k = round_nearest(x * kInvLn2);  // |k| <= 1075
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;
  double p = 1.6059043836821613e-10;  // 1/13!
  p = p * r + 2.08767569878681e-09;   // 1/12!
  p = p * r + 2.505210838544172e-08;
  p = p * r + 2.755731922398589e-07;
  p = p * r + 2.7557319223985893e-06;
  p = p * r + 2.48015873015873e-05;
  p = p * r + 0.0001984126984126984;
  p = p * r + 0.001388888888888889;
  p = p * r + 0.008333333333333333;
  p = p * r + 0.041666666666666664;
  p = p * r + 0.16666666666666666;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const int32_t ki = static_cast<int32_t>(k);  // in range by the guards above
  if (ki > 1023) return p * pow2i(ki - 1) * 2.0;
  if (ki < -1021) return p * pow2i(ki + 1000) * pow2i(-1000);
  return p * pow2i(ki);
}

inline double log(double x) {
  if (is_nan(x)) return x;
  if (x < 0.0) return nan();
  if (x == 0.0) return -inf();
  if (!is_finite(x)) return x;
  int32_t e = 0;
  if (x < 2.2250738585072014e-308) {  // subnormal: scale into the normal range first
    x *= 18014398509481984.0;         // 2^54
    e = -54;
  }
  const uint64_t b = to_bits(x);
  e += static_cast<int32_t>((b >> 52) & 0x7ff) - 1023;
  double m = from_bits((b & 0x000fffffffffffffull) | 0x3ff0000000000000ull);  // [1, 2)
  if (m > 1.4142135623730951) {
    m *= 0.5;  // exact
    e += 1;
  }
  const double s = (m - 1.0) / (m + 1.0);  // |s| <= 0.1716
  const double s2 = s * s;
  double p = 1.0 / 25.0;
  p = p * s2 + 1.0 / 23.0;
  p = p * s2 + 1.0 / 21.0;
  p = p * s2 + 1.0 / 19.0;
  p = p * s2 + 1.0 / 17.0;
  p = p * s2 + 1.0 / 15.0;
  p = p * s2 + 1.0 / 13.0;
  p = p * s2 + 1.0 / 11.0;
  p = p * s2 + 1.0 / 9.0;
  p = p * s2 + 1.0 / 7.0;
  p = p * s2 + 1.0 / 5.0;
  p = p * s2 + 1.0 / 3.0;
  const double logm = 2.0 * s + 2.0 * s * (s2 * p);
  const double kLn2Hi = 6.93147180369123816490e-01;
  const double kLn2Lo = 1.9082149292705877e-10;
  const double de = static_cast<double>(e);
  return de * kLn2Hi + (de * kLn2Lo + logm);
}

// sin and cos of r for |r| <= pi/4.
inline double sin_kernel(double r) {
  const double r2 = r * r;
  double p = 2.8114572543455206e-15;  // 1/17!
  p = p * r2 - 7.647163731819816e-13;
  p = p * r2 + 1.6059043836821613e-10;
  p = p * r2 - 2.505210838544172e-08;
  p = p * r2 + 2.7557319223985893e-06;
  p = p * r2 - 0.0001984126984126984;
  p = p * r2 + 0.008333333333333333;
  p = p * r2 - 0.16666666666666666;
  return r + r * (r2 * p);
}
inline double cos_kernel(double r) {
  const double r2 = r * r;
  double p = -1.5619206968586225e-16;  // -1/18!
  p = p * r2 + 4.779477332387385e-14;
  p = p * r2 - 1.1470745597729725e-11;
  p = p * r2 + 2.08767569878681e-09;
  p = p * r2 - 2.755731922398589e-07;
  p = p * r2 + 2.48015873015873e-05;
  p = p * r2 - 0.001388888888888889;
  p = p * r2 + 0.041666666666666664;  // 1/4!
  return 1.0 - 0.5 * r2 + r2 * (r2 * p);
}

// Reduces x to r in [-pi/4, pi/4] and the quadrant k mod 4. Domain |x| <= 1e9 (k fits
// int32 and k * kPio2_1 stays exact); outside, sin/cos return NaN.
inline int32_t reduce_pio2(double x, double* r) {
  const double kTwoOverPi = 0.6366197723675814;
  const double kPio2_1 = 1.57079632673412561417e+00;  // 33 bits: k*p1 exact for k < 2^20
  const double kPio2_2 = 6.07710050630396597660e-11;
  const double kPio2_3 = 2.02226624871116645580e-21;
  const double k = round_nearest(x * kTwoOverPi);
  *r = ((x - k * kPio2_1) - k * kPio2_2) - k * kPio2_3;
  return static_cast<int32_t>(k) & 3;
}

inline double sin(double x) {
  if (!(fabs(x) <= 1e9)) return nan();
  if (fabs(x) < 1e-9) return x;  // sin x = x to double precision; keeps the sign of -0
  double r;
  switch (reduce_pio2(x, &r)) {
    case 0: return sin_kernel(r);
    case 1: return cos_kernel(r);
    case 2: return -sin_kernel(r);
    default: return -cos_kernel(r);
  }
}

inline double cos(double x) {
  if (!(fabs(x) <= 1e9)) return nan();
  double r;
  switch (reduce_pio2(x, &r)) {
    case 0: return cos_kernel(r);
    case 1: return -sin_kernel(r);
    case 2: return -cos_kernel(r);
    default: return sin_kernel(r);
  }
}

// atan(t) for t in [0, 1].
inline double atan01(double t) {
  static const double kAtanHi[5] = {0.0, 0.24497866312686414, 0.4636476090008061,
                                    0.6435011087932844, 0.7853981633974483};
  static const double kAtanLo[5] = {0.0, 1.0698755618734451e-17, 2.2698777452961687e-17,
                                    1.5834785051444286e-17, 3.061616997868383e-17};
  double idx = round_nearest(t * 4.0);
  if (idx < 0.0) idx = 0.0;
  if (idx > 4.0) idx = 4.0;
  const int32_t i = static_cast<int32_t>(idx);
  const double c = idx * 0.25;
  const double u = (t - c) / (1.0 + t * c);  // |u| <= 1/8
  const double u2 = u * u;
  double p = -1.0 / 19.0;
  p = p * u2 + 1.0 / 17.0;
  p = p * u2 - 1.0 / 15.0;
  p = p * u2 + 1.0 / 13.0;
  p = p * u2 - 1.0 / 11.0;
  p = p * u2 + 1.0 / 9.0;
  p = p * u2 - 1.0 / 7.0;
  p = p * u2 + 1.0 / 5.0;
  p = p * u2 - 1.0 / 3.0;
  return kAtanHi[i] + (kAtanLo[i] + (u + u * (u2 * p)));
}

// atan2 with the C99 conventions for zeros and infinities.
inline double atan2(double y, double x) {
  const double kPi = 3.141592653589793, kPiLo = 1.2246467991473532e-16;
  const double kPio2 = 1.5707963267948966, kPio2Lo = 6.123233995736766e-17;
  if (is_nan(x) || is_nan(y)) return nan();
  const bool yneg = sign_bit(y), xneg = sign_bit(x);
  const double ax = fabs(x), ay = fabs(y);
  double a;
  if (ay == 0.0) {
    a = xneg ? kPi : 0.0;
  } else if (ax == 0.0) {
    a = kPio2;
  } else if (!is_finite(ax) && !is_finite(ay)) {
    a = xneg ? 2.356194490192345 : 0.7853981633974483;
  } else if (!is_finite(ax)) {
    a = xneg ? kPi : 0.0;
  } else if (!is_finite(ay)) {
    a = kPio2;
  } else {
    if (ay <= ax) {
      a = atan01(ay / ax);
    } else {
      a = kPio2 - (atan01(ax / ay) - kPio2Lo);
    }
    if (xneg) a = kPi - (a - kPiLo);
  }
  return yneg ? -a : a;
}

}  // namespace detmath
}  // namespace hvm

#endif  // HVM_DETMATH_H
