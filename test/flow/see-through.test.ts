/**
 * The see-through reference of the stop test (src/flow/see-through.ts): on a mean image made
 * of tissue mottle × a vessel's transmission (how the light is attenuated, Beer–Lambert), the
 * texture a featureless column would show is the tissue's texture × the lumen's transmission.
 */
import { describe, expect, test } from 'vitest';
import { DEFAULT_FLOW_PARAMS } from '../../src/flow/params.js';
import { samplePath } from '../../src/flow/path-samples.js';
import { seeThroughTextureSd } from '../../src/flow/see-through.js';
import type { FlowPath } from '../../src/flow/types.js';
import { rng } from '../backend/helpers.js';

const P = DEFAULT_FLOW_PARAMS;
const W = 200;
const H = 60;
const SCALE = { umPerPxX: 1, umPerPxY: 1 };
const PATH: FlowPath = { id: 'v', polylinePx: [[20, 30], [180, 30]], diameterPx: 8 };

/** Tissue: uniform level 150 with cell-scale mottle (box-smoothed noise, SD ≈ 6 grey). */
function tissue(seed: number): Float32Array {
  const r = rng(seed);
  const raw = Float32Array.from({ length: W * H }, () => r() - 0.5);
  const out = new Float32Array(W * H);
  for (let y = 1; y < H - 1; y++) {
    for (let x = 1; x < W - 1; x++) {
      let s = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += raw[(y + dy) * W + x + dx]!;
      out[y * W + x] = 150 + 60 * s / 9;
    }
  }
  return out;
}

/** The image with the vessel band (|y − 30| ≤ 4) attenuated by the transmission t. */
function withVessel(img: Float32Array, t: number): Float32Array {
  const out = img.slice();
  for (let y = 26; y <= 34; y++) for (let x = 0; x < W; x++) out[y * W + x]! *= t;
  return out;
}

describe('see-through texture reference', () => {
  const s = samplePath(PATH, SCALE, P.stepPx, P.acrossFractionOfRadius);
  const base = tissue(7);

  // Like the STD rows, the reference is in grey × 100 / the image's mean, which the vessel lowers.
  const meanOf = (img: Float32Array): number => img.reduce((a, b) => a + b, 0) / img.length;
  const perMean = (t: number): number => meanOf(withVessel(base, 1)) / meanOf(withVessel(base, t));
  const reference = (img: Float32Array, params: typeof P): number | undefined => seeThroughTextureSd(img, W, H, meanOf(img), PATH, s, params);

  test('scales with the lumen transmission (the tissue mottle seen through a vessel is attenuated)', () => {
    const free = { ...P, stopSeeThroughMinTransmission: 0.1 };
    const clear = reference(withVessel(base, 1), free)!;
    expect(clear).toBeGreaterThan(0);
    for (const t of [0.5, 0.7]) {
      const ref = reference(withVessel(base, t), free)! / perMean(t);
      // The transmission is measured from mean grey levels on mottled tissue: within 3 %.
      expect(Math.abs(ref / clear - t) / t).toBeLessThan(0.03);
    }
  });

  test('the transmission is not trusted below stopSeeThroughMinTransmission (default 0.9)', () => {
    const clear = reference(withVessel(base, 1), P)!;
    const dark = reference(withVessel(base, 0.5), P)! / perMean(0.5);
    expect(P.stopSeeThroughMinTransmission).toBe(0.9);
    expect(Math.abs(dark / clear - 0.9) / 0.9).toBeLessThan(0.03);
  });

  test('a lumen brighter than the tissue does not raise the reference (transmission at most 1)', () => {
    const clear = reference(withVessel(base, 1), P)!;
    const bright = reference(withVessel(base, 1.3), P)! / perMean(1.3);
    expect(Math.abs(bright / clear - 1)).toBeLessThan(0.03);
  });

  test('undefined when a tissue line leaves the image', () => {
    const edge: FlowPath = { id: 'e', polylinePx: [[20, 3], [180, 3]], diameterPx: 8 };
    const se = samplePath(edge, SCALE, P.stepPx, P.acrossFractionOfRadius);
    expect(seeThroughTextureSd(base, W, H, meanOf(base), edge, se, P)).toBeUndefined();
  });
});
