/**
 * Defaults of the vessel segmentation (segment.ts), in physical units: every size is in µm
 * (or µm²) and is converted to pixels with the clip's calibration, so the same defaults
 * serve 0.7 µm/px (CytoCam full resolution) to 1.8 µm/px (a downsampled CytoCam export)
 * and the ~1.3 µm/px of a MicroScan PAL clip. The only pixel-valued parameter is the
 * sampling floor of the smallest scale, which is a property of the pixel grid, not of the
 * tissue.
 *
 * Sources for the sizes: capillaries are 5–12 µm wide and venules 20–60 µm
 * (docs/hvm-domain.md; De Backer et al. 2007, Crit Care 11:R101). The Frangi parameters
 * are Frangi et al. 1998's own (MICCAI, LNCS 1496:130).
 */

export interface SegmentParams {
  /** Smallest vessel diameter to detect, µm. */
  diameterMinUm: number;
  /** Largest vessel diameter to detect, µm. */
  diameterMaxUm: number;
  /** Ratio between consecutive scales (σ grows geometrically), dimensionless, > 1. */
  scaleRatio: number;
  /** Smallest Gaussian σ in px, whatever the calibration (sampling limit of the grid), px. */
  minSigmaPx: number;
  /** σ of the background estimate of the luminosity/contrast normalisation, µm. */
  backgroundSigmaUm: number;
  /** ε of the contrast normalisation, as a fraction of the image's mean local SD, dimensionless. */
  contrastEpsRel: number;
  /** Frangi β: sensitivity to blobness (λ1/λ2), dimensionless. */
  frangiBeta: number;
  /** Frangi c as a fraction of the largest Hessian norm of the image, dimensionless. */
  frangiCRelative: number;
  /** Hysteresis: seed threshold on the vesselness (0–1), dimensionless. */
  thresholdHigh: number;
  /** Hysteresis: growth threshold on the vesselness (0–1), dimensionless; ≤ thresholdHigh. */
  thresholdLow: number;
  /**
   * A mask pixel must be darker than its local background by at least this many local SDs
   * (the normalised image, smoothed with σ = maskDarknessSigmaUm, must be ≤ −maskDarknessMin), dimensionless.
   */
  maskDarknessMin: number;
  /** σ of the Gaussian that smooths the normalised image the darkness rule reads, µm (at least minSigmaPx). */
  maskDarknessSigmaUm: number;
  /**
   * A mask pixel must be at least this fraction as dark (normalised) as the darkest point of
   * its vessel (within 2σ of its best scale): 0.5 = the full width at half depth, dimensionless.
   */
  maskHalfDepth: number;
  /** Connected vessel-mask pieces smaller than this are dropped, µm². */
  minComponentAreaUm2: number;
  /** Holes in the mask smaller than this are filled before thinning, µm² (see MAX_HOLE_AREA_UM2). */
  maxHoleAreaUm2: number;
  /**
   * Spurs: a centerline branch with a free end, shorter than this many times its vessel's
   * diameter, is a thinning artefact of a bump in the mask and is dropped, dimensionless.
   */
  spurMaxLengthRel: number;
  /** Half-width of the moving average along a centerline chain before its length is taken, µm. */
  centerlineSmoothingUm: number;
  /**
   * Largest move of a centerline point across its vessel to the bottom of the intensity
   * valley (centerline-valley.ts), in diameters of the vessel (its vesselness estimate); 0
   * keeps the skeleton's middle of the mask, dimensionless.
   */
  centerlineValleyMaxShiftRel: number;
  /**
   * Only chains narrower than this (vesselness estimate) are refined, µm: a wider vessel's
   * profile has two valleys either side of its central light reflex.
   */
  centerlineValleyMaxDiameterUm: number;
  /**
   * σ of the Gaussian that smooths the contrast-normalised image the valley refinement reads,
   * µm (at least minSigmaPx): enough to remove pixel noise, little enough to keep a tortuous
   * capillary's bends where they are.
   */
  centerlineValleySigmaUm: number;
  /**
   * Least lumen contrast of a centerline chain (lumen-contrast.ts: how much darker its
   * centerline is than the tissue beside it, on the segmented image), dimensionless; fainter
   * chains are not vessels and are dropped. 0 keeps every chain.
   */
  chainMinLumenContrast: number;
}

