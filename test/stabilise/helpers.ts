/**
 * Shared fixtures for the stabilisation tests: phantom clips held in memory as GrayFrames,
 * and the truth the results are checked against, all relative to the engine's reference
 * frame (the phantom's truth is relative to frame 0).
 *
 * Sign conventions: the phantom's camera offset o_k means frame k shows tissue point P at
 * P − o_k; the engine's content shift d_k means frame k shows reference point P at P + d_k.
 * Relative to reference frame r, the true content shift is d_k = −(o_k − o_r).
 */
import { createNativeBackend } from '../../src/backend/native.js';
import type { CoreBackend } from '../../src/backend/types.js';
import { createWasmBackend } from '../../src/backend/wasm.js';
import type { AnalysedRect, StabiliseResult } from '../../src/analysis/stabilise.js';
import type { GrayFrame } from '../../src/decode/types.js';
import { generatePhantom, type PhantomOptions, type PhantomTruth } from '../../src/phantom/index.js';

/** The native backend when built (HVM_ALLOW_NO_NATIVE=1 allows running on wasm only). */
export function testBackend(): CoreBackend {
  try {
    return createNativeBackend();
  } catch (e) {
    if (process.env.HVM_ALLOW_NO_NATIVE === '1') return createWasmBackend();
    throw e;
  }
}

export interface PhantomClip {
  truth: PhantomTruth;
  fps: number;
  width: number;
  height: number;
  frames: GrayFrame[];
}

export function phantomClip(opts: PhantomOptions): PhantomClip {
  const p = generatePhantom(opts);
  const fps = p.options.fps.num / p.options.fps.den;
  const frames: GrayFrame[] = [];
  let k = 0;
  for (const data of p.frames()) {
    frames.push({ index: k, width: p.width, height: p.height, data, timestampS: k / fps });
    k++;
  }
  return { truth: p.truth, fps, width: p.width, height: p.height, frames };
}

/** True content shift of frame k against reference frame r, px. */
export function trueShift(truth: PhantomTruth, k: number, r: number): [number, number] {
  const a = truth.frames[k]!.offsetPx, b = truth.frames[r]!.offsetPx;
  return [-(a[0] - b[0]), -(a[1] - b[1])];
}

/** RMS and largest registration error (Euclidean, px) over the registered frames. */
export function trackError(s: StabiliseResult, truth: PhantomTruth): { rms: number; max: number; n: number } {
  let se = 0, max = 0, n = 0;
  for (const m of s.track) {
    if (m.status !== 'registered' || m.dx === null || m.dy === null) continue;
    const [tx, ty] = trueShift(truth, m.index, s.referenceFrame);
    const e2 = (m.dx - tx) ** 2 + (m.dy - ty) ** 2;
    se += e2;
    max = Math.max(max, Math.sqrt(e2));
    n++;
  }
  return { rms: Math.sqrt(se / n), max, n };
}

/** Frames the result used (registered or reference, inside the window). */
export function usedFrames(s: StabiliseResult): number[] {
  return s.track
    .filter((m) => (m.status === 'registered' || m.status === 'reference') && m.index >= s.window.firstFrame && m.index <= s.window.lastFrame)
    .map((m) => m.index);
}

/**
 * The truly covered area in reference px: the screen less the true borders, seen by every
 * used frame according to the truth's camera offsets (the truth's `regions.common` rule,
 * rebased from frame 0 to the reference frame).
 */
export function trulyCovered(truth: PhantomTruth, s: StabiliseResult): AnalysedRect {
  const b = truth.borders;
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const k of usedFrames(s)) {
    const [dx, dy] = trueShift(truth, k, s.referenceFrame);
    minX = Math.min(minX, dx);
    maxX = Math.max(maxX, dx);
    minY = Math.min(minY, dy);
    maxY = Math.max(maxY, dy);
  }
  const x0 = Math.ceil(b.left - minX), x1 = Math.floor(truth.clip.width - b.right - maxX);
  const y0 = Math.ceil(b.top - minY), y1 = Math.floor(truth.clip.height - b.bottom - maxY);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** How far each side of `inner` lies inside `outer` (negative: it sticks out). */
export function insets(inner: AnalysedRect, outer: AnalysedRect): { left: number; right: number; top: number; bottom: number } {
  return {
    left: inner.x - outer.x,
    right: outer.x + outer.width - (inner.x + inner.width),
    top: inner.y - outer.y,
    bottom: outer.y + outer.height - (inner.y + inner.height),
  };
}
