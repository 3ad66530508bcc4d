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
   * Most across-vessel samples each side of a line's centre (an integer): a wider line keeps
   * this many, spread over the same band (hw / this apart). 4: capillaries are untouched (up to
   * ~22 µm at 1.3 µm/px, ~12 µm at 0.7 µm/px), and wide vessels, which had most of the taps,
   * still average 9 samples a line. Measured (2026-12-08): on the SDF benchmark clip 30 % fewer
   * taps; on the phantom sets (CI and all 25 clips) every judged metric, the pooled κ 0.856 and
   * the clear-cut κ 0.847 unchanged; only velocity counts moved (2 more vessels measured on the
   * full set).
   */
  acrossMaxSideTaps: number;
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
   * noise variance. 2: the texture must be real structure well above noise (a featureless
   * row gives ≈ 0.8 after the fine high-pass), and above the static residue a fast column
   * keeps where exposure smear or the codec (H.264, MJPEG, DV) has averaged its moving cells
   * away (walls, the pixel grid, the tissue seen through it: unchanged between frames, like a
   * stop). Medians per vessel over its unchanged frame pairs, engine paths on the full phantom
   * set (2026-12-07): fast columns 1.3–1.6 on lossy or smeared clips (0.2–0.5 on lossless
   * ones), stopped RBC columns 2–11 in-focus.
   * Chosen end to end on the full phantom set (24 clips, the engine's own vessels), bar →
   * pooled weighted κ / stopped small vessels read stopped / continuous ones read stopped or
   * intermittent: 1 (with the see-through test below, then in use) → 0.609 / 5 of 16 / 15 of
   * 290; 1.5 → 0.647 (a clip-adaptive bar and a 0.32-s majority filter on the stop states were
   * tried too: 0.636–0.72, with more fast vessels read intermittent); 2 → 0.708 / 9 of 18 / 6
   * of 293. CI set κ 0.634 → 0.673; the phantom study's session truth test 7 → 2 misses.
   * Costs, measured: (1) on clean uncompressed clips with the truth centerlines
   * (test/flow/phantom-accuracy.test.ts) faint stops (depth layer 1, blur 2.4 µm) read
   * intermittent: held-out accuracy 93.3 → 88.3 %, κ 0.887 → 0.835 (real recordings are
   * compressed and, with SDF's continuous light, smeared: the regime the bar is set for).
   * (2) On the noisiest phantom clip (row noise SD ≈ 3, H.264) the stopped capillaries give
   * 1.0–1.4 and read as moving (PPV small 100 % against a truth of 51 %): a stop is only seen
   * where its barcode stands out of the noise.
   * History: until 2026-12-07 the bar was 1 and a second condition asked the lumen for 1.5×
   * the texture the tissue beside the vessel would show through it (a "see-through" reference
   * on the stabilised mean image). With the bar at 2 that condition only removed true stops
   * (full set κ 0.687 with it at 1×, 0.675 at 1.2×, 0.708 without), so it was removed.
   */
  stopMinTextureSnr: number;
  /**
   * The texture bar for paths at least stopWideMinDiameterUm wide: 1. The static residue the
   * bar above guards against was measured on capillaries (fast columns 7–13 µm wide: thin,
   * see-through, a few pixels across); a stopped venule is a packed, smoother 2-D texture
   * (texture SNR 1–2 on the pressure-stopped 26-µm venule fixture, which read as moving under
   * the capillary bar and let the clip pass the pressure check). 20 µm, the consensus
   * small-vessel limit.
   */
  stopMinTextureSnrWide: number;
  stopWideMinDiameterUm: number;
  /**
   * A frame pair that did not change beyond noise but lacks the barcode's texture is evidence
   * of nothing on paths narrower than this, µm: neither a stop (no barcode) nor flow (nothing
   * was seen to move), unless the unfiltered row changed (a smeared or blurred pattern moving
   * at a scale the cell-scale test filters out); its frames leave the analysed time. On wider
   * paths it counts as moving, as it did everywhere before 2026-12-07 (a stopped venule's
   * packed texture passes its own lower bar, so a featureless static venule is flowing).
   * Why: counted as moving, a static featureless diagram read "faster than resolvable",
   * class 3: the healthy answer given for want of evidence. Deep stopped, intermittent and
   * sluggish capillaries give such diagrams, and so do faint stops whose texture sits at the
   * bar (half their pairs under it): severe sites read too perfused (phantom study at a full
   * SDF field, 12 sites: small-vessel PPV within ±10 points on 7 → 9 sites, MFI within ±0.25
   * on 7 → 8, pooled κ 0.849 → 0.888; stopped capillaries read stopped 49 of 68 → 57 of 69).
   * The cost is length left unclassified where fast capillaries are featureless (exposure
   * smear, lossy codecs, deep layers): full phantom set (25 clips) small-vessel unclassified
   * length median 3.9 → 5.4 %; κ 0.778 → 0.790, PPV within ±10 points on 19 → 19 clips (small)
   * and 20 → 21 (all), MFI (small) 19 → 18 (full-dv-septic: 1.75 against 2.25). Without the
   * unfiltered-row test (every featureless static pair unknown) the full set lost 4 clips of
   * MFI and its median unclassified length rose from 4 to 17 %. On truth centerlines
   * (test/flow/phantom-accuracy.test.ts, held-out seeds) accuracy 88.3 → 93.3 %, κ 0.835 →
   * 0.913. Set it to a tiny value to restore the old rule.
   */
  featurelessUnknownMaxDiameterUm: number;
  /**
   * On those paths, a run of featureless unchanged frame pairs at least this long, s, is a stop
   * — when the path shows motion reliably (featurelessStopMinMovingRunS) and the run's first
   * and last rows pass the same pair test (nothing drifted slowly through it). Why: a stop in a
   * blurred (deep, out-of-focus) capillary has no barcode, only stillness, while its moving
   * phases change the rows plainly; counted as unknown, the stops left the analysed time and
   * the moving phases stayed, so intermittent vessels read sluggish or continuous (the phantom
   * study at a full SDF field: 3.8 mm of truth-intermittent small-vessel length read perfused;
   * a depth-1 capillary stopped 73 % of the time gave 25 moving pairs, 1 textured stop and 57
   * featureless still pairs → stopped fraction 0.12, class 3). 0.12 s (3 pairs at 25 fps):
   * measured against 0.2 s (5 pairs) on both sets, 0.12 s better on each (below).
   */
  featurelessStopMinS: number;
  /**
   * A path shows motion reliably when its moving pairs come in runs at least this long on
   * average, s. Where fast flow is smeared into a featureless column (exposure smear, a lossy
   * codec, defocus) the rows stay still for most pairs and change only now and then, a pair at
   * a time: stillness there is no stop (ci-artefacts-rawavi, 40-ms exposure at 1300 µm/s:
   * mean moving runs 1.1–2 pairs; intermittent capillaries in the study sites: 2.3–8).
   * 0.08 s (2 pairs at 25 fps); 0.12 s (3) keeps fewer of the study's stops (measured below).
   *
   * Measured with featurelessStopMinS (phantom study at 720×576, 12 sites / full phantom set,
   * 25 clips), before → after: pooled κ 0.900 → 0.913 / 0.791 → 0.805; study small-vessel PPV
   * within ±10 points on 10 → 12 sites, MFI within ±0.25 on 8 → 9; truth-intermittent length
   * read perfused 3.8 → 2.3 mm (study) and 0.95 → 0.77 mm (full set); truth-perfused length
   * read intermittent 0.57 → 0.86 / 1.21 → 1.33 mm; every full-set count of metrics within
   * their bars unchanged but mean velocity (all vessels) 16 → 15 of 24. Without the moving-run
   * condition (and runs of 0.2 s) the full set's ci-artefacts-rawavi lost 24 PPV points (its
   * smeared fast capillaries read intermittent); without the end-rows test truth-perfused
   * length read intermittent rose by a further 0.1–0.3 mm. Runs of 0.2 s: study κ 0.907, MFI
   * 8 of 12; moving runs of 0.12 s: study κ 0.903, PPV 11 of 12.
   */
  featurelessStopMinMovingRunS: number;
  /**
   * The stop test leaves out this much of a path at an end that lies on a junction, µm: there
   * the sampled band takes in the other vessels' lumens, whose moving cells made a stopped
   * capillary's pairs "changed" (on the phantom study's sites, 21 of 33 stopped capillaries
   * read intermittent ran within 1 px of a flowing vessel, 25 within 2 px) and whose static
   * structure could pass for a barcode. Change and texture are both judged on the rest;
   * velocity still uses the whole path. 6 µm, about one capillary diameter.
   * Measured (phantom study at 720×576, 12 sites / full phantom set, 25 clips), before → after:
   * pooled κ 0.913 → 0.928 / 0.805 → 0.813; small-vessel length read with the wrong perfusion
   * (perfused read 0–1 or the reverse) 4.32 → 3.86 mm / 3.22 → 2.63 mm; study PPV small median
   * error 4.0 → 2.7 points; full set PPV (small) within ±10 points on 19 → 21 clips
   * (ci-artefacts-rawavi −33 → −20 points: the junctions' static structure had read as
   * barcodes), MFI (small) 18 → 19, MFI (all) 23 → 22. Margins of 10 and 15 µm, and 6 µm on
   * the change only (texture over the whole row): study κ 0.93 but full set PPV 18–19 clips.
   */
  stopJunctionMarginUm: number;
  /**
   * Least darkness of a vessel's lumen against the tissue beside it for a stop or an
   * intermittent call, as a fraction of the tissue's grey level (lumen-contrast.ts); below it
   * the call is withdrawn (unclassified, with the reason). 0.1: stopped red cells packed in a
   * capillary absorb; matched stopped/intermittent vessels on the full phantom set have
   * contrast ≥ 0.13 in 90 % of cases, traces of tissue mottle read as stopped ≤ 0.13 in 75 %.
   * End to end on the full phantom set (24 clips, 2026-12-07), without → with the gate: PPV
   * within ±10 points on 17 → 19 clips (small and all vessels; median error small 4.2 → 1.9
   * points), MFIVessel within ±0.25 on 12 → 15, pooled κ 0.688 → 0.694; engine length read
   * stopped or intermittent on no true vessel 2.65 → 1.16 mm; no true stop lost (stopped small
   * vessels read stopped 8 → 9 of 18, through how joined vessels split by flow). Neighbours:
   * 0.08 → PPV small within ±10 points on 18 clips, MFIVessel on 13/14; 0.13 → the first true
   * stop lost (unclassified), κ 0.683.
   */
  stopMinLumenContrast: number;
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
  acrossMaxSideTaps: 4,
  acrossFractionOfRadius: 0.6,
  highPassRadiusUm: 8,
  minOverlapFraction: 1 / 3,
  minOverlapUm: 12,
  minPeakCorrelation: 0.25,
  stopLagS: 0.08,
  stopMaxNoiseRatio: 2.5,
  stopMinTextureSnr: 2,
  stopMinTextureSnrWide: 1,
  stopWideMinDiameterUm: 20,
  featurelessUnknownMaxDiameterUm: 20,
  featurelessStopMinS: 0.12,
  featurelessStopMinMovingRunS: 0.08,
  stopJunctionMarginUm: 6,
  stopMinLumenContrast: 0.1,
  stopTextureRadiusUm: 3,
  maxLagFrames: 6,
  stopSmoothUm: 2.5,
  patternCorrelationUm: 4,
  minPeakZ: 4,
});

/** The stop test's texture bar for a path of this diameter, µm (stopMinTextureSnr, or stopMinTextureSnrWide for wide paths). */
export function stopTextureBar(diameterUm: number, p: FlowParams): number {
  return diameterUm >= p.stopWideMinDiameterUm ? p.stopMinTextureSnrWide : p.stopMinTextureSnr;
}

/** Whether a static, featureless frame pair is evidence of nothing on a path of this diameter, µm (featurelessUnknownMaxDiameterUm). */
export function featurelessIsUnknown(diameterUm: number, p: FlowParams): boolean {
  return diameterUm < p.featurelessUnknownMaxDiameterUm;
}

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
  if (!(r.minOverlapFraction < 1 && r.minPeakCorrelation < 1)) throw new RangeError('fractions and correlations must be < 1');
  if (!Number.isInteger(r.maxLagFrames)) throw new RangeError(`maxLagFrames must be an integer, got ${r.maxLagFrames}`);
  if (!Number.isInteger(r.acrossMaxSideTaps)) throw new RangeError(`acrossMaxSideTaps must be an integer, got ${r.acrossMaxSideTaps}`);
  return r;
}
