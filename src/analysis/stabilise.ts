/**
 * Stabilisation of a handheld clip: every frame registered to one reference frame, the
 * stabilised temporal mean, the analysis window and the analysed region.
 *
 *   const s = await stabiliseClip(() => reader.frames(), core, { fps });
 *   s.track        motion track, one entry per frame: content shift (dx, dy) px, peak, residual, status
 *   s.region       analysed region, reference-frame px (region.ts)
 *   s.meanImage    stabilised mean over the window's registered frames (reference-frame px)
 *
 * Sign: (dx, dy) is the frame content's shift against the reference, the convention of
 * CoreBackend.phaseCorrelate and shiftAccumulate (stabilise-types.ts).
 *
 * Per frame (streaming, one frame in memory plus a few small images):
 *  1. frameStats → brightness; duplicate test against the previous frame (duplicates.ts):
 *     a duplicate is missing time — it is neither registered nor added to the mean, and
 *     takes its source's shift in the track.
 *  2. ScreenMaskTracker (screen-mask.ts) accumulates what stays put on screen.
 *  3. The registration image (registration-image.ts): crop inside the borders, ×f box
 *     downsample, brightness-normalised contrast over a masked background, overlays masked
 *     and tapered.
 *  4. phaseCorrelate(reference image, frame image) — Hann window, Foroosh sub-pixel peak;
 *     the reference's spectrum made once (phaseReference), one transform pair per frame —
 *     refined by Lucas–Kanade (refineShift: phase correlation alone is pulled towards whole
 *     pixels on band-limited, noisy frames), then × f. Frames whose peak does not stand out
 *     of the noise (MIN_PEAK_SIGNIFICANCE) are dropped (motion blur, a frame of something
 *     else) and counted.
 *  5. shiftAccumulate the frame into the reference frame's coordinates.
 *
 * Reference frame and passes (the trade-off). Registering to a reference needs the
 * reference before the first frame is registered. Choosing the clip's middle frame, or a
 * temporal median, needs the whole clip first: either all frames held (never: a 20-s
 * CytoCam clip is gigabytes) or a second decode. This stage instead picks the reference
 * EARLY — the sharpest of the first REFERENCE_SEARCH_S (its frames are held meanwhile;
 * sharpness = contrast energy of the registration image, which motion blur and defocus
 * lower) — and registers and accumulates in a single pass; masks for registration come from
 * those first frames (borders and overlays are static, so a few frames show them), while
 * the reported borders, overlays and region use every frame. The price: with steady drift
 * the late frames are the ones far from the reference, so overlap with it shrinks at one
 * end only (registration holds while they overlap by well over half, i.e. far beyond the
 * MIQS "acceptable" movement of ½ field), and the region is not centred on the clip's
 * average position — it does not need to be: it is whatever all frames see. A second pass
 * (a fresh decode from `source`) happens only when drift shortens the analysis window
 * (region.ts): the mean is then rebuilt from the window's frames, in the coordinates of a
 * registered frame inside the window (the track is rebased to it, so `referenceFrame`
 * moves there; `registrationReferenceFrame` keeps the frame peaks and residuals refer to).
 * With
 * `singlePass: true` the source is read once and the mean then covers all registered frames
 * of the clip (`meanFrames: 'clip'`); the region stays the window's.
 *
 * Masks found late. A burnt-in overlay is told from tissue by staying put while the tissue
 * moves, and in the first half second a slowly drifting camera may not have moved enough to
 * tell (H.264 also smooths tissue into near-static patches): the early masks can miss it.
 * Unmasked, a static timestamp pulls phase correlation to zero shift as soon as the tissue
 * has moved a few px (measured on the septic H.264 fixture: locked at 0 from frame 35 on,
 * 12.8 px off), and biases the refinement towards zero before that. So the masks are read
 * again every MASK_RECHECK_S; an overlay box not inside the boxes already masked is added,
 * the reference's registration image is rebuilt from the held reference frame, and the
 * frames registered so far are marked stale. Stale frames are registered again, with the
 * final masks, in the second pass (which then always happens, and rebuilds the mean); the
 * window is chosen from the first pass's track, the region from the corrected one. Masks
 * only ever grow (a superset masks what a later, tighter box masks).
 */
