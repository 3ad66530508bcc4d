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

  test('a cap on the taps a side spreads them over the same band (exact)', () => {
    // Normal (1, 0) at (1.5, 1), hw 1, step 0.5: five taps at x = 0.5 … 2.5; with cap 1, three
    // at 0.5, 1.5, 2.5 (hw / 1 apart). The frame is 10·x + 1 along y = 1.
    const capped = be.spaceTimeSample(frame, W, H, 0, 0, f64(1.5, 1), f64(1, 0), f64(1), 0.5, 1);
    expect(capped.valid[0]).toBe(1);
    expect(capped.values[0]).toBe((6 + 16 + 26) / 3);
    const uncapped = be.spaceTimeSample(frame, W, H, 0, 0, f64(1.5, 1), f64(1, 0), f64(1), 0.5);
    expect(uncapped.values[0]).toBeCloseTo(16, 12);
    // The capped taps reach ±hw, the uncapped ±K·step: at x = 2 with hw 1.2 (K = 2), the
    // uncapped taps 1 … 3 stay inside the 4-px-wide frame, the capped ones (0.8, 2, 3.2) do not.
    expect(be.spaceTimeSample(frame, W, H, 0, 0, f64(2, 1), f64(1, 0), f64(1.2), 0.5).valid[0]).toBe(1);
    expect(be.spaceTimeSample(frame, W, H, 0, 0, f64(2, 1), f64(1, 0), f64(1.2), 0.5, 1).valid[0]).toBe(0);
    // K below the cap: the cap changes nothing.
    const under = be.spaceTimeSample(frame, W, H, 0, 0, f64(1.5, 1), f64(1, 0), f64(1), 0.5, 8);
    expectSameBytes(under.values, uncapped.values, 'cap above K');
    expect(() => be.spaceTimeSample(frame, W, H, 0, 0, f64(1.5, 1), f64(1, 0), f64(1), 0.5, -1)).toThrow();
    expect(() => be.spaceTimeSample(frame, W, H, 0, 0, f64(1.5, 1), f64(1, 0), f64(1), 0.5, 1.5)).toThrow();
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
      for (const [dx, dy, step, cap] of [[0, 0, 0.5, 0], [0.37, -1.91, 0.5, 4], [-12.5, 3.25, 0.3, 2], [1e6, 0, 1, 0]] as const) {
        const res = onBoth((b) => b.spaceTimeSample(frame, w, h, dx, dy, pts, nrm, hw, step, cap));
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

/**
 * spaceTimeEncode against the TypeScript encoding it replaced (the measurer's pairing and
 * RowStore.push, both removed): per sample the row ((l + r) / 2)·k and the noise reference
 * (l − r)·k, each as a Float32Array element, then its code (× SAMPLE_SCALE, Math.round, clamp
 * ±MAX_CODE, NaN → −MAX_CODE − 1).
 */
describe('spaceTimeEncode: the flow stage\'s 16-bit row codes', () => {
  const SCALE = 32;
  const MAX = 32767;
  const code = (v: number): number => (Number.isNaN(v) ? -MAX - 1 : Math.max(-MAX, Math.min(MAX, Math.round(Math.fround(v) * SCALE))));
  const reference = (values: Float32Array, valid: Uint8Array, counts: number[], k: number): [Int16Array, Int16Array] => {
    const total = counts.reduce((a, b) => a + b, 0);
    const rows = new Int16Array(total), diffs = new Int16Array(total);
    let off = 0, at = 0;
    for (const n of counts) {
      for (let i = 0; i < n; i++) {
        const l = off + i, r = off + n + i;
        const ok = valid[l] && valid[r];
        rows[at + i] = code(ok ? ((values[l]! + values[r]!) / 2) * k : Number.NaN);
        diffs[at + i] = code(ok ? (values[l]! - values[r]!) * k : Number.NaN);
      }
      off += 2 * n;
      at += n;
    }
    return [rows, diffs];
  };

  test.each(backends.map((b) => [b.name, b] as const))('%s: equals the TypeScript encoding bit for bit (random rows, halves, clamping, invalid samples)', (_n, be) => {
    const r = rng(77);
    const counts = [0, 1, 17, 5, 240, 3];
    const total = counts.reduce((a, b) => a + b, 0);
    const values = Float32Array.from({ length: 2 * total }, () => r() * 255);
    const valid = Uint8Array.from({ length: 2 * total }, () => (r() < 0.9 ? 1 : 0));
    // Values past the clamp at the larger gains.
    values.set([2000, 0, 0, 2000], 2);
    for (const k of [100 / 97.3, 1, 1.7e-3 ** -1, 3.1e-7]) {
      const got = be.spaceTimeEncode(values, valid, Uint32Array.from(counts), k, SCALE, MAX);
      const [rows, diffs] = reference(values, valid, counts, k);
      expectSameBytes(got.rows, rows, `rows k ${k}`);
      expectSameBytes(got.diffs, diffs, `diffs k ${k}`);
    }
    // Exact halves after × 32, where Math.round goes up: row 1/64 → 0.5 → 1, diff −1/64 → −0.5 → 0, row 5/64 → 2.5 → 3.
    const halves = Float32Array.from([1 / 32, 0, 5 / 64, 0, 1 / 64, 5 / 64]);
    const hv = be.spaceTimeEncode(halves, new Uint8Array(6).fill(1), Uint32Array.of(3), 1, SCALE, MAX);
    expect(Array.from(hv.rows)).toEqual([1, 0, 3]);
    expect(Array.from(hv.diffs)).toEqual([1, 0, 0]);
    expect(Array.from(hv.rows)).toEqual(Array.from(reference(halves, new Uint8Array(6).fill(1), [3], 1)[0]));
    expect(() => be.spaceTimeEncode(values.subarray(1), valid, Uint32Array.from(counts), 1, SCALE, MAX)).toThrow(CoreError);
    expect(() => be.spaceTimeEncode(values, valid, Uint32Array.from(counts), 0, SCALE, MAX)).toThrow(CoreError);
    const nan = values.slice();
    nan[3] = Number.NaN;
    expect(() => be.spaceTimeEncode(nan, valid, Uint32Array.from(counts), 1, SCALE, MAX)).toThrow(CoreError);
  });
});
