/**
 * Data types of the flow stage: the paths it measures, the frames it is fed, the space-time
 * diagrams it builds and the per-vessel flow it reports. Coordinates are reference-frame px
 * (src/analysis/stabilise-types.ts): a tissue point at reference px P is seen at P + (dx, dy)
 * in a frame whose content shift is (dx, dy).
 */
import type { FlowClass, VelocityEstimate } from '../metrics/types.js';

/** A path along which a space-time diagram is sampled: a vessel centerline (or a chain of them). */
export interface FlowPath {
  id: string;
  /** Centerline, reference-frame px, in order; direction +1 means from the first point to the last. */
  polylinePx: [number, number][];
  /** Vessel diameter, px (sets the width of the across-vessel average). */
  diameterPx: number;
  /** Whether the path's first and last points end at a junction (not a free end); default neither. */
  junctionEnds?: [boolean, boolean];
}

/** One decoded frame with its registration (a MotionSample of the stabilisation, plus the pixels). */
export interface FlowFrame {
  /** Frame index in the decoded sequence (time = index / fps). */
  index: number;
  timeS: number;
  /** 8-bit grey, width × height. */
  data: Uint8Array;
  /** Content shift against the reference, px; null when unknown (a dropped frame). */
  dx: number | null;
  dy: number | null;
  /** 'dropped' and 'duplicate' frames are gaps (missing time), never stops. */
  status: 'reference' | 'registered' | 'dropped' | 'duplicate';
  /**
   * The frame's mean grey level (core frameStats), when the caller already has it: the
   * stabilisation pass measured every frame, so the flow pass need not read each frame once
   * more for it. Omitted: computed here.
   */
  meanGrey?: number;
}

/** A space-time diagram: one row per sampled frame (or field), one column per path sample. */
export interface SpaceTimeDiagram {
  id: string;
  /** Columns (samples along the path, spaced stepUm apart) and rows. */
  width: number;
  height: number;
  /** Row-major, brightness-normalised grey (frame mean = 100); NaN where the sample left the frame or the row is a gap. */
  values: Float32Array;
  /** Time of each row, s. */
  timesS: Float64Array;
  /** 1 when the row was measured, 0 for a gap (dropped/duplicated frame). */
  rowPresent: Uint8Array;
  /** Spacing of the columns along the path, µm. */
  stepUm: number;
  /** Time between rows, s (1/fps, or 1/(2 fps) for fields). */
  rowStepS: number;
  /** First and last column the estimator used (inside the frame in every row), or null. */
  usedColumns: [number, number] | null;
  /** Mean signed pattern displacement of the fitted streak, columns per row (for drawing); null when none. */
  slopeColumnsPerRow: number | null;
}

/** The flow of one path. */
export interface VesselFlow {
  id: string;
  /** Mean RBC velocity over the analysed time, stops included. */
  velocity: VelocityEstimate;
  /** [lowest, highest] speed this path can resolve, µm/s. */
  measurableRangeUmPerS: [number, number] | null;
  /** 0–1: share of analysed time with a decided window × mean peak correlation of the streaks. */
  confidence: number;
  /** Speed per window (stops included; censored-fast windows at the upper bound), µm/s; null where undecided. */
  series: { stepS: number; valuesUmPerS: (number | null)[] };
  /** Share of the analysed time the column was stopped (barcode), or null. */
  stoppedFraction: number | null;
  flowClass: FlowClass | null;
  /** Why flowClass is null (too short, too few seconds, no texture …), else null. */
  reason: string | null;
  /** +1 RBCs move from the first polyline point to the last, −1 the other way, 0 stopped or unknown. */
  direction: 1 | -1 | 0;
}
