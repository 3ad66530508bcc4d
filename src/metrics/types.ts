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
  /**
   * True when diameterUm is only a lower bound (the lumen runs on past the picture's edge and
   * no profile could be fitted): see isSmallVessel.
   */
  diameterIsLowerBound?: boolean;
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

/** A point in reference-frame pixels, [x, y] (x to the right, y down). */
export type PointPx = [number, number];

/** A non-fatal finding attached to a result: stable `code` for programs, `message` for people. */
export interface MetricsWarning {
  code: string;
  message: string;
}

/** Vessel length per flow class, µm. */
export interface LengthByFlowClass {
  0: number;
  1: number;
  2: number;
  3: number;
  unclassified: number;
}

/**
 * The consensus metrics for one vessel population (small vessels or all vessels) of one
 * clip. Same keys in both populations; units in each field's comment and in
 * schema/clip-result.schema.json. Computed only by computeClipMetrics (src/metrics/clip.ts).
 */
export interface MetricSet {
  /** Total vessel density, mm/mm²: centerline length / analysed area (De Backer 2007). */
  TVD: number;
  /** Perfused vessel density, mm/mm²: length of classes 2 and 3 / analysed area; null when vessels are present but none is classified. */
  PVD: number | null;
  /** Proportion of perfused vessels by length, %: perfused / classified length; null when nothing is classified. */
  PPV: number | null;
  /** Share of the length that could not be classified, %; null when there is no length. */
  unclassifiedLengthPct: number | null;
  /** PPV by grid crossings, %: perfused / classified crossings; null when no classified crossing. */
  PPVCount: number | null;
  /** De Backer score, 1/mm: all grid crossings / total grid line length. */
  deBackerScore: number;
  /** Perfused De Backer score, 1/mm: crossings of perfused vessels / total grid line length. */
  perfusedDeBackerScore: number | null;
  /** Microvascular flow index, quadrant method (0–3): mean of the scored quadrants; null when none scored. */
  MFI: number | null;
  /** Predominant flow class per quadrant (TL, TR, BL, BR); null when the quadrant has no classified vessel. */
  MFIQuadrants: [FlowClass | null, FlowClass | null, FlowClass | null, FlowClass | null];
  /** Vessel-by-vessel MFI (0–3): unweighted mean of per-vessel classes; null when none classified. */
  MFIVessel: number | null;
  /** Centerline length inside the analysed region per flow class, µm. */
  lengthUmByFlowClass: LengthByFlowClass;
  /** Vessels with centerline length inside the analysed region. */
  vesselCount: number;
  /** Length-weighted mean RBC velocity over vessels with a measured (uncensored) value, µm/s; null when none. */
  meanVelocityUmPerS: number | null;
  /** Length-weighted (population) SD of those velocities, µm/s; null under 2 measured vessels. */
  sdVelocityUmPerS: number | null;
  /** Vessels whose velocity entered the mean (measured, not censored). */
  velocityMeasuredCount: number;
  /** Vessels faster than the path can resolve (left out of the mean: it underestimates). */
  censoredAboveCount: number;
  /** Vessels slower than resolvable (left out of the mean). */
  censoredBelowCount: number;
  /** All crossings with the 6 grid lines. */
  crossingCount: number;
  /** Crossings by classified vessels. */
  classifiedCrossingCount: number;
  /** Crossings by perfused vessels (class 2 or 3). */
  perfusedCrossingCount: number;
}

/** Output of computeClipMetrics. */
export interface ClipMetrics {
  /** Vessels with diameterUm < smallVesselMaxUm. */
  small: MetricSet;
  /** All vessels. */
  all: MetricSet;
  /** Analysed area, mm². */
  analysedAreaMm2: number;
  /** Total length of the 6 De Backer grid lines, mm. */
  gridLineLengthMm: number;
  /** The small-vessel threshold used, µm. */
  smallVesselMaxUm: number;
  warnings: MetricsWarning[];
}
