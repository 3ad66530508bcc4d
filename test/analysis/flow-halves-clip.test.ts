/**
 * A vessel of one chain can be two vessels whose branch point went unseen (split-by-flow.ts):
 * here a straight capillary 290 µm long, its left half carrying fast cells and its right half
 * slow ones, with no branch point between them. Measured as one diagram the slower pattern
 * wins the pooled correlation and the whole vessel reads sluggish; measured half by half too
 * (vessel-graph.ts splitInHalves), the clip reports the halves, continuous and sluggish.
 */
import { describe, expect, it } from 'vitest';
import { analyzeClip } from '../../src/analysis/analyze-clip.js';
import type { GrayFrame } from '../../src/decode/types.js';
import { mulberry32 as rng } from '../metrics/helpers.js';

/** A cell pattern along the vessel: smoothed noise, period n samples (wraps), values ~0–1. */
function cellPattern(n: number, seed: number): Float64Array {
  const r = rng(seed);
  const raw = Float64Array.from({ length: n }, () => r());
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = -2; j <= 2; j++) s += raw[(i + j + n) % n]!;
    out[i] = s / 5;
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of out) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return out.map((v) => (v - lo) / (hi - lo));
}

const W = 256;
const H = 112;
const FPS = 25;
const UM_PER_PX = 1.3;
const X0 = 16;
const X1 = 240;
const XM = 128;
const Y = 56;
// Cells per frame, px: left 20 px (650 µm/s, continuous), right 2.5 px (81 µm/s, sluggish).
const V_FAST = 20;
const V_SLOW = 2.5;

function frames(n: number): GrayFrame[] {
  const r = rng(7);
  // Static tissue: soft blobs, so the frames register on something.
  const tissue = new Float64Array(W * H).fill(150);
  for (let b = 0; b < 1500; b++) {
    const cx = r() * W;
    const cy = r() * H;
    const a = (r() - 0.5) * 50;
    // Away from the vessel: a blob beside it would add a branch point there.
    if (Math.abs(cy - Y) < 16) continue;
    const s = 2 + 4 * r();
    for (let y = Math.max(0, Math.floor(cy - 3 * s)); y < Math.min(H, cy + 3 * s); y++) {
      for (let x = Math.max(0, Math.floor(cx - 3 * s)); x < Math.min(W, cx + 3 * s); x++) {
        tissue[y * W + x] += a * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * s * s));
      }
    }
  }
  const fast = cellPattern(4096, 11);
  const slow = cellPattern(4096, 12);
  const noise = rng(99);
  const out: GrayFrame[] = [];
  for (let t = 0; t < n; t++) {
    const data = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        let v = tissue[y * W + x]!;
        const dy = Math.abs(y - Y);
        if (x >= X0 && x <= X1 && dy <= 4) {
          const pat = x < XM ? fast[(((x - Math.round(V_FAST * t)) % 4096) + 4096) % 4096]! : slow[(((x - Math.round(V_SLOW * t)) % 4096) + 4096) % 4096]!;
          // A dark lumen (~55 % of the tissue) whose cells darken it further where the pattern is high.
          const edge = dy <= 3 ? 1 : 0.5;
          v *= 1 - edge * (0.35 + 0.3 * pat);
        }
        v += (noise() - 0.5) * 6;
        data[y * W + x] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
    out.push({ index: t, width: W, height: H, data, timestampS: t / FPS });
  }
  return out;
}

describe('a one-chain vessel whose halves flow differently is reported as its halves', () => {
  it('the fast half reads continuous at its speed and the slow half sluggish at its own; no vessel spans both', async () => {
    const clip = frames(75);
    const { result } = await analyzeClip({ name: 'halves', width: W, height: H, fps: FPS, frames: clip }, { umPerPx: UM_PER_PX, backend: 'native' });
    // The vessels on the capillary (the tissue blobs elsewhere are traced too, as static bits).
    const onVessel = result.vessels.filter((v) => v.points.every((q) => Math.abs(q[1] - Y) < 8));
    const spanX = (v: (typeof onVessel)[number]): [number, number] => [Math.min(...v.points.map((q) => q[0])), Math.max(...v.points.map((q) => q[0]))];
    const left = onVessel.filter((v) => spanX(v)[1] <= XM + 12);
    const right = onVessel.filter((v) => spanX(v)[0] >= XM - 12);
    expect(left.length).toBe(1);
    expect(right.length).toBe(1);
    expect(left[0]!.flowClass).toBe(3);
    expect(right[0]!.flowClass).toBe(2);
    const umPerS = (pxPerFrame: number): number => pxPerFrame * UM_PER_PX * FPS;
    expect(Math.abs(left[0]!.velocity!.valueUmPerS! / umPerS(V_FAST) - 1)).toBeLessThan(0.1);
    expect(Math.abs(right[0]!.velocity!.valueUmPerS! / umPerS(V_SLOW) - 1)).toBeLessThan(0.1);
    // Together they cover the capillary, and nothing on it spans both flows.
    expect(left[0]!.lengthUm + right[0]!.lengthUm).toBeGreaterThan(0.9 * (X1 - X0) * UM_PER_PX);
    for (const v of onVessel) expect(spanX(v)[1] - spanX(v)[0]).toBeLessThan(0.75 * (X1 - X0));
    // The WebAssembly core gives the same vessels, bit for bit.
    const wasm = await analyzeClip({ name: 'halves', width: W, height: H, fps: FPS, frames: clip }, { umPerPx: UM_PER_PX, backend: 'wasm' });
    expect([result.engine.backend, wasm.result.engine.backend]).toEqual(['native', 'wasm']);
    expect(JSON.stringify(wasm.result.vessels)).toBe(JSON.stringify(result.vessels));
  });
});
