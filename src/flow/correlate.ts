/**
 * Correlation primitives of the velocity estimator: spatial high-pass of STD rows, pooled
 * normalised cross-correlation of row pairs over a range of shifts, and the sub-pixel peak.
 *
 * Pooled NCC (the estimate of the displacement between frames t and t + k from all pairs of a
 * window at once, as in the cross-correlation velocimetry of Wayland & Johnson 1967 and the
 * dual-slit method's digital form, Japee et al. 2004):
 *   C(s) = Σ_pairs Σ_i a_i b_{i+s} / sqrt(Σ_pairs Σ_i a_i² · Σ_pairs Σ_i b_{i+s}²)
 * over the overlap of the two rows at shift s. A pattern moving by +d samples between a and b
 * gives b_{i} ≈ a_{i−d}, i.e. the peak at s = +d.
 */
import type { CoreBackend } from '../backend/types.js';

/** Row minus its running mean over ± radius samples (window clipped at the ends). */
export function highPass(row: Float32Array, radius: number): Float32Array {
  const n = row.length;
  const pre = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) pre[i + 1] = pre[i]! + row[i]!;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - radius);
    const hi = Math.min(n, i + radius + 1);
    out[i] = row[i]! - (pre[hi]! - pre[lo]!) / (hi - lo);
  }
  return out;
}

/** Population SD of a row. */
export function rowSd(row: Float32Array): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < row.length; i++) {
    s += row[i]!;
    s2 += row[i]! * row[i]!;
  }
  const m = s / row.length;
  return Math.sqrt(Math.max(0, s2 / row.length - m * m));
}

/** Normalised correlation of two equal-length rows at zero shift. */
export function ncc0(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/**
 * Pooled NCC of the pairs (a[p], b[p]) at shifts s = sLo … sHi (integers); shifts whose
 * overlap is under minOverlap samples get NaN. Row length L for all rows. The sums run in the
 * core (native/core/pooled_ncc.cpp: the estimator's inner loop, most of the flow stage's
 * time); here the rows are packed and the range cut to the shifts that overlap enough.
 */
export function pooledNcc(core: CoreBackend, pairs: [Float32Array, Float32Array][], sLo: number, sHi: number, minOverlap: number): Float64Array {
  const n = Math.max(0, sHi - sLo + 1);
  const out = new Float64Array(n).fill(Number.NaN);
  if (pairs.length === 0 || n === 0) return out;
  const L = pairs[0]![0].length;
  // The overlap at shift s is L − |s|: shifts beyond ±(L − minOverlap) stay NaN, and a shift
  // of ±L (no overlap, allowed only when minOverlap ≤ 0) has no energy: 0.
  const reach = Math.min(L, L - minOverlap);
  const lo = Math.max(sLo, -reach);
  const hi = Math.min(sHi, reach);
  if (lo > hi) return out;
  for (let s = lo; s <= hi; s++) out[s - sLo] = 0;
  const cLo = Math.max(lo, -(L - 1));
  const cHi = Math.min(hi, L - 1);
  if (cLo > cHi) return out;
  const a = new Float32Array(pairs.length * L);
  const b = new Float32Array(pairs.length * L);
  pairs.forEach(([ra, rb], p) => {
    a.set(ra, p * L);
    b.set(rb, p * L);
  });
  out.set(core.pooledNcc(a, b, pairs.length, L, cLo, cHi), cLo - sLo);
  return out;
}

/** The highest finite value's index (first in scan order), its value, and the parabolic sub-sample offset. */
export function peak(c: Float64Array, from = 0, to = c.length - 1): { index: number; value: number; offset: number } | null {
  let best = -1;
  for (let i = Math.max(0, from); i <= Math.min(c.length - 1, to); i++) {
    if (Number.isFinite(c[i]!) && (best < 0 || c[i]! > c[best]!)) best = i;
  }
  if (best < 0) return null;
  const v = c[best]!;
  const l = best > 0 ? c[best - 1]! : Number.NaN;
  const r = best < c.length - 1 ? c[best + 1]! : Number.NaN;
  let offset = 0;
  if (Number.isFinite(l) && Number.isFinite(r)) {
    const den = l - 2 * v + r;
    if (den < 0) offset = Math.max(-0.5, Math.min(0.5, (0.5 * (l - r)) / den));
  }
  return { index: best, value: v, offset };
}
