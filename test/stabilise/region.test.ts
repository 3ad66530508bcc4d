/**
 * The analysed region and window from synthetic motion tracks (region.ts), the largest
 * free rectangle against brute force, the screen masks and the duplicate detector on
 * hand-made frames.
 */
import { describe, expect, test } from 'vitest';
import { DuplicateDetector } from '../../src/analysis/duplicates.js';
import { analysedRegion, coveredRect, largestFreeRectangle, MIN_REGION_FRACTION, MIN_WINDOW_S, REGION_SAFETY_MARGIN_PX } from '../../src/analysis/region.js';
import { ScreenMaskTracker } from '../../src/analysis/screen-mask.js';
import type { MotionSample } from '../../src/analysis/stabilise-types.js';
import { rng } from '../backend/helpers.js';
import { testBackend } from './helpers.js';

const NO_BORDERS = { left: 0, right: 0, top: 0, bottom: 0 };

function track(shifts: ([number, number] | 'dropped' | 'duplicate')[], fps = 25): MotionSample[] {
  return shifts.map((s, i) => {
    const base = { index: i, timeS: i / fps, peak: 0.3, residual: 0.2 };
    if (s === 'dropped') return { ...base, dx: null, dy: null, residual: null, status: 'dropped' as const };
    if (s === 'duplicate') return { ...base, dx: null, dy: null, residual: null, status: 'duplicate' as const, duplicateOf: i - 1 };
    return { ...base, dx: s[0], dy: s[1], status: i === 0 ? ('reference' as const) : ('registered' as const) };
  });
}

