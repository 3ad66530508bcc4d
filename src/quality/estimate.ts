/**
 * estimateQuality: the automatic MIQS estimate of one clip (or still) from what the pipeline
 * already has — the probe's per-frame records, the stabilisation (window, track, region), the
 * stabilised mean image, the segmentation of that mean image and the per-vessel flow.
 *
 *   duration      ← stabilisation (window, track)                       duration.ts
 *   stability     ← stabilisation track + probe sharpness               stability.ts
 *   illumination  ← probe histograms + mean image + vessel mask         illumination.ts
 *   focus         ← mean image + centerline segments                    focus.ts
 *   content       ← mean image texture + segments (loops)               content.ts
 *   pressure      ← per-vessel flow classes                             pressure.ts
 *
 * Each category is null, with its reason, when its input is missing; a still (no
 * stabilisation) has duration, stability and pressure null.
 */
import { loadBackend } from '../backend/index.js';
import type { AnalysedRect } from '../analysis/stabilise-types.js';
import { contentCategory, occludedFraction, occlusionMap } from './content.js';
import { durationCategory } from './duration.js';
import { focusCategory } from './focus.js';
import { illuminationCategory } from './illumination.js';
import { asFloat, clipRect, dilate } from './image-tools.js';
import { resolveQualityParams } from './params.js';
import { pressureCategory } from './pressure.js';
import { stabilityCategory } from './stability.js';
import { QUALITY_CATEGORIES, QUALITY_LABEL, type Quality, type QualityCategory, type QualityCategoryName, type QualityInput } from './types.js';

/** Vessel halo kept out of the tissue statistics, µm (blur and the mask's edge). */
const TISSUE_HALO_UM = 3;

export function estimateQuality(input: QualityInput): Quality {
  const p = resolveQualityParams(input.params);
  const { width, height, scale } = input;
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) throw new RangeError(`estimateQuality: bad image size ${width}×${height}`);
  if (input.meanImage.length !== width * height) throw new RangeError(`estimateQuality: meanImage has ${input.meanImage.length} samples, expected ${width * height}`);
  if (!(scale?.umPerPxX > 0 && scale.umPerPxY > 0)) throw new RangeError('estimateQuality: the calibration (scale) must give positive µm/px');
  const s = input.stabilisation;
  if (s !== null && (s.width !== width || s.height !== height)) throw new RangeError(`estimateQuality: the stabilisation is ${s.width}×${s.height}, the image ${width}×${height}`);
  if (input.vessels !== null && input.vessels.mask.length !== width * height) throw new RangeError('estimateQuality: the vessel mask does not match the image size');
  const core = input.backend ?? loadBackend();
  const image = asFloat(input.meanImage);
  const regionIn: AnalysedRect = input.region ?? s?.region ?? { x: 0, y: 0, width, height };
  const region = clipRect(regionIn, width, height);
  const segments = input.vessels?.segments ?? null;

  const occ = occlusionMap(core, image, width, height, scale, p);
  // Tissue: the region away from vessels and occluders.
  const umPx = Math.sqrt(scale.umPerPxX * scale.umPerPxY);
  const halo = input.vessels !== null ? dilate(input.vessels.mask, width, height, Math.max(1, Math.round(TISSUE_HALO_UM / umPx))) : null;
  const tissue = new Uint8Array(width * height);
  for (let i = 0; i < tissue.length; i++) tissue[i] = occ[i] === 0 && (halo === null || halo[i] === 0) ? 1 : 0;

  const categories: Record<QualityCategoryName, QualityCategory> = {
    duration: durationCategory(s, p),
    stability: stabilityCategory(s, input.probe, p),
    illumination: illuminationCategory({ image, width, height, region, vesselMask: input.vessels?.mask ?? null, tissue }, input.probe, s, p),
    focus: focusCategory(image, width, height, scale, region, segments, p),
    content: contentCategory(occludedFraction(occ, width, region), segments, p),
    pressure: pressureCategory(input.flow, s === null, p),
  };
  let total = 0;
  const unscoredNames: QualityCategoryName[] = [];
  for (const name of QUALITY_CATEGORIES) {
    const sc = categories[name].score;
    if (sc === null) unscoredNames.push(name);
    else total += sc;
  }
  return { label: QUALITY_LABEL, categories, total, accepted: total < 10, unscored: unscoredNames };
}
