/**
 * spaceTimeSample (native/core/space_time.cpp): known values on tiny frames, and native vs
 * wasm BITWISE parity over random frames, paths, shifts and edge cases (the style of
 * parity.test.ts, in its own file so the flow stage's tests stay together).
 */
import { describe, expect, test } from 'vitest';
import { CoreError } from '../../src/backend/errors.js';
import type { CoreBackend } from '../../src/backend/types.js';
import { bothBackends, expectSameBytes, randomU8, rng } from './helpers.js';
import { onBoth as onBothBackends } from './helpers.js';

const { native, wasm } = bothBackends();
const backends: CoreBackend[] = native !== undefined ? [native, wasm] : [wasm];

function onBoth<T>(fn: (b: CoreBackend) => T): [T, T] | undefined {
  return onBothBackends(native!, wasm, fn, false);
}

const f64 = (...v: number[]): Float64Array => Float64Array.from(v);

describe.each(backends.map((b) => [b.name, b] as const))('spaceTimeSample on %s', (_name, be) => {
  // 4×3 frame, value = 10·x + y.
  const W = 4;
  const H = 3;
  const frame = Uint8Array.from({ length: W * H }, (_, i) => 10 * (i % W) + Math.floor(i / W));

  test('integer positions copy the pixel; half-pixel positions average neighbours (tolerance: exact)', () => {
    const r = be.spaceTimeSample(frame, W, H, 0, 0, f64(1, 1, 2.5, 1, 0, 1.5), f64(0, 1, 0, 1, 0, 1), f64(0, 0, 0), 0.5);
    expect(Array.from(r.values)).toEqual([11, 26, 1.5]);
    expect(Array.from(r.valid)).toEqual([1, 1, 1]);
  });

  test('the content shift moves the sample: reference P is read at P + (dx, dy) (exact)', () => {
    const r = be.spaceTimeSample(frame, W, H, 1, 1, f64(1, 0), f64(0, 1), f64(0), 0.5);
    expect(r.values[0]).toBe(21); // frame (2, 1)
  });

  test('across average along the normal, and samples leaving the frame are invalid (exact)', () => {
    // Normal (0, 1), half-width 1, step 1: rows 0, 1, 2 at x = 1 → (10 + 11 + 12) / 3.
    const r = be.spaceTimeSample(frame, W, H, 0, 0, f64(1, 1, 1, 0), f64(0, 1, 0, 1), f64(1, 1), 1);
    expect(r.values[0]).toBe(11);
    expect(r.valid[1]).toBe(0); // y = −1 leaves the frame
    expect(r.values[1]).toBe(0);
  });

  test('bad arguments are rejected with status codes', () => {
    expect(() => be.spaceTimeSample(frame, W, H, 0, 0, f64(1), f64(0, 1), f64(0), 0.5)).toThrow(CoreError);
    expect(() => be.spaceTimeSample(frame, W, H, Number.NaN, 0, f64(1, 1), f64(0, 1), f64(0), 0.5)).toThrow(CoreError);
    expect(() => be.spaceTimeSample(frame, W, H, 0, 0, f64(1, 1), f64(0, 1), f64(-1), 0.5)).toThrow(CoreError);
    expect(() => be.spaceTimeSample(frame, W, H, 0, 0, f64(1, 1), f64(0, 1), f64(0), 0)).toThrow(CoreError);
    expect(() => be.spaceTimeSample(frame, W, H, 0, 0, f64(Number.POSITIVE_INFINITY, 1), f64(0, 1), f64(0), 0.5)).toThrow(CoreError);
    const empty = be.spaceTimeSample(frame, W, H, 0, 0, f64(), f64(), f64(), 0.5);
    expect(empty.values.length).toBe(0);
  });
});

describe.skipIf(native === undefined)('spaceTimeSample: native vs wasm bitwise parity', () => {
  test('random frames, paths, normals, half-widths and shifts', () => {
    const sizes: [number, number][] = [[1, 1], [2, 3], [37, 23], [64, 64], [320, 256]];
    let seed = 900;
    for (const [w, h] of sizes) {
      const frame = randomU8(w * h, seed++);
      const r = rng(seed++);
      const m = 257;
      const pts = new Float64Array(2 * m);
      const nrm = new Float64Array(2 * m);
      const hw = new Float64Array(m);
      for (let i = 0; i < m; i++) {
        pts[2 * i] = -3 + (w + 6) * r();
        pts[2 * i + 1] = -3 + (h + 6) * r();
        const a = 2 * Math.PI * r();
        nrm[2 * i] = Math.cos(a);
        nrm[2 * i + 1] = Math.sin(a);
        hw[i] = i % 7 === 0 ? 0 : 6 * r();
      }
      for (const [dx, dy, step] of [[0, 0, 0.5], [0.37, -1.91, 0.5], [-12.5, 3.25, 0.3], [1e6, 0, 1]] as const) {
        const res = onBoth((b) => b.spaceTimeSample(frame, w, h, dx, dy, pts, nrm, hw, step));
        expect(res).toBeDefined();
        const [a, b] = res!;
        expectSameBytes(a.values, b.values, `values ${w}x${h} shift ${dx},${dy}`);
        expectSameBytes(a.valid, b.valid, `valid ${w}x${h}`);
      }
    }
  });

  test('errors are identical', () => {
    const f = new Uint8Array(6);
    const bad: ((b: CoreBackend) => unknown)[] = [
      (b) => b.spaceTimeSample(f, 3, 2, 0, 0, f64(1), f64(0, 1), f64(0), 0.5),
      (b) => b.spaceTimeSample(f, 3, 2, 0, 0, f64(1, 1), f64(0), f64(0), 0.5),
      (b) => b.spaceTimeSample(f, 3, 2, Number.NaN, 0, f64(1, 1), f64(0, 1), f64(0), 0.5),
      (b) => b.spaceTimeSample(f, 3, 2, 0, 2e9, f64(1, 1), f64(0, 1), f64(0), 0.5),
      (b) => b.spaceTimeSample(f, 3, 2, 0, 0, f64(1, 1), f64(0, 2), f64(0), 0.5),
      (b) => b.spaceTimeSample(f, 3, 2, 0, 0, f64(1, 1), f64(0, 1), f64(1001), 0.5),
      (b) => b.spaceTimeSample(f, 3, 2, 0, 0, f64(1, 1), f64(0, 1), f64(0), 0.01),
      (b) => b.spaceTimeSample(new Uint8Array(5), 3, 2, 0, 0, f64(1, 1), f64(0, 1), f64(0), 0.5),
      (b) => b.spaceTimeSample(f, 0, 2, 0, 0, f64(), f64(), f64(), 0.5),
    ];
    for (const fn of bad) expect(onBoth(fn)).toBeUndefined();
  });
});
