/**
 * analyzeClip for embedders who decode frames themselves: the stabilised temporal summary
 * is exact (recomputed here from the reported motion track with the core's bilinear
 * arithmetic), the motion of integer-shifted frames is recovered, the provenance hash is the
 * sha256 of the frames, the result validates, and both backends agree bit for bit.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { analyzeClip, FrameInputError, type FrameInput } from '../../src/analysis/analyze-clip.js';
import { TooFewFramesError } from '../../src/decode/index.js';
import { loadBackend } from '../../src/backend/index.js';
import { stabiliseClip } from '../../src/analysis/stabilise.js';
import { clipResultProblems } from '../../src/report/validate.js';
import { texture } from '../backend/helpers.js';

const W = 64;
const H = 48;
/** Content shifts (px, right and down) of the frames: a handheld wobble in whole pixels. */
const SHIFTS: [number, number][] = [[0, 0], [2, -1], [-1, 3], [3, 2], [-2, -2], [1, 0]];

function frames(n: number) {
  const out = [];
  for (let k = 0; k < n; k++) {
    const [dx, dy] = SHIFTS[k % SHIFTS.length]!;
    const data = Uint8Array.from(texture(W, H, dx, dy, 5), (v) => Math.round(0.4 * v + 80)); // 35…190 grey
    out.push({ index: k, width: W, height: H, data, timestampS: k / 25 });
  }
  return out;
}

function input(n: number): FrameInput {
  return { name: 'embedded-clip', width: W, height: H, fps: 25, frames: frames(n) };
}

/** The core's shiftAccumulate, one pixel, same operations in the same order (no FMA in JS either). */
function bilinearAt(f: Uint8Array, x: number, y: number, dx: number, dy: number): number {
  const ix = Math.floor(dx), iy = Math.floor(dy);
  const fx = dx - ix, fy = dy - iy;
  const a = x + ix, b = y + iy;
  const ap = a < W - 1 ? a + 1 : a, bp = b < H - 1 ? b + 1 : b;
  const v0 = (1 - fx) * f[b * W + a]! + fx * f[b * W + ap]!;
  const v1 = (1 - fx) * f[bp * W + a]! + fx * f[bp * W + ap]!;
  return (1 - fy) * v0 + fy * v1;
}

