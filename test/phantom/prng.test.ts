/** The phantom's own random numbers and deterministic elementary functions. */
import { describe, expect, it } from 'vitest';
import { dcos, dexp, dlog, dsin } from '../../src/phantom/dmath.js';
import { Rng } from '../../src/phantom/prng.js';

describe('phantom prng and dmath', () => {
  it('gives the same sequence for the same seed, another for another seed, independent forks', () => {
    const a = new Rng(1234);
    const b = new Rng(1234);
    const c = new Rng(1235);
    const sa = Array.from({ length: 50 }, () => a.nextU32());
    expect(Array.from({ length: 50 }, () => b.nextU32())).toEqual(sa);
    expect(Array.from({ length: 50 }, () => c.nextU32())).not.toEqual(sa);
    // Golden values: xoshiro128** seeded through splitmix32 must not change across platforms.
    const r = new Rng(42);
    expect([r.nextU32(), r.nextU32(), r.nextU32()]).toEqual([2837322924, 544945897, 479756282]);
    expect(new Rng(42).fork('a').nextU32()).toBe(new Rng(42).fork('a').nextU32());
    expect(new Rng(42).fork('a').nextU32()).not.toBe(new Rng(42).fork('b').nextU32());
  });

  it('draws uniform, normal and exponential deviates with the right moments', () => {
    const r = new Rng(7);
    const n = 100_000;
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    let se = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      su += u;
      const z = r.normal();
      sn += z;
      sn2 += z * z;
      se += r.exponential(3);
    }
    expect(su / n).toBeCloseTo(0.5, 2);
    expect(sn / n).toBeCloseTo(0, 1);
    expect(sn2 / n).toBeCloseTo(1, 1);
    expect(se / n).toBeGreaterThan(2.9);
    expect(se / n).toBeLessThan(3.1);
  });

  it('computes sin, cos, exp, log to ~1e-15 with basic arithmetic only', () => {
    for (let i = -2000; i <= 2000; i++) {
      const x = i / 37;
      expect(Math.abs(dsin(x) - Math.sin(x))).toBeLessThan(1e-14);
      expect(Math.abs(dcos(x) - Math.cos(x))).toBeLessThan(1e-14);
      const y = i / 20;
      expect(Math.abs(dexp(y) / Math.exp(y) - 1)).toBeLessThan(1e-14);
      const z = (i + 2001) / 97;
      expect(Math.abs(dlog(z) - Math.log(z))).toBeLessThan(1e-14);
    }
    expect(dexp(-800)).toBe(0);
    expect(dlog(0)).toBe(-Infinity);
  });
});
