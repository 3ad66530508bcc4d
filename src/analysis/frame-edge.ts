/**
 * Vessels cut lengthwise by the edge of the picture: a venule running along the border with
 * part of its lumen outside the frame. Its traced centerline is the middle of the visible
 * part, and every cross-section is truncated, so its width is only a lower bound: on the
 * phantom study a 41-µm venule whose centerline lies below the bottom edge was measured
 * 19.5 µm and counted as a small, continuously perfused vessel (118 µm of "small" length in
 * one quadrant).
 *
 * The test, per station along the centerline: where the picture ends within the vessel's
 * visible width + 2 px along the normal (the visible half width itself is truncated, so the
 * reach is twice it), compare the last pixel before the edge with the
 * centerline and with the tissue on the other side (half width + 3 px away) on the mean
 * image. A cross-section is truncated when that last pixel is still at least half as dark as
 * the centerline (relative to the tissue): the lumen goes on past the edge. A capillary that
 * merely runs close to the edge shows its whole profile (tissue again before the edge) and is
 * not. The vessel is cut when at least CUT_MIN_SHARE of its stations are.
 */
import type { PointPx } from '../metrics/types.js';
import { stationsAlong } from './diameter.js';

/** Share of a vessel's stations that must be truncated by the picture's edge. */
export const CUT_MIN_SHARE = 0.5;

function pixel(img: Float32Array, w: number, h: number, x: number, y: number): number | null {
  const rx = Math.round(x), ry = Math.round(y);
  return rx >= 0 && ry >= 0 && rx < w && ry < h ? img[ry * w + rx]! : null;
}

/** Share (0–1) of the polyline's cross-sections truncated by the picture's edge (see above); halfWidthPx: the vessel's visible half width. */
export function edgeTruncatedShare(mean: Float32Array, width: number, height: number, polyline: readonly PointPx[], halfWidthPx: number): number {
  const stations = stationsAlong(polyline, 1);
  if (stations.length === 0) return 0;
  const reach = 2 * halfWidthPx + 2;
  let cut = 0;
  for (const st of stations) {
    const nx = -st.t[1];
    const ny = st.t[0];
    const c = pixel(mean, width, height, st.p[0], st.p[1]);
    if (c === null) continue;
    for (const sgn of [-1, 1]) {
      // Walk towards this side in 0.5-px steps; the last sample still inside the picture.
      let last: number | null = null;
      let leaves = false;
      for (let k = 1; k <= Math.ceil(2 * reach); k++) {
        const v = pixel(mean, width, height, st.p[0] + sgn * 0.5 * k * nx, st.p[1] + sgn * 0.5 * k * ny);
        if (v === null) {
          leaves = true;
          break;
        }
        last = v;
      }
      if (!leaves || last === null) continue;
      const bg = pixel(mean, width, height, st.p[0] - sgn * (halfWidthPx + 3) * nx, st.p[1] - sgn * (halfWidthPx + 3) * ny);
      if (bg === null || !(bg > c)) continue;
      if (bg - last >= 0.5 * (bg - c)) {
        cut++;
        break;
      }
    }
  }
  return cut / stations.length;
}
