/**
 * The named thresholds of the automatic MIQS estimate (Massey et al. 2013, Crit Care Res
 * Pract / J Crit Care: Microcirculation Image Quality Score). Every category scores 0
 * (optimal), 1 (acceptable) or 10 (unacceptable); a clip whose total reaches 10 is rejected.
 *
 * Each threshold says why it has its value. "Provisional" marks a value the literature does
 * not give: it was set on phantom sweeps (test/quality) and must be calibrated against manual
 * MIQS scores of real clips before any study relies on it (docs/quality.md).
 */

export interface QualityParams {
  // ---- Duration (MIQS: ≥ 5 s optimal, 3–5 s acceptable, < 3 s unacceptable) ----
  /** Analysable seconds at or above which duration is optimal, s. MIQS (Massey 2013). */
  durationOptimalMinS: number;
  /** Analysable seconds at or above which duration is acceptable, s. MIQS (Massey 2013). */
  durationAcceptableMinS: number;

  // ---- Stability (MIQS: movement within ¼ field optimal, within ½ acceptable; motion blur unacceptable) ----
  /** Drift over the clip (extent of the motion track / field size, worse axis) up to which stability is optimal. MIQS ¼ field. */
  driftOptimalMaxFraction: number;
  /** Drift up to which stability is acceptable. MIQS ½ field. */
  driftAcceptableMaxFraction: number;
  /** A frame is motion-blurred when its sharpness falls below this fraction of the clip's median sharpness (provisional: a 15-px motion smear leaves ~0.3 of it on phantoms; flicker and noise move it by a few %). */
  blurCollapseRatio: number;
  /** Share of motion-blurred or unregistrable frames up to which stability is optimal (provisional: one frame in twenty). */
  blurredOptimalMaxFraction: number;
  /** Share of motion-blurred or unregistrable frames up to which stability is acceptable (provisional: one in five; beyond, the frames that remain are too few and too far apart to follow flow). */
  blurredAcceptableMaxFraction: number;

  // ---- Illumination (MIQS: even, not saturated) ----
  /** Tissue at or below this grey level is too dark: a vessel absorbing 30–45 % of the light (phantom and real SDF contrast) would be only 12–18 grey levels darker, 3–5× the sensor noise (provisional). */
  darkLevel: number;
  /** A pixel at or above this grey level is saturated (8-bit sensors clip at 255; 250 leaves room for the noise of a clipped pixel). */
  saturatedLevel: number;
  /** Share of the tissue too dark up to which illumination is optimal (provisional: a dim corner). */
  darkOptimalMaxFraction: number;
  /** Share of the tissue too dark up to which illumination is acceptable (provisional: up to a quarter of the field). */
  darkAcceptableMaxFraction: number;
  /** Share of saturated pixels up to which illumination is optimal (provisional: a few clipped highlights). */
  saturatedOptimalMaxFraction: number;
  /** Share of saturated pixels up to which illumination is acceptable (provisional: clipped tissue shows no vessel; past ~15 % a whole part of the field is lost). */
  saturatedAcceptableMaxFraction: number;
  /** Vessel contrast (tissue − vessel) / tissue at or above which illumination is optimal (provisional: phantom 0.37–0.48, the real IDF frame 0.40). */
  contrastOptimalMin: number;
  /** Vessel contrast at or above which it is acceptable (provisional: below 7 % capillaries vanish into the tissue mottle). */
  contrastAcceptableMin: number;
  /** Unevenness ((max − min) / median of the tile medians of the tissue brightness) up to which illumination is optimal (provisional: the default phantom reads 0.2–0.5 — vignetting, gradient and the tissue’s own coarse mottle). */
  unevennessOptimalMax: number;
  /** Unevenness up to which it is acceptable (provisional: the real IDF frame reads 0.87; above 1 the darkest tile is under half the median). */
  unevennessAcceptableMax: number;
  /** Tiles per side of the unevenness grid (coarse: illumination varies slowly). */
  unevennessGrid: number;

  // ---- Focus (MIQS: plasma gaps and RBCs visible) ----
  /** Edge width (step height / steepest slope across a vessel wall) up to which focus is optimal, µm. Edge width ≈ 2.5 σ of the blur: 5.5 µm is σ ≈ 2.2 µm, about where 2-µm plasma gaps between RBCs stop being resolved (provisional; phantom in focus 3.8–4.5, defocus 3 µm 7.1, 5 µm 9.6; real IDF frame 5.1). */
  edgeWidthOptimalMaxUm: number;
  /** Edge width up to which focus is acceptable, µm: σ ≈ 3.4 µm, RBCs (~7 µm) still separable, gaps not (provisional). */
  edgeWidthAcceptableMaxUm: number;
  /** Spacing of the wall profiles along each centerline, µm. */
  edgeProfileSpacingUm: number;
  /** Fewest usable wall profiles to score focus (fewer: no vessel edges to judge). */
  edgeMinProfiles: number;
  /** A profile is usable when its vessel is at least this much darker than the tissue beside it, relative (keeps noise-only profiles out). */
  edgeMinRelativeDepth: number;

