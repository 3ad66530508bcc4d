/**
 * Native and wasm must give BITWISE-identical results: every entry point runs on both
 * backends over seeded random inputs, odd sizes and edge cases, and the outputs are
 * compared byte for byte (typed arrays as bytes, scalars as float64 bit patterns). Any
 * change to one backend's arithmetic — a compiler flag, FMA contraction, a libm call,
 * a different summation order — fails here.
 */
import { describe, expect, test } from 'vitest';
import { CoreError } from '../../src/backend/errors.js';
import type { CoreBackend } from '../../src/backend/types.js';
import { bothBackends, expectSameBytes, f64Bits, randomF32, randomU8, rng, texture } from './helpers.js';
import { onBoth as onBothBackends } from './helpers.js';

const { native, wasm } = bothBackends();
const SIZES: [number, number][] = [
  [1, 1], [2, 3], [3, 1], [1, 17], [37, 23], [64, 64], [33, 65], [720, 576],
];

function sameScalar(a: number, b: number, label: string): void {
  expect(f64Bits(b), label).toBe(f64Bits(a));
}

/** Runs fn on both backends; if either throws, both must throw the same CoreError status. */
function onBoth<T>(fn: (b: CoreBackend) => T): [T, T] | undefined {
  return onBothBackends(native!, wasm, fn, true);
}

