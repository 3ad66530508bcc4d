/**
 * Distribution functions (cumulative, survival = upper tail, quantile) of the standard
 * normal, Student's t, Fisher's F and chi-square distributions, built on the special
 * functions in ./special.ts. Quantiles are found by bracketing and bisection on the
 * monotone CDF (or survival function for upper quantiles, so tails keep their precision):
 * slower than rational approximations but simple, exact to ~1e-13 and easy to verify.
 *
 * Relations used (Abramowitz & Stegun 1964, 26.2.30, 26.5.27, 26.6.2, 26.4.19):
 *   Φ(z)        = ½ (1 + P(½, z²/2)) for z ≥ 0
 *   P(|T| > t)  = I_{ν/(ν+t²)}(ν/2, ½)
 *   P(F ≤ f)    = I_{d1 f/(d1 f + d2)}(d1/2, d2/2)
 *   P(X² ≤ x)   = P(k/2, x/2)
 */
import { betaIncReg, gammaIncReg } from './special.js';

function checkProbability(p: number, what: string): void {
  if (!(p > 0 && p < 1)) throw new RangeError(`${what}: probability must be in (0, 1), got ${p}`);
}

function checkDf(df: number, what: string): void {
  if (!(df > 0) || !Number.isFinite(df)) throw new RangeError(`${what}: degrees of freedom must be positive and finite, got ${df}`);
}

/**
 * The x ≥ lo where the decreasing function `sf` equals `target` (bisection). The bracket is
 * widened upwards until it holds the root.
 */
function invertDecreasing(sf: (x: number) => number, target: number, lo: number): number {
  let a = lo;
  let b = lo + 1;
  while (sf(b) > target) {
    a = b;
    b = lo + (b - lo) * 2;
    if (b > 1e300) return Infinity;
  }
  for (let i = 0; i < 400; i++) {
    const mid = 0.5 * (a + b);
    if (mid === a || mid === b) break;
    if (sf(mid) > target) a = mid;
    else b = mid;
    if (b - a <= 1e-15 * Math.max(1, Math.abs(mid))) break;
  }
  return 0.5 * (a + b);
}

// ---- standard normal -------------------------------------------------------------------

/** Upper tail P(Z > z). */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const q = gammaIncReg(0.5, (z * z) / 2).q; // P(|Z| > |z|)
  return z >= 0 ? 0.5 * q : 1 - 0.5 * q;
}

/** P(Z ≤ z). */
export function normalCdf(z: number): number {
  return normalSf(-z);
}

/** The z with P(Z ≤ z) = p. */
export function normalQuantile(p: number): number {
  checkProbability(p, 'normalQuantile');
  if (p === 0.5) return 0;
  if (p < 0.5) return -invertDecreasing(normalSf, p, 0);
  return invertDecreasing(normalSf, 1 - p, 0);
}

// ---- Student's t ---------------------------------------------------------------------

/** Upper tail P(T > t), ν degrees of freedom (ν may be fractional). */
export function tSf(t: number, df: number): number {
  checkDf(df, 'tSf');
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  const t2 = t * t;
  const x = df / (df + t2);
  const twoSided = betaIncReg(df / 2, 0.5, x, t2 / (df + t2)); // P(|T| > |t|)
  return t >= 0 ? 0.5 * twoSided : 1 - 0.5 * twoSided;
}

/** P(T ≤ t). */
export function tCdf(t: number, df: number): number {
  return tSf(-t, df);
}

/** Two-sided p-value P(|T| ≥ |t|). */
export function tTwoSidedP(t: number, df: number): number {
  return Math.min(1, 2 * tSf(Math.abs(t), df));
}

/** The t with P(T ≤ t) = p. */
export function tQuantile(p: number, df: number): number {
  checkProbability(p, 'tQuantile');
  checkDf(df, 'tQuantile');
  if (p === 0.5) return 0;
  const sf = (x: number) => tSf(x, df);
  return p < 0.5 ? -invertDecreasing(sf, p, 0) : invertDecreasing(sf, 1 - p, 0);
}

// ---- Fisher's F ------------------------------------------------------------------------

/** P(F ≤ f) with (d1, d2) degrees of freedom (fractional allowed). */
export function fCdf(f: number, d1: number, d2: number): number {
  checkDf(d1, 'fCdf');
  checkDf(d2, 'fCdf');
  if (f <= 0) return 0;
  if (f === Infinity) return 1;
  const den = d1 * f + d2;
  return betaIncReg(d1 / 2, d2 / 2, (d1 * f) / den, d2 / den);
}

/** Upper tail P(F > f). */
export function fSf(f: number, d1: number, d2: number): number {
  checkDf(d1, 'fSf');
  checkDf(d2, 'fSf');
  if (f <= 0) return 1;
  if (f === Infinity) return 0;
  const den = d1 * f + d2;
  return betaIncReg(d2 / 2, d1 / 2, d2 / den, (d1 * f) / den);
}

/** The f with P(F ≤ f) = p. */
export function fQuantile(p: number, d1: number, d2: number): number {
  checkProbability(p, 'fQuantile');
  checkDf(d1, 'fQuantile');
  checkDf(d2, 'fQuantile');
  // Lower quantiles via the reciprocal relation F_p(d1, d2) = 1 / F_{1−p}(d2, d1), so the
  // search always runs on an upper tail where the survival function keeps its precision.
  if (p < 0.5) return 1 / invertDecreasing((x) => fSf(x, d2, d1), p, 0);
  return invertDecreasing((x) => fSf(x, d1, d2), 1 - p, 0);
}

// ---- chi-square ------------------------------------------------------------------------

/** P(X² ≤ x), k degrees of freedom. */
export function chiSquareCdf(x: number, k: number): number {
  checkDf(k, 'chiSquareCdf');
  return x <= 0 ? 0 : gammaIncReg(k / 2, x / 2).p;
}

/** Upper tail P(X² > x). */
export function chiSquareSf(x: number, k: number): number {
  checkDf(k, 'chiSquareSf');
  return x <= 0 ? 1 : gammaIncReg(k / 2, x / 2).q;
}

/** The x with P(X² ≤ x) = p. */
export function chiSquareQuantile(p: number, k: number): number {
  checkProbability(p, 'chiSquareQuantile');
  checkDf(k, 'chiSquareQuantile');
  if (p < 0.5) {
    // Lower tail: search the increasing CDF directly (the upper tail is not precise here).
    let a = 0;
    let b = Math.max(1, k);
    while (chiSquareCdf(b, k) < p) b *= 2;
    for (let i = 0; i < 400; i++) {
      const mid = 0.5 * (a + b);
      if (mid === a || mid === b) break;
      if (chiSquareCdf(mid, k) < p) a = mid;
      else b = mid;
      if (b - a <= 1e-15 * Math.max(1e-300, mid)) break;
    }
    return 0.5 * (a + b);
  }
  return invertDecreasing((x) => chiSquareSf(x, k), 1 - p, 0);
}
