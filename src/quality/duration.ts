/**
 * Duration (MIQS): the analysable time of the analysis window — its registered frames
 * (reference included) over the frame rate. Duplicated frames are missing time and dropped
 * (unregistrable) frames show nothing usable, so neither counts.
 */
import { feature, fmt, fromFeatures, scoreWord, gradeAtLeast, unscored } from './grade.js';
import type { QualityParams } from './params.js';
import type { QualityCategory, QualityStabilisation } from './types.js';

export function analysableSeconds(s: QualityStabilisation): number {
  let n = 0;
  for (const m of s.track) {
    if (m.index < s.window.firstFrame || m.index > s.window.lastFrame) continue;
    if (m.status === 'registered' || m.status === 'reference') n++;
  }
  return n / s.fps;
}

export function durationCategory(s: QualityStabilisation | null, p: QualityParams): QualityCategory {
  if (s === null) return unscored('s', 'a still image: no duration');
  const sec = analysableSeconds(s);
  // Half a frame of tolerance: 125 frames at 25 fps are 5 s, whatever the float rounding.
  const tol = 0.5 / s.fps;
  const score = gradeAtLeast(sec + tol, p.durationOptimalMinS, p.durationAcceptableMinS);
  return fromFeatures([feature('analysable time', sec, 's', score)], (f) =>
    `${fmt(f.value)} s analysable in the window (${scoreWord(score)}: ≥ ${p.durationOptimalMinS} s optimal, ≥ ${p.durationAcceptableMinS} s acceptable)`);
}
