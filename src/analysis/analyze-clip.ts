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
import { HvmError } from '../errors.js';
import type { BackendName, FrameStats } from '../backend/types.js';
import { resolveCalibration, type Calibration } from '../calibration/index.js';
import { DEFAULT_MIN_FRAMES, openClip, sha256Input, TooFewFramesError, type ClipReader, type DecodeOptions, type GrayFrame } from '../decode/index.js';
import { computeClipMetrics } from '../metrics/clip.js';
import { analysedAreaMm2 } from '../metrics/region.js';
import type { MetricSet } from '../metrics/types.js';
import { CLIP_RESULT_SCHEMA_ID, unmeasuredMetricSet, type ClipResult, type ReportedMetricSet, type ResultWarning, type VesselResult } from '../report/contract.js';
import { validateClipResult } from '../report/validate.js';
import { engineVersion } from '../version.js';
import { MIN_REGION_FRACTION, MIN_WINDOW_S, REGION_SAFETY_MARGIN_PX } from './region.js';
import { MIN_PEAK_SIGNIFICANCE, REFERENCE_SEARCH_S, stabiliseClip, type FrameSource, type StabiliseResult } from './stabilise.js';
import type { TemporalSummary } from './temporal-summary.js';
import { createFlowMeasurer, resolveFlowParams, type FlowParams, type FlowPath, type SpaceTimeDiagram, type VesselFlow } from '../flow/index.js';
import { createQualityProbe, estimateQuality, type QualityProbe } from '../quality/index.js';
import { GRID_CROSSING_BAND_PX, TEMPORAL_SD_WEIGHT, mapVessels, metricInputs, type VesselMap } from './vessel-map.js';
import { resolveVesselsByFlow } from './split-by-flow.js';
import { JUNCTION_CLUSTER_PX, MAX_CONTINUATION_BEND_DEG, MAX_CONTINUATION_DIAMETER_RATIO } from './vessel-graph.js';
import type { SegmentParams } from './segment-params.js';

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
  /** Vessel segmentation parameters (physical units, see segment-params.ts); defaults otherwise. */
  segmentParams?: Partial<SegmentParams>;
  /** Flow parameters (src/flow/params.ts); defaults otherwise. */
  flowParams?: Partial<FlowParams>;
  /** Weight of the temporal SD in the segmented image (vessel-map.ts TEMPORAL_SD_WEIGHT). */
  temporalSdWeight?: number;
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
  /** Segmentation of the stabilised mean and the vessels reported (vessel-map.ts; joined vessels split where their flow says so, split-by-flow.ts). */
  vesselMap: VesselMap;
  /** Per-vessel flow (null when it could not be measured) and each vessel's space-time diagram, for pictures. */
  flow: { vessels: VesselFlow[] | null; spaceTime: (vesselId: string) => SpaceTimeDiagram | null };
  /** Wall time of each stage, ms (decode and stabilisation run together: frames stream through both). */
  timingsMs: Record<string, number>;
}

const WINDOW_FIELDS = ['startS', 'durationS'] as const;

