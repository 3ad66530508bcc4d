/**
 * Focus (MIQS: plasma gaps and RBCs visible): the sharpness of vessel walls on the
 * stabilised mean image, as an EDGE WIDTH in µm. Across each vessel, every
 * edgeProfileSpacingUm along its centerline, a profile is sampled along the normal (±(radius +
 * max(radius, 8 µm)), 0.5-px steps, bilinear); on each side of the centre
 *
 *   edge width = (tissue level at the profile's end − darkest value near the centre)
 *                / steepest slope between them       (µm)
 *
 * (each profile the mean of three parallel ones 1 px apart along the vessel, against noise),
 * i.e. the step height over its steepest gradient: for a wall blurred by a Gaussian of σ it
 * is σ·√(2π) ≈ 2.5 σ, whatever the vessel's contrast or the image's brightness. The
 * clip's value is the median over all usable wall profiles, so it does not depend on how
 * many vessels there are (vessel density), only on how sharp each one is. Profiles whose
 * vessel is hardly darker than the tissue (edgeMinRelativeDepth) are left out.
 */
import { feature, fmt, fromFeatures, gradeAtMost, unscored } from './grade.js';
import { bilinear, median } from './image-tools.js';
import type { AnalysedRect } from '../analysis/stabilise-types.js';
import type { PixelScale, PointPx } from '../metrics/types.js';
import type { QualityParams } from './params.js';
import type { QualityCategory, QualitySegment } from './types.js';

/** Extra half-length of a wall profile beyond the vessel's radius, µm (at least the radius). */
const PROFILE_MARGIN_UM = 8;
const STEP_PX = 0.5;

/** Points every `step` px along a polyline, with the unit tangent there. */
function alongPolyline(poly: readonly PointPx[], step: number): { x: number; y: number; tx: number; ty: number }[] {
  const out: { x: number; y: number; tx: number; ty: number }[] = [];
  let carry = step / 2;
  for (let i = 0; i + 1 < poly.length; i++) {
    const [x0, y0] = poly[i]!, [x1, y1] = poly[i + 1]!;
    const len = Math.sqrt((x1 - x0) ** 2 + (y1 - y0) ** 2);
    if (len === 0) continue;
    const tx = (x1 - x0) / len, ty = (y1 - y0) / len;
    let t = carry;
    while (t <= len) {
      out.push({ x: x0 + t * tx, y: y0 + t * ty, tx, ty });
      t += step;
    }
    carry = t - len;
  }
  return out;
}

/** Edge widths (px) of the two walls of one cross-profile; each null when unusable. */
export function wallWidthsPx(profile: readonly number[], centreHalfPx: number, minRelDepth: number): (number | null)[] {
  const n = profile.length;
  const c = (n - 1) / 2;
  if (profile.some((v) => !Number.isFinite(v))) return [];
  const ci = Math.max(1, Math.round(centreHalfPx / STEP_PX));
  let centre = Infinity, cIdx = Math.round(c);
  for (let i = Math.max(0, Math.round(c) - ci); i <= Math.min(n - 1, Math.round(c) + ci); i++) {
    if (profile[i]! < centre) {
      centre = profile[i]!;
      cIdx = i;
    }
  }
  const end = Math.max(1, Math.round(2 / STEP_PX)); // the outer 2 px of each side
  const sideOf = (from: number, to: number): number | null => {
    // Tissue level: mean of the outer samples; slope over a 1-px baseline.
    const outer = from < to ? profile.slice(from, from + end) : profile.slice(from - end + 1, from + 1);
    const tissue = outer.reduce((a, v) => a + v, 0) / outer.length;
    const depth = tissue - centre;
    if (!(tissue > 0) || depth < minRelDepth * tissue) return null;
    const lo = Math.min(from, to), hi = Math.max(from, to);
    const b = Math.round(1 / STEP_PX / 2); // half-baseline in samples
    let maxSlope = 0;
    for (let i = lo + b; i <= hi - b; i++) maxSlope = Math.max(maxSlope, Math.abs(profile[i + b]! - profile[i - b]!) / (2 * b * STEP_PX));
    return maxSlope > 0 ? depth / maxSlope : null;
  };
  return [sideOf(0, cIdx), sideOf(n - 1, cIdx)];
}

/** Median edge width over the segments' wall profiles, µm, and the number of profiles used. */
export function edgeWidthUm(
  image: Float32Array, width: number, height: number, scale: PixelScale, region: AnalysedRect, segments: readonly QualitySegment[], p: QualityParams,
): { widthUm: number | null; profiles: number } {
  const umPx = Math.sqrt(scale.umPerPxX * scale.umPerPxY);
  const widths: number[] = [];
  for (const sg of segments) {
    const rPx = sg.diameterUm / 2 / umPx;
    if (!(rPx > 0)) continue;
    const half = rPx + Math.max(rPx, PROFILE_MARGIN_UM / umPx);
    const nHalf = Math.ceil(half / STEP_PX);
    for (const q of alongPolyline(sg.polyline, p.edgeProfileSpacingUm / umPx)) {
      if (q.x < region.x || q.y < region.y || q.x > region.x + region.width - 1 || q.y > region.y + region.height - 1) continue;
      const nx = -q.ty, ny = q.tx;
      const prof: number[] = [];
      for (let k = -nHalf; k <= nHalf; k++) {
        const s = k * STEP_PX;
        // Three parallel profiles (−1, 0, +1 px along the vessel), averaged: less noise, no blur across the wall.
        let v = 0;
        for (let a = -1; a <= 1; a++) {
          const x = q.x + s * nx + a * q.tx, y = q.y + s * ny + a * q.ty;
          // Stay inside the region: outside it the mean image mixes fewer frames (or none).
          v += x < region.x || y < region.y || x > region.x + region.width - 1 || y > region.y + region.height - 1 ? NaN : bilinear(image, width, height, x, y);
        }
        prof.push(v / 3);
      }
      for (const w of wallWidthsPx(prof, Math.max(1, rPx / 2), p.edgeMinRelativeDepth)) if (w !== null) widths.push(w * umPx);
    }
  }
  return { widthUm: widths.length >= p.edgeMinProfiles ? median(widths) : null, profiles: widths.length };
}

export function focusCategory(
  image: Float32Array, width: number, height: number, scale: PixelScale, region: AnalysedRect, segments: readonly QualitySegment[] | null, p: QualityParams,
): QualityCategory {
  if (segments === null) return unscored('µm', 'no vessel segmentation given: focus is judged on vessel edges');
  const { widthUm, profiles } = edgeWidthUm(image, width, height, scale, region, segments, p);
  if (widthUm === null) {
    // No vessel walls to judge: either no vessels or so blurred that none were found.
    return unscored('µm', `only ${profiles} usable vessel-wall profiles (fewer than ${p.edgeMinProfiles}): focus not judged`, [feature('edge width', null, 'µm', null)]);
  }
  return fromFeatures([feature('edge width', widthUm, 'µm', gradeAtMost(widthUm, p.edgeWidthOptimalMaxUm, p.edgeWidthAcceptableMaxUm))], () =>
    `vessel-wall edge width ${fmt(widthUm)} µm, median of ${profiles} wall profiles (≤ ${p.edgeWidthOptimalMaxUm} µm optimal, ≤ ${p.edgeWidthAcceptableMaxUm} µm acceptable)`);
}
