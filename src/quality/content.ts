/**
 * Content (MIQS: few occlusions; < 30 % looped vessels optimal, > 50 % unacceptable). Two
 * features:
 *  - occluded: share of the analysed region with no tissue texture. Tissue is textured
 *    everywhere (mottled mucosa, capillaries); an air bubble or a film of saliva is flat. On
 *    the stabilised mean image (sensor noise averaged out; the tissue is still):
 *      T = G(|∇ G(M, textureScaleUm)|, textureWindowUm) / G(M, textureWindowUm)
 *    the local mean gradient per µm relative to the local brightness (a smooth illumination
 *    gradient stays below ~0.15 %/µm over an SDF field); a pixel is occluded where
 *    T < textureMin, after a majority vote over the texture window (G of the indicator ≥ ½)
 *    so isolated flat specks do not count. Limits: a bubble's dark rim and highlight are
 *    texture, so the flat interior is what is counted (an under-read of the true area); a
 *    strongly defocused field loses its fine texture too (focus then scores it);
 *  - looped: share of the segmented vessel length on closed loops (segments that close on
 *    themselves, `closedLoop`), a proxy for looped capillaries (lip, gingiva: not a
 *    sublingual field).
 */
import type { AnalysedRect } from '../analysis/stabilise-types.js';
import type { CoreBackend } from '../backend/types.js';
import type { PixelScale } from '../metrics/types.js';
import { feature, fmt, fromFeatures, gradeAtMost } from './grade.js';
import type { QualityParams } from './params.js';
import type { QualityCategory, QualityFeature, QualitySegment } from './types.js';

/**
 * Mean-image grey levels within this of saturatedLevel count as clipped, not occluded: a pixel
 * clipped in most frames averages a little below 255 (noise pulls some frames under).
 */
const SATURATION_MARGIN = 10;

/** 1 where the image has no tissue texture (see the file comment), over the whole image. */
export function occlusionMap(core: CoreBackend, image: Float32Array, width: number, height: number, scale: PixelScale, p: QualityParams): Uint8Array {
  const sx = scale.umPerPxX, sy = scale.umPerPxY;
  const umPx = Math.sqrt(sx * sy);
  const smooth = core.gaussianBlur(image, width, height, Math.max(0.5, p.textureScaleUm / umPx));
  // Gradient magnitude per µm (central differences; image edges: one-sided).
  const grad = new Float32Array(image.length);
  for (let j = 0; j < height; j++) {
    const ju = Math.max(0, j - 1), jd = Math.min(height - 1, j + 1);
    for (let i = 0; i < width; i++) {
      const il = Math.max(0, i - 1), ir = Math.min(width - 1, i + 1);
      const gx = (smooth[j * width + ir]! - smooth[j * width + il]!) / (Math.max(1, ir - il) * sx);
      const gy = (smooth[jd * width + i]! - smooth[ju * width + i]!) / (Math.max(1, jd - ju) * sy);
      grad[j * width + i] = Math.sqrt(gx * gx + gy * gy);
    }
  }
  const sWin = Math.max(1, p.textureWindowUm / umPx);
  const energy = core.gaussianBlur(grad, width, height, sWin);
  const level = core.gaussianBlur(image, width, height, sWin);
  const flat = new Float32Array(image.length);
  // Clipped tissue is flat too, but that is illumination's finding (saturated), not an occluder.
  const clipped = p.saturatedLevel - SATURATION_MARGIN;
  for (let i = 0; i < image.length; i++) {
    const l = level[i]!;
    flat[i] = l > 0 && image[i]! < clipped && energy[i]! / l < p.textureMin ? 1 : 0;
  }
  const vote = core.gaussianBlur(flat, width, height, sWin);
  const out = new Uint8Array(image.length);
  for (let i = 0; i < image.length; i++) out[i] = vote[i]! >= 0.5 ? 1 : 0;
  return out;
}

export function occludedFraction(occ: Uint8Array, width: number, region: AnalysedRect): number {
  let n = 0;
  for (let j = region.y; j < region.y + region.height; j++) for (let i = region.x; i < region.x + region.width; i++) n += occ[j * width + i]!;
  return n / Math.max(1, region.width * region.height);
}

/** Share of the segments' length on closed loops; null without vessel length. */
export function loopedFraction(segments: readonly QualitySegment[]): number | null {
  let all = 0, loop = 0;
  for (const s of segments) {
    all += s.lengthUm;
    if (s.closedLoop) loop += s.lengthUm;
  }
  return all > 0 ? loop / all : null;
}

export function contentCategory(occluded: number, segments: readonly QualitySegment[] | null, p: QualityParams): QualityCategory {
  const looped = segments === null ? null : loopedFraction(segments);
  const features: QualityFeature[] = [
    feature('occluded', occluded, 'fraction of region', gradeAtMost(occluded, p.occludedOptimalMaxFraction, p.occludedAcceptableMaxFraction)),
    feature('looped vessels', looped, 'fraction of vessel length', looped === null ? null : looped < p.loopedOptimalMaxFraction ? 0 : looped <= p.loopedAcceptableMaxFraction ? 1 : 10),
  ];
  return fromFeatures(features, (f) =>
    f.name === 'occluded'
      ? `occluded (no tissue texture) ${fmt(f.value)} of the region (≤ ${p.occludedOptimalMaxFraction} optimal, ≤ ${p.occludedAcceptableMaxFraction} acceptable)`
      : f.value === null
        ? `looped vessels: not measured (${segments === null ? 'no segmentation' : 'no vessels'})`
        : `looped vessels ${fmt(f.value)} of the vessel length (< ${p.loopedOptimalMaxFraction} optimal, ≤ ${p.loopedAcceptableMaxFraction} acceptable)`);
}