export async function analyzeClip(input: string | FrameInput, options: AnalyzeOptions = {}): Promise<ClipAnalysis> {
  const timingsMs: Record<string, number> = {};
  let t0 = performance.now();
  const core = loadBackend(options.backend !== undefined ? { backend: options.backend } : undefined);
  const warnings: ResultWarning[] = [];

  let source: ClipResult['source'];
  let calibration: Calibration;
  let stab: StabiliseResult;
  // Frames again, in order, for the passes after the vessel map (flow, quality); null when
  // the frames could be read only once.
  let replay: (() => AsyncIterable<GrayFrame> | Iterable<GrayFrame>) | null = null;
  // Per-frame image-quality statistics, gathered as the first pass streams (src/quality).
  let qprobe: QualityProbe | null = null;
  // Interlaced clips: which field comes first in time (the flow stage splits frames into fields).
  let fieldOrder: 'bff' | 'tff' | undefined;
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
      const again = (): AsyncIterable<GrayFrame> =>
        (async function* () {
          // The first pass's reader holds the provenance hash; a replay need not hash again.
          const r = await openClip(input, { ...decodeOptions, probe: p, hashFrames: false });
          try {
            yield* r.frames();
          } finally {
            await r.close();
          }
        })();
      replay = again;
      // ffmpeg's field_order names the coded then the displayed order; the field shown first is what matters.
      if (p.fieldOrder === 'bb' || p.fieldOrder === 'tb') fieldOrder = 'bff';
      else if (p.fieldOrder === 'tt' || p.fieldOrder === 'bt') fieldOrder = 'tff';
      qprobe = createQualityProbe({ width: p.width, height: p.height, backend: core });
      const first = probedStream(() => reader.frames(), qprobe);
      const frames: FrameSource = () => {
        if (!opened) {
          opened = true;
          return first.frames;
        }
        return again();
      };
      stab = await stabiliseClip(frames, core, {
        fps: p.fpsValue,
        frameStats: first.statsOf,
        onProgress: (n) => options.onProgress?.(n, reader.summary().expectedFrameCount),
      });
    } finally {
      await reader.close();
    }
    source = await describeDecodedSource(input, reader, warnings);
  } else {
    checkFrameInput(input);
    const sar = input.sampleAspectRatio ?? '1:1';
    calibration = calibrate(input.name, input.width, input.height, sar, { ...options, sidecar: options.sidecar ?? false });
    // Same framesHash as the decoder's: sha256 over the frames' bytes in order (first pass).
    // With no file, it also stands as the source's sha256.
    const hash = createHash('sha256');
    let n = 0;
    const given = input.frames;
    const name = input.name;
    const fi: FrameInput = input;
    async function* hashed(): AsyncGenerator<GrayFrame> {
      for await (const frame of given) {
        checkGivenFrame(frame, n, fi, name);
        hash.update(frame.data);
        n++;
        yield frame;
      }
    }
    let opened = false;
    if (Array.isArray(given)) replay = () => given as GrayFrame[];
    qprobe = createQualityProbe({ width: input.width, height: input.height, backend: core });
    const first = probedStream(hashed, qprobe);
    const frames: FrameSource = () => {
      if (opened) return given as GrayFrame[]; // only asked again when re-readable (singlePass otherwise)
      opened = true;
      return first.frames;
    };
    try {
      stab = await stabiliseClip(frames, core, {
        fps: input.fps,
        frameStats: first.statsOf,
        singlePass: !Array.isArray(given),
        onProgress: (k) => options.onProgress?.(k, null),
      });
    } catch (e) {
      if (e instanceof FrameInputError) throw e;
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

  timingsMs.decodeAndStabilise = performance.now() - t0;
  t0 = performance.now();

  const region = stab.region;
  const scale = { umPerPxX: calibration.umPerPxX, umPerPxY: calibration.umPerPxY };
  const smallVesselMaxUm = calibration.smallVesselMaxUm;
  const vesselMap = mapVessels(stab.meanImage, stab.width, stab.height, region, scale, { core, smallVesselMaxUm, temporalSd: stab.temporalSd, ...(options.temporalSdWeight !== undefined ? { temporalSdWeight: options.temporalSdWeight } : {}), ...(options.segmentParams !== undefined ? { params: options.segmentParams } : {}) });
  for (const w of vesselMap.segmentation.warnings) warnings.push(w);
  timingsMs.vesselMap = performance.now() - t0;
  t0 = performance.now();

  // Flow: a second pass over the window's frames, sampled along every vessel (src/flow).
  const umPx = Math.sqrt(scale.umPerPxX * scale.umPerPxY);
  // Every vessel, and the parts of vessels joined through branch points (split-by-flow.ts).
  const flowPaths: FlowPath[] = vesselMap.vessels.flatMap((v) => [v, ...(v.parts ?? [])]).map((v) => ({ id: v.id, polylinePx: v.flowPolylinePx, diameterPx: v.diameterUm / umPx, junctionEnds: v.junctionEnds }));
  const fps = source.fps;
  // The stabilised mean lets the measurer ask a stop for a visible lumen (lumen-contrast.ts).
  const measurer = createFlowMeasurer(flowPaths, { width: stab.width, height: stab.height, fps, scale, core, meanImage: stab.meanImage, interlaced: source.interlaced, ...(fieldOrder !== undefined ? { fieldOrder } : {}), ...(options.flowParams !== undefined ? { params: options.flowParams } : {}) });
  let flows: VesselFlow[] | null = null;
  if (replay !== null && flowPaths.length > 0) {
    const byIndex = new Map(stab.track.map((t) => [t.index, t]));
    const meanGrey = new Map(stab.brightness.map((b) => [b.index, b.mean]));
    const { firstFrame, lastFrame } = stab.window;
    for await (const frame of replay()) {
      if (frame.index < firstFrame) continue;
      if (frame.index > lastFrame) break;
      const t = byIndex.get(frame.index);
      if (t === undefined) throw new RangeError(`the flow pass met frame ${frame.index}, which the first pass did not`);
      const m = meanGrey.get(frame.index);
      measurer.addFrame({ index: frame.index, timeS: t.timeS, data: frame.data, dx: t.dx, dy: t.dy, status: t.status, ...(m !== undefined ? { meanGrey: m } : {}) });
    }
    flows = measurer.finish();
  } else if (flowPaths.length > 0) {
    warnings.push({ code: 'flow-not-measured', message: 'The frames could be read only once (a one-shot iterable), so flow could not be measured: pass an array of frames, or a file.' });
  }
  timingsMs.flow = performance.now() - t0;
  const flowById = new Map((flows ?? []).map((f) => [f.id, f]));
  // Without flows no part is classified, so every joined vessel stands.
  const reported = resolveVesselsByFlow(vesselMap.vessels, flowById);
  const inputs = metricInputs(reported).map((m) => {
    const f = flowById.get(m.id);
    return f === undefined ? m : { ...m, flowClass: f.flowClass, velocity: f.velocity };
  });
  const cm = computeClipMetrics({ region, scale, segments: inputs, smallVesselMaxUm });
  t0 = performance.now();
  const quality = estimateQuality({
    scale,
    meanImage: stab.meanImage,
    width: stab.width,
    height: stab.height,
    probe: qprobe !== null ? qprobe.summary() : null,
    stabilisation: stab,
    vessels: vesselMap.segmentation,
    flow: flows !== null ? reported.map((v) => ({ diameterUm: v.diameterUm, lengthUm: v.lengthUm, flowClass: flowById.get(v.id)?.flowClass ?? null })) : null,
    backend: core,
  });
  timingsMs.quality = performance.now() - t0;
  if (!quality.accepted) {
    const why = Object.entries(quality.categories)
      .filter(([, c]) => c.score === 10)
      .map(([name, c]) => `${name}: ${c.reason}`)
      .join('; ');
    warnings.push({ code: 'quality-rejected', message: `The automatic MIQS estimate rejects this clip (total ${quality.total} ≥ 10): ${why}. Its metrics are reported but should not enter session means (hvm study excludes rejected clips by default).` });
  }
  const vessels: VesselResult[] = reported.map((v) => {
    const f = flowById.get(v.id);
    return {
      id: v.id,
      points: v.polylinePx.map((q) => [round3(q[0]), round3(q[1])] as [number, number]),
      lengthUm: v.lengthUm,
      diameterUm: v.diameterUm,
      diameterRangeUm: v.diameterRangeUm,
      ...(v.diameterIsLowerBound ? { diameterIsLowerBound: true as const } : {}),
      small: v.small,
      flowClass: f?.flowClass ?? null,
      classReason: f === undefined ? 'flow not measured' : f.flowClass === null ? (f.reason ?? 'not classified') : 'classified from the space-time diagram',
      velocity: f?.velocity ?? null,
      stoppedFraction: f?.stoppedFraction ?? null,
      gridCrossings: v.gridCrossings,
    };
  });
  const sp = vesselMap.segmentation.params;

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
    metrics: flows !== null ? { small: cm.small, all: cm.all } : { small: geometryMetrics(cm.small), all: geometryMetrics(cm.all) },
    vessels,
    quality,
    parameters: {
      smallVesselMaxUm: { value: calibration.smallVesselMaxUm, unit: 'µm' },
      minRegionFraction: { value: MIN_REGION_FRACTION, unit: '' },
      minWindowS: { value: MIN_WINDOW_S, unit: 's' },
      regionSafetyMarginPx: { value: REGION_SAFETY_MARGIN_PX, unit: 'px' },
      referenceSearchS: { value: REFERENCE_SEARCH_S, unit: 's' },
      registrationMinPeakSignificance: { value: MIN_PEAK_SIGNIFICANCE, unit: '' },
      registrationDownsample: { value: stab.registration.downsample, unit: '' },
      vesselDiameterMinUm: { value: sp.diameterMinUm, unit: 'µm' },
      vesselDiameterMaxUm: { value: sp.diameterMaxUm, unit: 'µm' },
      vesselnessThresholdHigh: { value: sp.thresholdHigh, unit: '' },
      vesselnessThresholdLow: { value: sp.thresholdLow, unit: '' },
      maskDarknessMin: { value: sp.maskDarknessMin, unit: 'local SD' },
      maskDarknessSigmaUm: { value: sp.maskDarknessSigmaUm, unit: 'µm' },
      minComponentAreaUm2: { value: sp.minComponentAreaUm2, unit: 'µm²' },
      backgroundSigmaUm: { value: sp.backgroundSigmaUm, unit: 'µm' },
      centerlineSmoothingUm: { value: sp.centerlineSmoothingUm, unit: 'µm' },
      centerlineValleyMaxShiftRel: { value: sp.centerlineValleyMaxShiftRel, unit: 'vessel diameters' },
      centerlineValleyMaxDiameterUm: { value: sp.centerlineValleyMaxDiameterUm, unit: 'µm' },
      centerlineValleySigmaUm: { value: sp.centerlineValleySigmaUm, unit: 'µm' },
      chainMinLumenContrast: { value: sp.chainMinLumenContrast, unit: '' },
      junctionClusterPx: { value: JUNCTION_CLUSTER_PX, unit: 'px' },
      maxContinuationBendDeg: { value: MAX_CONTINUATION_BEND_DEG, unit: '°' },
      maxContinuationDiameterRatio: { value: MAX_CONTINUATION_DIAMETER_RATIO, unit: '' },
      gridCrossingBandPx: { value: GRID_CROSSING_BAND_PX, unit: 'px' },
      temporalSdWeight: { value: options.temporalSdWeight ?? TEMPORAL_SD_WEIGHT, unit: '' },
      ...flowParameterRecord(resolveFlowParams(options.flowParams)),
    },
    warnings,
  };
  return {
    result: validateClipResult(result, source.path),
    summary,
    stabilisation: stab,
    vesselMap: { segmentation: vesselMap.segmentation, vessels: reported },
    flow: { vessels: flows === null ? null : reported.flatMap((v) => { const f = flowById.get(v.id); return f === undefined ? [] : [f]; }), spaceTime: (id: string) => measurer.spaceTime(id) },
    timingsMs,
  };
}

