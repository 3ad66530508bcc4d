/**
 * Centerline refinement: each point of a smoothed skeleton chain is moved across the vessel
 * to the bottom of the intensity valley it lies in.
 *
 * Why: the skeleton is the middle of the vessel MASK, and the mask is not symmetric wherever
 * the tissue on one side of a vessel is darker than on the other (the mask's half-depth and
 * darkness rules then take in a shoulder on that side). Thinning puts the centerline in the
 * middle of mask + shoulder: measured on the phantom set, 10 % of in-focus capillary length
 * lay 2–4 px from the true axis although the vessel's darkest line was plain to see (e.g. a
 * 6-µm capillary whose profile bottoms out 3 px from the skeleton). The axis of a dark vessel
 * is the minimum of its cross profile: the sub-pixel line detector of Steger (1998, IEEE
 * TPAMI 20:113, "An unbiased detector of curvilinear structures") places it where the first
 * derivative across the line vanishes on the smoothed image; here that point is found by
 * walking downhill along the normal from the skeleton point (quarter-pixel steps), then a
 * parabola through samples a pixel apart around the lowest one.
 *
 * Rules that keep it safe:
 *  - downhill only from the current point: the walk stops at the first minimum, so it cannot
 *    cross a brighter gap to a neighbouring vessel;
 *  - at most maxShiftPx; a walk that reaches that bound found no valley and leaves the
 *    point where it is (a broad slope, not a vessel's bottom);
 *  - the shifts are smoothed along the chain (moving average ±smoothPx points), so a vessel
 *    moves as a whole and texture does not make it wiggle;
 *  - towards an end that sits on a junction the shift fades to zero over fadePx, so chains
 *    still meet where the graph joins them.
 * The image is the contrast-normalised image (vessels are negative) smoothed a little
 * (segment.ts, zValley: σ = centerlineValleySigmaUm, 1.3 µm): enough to remove pixel noise,
 * not so much that a tortuous capillary's bends flatten. Smoothed at the thinnest vessel's
 * scale (2.5 µm) a bend of 16 µm wavelength kept 62 % of its amplitude and the centerlines
 * of in-focus capillaries came out ~5 % shorter than the vessels (segment-params.ts).
 */
import type { PointPx } from '../metrics/types.js';
import { bilinear } from '../quality/image-tools.js';

export interface ValleyOptions {
  /** Largest shift across the chain, px. */
  maxShiftPx: number;
  /** Half-width of the moving average of the shifts along the chain, points. */
  smoothPoints: number;
  /** Distance along the chain over which the shift fades to 0 at a junction end, px. */
  fadePx: number;
  /** Whether the first / last point sits on a junction (its shift fades to 0 there). */
  fixedStart: boolean;
  fixedEnd: boolean;
  /** Closed loop: first point repeated at the end. */
  closed: boolean;
}

/** Profile sample spacing along the normal, px. */
export const VALLEY_STEP_PX = 0.25;

/** Bilinear sample of img at (x, y), the point clamped into the image. */
function sample(img: Float32Array, width: number, height: number, x: number, y: number): number {
  return bilinear(img, width, height, Math.min(Math.max(x, 0), width - 1), Math.min(Math.max(y, 0), height - 1));
}

/**
 * The signed shift along the unit normal (nx, ny) from (x, y) to the bottom of the valley the
 * point lies in, px; 0 when the walk reaches maxShiftPx without finding a minimum, or when the
 * far side of the minimum does not climb back to the start's level within maxShiftPx.
 */
