/**
 * Data types of the stabilisation stage (stabilise.ts, region.ts, screen-mask.ts).
 *
 * Coordinates: px, x to the right, y down, pixel (i, j) centred at (i, j). "Screen" px are
 * a stored frame's own; "reference" px are those of the reference frame, in which the
 * stabilised mean, the analysed region and (later) every vessel are expressed.
 *
 * Motion sign: (dx, dy) of a frame is the shift of its CONTENT against the reference frame,
 * the convention of CoreBackend.phaseCorrelate and shiftAccumulate: frame(x, y) =
 * reference(x − dx, y − dy). A tissue point at reference px P is seen at P + (dx, dy) in
 * the frame. (The phantom's camera offset is the opposite: dx = −(offset_k − offset_ref).)
 */

export interface ScreenBorders {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface ScreenRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * 'reference': the frame every frame was registered against (StabiliseResult
 * .registrationReferenceFrame); 'registered': measured against it; 'dropped': could not be
 * registered (peak in the noise); 'duplicate': a copy of an earlier frame (missing time).
 */
export type MotionStatus = 'reference' | 'registered' | 'dropped' | 'duplicate';

/** One frame of the motion track. */
export interface MotionSample {
  /** Frame index in the decoded sequence. */
  index: number;
  /** Nominal time of the frame, s. */
  timeS: number;
  /** Content shift against the reference, px (see the sign convention above); null when unknown (dropped). */
  dx: number | null;
  dy: number | null;
  /** Phase-correlation peak, 0–1 (1 for the reference; a duplicate repeats its source's). */
  peak: number;
  /**
   * Registration residual after alignment: normalised RMS difference of the aligned
   * registration images over their overlap, sqrt(Σ(a−b)² / (Σa² + Σb²)) — 0 identical,
   * ~1 unrelated. null for dropped frames and duplicates.
   */
  residual: number | null;
  status: MotionStatus;
  /** For a duplicate: the index of the fresh frame it repeats. */
  duplicateOf?: number;
}

/** The analysis window: a contiguous stretch of frames. */
export interface AnalysisWindow {
  startS: number;
  endS: number;
  /** First and last frame index (inclusive). */
  firstFrame: number;
  lastFrame: number;
  /** Which rule chose it (see region.ts). */
  rule: 'whole-clip' | 'longest-stretch' | 'largest-region';
}

export interface AnalysedRect {
  x: number;
  y: number;
  width: number;
  height: number;
}
