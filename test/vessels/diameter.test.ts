/**
 * Diameter by blurred-cylinder fits (diameter.ts) on images rendered from the model it
 * assumes, plus tissue-like texture and noise: the fitted diameter is within tolerance of the
 * truth from capillaries to venules, at 0.7–1.8 µm/px, with non-square pixels, and the
 * building blocks (erf, the blurred chord and its derivatives, the Levenberg–Marquardt fit)
 * are right on known values.
 */
import { describe, expect, it } from 'vitest';
import { blurredChord, blurredChordOnGrid, erf, fitProfile, measureDiameter } from '../../src/analysis/diameter.js';
import { rng } from '../backend/helpers.js';

/** A horizontal vessel of diameter D µm (Beer–Lambert through a cylinder, blurred by σ µm) on a textured background. */
function render(width: number, height: number, sx: number, sy: number, dUm: number, sigmaUm: number, noise: number, seed: number): Float32Array {
  const r = rng(seed);
  const img = new Float32Array(width * height);
  const cy = height / 2 + 0.3;
  for (let y = 0; y < height; y++) {
    const u = (y - cy) * sy;
    // Optical density: 0.02 per µm of chord (a capillary of 6 µm absorbs ~11 %).
    const od = 0.02 * 2 * (dUm / 2) * blurredChord(u, dUm / 2, sigmaUm);
    for (let x = 0; x < width; x++) {
      const tissue = 180 * (1 + 0.03 * Math.sin((x * sx) / 7 + y / 5) + 0.02 * Math.cos((x * sx) / 13));
      img[y * width + x] = tissue * Math.exp(-od) + noise * (r() - 0.5);
    }
  }
  return img;
}

