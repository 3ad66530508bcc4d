/**
 * The imaging knobs added for the accuracy work, each checked against its truth with
 * measurements made here: occlusions (outline, area, hidden length, what they hide, anchored
 * to the tissue), exposure smear (RBC patterns averaged over the exposure; still patterns
 * untouched), vignetting (sensor-fixed falloff of the declared depth), the non-rigid warp
 * (local displacement = declared field; frame 0 the reference), and the "spread" flow mode
 * (classes derived from velocities by the named thresholds, velocities continuous across them).
 */
import { describe, expect, it } from 'vitest';
import {
  classifyVelocity,
  DEFAULT_FLOW_THRESHOLDS,
  generatePhantom,
  INTERMITTENT_MIN_STOPPED_FRACTION,
  NO_FLOW_MIN_STOPPED_FRACTION,
  SLUGGISH_MAX_MEAN_SPEED_UM_PER_S,
  thresholdMargin,
  truthMetricsForRegion,
} from '../../src/phantom/index.js';
import type { PhantomOptions } from '../../src/phantom/index.js';
import { displacementAt, episodesWithStoppedFraction, summarizeVelocity, VELOCITY_STEP_S } from '../../src/phantom/flow.js';
import { rbcTransmission, smearedTransmission } from '../../src/phantom/render.js';
import { Rng } from '../../src/phantom/prng.js';
import { crop, highPass, insidePolygon, measureTranslation, profile, samplePolylineUm, std, type Pt } from './measure.js';