describe('analyzeClip with frames from the caller', () => {
  it('builds an exact stabilised mean from the motion it reports, and a validated result', async () => {
    const { result, summary, stabilisation: s } = await analyzeClip(input(5), { umPerPx: 1.5, backend: 'native' });
    expect(clipResultProblems(result)).toEqual([]);
    const f = frames(5);
    // The motion is recovered (content shifts relative to the reference frame).
    const ref = SHIFTS[s.referenceFrame]!;
    for (const m of s.track) {
      const [dx, dy] = SHIFTS[m.index]!;
      expect(m.status === 'registered' || m.status === 'reference').toBe(true);
      expect(Math.abs(m.dx! - (dx - ref[0]))).toBeLessThan(0.1);
      expect(Math.abs(m.dy! - (dy - ref[1]))).toBeLessThan(0.1);
    }
    // The mean is exactly the frames moved back by those shifts, over the region.
    const r = result.analysis.analysedRegion;
    for (const [x, y] of [[r.x, r.y], [r.x + r.width - 1, r.y + r.height - 1], [r.x + 7, r.y + 5], [r.x + 20, r.y + 11]] as const) {
      let sum = 0;
      for (const m of s.track) sum += bilinearAt(f[m.index]!.data, x, y, m.dx!, m.dy!);
      expect(summary.meanImage[y * W + x]).toBe(Math.fround(sum / 5));
    }
    const h = createHash('sha256');
    for (const fr of f) h.update(fr.data);
    expect(result.source.framesHash).toBe(h.digest('hex'));
    expect(result.source).toMatchObject({ frameCount: 5, durationS: 0.2, container: 'frames', decoder: { path: null } });
    expect(result.calibration).toMatchObject({ umPerPxX: 1.5, umPerPxY: 1.5, source: 'option' });
    expect(result.analysis).toMatchObject({ framesUsed: 5, framesDropped: 0, referenceFrame: s.referenceFrame, window: { startS: 0 } });
    expect(result.analysis.window.endS).toBeCloseTo(0.2, 12);
    // The region is what all frames saw: the shifts span 5 px in x and 5 in y.
    expect(r.width).toBeGreaterThanOrEqual(W - 5 - 2);
    expect(r.width).toBeLessThanOrEqual(W - 5);
    expect(r.height).toBeGreaterThanOrEqual(H - 5 - 2);
    expect(r.height).toBeLessThanOrEqual(H - 5);
    expect(result.analysis.analysedAreaMm2).toBeCloseTo((r.width * 1.5 * r.height * 1.5) / 1e6, 15);
    expect(summary.brightness).toHaveLength(5);
  });

  it('gives bitwise the same summary and result on native and wasm', async () => {
    const a = await analyzeClip(input(4), { umPerPx: 1, backend: 'native' });
    const b = await analyzeClip(input(4), { umPerPx: 1, backend: 'wasm' });
    expect(Buffer.from(b.summary.meanImage.buffer).equals(Buffer.from(a.summary.meanImage.buffer))).toBe(true);
    expect(b.summary.brightness).toEqual(a.summary.brightness);
    expect({ ...b.result, engine: null }).toEqual({ ...a.result, engine: null });
  });

  it('reads each frame\'s statistics once: the quality probe\'s are the stabilisation\'s (same brightness, same result)', async () => {
    const core = loadBackend({ backend: 'native' });
    const spy = vi.spyOn(core, 'frameStats');
    try {
      const a = await analyzeClip(input(6), { umPerPx: 1.5, backend: 'native' });
      // One histogram pass per frame (the flow pass takes the mean from the brightness record).
      expect(spy).toHaveBeenCalledTimes(6);
      // The stabilisation computing its own gives the same brightness and the same mean image.
      spy.mockClear();
      const own = await stabiliseClip(() => frames(6), core, { fps: 25 });
      expect(spy).toHaveBeenCalledTimes(6);
      expect(own.brightness).toEqual(a.summary.brightness);
      expect(Buffer.from(own.meanImage.buffer).equals(Buffer.from(a.summary.meanImage.buffer))).toBe(true);
      // The hook is read: statistics from it are the ones recorded (none computed here).
      spy.mockClear();
      const given = await stabiliseClip(() => frames(6), core, { fps: 25, frameStats: (f) => ({ ...core.frameStats(f.data, W, H), mean: 100 + f.index }) });
      expect(given.brightness.map((b) => b.mean)).toEqual([100, 101, 102, 103, 104, 105]);
      expect(spy).toHaveBeenCalledTimes(6); // only the hook's own calls
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses a single frame with a typed error', async () => {
    await expect(analyzeClip(input(1), { umPerPx: 1 })).rejects.toBeInstanceOf(TooFewFramesError);
  });

  it('refuses malformed frames with a typed error naming the clip, the frame and the reason', async () => {
    const good = input(8);
    const fs = good.frames as { index: number; timestampS: number; width: number; height: number; data: Uint8Array }[];
    const cases: [string, FrameInput, RegExp][] = [
      ['no index or time', { ...good, frames: fs.map((f) => ({ width: f.width, height: f.height, data: f.data })) as never }, /frame 0 has index undefined/],
      ['wrong size', { ...good, frames: fs.map((f, k) => (k === 3 ? { ...f, data: f.data.subarray(1) } : f)) }, /frame 3 is .* samples/],
      ['out of order', { ...good, frames: fs.map((f, k) => (k === 2 ? { ...f, index: 5 } : f)) }, /frame 2 has index 5/],
      ['NaN time', { ...good, frames: fs.map((f, k) => (k === 1 ? { ...f, timestampS: Number.NaN } : f)) }, /frame 1: timestampS/],
      ['float data', { ...good, frames: fs.map((f) => ({ ...f, data: Float32Array.from(f.data) as never })) }, /Uint8Array/],
      ['bad fps', { ...good, fps: 0 }, /fps must be a positive number/],
      ['not iterable', { ...good, frames: 42 as never }, /iterable/],
    ];
    for (const [why, bad, re] of cases) {
      const err = await analyzeClip(bad, { umPerPx: 1 }).then(() => null, (e: unknown) => e);
      expect(err, why).toBeInstanceOf(FrameInputError);
      expect((err as FrameInputError).code).toBe('E_FRAME_INPUT');
      expect((err as Error).message, why).toMatch(/^embedded-clip: /);
      expect((err as Error).message, why).toMatch(re);
    }
  });
});