describe('diameter by blurred-cylinder fits', () => {
  it('erf matches known values to 2e-7', () => {
    for (const [x, v] of [[0, 0], [0.5, 0.5204998778], [1, 0.8427007929], [2, 0.995322265], [-1, -0.8427007929]] as const) expect(Math.abs(erf(x) - v)).toBeLessThan(2e-7);
  });

  it('the blurred chord tends to the cylinder chord when σ → 0 (within 2 % inside the vessel)', () => {
    const R = 5;
    for (const u of [0, 1, 2.5, 4]) expect(blurredChord(u, R, 0.01)).toBeCloseTo(Math.sqrt(1 - (u / R) ** 2), 1);
    expect(blurredChord(7, R, 0.01)).toBeLessThan(1e-6);
  });

  it('the chord on an even grid (exponentials by recurrence) equals the chord sample by sample to 1e-12', () => {
    // Grids that start left of, right of and across the zero of erf's argument, fine and coarse,
    // narrow and wide blur: the recurrence runs outwards from the sample nearest zero.
    for (const [u0, h, n, c, r, s] of [
      [-20, 0.5, 81, 0.3, 4, 1],
      [-60, 0.35, 343, -1.2, 22, 0.4],
      [3, 0.5, 40, 0, 2.5, 0.3],
      [-40, 0.65, 30, 0.7, 6, 3.2],
      [-9, 0.25, 73, 0, 1, 0.2],
    ] as const) {
      const out = new Float64Array(n);
      blurredChordOnGrid(u0, h, c, r, s, out);
      for (let i = 0; i < n; i++) expect(Math.abs(out[i]! - blurredChord(u0 + i * h - c, r, s)), `u0 ${u0} i ${i}`).toBeLessThan(1e-12);
    }
  });

  it('a profile fit gives the same diameter on even offsets (fast path) and on the same offsets marked uneven', () => {
    const um = 1.1;
    const u = Array.from({ length: 61 }, (_, k) => (k - 30) * 0.5 * um);
    const y = u.map((x) => 0.3 + 0.002 * x + 0.05 * 2 * 4.5 * blurredChord(x - 0.4, 4.5, 1.3));
    const even = fitProfile(u, y, 9, um);
    // A 1e-7-µm nudge to one offset makes the grid uneven: the per-sample path runs.
    const nudged = u.slice();
    nudged[17] = nudged[17]! + 1e-7;
    const uneven = fitProfile(nudged, y, 9, um);
    expect(even).not.toBeNull();
    expect(Math.abs(2 * even!.radiusUm - 9)).toBeLessThan(0.05);
    expect(Math.abs(even!.radiusUm - uneven!.radiusUm)).toBeLessThan(1e-4);
  });

  it('the chord\'s derivatives by centre, radius and σ (the fit\'s Jacobian) match central differences to 1e-6', () => {
    for (const [u0, h, n, c, r, s] of [
      [-20, 0.5, 81, 0.3, 4, 1],
      [-12, 0.65, 37, -0.8, 2.2, 1.7],
      [-60, 0.35, 343, -1.2, 22, 0.4],
    ] as const) {
      const out = new Float64Array(n);
      const d = [new Float64Array(n), new Float64Array(n), new Float64Array(n)] as const;
      blurredChordOnGrid(u0, h, c, r, s, out, d);
      const eps = 1e-5;
      const at = (cc: number, rr: number, ss: number, i: number): number => blurredChord(u0 + i * h - cc, rr, ss);
      for (let i = 0; i < n; i++) {
        // The model is erf by Abramowitz & Stegun (error 1.5e-7), the derivative the exact Gaussian: agreement to ~1e-6.
        expect(Math.abs(d[0][i]! - (at(c + eps, r, s, i) - at(c - eps, r, s, i)) / (2 * eps)), `dc i ${i}`).toBeLessThan(1e-6 / s + 1e-6);
        expect(Math.abs(d[1][i]! - (at(c, r + eps, s, i) - at(c, r - eps, s, i)) / (2 * eps)), `dr i ${i}`).toBeLessThan(1e-6 / s + 1e-6);
        expect(Math.abs(d[2][i]! - (at(c, r, s + eps, i) - at(c, r, s - eps, i)) / (2 * eps)), `ds i ${i}`).toBeLessThan(1e-6 / s + 1e-6);
      }
    }
  });

  it('the fit recovers centre, radius and blur of noiseless model profiles from its fixed start', () => {
    // Truths off the start (centre 0, radius d/2, σ 1 px): the search must travel.
    for (const [um, dEst, c, R, s] of [
      [1.3, 6, 0.9, 2.1, 1.6],
      [0.7, 10, -1.4, 6.5, 0.9],
      [1.8, 30, 3.0, 12.0, 2.5],
      [1.1, 9, 0.4, 4.5, 1.3],
    ] as const) {
      const u = Array.from({ length: 2 * Math.ceil((1.3 * dEst) / (0.5 * um)) + 1 }, () => 0);
      const K = (u.length - 1) / 2;
      for (let k = 0; k < u.length; k++) u[k] = (k - K) * 0.5 * um;
      const y = u.map((x) => 0.2 - 0.003 * x + 0.04 * 2 * R * blurredChord(x - c, R, s));
      const f = fitProfile(u, y, dEst, um);
      expect(f, `d ${2 * R}`).not.toBeNull();
      expect(Math.abs(f!.radiusUm - R), `d ${2 * R}`).toBeLessThan(1e-4);
      expect(Math.abs(f!.centreUm - c)).toBeLessThan(1e-4);
      expect(Math.abs(f!.sigmaUm - s)).toBeLessThan(1e-3);
      expect(f!.rms).toBeLessThan(1e-7);
    }
  });

  const cases: [number, number, number][] = [
    // diameter µm, µm/px, blur σ µm
    [5, 1.3, 1.2],
    [8, 1.3, 1.2],
    [12, 0.7, 1.2],
    [25, 1.3, 1.2],
    [45, 1.8, 2.4],
    [6, 1.8, 1.2],
  ];
  for (const [d, um, s] of cases) {
    it(`a ${d}-µm vessel at ${um} µm/px, blur σ ${s} µm: within max(0.6 µm, 5 %)`, () => {
      const w = Math.ceil(120 / um), h = Math.ceil((3 * d + 40) / um);
      const img = render(w, h, um, um, d, s, 2, d * 7);
      const m = measureDiameter(img, w, h, [[5, h / 2 + 0.3], [w - 6, h / 2 + 0.3]], { umPerPxX: um, umPerPxY: um }, { firstEstimateUm: d * 1.3 });
      expect(m).not.toBeNull();
      expect(Math.abs(m!.diameterUm - d)).toBeLessThanOrEqual(Math.max(0.6, 0.05 * d));
      expect(m!.rangeUm[0]).toBeLessThanOrEqual(m!.diameterUm);
      expect(m!.rangeUm[1]).toBeGreaterThanOrEqual(m!.diameterUm);
    });
  }

  it('non-square pixels: the same vessel measures the same across x and across y (PAL DV 16:15)', () => {
    const sx = 1.3056, sy = 1.3021 * (16 / 15);
    const w = 90, h = 70;
    const img = render(w, h, sx, sy, 8, 1.2, 1, 3);
    const m = measureDiameter(img, w, h, [[5, h / 2 + 0.3], [w - 6, h / 2 + 0.3]], { umPerPxX: sx, umPerPxY: sy }, { firstEstimateUm: 10 });
    expect(Math.abs(m!.diameterUm - 8)).toBeLessThan(0.6);
  });

  it('returns null for a centerline that is too short or off the image', () => {
    const img = render(40, 40, 1, 1, 6, 1, 0, 1);
    expect(measureDiameter(img, 40, 40, [[10, 20.3], [12, 20.3]], { umPerPxX: 1, umPerPxY: 1 }, { firstEstimateUm: 6 })).toBeNull();
    expect(measureDiameter(img, 40, 40, [[-50, -50], [-10, -50]], { umPerPxX: 1, umPerPxY: 1 }, { firstEstimateUm: 6 })).toBeNull();
  });
});
