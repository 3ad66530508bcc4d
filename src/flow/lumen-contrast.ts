/**
 * A stop needs a visible lumen: the darkness of a vessel against the tissue beside it, and
 * the gate that keeps a faint, static trace from being called stopped.
 *
 * Why: the stop test (estimate.ts) finds a static, textured pattern whose frames stay
 * correlated — the barcode of stopped red cells. Tissue mottle is static and textured too,
 * and where the segmentation traces mottle (darker patches of the field, fine scales such as
 * 0.7 µm/px) the trace reads as stopped or intermittent: false no-flow length that pulls PPV
 * and PVD down, the error that matters most in shock. What tells the two apart is the lumen:
 * red cells packed in a stopped capillary absorb green light, so the vessel is plainly darker
 * than the tissue beside it; mottle is a few per cent darker at most. Measured on the full
 * phantom set (24 clips, 2026-12-07), engine vessels read stopped or intermittent, contrast
 * below: matched to a true vessel (≤ 2 px) median 0.31–0.35, 10th percentile 0.13–0.17;
 * matching none (tissue mottle, bubble rims) median 0.09, 75th percentile 0.11–0.13.
 *
 * Contrast of a vessel, on the stabilised mean image: at every interior point of its
 * centerline, (ring − centre) / ring, the centre the bilinear sample on the centerline and the
 * ring the median of samples across the vessel at radius + 3 µm to radius + 8 µm on both sides
 * (1-px steps: past the wall's blur, still the tissue next to the vessel); the vessel's
 * contrast is the median over its points. A moving vessel keeps its class whatever its
 * contrast (its motion is the evidence); a stop or an intermittent call below the bar
 * becomes unclassified, with the reason, so it leaves PPV's denominator but stays in TVD.
 * Tried and left out (full set, 2026-12-07): the same gate on fast flow inferred from no
 * streak at all (censored above). Such calls on faint traces are mostly false too (29 of 34
 * under 0.1 lie on no true vessel, 1416 of 1631 µm), but withdrawing them lowered PVD, which
 * the engine already under-reads through missed vessels: PVD within ±15 % on 8 → 6 clips
 * (small and all), MFIVessel 15 → 14, PPV unchanged.
 */
import type { PixelScale, PointPx } from '../metrics/types.js';
import { bilinear } from '../quality/image-tools.js';
import type { VesselFlow } from './types.js';

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
    const bg = medianOf(ring);
    if (!(bg > 0)) continue;
    values.push((bg - centre) / bg);
  }
  return values.length > 0 ? medianOf(values) : null;
}

/**
 * The flow with a stop or intermittent call withdrawn when the vessel's lumen is fainter than
 * minContrast (contrast null — no ring inside the image — leaves the call as it is).
 */
export function gateStopByContrast(flow: VesselFlow, contrast: number | null, minContrast: number): VesselFlow {
  if (flow.flowClass === null || flow.flowClass > 1 || contrast === null || contrast >= minContrast) return flow;
  const pct = (x: number): string => `${(100 * x).toFixed(0)} %`;
  return {
    ...flow,
    flowClass: null,
    reason: `static but faint: its lumen is ${pct(contrast)} darker than the tissue beside it, and a ${flow.flowClass === 0 ? 'stop' : 'intermittent'} call needs ${pct(minContrast)} (stopped red cells are dark; tissue mottle is not)`,
  };
}

function medianOf(v: number[]): number {
  const s = Float64Array.from(v).sort();
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}
