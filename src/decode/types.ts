/**
 * The data types of the decoder: what a probe reports, what a frame is, what a decode
 * leaves behind for provenance. Shared by the video reader (ffmpeg) and the folder reader.
 */
import type { FfmpegInfo } from './ffmpeg.js';
import type { DecodeLimits } from './limits.js';
import type { Rational } from './rational.js';

export type { Rational } from './rational.js';

/** tt/bb: top/bottom field first; tb/bt: coded in one order, displayed in the other. */
export type FieldOrder = 'progressive' | 'tt' | 'bb' | 'tb' | 'bt' | 'unknown';

export interface ClipProbe {
  /** The path as the caller gave it. */
  path: string;
  kind: 'video' | 'folder';
  /** ffmpeg's format name ("avi", "dv", "mov,mp4,m4a,3gp,3g2,mj2") or "folder". */
  container: string;
  /** ffmpeg's codec name ("dvvideo", "h264", "mjpeg", "ffv1"...) or the image format of a folder. */
  codec: string;
  /** ffmpeg's pixel format name of the stored frames ("yuv420p", "yuvj422p", "gray", "bgr24"...). */
  pixelFormat: string;
  /** Luma range of YUV sources: 'tv' 16–235, 'pc' 0–255, 'unknown' (treated as tv for YUV). */
  colorRange: 'tv' | 'pc' | 'unknown';
  width: number;
  height: number;
  /** Shape of one pixel (PAL DV: 16:15). 1:1 when the file says nothing. Reported, never resampled. */
  sampleAspectRatio: Rational;
  /** Frames per second as an exact rational (NTSC: 30000/1001). */
  fps: Rational;
  /** fps.num / fps.den. */
  fpsValue: number;
  /** True when the stream metadata (or the codec's definition, see fieldOrderSource) says interlaced. */
  interlaced: boolean;
  fieldOrder: FieldOrder;
  /**
   * 'metadata': from the stream; 'codec-default': DV (IEC 61834) is interlaced bottom-field
   * first by definition and its demuxers leave the field unset; 'none': not known.
   */
  fieldOrderSource: 'metadata' | 'codec-default' | 'none';
  /** The frame count the file announces (may exceed what decodes when the file is cut). */
  headerFrameCount: number | null;
  headerFrameCountSource: 'nb_frames' | 'avi-header' | 'duration×fps' | 'folder' | null;
  durationS: number | null;
  hasAudio: boolean;
  /** Which video stream is decoded: its ordinal among video streams (for `-map 0:v:N`). */
  videoStreamOrdinal: number;
  /** Size of the file in bytes (sum of the frame files for a folder). */
  fileBytes: number;
  /**
   * Bytes the container's own size fields announce beyond the end of the file (AVI RIFF
   * chunks): > 0 means the file was cut. null when the container has no such field.
   */
  containerBytesMissing: number | null;
  probedWith: 'ffprobe' | 'ffmpeg-stderr' | 'sharp';
  warnings: string[];
}

/** One decoded frame: 8-bit gray, row-major, width*height bytes. See gray-rule.ts for how. */
export interface GrayFrame {
  /** 0-based position in the decoded sequence (after startS). */
  index: number;
  width: number;
  height: number;
  data: Uint8Array;
  /**
   * Nominal time in the clip: (k + index) / fps, where k is the first frame at or after
   * startS. Frames are passed through as stored (no duplication or dropping), so this is
   * exact for constant-rate clips; for variable-rate files it is the nominal position.
   */
  timestampS: number;
}

export interface DecodeSummary {
  /** Frames actually decoded and handed out. */
  frameCount: number;
  headerFrameCount: number | null;
  /** What should have decoded given the header and startS/durationS/maxFrames, or null. */
  expectedFrameCount: number | null;
  truncated: boolean;
  truncationReason: string | null;
  /** The first ffmpeg error lines (see decoderErrorCount for how many there were). */
  decoderErrors: string[];
  decoderErrorCount: number;
  /** Bytes after the last whole frame (a partial frame: counts as truncation). */
  trailingBytes: number;
  /** sha256 (hex) over the bytes of all decoded frames, in order ('' when DecodeOptions.hashFrames is false). */
  framesHash: string;
  /** The consumer stopped before the end (break/return): not truncation. */
  stoppedEarly: boolean;
  exitCode: number | null;
  exitSignal: string | null;
  /** The exact ffmpeg arguments (null for frame folders). */
  ffmpegArgs: string[] | null;
  /** How colour became gray for this clip (see gray-rule.ts). */
  grayRule: string;
  elapsedS: number;
  state: 'not-started' | 'running' | 'finished' | 'stopped' | 'failed';
}

export interface ClipReader {
  readonly path: string;
  readonly probe: ClipProbe;
  /** The decoder that produces the frames, for provenance. */
  readonly decoder: { path: string; version: string };
  /** Process id of the running ffmpeg (null before frames() starts, and for folders). */
  readonly pid: number | null;
  /**
   * Stream the frames. Can be iterated once per reader. Leaving a for-await loop (break,
   * return, throw) kills ffmpeg; when driving the iterator by hand, call its return() or
   * close() if you stop before the end.
   */
  frames(): AsyncIterable<GrayFrame>;
  /** The state of the decode; complete once frames() has finished or stopped. */
  summary(): DecodeSummary;
  /** Stop decoding (kills ffmpeg and waits for its exit). Safe to call at any time. */
  close(): Promise<void>;
}

export interface ProbeOptions {
  /** A located ffmpeg (default: locateFfmpeg({ ffmpegPath })). */
  ffmpeg?: FfmpegInfo;
  ffmpegPath?: string;
  timeoutS?: number;
  /** Frame rate to use when the file has none (and for folders, which never have one). */
  fps?: number | string | Rational;
}

export interface DecodeOptions extends ProbeOptions {
  /** Decode at most this many frames. */
  maxFrames?: number;
  /** Start at the first frame at or after this time (k = ceil(startS × fps); input seek). */
  startS?: number;
  /** Decode at most round(durationS × fps) frames (at least 1). */
  durationS?: number;
  /** Fewer decoded frames than this → TooFewFramesError (default 2). */
  minFrames?: number;
  /** Kill ffmpeg when it sends nothing for this long while we wait (default 30 s). */
  stallTimeoutS?: number;
  limits?: Partial<DecodeLimits>;
  /** Throw TruncatedClipError at the end instead of only flagging summary().truncated. */
  strict?: boolean;
  /** Skip probing with a probe obtained before (e.g. by the caller's own probe()). */
  probe?: ClipProbe;
  /**
   * Hash the decoded frames into summary().framesHash (default true). false skips the sha256
   * (summary().framesHash is then ''): for a second pass over a clip whose first pass already
   * gave the provenance (on a 2200×1650 clip the hash is ~1 GB of data per pass).
   */
  hashFrames?: boolean;
}