describe.skipIf(native === undefined)('native vs wasm: bitwise parity', () => {
  test('both report the same core version', () => {
    expect(wasm.coreVersion).toBe(native!.coreVersion);
  });

  test('frameStats', () => {
    let seed = 1;
    for (const [w, h] of SIZES) {
      const n = w * h;
      const frames = [
        randomU8(n, seed++),
        new Uint8Array(n), // all black
        new Uint8Array(n).fill(255),
        Uint8Array.from({ length: n }, (_, i) => (i * 7) & 255), // ramp
        Uint8Array.from(randomU8(n, seed++), (v) => (v < 128 ? 3 : 250)), // bimodal
      ];
      for (const f of frames) {
        const [a, b] = onBoth((be) => be.frameStats(f, w, h))!;
        const label = `frameStats ${w}x${h}`;
        sameScalar(a.mean, b.mean, `${label} mean`);
        sameScalar(a.sd, b.sd, `${label} sd`);
        expect(b.min).toBe(a.min);
        expect(b.max).toBe(a.max);
        expectSameBytes(a.histogram, b.histogram, `${label} histogram`);
      }
    }
  });

  test('gaussianBlur', () => {
    let seed = 100;
    const sigmas = [0, -1, 0.1, 0.5, 1, 1.7, 2.5, 4, 9.3];
    for (const [w, h] of SIZES) {
      const n = w * h;
      const inputs = [
        randomF32(n, seed++),
        randomF32(n, seed++, -1e6, 1e6),
        randomF32(n, seed++, -1e-38, 1e-38), // subnormals: no flush-to-zero on either side
        texture(w, h, 0, 0, seed++),
      ];
      for (const src of inputs) {
        for (const s of w * h > 100_000 ? [0.5, 2.5] : sigmas) {
          const [a, b] = onBoth((be) => be.gaussianBlur(src, w, h, s))!;
          expectSameBytes(a, b, `gaussianBlur ${w}x${h} sigma ${s}`);
        }
      }
    }
  });

  test('gaussianBlur with sigma far larger than the image', () => {
    const src = randomF32(37 * 23, 9);
    const [a, b] = onBoth((be) => be.gaussianBlur(src, 37, 23, 40))!;
    expectSameBytes(a, b, 'gaussianBlur sigma 40 on 37x23');
  });

  test('accumulateFrame', () => {
    let seed = 200;
    for (const [w, h] of SIZES) {
      const n = w * h;
      const r = rng(seed++);
      const start = Float64Array.from({ length: n }, () => r() * 1e6 - 5e5); // non-integers too
      const accN = start.slice();
      const accW = start.slice();
      for (let k = 0; k < 3; k++) {
        const f = randomU8(n, seed++);
        native!.accumulateFrame(accN, f, w, h);
        wasm.accumulateFrame(accW, f, w, h);
      }
      expectSameBytes(accN, accW, `accumulateFrame ${w}x${h}`);
    }
  });

  test('phaseCorrelate', () => {
    const cases: [number, number, number, number][] = [
      [37, 23, 1, 2], [64, 64, 3, -5], [64, 64, 1.5, 0.25], [33, 65, -2.25, 4.5], [1, 1, 0, 0],
      [2, 3, 0, 0], [1, 17, 0, 1], [128, 96, 0.3, -0.7], [720, 576, 10.3, -4.6],
    ];
    let seed = 300;
    for (const [w, h, dx, dy] of cases) {
      const ref = texture(w, h, 0, 0, seed);
      const pairs: [Float32Array, Float32Array][] = [
        [ref, texture(w, h, dx, dy, seed)],
        [randomF32(w * h, seed + 1), randomF32(w * h, seed + 2)], // unrelated noise
        [new Float32Array(w * h).fill(5), new Float32Array(w * h).fill(5)], // flat: no peak
      ];
      seed += 3;
      for (const [a, m] of pairs) {
        const [rn, rw] = onBoth((be) => be.phaseCorrelate(a, m, w, h))!;
        const label = `phaseCorrelate ${w}x${h} (${dx}, ${dy})`;
        sameScalar(rn.dx, rw.dx, `${label} dx`);
        sameScalar(rn.dy, rw.dy, `${label} dy`);
        sameScalar(rn.peak, rw.peak, `${label} peak`);
        // The two-step form: the same spectrum on both backends, and the same bits as the one-step call.
        const [sn, sw] = onBoth((be) => be.phaseReference(a, w, h))!;
        expectSameBytes(sn.spectrum, sw.spectrum, `${label} reference spectrum`);
        const [pn, pw] = onBoth((be) => be.phaseCorrelateReference(be.phaseReference(a, w, h), m))!;
        for (const k of ['dx', 'dy', 'peak'] as const) {
          sameScalar(pn[k], rn[k], `${label} ${k}: two steps (native) vs one`);
          sameScalar(pw[k], rn[k], `${label} ${k}: two steps (wasm) vs one`);
        }
      }
    }
  });

  test('detmath (exp, log, sin, cos, atan2, sqrt) over wide ranges and special values', () => {
    const r = rng(400);
    const specials = [0, -0, 1, -1, 0.5, 1e-310, -1e-310, 5e-324, 1e308, -1e308, Infinity, -Infinity, NaN, 709.78, -745.13, Math.PI, 1e9, -1e9, 1e10];
    const x = Float64Array.from([...specials, ...Array.from({ length: 20000 }, (_, i) => (r() * 2 - 1) * 10 ** ((i % 12) - 4))]);
    const y = Float64Array.from(x, (_, i) => (r() * 2 - 1) * 10 ** ((i % 7) - 3)).map((v, i) => (i < specials.length ? specials[specials.length - 1 - i]! : v));
    for (const fn of [1, 2, 3, 4, 5, 6]) {
      const a = native!.detmathEval(fn, x, y);
      const b = wasm.detmathEval(fn, x, y);
      expectSameBytes(a, b, `detmath fn ${fn}`);
    }
  });

  test('errors are identical too', () => {
    const f = new Uint8Array(10);
    expect(onBoth((b) => b.frameStats(f, 3, 3))).toBeUndefined();
    expect(onBoth((b) => b.frameStats(new Uint8Array(0), 0, 5))).toBeUndefined();
    expect(onBoth((b) => b.gaussianBlur(new Float32Array(4), 2, 2, NaN))).toBeUndefined();
    expect(onBoth((b) => b.gaussianBlur(Float32Array.of(1, NaN, 2, 3), 2, 2, 1))).toBeUndefined();
    expect(onBoth((b) => b.phaseCorrelate(new Float32Array(4), new Float32Array(5), 2, 2))).toBeUndefined();
    expect(onBoth((b) => b.phaseCorrelateReference({ width: 2, height: 2, spectrum: new Float64Array(3) }, new Float32Array(4)))).toBeUndefined();
    expect(onBoth((b) => b.accumulateFrame(new Float64Array(0), new Uint8Array(0), 1, 1))).toBeUndefined();
  });
});

