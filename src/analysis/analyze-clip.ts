/**
 * One clip, end to end, as far as the analysis exists: decode (or take the embedder's
 * frames) → calibration → the core's temporal summary → the clip result contract.
 *
 * Stage status in this version: decoding, calibration, provenance and the temporal summary
 * are real; stabilisation, vessel segmentation and flow are not built yet, so every metric
 * is reported as null (never a silent zero) with the warning `metrics-not-measured`, and the
 * analysed region is the whole stored frame with the warning `region-not-stabilised`.
 * Calibration is resolved before any frame is decoded, so a missing one fails at once.
 */
import { createHash } from 'node:crypto';
import { loadBackend } from '../backend/index.js';
import type { BackendName } from '../backend/types.js';
import { resolveCalibration, type Calibration } from '../calibration/index.js';
import { DEFAULT_MIN_FRAMES, openClip, sha256Input, TooFewFramesError, type ClipReader, type GrayFrame } from '../decode/index.js';
import { analysedAreaMm2 } from '../metrics/region.js';
import { CLIP_RESULT_SCHEMA_ID, unmeasuredMetricSet, type ClipResult, type ResultWarning } from '../report/contract.js';
import { validateClipResult } from '../report/validate.js';
import { engineVersion } from '../version.js';
import { TemporalSummaryBuilder, type TemporalSummary } from './temporal-summary.js';

/** Frames an embedder decoded itself (no ffmpeg needed). */
export interface FrameInput {
  /** A name for the clip in the result (not read from disk). */
  name: string;
  width: number;
  height: number;
  /** Frames per second. */
  fps: number;
  /** Pixel shape, "num:den" (default "1:1"). */
  sampleAspectRatio?: string;
  interlaced?: boolean;
  frames: AsyncIterable<GrayFrame> | Iterable<GrayFrame>;
}

export interface AnalyzeOptions {
  /** A device profile name; see `deviceNames()`. */
  device?: string;
  /** Square pixels of this many µm (wins over device and sidecar). */
  umPerPx?: number;
  /** A calibration sidecar to read, or false to not look for `<clip>.calibration.json`. */
  sidecar?: string | false;
  /** Small vessels: diameter < this, µm (default 20, or the sidecar's). */
  smallVesselMaxUm?: number;
  /** Core backend (default: $HVM_BACKEND, else native with a wasm fallback). */
  backend?: BackendName;
  /** ffmpeg binary (default: $HVM_FFMPEG, PATH, then the npm-shipped one). */
  ffmpegPath?: string;
  /** Analysis window: start, s. */
  startS?: number;
  /** Analysis window: duration, s. */
  durationS?: number;
  /** Frame rate for numbered-frame folders (they carry none). */
  fps?: number;
  /** Called after each frame: frames done and the expected total (null when unknown). */
  onProgress?: (framesDone: number, framesExpected: number | null) => void;
}

export interface ClipAnalysis {
  /** The validated clip result contract (hvm-engine/clip-result@1). */
  result: ClipResult;
  /** The temporal mean image and per-frame brightness, for pictures and later stages. */
  summary: TemporalSummary;
}

const WINDOW_FIELDS = ['startS', 'durationS'] as const;

