/**
 * Typed errors of the decoder. One class per kind of failure so that callers (the CLI, the
 * batch runner writing failures.csv) can switch on `instanceof` or on the stable `code`.
 * Every error names the file (or folder) it concerns and says what to do about it.
 */
import { HvmError } from '../errors.js';

/** The input path does not exist, is not a regular file or folder, or cannot be read. */
export class FileNotFoundError extends HvmError {
  constructor(file: string, reason: 'missing' | 'unreadable' | 'not-a-file' = 'missing', cause?: unknown) {
    const message =
      reason === 'missing'
        ? 'file not found.'
        : reason === 'unreadable'
          ? 'the file exists but cannot be read (permission denied).'
          : 'this is neither a regular file nor a folder of frames.';
    const hint =
      reason === 'unreadable'
        ? 'Check the file permissions (chmod +r) or copy the clip somewhere readable.'
        : 'Check the path (relative paths are resolved from the current directory) and that the clip was copied completely.';
    super('E_FILE_NOT_FOUND', message, { file, hint, cause });
  }
}

/** The file is not a video ffmpeg recognises (empty, a text file, a document renamed .avi...). */
export class NotAVideoError extends HvmError {
  constructor(file: string, detail: string, hint?: string, cause?: unknown) {
    super('E_NOT_A_VIDEO', `not a video clip: ${detail}`, {
      file,
      hint:
        hint ??
        'Export the clip again from the capture software (AVA, MicroTools, CytoCam) as AVI or MP4, or pass a folder of numbered PNG/TIFF frames.',
      cause,
    });
  }
}

/** A media file without any video stream (audio only, data only). */
export class NoVideoStreamError extends HvmError {
  constructor(file: string, streams: string) {
    super('E_NO_VIDEO_STREAM', `the file holds no video stream (found: ${streams || 'no streams'}).`, {
      file,
      hint: 'This is not the microscopy clip itself (perhaps an audio track or a sidecar file): pick the video file of the recording.',
    });
  }
}

/** The video stream uses a codec this ffmpeg build cannot decode (or an unknown FourCC). */
export class UnsupportedCodecError extends HvmError {
  readonly codec: string;
  constructor(file: string, codec: string, decoder: string, cause?: unknown) {
    super('E_UNSUPPORTED_CODEC', `the video codec "${codec}" cannot be decoded by ${decoder}.`, {
      file,
      hint: 'Install a full ffmpeg build (apt install ffmpeg, or set HVM_FFMPEG to one), or transcode the clip losslessly first: ffmpeg -i IN -c:v ffv1 OUT.avi',
      cause,
    });
    this.codec = codec;
  }
}

/** The clip is cut short or damaged: missing index (moov atom), partial file, corrupt frames. */
export class TruncatedClipError extends HvmError {
  constructor(file: string, detail: string, cause?: unknown) {
    super('E_TRUNCATED_CLIP', `the clip is truncated or corrupt: ${detail}`, {
      file,
      hint: 'Copy the clip again from the capture computer (an interrupted copy or recording leaves a cut file); for an MP4/MOV whose recording was not finalised, a repair tool such as untrunc may recover it.',
      cause,
    });
  }
}

/** Fewer frames than the analysis needs (a single still image, an almost empty clip). */
export class TooFewFramesError extends HvmError {
  readonly frameCount: number;
  readonly minFrames: number;
  constructor(file: string, frameCount: number, minFrames: number) {
    super('E_TOO_FEW_FRAMES', `the clip has ${frameCount} frame${frameCount === 1 ? '' : 's'}; at least ${minFrames} are needed.`, {
      file,
      hint: 'Flow needs a sequence of frames: use the full recording (MIQS asks for at least 3 s, better 5 s), not a snapshot.',
    });
    this.frameCount = frameCount;
    this.minFrames = minFrames;
  }
}

/** Over a documented size limit (see limits.ts): frame width/height or number of frames. */
export class ClipTooLargeError extends HvmError {
  constructor(file: string, detail: string) {
    super('E_CLIP_TOO_LARGE', `the clip is larger than the decoder accepts: ${detail}`, {
      file,
      hint: 'Analyse a shorter stretch (maxFrames, startS/durationS), or raise the limit explicitly (limits option) if the clip really is this large.',
    });
  }
}

/** No working ffmpeg could be found (or the one asked for does not run). */
export class FfmpegMissingError extends HvmError {
  constructor(detail: string, file?: string, cause?: unknown) {
    super('E_FFMPEG_MISSING', `no usable ffmpeg: ${detail}`, {
      ...(file !== undefined ? { file } : {}),
      hint: 'Install ffmpeg (Debian/Ubuntu: apt install ffmpeg; macOS: brew install ffmpeg), or point HVM_FFMPEG (and HVM_FFPROBE) at a working binary, or install the optional npm package @ffmpeg-installer/ffmpeg.',
      cause,
    });
  }
}

/** A frame of a numbered frame folder has a different size from the first one. */
export class FrameSizeMismatchError extends HvmError {
  readonly frame: string;
  constructor(folder: string, frame: string, expected: { width: number; height: number }, got: { width: number; height: number }) {
    super(
      'E_FRAME_SIZE_MISMATCH',
      `frame "${frame}" is ${got.width}×${got.height} px but the first frame is ${expected.width}×${expected.height} px.`,
      { file: folder, hint: 'All frames of a clip must have the same size: remove the odd file (a thumbnail, a snapshot) from the folder.' },
    );
    this.frame = frame;
  }
}

/** The frame rate is unknown (frame folders carry none; a few video files lack it). */
export class MissingFrameRateError extends HvmError {
  constructor(file: string, detail: string) {
    super('E_MISSING_FRAME_RATE', `the frame rate is unknown: ${detail}`, {
      file,
      hint: 'Give it explicitly (the fps option, e.g. 25 for PAL SDF, 30000/1001 for NTSC): every velocity depends on it.',
    });
  }
}

/** ffmpeg produced no output for too long: killed by the stall watchdog so nothing hangs. */
export class DecodeStalledError extends HvmError {
  constructor(file: string, seconds: number, framesSoFar: number) {
    super('E_DECODE_STALLED', `ffmpeg produced no data for ${seconds} s (after ${framesSoFar} frames) and was stopped.`, {
      file,
      hint: 'The file may be on a slow or disconnected drive, or damaged; copy it locally and retry, or raise stallTimeoutS.',
    });
  }
}

/** ffmpeg failed for a reason none of the more specific errors describes. */
export class DecodeFailedError extends HvmError {
  constructor(file: string, detail: string, cause?: unknown) {
    super('E_DECODE_FAILED', `ffmpeg could not decode the clip: ${detail}`, {
      file,
      hint: 'Check the clip plays in a video player; if it does, report the ffmpeg message above with the file.',
      cause,
    });
  }
}
