/**
 * The temporal summary of a clip: the stabilised mean image (what vessel segmentation runs
 * on, since moving RBCs average into a continuous dark vessel) and each frame's brightness
 * (for flicker normalisation and image quality). Built by the stabilisation stage
 * (stabilise.ts) while frames stream past, one frame and one accumulator held at a time.
 */
export interface FrameBrightness {
  index: number;
  mean: number;
  sd: number;
}

export interface TemporalSummary {
  width: number;
  height: number;
  /** Frames that went into the mean image. */
  frameCount: number;
  /** Mean image, grey levels 0–255, row-major, reference-frame coordinates. */
  meanImage: Float32Array;
  /** Per-frame brightness statistics, in decode order. */
  brightness: FrameBrightness[];
}
