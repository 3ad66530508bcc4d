/**
 * native/core/detmath.h: the core's own exp/log/sin/cos/atan2, used wherever a result
 * feeds a decision. They must be identical on both backends (parity.test.ts) and close to
 * the true values: here, within a few ulp of V8's Math (fdlibm, itself <= 1 ulp).
 */
import { describe, expect, test } from 'vitest';
import { eachBackend, rng } from './helpers.js';

function ulpDiff(a: number, b: number): number {
  if (Number.isNaN(a) && Number.isNaN(b)) return 0;
  if (a === b) return 0;
  const buf = new DataView(new ArrayBuffer(16));
  buf.setFloat64(0, a);
  buf.setFloat64(8, b);
  const ia = buf.getBigInt64(0), ib = buf.getBigInt64(8);
  // Map sign-magnitude to a monotonic integer line.
  const key = (i: bigint): bigint => (i < 0n ? -(i & 0x7fffffffffffffffn) : i);
  const d = key(ia) - key(ib);
  return Number(d < 0n ? -d : d);
}

const FNS: [number, string, (x: number, y: number) => number, () => [number, number]][] = (() => {
  const r = rng(77);
  return [
    [1, 'exp', (x) => Math.exp(x), () => [(r() * 2 - 1) * 700, 0]],
    [2, 'log', (x) => Math.log(x), () => [Math.exp((r() * 2 - 1) * 700), 0]],
    [3, 'sin', (x) => Math.sin(x), () => [(r() * 2 - 1) * 1000, 0]],
    [4, 'cos', (x) => Math.cos(x), () => [(r() * 2 - 1) * 1000, 0]],
    [5, 'atan2', (y, x) => Math.atan2(y, x), () => [(r() * 2 - 1) * 10, (r() * 2 - 1) * 10]],
    [6, 'sqrt', (x) => Math.sqrt(x), () => [r() * 1e6, 0]],
  ];
})();

describe.each(eachBackend().map((b) => [b.name, b] as const))('detmath on %s', (_n, be) => {
  test.each(FNS)('fn %i (%s) within 3 ulp of Math', (fn, _name, ref, gen) => {
    const n = 50_000;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) [x[i], y[i]] = gen();
    const out = be.detmathEval(fn, x, y);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, ulpDiff(out[i]!, ref(x[i]!, y[i]!)));
    expect(worst).toBeLessThanOrEqual(fn === 6 ? 0 : 3); // sqrt is correctly rounded
  });

  test('special values', () => {
    const ev = (fn: number, xs: number[], ys?: number[]): number[] =>
      Array.from(be.detmathEval(fn, Float64Array.from(xs), ys ? Float64Array.from(ys) : undefined));
    expect(ev(1, [0, -Infinity, Infinity, NaN, -746, 710])).toEqual([1, 0, Infinity, NaN, 0, Infinity]);
    expect(ev(2, [1, 0, -1, Infinity, 5e-324])).toEqual([0, -Infinity, NaN, Infinity, Math.log(5e-324)]);
    expect(Object.is(ev(3, [-0])[0], -0)).toBe(true);
    expect(ev(3, [Infinity, NaN, 1e10])).toEqual([NaN, NaN, NaN]); // domain |x| <= 1e9, documented
    expect(ev(4, [0])).toEqual([1]);
    const ys = [0, -0, 0, -0, 1, -1, Infinity, -Infinity];
    const xs = [0, 0, -0, -0, 0, 0, Infinity, -Infinity];
    expect(ev(5, ys, xs)).toEqual(ys.map((y, i) => Math.atan2(y, xs[i]!)));
  });
});
