/**
 * shiftAccumulate against answers known without the core: an integer shift copies the
 * frame exactly (and covers exactly the overlap), a half-pixel shift of a ramp gives the
 * exact mean of two neighbours, the sign convention matches phaseCorrelate, and coverage
 * counts only what the shifted frame sees. Runs on every backend (parity.test.ts checks
 * they agree bit for bit).
 */
import { describe, expect, test } from 'vitest';
import { CoreArgumentError, CoreError } from '../../src/backend/errors.js';
import { eachBackend, randomU8, texture } from './helpers.js';

describe.each(eachBackend().map((b) => [b.name, b] as const))('%s backend: shiftAccumulate', (_name, be) => {
  const w = 37, h = 23;

  test('zero shift adds the frame and counts every pixel once', () => {
    const f = randomU8(w * h, 1);
    const acc = new Float64Array(w * h).fill(0.5);
    const count = new Uint32Array(w * h).fill(2);
    be.shiftAccumulate(acc, count, f, w, h, 0, 0);
    for (let i = 0; i < f.length; i++) {
      expect(acc[i]).toBe(0.5 + f[i]!);
      expect(count[i]).toBe(3);
    }
  });

  test('an integer shift is an exact copy of the overlap, nothing elsewhere', () => {
    const f = randomU8(w * h, 2);
    for (const [dx, dy] of [[3, -2], [-5, 4], [0, 7], [-1, 0], [36, 22], [-36, -22]] as const) {
      const acc = new Float64Array(w * h);
      const count = new Uint32Array(w * h);
      be.shiftAccumulate(acc, count, f, w, h, dx, dy);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const sx = x + dx, sy = y + dy; // the reference point (x, y) sits at (x+dx, y+dy) in the frame
          const inside = sx >= 0 && sx < w && sy >= 0 && sy < h;
          expect(count[y * w + x], `(${dx},${dy}) count at ${x},${y}`).toBe(inside ? 1 : 0);
          expect(acc[y * w + x], `(${dx},${dy}) value at ${x},${y}`).toBe(inside ? f[sy * w + sx]! : 0);
        }
      }
    }
  });

  test('a half-pixel shift of a ramp gives the exact mean of the two neighbours', () => {
    const ramp = Uint8Array.from({ length: w * h }, (_, i) => (i % w) * 5 + Math.floor(i / w));
    for (const [dx, dy] of [[0.5, 0], [-0.5, 0], [0, 0.5], [2.5, -1.5]] as const) {
      const acc = new Float64Array(w * h);
      const count = new Uint32Array(w * h);
      be.shiftAccumulate(acc, count, ramp, w, h, dx, dy);
      let covered = 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const sx = x + dx, sy = y + dy;
          const inside = sx >= 0 && sx <= w - 1 && sy >= 0 && sy <= h - 1;
          expect(count[y * w + x]).toBe(inside ? 1 : 0);
          if (!inside) continue;
          covered++;
          // A ramp is linear: bilinear interpolation of it is exact, = value at (sx, sy).
          expect(acc[y * w + x], `(${dx},${dy}) at ${x},${y}`).toBe(sx * 5 + sy);
        }
      }
      expect(covered).toBe((w - Math.ceil(Math.abs(dx))) * (h - Math.ceil(Math.abs(dy))));
    }
  });

  test('bilinear weights at a quarter pixel: exact on 2×2 of a checker', () => {
    // frame 0,100 / 40,200: at (0.25, 0.75) the value is the bilinear blend.
    const f = Uint8Array.of(0, 100, 40, 200);
    const acc = new Float64Array(4);
    const count = new Uint32Array(4);
    be.shiftAccumulate(acc, count, f, 2, 2, 0.25, 0.75);
    expect(Array.from(count)).toEqual([1, 0, 0, 0]);
    const top = 0.75 * 0 + 0.25 * 100, bottom = 0.75 * 40 + 0.25 * 200;
    expect(acc[0]).toBe(0.25 * top + 0.75 * bottom);
  });

  test('sign convention matches phaseCorrelate: undoing the measured shift re-aligns the frame', () => {
    const W = 96, H = 80;
    const ref = texture(W, H, 0, 0, 5);
    const moved = texture(W, H, 4, -3, 5); // content moved 4 right, 3 up
    const r = be.phaseCorrelate(ref, moved, W, H);
    expect(Math.round(r.dx)).toBe(4);
    expect(Math.round(r.dy)).toBe(-3);
    const u8 = Uint8Array.from(moved, (v) => Math.round(0.4 * v + 80)); // texture spans about −110…280
    const acc = new Float64Array(W * H);
    const count = new Uint32Array(W * H);
    be.shiftAccumulate(acc, count, u8, W, H, 4, -3);
    let err = 0, n = 0;
    for (let y = 10; y < H - 10; y++) {
      for (let x = 10; x < W - 10; x++) {
        expect(count[y * W + x]).toBe(1);
        err += Math.abs(acc[y * W + x]! - (0.4 * ref[y * W + x]! + 80));
        n++;
      }
    }
    expect(err / n).toBeLessThan(0.3); // rounding to u8 only (mean 0.25)
  });

  test('a shift beyond the frame covers nothing; invalid shifts are refused', () => {
    const f = randomU8(w * h, 3);
    const acc = new Float64Array(w * h);
    const count = new Uint32Array(w * h);
    be.shiftAccumulate(acc, count, f, w, h, 1e6, -3.5);
    expect(count.every((c) => c === 0)).toBe(true);
    expect(acc.every((v) => v === 0)).toBe(true);
    for (const bad of [NaN, Infinity, -Infinity, 2 ** 31]) {
      expect(() => be.shiftAccumulate(acc, count, f, w, h, bad, 0)).toThrow(CoreError);
      expect(() => be.shiftAccumulate(acc, count, f, w, h, 0, bad)).toThrow(CoreError);
    }
    expect(() => be.shiftAccumulate(acc, new Uint32Array(3), f, w, h, 0, 0)).toThrow(CoreError);
    expect(() => be.shiftAccumulate(acc, new Uint16Array(w * h) as unknown as Uint32Array, f, w, h, 0, 0)).toThrow(CoreArgumentError);
  });
});
