/**
 * Vessel width read off the vessel mask: twice the distance from a centerline pixel to the
 * nearest background pixel.
 *
 * Why: the first diameter estimate from the best vesselness scale (2σ) is unreliable on
 * short pieces and near junctions — the scale that answers best there is the junction blob's
 * or a darker patch of tissue's, so capillary pieces read 24–60 µm (measured on the phantom
 * CI set: pieces lying on 5–9 µm capillaries given 23.6–44 µm, and capillaries joined onto
 * venules through junctions because their calibres looked alike). The mask is cut where the
 * image is at least half as dark as the darkest point nearby (segment.ts, maskHalfDepth), so
 * its width across a vessel is close to the profile's width at half depth: a width measured
 * on the vessel itself. It is used where no profile fit is available: to compare calibres
 * when chains are joined through junctions, and as the diameter of a vessel too short for a
 * profile fit.
 *
 * Distance transform: exact squared Euclidean distance by the lower envelope of parabolas,
 * one dimension at a time (Felzenszwalb & Huttenlocher, "Distance transforms of sampled
 * functions", Theory of Computing 8, 2012). Pure + − × ÷ on doubles in a fixed order, so
 * both backends give the same result.
 */
import type { PointPx } from '../metrics/types.js';

const INF = 1e20;

/** 1-D squared distance transform of f (length n) into d, with scratch v (Int32, n) and z (n + 1). */
function edt1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -INF;
  z[1] = INF;
  for (let q = 1; q < n; q++) {
    let s = (f[q]! + q * q - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!);
    while (s <= z[k]!) {
      k--;
      s = (f[q]! + q * q - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = INF;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++;
    const dq = q - v[k]!;
    d[q] = dq * dq + f[v[k]!]!;
  }
}

/**
 * Euclidean distance, px, from every mask pixel (≠ 0) to the nearest background pixel
 * (0 on background). Pixels beyond the image edge count as background: a vessel cut by the
 * image edge is not made wider there.
 */
export function maskDistance(mask: Uint8Array, width: number, height: number): Float32Array {
  const W = width + 2, H = height + 2; // one background pixel of padding all round
  const g = new Float64Array(W * H);
  const n = Math.max(W, H);
  const f = new Float64Array(n), d = new Float64Array(n), z = new Float64Array(n + 1);
  const v = new Int32Array(n);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const inside = x > 0 && y > 0 && x <= width && y <= height && mask[(y - 1) * width + (x - 1)] !== 0;
      g[y * W + x] = inside ? INF : 0;
    }
  }
  for (let x = 0; x < W; x++) {
    for (let y = 0; y < H; y++) f[y] = g[y * W + x]!;
    edt1d(f, H, d, v, z);
    for (let y = 0; y < H; y++) g[y * W + x] = d[y]!;
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) f[x] = g[y * W + x]!;
    edt1d(f, W, d, v, z);
    if (y === 0 || y === H - 1) continue;
    for (let x = 1; x <= width; x++) out[(y - 1) * width + (x - 1)] = Math.sqrt(d[x]!);
  }
  return out;
}

/**
 * Width of the mask at a centerline pixel, px: a run of w mask pixels across the vessel has
 * its centre pixel (w + 1) / 2 from the nearest background pixel centre, so w = 2d − 1.
 */
export function widthAtPx(dist: Float32Array, width: number, p: PointPx): number {
  const d = dist[Math.round(p[1]) * width + Math.round(p[0])]!;
  return Math.max(1, 2 * d - 1);
}

/**
 * A chain's mask width, px: the median over its pixels farther than the local width from
 * its junction ends (a junction's blob widens the mask there); when none is, the lower
 * quartile over all its pixels.
 */
export function chainMaskWidthPx(pixels: readonly PointPx[], ends: readonly PointPx[], dist: Float32Array, width: number): number {
  const all: number[] = [];
  const interior: number[] = [];
  for (const p of pixels) {
    const w = widthAtPx(dist, width, p);
    all.push(w);
    if (ends.every((q) => Math.hypot(q[0] - p[0], q[1] - p[1]) > w)) interior.push(w);
  }
  const pick = (x: number[], q: number): number => {
    const s = [...x].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  };
  if (interior.length > 0) return pick(interior, 0.5);
  return all.length > 0 ? pick(all, 0.25) : 1;
}

/** Each side of a calibre step must have at least this many chain pixels of the new calibre. */
export const CALIBRE_STEP_MIN_SIDE_PX = 8;

/**
 * Where a chain changes calibre abruptly: the skeleton runs on without a junction where a
 * capillary leaves a venule's end (measured on the phantom CI set: one 111-px chain half
 * venule at 17 px, half capillary at 5–7 px, so the capillary was reported as part of a
 * large vessel and its stop was lost). Per pixel the mask width; at each candidate index the
 * medians of the CALIBRE_STEP_MIN_SIDE_PX widths before and after it; the index with the
 * largest ratio of the two (the middle of the run of indices sharing it) is a step when the ratio exceeds `maxRatio`, or exceeds
 * `maxRatioAcrossSmall` with the two medians on either side of `smallMaxPx` (a vessel does
 * not change class without a junction). Candidates closer to a junction end than the
 * width there are skipped (a junction's blob widens the mask). Applied recursively to both
 * parts; returns the indices, ascending, at which to cut (the pixel at a cut ends the first
 * part and starts the second).
 */
export function calibreSteps(
  widths: readonly number[],
  startsAtJunction: boolean,
  endsAtJunction: boolean,
  o: { maxRatio: number; maxRatioAcrossSmall: number; smallMaxPx: number },
): number[] {
  const M = CALIBRE_STEP_MIN_SIDE_PX;
  const med = (a: number, b: number): number => {
    const s = widths.slice(a, b).sort((x, y) => x - y);
    return s[Math.floor(s.length / 2)]!;
  };
  const find = (lo: number, hi: number, junctionLo: boolean, junctionHi: boolean): number[] => {
    // Candidates i in [lo + M, hi − M]: M pixels on each side within [lo, hi].
    // The largest ratio; a step shows as a run of candidates sharing it (the windows slide
    // across the step), so the cut is the middle of the first such run.
    let bestRatio = 0, runStart = -1, runEnd = -1;
    for (let i = lo + M; i <= hi - M; i++) {
      if (junctionLo && i - lo <= widths[lo]!) continue;
      if (junctionHi && hi - i <= widths[hi]!) continue;
      const a = med(i - M, i), b = med(i + 1, i + 1 + M);
      const r = Math.max(a, b) / Math.max(1, Math.min(a, b));
      const step = r > o.maxRatio || ((a < o.smallMaxPx) !== (b < o.smallMaxPx) && r > o.maxRatioAcrossSmall);
      if (!step) continue;
      if (r > bestRatio) {
        bestRatio = r;
        runStart = runEnd = i;
      } else if (r === bestRatio && runEnd === i - 1) {
        runEnd = i;
      }
    }
    if (runStart < 0) return [];
    const best = Math.floor((runStart + runEnd) / 2);
    return [...find(lo, best, junctionLo, false), best, ...find(best, hi, false, junctionHi)];
  };
  return widths.length < 2 * M + 1 ? [] : find(0, widths.length - 1, startsAtJunction, endsAtJunction);
}