/** The geometric metrics of a set (what the vessel map measures); flow metrics stay null until flow runs. */
function geometryMetrics(m: MetricSet): ReportedMetricSet {
  return { ...unmeasuredMetricSet(), TVD: m.TVD, deBackerScore: m.deBackerScore, vesselCount: m.vesselCount, crossingCount: m.crossingCount };
}

/** Flow parameters for the result, `flow.<name>`, units read from the names' suffixes (params.ts names carry them). */
function flowParameterRecord(p: FlowParams): ClipResult['parameters'] {
  const unit = (k: string): string =>
    k.endsWith('UmPerS') ? 'µm/s' : k.endsWith('Frames') ? 'frames' : k.endsWith('Um') ? 'µm' : k.endsWith('Px') ? 'px' : k.endsWith('S') ? 's' : '';
  const out: ClipResult['parameters'] = {};
  for (const [k, v] of Object.entries(p)) if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[`flow.${k}`] = { value: v, unit: unit(k) };
  return out;
}

/** Embedder input that cannot be analysed: names the clip, the frame and what is wrong. */
export class FrameInputError extends HvmError {
  constructor(name: string, message: string) {
    super('E_FRAME_INPUT', `${name}: ${message}`, {
      file: name,
      hint: 'Pass { name, width, height, fps, frames } with frames of { index, timestampS, width, height, data: Uint8Array(width·height) } in order (see FrameInput).',
    });
  }
}