  // ---- Content (MIQS: few occlusions; < 30 % looped vessels optimal, > 50 % unacceptable) ----
  /** Texture window: σ of the Gaussian over which the local gradient is averaged (and of the majority vote), µm: well below an occluder's radius (15–80 µm). */
  textureWindowUm: number;
  /** Pre-smoothing before the gradient, µm: takes the sensor noise of short clips and stills out, keeps capillary-scale texture. */
  textureScaleUm: number;
  /** A place is occluded (no tissue texture) when its mean relative gradient is below this, 1/µm (provisional: phantom tissue in focus reads ≥ 0.007 (1st percentile), defocused by 3 µm ≥ 0.0017; the interiors of occluders read a median of ~0.003, their rims and highlights far more). */
  textureMin: number;
  /** Measured occluded (flat) share up to which content is optimal (provisional). The detector counts occluders' flat interiors only: on phantoms it reads 0.17× the true occluded area (0.027 for a true 0.157), so 0.02 is ~12 % truly occluded. */
  occludedOptimalMaxFraction: number;
  /** Measured occluded share up to which content is acceptable (provisional: ~30 % truly occluded on phantoms; 0.068 measured for a true 0.465). */
  occludedAcceptableMaxFraction: number;
  /** Looped share of vessel length below which content is optimal. MIQS 30 %. */
  loopedOptimalMaxFraction: number;
  /** Looped share up to which content is acceptable. MIQS 50 %. */
  loopedAcceptableMaxFraction: number;

  // ---- Pressure (De Backer 2007: venular flow is the check for pressure artefacts) ----
  /** A vessel is a venule (large vessel) from this diameter, µm: the consensus small/large cut (De Backer 2007). */
  venuleMinDiameterUm: number;
  /**
   * …and only when at least this many diameters long (when its length is known). 4: a
   * venule seen in the field runs for hundreds of µm; a "wide" piece shorter than 4 of its
   * own diameters is a junction blob or a wide spot of the segmentation, whose space-time
   * diagram is too short to tell a stop, and one false stop would reject the clip.
   */
  venuleMinLengthDiameters: number;
  /** Share of venules with stopped or intermittent flow up to which pressure is optimal: none may stop. */
  stoppedVenulesOptimalMaxFraction: number;
  /** Share of venules with stopped or intermittent flow up to which pressure is acceptable (provisional: up to half of them; more means the probe presses on the whole field). */
  stoppedVenulesAcceptableMaxFraction: number;
}

export const DEFAULT_QUALITY_PARAMS: Readonly<QualityParams> = {
  durationOptimalMinS: 5,
  durationAcceptableMinS: 3,

  driftOptimalMaxFraction: 0.25,
  driftAcceptableMaxFraction: 0.5,
  blurCollapseRatio: 0.6,
  blurredOptimalMaxFraction: 0.05,
  blurredAcceptableMaxFraction: 0.2,

  darkLevel: 40,
  saturatedLevel: 250,
  darkOptimalMaxFraction: 0.05,
  darkAcceptableMaxFraction: 0.25,
  saturatedOptimalMaxFraction: 0.02,
  saturatedAcceptableMaxFraction: 0.15,
  contrastOptimalMin: 0.15,
  contrastAcceptableMin: 0.07,
  unevennessOptimalMax: 0.6,
  unevennessAcceptableMax: 1,
  unevennessGrid: 4,

  edgeWidthOptimalMaxUm: 5.5,
  edgeWidthAcceptableMaxUm: 8.5,
  edgeProfileSpacingUm: 4,
  edgeMinProfiles: 20,
  edgeMinRelativeDepth: 0.04,

  textureWindowUm: 4,
  textureScaleUm: 1.5,
  textureMin: 0.0015,
  occludedOptimalMaxFraction: 0.02,
  occludedAcceptableMaxFraction: 0.05,
  loopedOptimalMaxFraction: 0.3,
  loopedAcceptableMaxFraction: 0.5,

  venuleMinDiameterUm: 20,
  venuleMinLengthDiameters: 4,
  stoppedVenulesOptimalMaxFraction: 0,
  stoppedVenulesAcceptableMaxFraction: 0.5,
};

export function resolveQualityParams(p?: Partial<QualityParams>): QualityParams {
  const out: QualityParams = { ...DEFAULT_QUALITY_PARAMS, ...(p ?? {}) };
  for (const [k, v] of Object.entries(out)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`quality parameter ${k} must be a finite number ≥ 0, got ${String(v)}`);
  }
  return out;
}