describe('occlusions (bubbles, saliva)', () => {
  const base: PhantomOptions = { seed: 41, width: 320, height: 256, frameCount: 6, jitterPx: 0, driftPxPerS: 12, flicker: 0, noise: 0 };
  const occ: PhantomOptions = {
    ...base,
    occlusions: [{ kind: 'bubble', centerPx: [90, 80], radiusUm: 35 }, { kind: 'saliva', centerPx: [220, 170], radiusUm: 55 }, { kind: 'bubble' }],
  };
  const p = generatePhantom(occ);
  const t = p.truth;
  const { umPerPxX: sx, umPerPxY: sy } = t.clip.scale;

  it('records each outline, its area and the vessel length it hides (checked by dense sampling)', () => {
    const o = t.occlusions!;
    expect(o.map((x) => x.kind)).toEqual(['bubble', 'saliva', 'bubble']);
    expect(o[0]!.centerPx).toEqual([90, 80]);
    // The random one lies inside the full frame.
    const ff = t.regions.fullFrame;
    for (const [x, y] of o[2]!.polygonPx) {
      expect(x).toBeGreaterThan(ff.x);
      expect(x).toBeLessThan(ff.x + ff.width);
      expect(y).toBeGreaterThan(ff.y);
      expect(y).toBeLessThan(ff.y + ff.height);
    }
    // A near-round bubble: area ≈ π r².
    expect(o[0]!.areaUm2 / (Math.PI * 35 * 35)).toBeGreaterThan(0.97);
    expect(o[0]!.areaUm2 / (Math.PI * 35 * 35)).toBeLessThan(1.03);
    let hiddenTotal = 0;
    for (const oc of o) {
      // Sample every centerline every 0.1 µm; count the length inside the outline and the full frame.
      let hidden = 0;
      let hiddenSmall = 0;
      for (const v of t.vessels) {
        const pts = samplePolylineUm(v.centerlinePx as Pt[], sx, sy, 0.1);
        for (const q of pts) {
          if (q[0] < ff.x || q[0] > ff.x + ff.width || q[1] < ff.y || q[1] > ff.y + ff.height) continue;
          if (!insidePolygon(q, oc.polygonPx as Pt[])) continue;
          hidden += 0.1;
          if (v.small) hiddenSmall += 0.1;
        }
      }
      expect(Math.abs(oc.hiddenLengthUm - hidden)).toBeLessThan(1 + 0.01 * hidden);
      expect(Math.abs(oc.hiddenSmallLengthUm - hiddenSmall)).toBeLessThan(1 + 0.01 * hiddenSmall);
      hiddenTotal += oc.hiddenLengthUm;
    }
    expect(hiddenTotal).toBeGreaterThan(50); // the test field does hide vessels
    const perVessel = t.vessels.reduce((s, v) => s + (v.occludedLengthUm ?? 0), 0);
    expect(perVessel).toBeCloseTo(hiddenTotal, 3); // (the outlines do not overlap here)
    // Truth metrics count what can be seen; includeOccluded gives the tissue's full length.
    const seen = truthMetricsForRegion(t, ff);
    const all = truthMetricsForRegion(t, ff, { includeOccluded: true });
    expect(seen).toEqual(t.metrics.fullFrame);
    expect((all.all.TVD - seen.all.TVD) * 1000 * seen.analysedAreaMm2).toBeCloseTo(hiddenTotal, 3);
    // The same phantom without occluders: same vessels, and its truth equals includeOccluded.
    const plain = generatePhantom(base).truth;
    expect(truthMetricsForRegion(plain, ff)).toEqual(all);
  });

  it('hides the vessels beneath its core and adds no texture', () => {
    // Same scene without vessel contrast: the core of each occluder is bit-identical, the rest is not.
    const noVessels = generatePhantom({ ...occ, vesselContrast: 0 });
    const plain = generatePhantom(base);
    const k = 3;
    const a = p.frame(k);
    const b = noVessels.frame(k);
    const c = plain.frame(k);
    const off = t.frames[k]!.offsetPx;
    let core = 0;
    let coreSame = 0;
    let outsideDiff = 0;
    const coreVals: number[] = [];
    const plainVals: number[] = [];
    for (let j = 0; j < p.height; j++) {
      for (let i = 0; i < p.width; i++) {
        const q: Pt = [i + off[0], j + off[1]];
        const idx = j * p.width + i;
        const inCore = t.occlusions!.some((oc) => {
          const r = Math.hypot((q[0] - oc.centerPx[0]) * sx, (q[1] - oc.centerPx[1]) * sy);
          return r < oc.radiusUm * 0.6;
        });
        const inAny = t.occlusions!.some((oc) => Math.hypot((q[0] - oc.centerPx[0]) * sx, (q[1] - oc.centerPx[1]) * sy) < oc.radiusUm * 1.6);
        if (inCore) {
          core++;
          if (a[idx] === b[idx]) coreSame++;
          if (Math.hypot((q[0] - 220) * sx, (q[1] - 170) * sy) < 55 * 0.6) {
            coreVals.push(a[idx]!);
            plainVals.push(c[idx]!);
          }
        } else if (!inAny && a[idx] !== b[idx]) outsideDiff++;
      }
    }
    expect(core).toBeGreaterThan(500);
    expect(coreSame).toBe(core);
    expect(outsideDiff).toBeGreaterThan(1000);
    // The saliva core is textureless: far less variation than the tissue it covers.
    expect(std(coreVals)).toBeLessThan(0.35 * std(plainVals));
  });

  it('moves with the tissue (anchored to it, not to the sensor)', () => {
    const plain = generatePhantom(base);
    // The occluder's footprint: where the float rendering differs at all from the same scene
    // without occluders (α > 0 exactly there, whatever lies beneath). Its centroid must follow
    // the tissue: frame k shows tissue point P at P − offset_k.
    const centroid = (k: number): [number, number] => {
      const tt = (k * t.clip.fps.den) / t.clip.fps.num;
      const off = p.offsetAt(tt);
      const a = p.renderRaw(tt, off);
      const b = plain.renderRaw(tt, off);
      let sxm = 0;
      let sym = 0;
      let n = 0;
      for (let j = 0; j < p.height; j++) {
        for (let i = 0; i < p.width; i++) {
          if (Math.hypot(i - 90, j - 80) > 33) continue; // the first bubble only (r = 35 µm ≈ 27 px)
          if (a[j * p.width + i] === b[j * p.width + i]) continue;
          sxm += i;
          sym += j;
          n++;
        }
      }
      return [sxm / n, sym / n];
    };
    const c0 = centroid(0);
    expect(Math.abs(c0[0] - 90)).toBeLessThan(0.5);
    expect(Math.abs(c0[1] - 80)).toBeLessThan(0.5);
    const c5 = centroid(5);
    const o5 = t.frames[5]!.offsetPx;
    expect(Math.hypot(o5[0], o5[1])).toBeGreaterThan(1.5);
    expect(Math.abs(c5[0] - (c0[0] - o5[0]))).toBeLessThan(0.1);
    expect(Math.abs(c5[1] - (c0[1] - o5[1]))).toBeLessThan(0.1);
  });
});

