/**
 * Temporal summary of a clip while its frames stream past: the mean image (what vessel
 * segmentation will run on, since moving RBCs average into a continuous dark vessel) and
 * each frame's brightness (for flicker normalisation and image quality). Only one frame and
 * one float64 accumulator are held at a time, whatever the clip length.
 */
import type { CoreBackend } from '../backend/types.js';

export interface FrameBrightness {
  index: number;
  mean: number;
  sd: number;
}

export interface TemporalSummary {
  width: number;
  height: number;
  frameCount: number;
  /** Mean image, grey levels 0–255, row-major. */
  meanImage: Float32Array;
  /** Per-frame brightness statistics, in decode order. */
  brightness: FrameBrightness[];
}

export interface SummaryFrame {
  index: number;
  width: number;
  height: number;
  data: Uint8Array;
}

export class TemporalSummaryBuilder {
  private acc: Float64Array | null = null;
  private width = 0;
  private height = 0;
  private count = 0;
  private readonly brightness: FrameBrightness[] = [];

  constructor(private readonly core: CoreBackend) {}

  add(frame: SummaryFrame): void {
    if (this.acc === null) {
      this.width = frame.width;
      this.height = frame.height;
      this.acc = new Float64Array(frame.width * frame.height);
    } else if (frame.width !== this.width || frame.height !== this.height) {
      throw new RangeError(
        `frame ${frame.index} is ${frame.width}×${frame.height}, the clip started at ${this.width}×${this.height}`,
      );
    }
    this.core.accumulateFrame(this.acc, frame.data, frame.width, frame.height);
    const stats = this.core.frameStats(frame.data, frame.width, frame.height);
    this.brightness.push({ index: frame.index, mean: stats.mean, sd: stats.sd });
    this.count++;
  }

  finish(): TemporalSummary {
    if (this.acc === null || this.count === 0) throw new RangeError('no frames were added to the temporal summary');
    const meanImage = new Float32Array(this.acc.length);
    for (let i = 0; i < meanImage.length; i++) meanImage[i] = this.acc[i] / this.count;
    return {
      width: this.width,
      height: this.height,
      frameCount: this.count,
      meanImage,
      brightness: this.brightness,
    };
  }
}
