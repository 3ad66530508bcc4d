/**
 * A picture of truth against engine: the clip's stabilised mean image, upscaled, with every
 * engine centerline in red and every truth centerline coloured by how far the nearest engine
 * centerline is — green within MATCH_TOLERANCE_PX (what recall counts as found), blue within
 * twice that (traced beside its axis), magenta beyond (missed), dark grey outside the
 * analysed region (not judged) — and the analysed region in yellow. This is how the misses in docs/phantom-accuracy.md were read; the accuracy run
 * writes one per clip with HVM_ACCURACY_OVERLAYS=1 (results/overlays/<clip>.png).
 *
 * Coordinates: engine points are reference-frame px; truth centerlines are frame-0 px, so a
 * truth point goes to the picture at (truth − the reference frame's camera offset), as in
 * compareClip.
 */
import type { PhantomTruth } from '../../src/phantom/index.js';
import type { PointPx } from '../../src/metrics/types.js';
import { MATCH_TOLERANCE_PX } from './bars.js';
import { SegmentIndex, type EngineResult } from './harness.js';

export type Rgb = readonly [number, number, number];
export const ENGINE_RGB: Rgb = [255, 0, 0];
export const FOUND_RGB: Rgb = [0, 255, 0];
export const BESIDE_RGB: Rgb = [0, 160, 255];
export const MISSED_RGB: Rgb = [255, 0, 255];
export const REGION_RGB: Rgb = [255, 220, 0];
/** Truth outside the analysed region: not judged, drawn dark. */
export const OUTSIDE_RGB: Rgb = [70, 70, 70];

export interface OverlayImage {
  /** RGB, 3 bytes per pixel, row-major. */
  data: Uint8Array;
  width: number;
  height: number;
}

/** The truth-against-engine picture (see the file comment); `upscale` px per image px. */
export function truthOverlay(mean: Float32Array, width: number, height: number, truth: PhantomTruth, result: EngineResult, upscale = 3): OverlayImage {
  if (mean.length !== width * height) throw new RangeError(`truthOverlay: mean image has ${mean.length} values, not ${width}×${height}`);
  const S = Math.max(1, Math.round(upscale));
  const W = width * S;
  const H = height * S;
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const g = Math.max(0, Math.min(255, Math.round(mean[Math.floor(y / S) * width + Math.floor(x / S)]!)));
      const o = (y * W + x) * 3;
      data[o] = data[o + 1] = data[o + 2] = g;
    }
  }
  const put = (x: number, y: number, c: Rgb): void => {
    const px = Math.round(x * S + (S - 1) / 2);
    const py = Math.round(y * S + (S - 1) / 2);
    if (px < 0 || py < 0 || px >= W || py >= H) return;
    const o = (py * W + px) * 3;
    data[o] = c[0];
    data[o + 1] = c[1];
    data[o + 2] = c[2];
  };
  const segment = (a: PointPx, b: PointPx, c: Rgb): void => {
    const n = Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) * S * 2) + 1;
    for (let k = 0; k <= n; k++) put(a[0] + ((b[0] - a[0]) * k) / n, a[1] + ((b[1] - a[1]) * k) / n, c);
  };
  // Analysed region (reference-frame px).
  const r = result.analysis.analysedRegion;
  const corners: PointPx[] = [[r.x - 0.5, r.y - 0.5], [r.x + r.width - 0.5, r.y - 0.5], [r.x + r.width - 0.5, r.y + r.height - 0.5], [r.x - 0.5, r.y + r.height - 0.5]];
  for (let i = 0; i < 4; i++) segment(corners[i]!, corners[(i + 1) % 4]!, REGION_RGB);
  // Truth, coloured by its distance to the engine, then the engine on top.
  const engine = result.vessels.map((v) => v.points as readonly PointPx[]);
  const grid = new SegmentIndex(8);
  engine.forEach((pl, i) => grid.add(pl, i, 2 * MATCH_TOLERANCE_PX));
  const off = truth.frames[result.analysis.referenceFrame]?.offsetPx ?? [0, 0];
  for (const v of truth.vessels) {
    const pts = v.centerlinePx.map((p): PointPx => [p[0] - off[0], p[1] - off[1]]);
    for (let i = 1; i < pts.length; i++) {
      const mid: PointPx = [(pts[i - 1]![0] + pts[i]![0]) / 2, (pts[i - 1]![1] + pts[i]![1]) / 2];
      const inside = mid[0] >= r.x && mid[1] >= r.y && mid[0] < r.x + r.width && mid[1] < r.y + r.height;
      const colour = !inside
        ? OUTSIDE_RGB
        : grid.nearest(mid[0], mid[1], MATCH_TOLERANCE_PX) >= 0
          ? FOUND_RGB
          : grid.nearest(mid[0], mid[1], 2 * MATCH_TOLERANCE_PX) >= 0
            ? BESIDE_RGB
            : MISSED_RGB;
      segment(pts[i - 1]!, pts[i]!, colour);
    }
  }
  for (const pl of engine) for (let i = 1; i < pl.length; i++) segment(pl[i - 1]!, pl[i]!, ENGINE_RGB);
  return { data, width: W, height: H };
}
