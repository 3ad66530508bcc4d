/**
 * Lumen contrast: how much darker a vessel's centerline is than the tissue beside it.
 *
 * Red cells absorb green light, so a vessel holding them is plainly darker than the tissue
 * next to it; tissue mottle, which the vesselness filter also answers to in darker patches
 * of a field, is a few per cent darker at most. Two decisions use it: a centerline chain
 * needs a visible lumen to be a vessel at all (segment.ts, SegmentParams.chainMinLumenContrast,
 * on the image segmented: in a clip the stabilised mean darkened where cells move), and a
 * stop or intermittent call needs one on the stabilised mean (flow/lumen-contrast.ts).
 *
 * Contrast of a vessel: at every interior point of its centerline, (ring − centre) / ring,
 * the centre the bilinear sample on the centerline and the ring the median of samples across
 * the vessel at radius + 3 µm to radius + 8 µm on both sides (1-px steps: past the wall's
 * blur, still the tissue next to the vessel); the vessel's contrast is the median over its
 * points. The image must be an intensity (0 = black), as the grey levels of a frame are.
 */
import type { PixelScale, PointPx } from '../metrics/types.js';
import { bilinear, median } from '../quality/image-tools.js';

/** Ring around the vessel, µm beyond its radius. */
export const LUMEN_RING_INNER_UM = 3;
export const LUMEN_RING_OUTER_UM = 8;

/**
 * The median relative darkness of a vessel's centerline against the tissue beside it (see the
 * file comment); diameterPx its width, px (the ring's offsets are in µm); null when no point
 * has a centre and ring inside the image.
 */
export function lumenContrast(mean: Float32Array, width: number, height: number, polylinePx: readonly PointPx[], diameterPx: number, scale: PixelScale): number | null {
  const umPx = Math.sqrt(scale.umPerPxX * scale.umPerPxY);
  const r = diameterPx / 2;
  const inner = r + LUMEN_RING_INNER_UM / umPx;
  const outer = r + LUMEN_RING_OUTER_UM / umPx;
  const n = polylinePx.length;
  const values: number[] = [];
  const ring: number[] = [];
  for (let i = 2; i < n - 2; i++) {
    const a = polylinePx[i - 2]!;
    const b = polylinePx[i + 2]!;
    const tx = b[0] - a[0];
    const ty = b[1] - a[1];
    const len = Math.hypot(tx, ty);
    if (!(len > 0)) continue;
    const nx = -ty / len;
    const ny = tx / len;
    const [x, y] = polylinePx[i]!;
    const centre = bilinear(mean, width, height, x, y);
    if (Number.isNaN(centre)) continue;
    ring.length = 0;
    for (let d = inner; d <= outer + 1e-9; d += 1) {
      for (const s of [1, -1]) {
        const v = bilinear(mean, width, height, x + s * d * nx, y + s * d * ny);
        if (!Number.isNaN(v)) ring.push(v);
      }
    }
    if (ring.length === 0) continue;
    const bg = median(ring);
    if (!(bg > 0)) continue;
    values.push((bg - centre) / bg);
  }
  return values.length > 0 ? median(values) : null;
}
