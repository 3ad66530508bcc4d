/**
 * Every parameter of the flow stage (space-time diagrams → velocity → flow class), named
 * with its unit, with the reason for its default. Temporal parameters are in seconds, never
 * frames (clips come at 25, 30000/1001 and 30 fps). The class thresholds are the shared
 * defaults of src/metrics/flow-thresholds.ts (the phantom derives its truth with the same).
 */
import { INTERMITTENT_MIN_STOPPED_FRACTION, NO_FLOW_MIN_STOPPED_FRACTION, SLUGGISH_MAX_MEAN_SPEED_UM_PER_S } from '../metrics/flow-thresholds.js';

export interface FlowParams {
  /**
   * Length of one window of the velocity series, s. 0.4 s: long enough to pool ~10 frame
   * pairs at 25 fps (a stable correlation peak), short against the cardiac cycle (~1 s) and
   * the stop episodes of intermittent flow (0.2–1.6 s), so the series follows them.
   */
  windowS: number;
  /** Class 0 (no flow): stopped at least this fraction of the analysed time (default 0.9, shared). */
  noFlowMinStoppedFraction: number;
  /** Class 1 (intermittent): stopped at least this fraction (default 0.5, shared). */
  intermittentMinStoppedFraction: number;
  /**
   * Class 2 (sluggish) below this mean speed, stops included, µm/s. PROVISIONAL (300): no
   * consensus number exists; it sits between sluggish (~100–250 µm/s) and continuous
   * capillary speeds (septic ~600–900, healthy ~1000–1300 µm/s). 830 µm/s is the mean of
   * septic capillaries that observers score continuous: NOT a sluggish threshold. To be
   * calibrated against manual scores.
   */
  sluggishMaxMeanSpeedUmPerS: number;
  /**
   * Shortest path that is measured, µm. 25 µm: the fastest speed a path resolves is about
   * (2/3)·length per frame; at 25 µm and 25 fps that is ~420 µm/s, just above the sluggish
   * threshold, so shorter paths could not tell sluggish from continuous.
   */
  minPathLengthUm: number;
  /**
   * Least analysed time for a class, s. 0.9 s: intermittency is a share of time over stop
   * episodes of 0.2–1.6 s; much under a second a single episode decides it (Massey 2013 rates
   * clips < 3 s unacceptable; the quality estimate says so). 0.9 rather than 1: a clip of
   * 1 s nominal (25 frames at 25 fps) spans 24 frame intervals, 0.96 s, and must still be
   * classified; the image-quality duration score flags it.
   */
  minAnalysedS: number;
  /** Resampling step along the path, px (of the finer axis). 1 px: the image's own resolution. */
  stepPx: number;
  /** Step of the across-vessel samples, px. 0.5 px: two samples per pixel across the lumen. */
  acrossStepPx: number;
  /**
   * Half-width of the across average as a fraction of the vessel radius. 0.6: stays inside
   * the lumen (the wall and the plasma layer carry no moving RBC pattern) with some room for
   * centerline and registration error.
   */
  acrossFractionOfRadius: number;
  /**
   * Spatial high-pass of each STD row: a running mean over ± this length is subtracted, µm.
   * 8 µm: keeps the RBC/plasma-gap pattern (cells 6–8 µm) and removes illumination, vignetting
   * and tissue mottle (scales ≥ 30 µm), which are static and would pull correlations to zero shift.
   */
  highPassRadiusUm: number;
  /**
   * Least overlap of two rows at a trial shift, as a fraction of the path and in µm (the larger
   * applies). 1/3 and 12 µm: the largest resolvable displacement per frame is then 2/3 of the
   * path, above the domain rule of thumb (1/2 of the path: "a streak must span 2–3 frames").
   */
  minOverlapFraction: number;
  minOverlapUm: number;
  /**
   * Least pooled normalised cross-correlation of a streak peak. 0.25: the pooled correlation of
   * unrelated rows over ≥ 12 µm and ~10 pairs has SD ≈ 0.1, so 0.25 is 2.5 SD; a real RBC
   * pattern moved between frames correlates at 0.5–0.9.
   */
  minPeakCorrelation: number;
  /**
   * The barcode test: a frame pair stopLagS apart is stopped when its rows differ by no more
   * than noise. 0.08 s (2 frames at 25 fps): moving RBCs (≥ 50 µm/s) shift ≥ 4 µm in that time,
   * which changes the row by the pattern's own contrast; a stopped column changes by noise only.
   */
  stopLagS: number;
  /**
   * Largest ratio (row change between the pair) / (its noise, measured from the two halves of
   * the lumen) for a stop. 2.5: a stopped pair gives 1 ± 0.3 from noise alone, somewhat more
   * where sub-pixel camera motion re-interpolates a sharp barcode; moving RBCs with a visible
   * pattern give ≫ 3. Chosen on phantom clips (septic, seeds 3–5; clear / jitter+drift /
   * interlaced class accuracy): 2 → –/80/93 %, 2.5 → 93/84/89 %, 3 → 91/82/84 %, 4 → 84/78/76 %.
   */
  stopMaxNoiseRatio: number;
  /**
   * Least texture of a stopped column: variance of the row at the cell scale over the row's
   * noise variance. 1.0: a featureless row (noise only) gives ≈ 0.8 after the fine high-pass;
   * stopped RBC columns on the phantom give 2 (slightly out of focus) to 6 (in focus). Chosen on
   * phantom clips (septic, seeds 3–5, clear-cut): 0.6 → 88.9 % class accuracy, 1.0 → 91.1 %,
   * 1.5 → 88.9 % (intermittent stops start to be missed). A thin margin: see the report.
   */
  stopMinTextureSnr: number;
  /**
   * Least ratio of the lumen's cell-scale texture (per frame) to the texture the tissue would
   * show through the lumen (the tissue's beside the vessel on the stabilised mean, the smaller
   * side, × the lumen's transmission: see-through.ts), for a stop. 1.5, PROVISIONAL: a stopped
   * RBC column is a barcode of its own, more contrasted than the attenuated tissue mottle; a
   * fast, motion-blurred or out-of-focus column shows only that mottle, which passed the
   * noise-based texture test and read as "stopped" (the domain rule: a missing streak is not a
   * stop). Until 2026-12-07 the tissue texture was not scaled by the transmission (0.6–0.9 on
   * phantom capillaries), which asked a stopped column for 1.7–2.5× the see-through texture:
   * on the full phantom set 13 of 18 stopped and 21 of 27 intermittent small vessels failed
   * the test in most frame pairs (the scaling has a floor: stopSeeThroughMinTransmission).
   * Applies only when the measurer is given the mean image.
   */
  stopMinLumenToBackgroundTexture: number;
  /**
   * Least transmission the see-through reference uses (the lumen's mean grey over the tissue's
   * on the stabilised mean is trusted down to this). 0.9, PROVISIONAL: a dark vessel sampled
   * along its smoothed centerline also shows static texture of its own making (the walls'
   * wander and the pixel grid, in proportion to the vessel's contrast, not the tissue's), which
   * a reference scaled all the way down let pass as a barcode. Measured on the phantom set,
   * floor → CI-set weighted κ / fast vessels read stopped on the full set: 0 (no floor) →
   * 0.457 / 9 of 312; 0.7 → 0.457; 0.8 → 0.465; 0.9 → 0.581 / 3 of 312 (1, i.e. no scaling:
   * 0.531 / 3 of 312). Full set κ 0.443 (no scaling) → 0.502 (0.9).
   */
  stopSeeThroughMinTransmission: number;
  /**
   * Vessels at least this wide, µm, skip the lumen-to-tissue texture test above: a column of
   * red cells this wide is opaque, the tissue cannot show through it, and a stopped venule
   * packed with cells is smoother than the tissue mottle beside it (measured on the
   * pressure-stopped venule fixture: lumen/tissue texture 0.32 on a stopped 26-µm venule,
   * which the test then read as moving, and the clip passed the pressure check). 20 µm, the
   * consensus small-vessel limit: the see-through the test guards against is a capillary's.
   */
  stopBackgroundTestMaxDiameterUm: number;
  /** Gap between the vessel's edge and the background lines of that test, px. */
  backgroundGapPx: number;
  /**
   * Scale of the barcode texture test: a running mean over ± this length is removed first, µm.
   * 3 µm: keeps the edges of single RBCs and plasma gaps (cells 6–8 µm long), drops the smooth
   * profile of an out-of-focus vessel, whose static shading is no barcode.
   */
  stopTextureRadiusUm: number;
  /**
   * Smoothing of the row change in the stop test, ± µm. 2.5 µm: removes the re-interpolation
   * of sharp barcode edges under sub-pixel camera motion, keeps changes at the cell scale.
   */
  stopSmoothUm: number;
  /**
   * Correlation length of the RBC pattern along the path, µm: sets the number of independent
   * samples behind a correlation (significance of a streak peak). 4 µm: cells and gaps 1–8 µm.
   */
  patternCorrelationUm: number;
  /**
   * Least significance of a streak peak: its pooled NCC over its SD under no streak. 4: the
   * largest of ~100 trial shifts of pure noise stays under 4 SD in > 99 % of windows.
   */
  minPeakZ: number;
  /** Largest frame lag whose correlation refines a slow streak (sub-pixel precision grows with the lag). */
  maxLagFrames: number;
}