/** Diameter range of sublingual vessels: capillaries from 5 µm, venules up to 60 µm. */
export const DIAMETER_MIN_UM = 5;
export const DIAMETER_MAX_UM = 60;

/**
 * √2 between scales: with γ = 2 a bar of width d answers at σ ≈ d/2, and a step of √2 keeps
 * every width within ~19 % of a scale (the response falls by < 3 % there), in 8–9 scales.
 */
export const SCALE_RATIO = Math.SQRT2;

/**
 * 1 px: below this a sampled Gaussian second derivative aliases (its spectrum reaches the
 * Nyquist frequency) and responds to single-pixel noise. At 1.8 µm/px the smallest scale
 * (5 µm → σ 2.5 µm = 1.4 px) is above it; at coarser scales thin vessels are found at 1 px.
 */
export const MIN_SIGMA_PX = 1;

/**
 * 100 µm: the local background (luminosity and contrast) is estimated over a Gaussian of
 * σ = 100 µm, wider than the widest venule (60 µm) so that a vessel does not flatten itself,
 * and narrow enough to follow the illumination falloff and depth changes of a handheld
 * field (~1 mm across).
 */
export const BACKGROUND_SIGMA_UM = 100;

/**
 * 1: the local SD is floored at the image's mean local SD (ε² = 1 · mean σ²), so the
 * normalisation evens out contrast between well-lit and dim parts without blowing up the
 * noise of flat, vessel-free regions (a plain division by the local SD does).
 */
export const CONTRAST_EPS_REL = 1;

/** Frangi's β = 0.5. */
export const FRANGI_BETA = 0.5;

/**
 * Frangi's c = half the largest Hessian norm (Frangi 1998), so the measure does not depend on
 * the camera's gain or the image's units.
 */
export const FRANGI_C_RELATIVE = 0.5;

/**
 * Hysteresis thresholds on the vesselness (Canny 1986): seeds ≥ 0.04 grow into connected
 * pixels ≥ 0.015 (their weak continuations, thin or faint capillaries). Relative to c = half
 * the largest norm, V = 0.04 is a structure of ~14 % of the strongest vessel's
 * contrast-normalised curvature. The DARKNESS rules below, not these thresholds, set where a
 * mask ends, so the thresholds are low: they decide which faint vessels are seeded at all.
 * Measured on the full phantom set (24 clips, 2026-12-07, with the valley refinement): seeds
 * 0.08 / growth 0.04 raise precision (median 86.5 → 88.5 %) and the De Backer score (median
 * error, small vessels, 23.6 → 19.8 %) but lose faint length: TVD within ±10 % on 7 → 3 clips
 * (median error small 16.1 → 18.1 %). TVD is the headline number, so 0.04 / 0.015 stay.
 * (The DRIVE benchmark chooses its own threshold on DRIVE's training images.)
 */
export const THRESHOLD_HIGH = 0.04;
export const THRESHOLD_LOW = 0.015;

/**
 * 0.1 local SDs: Frangi's measure stays positive well outside a vessel (a thin vessel still
 * curves a large-scale Gaussian up to ~σ away), so a threshold on it alone gives masks
 * several times too wide and merges neighbouring capillaries. Requiring the (slightly
 * smoothed) normalised intensity itself to be darker than the local background keeps the
 * mask on dark structures; the half-depth rule below sets the width. Full phantom set
 * (2026-12-07): 0.3 SD loses faint and blurred capillaries (recall by depth layer
 * 88/75/30 → 87/68/23 %, TVD median error small 16.1 → 20.6 %, κ 0.688 → 0.673).
 */
export const MASK_DARKNESS_MIN = 0.1;

