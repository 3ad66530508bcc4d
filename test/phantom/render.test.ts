/**
 * Rendered phantom frames checked against their truth with independent measurements:
 * vessels dark on their true centerlines, RBC patterns moving by exactly ∫v dt, stopped
 * patterns still, camera offsets as declared, duplicated frames identical, interlaced
 * fields 1/50 s apart.
 */
import { describe, expect, it } from 'vitest';
import { generatePhantom } from '../../src/phantom/index.js';
import { bilinear, crossCorrelationLag, highPass, measureTranslation, profile, samplePolylineUm, type Pt } from './measure.js';

describe('phantom rendering vs truth', () => {
  it('draws vessels darker than the background along their true centerlines', () => {
    const p = generatePhantom({ seed: 11, width: 256, height: 208, frameCount: 2, jitterPx: 0.8, driftPxPerS: 5 });
    const { width: W, height: H } = p;
    const { umPerPxX: sx, umPerPxY: sy } = p.truth.clip.scale;
    for (const k of [0, 1]) {
      const img = p.frame(k);
      const off = p.truth.frames[k]!.offsetPx;
      const sorted = Float64Array.from(img).sort();
      const median = sorted[sorted.length >> 1]!;
      let checked = 0;
      let darker = 0;
      for (const v of p.truth.vessels) {
        if (v.depthLayer !== 0) continue;
        // Centre vs the two sides, 0.5 D + 5 µm off the centerline, at every sample inside the frame.
        const pts = samplePolylineUm(v.centerlinePx as Pt[], sx, sy, 2);
        let cSum = 0;
        let sSum = 0;
        let n = 0;
        for (let i = 1; i + 1 < pts.length; i++) {
          const a = pts[i - 1]!;
          const b = pts[i + 1]!;
          const tx = (b[0] - a[0]) * sx;
          const ty = (b[1] - a[1]) * sy;
          const tl = Math.hypot(tx, ty);
          const d = v.diameterUm / 2 + 5;
          const nx = (-ty / tl) * (d / sx);
          const ny = (tx / tl) * (d / sy);
          const q = pts[i]!;
          const c = bilinear(img, W, H, q[0] - off[0], q[1] - off[1]);
          const l = bilinear(img, W, H, q[0] + nx - off[0], q[1] + ny - off[1]);
          const r = bilinear(img, W, H, q[0] - nx - off[0], q[1] - ny - off[1]);
          if ([c, l, r].some(Number.isNaN)) continue;
          cSum += c;
          sSum += (l + r) / 2;
          n++;
        }
        if (n < 10) continue;
        checked++;
        if (cSum / n < 0.9 * (sSum / n)) darker++;
        expect(cSum / n).toBeLessThan(median);
      }
      expect(checked).toBeGreaterThan(5);
      // Every in-focus vessel is clearly darker than its immediate surroundings (a crossing
      // or a neighbouring vessel can darken one side of a few).
      expect(darker / checked).toBeGreaterThan(0.9);
    }
  });

  it('moves the RBC pattern of a continuous vessel by ∫v dt between frames (1-D cross-correlation along the true centerline)', () => {
    const p = generatePhantom({
      seed: 5,
      width: 320,
      height: 128,
      frameCount: 6,
      mode: 'isolated',
      isolatedVessels: [
        { flowClass: 3, velocityUmPerS: 900, diameterUm: 7 },
        { flowClass: 2, velocityUmPerS: 180, diameterUm: 6 },
      ],
      jitterPx: 0.7,
      driftPxPerS: 6,
    });
    const { umPerPxX: sx, umPerPxY: sy } = p.truth.clip.scale;
    const step = 0.5; // µm per profile sample
    const errors: number[] = [];
    for (const v of p.truth.vessels) {
      // Interior of the centerline (15 µm off each end), high-passed (25 µm window), minus
      // the temporal mean profile: what is left is the moving RBC pattern (the static tissue
      // texture seen through the vessel would otherwise pull the correlation towards 0).
      const pts = samplePolylineUm(v.centerlinePx as Pt[], sx, sy, step).slice(30, -30);
      const profs = p.truth.frames.map((f, k) => highPass(profile(p.frame(k), p.width, p.height, pts, f.offsetPx), 25));
      const mean = profs[0]!.map((_, i) => profs.reduce((s, x) => s + x[i]!, 0) / profs.length);
      const moving = profs.map((x) => x.map((val, i) => val - mean[i]!));
      for (let k = 0; k + 1 < p.frameCount; k++) {
        const f0 = p.truth.frames[k]!;
        const f1 = p.truth.frames[k + 1]!;
        const expected = p.displacementAt(v.id, f1.sceneTimeS) - p.displacementAt(v.id, f0.sceneTimeS);
        const { lag, peak } = crossCorrelationLag(moving[k]!, moving[k + 1]!, Math.ceil((Math.abs(expected) + 15) / step));
        // Stated tolerance: 1.0 µm (≈ 0.77 px) per frame pair, sensor noise on.
        expect(Math.abs(lag * step - expected)).toBeLessThan(1.0);
        expect(peak).toBeGreaterThan(0.6);
        errors.push(Math.abs(lag * step - expected));
      }
    }
    // And on average well under half a pixel.
    expect(errors.reduce((s, e) => s + e, 0) / errors.length).toBeLessThan(0.4);
  });

  it('keeps the RBC pattern of a no-flow vessel still (the barcode sign)', () => {
    const p = generatePhantom({
      seed: 6,
      width: 256,
      height: 96,
      frameCount: 12,
      mode: 'isolated',
      isolatedVessels: [{ flowClass: 0, diameterUm: 7 }],
      jitterPx: 1,
      driftPxPerS: 10,
      flicker: 0.03,
      noise: 0.5,
    });
    const v = p.truth.vessels[0]!;
    expect(v.flowClass).toBe(0);
    expect(v.velocity.stoppedFraction).toBe(1);
    const { umPerPxX: sx, umPerPxY: sy } = p.truth.clip.scale;
    const pts = samplePolylineUm(v.centerlinePx as Pt[], sx, sy, 0.5).slice(30, -30);
    const a = highPass(profile(p.frame(0), p.width, p.height, pts, p.truth.frames[0]!.offsetPx), 25);
    for (const k of [1, 5, 11]) {
      const b = highPass(profile(p.frame(k), p.width, p.height, pts, p.truth.frames[k]!.offsetPx), 25);
      const { lag, peak } = crossCorrelationLag(a, b, 40);
      expect(Math.abs(lag * 0.5)).toBeLessThan(0.3);
      expect(peak).toBeGreaterThan(0.95);
    }
  });

  it('shifts the field by the declared camera offsets (static-flow phantom)', () => {
    const p = generatePhantom({
      seed: 21,
      width: 200,
      height: 160,
      frameCount: 8,
      flowMix: 'allStopped',
      pressureStoppedVenules: 4,
      driftPxPerS: 30,
      jitterPx: 1.2,
      flicker: 0,
      noise: 0.5,
    });
    const ref = Float64Array.from(p.frame(0));
    for (const k of [1, 4, 7]) {
      const [dx, dy] = measureTranslation(ref, Float64Array.from(p.frame(k)), p.width, p.height, 12);
      const [ox, oy] = p.truth.frames[k]!.offsetPx;
      expect(Math.abs(ox) + Math.abs(oy)).toBeGreaterThan(0.5);
      // Stated tolerance: 0.1 px (the vignetting is fixed to the sensor and does not move).
      expect(Math.abs(dx - ox)).toBeLessThan(0.1);
      expect(Math.abs(dy - oy)).toBeLessThan(0.1);
    }
  });

  it('repeats duplicated frames exactly and records them', () => {
    const p = generatePhantom({ seed: 8, width: 128, height: 96, frameCount: 10, duplicateFrames: [3, 7] });
    expect(p.truth.duplicatedFrames).toEqual([3, 7]);
    expect(p.truth.frames[3]!.duplicateOf).toBe(2);
    expect(p.truth.frames[3]!.sceneTimeS).toBe(p.truth.frames[2]!.sceneTimeS);
    expect(p.truth.frames[3]!.timeS).toBeCloseTo(0.12, 9);
    const f2 = p.frame(2);
    const f3 = p.frame(3);
    const f4 = p.frame(4);
    expect(Buffer.from(f3).equals(Buffer.from(f2))).toBe(true);
    expect(Buffer.from(f4).equals(Buffer.from(f3))).toBe(false);
    expect(Buffer.from(p.frame(7)).equals(Buffer.from(p.frame(6)))).toBe(true);
    // A random count never duplicates frame 0 or two frames in a row.
    const q = generatePhantom({ seed: 8, width: 64, height: 64, frameCount: 30, duplicateFrames: 4 });
    expect(q.truth.duplicatedFrames).toHaveLength(4);
    for (const k of q.truth.duplicatedFrames) {
      expect(k).toBeGreaterThan(0);
      expect(q.truth.duplicatedFrames.includes(k + 1)).toBe(false);
    }
  });

  it('interlaces two fields 1/50 s apart, bottom field first (PAL)', () => {
    const p = generatePhantom({ seed: 9, width: 160, height: 96, frameCount: 3, interlace: 'bff', noise: 0, flicker: 0, driftPxPerS: 40, jitterPx: 1 });
    const W = p.width;
    for (let k = 0; k < 3; k++) {
      const f = p.frame(k);
      const t = k / 25;
      const tr = p.truth.frames[k]!;
      expect(tr.fields?.map((x) => x.rows)).toEqual(['odd', 'even']);
      expect(tr.fields![1]!.timeS - tr.fields![0]!.timeS).toBeCloseTo(0.02, 9);
      const first = p.renderRaw(t, p.offsetAt(t));
      const second = p.renderRaw(t + 0.02, p.offsetAt(t + 0.02));
      const q = (x: number): number => Math.min(255, Math.max(0, Math.round(x)));
      let oddOk = 0;
      let evenOk = 0;
      let evenFromFirst = 0;
      for (let j = 0; j < p.height; j++) {
        for (let i = 0; i < W; i++) {
          const v = f[j * W + i]!;
          if (j % 2 === 1) oddOk += v === q(first[j * W + i]!) ? 1 : 0;
          else {
            evenOk += v === q(second[j * W + i]!) ? 1 : 0;
            evenFromFirst += v === q(first[j * W + i]!) ? 1 : 0;
          }
        }
      }
      const half = (W * p.height) / 2;
      expect(oddOk).toBe(half);
      expect(evenOk).toBe(half);
      // The fields really differ (the camera moved 0.8 px and the RBCs ~20 µm in 1/50 s).
      expect(evenFromFirst).toBeLessThan(0.8 * half);
    }
  });
});