describe.skipIf(native === undefined)('native vs wasm: bitwise parity of shiftAccumulate', () => {
  test('shiftAccumulate: sub-pixel, integer, negative, out-of-frame shifts and errors', () => {
    const shifts: [number, number][] = [
      [0, 0], [0.5, 0], [-0.5, 0.5], [1.25, -3.75], [-7.3, 2.9], [3, -2], [1 / 3, -2 / 3], [1e-9, -1e-12], [40, 0], [-1e5, 3],
    ];
    let seed = 500;
    for (const [w, h] of SIZES) {
      const n = w * h;
      const r = rng(seed++);
      const startAcc = Float64Array.from({ length: n }, () => r() * 1e4 - 5e3);
      const startCount = Uint32Array.from({ length: n }, () => Math.floor(r() * 1000));
      const accN = startAcc.slice(), accW = startAcc.slice();
      const cntN = startCount.slice(), cntW = startCount.slice();
      for (const [dx, dy] of w * h > 100_000 ? shifts.slice(0, 5) : shifts) {
        const f = randomU8(n, seed++);
        native!.shiftAccumulate(accN, cntN, f, w, h, dx, dy);
        wasm.shiftAccumulate(accW, cntW, f, w, h, dx, dy);
        expectSameBytes(accN, accW, `shiftAccumulate acc ${w}x${h} (${dx}, ${dy})`);
        expectSameBytes(cntN, cntW, `shiftAccumulate count ${w}x${h} (${dx}, ${dy})`);
      }
    }
    const f = new Uint8Array(6);
    expect(onBoth((b) => b.shiftAccumulate(new Float64Array(6), new Uint32Array(6), f, 3, 2, NaN, 0))).toBeUndefined();
    expect(onBoth((b) => b.shiftAccumulate(new Float64Array(6), new Uint32Array(5), f, 3, 2, 0, 0))).toBeUndefined();
    expect(onBoth((b) => b.shiftAccumulate(new Float64Array(0), new Uint32Array(0), new Uint8Array(0), 0, 2, 0, 0))).toBeUndefined();
    expect(onBoth((b) => b.shiftAccumulate(new Float64Array(6), new Uint32Array(6), f, 3, 2, 0, 2 ** 31))).toBeUndefined();
  });

  test('screenExtrema: running min/max and row/column sums over several frames, and errors', () => {
    let seed = 950;
    for (const [w, h] of SIZES) {
      const n = w * h;
      const loN = new Uint8Array(n).fill(255), hiN = new Uint8Array(n);
      const loW = loN.slice(), hiW = hiN.slice();
      const rN = new Uint32Array(h), cN = new Uint32Array(w), rW = new Uint32Array(h), cW = new Uint32Array(w);
      for (let k = 0; k < 3; k++) {
        const f = randomU8(n, seed++);
        native!.screenExtrema(f, w, h, loN, hiN, rN, cN);
        wasm.screenExtrema(f, w, h, loW, hiW, rW, cW);
        expectSameBytes(loN, loW, `screenExtrema lo ${w}x${h}`);
        expectSameBytes(hiN, hiW, `screenExtrema hi ${w}x${h}`);
        expectSameBytes(rN, rW, `screenExtrema rows ${w}x${h}`);
        expectSameBytes(cN, cW, `screenExtrema cols ${w}x${h}`);
        // Against plain arithmetic.
        let r0 = 0;
        for (let x = 0; x < w; x++) r0 += f[x]!;
        expect(rN[0]).toBe(r0);
        let c0 = 0;
        for (let y = 0; y < h; y++) c0 += f[y * w]!;
        expect(cN[0]).toBe(c0);
      }
    }
    const f = new Uint8Array(6), b = new Uint8Array(6);
    expect(onBoth((be) => be.screenExtrema(f, 3, 2, b, b.slice(), new Uint32Array(2), new Uint32Array(2)))).toBeUndefined();
    expect(onBoth((be) => be.screenExtrema(f, 3, 2, b.subarray(1), b, new Uint32Array(2), new Uint32Array(3)))).toBeUndefined();
  });

  test('refineShift and registrationResidual: random masks (values other than 1 too), shifts and errors', () => {
    const o = { tolerance: 1e-3, maxIterations: 6, maxChange: 1.5 };
    let seed = 900;
    for (const [w, h] of SIZES) {
      const n = w * h;
      const r = rng(seed++);
      const ref = texture(w, h, 0, 0, seed);
      const mov = texture(w, h, 0.7, -1.3, seed);
      // Masks with holes, and a few 2s: only exact 1s count, on both backends.
      const inner = Uint8Array.from({ length: n }, () => (r() < 0.85 ? 1 : r() < 0.5 ? 0 : 2));
      const taps = Uint8Array.from({ length: n }, () => (r() < 0.9 ? 1 : 0));
      for (const [dx, dy] of [[0, 0], [0.4, -1.1], [1, -1], [-3.7, 2.2], [50, 0]] as [number, number][]) {
        const res = onBoth((b) => b.refineShift(ref, mov, inner, taps, w, h, dx, dy, o));
        if (res !== undefined) {
          sameScalar(res[0].dx, res[1].dx, `refineShift dx ${w}x${h} from (${dx}, ${dy})`);
          sameScalar(res[0].dy, res[1].dy, `refineShift dy ${w}x${h} from (${dx}, ${dy})`);
          expect(res[1].iterations).toBe(res[0].iterations);
        }
        const rr = onBoth((b) => b.registrationResidual(ref, mov, inner, taps, w, h, dx, dy));
        if (rr !== undefined) {
          if (rr[0] === null) expect(rr[1]).toBeNull();
          else sameScalar(rr[0], rr[1]!, `registrationResidual ${w}x${h} at (${dx}, ${dy})`);
        }
      }
    }
    const z = new Float32Array(6), m = new Uint8Array(6).fill(1);
    expect(onBoth((b) => b.refineShift(z, z, m, m, 3, 2, 0, 0, { ...o, maxChange: NaN }))).toBeUndefined();
    expect(onBoth((b) => b.refineShift(z, z, m, m, 3, 2, 0, 0, { ...o, maxIterations: 1001 }))).toBeUndefined();
    expect(onBoth((b) => b.refineShift(z, z, m.subarray(1), m, 3, 2, 0, 0, o))).toBeUndefined();
    expect(onBoth((b) => b.registrationResidual(z, z, m, m, 3, 2, 2 ** 31, 0))).toBeUndefined();
    expect(onBoth((b) => b.registrationResidual(new Float32Array(0), new Float32Array(0), new Uint8Array(0), new Uint8Array(0), 0, 0, 0, 0))).toBeUndefined();
  });
});