/**
 * 1.3 µm (at least minSigmaPx): "darker than the background" is judged on the normalised image
 * smoothed about as much as the valley refinement's (CENTERLINE_VALLEY_SIGMA_UM), not at the
 * smallest vessel scale (σ = diameterMinUm / 2 = 2.5 µm), which spreads a lumen's darkness over
 * the tissue beside it and over the gap between two capillaries running close together.
 * Measured on the full phantom set (25 clips, 2026-12-08), 2.5 → 1.3 µm: De Backer score median
 * error small 20.0 → 18.0 %, all 16.4 → 14.5 %; TVD small 16.9 → 16.5 %, all 14.8 → 14.4 %;
 * pooled small-vessel recall 80.2 → 80.5 %, precision unchanged (91.1 %); flow κ 0.856
 * unchanged (issue 6 clear-cut: 0.847, 2 more vessels classified, both right); clips within
 * every bar unchanged but mean velocity (all) 16 → 17. Reading the half-depth rule (maskHalfDepth)
 * on the same finer image as well separates more close pairs (recall 80.2 → 81.9 %, TVD small
 * 15.4 %) but moves flow paths: κ 0.856 → 0.828, clear-cut 0.817 (at 1.8 µm for both rules:
 * 0.804); not kept.
 */
export const MASK_DARKNESS_SIGMA_UM = 1.3;

/**
 * 0.35: the mask's edge where the profile is 35 % of the vessel's own depth below the
 * background (within σ of its best scale). Half depth (0.5, the full width at half maximum)
 * is the usual definition of a width, but the mask is there to be thinned into a connected
 * centerline, not to measure width (diameter.ts fits profiles): at 0.5 faint and blurred
 * vessels break into pieces. Full phantom set (2026-12-07): 0.5 raises precision (median
 * 86.5 → 89.8 %) but loses length (recall by depth layer 88/75/30 → 89/69/22 %, TVD median
 * error small 16.1 → 22.1 %, κ 0.688 → 0.654). A fixed darkness threshold alone is too
 * generous around strong venules (their blurred shoulders) and too strict for faint
 * capillaries; the width a wide mask puts off-centre is corrected by the valley refinement
 * of the centerline (centerline-valley.ts).
 */
export const MASK_HALF_DEPTH = 0.35;

/**
 * 400 µm²: a piece of mask smaller than a 5 µm capillary 80 µm long (or an 8 µm one 50 µm
 * long) is dropped. Tissue texture (RBC-sized mottle) leaves short, isolated squiggles of
 * 100–300 µm² at the low hysteresis threshold; a capillary that short cannot be followed
 * for flow either. Measured (full phantom set, 24 clips, 2026-12-07): 250 µm² raises
 * small-vessel recall (median 76.1 → 78.9 %, pooled by depth layer 88.4/72.5/29.5 →
 * 88.7/74.0/30.5 %) for 1.2 points of precision, κ unchanged, but keeps texture pieces on the
 * synthetic-lines tests (test/segment/segment.test.ts: mask near the lines 90 % < 95 %;
 * test/cli/segment.test.ts: length +11 % > 5 %); keeping 100–400 µm² pieces only when
 * elongated (length/width ≥ 3 or 5 by second moments) did no better.
 */
export const MIN_COMPONENT_AREA_UM2 = 400;

/**
 * 40 µm²: a hole in the vessel mask smaller than this (a disc of ~7 µm) is filled before
 * thinning. Such holes are the pale central reflex of a venule and the gaps where capillaries
 * meet at a junction; thinning turns each into a small ring that doubles the length there
 * and breaks the vessel graph. Measured on the CI phantom set: 150 µm² also filled the narrow
 * meshes between capillaries running side by side (healthy mesh recall 74 → 63 %); 40 µm²
 * removes the rings without that loss (recall 73 %, TVD within 1 % of no filling).
 */
export const MAX_HOLE_AREA_UM2 = 40;

/**
 * 1 diameter: thinning turns every bump of a vessel's outline into a side branch about half
 * a diameter long (from the centerline to the bump); a real branch leaving a vessel is
 * longer than the vessel is wide.
 */