export async function analyzeClip(input: string | FrameInput, options: AnalyzeOptions = {}): Promise<ClipAnalysis> {
  const core = loadBackend(options.backend !== undefined ? { backend: options.backend } : undefined);
  const warnings: ResultWarning[] = [];
  const builder = new TemporalSummaryBuilder(core);

  let source: ClipResult['source'];
  let calibration: Calibration;
  if (typeof input === 'string') {
    const reader = await openClip(input, {
      ...(options.ffmpegPath !== undefined ? { ffmpegPath: options.ffmpegPath } : {}),
      ...(options.fps !== undefined ? { fps: options.fps } : {}),
      ...Object.fromEntries(WINDOW_FIELDS.filter((k) => options[k] !== undefined).map((k) => [k, options[k]])),
    });
    try {
      const p = reader.probe;
      calibration = calibrate(input, p.width, p.height, `${p.sampleAspectRatio.num}:${p.sampleAspectRatio.den}`, options);
      for await (const frame of reader.frames()) {
        builder.add(frame);
        options.onProgress?.(frame.index + 1, reader.summary().expectedFrameCount);
      }
    } finally {
      await reader.close();
    }
    source = await describeDecodedSource(input, reader, warnings);
  } else {
    const sar = input.sampleAspectRatio ?? '1:1';
    calibration = calibrate(input.name, input.width, input.height, sar, { ...options, sidecar: options.sidecar ?? false });
    // Same framesHash as the decoder's: sha256 over the frames' bytes in order. With no file,
    // it also stands as the source's sha256.
    const hash = createHash('sha256');
    let n = 0;
    for await (const frame of input.frames) {
      builder.add(frame);
      hash.update(frame.data);
      n++;
      options.onProgress?.(n, null);
    }
    if (n < DEFAULT_MIN_FRAMES) throw new TooFewFramesError(input.name, n, DEFAULT_MIN_FRAMES);
    const framesHash = hash.digest('hex');
    source = {
      path: input.name, sha256: framesHash, container: 'frames', codec: null,
      width: input.width, height: input.height, sampleAspectRatio: sar, fps: input.fps,
      headerFrameCount: null, frameCount: n, durationS: n / input.fps, interlaced: input.interlaced ?? false,
      truncated: false, decoder: { path: null, version: null }, framesHash,
    };
  }
  const summary = builder.finish();
  warnings.unshift(...calibration.warnings);

  const region = { x: 0, y: 0, width: summary.width, height: summary.height };
  const scale = { umPerPxX: calibration.umPerPxX, umPerPxY: calibration.umPerPxY };
  warnings.push(
    { code: 'region-not-stabilised', message: 'Stabilisation is not built yet: the analysed region is the whole stored frame.' },
    { code: 'metrics-not-measured', message: 'Vessel segmentation and flow are not built yet in this engine version: every metric is null.' },
  );

  const result: ClipResult = {
    schema: CLIP_RESULT_SCHEMA_ID,
    engine: { version: engineVersion, backend: core.name },
    source,
    calibration: {
      umPerPxX: calibration.umPerPxX, umPerPxY: calibration.umPerPxY, source: calibration.source,
      device: calibration.device, smallVesselMaxUm: calibration.smallVesselMaxUm,
    },
    analysis: {
      window: { startS: options.startS ?? 0, endS: (options.startS ?? 0) + summary.frameCount / source.fps },
      referenceFrame: 0,
      analysedRegion: region,
      analysedAreaMm2: analysedAreaMm2(region, scale),
      framesUsed: summary.frameCount,
      framesDropped: 0,
    },
    metrics: { small: unmeasuredMetricSet(), all: unmeasuredMetricSet() },
    vessels: [],
    parameters: {
      smallVesselMaxUm: { value: calibration.smallVesselMaxUm, unit: 'µm' },
    },
    warnings,
  };
  return { result: validateClipResult(result, source.path), summary };
}

function calibrate(clipPath: string, width: number, height: number, sar: string, o: AnalyzeOptions): Calibration {
  return resolveCalibration({
    clipPath, width, height, sampleAspectRatio: sar,
    ...(o.device !== undefined ? { device: o.device } : {}),
    ...(o.umPerPx !== undefined ? { umPerPx: o.umPerPx } : {}),
    ...(o.smallVesselMaxUm !== undefined ? { smallVesselMaxUm: o.smallVesselMaxUm } : {}),
    ...(o.sidecar !== undefined ? { sidecar: o.sidecar } : {}),
  });
}

async function describeDecodedSource(path: string, reader: ClipReader, warnings: ResultWarning[]): Promise<ClipResult['source']> {
  const p = reader.probe;
  const s = reader.summary();
  if (s.truncated) {
    warnings.push({
      code: 'clip-truncated',
      message: `The clip is truncated: ${s.truncationReason ?? 'fewer frames decoded than announced'}. ${s.frameCount} frames were analysed.`,
    });
  }
  return {
    path,
    sha256: await sha256Input(path),
    container: p.container,
    codec: p.codec,
    width: p.width,
    height: p.height,
    sampleAspectRatio: `${p.sampleAspectRatio.num}:${p.sampleAspectRatio.den}`,
    fps: p.fpsValue,
    headerFrameCount: p.headerFrameCount,
    frameCount: s.frameCount,
    durationS: s.frameCount / p.fpsValue,
    interlaced: p.interlaced,
    truncated: s.truncated,
    decoder: reader.decoder,
    framesHash: s.framesHash,
  };
}
