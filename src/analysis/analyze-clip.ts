/**
 * One clip, end to end, as far as the analysis exists: decode (or take the embedder's
 * frames) → calibration → stabilisation (motion track, window, analysed region, stabilised
 * temporal mean) → the clip result contract.
 *
 * Stage status in this version: decoding, calibration, provenance, stabilisation (motion
 * track, analysis window, analysed region, stabilised temporal mean: stabilise.ts) are real;
 * vessel segmentation and flow are not built yet, so every metric is reported as null (never
 * a silent zero) with the warning `metrics-not-measured`.
 * Calibration is resolved before any frame is decoded, so a missing one fails at once.
 *
 * Frames stream once; a second decode happens only when drift shortens the analysis
 * window (stabilise.ts). Frames given by an embedder are re-read for it when they are an
 * array; any other iterable is read once, and the mean then covers the whole clip (warning
 * `mean-over-whole-clip`).
 */
import { createHash } from 'node:crypto';
import { loadBackend } from '../backend/index.js';
import type { BackendName } from '../backend/types.js';
import { resolveCalibration, type Calibration } from '../calibration/index.js';
import { DEFAULT_MIN_FRAMES, openClip, sha256Input, TooFewFramesError, type ClipReader, type DecodeOptions, type GrayFrame } from '../decode/index.js';
import { analysedAreaMm2 } from '../metrics/region.js';
import { CLIP_RESULT_SCHEMA_ID, unmeasuredMetricSet, type ClipResult, type ResultWarning } from '../report/contract.js';
import { validateClipResult } from '../report/validate.js';
import { engineVersion } from '../version.js';
import { MIN_REGION_FRACTION, MIN_WINDOW_S, REGION_SAFETY_MARGIN_PX } from './region.js';
import { MIN_PEAK_SIGNIFICANCE, REFERENCE_SEARCH_S, stabiliseClip, type FrameSource, type StabiliseResult } from './stabilise.js';
import type { TemporalSummary } from './temporal-summary.js';

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
  /**
   * The stabilised temporal mean image (reference-frame px, over the analysis window's
   * registered frames) and per-frame brightness, for pictures and later stages.
   */
  summary: TemporalSummary;
  /** Motion track, window, region, masks, duplicated and dropped frames (stabilise.ts). */
  stabilisation: StabiliseResult;
}

const WINDOW_FIELDS = ['startS', 'durationS'] as const;