import type { CoreBackend, FrameStats, PhaseReference } from '../backend/types.js';
import type { GrayFrame } from '../decode/types.js';
import { HvmError } from '../errors.js';
import { DuplicateDetector } from './duplicates.js';
import { chooseWindow, regionForWindow, type AnalysedRegionResult } from './region.js';
import {
  REFINE_SMOOTH_SIGMA, refineShift, registrationGeometry, registrationImage, registrationResidual, sharpness, type RegistrationGeometry,
} from './registration-image.js';
import { OVERLAY_MARGIN_PX, ScreenMaskTracker } from './screen-mask.js';
import type { AnalysedRect, AnalysisWindow, MotionSample, ScreenBorders, ScreenRect } from './stabilise-types.js';
import type { FrameBrightness } from './temporal-summary.js';

export type { AnalysedRect, AnalysisWindow, MotionSample, MotionStatus, ScreenBorders, ScreenRect } from './stabilise-types.js';

/** The reference is the sharpest frame of the clip's first this-many seconds. */
export const REFERENCE_SEARCH_S = 0.5;
/**
 * A frame is registered when its phase-correlation peak (0–1) stands out of the noise
 * floor: peak × sqrt(pixels of the registration image) ≥ MIN_PEAK_SIGNIFICANCE, else it is
 * dropped (motion blur, a frame of something else). For unrelated images the normalised
 * correlation surface is noise of standard deviation ~1/sqrt(pixels), and its largest value
 * over the surface ~sqrt(2 ln pixels) times that: measured 5–7 on phantom and texture pairs
 * from 128×104 to 360×256 px. Registered phantom frames score 14 (3× the default sensor
 * noise) to ~100 (test/stabilise measures both sides). Scaling by the image size keeps one
 * threshold valid at every resolution and downsampling factor.
 */
export const MIN_PEAK_SIGNIFICANCE = 10;
/** The screen masks are read again this often (seconds of frames) once registration runs (file comment, "Masks found late"). */
export const MASK_RECHECK_S = 0.2;
/**
 * A newly found overlay box counts as already masked when it lies inside a masked box grown
 * by this many px: its static glyphs (at least OVERLAY_MARGIN_PX inside it) are then still
 * ≥ 3 px inside the mask, where the taper weight is 0.
 */
export const MASK_COVER_TOLERANCE_PX = OVERLAY_MARGIN_PX / 2;
/** Registration downsampling: ×2 from this frame width up, ×4 from REGISTRATION_X4_MIN_WIDTH. */
export const REGISTRATION_X2_MIN_WIDTH = 480;
export const REGISTRATION_X4_MIN_WIDTH = 1600;

/** No part of the tissue is seen in every frame of any acceptable window. */
export class UnstableClipError extends HvmError {
  constructor(message: string) {
    super('E_UNSTABLE_CLIP', message, {
      hint: 'The camera moved too far for any stretch of the clip to share a field of view; record a steadier clip (MIQS stability: movement within ½ field).',
    });
  }
}

/** Frames to read; called a second time only when the window is shorter than the clip. */
export type FrameSource = () => AsyncIterable<GrayFrame> | Iterable<GrayFrame>;

export interface StabiliseOptions {
  /** Frames per second of the clip (for times and the window rule). */
  fps: number;
  /** Registration downsampling factor, or 'auto' (by width, see REGISTRATION_X2_MIN_WIDTH). */
  downsample?: number | 'auto';
  /** Default MIN_PEAK_SIGNIFICANCE. */
  minPeakSignificance?: number;
  /** Default REFERENCE_SEARCH_S. */
  referenceSearchS?: number;
  /** Window rule (region.ts): default MIN_REGION_FRACTION. */
  minRegionFraction?: number;
  /** Window rule (region.ts): default MIN_WINDOW_S. */
  minWindowS?: number;
  /** Never read the source twice (see the file comment). */
  singlePass?: boolean;
  /** Called after each frame of the first pass. */
  onProgress?: (framesDone: number) => void;
  /**
   * The core's frameStats of a first-pass frame when the caller already computed them (the
   * quality probe reads every frame as it streams by), or undefined to have them computed here.
   */
  frameStats?: (frame: GrayFrame) => FrameStats | undefined;
}

