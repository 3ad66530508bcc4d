import { computeClipMetrics } from '../../src/metrics/clip.js';
import { measurePolyline } from '../../src/metrics/region.js';
import type { AnalysedRegion, PixelScale, SegmentInput } from '../../src/metrics/types.js';
import { mulberry32 } from './helpers.js';

/**
 * n straight segments of length lengthUm, isotropic in PHYSICAL space (angle uniform in
 * [0, π)) with centres uniform over the region dilated by lengthUm/2 on every side ("plus
 * sampling"), so that after clipping to the region the vessel pattern inside it is
 * stationary: no edge depletion, and the grid lines see the same density as the area.
 */
export function randomSegmentsMetrics(seed: number, n: number, lengthUm: number, region: AnalysedRegion, scale: PixelScale) {
  const rnd = mulberry32(seed);
  const wUm = region.width * scale.umPerPxX;
  const hUm = region.height * scale.umPerPxY;
  const segs: SegmentInput[] = [];
  for (let i = 0; i < n; i++) {
    const cx = -lengthUm / 2 + rnd() * (wUm + lengthUm);
    const cy = -lengthUm / 2 + rnd() * (hUm + lengthUm);
    const th = rnd() * Math.PI;
    const dx = (Math.cos(th) * lengthUm) / 2;
    const dy = (Math.sin(th) * lengthUm) / 2;
    const toPx = (xu: number, yu: number): [number, number] => [region.x + xu / scale.umPerPxX, region.y + yu / scale.umPerPxY];
    const m = measurePolyline([toPx(cx - dx, cy - dy), toPx(cx + dx, cy + dy)], region, scale);
    segs.push({ id: String(i), ...m, diameterUm: 6, flowClass: 3 });
  }
  return computeClipMetrics({ region, scale, segments: segs });
}