describe('exposure (motion smear)', () => {
  it('leaves still RBC patterns untouched: a stopped field renders bit-identically with any exposure', () => {
    const o: PhantomOptions = { seed: 8, width: 160, height: 128, frameCount: 3, flowMix: 'allStopped', pressureStoppedVenules: 20, noise: 1 };
    const a = generatePhantom(o);
    const b = generatePhantom({ ...o, exposure: 'continuous' });
    expect(b.truth.clip.exposureS).toBeCloseTo(0.04, 12);
    for (let k = 0; k < 3; k++) expect(Buffer.from(b.frame(k)).equals(Buffer.from(a.frame(k)))).toBe(true);
  });

  it('averages the RBC transmission over the exposure exactly (against brute force), also for frame 0 whose exposure starts before t = 0', () => {
    const p = generatePhantom({
      seed: 10, width: 256, height: 96, frameCount: 5, mode: 'isolated', exposure: 'continuous',
      isolatedVessels: [{ flowClass: 3, velocityUmPerS: 1800, diameterUm: 7 }, { flowClass: 3, velocityUmPerS: 900, diameterUm: 7 }, { flowClass: 1, diameterUm: 7 }],
    });
    const E = p.truth.clip.exposureS!;
    expect(new Set(p.scene.vessels.map((v) => v.flow.direction)).size).toBe(2); // both directions are exercised
    for (const v of p.scene.vessels) {
      const n = Math.ceil(v.length / 0.25) + 2;
      for (const t of [0, 0.08, 0.16]) {
        const a = smearedTransmission(v, t, E, n);
        const K = 1000;
        const b = new Float64Array(n);
        for (let q = 0; q < K; q++) {
          const tq = rbcTransmission(v, displacementAt(v.flow.series, t + E * ((q + 0.5) / K - 0.5)), n);
          for (let k = 0; k < n; k++) b[k]! += tq[k]! / K;
        }
        let worst = 0;
        for (let k = 0; k < n - 2; k++) worst = Math.max(worst, Math.abs(a[k]! - b[k]!));
        expect(worst).toBeLessThan(0.005);
        // RBCs fill the whole vessel during the exposure (no empty stretch at either end).
        const m = 80; // 20 µm
        const head = a.slice(0, m).reduce((x, y) => x + y, 0) / m;
        const tail = a.slice(n - 2 - m, n - 2).reduce((x, y) => x + y, 0) / m;
        if (v.flow.flowClass === 3) {
          expect(head).toBeLessThan(0.9);
          expect(tail).toBeLessThan(0.9);
        }
      }
    }
  });

  it('smears fast RBCs along the vessel by v × exposure: continuous SDF ≫ strobe', () => {
    const o: PhantomOptions = {
      seed: 9, width: 320, height: 128, frameCount: 10, mode: 'isolated', jitterPx: 0, driftPxPerS: 0, flicker: 0, noise: 0,
      isolatedVessels: [{ flowClass: 3, velocityUmPerS: 1500, diameterUm: 7 }, { flowClass: 2, velocityUmPerS: 120, diameterUm: 7 }],
    };
    const inst = generatePhantom(o);
    const strobe = generatePhantom({ ...o, exposure: 'strobe' });
    const cont = generatePhantom({ ...o, exposure: 'continuous' });
    expect(strobe.truth.clip.exposureS).toBe(0.002);
    const { umPerPxX: sx, umPerPxY: sy } = inst.truth.clip.scale;
    const off = { x: 0, y: 0 };
    const pattern = (img: ArrayLike<number>, vi: number): number[] => {
      const v = inst.truth.vessels[vi]!;
      const pts = samplePolylineUm(v.centerlinePx as Pt[], sx, sy, 0.5).slice(30, -30);
      return highPass(profile(img, inst.width, inst.height, pts, [0, 0]), 25).slice(30, -30);
    };
    const times = [0.12, 0.2, 0.28];
    const ratio = (p: typeof inst, vi: number): number => {
      let a = 0;
      let b = 0;
      for (const tt of times) {
        a += std(pattern(p.renderRaw(tt, off), vi));
        b += std(pattern(inst.renderRaw(tt, off), vi));
      }
      return a / b;
    };
    // Fast vessel: 1500 µm/s × 40 ms = 60 µm of smear wipes the RBC pattern out; a 2 ms strobe (3 µm) keeps it.
    console.log(`RBC-pattern contrast vs instantaneous: strobe ${ratio(strobe, 0).toFixed(2)}, continuous ${ratio(cont, 0).toFixed(2)} (1500 µm/s), ${ratio(cont, 1).toFixed(2)} (120 µm/s)`);
    expect(ratio(strobe, 0)).toBeGreaterThan(0.8);
    expect(ratio(cont, 0)).toBeLessThan(0.55);
    // Slow vessel (120 µm/s × 40 ms ≈ 5 µm): much less smear.
    expect(ratio(cont, 1)).toBeGreaterThan(ratio(cont, 0) + 0.25);
    // The smeared pattern is the instantaneous one averaged over the exposure (up to the
    // non-linearity of absorption): compare with the mean of 24 instantaneous renders.
    const tt = 0.2;
    const E = cont.truth.clip.exposureS!;
    const mean = new Float64Array(inst.width * inst.height);
    for (let q = 0; q < 24; q++) {
      const img = inst.renderRaw(tt + E * ((q + 0.5) / 24 - 0.5), off);
      for (let i = 0; i < mean.length; i++) mean[i]! += img[i]! / 24;
    }
    for (const vi of [0, 1]) {
      const a = pattern(cont.renderRaw(tt, off), vi);
      const b = pattern(mean, vi);
      const ma = a.reduce((s, x) => s + x, 0) / a.length;
      const mb = b.reduce((s, x) => s + x, 0) / b.length;
      let sab = 0;
      let saa = 0;
      let sbb = 0;
      for (let i = 0; i < a.length; i++) {
        sab += (a[i]! - ma) * (b[i]! - mb);
        saa += (a[i]! - ma) ** 2;
        sbb += (b[i]! - mb) ** 2;
      }
      expect(sab / Math.sqrt(saa * sbb)).toBeGreaterThan(0.9);
      expect(std(a) / std(b)).toBeGreaterThan(0.7);
      expect(std(a) / std(b)).toBeLessThan(1.4);
    }
  });
});

