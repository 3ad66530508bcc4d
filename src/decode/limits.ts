/**
 * Documented limits and defaults of the decoder. They exist to catch mis-identified inputs
 * (a 2-hour recording, a header claiming 2^31 frames, a 30 000 px panorama) before any
 * decoding starts, not to save memory: frames are streamed one at a time. Every limit can be
 * raised per call through the `limits` option.
 */

/** Widest accepted frame (px). Covers CytoCam full frames (~2200×1650) and 4K/8K exports. */
export const MAX_FRAME_WIDTH = 8192;
/** Tallest accepted frame (px). */
export const MAX_FRAME_HEIGHT = 8192;
/**
 * Most frames accepted per clip: 100 000 frames is 66 min at 25 fps, far above any HVM clip
 * (typically 5–30 s, 125–900 frames). Checked against the header count before decoding and
 * against the decoded count while decoding (headers can be missing or wrong).
 */
export const MAX_FRAMES = 100_000;

/** A clip needs at least two frames for any motion or flow measure. */
export const DEFAULT_MIN_FRAMES = 2;
/** Seconds without a byte from ffmpeg (while we wait for one) before it is killed. */
export const DEFAULT_STALL_TIMEOUT_S = 30;
/** Seconds allowed for probing a file (ffprobe or `ffmpeg -i`). */
export const DEFAULT_PROBE_TIMEOUT_S = 30;
/**
 * Decoded frames may fall short of the header's count by this many frames without being
 * called truncated: duration×fps estimates round, and some muxers count one frame more.
 */
export const TRUNCATION_TOLERANCE_FRAMES = 1;
/** How many distinct ffmpeg error lines a summary keeps (all are counted). */
export const MAX_DECODER_ERRORS_KEPT = 10;

export interface DecodeLimits {
  maxWidth: number;
  maxHeight: number;
  maxFrames: number;
}

export const DEFAULT_LIMITS: Readonly<DecodeLimits> = Object.freeze({
  maxWidth: MAX_FRAME_WIDTH,
  maxHeight: MAX_FRAME_HEIGHT,
  maxFrames: MAX_FRAMES,
});

export function resolveLimits(limits: Partial<DecodeLimits> | undefined): DecodeLimits {
  return { ...DEFAULT_LIMITS, ...(limits ?? {}) };
}
