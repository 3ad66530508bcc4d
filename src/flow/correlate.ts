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

/** Shifts whose dot products one pass over a row pair accumulates side by side. */
const SHIFT_BLOCK = 8;

/**
 * Pooled NCC of the pairs (a[p], b[p]) at shifts s = sLo … sHi (integers); shifts whose
 * overlap is under minOverlap samples get NaN. Row length L for all rows.
 *
 * Why the blocking: each dot product Σ_i a_i b_{i+s} is a chain of dependent additions, so a
 * shift at a time runs at the adder's latency. Eight shifts are summed side by side in one
 * pass over the row (eight independent chains, each still added in ascending i), which is
 * about 3× faster and gives bitwise the same sums as one shift at a time (the reference
 * implementation in test/flow/correlate.test.ts checks this). A negative shift is the positive
 * shift of the swapped pair: Σ_{i ≥ −s} a_i b_{i+s} = Σ_{j ≥ 0} b_j a_{j−s}, in the same order.
 */
export function pooledNcc(pairs: [Float32Array, Float32Array][], sLo: number, sHi: number, minOverlap: number): Float64Array {
  const n = Math.max(0, sHi - sLo + 1);
  const out = new Float64Array(n).fill(Number.NaN);
  if (pairs.length === 0 || n === 0) return out;
  const L = pairs[0]![0].length;
  // The overlap at shift s is L − |s|: shifts beyond ±(L − minOverlap) stay NaN.
  const reach = Math.min(L, L - minOverlap);
  const lo = Math.max(sLo, -reach);
  const hi = Math.min(sHi, reach);
  if (lo > hi) return out;
  const num = new Float64Array(n);
  const ea = new Float64Array(n);
  const eb = new Float64Array(n);
  // Prefix sums of squares of one row pair, for the energies over any overlap.
  const pa = new Float64Array(L + 1);
  const pb = new Float64Array(L + 1);
  const dots = new Float64Array(SHIFT_BLOCK);
  const add = (s: number, dot: number): void => {
    const k = s - sLo;
    const i0 = Math.max(0, -s);
    const i1 = Math.min(L, L - s);
    num[k]! += dot;
    ea[k]! += pa[i1]! - pa[i0]!;
    eb[k]! += pb[i1 + s]! - pb[i0 + s]!;
  };
  for (let p = 0; p < pairs.length; p++) {
    const [a, b] = pairs[p]!;
    for (let i = 0; i < L; i++) {
      pa[i + 1] = pa[i]! + a[i]! * a[i]!;
      pb[i + 1] = pb[i]! + b[i]! * b[i]!;
    }
    // s ≥ 0 on (a, b); s < 0 as t = −s on (b, a).
    const sides: [Float32Array, Float32Array, number, number, number][] = [
      [a, b, Math.max(lo, 0), hi, 1],
      [b, a, Math.max(-hi, 1), -lo, -1],
    ];
    for (const [x, y, tFrom, tTo, sign] of sides) {
      let t = tFrom;
      for (; t + SHIFT_BLOCK - 1 <= tTo; t += SHIFT_BLOCK) {
        shiftedDots8(x, y, t, L, dots);
        for (let q = 0; q < SHIFT_BLOCK; q++) add(sign * (t + q), dots[q]!);
      }
      for (; t <= tTo; t++) {
        let acc = 0;
        for (let j = 0; j < L - t; j++) acc += x[j]! * y[j + t]!;
        add(sign * t, acc);
      }
    }
  }
  for (let s = lo; s <= hi; s++) {
    const k = s - sLo;
    out[k] = ea[k]! > 0 && eb[k]! > 0 ? num[k]! / Math.sqrt(ea[k]! * eb[k]!) : 0;
  }
  return out;
}

/**
 * dots[q] = Σ_{j=0}^{L−t−q−1} x_j · y_{j+t+q} for q = 0 … 7, each summed in ascending j:
 * jointly over the range all eight share, then each one's own tail.
 */
function shiftedDots8(x: Float32Array, y: Float32Array, t: number, L: number, dots: Float64Array): void {
  let d0 = 0, d1 = 0, d2 = 0, d3 = 0, d4 = 0, d5 = 0, d6 = 0, d7 = 0;
  const shared = L - t - 7;
  for (let j = 0; j < shared; j++) {
    const v = x[j]!;
    const k = j + t;
    d0 += v * y[k]!;
    d1 += v * y[k + 1]!;
    d2 += v * y[k + 2]!;
    d3 += v * y[k + 3]!;
    d4 += v * y[k + 4]!;
    d5 += v * y[k + 5]!;
    d6 += v * y[k + 6]!;
    d7 += v * y[k + 7]!;
  }
  dots[0] = d0;
  dots[1] = d1;
  dots[2] = d2;
  dots[3] = d3;
  dots[4] = d4;
  dots[5] = d5;
  dots[6] = d6;
  dots[7] = d7;
  for (let q = 0; q < 7; q++) {
    let acc = dots[q]!;
    for (let j = Math.max(0, shared); j < L - t - q; j++) acc += x[j]! * y[j + t + q]!;
    dots[q] = acc;
  }
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