export const SPUR_MAX_LENGTH_REL = 1;

/**
 * 3 µm: centerline chains are smoothed over ±3 µm (at least ±1 px) before their length is
 * measured, which removes most of the staircase excess of a digital curve (up to +8 % at
 * 22.5°) while following capillary bends (radius of curvature ≥ ~10 µm).
 */
export const CENTERLINE_SMOOTHING_UM = 3;

/**
 * 1 diameter (the vesselness estimate of the chain), for chains under 20 µm: how far a
 * centerline point may move across its vessel to the bottom of its intensity valley
 * (centerline-valley.ts). Measured on the full phantom set (24 clips, 2026-12-07), without →
 * with: recall of in-focus vessels 84.2 → 88.3 %, recall median 74.1 → 76.4 %, precision
 * median 84.7 → 86.5 %, TVD median error small 17.2 → 16.1 %, all 14.8 → 13.6 %; 0.6 and 1.5
 * diameters give the same within 0.3 points. Wider vessels are left alone: their profile has
 * a valley either side of the central light reflex, and refining them too lost a third of
 * the blurred (depth layer 1) venules' length (recall 73 → 67 %, precision 78 %).
 *
 * One exception (segment.ts, closePair): a wider chain whose trace fails the lumen bar
 * (chainMinLumenContrast) is refined all the same and kept if it then passes. Two capillaries
 * a few µm apart can fill one mask that the vesselness reads as one vessel twice as wide; its
 * skeleton runs in the bright tissue between the lumens, and both capillaries were lost as
 * "faint" (5–7 µm capillaries 4–6 µm apart on a synthetic image). Moved, the trace follows
 * the nearer lumen; refined from the mirror image of that move, a second trace finds the
 * other, and each gets a first diameter estimate from their distance (0.6 × it), not the
 * pair's width (which made them "large" vessels: fitted 22–24 µm instead of 5–7). Full phantom
 * set (25 clips, 2026-12-08): TVD (all) median error 14.4 → 14.1 %, De Backer (all) within
 * ±10 % on 8 → 9 clips, PVD small 22.2 → 22.0 %, pooled small-vessel recall 80.5 → 80.6 %,
 * precision 91.1 → 90.9 % (some rescued traces lie off the truth), flow κ unchanged; the
 * second lumen and the diameter estimate changed no median there (the set's close pairs are
 * mostly traced on one lumen already, which the refinement does not split).
 */
export const CENTERLINE_VALLEY_MAX_SHIFT_REL = 1;
export const CENTERLINE_VALLEY_MAX_DIAMETER_UM = 20;

/**
 * 1.3 µm (at least 1 px): the valley refinement reads the normalised image smoothed this
 * little. It used to read it smoothed at the thinnest vessel's scale (σ = 2.5 µm), which
 * flattens a capillary's bends: a bend of 16 µm wavelength keeps exp(−2π²σ²/λ²) = 62 % of its
 * amplitude at 2.5 µm and 88 % at 1.3 µm, and the centerline followed the flattened valley.
 * Measured on the phantom study at a full SDF field (720×576, 1.3 µm/px, 12 sites), on
 * in-focus truth vessels the engine covers (≥ 90 %), engine length over the truth length it
 * covers: median 0.939–0.966 per site → 0.955–0.977 (the truth centerline smoothed by a
 * Gaussian of σ 4–5 µm loses as much as the engine did). Smoothing 2.5 → 1.3 µm: study TVD
 * small median error 18.5 → 17.5 %, PVD 20.4 → 18.9 %, MFI small within ±0.25 on 10 → 11
 * sites, quadrants 10 → 11, flow κ 0.932 → 0.934; full phantom set (25 clips) TVD small
 * 18.0 → 16.9 %, PVD 23.9 → 22.8 %, De Backer 22.2 → 20.0 %, κ 0.830 → 0.842 (paths sampled
 * nearer the lumen's middle), MFI small within ±0.25 20 → 19 clips. A flat 1 px instead
 * (0.7 µm at CytoCam's full resolution) gave the same on the study and PVD small 26.0 % on
 * the full set. Smoothing the skeleton chain with a Gaussian of σ 1 px instead of the ±3 µm
 * moving average on top changed TVD by 0.1–0.2 points (not kept).
 */
