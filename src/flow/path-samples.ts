/**
 * Resamples a path (polyline, reference px) at a fixed arc-length step in µm, with the unit
 * normal and the across half-width at each sample: the sample layout of spaceTimeSample.
 *
 * Two parallel lines per path, one each side of the centerline (offset ±½ of the across
 * half-width, each averaging its own half): their mean is the STD row; their difference
 * measures the noise. A single-file RBC column fills the lumen's width, so its pattern is
 * common to both halves while sensor noise is independent (see estimate.ts, the stop test).
 */
import type { FlowPath } from './types.js';

export interface PathSamples {
  /** x0, y0, x1, y1 … reference px. */
  points: Float64Array;
  /** Unit normals, same layout (px space). */
  normals: Float64Array;
  /** Across half-width, px, per sample. */
  halfWidthsPx: Float64Array;
  /** Samples along the path (the arrays hold 2 × count: the left line, then the right line). */
  count: number;
  /** Arc-length step between samples, µm. */
  stepUm: number;
}

export function samplePath(path: FlowPath, scale: { umPerPxX: number; umPerPxY: number }, stepPx: number, acrossFraction: number): PathSamples {
  const sx = scale.umPerPxX;
  const sy = scale.umPerPxY;
  const stepUm = stepPx * Math.min(sx, sy);
  const pl = path.polylinePx;
  // Cumulative length in µm.
  const cum: number[] = [0];
  for (let i = 1; i < pl.length; i++) {
    const ddx = (pl[i]![0] - pl[i - 1]![0]) * sx;
    const ddy = (pl[i]![1] - pl[i - 1]![1]) * sy;
    cum.push(cum[i - 1]! + Math.sqrt(ddx * ddx + ddy * ddy)); // sqrt is correctly rounded; Math.hypot is not specified to be
  }
  const total = cum[cum.length - 1] ?? 0;
  const count = pl.length < 2 ? 0 : Math.floor(total / stepUm + 1e-9) + 1;
  const points = new Float64Array(2 * count);
  let seg = 1;
  for (let k = 0; k < count; k++) {
    const s = k * stepUm;
    while (seg < pl.length - 1 && cum[seg]! < s) seg++;
    const a = pl[seg - 1]!;
    const b = pl[seg]!;
    const len = cum[seg]! - cum[seg - 1]!;
    const f = len > 0 ? Math.min(1, Math.max(0, (s - cum[seg - 1]!) / len)) : 0;
    points[2 * k] = a[0] + f * (b[0] - a[0]);
    points[2 * k + 1] = a[1] + f * (b[1] - a[1]);
  }
  const normals = new Float64Array(2 * count);
  for (let k = 0; k < count; k++) {
    const k0 = Math.max(0, k - 2);
    const k1 = Math.min(count - 1, k + 2);
    let tx = points[2 * k1]! - points[2 * k0]!;
    let ty = points[2 * k1 + 1]! - points[2 * k0 + 1]!;
    const n = Math.sqrt(tx * tx + ty * ty);
    if (n > 0) {
      tx /= n;
      ty /= n;
    } else {
      tx = 1;
      ty = 0;
    }
    normals[2 * k] = -ty;
    normals[2 * k + 1] = tx;
  }
  const hw = Math.max(0, (path.diameterPx / 2) * acrossFraction);
  const off = hw / 2;
  const both = new Float64Array(4 * count);
  for (let k = 0; k < count; k++) {
    for (let side = 0; side < 2; side++) {
      const sgn = side === 0 ? -1 : 1;
      both[2 * (side * count + k)] = points[2 * k]! + sgn * off * normals[2 * k]!;
      both[2 * (side * count + k) + 1] = points[2 * k + 1]! + sgn * off * normals[2 * k + 1]!;
    }
  }
  const normals2 = new Float64Array(4 * count);
  normals2.set(normals, 0);
  normals2.set(normals, 2 * count);
  const halfWidthsPx = new Float64Array(2 * count).fill(off);
  return { points: both, normals: normals2, halfWidthsPx, count, stepUm };
}
