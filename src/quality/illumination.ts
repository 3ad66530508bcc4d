/**
 * Illumination (MIQS: even, not saturated). Four features:
 *  - too dark: share of the tissue (the analysed region away from vessels and occluders) of
 *    the stabilised mean image at or below darkLevel: tissue that dark cannot show a vessel
 *    against it above the sensor noise (dark vessels themselves do not count);
 *  - saturated: share of the field's pixels at or above saturatedLevel over the analysis
 *    window's frames (the probe's frameStats histograms; burnt-in overlays taken out by their
 *    area; the mean image would hide clipping that comes and goes) — for a still, of the
 *    image's region;
 *  - vessel contrast: (tissue − vessel) / tissue on the stabilised mean image, with tissue the
 *    median of the region's pixels away from vessels and vessel the median of the vessel
 *    mask's pixels; glare, saturation and a washed-out image lower it;
 *  - unevenness: the tissue brightness over a coarse grid of tiles, (max − min) / median of
 *    the tile medians: vignetting, a one-sided light, a lifted probe.
 */
import { feature, fmt, fromFeatures, gradeAtLeast, gradeAtMost } from './grade.js';
import { median } from './image-tools.js';
import type { AnalysedRect } from '../analysis/stabilise-types.js';
import type { QualityParams } from './params.js';
import type { QualityCategory, QualityFeature, QualityProbeSummary, QualityStabilisation } from './types.js';

export interface IlluminationImage {
  image: Float32Array;
  width: number;
  height: number;
  /** Clipped integer region. */
  region: AnalysedRect;
  /** Vessel mask (1 on vessels) or null; `tissue` is the region away from vessels (and occluders when known). */
  vesselMask: Uint8Array | null;
  tissue: Uint8Array;
}

/** Saturated share from the probe over the window's fresh frames; null when the probe has none of them. */
export function saturationFromProbe(probe: QualityProbeSummary, s: QualityStabilisation): { saturated: number; frames: number } | null {
  const fresh = new Set(s.track.filter((m) => m.status !== 'duplicate' && m.index >= s.window.firstFrame && m.index <= s.window.lastFrame).map((m) => m.index));
  const w = probe.width, h = probe.height;
  const iw = Math.max(0, w - s.borders.left - s.borders.right), ih = Math.max(0, h - s.borders.top - s.borders.bottom);
  const interior = iw * ih;
  if (interior === 0) return null;
  const overlayPx = s.overlays.reduce((a, o) => a + o.width * o.height, 0);
  let sat = 0, n = 0;
  for (const f of probe.frames) {
    if (!fresh.has(f.index)) continue;
    sat += Math.max(0, f.saturatedPx - overlayPx);
    n++;
  }
  if (n === 0) return null;
  return { saturated: sat / (n * interior), frames: n };
}

/** Saturated share of one image's region (a still). */
export function saturationFromImage(im: IlluminationImage, p: QualityParams): number {
  const { image, width, region: r } = im;
  let sat = 0;
  for (let j = r.y; j < r.y + r.height; j++) for (let i = r.x; i < r.x + r.width; i++) if (Math.round(image[j * width + i]!) >= p.saturatedLevel) sat++;
  return sat / Math.max(1, r.width * r.height);
}

/** Share of the tissue pixels at or below darkLevel; null without tissue. */
export function darkTissueFraction(im: IlluminationImage, p: QualityParams): number | null {
  const { image, width, region: r, tissue } = im;
  let dark = 0, n = 0;
  for (let j = r.y; j < r.y + r.height; j++) {
    for (let i = r.x; i < r.x + r.width; i++) {
      const k = j * width + i;
      if (tissue[k] === 0) continue;
      n++;
      if (image[k]! <= p.darkLevel) dark++;
    }
  }
  return n > 0 ? dark / n : null;
}

/** (tissue − vessel) / tissue; null without vessel pixels or tissue. */
export function vesselContrast(im: IlluminationImage): { contrast: number; tissue: number; vessel: number } | null {
  if (im.vesselMask === null) return null;
  const { image, width, region: r, vesselMask, tissue } = im;
  const t: number[] = [], v: number[] = [];
  for (let j = r.y; j < r.y + r.height; j++) {
    for (let i = r.x; i < r.x + r.width; i++) {
      const k = j * width + i;
      if (vesselMask[k] !== 0) v.push(image[k]!);
      else if (tissue[k] !== 0) t.push(image[k]!);
    }
  }
  if (v.length === 0 || t.length === 0) return null;
  const tm = median(t), vm = median(v);
  if (!(tm > 0)) return null;
  return { contrast: (tm - vm) / tm, tissue: tm, vessel: vm };
}