export async function analyzeClip(input: string | FrameInput, options: AnalyzeOptions = {}): Promise<ClipAnalysis> {
  const core = loadBackend(options.backend !== undefined ? { backend: options.backend } : undefined);
  const warnings: ResultWarning[] = [];

  let source: ClipResult['source'];
  let calibration: Calibration;
  let stab: StabiliseResult;
  if (typeof input === 'string') {
    const decodeOptions: DecodeOptions = {
      ...(options.ffmpegPath !== undefined ? { ffmpegPath: options.ffmpegPath } : {}),
      ...(options.fps !== undefined ? { fps: options.fps } : {}),
      ...Object.fromEntries(WINDOW_FIELDS.filter((k) => options[k] !== undefined).map((k) => [k, options[k]])),
    };
    const reader = await openClip(input, decodeOptions);
    try {
      const p = reader.probe;
      calibration = calibrate(input, p.width, p.height, `${p.sampleAspectRatio.num}:${p.sampleAspectRatio.den}`, options);
      // First pass: this reader (its summary is the decode's provenance). A second pass, when
      // stabilisation needs one, decodes again with the same options and the probe reused.
      let opened = false;
      const frames: FrameSource = () => {
        if (!opened) {
          opened = true;
          return reader.frames();
        }
        return (async function* () {
          const again = await openClip(input, { ...decodeOptions, probe: p });
          try {
            yield* again.frames();
          } finally {
            await again.close();
          }
        })();
      };
      stab = await stabiliseClip(frames, core, {
        fps: p.fpsValue,
        onProgress: (n) => options.onProgress?.(n, reader.summary().expectedFrameCount),
      });
    } finally {
      await reader.close();
    }
    source = await describeDecodedSource(input, reader, warnings);
  } else {
    const sar = input.sampleAspectRatio ?? '1:1';
    calibration = calibrate(input.name, input.width, input.height, sar, { ...options, sidecar: options.sidecar ?? false });
    // Same framesHash as the decoder's: sha256 over the frames' bytes in order (first pass).
    // With no file, it also stands as the source's sha256.
    const hash = createHash('sha256');
    let n = 0;
    const given = input.frames;
    async function* hashed(): AsyncGenerator<GrayFrame> {
      for await (const frame of given) {
        hash.update(frame.data);
        n++;
        yield frame;
      }
    }
    let opened = false;
    const frames: FrameSource = () => {
      if (opened) return given as GrayFrame[]; // only asked again when re-readable (singlePass otherwise)
      opened = true;
      return hashed();
    };
    try {
      stab = await stabiliseClip(frames, core, {
        fps: input.fps,
        singlePass: !Array.isArray(given),
        onProgress: (k) => options.onProgress?.(k, null),
      });
    } catch (e) {
      if (n < DEFAULT_MIN_FRAMES) throw new TooFewFramesError(input.name, n, DEFAULT_MIN_FRAMES);
      throw e;
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
  const summary: TemporalSummary = {
    width: stab.width,
    height: stab.height,
    frameCount: stab.frameCount,
    meanImage: stab.meanImage,
    brightness: stab.brightness,
  };
  warnings.unshift(...calibration.warnings);
  warnings.push(...stabilisationWarnings(stab));

  const region = stab.region;
  const scale = { umPerPxX: calibration.umPerPxX, umPerPxY: calibration.umPerPxY };
  warnings.push({ code: 'metrics-not-measured', message: 'Vessel segmentation and flow are not built yet in this engine version: every metric is null.' });

  const result: ClipResult = {
    schema: CLIP_RESULT_SCHEMA_ID,
    engine: { version: engineVersion, backend: core.name },
    source,
    calibration: {
      umPerPxX: calibration.umPerPxX, umPerPxY: calibration.umPerPxY, source: calibration.source,
      device: calibration.device, smallVesselMaxUm: calibration.smallVesselMaxUm,
    },
    analysis: {
      window: { startS: stab.window.startS, endS: stab.window.endS },
      referenceFrame: stab.referenceFrame,
      analysedRegion: { x: region.x, y: region.y, width: region.width, height: region.height },
      analysedAreaMm2: analysedAreaMm2(region, scale),
      framesUsed: stab.framesUsed,
      // The contract counts every frame of the window left out: unregistrable and duplicated.
      framesDropped: stab.framesDropped + stab.duplicatedInWindow.length,
    },
    metrics: { small: unmeasuredMetricSet(), all: unmeasuredMetricSet() },
    vessels: [],
    parameters: {
      smallVesselMaxUm: { value: calibration.smallVesselMaxUm, unit: 'µm' },
      minRegionFraction: { value: MIN_REGION_FRACTION, unit: '' },
      minWindowS: { value: MIN_WINDOW_S, unit: 's' },
      regionSafetyMarginPx: { value: REGION_SAFETY_MARGIN_PX, unit: 'px' },
      referenceSearchS: { value: REFERENCE_SEARCH_S, unit: 's' },
      registrationMinPeakSignificance: { value: MIN_PEAK_SIGNIFICANCE, unit: '' },
      registrationDownsample: { value: stab.registration.downsample, unit: '' },
    },
    warnings,
  };
  return { result: validateClipResult(result, source.path), summary, stabilisation: stab };
}

/** What the stabilisation stage found that a reader of the result should know. */
function stabilisationWarnings(s: StabiliseResult): ResultWarning[] {
  const out: ResultWarning[] = [];
  const fmt = (x: number): string => String(Math.round(x * 1000) / 1000);
  if (s.duplicatedFrames.length > 0) {
    out.push({
      code: 'frames-duplicated',
      message: `${s.duplicatedFrames.length} duplicated frame(s) (dropped by the capture, ${fmt(s.missingTimeS)} s of missing time) were left out: missing time, not stopped flow. Frames: ${s.duplicatedFrames.join(', ')}.`,
    });
  }
  if (s.droppedFrames.length > 0) {
    out.push({
      code: 'frames-not-registered',
      message: `${s.droppedFrames.length} frame(s) could not be registered to the reference frame (motion blur or another field) and were left out: ${s.droppedFrames.join(', ')}.`,
    });
  }
  if (s.window.rule !== 'whole-clip') {
    const why =
      s.window.rule === 'longest-stretch'
        ? `drift leaves less than ${MIN_REGION_FRACTION * 100} % of the field in view over the whole clip; the window is its longest stretch that keeps it`
        : `no stretch of ${MIN_WINDOW_S} s keeps ${MIN_REGION_FRACTION * 100} % of the field in view; the window is the ${MIN_WINDOW_S}-s stretch with the largest common field (the clip is unstable: MIQS stability unacceptable)`;
    out.push({ code: 'window-shortened', message: `Analysis window ${fmt(s.window.startS)}–${fmt(s.window.endS)} s: ${why}.` });
  }
  if (s.meanFrames === 'clip') {
    out.push({ code: 'mean-over-whole-clip', message: 'The frames could be read only once, so the stabilised mean image covers every registered frame of the clip, not only the analysis window.' });
  }
  for (const o of s.overlays) {
    out.push({ code: 'overlay-masked', message: `A burnt-in overlay at screen px (${o.x}, ${o.y}) ${o.width}×${o.height} was kept out of registration and of the analysed region.` });
  }
  return out;
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