export interface StabiliseResult {
  width: number;
  height: number;
  fps: number;
  /** Frames in the clip (first pass). */
  frameCount: number;
  /** Index of the reference frame: every reference-frame px (track, region, mean) refers to it. */
  referenceFrame: number;
  /**
   * The frame every frame was registered against (peaks and residuals refer to it). The same
   * as referenceFrame unless a shortened window moved the reference into the window.
   */
  registrationReferenceFrame: number;
  /** One entry per frame, in order. */
  track: MotionSample[];
  /** Static borders and overlay boxes found over the whole clip, screen px. */
  borders: ScreenBorders;
  overlays: ScreenRect[];
  /** Whole clip: duplicated frames (missing time, not stops), their total time, dropped frames. */
  duplicatedFrames: number[];
  missingTimeS: number;
  droppedFrames: number[];
  /** Window, region, frames used/dropped/duplicated in the window (region.ts). */
  window: AnalysisWindow;
  region: AnalysedRect;
  framesUsed: number;
  framesDropped: number;
  duplicatedInWindow: number[];
  regionFraction: number;
  /** Stabilised mean (acc / count), grey levels, reference-frame px; 0 where no frame covers. */
  meanImage: Float32Array;
  /**
   * Temporal standard deviation over the same frames, each frame's grey levels first scaled
   * to a mean of TEMPORAL_SD_LEVEL (so flicker does not read as variation), reference-frame
   * px; 0 where fewer than two frames cover. Moving red cells make flowing vessels stand
   * out here while the static tissue texture does not.
   */
  temporalSd: Float32Array;
  /** Frames covering each reference pixel in the mean. */
  coverage: Uint32Array;
  /** Frames the mean was built from: the window's ('window') or, single-pass with a shortened window, the clip's ('clip'). */
  meanFrames: 'window' | 'clip';
  /** Number of frames added to the mean. */
  meanFrameCount: number;
  /** Per-frame brightness (every frame, duplicates included). */
  brightness: FrameBrightness[];
  /** Decoding passes made (1 or 2). */
  passes: 1 | 2;
  /** The registration settings used. */
  registration: {
    downsample: number;
    /** Registration image size, downsampled px. */
    imageWidth: number;
    imageHeight: number;
    minPeakSignificance: number;
    /** The peak threshold it gives at this image size. */
    minPeak: number;
    referenceSearchS: number;
    /** Frames the registration masks were read from (the reference search, or the last mask update). */
    maskFrames: number;
    /** Times an overlay found after the reference search was added to the registration masks. */
    maskUpdates: number;
    /** Frames registered again with the final masks in the second pass (registered before a mask update). */
    reregisteredFrames: number;
    /** Frames registered with masks that missed an overlay and NOT registered again (singlePass only). */
    staleFrames: number;
  };
}

/** Grey level each frame's mean is scaled to before the temporal SD (any fixed level: only ratios matter). */
export const TEMPORAL_SD_LEVEL = 128;

interface Pending {
  k: number;
  frame: GrayFrame;
}

function autoFactor(width: number): number {
  return width >= REGISTRATION_X4_MIN_WIDTH ? 4 : width >= REGISTRATION_X2_MIN_WIDTH ? 2 : 1;
}

