/**
 * Scoring helpers: a value against two named thresholds gives 0 / 1 / 10, and a category
 * from its features (the worst feature sets the score).
 */
import type { MiqsScore, QualityCategory, QualityFeature } from './types.js';

/** Lower is better: ≤ optimalMax → 0, ≤ acceptableMax → 1, else 10. */
export function gradeAtMost(value: number, optimalMax: number, acceptableMax: number): MiqsScore {
  return value <= optimalMax ? 0 : value <= acceptableMax ? 1 : 10;
}

/** Higher is better: ≥ optimalMin → 0, ≥ acceptableMin → 1, else 10. */
export function gradeAtLeast(value: number, optimalMin: number, acceptableMin: number): MiqsScore {
  return value >= optimalMin ? 0 : value >= acceptableMin ? 1 : 10;
}

const WORDS: Record<MiqsScore, string> = { 0: 'optimal', 1: 'acceptable', 10: 'unacceptable' };

export function scoreWord(s: MiqsScore): string {
  return WORDS[s];
}

/** Rounds for messages (4 significant digits). */
export function fmt(x: number | null): string {
  if (x === null) return 'n/a';
  if (x === 0) return '0';
  return String(Number(x.toPrecision(4)));
}

export function feature(name: string, value: number | null, unit: string, score: MiqsScore | null): QualityFeature {
  return { name, value, unit, score };
}

/** A category not scored: its input is missing. */
export function unscored(unit: string, reason: string, features: QualityFeature[] = []): QualityCategory {
  return { score: null, value: null, unit, reason, features };
}

/**
 * The category from its scored features: the worst score wins; its feature gives value and
 * unit (the first feature when all score alike). `explain` describes each feature.
 */
export function fromFeatures(features: QualityFeature[], explain: (f: QualityFeature) => string): QualityCategory {
  const scored = features.filter((f) => f.score !== null);
  if (scored.length === 0) return unscored(features[0]?.unit ?? '', features.map(explain).join('; '), features);
  let worst = scored[0]!;
  for (const f of scored) if (f.score! > worst.score!) worst = f;
  const s = worst.score!;
  const lead = s === 0 ? 'optimal' : `${scoreWord(s)}: ${worst.name}`;
  return { score: s, value: worst.value, unit: worst.unit, reason: `${lead} (${features.map(explain).join('; ')})`, features };
}
