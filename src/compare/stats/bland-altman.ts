/**
 * Bland–Altman agreement: bias (mean difference) and 95 % limits of agreement with their
 * confidence intervals.
 *
 * Sources:
 * - Bland JM, Altman DG. Statistical methods for assessing agreement between two methods of
 *   clinical measurement. Lancet 1986;i:307–310 (bias, limits d̄ ± 2s, SE of the bias s/√n,
 *   SE of a limit ≈ √(3s²/n), t on n − 1 df for both intervals).
 * - Bland JM, Altman DG. Measuring agreement in method comparison studies. Stat Methods Med
 *   Res 1999;8:135–160, §2 (limits d̄ ± 1.96s; var(d̄ ± 1.96s) = (1/n + 1.96²/(2(n − 1)))s²).
 *
 * Differences are always a − b (first method minus second); `hvm compare` passes the engine
 * (or the first observer) as a. The default multiplier is the exact normal quantile
 * z₀.₉₇₅ = 1.95996…, the 1999 standard error is used unless `loaSe: 'approx1986'`.
 */
import { mean, sumSquares, upperProbability, completePairs, missingNote } from './descriptive.js';
import { normalQuantile, tQuantile } from './distributions.js';

export interface BlandAltmanOptions {
  /** Confidence level of the intervals (default 0.95). */
  level?: number;
  /** Multiplier of the SD for the limits (default z at `level`, 1.95996 for 95 %; 1986 used 2). */
  loaMultiplier?: number;
  /** Standard error of the limits: 1999 exact large-sample form (default) or the 1986 √(3s²/n). */
  loaSe?: 'exact1999' | 'approx1986';
}

export interface BlandAltmanResult {
  n: number;
  /** Mean of a − b. */
  bias: number | null;
  /** SD of a − b (n − 1 divisor). */
  sdDiff: number | null;
  loaLower: number | null;
  loaUpper: number | null;
  biasCI: [number, number] | null;
  loaLowerCI: [number, number] | null;
  loaUpperCI: [number, number] | null;
  /** The multiplier used for the limits. */
  loaMultiplier: number;
  /** Why a value is null (fewer than 2 pairs, …). */
  notes: string[];
}

function blandAltmanComplete(a: readonly number[], b: readonly number[], opts: BlandAltmanOptions): BlandAltmanResult {
  const level = opts.level ?? 0.95;
  const z = opts.loaMultiplier ?? normalQuantile(upperProbability(level));
  const n = a.length;
  const empty: BlandAltmanResult = {
    n, bias: null, sdDiff: null, loaLower: null, loaUpper: null,
    biasCI: null, loaLowerCI: null, loaUpperCI: null, loaMultiplier: z, notes: [],
  };
  if (n === 0) return { ...empty, notes: ['no pairs'] };
  const d = a.map((x, i) => x - b[i]!);
  const bias = mean(d);
  if (n < 2) return { ...empty, bias, notes: ['1 pair: no SD, limits of agreement undefined'] };
  const sd = Math.sqrt(sumSquares(d, bias) / (n - 1));
  const lo = bias - z * sd;
  const hi = bias + z * sd;
  const t = tQuantile(upperProbability(level), n - 1);
  const seBias = sd / Math.sqrt(n);
  const seLoa = opts.loaSe === 'approx1986' ? Math.sqrt((3 * sd * sd) / n) : sd * Math.sqrt(1 / n + (z * z) / (2 * (n - 1)));
  return {
    n,
    bias,
    sdDiff: sd,
    loaLower: lo,
    loaUpper: hi,
    biasCI: [bias - t * seBias, bias + t * seBias],
    loaLowerCI: [lo - t * seLoa, lo + t * seLoa],
    loaUpperCI: [hi - t * seLoa, hi + t * seLoa],
    loaMultiplier: z,
    notes: n < 10 ? [`only ${n} pairs: limits of agreement are imprecise`] : [],
  };
}

/** Bland–Altman on the complete pairs of a and b (a pair with a missing value is left out and noted). */
export function blandAltman(a: readonly number[], b: readonly number[], opts: BlandAltmanOptions = {}): BlandAltmanResult {
  if (a.length !== b.length) throw new RangeError('blandAltman: a and b must have the same length');
  const c = completePairs(a, b);
  const res = blandAltmanComplete(c.x, c.y, opts);
  res.notes.unshift(...missingNote(c.dropped));
  return res;
}