describe('analysedRegion', () => {
  test('the intersection of the frames, less borders, rounded inwards with the safety margin', () => {
    const t = track([[0, 0], [2.5, -1], [-3.2, 4], 'dropped', 'duplicate', [1, 0.6]]);
    const r = analysedRegion(t, { width: 100, height: 80, fps: 25, borders: { left: 5, right: 3, top: 2, bottom: 0 } });
    const m = REGION_SAFETY_MARGIN_PX;
    // x ∈ [ceil(5 + 3.2 + m), floor(100 − 3 − 2.5 − m)), y ∈ [ceil(2 + 1 + m), floor(80 − 4 − m))
    const x0 = Math.ceil(8.2 + m), x1 = Math.floor(94.5 - m), y0 = Math.ceil(3 + m), y1 = Math.floor(76 - m);
    expect(r.region).toEqual({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
    expect(r.window).toMatchObject({ startS: 0, firstFrame: 0, lastFrame: 5, rule: 'whole-clip' });
    expect(r.window.endS).toBeCloseTo(6 / 25, 12);
    expect([r.framesUsed, r.framesDropped, r.duplicatedFrames]).toEqual([4, 1, [4]]);
  });

  test('integer shifts: every region pixel is seen by every frame, no pixel of the region too many', () => {
    const r = analysedRegion(track([[0, 0], [3, 0], [-2, 1]]), { width: 40, height: 30, fps: 25, borders: NO_BORDERS });
    // Frame with dx shows reference x at x + dx: needs 0 ≤ x + dx ≤ 39 → x ∈ [2, 36].
    expect(r.region).toEqual({ x: 2 + 1, y: 0 + 1, width: 37 - 3 - 1, height: 29 - 1 - 1 }); // margin 0.25 costs a pixel at integer bounds
  });

  test('steady drift: the whole clip fails the fraction, the longest ≥ 3 s stretch that keeps it is taken', () => {
    // 10 s at 25 fps, 100 px wide field drifting 8 px/s in x: the whole clip keeps 20 %.
    const fps = 25;
    const shifts: [number, number][] = Array.from({ length: 250 }, (_, k) => [(8 * k) / fps, 0]);
    const r = analysedRegion(track(shifts, fps), { width: 100, height: 60, fps, borders: NO_BORDERS });
    expect(r.window.rule).toBe('longest-stretch');
    expect(r.regionFraction).toBeGreaterThanOrEqual(MIN_REGION_FRACTION - 0.02); // continuous rule, then rounded inwards
    // Continuous rule: the height keeps 59.5 of 60 rows, so the width must keep 60.5 px of
    // 100 less the 0.5 px margin: a drift of ≤ 39 px at 8 px/s, 4.875 s, plus one frame.
    const d = r.window.endS - r.window.startS;
    expect(d).toBeGreaterThanOrEqual(MIN_WINDOW_S);
    expect(d).toBeGreaterThan(4.8);
    expect(d).toBeLessThanOrEqual(4.915 + 1e-9);
  });

  test('a jump in the middle: the longer steady half is the window', () => {
    const fps = 25;
    const shifts: [number, number][] = Array.from({ length: 200 }, (_, k) => (k < 80 ? [0, 0] : [60, 10]));
    const r = analysedRegion(track(shifts, fps), { width: 100, height: 80, fps, borders: NO_BORDERS });
    expect(r.window).toMatchObject({ rule: 'longest-stretch', firstFrame: 80, lastFrame: 199 });
    // The window's frames see reference x ∈ [−59, 39) (one px per side lost to the safety
    // margin); the reference frame 0 lies outside the window, and the region is clipped to its grid.
    expect(r.coveredRect).toEqual({ x: 0, y: 0, width: 39, height: 69 });
    expect(r.region).toEqual(r.coveredRect);
  });

  test('no stretch of 3 s keeps the fraction: the 3-s stretch with the largest region, reported', () => {
    const fps = 25;
    // Fast drift except a calmer second half.
    const shifts: [number, number][] = [];
    let x = 0;
    for (let k = 0; k < 200; k++) {
      x += k < 100 ? 1.5 : 0.5;
      shifts.push([x, 0]);
    }
    const r = analysedRegion(track(shifts, fps), { width: 60, height: 40, fps, borders: NO_BORDERS });
    expect(r.window.rule).toBe('largest-region');
    expect(r.window.lastFrame - r.window.firstFrame + 1).toBe(3 * fps);
    expect(r.window.firstFrame).toBe(99); // the calm half; 99 and 100 tie (same span), the earliest wins
  });

  test('a clip shorter than 3 s that drifts too far keeps the whole clip (largest-region rule)', () => {
    const shifts: [number, number][] = Array.from({ length: 25 }, (_, k) => [k * 2, 0]);
    const r = analysedRegion(track(shifts), { width: 80, height: 40, fps: 25, borders: NO_BORDERS });
    expect(r.window).toMatchObject({ rule: 'largest-region', firstFrame: 0, lastFrame: 24 });
  });

  test('an overlay carves the largest rectangle out of the covered area', () => {
    // Static camera: the overlay box (screen 70..89 × 50..59) is a hole in the bottom right.
    const r = analysedRegion(track([[0, 0], [0, 0]]), {
      width: 100, height: 60, fps: 25, borders: NO_BORDERS, overlays: [{ x: 70, y: 50, width: 20, height: 10 }],
    });
    // Covered: x 1..98, y 1..58 (margin). Hole grown by 1: x 69..90, y 49..60. Best: everything above y 49.
    expect(r.coveredRect).toEqual({ x: 1, y: 1, width: 98, height: 58 });
    expect(r.region).toEqual({ x: 1, y: 1, width: 98, height: 48 });
  });

  test('refuses a track with no registered frame', () => {
    expect(() => analysedRegion(track(['dropped', 'dropped']), { width: 10, height: 10, fps: 25, borders: NO_BORDERS })).toThrow(RangeError);
  });
});

describe('coveredRect and largestFreeRectangle', () => {
  test('coveredRect of a single unshifted frame is the field less one margin pixel at integer bounds', () => {
    // Field x 2..46 and y 0..38 (pixel centres), one px per side lost to the margin.
    expect(coveredRect(50, 40, { left: 2, right: 3, top: 0, bottom: 1 }, 0, 0, 0, 0)).toEqual({ x: 3, y: 1, width: 43, height: 37 });
  });

  test('largestFreeRectangle matches brute force on random maps', () => {
    const r = rng(3);
    for (let trial = 0; trial < 40; trial++) {
      const w = 3 + Math.floor(r() * 14), h = 3 + Math.floor(r() * 12);
      const map = Uint8Array.from({ length: w * h }, () => (r() < 0.15 + 0.3 * (trial % 3) * 0.5 ? 1 : 0));
      const bounds = { x: 1, y: 1, width: w - 2, height: h - 2 };
      let best = 0;
      for (let y0 = bounds.y; y0 < bounds.y + bounds.height; y0++) {
        for (let x0 = bounds.x; x0 < bounds.x + bounds.width; x0++) {
          for (let y1 = y0; y1 < bounds.y + bounds.height; y1++) {
            for (let x1 = x0; x1 < bounds.x + bounds.width; x1++) {
              let free = true;
              for (let y = y0; y <= y1 && free; y++) for (let x = x0; x <= x1 && free; x++) free = map[y * w + x] === 0;
              if (free) best = Math.max(best, (x1 - x0 + 1) * (y1 - y0 + 1));
            }
          }
        }
      }
      const got = largestFreeRectangle(map, w, bounds);
      expect(got.width * got.height).toBe(best);
      for (let y = got.y; y < got.y + got.height; y++) for (let x = got.x; x < got.x + got.width; x++) expect(map[y * w + x]).toBe(0);
      expect(got.x).toBeGreaterThanOrEqual(bounds.x);
      expect(got.y + got.height).toBeLessThanOrEqual(bounds.y + bounds.height);
    }
  });
});

describe('ScreenMaskTracker', () => {
  const core = testBackend();
  const W = 64, H = 48;
  function frame(seed: number): Uint8Array {
    const r = rng(seed);
    const f = Uint8Array.from({ length: W * H }, () => 60 + Math.floor(r() * 150));
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (x < 4 || x >= W - 2 || y < 3) f[y * W + x] = 16 + (seed % 3); // borders: dark, a little noisy
        if (x >= 40 && x < 56 && y >= 36 && y < 44) f[y * W + x] = 16; // overlay box
        if (x >= 42 && x < 46 && y >= 38 && y < 42) f[y * W + x] = seed % 2 ? 235 : 16; // a changing digit inside it
        if (x >= 48 && x < 54 && (y === 38 || y === 41)) f[y * W + x] = 235; // a static glyph: drawn edges
      }
    }
    return f;
  }

  test('borders (dark in every frame) and the overlay box (static), the changing digit inside it', () => {
    const t = new ScreenMaskTracker(core, W, H);
    for (let k = 0; k < 6; k++) t.add(frame(k));
    const m = t.masks();
    expect(m.borders).toEqual({ left: 4, right: 2, top: 3, bottom: 0 });
    expect(m.overlays).toEqual([{ x: 34, y: 30, width: 28, height: 18 }]); // 40..55 × 36..43 grown by 6, clipped at the bottom (row 47)
  });

  test('a field that is static everywhere reports no overlay', () => {
    const t = new ScreenMaskTracker(core, W, H);
    const f = frame(1);
    for (let k = 0; k < 4; k++) t.add(f);
    expect(t.masks().overlays).toEqual([]);
  });
});

describe('DuplicateDetector', () => {
  const W = 80, H = 60;
  const stats = (f: Uint8Array) => testBackend().frameStats(f, W, H);

  test('exact and near copies are duplicates (chains point at the original); fresh noisy frames are not', () => {
    const r = rng(9);
    const a = Uint8Array.from({ length: W * H }, () => 50 + Math.floor(r() * 150));
    const noisy = (f: Uint8Array, amp: number) => Uint8Array.from(f, (v) => Math.max(0, Math.min(255, v + Math.round((r() * 2 - 1) * amp))));
    const d = new DuplicateDetector(W, H);
    const seq = [a, a.slice(), noisy(a, 0.6), noisy(a, 8), noisy(a, 8)];
    const out = seq.map((f, k) => d.check(k, f, stats(f)));
    // ±0.6 rounds to ±1 at most 10 % of pixels: a near copy. ±8 noise: fresh captures of a still scene.
    expect(out).toEqual([null, 0, 0, null, null]);
  });
});
