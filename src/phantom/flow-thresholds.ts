/**
 * The named thresholds that turn a vessel's velocity series into its flow class (De Backer
 * 2007 classes, the criteria made explicit), and how far a vessel lies from them.
 *
 *   class 0 no flow       stoppedFraction ≥ NO_FLOW_MIN_STOPPED_FRACTION (0.9)
 *   class 1 intermittent  stoppedFraction ≥ INTERMITTENT_MIN_STOPPED_FRACTION (0.5)
 *   class 2 sluggish      otherwise, mean speed (stops included) < SLUGGISH_MAX_MEAN_SPEED_UM_PER_S
 *   class 3 continuous    otherwise
 *
 * The two stopped-fraction thresholds follow docs/hvm-domain.md ("stopped for essentially
 * the whole observation, e.g. ≥ 0.9"; "no flow at least 50 % of the time"). The sluggish
 * speed threshold is PROVISIONAL: the consensus papers describe sluggish flow only as "slow"
 * and give no number; 300 µm/s sits between the sluggish (≈ 100–250 µm/s) and continuous
 * capillary speeds (healthy ≈ 1000–1300 µm/s, septic ≈ 600–900 µm/s, Edul 2012) used by the
 * phantom. Change it in one place (here) when the engine settles its own value.
 *
 * Phantom "classes" mode assigns classes by construction and, with clearCut (the default),
 * keeps every vessel well inside its class by these thresholds; "spread" mode draws
 * velocities continuously across them and derives each class with `classifyVelocity`.
 */
import {
  classifyVelocity,
  DEFAULT_FLOW_THRESHOLDS,
  INTERMITTENT_MIN_STOPPED_FRACTION,
  NO_FLOW_MIN_STOPPED_FRACTION,
  SLUGGISH_MAX_MEAN_SPEED_UM_PER_S,
  type FlowThresholds,
  type VelocityFacts,
} from '../metrics/flow-thresholds.js';

// The numbers and classifyVelocity live in the neutral src/metrics/flow-thresholds.ts (the
// engine's flow stage uses the same defaults and must not import the phantom).
export { classifyVelocity, DEFAULT_FLOW_THRESHOLDS, INTERMITTENT_MIN_STOPPED_FRACTION, NO_FLOW_MIN_STOPPED_FRACTION, SLUGGISH_MAX_MEAN_SPEED_UM_PER_S };
export type { FlowThresholds, VelocityFacts };

/** Which threshold a vessel lies nearest to. */
export type ThresholdName = 'noFlow' | 'intermittent' | 'sluggish';

export interface ThresholdMargin {
  /** The nearest of the thresholds bounding the vessel's class (relative distance). */
  nearest: ThresholdName;
  /**
   * Relative distance from it: |x − θ| / scale(θ), x the quantity that threshold compares.
   * Mean speed: scale = θ (|v − 300| / 300). Stopped fraction (bounded to [0, 1]): scale =
   * min(θ, 1 − θ), the room on the threshold's narrower side, so a vessel stopped all the time
   * is 1.0 from the 0.9 threshold (not 0.11). 0 on the threshold; ≥ 0.25 counts as clear.
   */
  relative: number;
  /** The distance from each threshold (also those that do not bound the class). */
  byThreshold: Record<ThresholdName, number>;
}

export function resolveThresholds(t: Partial<FlowThresholds> | undefined): FlowThresholds {
  const r: FlowThresholds = { ...DEFAULT_FLOW_THRESHOLDS, ...(t ?? {}) };
  if (!(r.noFlowMinStoppedFraction > 0 && r.noFlowMinStoppedFraction <= 1)) throw new RangeError(`noFlowMinStoppedFraction must be in (0, 1], got ${r.noFlowMinStoppedFraction}`);
  if (!(r.intermittentMinStoppedFraction > 0 && r.intermittentMinStoppedFraction < r.noFlowMinStoppedFraction)) {
    throw new RangeError(`intermittentMinStoppedFraction must be in (0, noFlowMinStoppedFraction), got ${r.intermittentMinStoppedFraction}`);
  }
  if (!(r.sluggishMaxMeanSpeedUmPerS > 0)) throw new RangeError(`sluggishMaxMeanSpeedUmPerS must be > 0, got ${r.sluggishMaxMeanSpeedUmPerS}`);
  return r;
}

/**
 * How far a vessel's velocity lies from the class boundaries (relative): the nearest of the
 * thresholds that bound its own class region (class 0: the 0.9 stopped fraction; class 1:
 * 0.5 and 0.9; classes 2 and 3: the 0.5 stopped fraction and the sluggish speed), i.e. how
 * much its velocity would have to change to change its class.
 */
export function thresholdMargin(v: VelocityFacts, t: FlowThresholds = DEFAULT_FLOW_THRESHOLDS): ThresholdMargin {
  const room = (th: number): number => Math.min(th, 1 - th) || 1;
  const byThreshold: Record<ThresholdName, number> = {
    noFlow: Math.abs(v.stoppedFraction - t.noFlowMinStoppedFraction) / room(t.noFlowMinStoppedFraction),
    intermittent: Math.abs(v.stoppedFraction - t.intermittentMinStoppedFraction) / room(t.intermittentMinStoppedFraction),
    sluggish: Math.abs(v.meanUmPerS - t.sluggishMaxMeanSpeedUmPerS) / t.sluggishMaxMeanSpeedUmPerS,
  };
  const cls = classifyVelocity(v, t);
  const bounding: ThresholdName[] = cls === 0 ? ['noFlow'] : cls === 1 ? ['intermittent', 'noFlow'] : ['sluggish', 'intermittent'];
  let nearest = bounding[0]!;
  for (const k of bounding) if (byThreshold[k] < byThreshold[nearest]) nearest = k;
  return { nearest, relative: byThreshold[nearest], byThreshold };
}

/** Bins of the relative margin used to split accuracy (near a threshold → hard). */
export const MARGIN_BINS: readonly { label: string; min: number; max: number }[] = [
  { label: '< 0.1', min: 0, max: 0.1 },
  { label: '0.1–0.25', min: 0.1, max: 0.25 },
  { label: '≥ 0.25', min: 0.25, max: Infinity },
];