describe('vignetting', () => {
  it('darkens towards the corners by 1 − V·r², fixed to the sensor', () => {
    const o: PhantomOptions = { seed: 13, width: 200, height: 160, frameCount: 1, vesselContrast: 0, noise: 0 };
    const flat = generatePhantom({ ...o, vignetting: 0 });
    const vig = generatePhantom({ ...o, vignetting: 0.5 });
    expect(vig.truth.settings.vignetting).toBe(0.5);
    expect(generatePhantom(o).truth.settings.vignetting).toBe(0.22); // the default
    // The ratio image is the vignetting alone: fit 1 − V((xn − cx)² + (yn − cy)²)/2 by least
    // squares on the basis {1, xn, yn, xn² + yn²}.
    for (const off of [{ x: 0, y: 0 }, { x: 7.3, y: -4.1 }]) {
      const a = vig.renderRaw(0, off);
      const b = flat.renderRaw(0, off);
      const A = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
      const y = [0, 0, 0, 0];
      for (let j = 0; j < 160; j++) {
        for (let i = 0; i < 200; i++) {
          const xn = (2 * i) / 199 - 1;
          const yn = (2 * j) / 159 - 1;
          const f = [1, xn, yn, xn * xn + yn * yn];
          const r = a[j * 200 + i]! / b[j * 200 + i]!;
          for (let u = 0; u < 4; u++) {
            y[u] += f[u]! * r;
            for (let w = 0; w < 4; w++) A[u]![w] += f[u]! * f[w]!;
          }
        }
      }
      // Solve A c = y (Gauss–Jordan).
      for (let c = 0; c < 4; c++) {
        const piv = A[c]![c]!;
        for (let w = 0; w < 4; w++) A[c]![w] /= piv;
        y[c]! /= piv;
        for (let r = 0; r < 4; r++) {
          if (r === c) continue;
          const f = A[r]![c]!;
          for (let w = 0; w < 4; w++) A[r]![w] -= f * A[c]![w]!;
          y[r]! -= f * y[c]!;
        }
      }
      // Coefficient of (xn² + yn²) is −V/2, whatever the camera offset.
      expect(-2 * y[3]!).toBeCloseTo(0.5, 4);
    }
  });
});

