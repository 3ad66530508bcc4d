/**
 * The named thresholds that turn a vessel's velocity record into its flow class (De Backer
 * 2007 classes, the criteria made explicit). Pure numbers and one pure function, shared by
 * the engine's flow stage (src/flow) and the phantom's truth (src/phantom/flow-thresholds.ts
 * re-exports them), so the engine never imports the phantom and both use the same defaults.
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
 * capillary speeds (healthy ≈ 1000–1300 µm/s, septic ≈ 600–900 µm/s, Edul 2012). 830 µm/s
 * (the septic capillary mean, mostly scored continuous) is NOT a sluggish threshold. To be
 * calibrated against manual scores; change it in one place (here).
 */
import type { FlowClass } from './types.js';

/** Class 0 (no flow): stopped at least this fraction of the observation. */
export const NO_FLOW_MIN_STOPPED_FRACTION = 0.9;
/** Class 1 (intermittent): stopped at least this fraction of the observation. */
export const INTERMITTENT_MIN_STOPPED_FRACTION = 0.5;
/** Class 2 (sluggish) below this mean speed, stops included, µm/s (PROVISIONAL, see above). */
export const SLUGGISH_MAX_MEAN_SPEED_UM_PER_S = 300;

export interface FlowThresholds {
  noFlowMinStoppedFraction: number;
  intermittentMinStoppedFraction: number;
  sluggishMaxMeanSpeedUmPerS: number;
}

export const DEFAULT_FLOW_THRESHOLDS: Readonly<FlowThresholds> = Object.freeze({
  noFlowMinStoppedFraction: NO_FLOW_MIN_STOPPED_FRACTION,
  intermittentMinStoppedFraction: INTERMITTENT_MIN_STOPPED_FRACTION,
  sluggishMaxMeanSpeedUmPerS: SLUGGISH_MAX_MEAN_SPEED_UM_PER_S,
});

/** The velocity facts the thresholds look at. */
export interface VelocityFacts {
  stoppedFraction: number;
  meanUmPerS: number;
}

/** The flow class of a velocity record by the thresholds. */
export function classifyVelocity(v: VelocityFacts, t: FlowThresholds = DEFAULT_FLOW_THRESHOLDS): FlowClass {
  if (v.stoppedFraction >= t.noFlowMinStoppedFraction) return 0;
  if (v.stoppedFraction >= t.intermittentMinStoppedFraction) return 1;
  if (v.meanUmPerS < t.sluggishMaxMeanSpeedUmPerS) return 2;
  return 3;
}
