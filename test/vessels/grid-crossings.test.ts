/**
 * De Backer grid crossings in the core (grid_crossings.cpp), on both backends: hand cases,
 * the hysteresis band (a centerline wiggling along a line counts once), agreement with the
 * independent TypeScript count (src/metrics/region.ts, which the phantom truth uses) at
 * band 0 on random polylines, bitwise parity, and clear errors for bad input.
 * Also the temporal-moment accumulator the evidence image uses (shift_accumulate.cpp).
 */
import { describe, expect, it } from 'vitest';
import { polylineGridCrossings } from '../../src/metrics/region.js';
import type { PointPx } from '../../src/metrics/types.js';
import { bothBackends, expectSameBytes, randomU8, rng } from '../backend/helpers.js';

const { native, wasm } = bothBackends();
const backends = [native!, wasm];
const xy = (pts: PointPx[]): Float64Array => Float64Array.from(pts.flat());
const region = { x: 10, y: 20, width: 200, height: 100 }; // lines: y 45, 70, 95; x 60, 110, 160

describe.each(backends.map((b) => [b.name, b] as const))('gridCrossings (%s)', (_name, core) => {
  const count = (pts: PointPx[], band = 0): number[] => Array.from(core.gridCrossings(xy(pts), region.x, region.y, region.width, region.height, band));

  it('counts a diagonal across the whole region once on every line', () => {
    expect(count([[10, 20], [210, 120]])).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('ignores crossings outside the line extent and a polyline between the lines', () => {
    expect(count([[0, 30], [5, 110]])).toEqual([0, 0, 0, 0, 0, 0]); // left of the region
    expect(count([[65, 50], [100, 65]])).toEqual([0, 0, 0, 0, 0, 0]); // inside one grid cell
    expect(count([[50, 30], [70, 30]])).toEqual([0, 0, 0, 1, 0, 0]); // crosses x = 60 only
  });

  it('counts a wiggle along a line every time at band 0, once with the band', () => {
    const wiggle: PointPx[] = [[20, 60]];
    for (let x = 25; x <= 200; x += 5) wiggle.push([x, x % 10 === 0 ? 70.4 : 69.6]);
    wiggle.push([200, 80]);
    const plain = count(wiggle, 0);
    expect(plain[1]).toBeGreaterThan(10);
    expect(count(wiggle, 1)[1]).toBe(1);
  });

  it('with the band, a path split at a vertex near a line counts the crossing once over its pieces (ends take their plain side)', () => {
    // A vessel crossing y = 70, split at a junction 0.4 px below or above the line: each piece
    // ends inside the band. Whole, the pieces together, and either split point: 1.
    for (const jy of [69.6, 70.4, 70]) {
      const a: PointPx[] = [[40, 50], [45, 60], [50, jy]];
      const b: PointPx[] = [[50, jy], [55, 80], [58, 90]];
      const whole = count([...a, ...b.slice(1)], 1)[1]!;
      expect(whole).toBe(1);
      expect(count(a, 1)[1]! + count(b, 1)[1]!, `junction at y ${jy}`).toBe(1);
    }
    // A path that only touches the band and leaves on the side it came from: 0.
    expect(count([[40, 60], [45, 69.5], [50, 60]], 1)[1]).toBe(0);
    // One that starts on the line and leaves: its start takes the plain side (y ≥ 70: below).
    expect(count([[40, 70], [45, 90]], 1)[1]).toBe(0);
    expect(count([[40, 69.9], [45, 90]], 1)[1]).toBe(1);
  });

  it('equals the TypeScript count at band 0 on random polylines', () => {
    const r = rng(5);
    for (let t = 0; t < 200; t++) {
      const pts: PointPx[] = [];
      const n = 2 + Math.floor(r() * 30);
      for (let k = 0; k < n; k++) pts.push([r() * 240 - 10, r() * 140]);
      expect(count(pts, 0)).toEqual(polylineGridCrossings(pts, region));
    }
  });

  it('rejects bad input with a clear error', () => {
    expect(() => core.gridCrossings(new Float64Array(3), 0, 0, 10, 10, 0)).toThrow(/even/);
    expect(() => core.gridCrossings(new Float64Array(4), 0, 0, 0, 10, 0)).toThrow(/positive size/);
    expect(() => core.gridCrossings(new Float64Array(4), 0, 0, 10, 10, -1)).toThrow(/bandPx/);
    expect(() => core.gridCrossings(Float64Array.from([0, 0, NaN, 1]), 0, 0, 10, 10, 0)).toThrow();
  });
});

describe('core parity: gridCrossings and shiftAccumulateMoments', () => {
  it('gridCrossings is bitwise identical on native and wasm', () => {
    const r = rng(9);
    for (let t = 0; t < 50; t++) {
      const pts = Float64Array.from({ length: 2 * (2 + Math.floor(r() * 40)) }, () => r() * 250 - 20);
      const band = [0, 0.5, 1, 2.5][t % 4]!;
      expectSameBytes(native!.gridCrossings(pts, 10.5, 20.25, 200, 100, band), wasm.gridCrossings(pts, 10.5, 20.25, 200, 100, band), `case ${t}`);
    }
  });

  it('shiftAccumulateMoments: its plain sum and count are shiftAccumulate\'s, with gain 1 its moment sum is that sum, squares are the squares, and both backends agree bitwise', () => {
    const w = 37, h = 23;
    const frames = [1, 2, 3].map((s) => randomU8(w * h, s));
    const shifts: [number, number][] = [[0, 0], [0.25, -1.5], [-2.75, 0.5]];
    const out = backends.map((core) => {
      const acc = new Float64Array(w * h), cnt = new Uint32Array(w * h);
      const a2 = new Float64Array(w * h), m = new Float64Array(w * h), sq = new Float64Array(w * h), c2 = new Uint32Array(w * h);
      const a3 = new Float64Array(w * h), m3 = new Float64Array(w * h), sq3 = new Float64Array(w * h), c3 = new Uint32Array(w * h);
      frames.forEach((f, i) => {
        core.shiftAccumulate(acc, cnt, f, w, h, shifts[i]![0], shifts[i]![1]);
        core.shiftAccumulateMoments(a2, m, sq, c2, f, w, h, shifts[i]![0], shifts[i]![1], 1);
        core.shiftAccumulateMoments(a3, m3, sq3, c3, f, w, h, shifts[i]![0], shifts[i]![1], 0.37);
      });
      return { acc, cnt, a2, m, sq, c2, a3, m3, sq3 };
    });
    for (const o of out) {
      expectSameBytes(o.a2, o.acc, 'plain sum');
      expectSameBytes(o.c2, o.cnt, 'count');
      expectSameBytes(o.m, o.acc, 'moment sum at gain 1');
      expectSameBytes(o.a3, o.acc, 'plain sum does not take the gain');
      for (let i = 0; i < w * h; i++) expect(Math.abs(o.m3[i]! - 0.37 * o.acc[i]!)).toBeLessThanOrEqual(1e-12 * Math.abs(o.acc[i]!));
    }
    // Integer shift, one frame: squares are exact.
    const a = new Float64Array(w * h), m = new Float64Array(w * h), sq = new Float64Array(w * h), mc = new Uint32Array(w * h);
    wasm.shiftAccumulateMoments(a, m, sq, mc, frames[0]!, w, h, 0, 0, 0.5);
    for (let i = 0; i < w * h; i++) {
      expect(a[i]).toBe(frames[0]![i]!);
      expect(m[i]).toBe(0.5 * frames[0]![i]!);
      expect(sq[i]).toBe((0.5 * frames[0]![i]!) ** 2);
    }
    for (const k of ['a2', 'm', 'sq', 'a3', 'm3', 'sq3'] as const) expectSameBytes(out[0]![k], out[1]![k], `${k} native vs wasm`);
    expect(() => wasm.shiftAccumulateMoments(a, m, sq, mc, frames[0]!, w, h, 0, 0, 0)).toThrow();
    expect(() => native!.shiftAccumulateMoments(a, m, sq.subarray(1), mc, frames[0]!, w, h, 0, 0, 1)).toThrow();
  });

});
