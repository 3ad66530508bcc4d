/**
 * Deterministic elementary functions for the phantom.
 *
 * `Math.sin`, `Math.cos`, `Math.exp` and `Math.log` are not required to be correctly
 * rounded by ECMAScript, and their last bits differ between V8 versions and platforms.
 * Everything that feeds rendered pixels or truth must therefore use only + − × ÷,
 * `Math.sqrt` (correctly rounded by IEEE 754), `Math.floor`/`Math.round`/`Math.abs`/
 * `Math.min`/`Math.max` (exact), and the functions below, which are built from those
 * alone. Accuracy is ~1e-15 relative, which is plenty: what matters is that the same
 * inputs give the same bits everywhere.
 */

export const PI = 3.141592653589793;
export const TWO_PI = 6.283185307179586;
const HALF_PI_HI = 1.5707963267341256; // high part of π/2 (Cody–Waite split)
const HALF_PI_LO = 6.077100506506192e-11; // π/2 − HALF_PI_HI
const INV_HALF_PI = 0.6366197723675814;
const LN2_HI = 0.6931471803691238; // high part of ln 2
const LN2_LO = 1.9082149292705877e-10; // ln 2 − LN2_HI
const INV_LN2 = 1.4426950408889634;

/** sin(r) for |r| ≤ π/4 (Taylor series to r^17). */
function sinKernel(r: number): number {
  const r2 = r * r;
  return (
    r *
    (1 +
      r2 *
        (-1 / 6 +
          r2 *
            (1 / 120 +
              r2 *
                (-1 / 5040 +
                  r2 *
                    (1 / 362880 +
                      r2 * (-1 / 39916800 + r2 * (1 / 6227020800 + r2 * (-1 / 1307674368000 + r2 / 355687428096000))))))))
  );
}

/** cos(r) for |r| ≤ π/4 (Taylor series to r^18). */
function cosKernel(r: number): number {
  const r2 = r * r;
  return (
    1 +
    r2 *
      (-1 / 2 +
        r2 *
          (1 / 24 +
            r2 *
              (-1 / 720 +
                r2 *
                  (1 / 40320 +
                    r2 *
                      (-1 / 3628800 +
                        r2 * (1 / 479001600 + r2 * (-1 / 87178291200 + r2 * (1 / 20922789888000 - r2 / 6402373705728000))))))))
  );
}

/** Deterministic sine. Arguments beyond ±1e6 lose accuracy (never needed here). */
export function dsin(x: number): number {
  const k = Math.round(x * INV_HALF_PI);
  const r = x - k * HALF_PI_HI - k * HALF_PI_LO;
  const q = ((k % 4) + 4) % 4;
  if (q === 0) return sinKernel(r);
  if (q === 1) return cosKernel(r);
  if (q === 2) return -sinKernel(r);
  return -cosKernel(r);
}

/** Deterministic cosine. */
export function dcos(x: number): number {
  const k = Math.round(x * INV_HALF_PI);
  const r = x - k * HALF_PI_HI - k * HALF_PI_LO;
  const q = ((k % 4) + 4) % 4;
  if (q === 0) return cosKernel(r);
  if (q === 1) return -sinKernel(r);
  if (q === 2) return -cosKernel(r);
  return sinKernel(r);
}

/** 2^k for integer k in [-1074, 1023], exact (built by repeated squaring of exact powers). */
function pow2(k: number): number {
  let result = 1;
  let base = k >= 0 ? 2 : 0.5;
  let n = k >= 0 ? k : -k;
  // Split very small results in two steps so intermediate values never underflow early.
  while (n > 0) {
    if (n & 1) result *= base;
    base *= base;
    n >>>= 1;
  }
  return result;
}

/** Deterministic e^x (0 below −745, Infinity above 709.78). */
export function dexp(x: number): number {
  if (x !== x) return NaN;
  if (x < -745) return 0;
  if (x > 709.78) return Infinity;
  const k = Math.round(x * INV_LN2);
  const r = x - k * LN2_HI - k * LN2_LO; // |r| ≤ ~0.347
  // Taylor series to r^13: truncation error < 0.347^14/14! ≈ 4e-18.
  let p = 1 / 6227020800;
  p = 1 / 479001600 + r * p;
  p = 1 / 39916800 + r * p;
  p = 1 / 3628800 + r * p;
  p = 1 / 362880 + r * p;
  p = 1 / 40320 + r * p;
  p = 1 / 5040 + r * p;
  p = 1 / 720 + r * p;
  p = 1 / 120 + r * p;
  p = 1 / 24 + r * p;
  p = 1 / 6 + r * p;
  p = 0.5 + r * p;
  p = 1 + r * p;
  p = 1 + r * p;
  if (k < -1000) return p * pow2(k + 100) * pow2(-100);
  return p * pow2(k);
}

/** Deterministic natural logarithm for x > 0 (NaN for x ≤ 0 or NaN). */
export function dlog(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;
  // x = m · 2^e with m in [√½, √2).
  let e = 0;
  let m = x;
  while (m >= 1.4142135623730951) {
    m *= 0.5;
    e++;
  }
  while (m < 0.7071067811865476) {
    m *= 2;
    e--;
  }
  // ln m = 2 atanh(z), z = (m−1)/(m+1), |z| ≤ 0.1716.
  const z = (m - 1) / (m + 1);
  const z2 = z * z;
  let s = 0;
  // Series Σ z^(2n+1)/(2n+1) to n = 13: error < 0.1716^29/29 ≈ 2e-24.
  for (let n = 13; n >= 0; n--) s = 1 / (2 * n + 1) + z2 * s;
  return 2 * z * s + e * LN2_HI + e * LN2_LO;
}

/** Deterministic x^y for x > 0. */
export function dpow(x: number, y: number): number {
  return dexp(y * dlog(x));
}

/** Clamp to [lo, hi]. */
export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Hermite smoothstep on [e0, e1]. */
export function smoothstep(e0: number, e1: number, x: number): number {
  const t = clamp((x - e0) / (e1 - e0), 0, 1);
  return t * t * (3 - 2 * t);
}
