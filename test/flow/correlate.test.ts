import { describe, expect, it } from 'vitest';
import { peak, pooledNcc } from '../../src/flow/correlate.js';
import { CoreError } from '../../src/backend/errors.js';
import { eachBackend } from '../backend/helpers.js';

/**
 * The definition, one shift at a time (the TypeScript implementation before the sums moved
 * into the core, native/core/pooled_ncc.cpp): the core must give bitwise these values, since flow decisions compare them
 * against bars and native/wasm runs must stay identical to each other and to earlier runs.
 */
function pooledNccReference(pairs: [Float32Array, Float32Array][], sLo: number, sHi: number, minOverlap: number): Float64Array {
  const out = new Float64Array(Math.max(0, sHi - sLo + 1)).fill(Number.NaN);
  if (pairs.length === 0) return out;
  const L = pairs[0]![0].length;
  const sq = pairs.map(([a, b]) => {
    const pa = new Float64Array(L + 1);
    const pb = new Float64Array(L + 1);
    for (let i = 0; i < L; i++) {
      pa[i + 1] = pa[i]! + a[i]! * a[i]!;
      pb[i + 1] = pb[i]! + b[i]! * b[i]!;
    }
    return [pa, pb] as const;
  });
  for (let s = sLo; s <= sHi; s++) {
    const i0 = Math.max(0, -s);
    const i1 = Math.min(L, L - s);
    if (i1 - i0 < minOverlap) continue;
    let num = 0;
    let ea = 0;
    let eb = 0;
    for (let p = 0; p < pairs.length; p++) {
      const [a, b] = pairs[p]!;
      let acc = 0;
      for (let i = i0; i < i1; i++) acc += a[i]! * b[i + s]!;
      num += acc;
      const [pa, pb] = sq[p]!;
      ea += pa[i1]! - pa[i0]!;
      eb += pb[i1 + s]! - pb[i0 + s]!;
    }
    out[s - sLo] = ea > 0 && eb > 0 ? num / Math.sqrt(ea * eb) : 0;
  }
  return out;
}

function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32 - 0.5;
  };
}

function randomPairs(count: number, length: number, seed: number): [Float32Array, Float32Array][] {
  const r = lcg(seed);
  return Array.from({ length: count }, () => [Float32Array.from({ length }, r), Float32Array.from({ length }, r)]);
}

describe.each(eachBackend().map((b) => [b.name, b] as const))('%s backend: pooledNcc', (_name, core) => {
  it('equals the one-shift-at-a-time definition bitwise, over row lengths, shift ranges and overlaps', () => {
    const cases: [number, number, number, number, number][] = [
      // pairs, L, sLo, sHi, minOverlap
      [12, 200, -90, 90, 8],
      [3, 37, -40, 40, 5],
      [5, 64, -70, 70, 0],
      [4, 50, 7, 29, 6],
      [4, 50, -29, -7, 6],
      [2, 9, -9, 9, 1],
      [6, 120, -3, 3, 10],
      [1, 16, -16, 16, 16],
      [7, 300, 150, 170, 20],
      [3, 40, -60, -45, 1],
    ];
    for (const [count, L, sLo, sHi, minOverlap] of cases) {
      const pairs = randomPairs(count, L, count * 1000 + L);
      const got = pooledNcc(core, pairs, sLo, sHi, minOverlap);
      const want = pooledNccReference(pairs, sLo, sHi, minOverlap);
      expect(got.length).toBe(want.length);
      for (let i = 0; i < want.length; i++) expect(Object.is(got[i], want[i]), `L ${L} s ${sLo + i}: ${got[i]} vs ${want[i]}`).toBe(true);
    }
  });

  it('finds a known displacement in both directions, and NaN where the overlap is too short', () => {
    const r = lcg(7);
    const base = Float32Array.from({ length: 400 }, r);
    for (const d of [13, -21]) {
      const pairs: [Float32Array, Float32Array][] = [];
      for (let k = 0; k < 6; k++) {
        const a = base.subarray(100 + k * 10, 260 + k * 10);
        const b = base.subarray(100 + k * 10 - d, 260 + k * 10 - d);
        pairs.push([Float32Array.from(a), Float32Array.from(b)]);
      }
      const c = pooledNcc(core, pairs, -40, 40, 20);
      const pk = peak(c);
      expect(pk!.index - 40).toBe(d);
      expect(pk!.value).toBeCloseTo(1, 12);
    }
    const short = pooledNcc(core, randomPairs(2, 30, 3), -30, 30, 12);
    expect(Number.isNaN(short[0]!)).toBe(true); // s = −30: no overlap
    expect(Number.isNaN(short[30 - 19]!)).toBe(true); // s = −19: overlap 11 < 12
    expect(Number.isFinite(short[30 - 18]!)).toBe(true); // s = −18: overlap 12
    expect(Number.isFinite(short[30 + 18]!)).toBe(true);
    expect(Number.isNaN(short[30 + 19]!)).toBe(true);
  });

  it('the core refuses shifts without overlap, bad lengths and non-finite rows with a typed error', () => {
    const a = new Float32Array(20), b = new Float32Array(20);
    expect(() => core.pooledNcc(a, b, 2, 10, -10, 3)).toThrow(CoreError);
    expect(() => core.pooledNcc(a, b, 2, 10, 0, 10)).toThrow(CoreError);
    expect(() => core.pooledNcc(a, b.subarray(1), 2, 10, 0, 3)).toThrow(CoreError);
    expect(() => core.pooledNcc(a, b, 2, 10, 4, 3)).toThrow(CoreError);
    const bad = a.slice();
    bad[3] = Number.NaN;
    expect(() => core.pooledNcc(bad, b, 2, 10, 0, 3)).toThrow(CoreError);
    expect(Array.from(core.pooledNcc(a, b, 2, 10, -2, 2))).toEqual([0, 0, 0, 0, 0]);
  });
});