export const DEFAULT_FLOW_PARAMS: Readonly<FlowParams> = Object.freeze({
  windowS: 0.4,
  noFlowMinStoppedFraction: NO_FLOW_MIN_STOPPED_FRACTION,
  intermittentMinStoppedFraction: INTERMITTENT_MIN_STOPPED_FRACTION,
  sluggishMaxMeanSpeedUmPerS: SLUGGISH_MAX_MEAN_SPEED_UM_PER_S,
  minPathLengthUm: 25,
  minAnalysedS: 0.9,
  stepPx: 1,
  acrossStepPx: 0.5,
  acrossFractionOfRadius: 0.6,
  highPassRadiusUm: 8,
  minOverlapFraction: 1 / 3,
  minOverlapUm: 12,
  minPeakCorrelation: 0.25,
  stopLagS: 0.08,
  stopMaxNoiseRatio: 2.5,
  stopMinTextureSnr: 1,
  stopMinLumenToBackgroundTexture: 1.5,
  stopSeeThroughMinTransmission: 0.9,
  stopBackgroundTestMaxDiameterUm: 20,
  backgroundGapPx: 2,
  stopTextureRadiusUm: 3,
  maxLagFrames: 6,
  stopSmoothUm: 2.5,
  patternCorrelationUm: 4,
  minPeakZ: 4,
});

