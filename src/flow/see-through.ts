/**
 * What a vessel's lumen would look like if it showed nothing but the tissue behind it: the
 * reference level for the stop test's "barcode" condition (estimate.ts). A stopped RBC column
 * is a static pattern of its own; a fast, blurred or featureless column is static too, but its
 * only cell-scale texture is the tissue mottle seen through it, and that must not read as a
 * stop (the domain rule: a missing streak is not a stop).
 */
import { highPass, rowSd } from './correlate.js';
import type { FlowParams } from './params.js';
import type { PathSamples } from './path-samples.js';
import type { FlowPath } from './types.js';

/**
 * The cell-scale texture a column would show if it were only the tissue seen through the
 * vessel (a fast, blurred or featureless column), on the stabilised mean image: the tissue's
 * texture beside the path × the lumen's transmission.
 * - Tissue texture: two lines at ±(radius + backgroundGapPx) from the centerline, sampled
 *   bilinearly at the path's samples, normalised like the rows (× 100 / imageMean, the
 *   image's mean grey level, computed once by the caller for all paths),
 *   high-passed like the stop test; the smaller of the two sides' SDs (another vessel may run
 *   along one side).
 * - Transmission: the lumen's mean grey level over the tissue's (both lines), at most 1 and at
 *   least p.stopSeeThroughMinTransmission (params.ts: why it has a floor). The
 *   image is tissue × the vessel's transmission (Beer–Lambert: light through the column is
 *   attenuated, not replaced), so tissue mottle seen through a lumen keeps its relative
 *   contrast but loses absolute amplitude in that ratio; the rows are in absolute units
 *   (grey × 100 / frame mean), so the comparison must be too.
 * undefined when a line leaves the image.
 */
export function seeThroughTextureSd(img: Float32Array, w: number, h: number, imageMean: number, path: FlowPath, s: PathSamples, p: FlowParams): number | undefined {
  const n = s.count;
  if (n < 4) return undefined;
  const k = 100 / Math.max(1e-6, imageMean);
  const off = path.diameterPx / 2 + p.backgroundGapPx;
  const hpR = Math.max(1, Math.round(p.highPassRadiusUm / s.stepUm));
  const fineR = Math.max(1, Math.round(p.stopTextureRadiusUm / s.stepUm));
  // Lines at offsets 0 (the centerline), −off and +off across the path.
  const lines: Float32Array[] = [];
  for (const sgn of [0, -1, 1]) {
    const row = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      // The left line's points sit at centre − ½·halfWidth·normal; recover the centre from both lines.
      const cx = (s.points[2 * i]! + s.points[2 * (n + i)]!) / 2;
      const cy = (s.points[2 * i + 1]! + s.points[2 * (n + i) + 1]!) / 2;
      const x = cx + sgn * off * s.normals[2 * i]!;
      const y = cy + sgn * off * s.normals[2 * i + 1]!;
      if (!(x >= 0 && y >= 0 && x <= w - 1 && y <= h - 1)) return undefined;
      const x0 = Math.min(Math.floor(x), w - 2), y0 = Math.min(Math.floor(y), h - 2);
      const fx = x - x0, fy = y - y0;
      const q = y0 * w + x0;
      row[i] = ((img[q]! * (1 - fx) + img[q + 1]! * fx) * (1 - fy) + (img[q + w]! * (1 - fx) + img[q + w + 1]! * fx) * fy) * k;
    }
    lines.push(row);
  }
  const mean = (r: Float32Array): number => {
    let m = 0;
    for (let i = 0; i < n; i++) m += r[i]!;
    return m / n;
  };
  const tissueMean = (mean(lines[1]!) + mean(lines[2]!)) / 2;
  const measured = tissueMean > 0 ? Math.min(1, mean(lines[0]!) / tissueMean) : 1;
  const transmission = Math.max(p.stopSeeThroughMinTransmission, measured);
  const sd = (r: Float32Array): number => rowSd(highPass(highPass(r, hpR), fineR));
  return transmission * Math.min(sd(lines[1]!), sd(lines[2]!));
}
