/**
 * Each entry point against answers known independently of the core: hand-computed
 * statistics, properties of the Gaussian (unit mass, symmetry, constants preserved),
 * exact sums, and phase correlation on images with a known shift. Runs on every backend
 * (parity.test.ts separately checks the backends agree bit for bit).
 */
import { describe, expect, test } from 'vitest';
import { eachBackend, randomU8, texture } from './helpers.js';

describe.each(eachBackend().map((b) => [b.name, b] as const))('%s backend', (_name, be) => {
  test('frameStats of a known frame', () => {
    // 4x2 frame; mean = 320/8 = 40; deviations² sum = 4·1600 + 4·900... computed below.
    const f = Uint8Array.of(0, 0, 10, 10, 20, 20, 255, 5);
    const s = be.frameStats(f, 4, 2);
    const mean = 320 / 8;
    const sd = Math.sqrt([...f].reduce((acc, v) => acc + (v - mean) ** 2, 0) / 8);
    expect(s.mean).toBe(mean);
    expect(s.sd).toBeCloseTo(sd, 12);
    expect(s.min).toBe(0);
    expect(s.max).toBe(255);
    expect(s.histogram).toBeInstanceOf(Uint32Array);
    expect(s.histogram.length).toBe(256);
    expect([s.histogram[0], s.histogram[5], s.histogram[10], s.histogram[20], s.histogram[255]]).toEqual([2, 1, 2, 2, 1]);
    expect(s.histogram.reduce((a, b) => a + b, 0)).toBe(8);
  });

  test('frameStats: constant frame has sd 0; odd size sums exactly', () => {
    const c = be.frameStats(new Uint8Array(37 * 23).fill(77), 37, 23);
    expect([c.mean, c.sd, c.min, c.max, c.histogram[77]]).toEqual([77, 0, 77, 77, 37 * 23]);
    const f = randomU8(720 * 576, 5);
    const s = be.frameStats(f, 720, 576);
    let sum = 0;
    for (const v of f) sum += v;
    expect(s.mean).toBe(sum / f.length); // integer sum, one division: exact
  });

  test('gaussianBlur of a delta sums to 1, is symmetric and spans ceil(3 sigma)', () => {
    const n = 31;
    const c = 15;
    const src = new Float32Array(n * n);
    src[c * n + c] = 1;
    const out = be.gaussianBlur(src, n, n, 2);
    let sum = 0;
    for (const v of out) sum += v;
    expect(sum).toBeCloseTo(1, 5);
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const v = out[y * n + x];
        expect(out[y * n + (n - 1 - x)]).toBe(v); // mirror x
        expect(out[(n - 1 - y) * n + x]).toBe(v); // mirror y
        expect(out[x * n + y]).toBe(v); // transpose: same kernel both ways
      }
    }
    expect(out[c * n + c]).toBe(Math.max(...out));
    expect(out[c * n + c + 6]).toBeGreaterThan(0); // r = ceil(3*2) = 6
    expect(out[c * n + c + 7]).toBe(0);
  });

  test('gaussianBlur of a constant image is constant', () => {
    const src = new Float32Array(37 * 23).fill(42.5);
    const out = be.gaussianBlur(src, 37, 23, 3.3);
    for (const v of out) expect(v).toBe(out[0]); // same taps everywhere, edges clamped
    expect(out[0]).toBeCloseTo(42.5, 4);
  });

  test('gaussianBlur with sigma <= 0 copies', () => {
    const src = texture(37, 23, 0, 0);
    expect(Buffer.from(be.gaussianBlur(src, 37, 23, 0).buffer)).toEqual(Buffer.from(src.buffer));
    expect(Buffer.from(be.gaussianBlur(src, 37, 23, -2).buffer)).toEqual(Buffer.from(src.buffer));
  });

  test('gaussianBlur does not modify its input', () => {
    const src = texture(40, 30, 0, 0);
    const copy = src.slice();
    be.gaussianBlur(src, 40, 30, 1.5);
    expect(src).toEqual(copy);
  });

  test('accumulateFrame sums exactly', () => {
    const w = 37, h = 23;
    const acc = new Float64Array(w * h);
    const frames = [randomU8(w * h, 1), randomU8(w * h, 2), randomU8(w * h, 3)];
    for (const f of frames) be.accumulateFrame(acc, f, w, h);
    for (let i = 0; i < acc.length; i++) expect(acc[i]).toBe(frames[0]![i]! + frames[1]![i]! + frames[2]![i]!);
  });

  test('phaseCorrelate: identical images give (0, 0) and peak ~1', () => {
    const a = texture(96, 80, 0, 0);
    const r = be.phaseCorrelate(a, a, 96, 80);
    expect(Math.abs(r.dx)).toBeLessThan(1e-9);
    expect(Math.abs(r.dy)).toBeLessThan(1e-9);
    expect(r.peak).toBeGreaterThan(0.999);
  });

  test('phaseCorrelate recovers an integer shift (3, -5)', () => {
    for (const [w, h] of [[128, 128], [96, 80]] as const) {
      const r = be.phaseCorrelate(texture(w, h, 0, 0), texture(w, h, 3, -5), w, h);
      expect(Math.round(r.dx)).toBe(3);
      expect(Math.round(r.dy)).toBe(-5);
      expect(Math.abs(r.dx - 3)).toBeLessThan(0.05);
      expect(Math.abs(r.dy + 5)).toBeLessThan(0.05);
      expect(r.peak).toBeGreaterThan(0.5);
    }
  });

  test('phaseCorrelate: a circular integer shift of a power-of-two image', () => {
    const w = 64, h = 64;
    const a = texture(w, h, 0, 0, 11);
    const m = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) m[y * w + x] = a[((y + 5 + h) % h) * w + ((x - 3 + w) % w)]!;
    const r = be.phaseCorrelate(a, m, w, h);
    expect(Math.round(r.dx)).toBe(3);
    expect(Math.round(r.dy)).toBe(-5);
    expect(Math.hypot(r.dx - 3, r.dy + 5)).toBeLessThan(0.05);
  });

  test('phaseCorrelate recovers a sub-pixel shift (1.5, 0.25) within 0.1 px', () => {
    for (const [w, h] of [[128, 128], [96, 80]] as const) {
      const r = be.phaseCorrelate(texture(w, h, 0, 0), texture(w, h, 1.5, 0.25), w, h);
      expect(Math.abs(r.dx - 1.5)).toBeLessThan(0.1);
      expect(Math.abs(r.dy - 0.25)).toBeLessThan(0.1);
    }
  });

  test('phaseCorrelate: sign convention and wrap to ±N/2 (negative shifts)', () => {
    const r = be.phaseCorrelate(texture(128, 128, 0, 0), texture(128, 128, -7.5, 12.25), 128, 128);
    expect(Math.abs(r.dx + 7.5)).toBeLessThan(0.1);
    expect(Math.abs(r.dy - 12.25)).toBeLessThan(0.1);
  });

  // The FFT is mixed radix (4, 2, 3, 5; native/core/fft.cpp); rows are real transforms of
  // 2·M samples, M the next 2^a·3^b·5^c ≥ width/2, columns pad to the next 2^a·3^b·5^c:
  // 180 = 2·90, 150 = 2·75 and 192 = 4³·3 run unpadded, widths 135 → 2·72 and 194 → 2·50 and
  // height 122 → 125 = 5³ are padded. A wrong butterfly of any radix, or a wrong split of a
  // real row, breaks the phase ramp of a shift.
  test('phaseCorrelate at sizes that need radices 3 and 5, padded or not', () => {
    for (const [w, h] of [[180, 150], [135, 192], [194, 122], [150, 135]] as const) {
      const a = texture(w, h, 0, 0, 5);
      const r = be.phaseCorrelate(a, texture(w, h, 3, -5, 5), w, h);
      expect(Math.abs(r.dx - 3), `${w}x${h} dx`).toBeLessThan(0.05);
      expect(Math.abs(r.dy + 5), `${w}x${h} dy`).toBeLessThan(0.05);
      const s = be.phaseCorrelate(a, texture(w, h, -1.5, 2.25, 5), w, h);
      expect(Math.abs(s.dx + 1.5), `${w}x${h} sub-pixel dx`).toBeLessThan(0.1);
      expect(Math.abs(s.dy - 2.25), `${w}x${h} sub-pixel dy`).toBeLessThan(0.1);
      const same = be.phaseCorrelate(a, a, w, h);
      expect(Math.hypot(same.dx, same.dy)).toBeLessThan(1e-9);
      expect(same.peak).toBeGreaterThan(0.999);
    }
  });

  test('phaseCorrelate on a full 720x576 frame', () => {
    const r = be.phaseCorrelate(texture(720, 576, 0, 0, 3), texture(720, 576, 10.3, -4.6, 3), 720, 576);
    expect(Math.abs(r.dx - 10.3)).toBeLessThan(0.1);
    expect(Math.abs(r.dy + 4.6)).toBeLessThan(0.1);
  });

  test('phaseCorrelateReference: many images against one prepared reference, as phaseCorrelate gives them', () => {
    const w = 150, h = 135;
    const a = texture(w, h, 0, 0, 8);
    const ref = be.phaseReference(a, w, h);
    for (const [dx, dy] of [[0, 0], [4, -2], [-6.5, 1.25], [0.3, 0.4]] as const) {
      const m = texture(w, h, dx, dy, 8);
      const r = be.phaseCorrelateReference(ref, m);
      expect(Math.abs(r.dx - dx), `dx ${dx}`).toBeLessThan(0.1);
      expect(Math.abs(r.dy - dy), `dy ${dy}`).toBeLessThan(0.1);
      expect(r).toEqual(be.phaseCorrelate(a, m, w, h));
    }
    // A flat reference has no spectrum to match: no peak, whatever the image.
    const flat = be.phaseReference(new Float32Array(w * h).fill(3), w, h);
    expect(be.phaseCorrelateReference(flat, a)).toEqual({ dx: 0, dy: 0, peak: 0 });
  });

  test('phaseCorrelate of flat images reports no peak', () => {
    const f = new Float32Array(64 * 48).fill(9);
    const r = be.phaseCorrelate(f, f, 64, 48);
    expect(r.peak).toBe(0);
  });
});