describe('non-rigid tissue warp', () => {
  const base: PhantomOptions = { seed: 23, width: 384, height: 288, frameCount: 30, jitterPx: 0.5, driftPxPerS: 3, noise: 0, flicker: 0 };
  const rigid = generatePhantom(base);
  const warped = generatePhantom({ ...base, warpPx: 2 });

  it('keeps frame 0 as the reference, the vessels as they were, and records the warp', () => {
    expect(Buffer.from(warped.frame(0)).equals(Buffer.from(rigid.frame(0)))).toBe(true);
    expect(Buffer.from(warped.frame(10)).equals(Buffer.from(rigid.frame(10)))).toBe(false);
    const w = warped.truth.warp!;
    expect(w.amplitudePx).toBe(2);
    expect(warped.truth.frames[0]!.warpRmsPx).toBe(0);
    expect(w.maxRmsPx).toBeGreaterThan(0.5);
    expect(w.maxRmsPx).toBeLessThan(4);
    expect(w.maxDisplacementPx).toBeGreaterThanOrEqual(w.maxRmsPx);
    expect(warped.truth.vessels).toEqual(rigid.truth.vessels);
    expect(warped.truth.metrics.fullFrame).toEqual(rigid.truth.metrics.fullFrame);
    // The region seen in every frame shrinks by the warp's reach.
    const a = rigid.truth.regions.common;
    const b = warped.truth.regions.common;
    expect(b.x - a.x).toBeGreaterThanOrEqual(Math.floor(w.maxDisplacementPx));
    expect(a.width - b.width).toBeGreaterThanOrEqual(2 * Math.floor(w.maxDisplacementPx));
    expect(rigid.truth.warp).toBeUndefined();
  });

  it('displaces each patch by the declared field (translation measured patch by patch)', () => {
    const frames = warped.truth.frames;
    const k = frames.reduce((best, f) => ((f.warpRmsPx ?? 0) > (frames[best]!.warpRmsPx ?? 0) ? f.index : best), 0);
    const tt = (k * warped.truth.clip.fps.den) / warped.truth.clip.fps.num;
    const off = warped.offsetAt(tt);
    const a = rigid.renderRaw(tt, off);
    const b = warped.renderRaw(tt, off);
    const P = 64;
    const expected: [number, number][] = [];
    for (let y0 = 16; y0 + P <= 288 - 16; y0 += 80) {
      for (let x0 = 16; x0 + P <= 384 - 16; x0 += 88) {
        const [dx, dy] = measureTranslation(crop(a, 384, x0, y0, P, P), crop(b, 384, x0, y0, P, P), P, P, 5);
        const c = { x: x0 + (P - 1) / 2 + off.x, y: y0 + (P - 1) / 2 + off.y };
        const w = warped.warpAt(c, tt);
        expect(Math.abs(dx - w.x)).toBeLessThan(0.15);
        expect(Math.abs(dy - w.y)).toBeLessThan(0.15);
        expected.push([w.x, w.y]);
      }
    }
    // Non-rigid: the displacement differs across the field.
    const xs = expected.map((e) => e[0]);
    const ys = expected.map((e) => e[1]);
    expect(Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys))).toBeGreaterThan(0.5);
  });
});