/** Defaults overlaid with the caller's values, checked. */
export function resolveFlowParams(p: Partial<FlowParams> | undefined): FlowParams {
  const r: FlowParams = { ...DEFAULT_FLOW_PARAMS, ...(p ?? {}) };
  const pos = (k: keyof FlowParams): void => {
    if (!(r[k] > 0) || !Number.isFinite(r[k])) throw new RangeError(`flow parameter ${k} must be a positive number, got ${r[k]}`);
  };
  for (const k of Object.keys(DEFAULT_FLOW_PARAMS) as (keyof FlowParams)[]) pos(k);
  if (!(r.noFlowMinStoppedFraction <= 1 && r.intermittentMinStoppedFraction < r.noFlowMinStoppedFraction)) {
    throw new RangeError('flow parameters need 0 < intermittentMinStoppedFraction < noFlowMinStoppedFraction ≤ 1');
  }
  if (!(r.stopSeeThroughMinTransmission <= 1)) throw new RangeError(`stopSeeThroughMinTransmission must be in (0, 1], got ${r.stopSeeThroughMinTransmission}`);
  if (!(r.minOverlapFraction < 1 && r.minPeakCorrelation < 1)) throw new RangeError('fractions and correlations must be < 1');
  if (!Number.isInteger(r.maxLagFrames)) throw new RangeError(`maxLagFrames must be an integer, got ${r.maxLagFrames}`);
  return r;
}