export async function stabiliseClip(source: FrameSource, core: CoreBackend, options: StabiliseOptions): Promise<StabiliseResult> {
  const fps = options.fps;
  if (!(fps > 0)) throw new RangeError(`fps must be > 0, got ${fps}`);
  const minSignificance = options.minPeakSignificance ?? MIN_PEAK_SIGNIFICANCE;
  let minPeak = 0;
  const searchS = options.referenceSearchS ?? REFERENCE_SEARCH_S;
  const searchFrames = Math.max(1, Math.round(searchS * fps));

  let width = 0, height = 0;
  let acc: Float64Array | null = null;
  let count: Uint32Array | null = null;
  // Brightness-normalised first and second moments, for the temporal SD image (same coverage: count).
  let mAcc: Float64Array | null = null;
  let mSq: Float64Array | null = null;
  let masks: ScreenMaskTracker | null = null;
  let dups: DuplicateDetector | null = null;
  let factor = 1;
  let geom: RegistrationGeometry | null = null;
  let refImg: Float32Array | null = null;
  let refSpectrum: PhaseReference | null = null;
  let refSmooth: Float32Array | null = null;
  let refIndex = -1;
  let maskFrames = 0;
  let meanFrameCount = 0;
  const track: MotionSample[] = [];
  const brightness: FrameBrightness[] = [];
  const pending: Pending[] = [];
  /** Adds frame k (content shift dx, dy) to the mean and to the temporal moments. */
  const addToMean = (k: number, data: Uint8Array, dx: number, dy: number): void => {
    const gain = TEMPORAL_SD_LEVEL / Math.max(1, brightness[k]!.mean);
    core.shiftAccumulateMoments(acc!, mAcc!, mSq!, count!, data, width, height, dx, dy, gain);
    meanFrameCount++;
  };

  /** Registers frame k's registration image against the reference: sets its track entry. */
  const measure = (k: number, img: Float32Array): void => {
    const g = geom!;
    const r = core.phaseCorrelateReference(refSpectrum!, img);
    const sample = track[k]!;
    sample.peak = r.peak;
    if (!(r.peak >= minPeak)) {
      Object.assign(sample, { status: 'dropped', dx: null, dy: null, residual: null });
      return;
    }
    sample.status = 'registered';
    const fine = refineShift(core, refSmooth!, core.gaussianBlur(img, g.width, g.height, REFINE_SMOOTH_SIGMA), g, r.dx, r.dy);
    sample.dx = fine.dx * g.factor;
    sample.dy = fine.dy * g.factor;
    sample.residual = registrationResidual(core, refImg!, img, g, fine.dx, fine.dy);
  };
  const register = (k: number, frame: GrayFrame, img: Float32Array): void => {
    measure(k, img);
    const sample = track[k]!;
    if (sample.status === 'registered') addToMean(k, frame.data, sample.dx!, sample.dy!);
  };

  // Masks in use (file comment, "Masks found late").
  let geomBorders: ScreenBorders = { left: 0, right: 0, top: 0, bottom: 0 };
  let maskedOverlays: ScreenRect[] = [];
  let refFrame: Uint8Array | null = null;
  let staleBefore = 0;
  let maskUpdates = 0;
  const useGeometry = (): void => {
    geom = registrationGeometry(core, width, height, geomBorders, maskedOverlays, factor);
    minPeak = minSignificance / Math.sqrt(geom.width * geom.height);
  };
  const useReference = (img: Float32Array): void => {
    refImg = img;
    refSpectrum = core.phaseReference(img, geom!.width, geom!.height);
    refSmooth = core.gaussianBlur(img, geom!.width, geom!.height, REFINE_SMOOTH_SIGMA);
  };
  /** After frame k: adds overlays found since the last check; frames ≤ k become stale. */
  const recheckMasks = (k: number): void => {
    const now = masks!.masks();
    const missed = now.overlays.filter((r) => !maskedOverlays.some((m) => covers(m, r, MASK_COVER_TOLERANCE_PX)));
    if (missed.length === 0) return;
    maskedOverlays = [...maskedOverlays, ...missed];
    maskFrames = now.frames;
    maskUpdates++;
    useGeometry();
    useReference(registrationImage(core, refFrame!, geom!));
    staleBefore = k + 1;
  };

  const chooseReference = (): void => {
    const early = masks!.masks();
    maskFrames = early.frames;
    geomBorders = early.borders;
    maskedOverlays = early.overlays;
    useGeometry();
    const imgs = pending.map((p) => registrationImage(core, p.frame.data, geom!));
    let best = 0, bestSharp = -Infinity;
    imgs.forEach((img, i) => {
      const s = sharpness(img, geom!);
      if (s > bestSharp) {
        bestSharp = s;
        best = i;
      }
    });
    const ref = pending[best]!;
    refIndex = ref.k;
    refFrame = ref.frame.data;
    useReference(imgs[best]!);
    pending.forEach((p, i) => {
      if (i === best) {
        Object.assign(track[p.k]!, { status: 'reference', dx: 0, dy: 0, peak: 1, residual: 0 });
        addToMean(p.k, p.frame.data, 0, 0);
      } else {
        register(p.k, p.frame, imgs[i]!);
      }
    });
    pending.length = 0;
  };

  let recheckFrames = 1;
  let k = 0;
  for await (const frame of source()) {
    if (k === 0) {
      width = frame.width;
      height = frame.height;
      acc = new Float64Array(width * height);
      count = new Uint32Array(width * height);
      mAcc = new Float64Array(width * height);
      mSq = new Float64Array(width * height);
      masks = new ScreenMaskTracker(core, width, height);
      dups = new DuplicateDetector(width, height);
      recheckFrames = Math.max(1, Math.round(MASK_RECHECK_S * fps));
      factor = options.downsample === undefined || options.downsample === 'auto' ? autoFactor(width) : options.downsample;
      if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`downsample must be a positive integer, got ${factor}`);
    } else if (frame.width !== width || frame.height !== height) {
      throw new RangeError(`frame ${frame.index} is ${frame.width}×${frame.height}, the clip started at ${width}×${height}`);
    }
    const stats = options.frameStats?.(frame) ?? core.frameStats(frame.data, width, height);
    brightness.push({ index: frame.index, mean: stats.mean, sd: stats.sd });
    const sample: MotionSample = { index: frame.index, timeS: frame.timestampS, dx: null, dy: null, peak: 0, residual: null, status: 'dropped' };
    track.push(sample);
    const dupOf = dups!.check(k, frame.data, stats);
    if (dupOf !== null) {
      sample.status = 'duplicate';
      sample.duplicateOf = track[dupOf]!.index;
    } else {
      masks!.add(frame.data);
      if (refImg === null) {
        pending.push({ k, frame });
        if (pending.length >= searchFrames) chooseReference();
      } else {
        register(k, frame, registrationImage(core, frame.data, geom!));
        if (k % recheckFrames === 0) recheckMasks(k);
      }
    }
    k++;
    options.onProgress?.(k);
  }
  if (k === 0) throw new RangeError('the clip has no frames');
  if (refImg === null) chooseReference();

  propagateDuplicates(track);

  const final = masks!.masks();
  const regionOptions = {
    width, height, fps, borders: final.borders, overlays: final.overlays,
    ...(options.minRegionFraction !== undefined ? { minRegionFraction: options.minRegionFraction } : {}),
    ...(options.minWindowS !== undefined ? { minWindowS: options.minWindowS } : {}),
  };
  const choice = chooseWindow(track, regionOptions);
  const wholeClip = choice.first === 0 && choice.last === track.length - 1;
  const registrationReference = refIndex;

  let passes: 1 | 2 = 1;
  let meanFrames: 'window' | 'clip' = 'window';
  let reregisteredFrames = 0;
  const stale = (j: number): boolean => j < staleBefore && track[j]!.status !== 'duplicate' && track[j]!.status !== 'reference';
  if (options.singlePass === true) {
    if (!wholeClip) meanFrames = 'clip';
  } else if (!wholeClip || staleBefore > 0) {
    // The mean is rebuilt from the window's frames. With a shortened window, in the
    // coordinates of a frame INSIDE the window (the registration reference may lie outside
    // it): the registered frame nearest the centre of the window's shifts, not a stale one
    // where the window has others (a stale frame's shift is about to change). Shifts are
    // rebased to it: d'_k = d_k − d_new.
    let bx = 0, by = 0;
    if (!wholeClip) {
      refIndex = rebaseFrame(track, choice.first, choice.last, staleBefore);
      bx = track[refIndex]!.dx!;
      by = track[refIndex]!.dy!;
      for (const t of track) {
        if (t.dx === null || t.dy === null) continue;
        t.dx -= bx;
        t.dy -= by;
      }
    }
    passes = 2;
    for (const b of [acc!, count!, mAcc!, mSq!]) b.fill(0);
    meanFrameCount = 0;
    let j = 0;
    const lastIndex = track[Math.max(choice.last, staleBefore - 1)]!.index;
    for await (const frame of source()) {
      const t = track[j];
      if (t === undefined || t.index !== frame.index || frame.width !== width || frame.height !== height) {
        throw new RangeError(`the second decoding pass differs from the first at frame ${frame.index}`);
      }
      if (stale(j)) {
        measure(j, registrationImage(core, frame.data, geom!));
        if (t.dx !== null && t.dy !== null) {
          t.dx -= bx;
          t.dy -= by;
        }
        reregisteredFrames++;
      }
      if (j >= choice.first && j <= choice.last && (t.status === 'registered' || t.status === 'reference')) {
        addToMean(j, frame.data, t.dx!, t.dy!);
      }
      j++;
      if (t.index >= lastIndex) break;
    }
    propagateDuplicates(track);
  }
  let staleFrames = 0;
  if (passes === 1) for (let j = 0; j < staleBefore; j++) if (stale(j)) staleFrames++;
  const region: AnalysedRegionResult = regionForWindow(track, choice, regionOptions);
  if (region.region.width <= 0 || region.region.height <= 0) {
    throw new UnstableClipError(`no part of the tissue is seen in every frame of frames ${region.window.firstFrame}–${region.window.lastFrame} (the best window found)`);
  }
  if (passes === 2 && meanFrameCount !== region.framesUsed) {
    throw new RangeError(`the second decoding pass gave ${meanFrameCount} of the window's ${region.framesUsed} frames`);
  }

  const meanImage = new Float32Array(width * height);
  for (let i = 0; i < meanImage.length; i++) meanImage[i] = count![i]! > 0 ? acc![i]! / count![i]! : 0;
  const temporalSd = new Float32Array(width * height);
  for (let i = 0; i < temporalSd.length; i++) {
    const c = count![i]!;
    if (c < 2) continue;
    const m = mAcc![i]! / c;
    temporalSd[i] = Math.sqrt(Math.max(0, mSq![i]! / c - m * m));
  }

  const duplicatedFrames = track.filter((s) => s.status === 'duplicate').map((s) => s.index);
  return {
    width,
    height,
    fps,
    frameCount: k,
    referenceFrame: track[refIndex]!.index,
    registrationReferenceFrame: track[registrationReference]!.index,
    track,
    borders: final.borders,
    overlays: final.overlays,
    duplicatedFrames,
    missingTimeS: duplicatedFrames.length / fps,
    droppedFrames: track.filter((s) => s.status === 'dropped').map((s) => s.index),
    window: region.window,
    region: region.region,
    framesUsed: region.framesUsed,
    framesDropped: region.framesDropped,
    duplicatedInWindow: region.duplicatedFrames,
    regionFraction: region.regionFraction,
    meanImage,
    temporalSd,
    coverage: count!,
    meanFrames,
    meanFrameCount,
    brightness,
    passes,
    registration: {
      downsample: factor, imageWidth: geom!.width, imageHeight: geom!.height, minPeakSignificance: minSignificance, minPeak,
      referenceSearchS: searchS, maskFrames, maskUpdates, reregisteredFrames, staleFrames,
    },
  };
}

