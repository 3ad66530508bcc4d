/**
 * Duplicated frames: frames the capture dropped and replaced by a copy of the previous one
 * (or, after lossy encoding, a near-copy). They are missing time, not stopped flow
 * (hvm-domain.md, "Velocity and flow class"): flow analysis must skip them instead of
 * reading "no change" as "no movement", and the stabilised mean must not count them twice.
 *
 * Test, against the previous frame only (one small sample held):
 *  1. frameStats first: a duplicate's mean differs by at most DUPLICATE_MAX_MEAN_DIFF_GREY
 *     (exact copies: identical stats); anything else is a fresh frame, no sampling needed;
 *  2. then a sample of pixels (every DUPLICATE_SAMPLE_STEP-th pixel of every
 *     DUPLICATE_SAMPLE_STEP-th row, ≥ 1 in 49 pixels): the mean absolute difference must be at
 *     most DUPLICATE_MAX_MEAN_ABS_DIFF_GREY. Two fresh captures differ by sensor noise alone
 *     by ~√2·σ ≈ 3–6 grey levels even when nothing moves; a re-encoded copy by well under 1.
 */
import type { FrameStats } from '../backend/types.js';

export const DUPLICATE_SAMPLE_STEP = 7;
export const DUPLICATE_MAX_MEAN_DIFF_GREY = 0.5;
export const DUPLICATE_MAX_MEAN_ABS_DIFF_GREY = 0.5;

export class DuplicateDetector {
  private prevSample: Uint8Array | null = null;
  private prevMean = 0;
  private prevSource = -1;

  constructor(readonly width: number, readonly height: number) {}

  /**
   * Feed frames in order. Returns the index of the fresh frame this one repeats (following
   * chains of duplicates back to the original), or null for a fresh frame.
   */
  check(index: number, frame: Uint8Array, stats: FrameStats): number | null {
    const sample = this.sample(frame);
    let dupOf: number | null = null;
    if (this.prevSample !== null && Math.abs(stats.mean - this.prevMean) <= DUPLICATE_MAX_MEAN_DIFF_GREY) {
      let diff = 0;
      const p = this.prevSample;
      for (let i = 0; i < sample.length; i++) diff += Math.abs(sample[i]! - p[i]!);
      if (diff <= DUPLICATE_MAX_MEAN_ABS_DIFF_GREY * sample.length) dupOf = this.prevSource;
    }
    this.prevSample = sample;
    this.prevMean = stats.mean;
    this.prevSource = dupOf ?? index;
    return dupOf;
  }

  private sample(frame: Uint8Array): Uint8Array {
    const { width: w, height: h } = this;
    // Tiny frames are compared whole.
    const s = w < 4 * DUPLICATE_SAMPLE_STEP || h < 4 * DUPLICATE_SAMPLE_STEP ? 1 : DUPLICATE_SAMPLE_STEP;
    // Offset by half a step, off the first row and column (often border).
    const o = s >> 1;
    const out = new Uint8Array(Math.ceil((w - o) / s) * Math.ceil((h - o) / s));
    let k = 0;
    for (let y = o; y < h; y += s) for (let x = o; x < w; x += s) out[k++] = frame[y * w + x]!;
    return out;
  }
}
