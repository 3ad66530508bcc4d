/**
 * The decoder: clip files (via ffmpeg) and numbered frame folders (via sharp) to a stream of
 * 8-bit gray frames, with the probe, limits, typed errors and provenance around it.
 */
export {
  ClipTooLargeError,
  DecodeFailedError,
  DecodeStalledError,
  FfmpegMissingError,
  FileNotFoundError,
  FrameSizeMismatchError,
  MissingFrameRateError,
  NoVideoStreamError,
  NotAVideoError,
  TooFewFramesError,
  TruncatedClipError,
  UnsupportedCodecError,
} from './errors.js';
export {
  clearFfmpegCache,
  findAllFfmpeg,
  locateFfmpeg,
  parseFfmpegVersion,
  type FfmpegInfo,
  type FfmpegSource,
  type LocateOptions,
} from './ffmpeg.js';
export { probe } from './probe.js';
export { openClip, readFrames } from './frames.js';
export { FRAME_EXTENSIONS, naturalCompare, probeFolder } from './folder.js';
export { grayRuleFor, type GrayRule, type SourceClass } from './gray-rule.js';
export { buildDecodeArgs } from './decode-args.js';
export {
  DEFAULT_LIMITS,
  DEFAULT_MIN_FRAMES,
  DEFAULT_PROBE_TIMEOUT_S,
  DEFAULT_STALL_TIMEOUT_S,
  MAX_FRAMES,
  MAX_FRAME_HEIGHT,
  MAX_FRAME_WIDTH,
  TRUNCATION_TOLERANCE_FRAMES,
  type DecodeLimits,
} from './limits.js';
export { decodeProvenance, sha256File, sha256Input, type DecodeProvenance } from './provenance.js';
export { parseRational, toRational, type Rational } from './rational.js';
export type {
  ClipProbe,
  ClipReader,
  DecodeOptions,
  DecodeSummary,
  FieldOrder,
  GrayFrame,
  ProbeOptions,
} from './types.js';