function checkFrameInput(input: FrameInput): void {
  const name = typeof input.name === 'string' && input.name !== '' ? input.name : '(unnamed frames)';
  if (!(Number.isInteger(input.width) && input.width > 0 && Number.isInteger(input.height) && input.height > 0)) {
    throw new FrameInputError(name, `width and height must be positive integers, got ${String(input.width)}×${String(input.height)}`);
  }
  if (!(typeof input.fps === 'number' && Number.isFinite(input.fps) && input.fps > 0)) throw new FrameInputError(name, `fps must be a positive number, got ${String(input.fps)}`);
  const f = input.frames as unknown;
  if (f === null || typeof f !== 'object' || !(Symbol.iterator in f || Symbol.asyncIterator in f)) {
    throw new FrameInputError(name, 'frames must be an array or an (async) iterable of frames');
  }
}

/** Frame k of an embedder's sequence: the right size, a grey byte array, in order, with a time. */
function checkGivenFrame(frame: GrayFrame, k: number, input: FrameInput, name: string): void {
  const at = `frame ${k}`;
  if (frame === null || typeof frame !== 'object') throw new FrameInputError(name, `${at} is not a frame object`);
  if (!(frame.data instanceof Uint8Array)) throw new FrameInputError(name, `${at}: data must be a Uint8Array of 8-bit grey levels`);
  if (frame.width !== input.width || frame.height !== input.height || frame.data.length !== input.width * input.height) {
    throw new FrameInputError(name, `${at} is ${String(frame.width)}×${String(frame.height)} with ${frame.data.length} samples; the input says ${input.width}×${input.height}`);
  }
  if (frame.index !== k) throw new FrameInputError(name, `${at} has index ${String(frame.index)}: frames must be numbered 0, 1, 2 … in order`);
  if (!(typeof frame.timestampS === 'number' && Number.isFinite(frame.timestampS))) throw new FrameInputError(name, `${at}: timestampS must be a finite number of seconds, got ${String(frame.timestampS)}`);
}

/**
 * Passes each frame to the quality probe as it streams by, and keeps the frameStats the probe
 * computed for the frame just yielded: the stabilisation asks for them (statsOf) as it takes
 * that frame, so the histogram pass runs once per frame, not twice.
 */
function probedStream(open: () => AsyncIterable<GrayFrame> | Iterable<GrayFrame>, probe: QualityProbe): { frames: AsyncGenerator<GrayFrame>; statsOf: (f: GrayFrame) => FrameStats | undefined } {
  let last: { frame: GrayFrame; data: Uint8Array; stats: FrameStats } | null = null;
  async function* gen(): AsyncGenerator<GrayFrame> {
    for await (const f of open()) {
      last = { frame: f, data: f.data, stats: probe.addFrame(f.data, { index: f.index, timeS: f.timestampS }) };
      yield f;
    }
  }
  // Only the frame last yielded, and only while its bytes are the ones measured.
  const statsOf = (f: GrayFrame): FrameStats | undefined => (last !== null && last.frame === f && last.data === f.data ? last.stats : undefined);
  return { frames: gen(), statsOf };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
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