export const CENTERLINE_VALLEY_SIGMA_UM = 1.3;

/**
 * 0.1: a chain whose centerline is less than 10 % darker than the tissue beside it is dropped
 * (the same bar as a stop's, flow/lumen-contrast.ts). The vesselness filter answers to any
 * elongated dark structure after contrast normalisation, and in darker patches of a field
 * tissue mottle passes the darkness rule and is traced as small branching trees. In a clip the
 * segmented image is the stabilised mean darkened where cells move (vessel-map.ts), so a
 * faint vessel with flowing cells keeps its contrast; static mottle does not. Measured on the
 * full phantom set (24 clips, 2026-12-07), engine small vessels by their contrast on the mean:
 * below 0.05, 8 % of the length lies on a true vessel; 0.05–0.1, 20 %; 0.1–0.15, 54 %; above
 * 0.15, 88–95 %. Bar → small-vessel precision median (clips ≥ 90 %) / recall median, pooled
 * depth layer 2 / flow κ / MFI small clips within ±0.25 / TVD small median error (clips within
 * ±10 %) / De Backer small, all median error:
 *   0:    89.1 % (12) / 76.1 %, 29.5 % / 0.731 / 18 / 17.0 % (7) / 25.8 %, 22.4 %
 *   0.05: 89.9 % (12) / 75.9 %, 28.7 % / 0.749 / 18 / 18.3 % (8) / 25.8 %, 22.4 %
 *   0.1:  91.9 % (15) / 75.7 %, 26.7 % / 0.749 / 19 / 18.2 % (5) / 24.4 %, 20.4 %
 *   0.15: 92.4 % (18) / 75.7 %, 18.5 % / 0.744 / 19 / 22.2 % (3) / 26.6 %, 20.6 %
 * The false trees were also vessels often misclassified (read stopped), hence κ; but
 * MFIVessel within ±0.25 on 16 → 14 clips (small) and 15 → 13 (all), and TVD, which the
 * engine under-reads through missed deep vessels, loses the length they added.
 */
export const CHAIN_MIN_LUMEN_CONTRAST = 0.1;

export const DEFAULT_SEGMENT_PARAMS: Readonly<SegmentParams> = Object.freeze({
  diameterMinUm: DIAMETER_MIN_UM,
  diameterMaxUm: DIAMETER_MAX_UM,
  scaleRatio: SCALE_RATIO,
  minSigmaPx: MIN_SIGMA_PX,
  backgroundSigmaUm: BACKGROUND_SIGMA_UM,
  contrastEpsRel: CONTRAST_EPS_REL,
  frangiBeta: FRANGI_BETA,
  frangiCRelative: FRANGI_C_RELATIVE,
  thresholdHigh: THRESHOLD_HIGH,
  thresholdLow: THRESHOLD_LOW,
  maskDarknessMin: MASK_DARKNESS_MIN,
  maskDarknessSigmaUm: MASK_DARKNESS_SIGMA_UM,
  maskHalfDepth: MASK_HALF_DEPTH,
  minComponentAreaUm2: MIN_COMPONENT_AREA_UM2,
  maxHoleAreaUm2: MAX_HOLE_AREA_UM2,
  spurMaxLengthRel: SPUR_MAX_LENGTH_REL,
  centerlineSmoothingUm: CENTERLINE_SMOOTHING_UM,
  centerlineValleyMaxShiftRel: CENTERLINE_VALLEY_MAX_SHIFT_REL,
  centerlineValleyMaxDiameterUm: CENTERLINE_VALLEY_MAX_DIAMETER_UM,
  centerlineValleySigmaUm: CENTERLINE_VALLEY_SIGMA_UM,
  chainMinLumenContrast: CHAIN_MIN_LUMEN_CONTRAST,
});