describe('flow classes and the named thresholds', () => {
  it('names the thresholds', () => {
    expect(NO_FLOW_MIN_STOPPED_FRACTION).toBe(0.9);
    expect(INTERMITTENT_MIN_STOPPED_FRACTION).toBe(0.5);
    expect(SLUGGISH_MAX_MEAN_SPEED_UM_PER_S).toBe(300);
    expect(classifyVelocity({ stoppedFraction: 0.9, meanUmPerS: 10 })).toBe(0);
    expect(classifyVelocity({ stoppedFraction: 0.89, meanUmPerS: 10 })).toBe(1);
    expect(classifyVelocity({ stoppedFraction: 0.5, meanUmPerS: 10 })).toBe(1);
    expect(classifyVelocity({ stoppedFraction: 0.49, meanUmPerS: 299 })).toBe(2);
    expect(classifyVelocity({ stoppedFraction: 0, meanUmPerS: 300 })).toBe(3);
    const m = thresholdMargin({ stoppedFraction: 0, meanUmPerS: 330 });
    expect(m.nearest).toBe('sluggish');
    expect(m.relative).toBeCloseTo(0.1, 12);
    expect(thresholdMargin({ stoppedFraction: 1, meanUmPerS: 0 }).relative).toBeCloseTo(1, 12);
    // Class 1 is bounded by the stopped-fraction thresholds only (its speed does not matter).
    expect(thresholdMargin({ stoppedFraction: 0.6, meanUmPerS: 301 }).nearest).toBe('intermittent');
  });

  it('builds stop/move episodes with the requested stopped fraction (to the knot grid)', () => {
    const rng = new Rng(5);
    const T = 3;
    const nObs = Math.round(T / VELOCITY_STEP_S);
    for (let i = 0; i < 60; i++) {
      const target = i / 59;
      const n = Math.ceil((T + 0.2) / VELOCITY_STEP_S) + 2;
      const speed = episodesWithStoppedFraction(rng.fork(`e${i}`), n, VELOCITY_STEP_S, T, target, [100, 800]);
      const cumulative = new Float64Array(n);
      for (let k = 1; k < n; k++) cumulative[k] = cumulative[k - 1]! + ((speed[k - 1]! + speed[k]!) * VELOCITY_STEP_S) / 2;
      const s = summarizeVelocity({ stepS: VELOCITY_STEP_S, values: speed, cumulative }, T);
      expect(Math.abs(s.stoppedFraction - target)).toBeLessThanOrEqual(0.5 / nObs + 1e-9);
      expect(Math.min(...speed)).toBeGreaterThanOrEqual(0);
      if (target < 1) expect(s.maxUmPerS).toBeGreaterThanOrEqual(100);
    }
  });

  it('spread mode: velocities continuous across the thresholds, every class derived from its series', () => {
    const small = [1, 2, 3].flatMap((seed) =>
      generatePhantom({ seed, width: 640, height: 512, seconds: 3, flowMode: 'spread', flowMix: 'septic' }).truth.vessels.filter((v) => v.small),
    );
    expect(small.length).toBeGreaterThan(100);
    for (const v of small) {
      expect(v.flowClass).toBe(classifyVelocity(v.velocity, DEFAULT_FLOW_THRESHOLDS));
      const m = thresholdMargin(v.velocity);
      expect(v.flowThresholdMargin!.nearest).toBe(m.nearest);
      expect(v.flowThresholdMargin!.relative).toBeCloseTo(m.relative, 5);
      expect(v.drawnForClass).toBeDefined();
    }
    for (const c of [0, 1, 2, 3]) expect(small.filter((v) => v.flowClass === c).length).toBeGreaterThan(5);
    // Continuous across the thresholds: vessels close on both sides of each.
    const near = (f: (v: (typeof small)[number]) => boolean): number => small.filter(f).length;
    expect(near((v) => v.flowClass === 2 && v.velocity.meanUmPerS > 240)).toBeGreaterThan(0);
    expect(near((v) => v.flowClass === 3 && v.velocity.meanUmPerS < 360)).toBeGreaterThan(0);
    expect(near((v) => v.flowClass === 1 && v.velocity.stoppedFraction < 0.6)).toBeGreaterThan(0);
    expect(near((v) => v.flowClass !== 1 && v.flowClass !== 0 && v.velocity.stoppedFraction > 0.4)).toBeGreaterThan(0);
    expect(near((v) => v.flowClass === 1 && v.velocity.stoppedFraction > 0.8)).toBeGreaterThan(0);
    expect(near((v) => v.flowClass === 0 && v.velocity.stoppedFraction < 1)).toBeGreaterThan(0);
    // Some class changes against the drawn class: the thresholds, not the draw, decide.
    expect(near((v) => v.flowClass !== v.drawnForClass)).toBeGreaterThan(0);
    expect(near((v) => v.flowThresholdMargin!.relative < 0.1) / small.length).toBeGreaterThan(0.05);
  });

  it('classes mode (clear-cut, the default) agrees with the thresholds and keeps clear of them', () => {
    for (const seed of [1, 2]) {
      const t = generatePhantom({ seed, width: 480, height: 384, seconds: 3, flowMix: 'severe', pressureStoppedVenules: 1 }).truth;
      for (const v of t.vessels) {
        expect(classifyVelocity(v.velocity)).toBe(v.flowClass);
        if (v.small) expect(thresholdMargin(v.velocity).relative).toBeGreaterThan(0.1);
        expect(v.flowThresholdMargin).toBeUndefined(); // recorded in spread mode only
      }
    }
  });
});