describe.skipIf(native === undefined)('native vs wasm: bitwise parity of the segmentation entry points', () => {
  /** A random blob mask: thresholded blurred noise (thick, branching, with holes). */
  function blobMask(w: number, h: number, seed: number, level: number): Uint8Array {
    const noise = native!.gaussianBlur(randomF32(w * h, seed), w, h, 2);
    return Uint8Array.from(noise, (v) => (v > level ? 1 : 0));
  }

  test('localNormalize: with and without a mask, several sigmas and eps', () => {
    let seed = 600;
    for (const [w, h] of SIZES) {
      const n = w * h;
      const inputs = [randomF32(n, seed++), texture(w, h, 0, 0, seed++), randomF32(n, seed++, -1e-38, 1e-38)];
      const masks: (Uint8Array | null)[] = [null, blobMask(w, h, seed++, 127), new Uint8Array(n)];
      for (const src of inputs) {
        for (const mask of masks) {
          for (const [s, e] of n > 100_000 ? [[20, 0.1]] : [[0.5, 0], [3, 0.1], [25, 1]]) {
            const [a, b] = onBoth((be) => be.localNormalize(src, mask, w, h, s!, e!))!;
            expectSameBytes(a, b, `localNormalize ${w}x${h} sigma ${s} eps ${e} mask ${mask !== null}`);
          }
          if (mask !== null) {
            const [fa, fb] = onBoth((be) => be.fillOutside(src, mask, w, h))!;
            expectSameBytes(fa, fb, `fillOutside ${w}x${h}`);
          }
          for (const r of n > 100_000 ? [7] : [0, 1, 3, 20]) {
            const [ma, mb] = onBoth((be) => be.minFilter(src, w, h, r))!;
            expectSameBytes(ma, mb, `minFilter ${w}x${h} r ${r}`);
          }
        }
      }
    }
  });

  test('hessianVesselness: dark and bright, absolute and relative c, several scale sets', () => {
    let seed = 700;
    const sets = [[1], [0.7, 1.5, 3], [2, 5, 9.5]];
    for (const [w, h] of SIZES) {
      const n = w * h;
      const inputs = [texture(w, h, 0, 0, seed++), randomF32(n, seed++, -1e6, 1e6)];
      for (const src of inputs) {
        for (const sig of n > 100_000 ? [[1.4, 2.8, 5.6]] : sets) {
          for (const [darkVessels, cRelative, c] of [[true, true, 0.5], [false, false, 3], [true, false, 1e-30]] as const) {
            const [a, b] = onBoth((be) => be.hessianVesselness(src, w, h, sig, { darkVessels, cRelative, c, beta: 0.5 }))!;
            const label = `hessianVesselness ${w}x${h} sigmas ${sig} dark ${darkVessels} rel ${cRelative}`;
            expectSameBytes(a.vesselness, b.vesselness, label);
            expectSameBytes(a.scaleIndex, b.scaleIndex, `${label} scaleIndex`);
          }
        }
      }
    }
  });

  test('the whole chain: normalise, vesselness, hysteresis, components, thinning, graph', () => {
    let seed = 800;
    for (const [w, h] of SIZES) {
      const src = texture(w, h, 0, 0, seed++);
      const [za] = onBoth((be) => be.localNormalize(src, null, w, h, 15, 0.1))!;
      const [v] = onBoth((be) => be.hessianVesselness(za, w, h, [1, 2, 4]))!;
      for (const [lo, hi] of [[0.05, 0.2], [0.2, 0.2], [0, 0.5], [-1, 2]]) {
        const [ma, mb] = onBoth((be) => be.hysteresisThreshold(v.vesselness, w, h, lo!, hi!))!;
        expectSameBytes(ma, mb, `hysteresis ${w}x${h} ${lo}/${hi}`);
        for (const minArea of [0, 1, 5, 50]) {
          const [ca, cb] = onBoth((be) => be.removeSmallComponents(ma, w, h, minArea))!;
          expectSameBytes(ca.mask, cb.mask, `removeSmallComponents ${w}x${h} ${minArea}`);
          expect(cb.components).toBe(ca.components);
        }
      }
      const masks = [onBoth((be) => be.hysteresisThreshold(v.vesselness, w, h, 0.05, 0.2))![0], blobMask(w, h, seed++, 127), blobMask(w, h, seed++, 100), new Uint8Array(w * h).fill(1)];
      for (const m of masks) {
        const [ta, tb] = onBoth((be) => be.thin(m, w, h))!;
        expectSameBytes(ta, tb, `thin ${w}x${h}`);
        const [ga, gb] = onBoth((be) => be.skeletonGraph(ta, w, h))!;
        expectSameBytes(ga.pixels, gb.pixels, `skeletonGraph pixels ${w}x${h}`);
        expectSameBytes(ga.offsets, gb.offsets, `skeletonGraph offsets ${w}x${h}`);
        expectSameBytes(ga.flags, gb.flags, `skeletonGraph flags ${w}x${h}`);
        // The graph of an unthinned mask is defined too (junction clusters), and identical.
        const [ua, ub] = onBoth((be) => be.skeletonGraph(m, w, h))!;
        expectSameBytes(ua.pixels, ub.pixels, `skeletonGraph of a thick mask ${w}x${h}`);
      }
    }
  });

  test('errors of the segmentation entry points are identical', () => {
    const f = new Float32Array(6);
    const m = new Uint8Array(6);
    const bad: ((b: CoreBackend) => unknown)[] = [
      (b) => b.localNormalize(f, null, 3, 2, 0, 0.1),
      (b) => b.localNormalize(f, null, 3, 2, NaN, 0.1),
      (b) => b.localNormalize(f, null, 3, 2, 2, -1),
      (b) => b.localNormalize(f, new Uint8Array(5), 3, 2, 2, 0.1),
      (b) => b.localNormalize(f, new Uint8Array(0), 3, 2, 2, 0.1),
      (b) => b.localNormalize(Float32Array.of(1, 2, Infinity, 4, 5, 6), null, 3, 2, 2, 0.1),
      (b) => b.localNormalize(new Float32Array(0), null, 0, 2, 2, 0.1),
      (b) => b.fillOutside(f, new Uint8Array(5), 3, 2),
      (b) => b.fillOutside(Float32Array.of(1, NaN, 2, 3, 4, 5), m, 3, 2),
      (b) => b.fillOutside(new Float32Array(0), new Uint8Array(0), 0, 0),
      (b) => b.minFilter(f, 3, 2, -1),
      (b) => b.minFilter(f, 3, 2, 1.5),
      (b) => b.minFilter(Float32Array.of(1, NaN, 2, 3, 4, 5), 3, 2, 1),
      (b) => b.hessianVesselness(f, 3, 2, []),
      (b) => b.hessianVesselness(f, 3, 2, [1, NaN]),
      (b) => b.hessianVesselness(f, 3, 2, [0]),
      (b) => b.hessianVesselness(f, 3, 2, [1001]),
      (b) => b.hessianVesselness(f, 3, 2, new Array<number>(65).fill(1)),
      (b) => b.hessianVesselness(f, 3, 2, [1], { beta: 0 }),
      (b) => b.hessianVesselness(f, 3, 2, [1], { c: NaN }),
      (b) => b.hessianVesselness(f, 3, 2, [1], { c: Infinity }),
      (b) => b.hessianVesselness(Float32Array.of(1, NaN, 2, 3, 4, 5), 3, 2, [1]),
      (b) => b.hessianVesselness(new Float32Array(5), 3, 2, [1]),
      (b) => b.hysteresisThreshold(f, 3, 2, 2, 1),
      (b) => b.hysteresisThreshold(f, 3, 2, NaN, 1),
      (b) => b.hysteresisThreshold(new Float32Array(7), 3, 2, 0, 1),
      (b) => b.removeSmallComponents(m, 3, 2, -1),
      (b) => b.removeSmallComponents(m, 3, 2, 1.5),
      (b) => b.removeSmallComponents(new Uint8Array(0), 0, 0, 1),
      (b) => b.thin(new Uint8Array(5), 3, 2),
      (b) => b.thin(m, -3, -2),
      (b) => b.skeletonGraph(new Uint8Array(7), 3, 2),
    ];
    for (const fn of bad) expect(onBoth(fn)).toBeUndefined();
  });
});