/** (max − min) / median of the tile medians of the tissue brightness over a grid×grid tiling of the region. */
export function unevenness(im: IlluminationImage, grid: number): number | null {
  const { image, width, region: r, tissue } = im;
  const g = Math.max(1, Math.round(grid));
  const tiles: number[] = [];
  for (let ty = 0; ty < g; ty++) {
    for (let tx = 0; tx < g; tx++) {
      const x0 = r.x + Math.floor((tx * r.width) / g), x1 = r.x + Math.floor(((tx + 1) * r.width) / g);
      const y0 = r.y + Math.floor((ty * r.height) / g), y1 = r.y + Math.floor(((ty + 1) * r.height) / g);
      const vals: number[] = [];
      for (let j = y0; j < y1; j++) for (let i = x0; i < x1; i++) if (tissue[j * width + i] !== 0) vals.push(image[j * width + i]!);
      // A tile mostly covered by vessels or occluders says little about the light.
      if (vals.length >= 0.25 * (x1 - x0) * (y1 - y0) && vals.length > 0) tiles.push(median(vals));
    }
  }
  if (tiles.length < 2) return null;
  const med = median(tiles);
  if (!(med > 0)) return null;
  return (Math.max(...tiles) - Math.min(...tiles)) / med;
}

export function illuminationCategory(im: IlluminationImage, probe: QualityProbeSummary | null, s: QualityStabilisation | null, p: QualityParams): QualityCategory {
  const fromProbe = probe !== null && s !== null ? saturationFromProbe(probe, s) : null;
  const saturated = fromProbe?.saturated ?? saturationFromImage(im, p);
  const where = fromProbe !== null ? `over ${fromProbe.frames} frames` : 'of the image';
  const dark = darkTissueFraction(im, p);
  const c = vesselContrast(im);
  const u = unevenness(im, p.unevennessGrid);
  const features: QualityFeature[] = [
    feature('too dark', dark, 'fraction of tissue', dark === null ? null : gradeAtMost(dark, p.darkOptimalMaxFraction, p.darkAcceptableMaxFraction)),
    feature('saturated', saturated, 'fraction of pixels', gradeAtMost(saturated, p.saturatedOptimalMaxFraction, p.saturatedAcceptableMaxFraction)),
    feature('vessel contrast', c?.contrast ?? null, '(tissue − vessel) / tissue', c === null ? null : gradeAtLeast(c.contrast, p.contrastOptimalMin, p.contrastAcceptableMin)),
    feature('unevenness', u, '(max − min) / median tissue brightness', u === null ? null : gradeAtMost(u, p.unevennessOptimalMax, p.unevennessAcceptableMax)),
  ];
  return fromFeatures(features, (f) => {
    switch (f.name) {
      case 'too dark':
        return f.value === null
          ? 'too dark: not measured (no tissue in the region)'
          : `tissue too dark (≤ ${p.darkLevel} grey) ${fmt(f.value)} (≤ ${p.darkOptimalMaxFraction} optimal, ≤ ${p.darkAcceptableMaxFraction} acceptable)`;
      case 'saturated':
        return `saturated (≥ ${p.saturatedLevel}) ${fmt(f.value)} ${where} (≤ ${p.saturatedOptimalMaxFraction} optimal, ≤ ${p.saturatedAcceptableMaxFraction} acceptable)`;
      case 'vessel contrast':
        return f.value === null
          ? 'vessel contrast: not measured (no vessels segmented)'
          : `vessel contrast ${fmt(f.value)} (tissue ${fmt(c!.tissue)}, vessels ${fmt(c!.vessel)} grey; ≥ ${p.contrastOptimalMin} optimal, ≥ ${p.contrastAcceptableMin} acceptable)`;
      default:
        return f.value === null
          ? 'unevenness: not measured (too little tissue)'
          : `unevenness ${fmt(f.value)} (≤ ${p.unevennessOptimalMax} optimal, ≤ ${p.unevennessAcceptableMax} acceptable)`;
    }
  });
}
