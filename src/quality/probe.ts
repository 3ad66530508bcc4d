/**
 * The streaming per-frame quality probe: frames pass through once and are never held; the
 * probe keeps a few numbers per frame (mean brightness and the saturated pixel count from the
 * core's frameStats histogram, and the frame's sharpness for motion blur).
 *
 *   const probe = createQualityProbe({ width, height });
 *   for (const frame of frames) probe.addFrame(frame.data, { index: frame.index, timeS: frame.timestampS });
 *   estimateQuality({ probe: probe.summary(), stabilisation, … });
 *
 * The motion sample may be given in full (a MotionSample) or only its index and time: the
 * frames are matched to the stabilisation's track by index in estimateQuality, which leaves
 * duplicated (missing-time) frames and frames outside the analysis window out. A frame given
 * with status 'duplicate' is recorded without its sharpness (no work for a copy).
 */
import { loadBackend } from '../backend/index.js';
import type { CoreBackend, FrameStats } from '../backend/types.js';
import { frameSharpness } from './frame-sharpness.js';
import { resolveQualityParams, type QualityParams } from './params.js';
import type { ProbeFrameRef, ProbeFrameStats, QualityProbeSummary } from './types.js';

export interface QualityProbeOptions {
  width: number;
  height: number;
  /** Core backend for frameStats (default loadBackend()). */
  backend?: CoreBackend;
  /** Only saturatedLevel is used here. */
  params?: Partial<QualityParams>;
}

export interface QualityProbe {
  /** Records one frame; returns the core's frameStats of it, so the caller need not compute them again (the stabilisation reads the same statistics). */
  addFrame(frame: Uint8Array, motion: ProbeFrameRef): FrameStats;
  /** The records so far (a copy). */
  summary(): QualityProbeSummary;
}

export function createQualityProbe(options: QualityProbeOptions): QualityProbe {
  const { width, height } = options;
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new RangeError(`createQualityProbe: width and height must be positive integers, got ${width}×${height}`);
  }
  const p = resolveQualityParams(options.params);
  const sat = Math.max(0, Math.ceil(p.saturatedLevel));
  const core = options.backend ?? loadBackend();
  const frames: ProbeFrameStats[] = [];
  return {
    addFrame(frame, motion) {
      if (!(frame instanceof Uint8Array) || frame.length !== width * height) {
        throw new RangeError(`addFrame: the frame must be a Uint8Array of ${width}×${height} = ${width * height} samples, got ${frame?.length}`);
      }
      if (!Number.isInteger(motion?.index) || !Number.isFinite(motion.timeS)) throw new RangeError('addFrame: the motion sample needs an integer index and a finite timeS');
      const st = core.frameStats(frame, width, height);
      let saturatedPx = 0;
      for (let v = sat; v <= 255; v++) saturatedPx += st.histogram[v]!;
      const sharpness = motion.status === 'duplicate' ? null : frameSharpness(frame, width, height, core);
      frames.push({ index: motion.index, timeS: motion.timeS, mean: st.mean, saturatedPx, sharpness });
      return st;
    },
    summary() {
      return { width, height, saturatedLevel: sat, frames: frames.map((f) => ({ ...f })) };
    },
  };
}