/** Duplicates take their source's shift. */
function propagateDuplicates(track: MotionSample[]): void {
  const byIndex = new Map<number, MotionSample>();
  for (const s of track) byIndex.set(s.index, s);
  for (const s of track) {
    if (s.status !== 'duplicate') continue;
    const src = byIndex.get(s.duplicateOf!)!;
    s.dx = src.dx;
    s.dy = src.dy;
    s.peak = src.peak;
  }
}

/** `outer` grown by `tolerance` px contains `inner`. */
function covers(outer: ScreenRect, inner: ScreenRect, tolerance: number): boolean {
  return inner.x >= outer.x - tolerance && inner.y >= outer.y - tolerance
    && inner.x + inner.width <= outer.x + outer.width + tolerance && inner.y + inner.height <= outer.y + outer.height + tolerance;
}

/**
 * The registered frame of track[first..last] nearest the centre of their shifts' bounding
 * box (ties: earliest), among positions ≥ staleBefore when the window has such a frame.
 */
function rebaseFrame(track: readonly MotionSample[], first: number, last: number, staleBefore: number): number {
  if (last >= staleBefore && track.slice(Math.max(first, staleBefore), last + 1).some((t) => t.status === 'registered' || t.status === 'reference')) {
    first = Math.max(first, staleBefore);
  }
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  const ok = (t: MotionSample): boolean => (t.status === 'registered' || t.status === 'reference') && t.dx !== null && t.dy !== null;
  for (let i = first; i <= last; i++) {
    const t = track[i]!;
    if (!ok(t)) continue;
    minX = Math.min(minX, t.dx!);
    maxX = Math.max(maxX, t.dx!);
    minY = Math.min(minY, t.dy!);
    maxY = Math.max(maxY, t.dy!);
  }
  const cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
  let best = -1, bestD = Infinity;
  for (let i = first; i <= last; i++) {
    const t = track[i]!;
    if (!ok(t)) continue;
    const d = Math.max(Math.abs(t.dx! - cx), Math.abs(t.dy! - cy));
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}
