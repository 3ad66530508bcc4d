/**
 * Inputs and outputs of the consensus metrics (src/metrics/). Everything the metrics need
 * is here in physical units, so the formulas never see pixels or frames. Both the engine's
 * analysis and the phantom's truth build these inputs; the same functions then compute the
 * metrics, so engine and truth are compared like with like.
 */

/** Flow class per vessel (De Backer 2007): 0 no flow, 1 intermittent, 2 sluggish, 3 continuous. */
export type FlowClass = 0 | 1 | 2 | 3;

/** Quadrant order used everywhere: top-left, top-right, bottom-left, bottom-right. */
export type QuadrantIndex = 0 | 1 | 2 | 3;

/** The analysed region: an axis-aligned rectangle in reference-frame pixels. */
export interface AnalysedRegion {
  /** Left edge, px (reference frame). */
  x: number;
  /** Top edge, px. */
  y: number;
  /** Width, px. */
  width: number;
  /** Height, px. */
  height: number;
}

/** Pixel scale: µm per pixel along x and along y (non-square pixels are common in PAL DV). */
export interface PixelScale {
  umPerPxX: number;
  umPerPxY: number;
}

export interface VelocityEstimate {
  /** Mean RBC velocity, µm/s; null when censored or not measured. */
  valueUmPerS: number | null;
  /** Lower bound of the velocity, µm/s (the value itself when measured). */
  lowerBoundUmPerS: number | null;
  /** Upper bound of the velocity, µm/s (null when unbounded above). */
  upperBoundUmPerS: number | null;
  /** "above": faster than the path can resolve; "below": slower than resolvable; null: measured. */
  censored: 'above' | 'below' | null;
}

/** One vessel segment as the metrics see it. */
export interface SegmentInput {
  id: string;
  /** Centerline length inside the analysed region, µm. */
  lengthUm: number;
  /** The same length split over the four quadrants (TL, TR, BL, BR), µm; sums to lengthUm. */
  lengthUmByQuadrant: [number, number, number, number];
  /** Median diameter over the segment interior, µm. */
  diameterUm: number;
  /** Flow class, or null when it could not be classified. */
  flowClass: FlowClass | null;
  /** Velocity, when measured. */
  velocity?: VelocityEstimate | null;
  /**
   * Crossings of the centerline with the De Backer grid lines, in the order
   * [h¼, h½, h¾, v¼, v½, v¾] (horizontal lines at ¼, ½, ¾ of the height, then vertical).
   */
  gridCrossings: [number, number, number, number, number, number];
}
