/**
 * Stability (MIQS: movement within ¼ of the field optimal, within ½ acceptable; more, or
 * motion blur, unacceptable). Three features:
 *  - drift: the extent of the motion track over the whole clip (max − min of the content
 *    shift) as a fraction of the field (the frame less its static borders), the worse axis;
 *  - motion-blurred frames: fresh frames whose sharpness (frame-sharpness.ts) collapses below
 *    blurCollapseRatio × the clip's median sharpness, as a share of the fresh frames (needs
 *    the probe);
 *  - unregistered frames: fresh frames the stabilisation could not register (motion blur, or
 *    the field moved away), as a share of the fresh frames. Drift is measured on registered
 *    frames only, so a camera that leaves the field shows here.
 */
import { feature, fmt, fromFeatures, gradeAtMost, unscored } from './grade.js';
import { median } from './image-tools.js';
import type { QualityParams } from './params.js';
import type { QualityCategory, QualityFeature, QualityProbeSummary, QualityStabilisation } from './types.js';

export function driftFraction(s: QualityStabilisation): number {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const m of s.track) {
    if (m.dx === null || m.dy === null || (m.status !== 'registered' && m.status !== 'reference')) continue;
    minX = Math.min(minX, m.dx);
    maxX = Math.max(maxX, m.dx);
    minY = Math.min(minY, m.dy);
    maxY = Math.max(maxY, m.dy);
  }
  if (minX > maxX) return 0;
  const fw = Math.max(1, s.width - s.borders.left - s.borders.right);
  const fh = Math.max(1, s.height - s.borders.top - s.borders.bottom);
  return Math.max((maxX - minX) / fw, (maxY - minY) / fh);
}

/** Share of the fresh frames (not duplicates) whose sharpness collapsed; null without sharpness. */
export function blurredFraction(s: QualityStabilisation, probe: QualityProbeSummary, ratio: number): number | null {
  const dup = new Set(s.track.filter((m) => m.status === 'duplicate').map((m) => m.index));
  const sh = probe.frames.filter((f) => !dup.has(f.index) && f.sharpness !== null).map((f) => f.sharpness!);
  if (sh.length === 0) return null;
  const med = median(sh);
  if (!(med > 0)) return null;
  return sh.filter((x) => x < ratio * med).length / sh.length;
}

export function stabilityCategory(s: QualityStabilisation | null, probe: QualityProbeSummary | null, p: QualityParams): QualityCategory {
  if (s === null) return unscored('fraction of field', 'a still image: no motion');
  const drift = driftFraction(s);
  const fresh = s.track.filter((m) => m.status !== 'duplicate');
  const unreg = fresh.length > 0 ? fresh.filter((m) => m.status === 'dropped').length / fresh.length : 0;
  const blurred = probe !== null ? blurredFraction(s, probe, p.blurCollapseRatio) : null;
  const features: QualityFeature[] = [
    feature('drift', drift, 'fraction of field', gradeAtMost(drift, p.driftOptimalMaxFraction, p.driftAcceptableMaxFraction)),
    feature('motion-blurred frames', blurred, 'fraction of frames', blurred === null ? null : gradeAtMost(blurred, p.blurredOptimalMaxFraction, p.blurredAcceptableMaxFraction)),
    feature('unregistered frames', unreg, 'fraction of frames', gradeAtMost(unreg, p.blurredOptimalMaxFraction, p.blurredAcceptableMaxFraction)),
  ];
  return fromFeatures(features, (f) => {
    if (f.name === 'drift') return `drift ${fmt(f.value)} of the field (≤ ${p.driftOptimalMaxFraction} optimal, ≤ ${p.driftAcceptableMaxFraction} acceptable)`;
    if (f.value === null) return `${f.name}: not measured (no per-frame probe)`;
    return `${f.name} ${fmt(f.value)} (≤ ${p.blurredOptimalMaxFraction} optimal, ≤ ${p.blurredAcceptableMaxFraction} acceptable)`;
  });
}