export function valleyShift(img: Float32Array, width: number, height: number, x: number, y: number, nx: number, ny: number, maxShiftPx: number): number {
  const h = VALLEY_STEP_PX;
  const f = (t: number): number => sample(img, width, height, x + t * nx, y + t * ny);
  const f0 = f(0);
  const fp = f(h);
  const fm = f(-h);
  let dir = 0;
  if (fp < f0 && fp <= fm) dir = 1;
  else if (fm < f0) dir = -1;
  let t = 0;
  let ft = f0;
  if (dir !== 0) {
    for (;;) {
      const tn = t + dir * h;
      if (Math.abs(tn) > maxShiftPx) return 0;
      const fn = f(tn);
      if (!(fn < ft)) break;
      t = tn;
      ft = fn;
    }
  }
  // The far wall must climb back to the start's level within maxShiftPx beyond the bottom:
  // the start and the bottom are then one valley (a point on a slope into a darker region,
  // whose "bottom" is a texture dip, has no such wall).
  if (dir !== 0) {
    let wall = false;
    for (let u = t + dir * h; Math.abs(u - t) <= maxShiftPx; u += dir * h) {
      if (f(u) >= f0) {
        wall = true;
        break;
      }
    }
    if (!wall) return 0;
  }
  // Parabola through t − 1, t, t + 1 px: bilinear interpolation is piecewise linear between
  // pixel rows, so the fine walk alone stops on a pixel's row; samples a pixel apart see
  // the valley's curvature.
  const a = f(t - 1);
  const c = f(t + 1);
  const den = a - 2 * ft + c;
  const sub = den > 0 ? (0.5 * (a - c)) / den : 0;
  const s = t + Math.max(-0.5, Math.min(0.5, sub));
  return Math.abs(s) > maxShiftPx ? 0 : s;
}

/** The chain's points moved to the valley bottom (see the file comment); a new array. */
export function refineToValley(pts: readonly PointPx[], img: Float32Array, width: number, height: number, o: ValleyOptions): PointPx[] {
  const n = pts.length;
  if (n < 3) return pts.map((q) => [q[0], q[1]]);
  const m = o.closed ? n - 1 : n; // distinct points
  const at = (i: number): PointPx => (o.closed ? pts[((i % m) + m) % m]! : pts[Math.min(Math.max(i, 0), n - 1)]!);
  const normals: [number, number][] = [];
  const shift = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const a = at(i - 2);
    const b = at(i + 2);
    const tx = b[0] - a[0];
    const ty = b[1] - a[1];
    const len = Math.hypot(tx, ty);
    const nx = len > 0 ? -ty / len : 0;
    const ny = len > 0 ? tx / len : 0;
    normals.push([nx, ny]);
    shift[i] = len > 0 ? valleyShift(img, width, height, pts[i]![0], pts[i]![1], nx, ny, o.maxShiftPx) : 0;
  }
  // Moving average of the shifts (cyclic on a loop; the window shrinks at open ends).
  const k = Math.max(0, Math.floor(o.smoothPoints));
  const smooth = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    let c = 0;
    for (let j = -k; j <= k; j++) {
      const q = i + j;
      if (o.closed) s += shift[((q % m) + m) % m]!;
      else if (q >= 0 && q < m) s += shift[q]!;
      else continue;
      c++;
    }
    smooth[i] = s / c;
  }
  // Fade towards junction ends, by arc length.
  const arc = new Float64Array(m);
  for (let i = 1; i < m; i++) arc[i] = arc[i - 1]! + Math.hypot(pts[i]![0] - pts[i - 1]![0], pts[i]![1] - pts[i - 1]![1]);
  const total = arc[m - 1]!;
  const out: PointPx[] = [];
  for (let i = 0; i < m; i++) {
    let w = 1;
    if (!o.closed && o.fadePx > 0) {
      if (o.fixedStart) w = Math.min(w, arc[i]! / o.fadePx);
      if (o.fixedEnd) w = Math.min(w, (total - arc[i]!) / o.fadePx);
    }
    const s = smooth[i]! * Math.max(0, Math.min(1, w));
    out.push([pts[i]![0] + s * normals[i]![0], pts[i]![1] + s * normals[i]![1]]);
  }
  if (o.closed) out.push([out[0]![0], out[0]![1]]);
  return out;
}
