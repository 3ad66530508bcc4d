/**
 * The segmentation entry points of the core against answers known without the core: the
 * Hessian of a parabola, Frangi's measure on lines, blobs and flat images, scale selection
 * (a bar of width d answers most at σ ≈ d/2 with γ = 2), hysteresis and component areas on
 * hand-made masks, thinning of shapes whose centerline is known, and the graph of skeletons
 * whose segments are known. Runs on every backend (parity.test.ts checks they agree bit
 * for bit).
 */
import { describe, expect, test } from 'vitest';
import type { CoreBackend } from '../../src/backend/types.js';
import { CoreError } from '../../src/backend/errors.js';
import { eachBackend, randomF32, texture } from '../backend/helpers.js';

/** A dark bar of width d (px) along the line through (cx, cy) at angle theta, antialiased by 4×4 supersampling. */
function darkBar(w: number, h: number, d: number, theta: number, bg = 200, fg = 80, cx = w / 2, cy = h / 2): Float32Array {
  const out = new Float32Array(w * h);
  const nx = -Math.sin(theta), ny = Math.cos(theta);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let cover = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const px = x + (sx + 0.5) / 4 - 0.5 - cx, py = y + (sy + 0.5) / 4 - 0.5 - cy;
          if (Math.abs(px * nx + py * ny) <= d / 2) cover++;
        }
      }
      out[y * w + x] = bg + ((fg - bg) * cover) / 16;
    }
  }
  return out;
}

function count(m: Uint8Array): number {
  let s = 0;
  for (const v of m) s += v !== 0 ? 1 : 0;
  return s;
}

function maskFrom(rows: string[]): { m: Uint8Array; w: number; h: number } {
  const h = rows.length, w = rows[0]!.length;
  const m = new Uint8Array(w * h);
  rows.forEach((r, y) => [...r].forEach((c, x) => (m[y * w + x] = c === '#' ? 1 : 0)));
  return { m, w, h };
}

/** Number of 8-connected components of {m != 0} (reference implementation, plain BFS). */
function components8(m: Uint8Array, w: number, h: number): number {
  const seen = new Uint8Array(m.length);
  let n = 0;
  for (let i = 0; i < m.length; i++) {
    if (!m[i] || seen[i]) continue;
    n++;
    const q = [i];
    seen[i] = 1;
    while (q.length) {
      const p = q.pop()!;
      const x = p % w, y = (p - x) / w;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx, yy = y + dy;
        if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
        const j = yy * w + xx;
        if (m[j] && !seen[j]) { seen[j] = 1; q.push(j); }
      }
    }
  }
  return n;
}

describe.each(eachBackend().map((b) => [b.name, b] as const))('%s backend: segmentation core', (_name, be: CoreBackend) => {
  test('hessianVesselness: the normalised Hessian of a parabola is exact (x²/2 → Lxx = 1)', () => {
    const w = 41, h = 41, sigma = 2;
    const src = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) src[y * w + x] = ((x - 20) ** 2) / 2;
    // λ2 = σ²·1 = 4, λ1 = 0: Rb = 0, S = 4; with absolute c = 4, V = 1 − exp(−16/32).
    const { vesselness, scaleIndex } = be.hessianVesselness(src, w, h, [sigma], { c: 4, cRelative: false });
    expect(vesselness[20 * w + 20]).toBeCloseTo(1 - Math.exp(-0.5), 4);
    expect(scaleIndex[20 * w + 20]).toBe(0);
    // A bright-vessel search sees nothing in an upward-curved valley (away from the image
    // border, where the clamped edge bends the parabola flat: a real, concave kink).
    const bright = be.hessianVesselness(src, w, h, [sigma], { c: 4, cRelative: false, darkVessels: false });
    for (let y = 0; y < h; y++) {
      for (let x = 9; x < w - 9; x++) {
        expect(bright.vesselness[y * w + x]).toBe(0);
        expect(bright.scaleIndex[y * w + x]).toBe(255);
      }
    }
  });

  test('hessianVesselness: flat and linear images give 0 (a ramp away from the clamped border), scale index 255', () => {
    const w = 50, h = 40;
    const flat = new Float32Array(w * h).fill(123);
    const ramp = Float32Array.from({ length: w * h }, (_, i) => 3 * (i % w) - 2 * Math.floor(i / w));
    for (const img of [flat, ramp]) {
      const r = be.hessianVesselness(img, w, h, [1, 2, 4], { c: 1, cRelative: false });
      // A ramp's second derivatives are rounding noise, so V is ~0 wherever the kernels
      // (radius 4σ = 16) do not reach the clamped edge.
      for (let y = 17; y < h - 17; y++) for (let x = 17; x < w - 17; x++) expect(r.vesselness[y * w + x]).toBeLessThan(1e-6);
    }
    // (Absolute c: with a relative c, the float rounding of a flat image's second
    // derivatives, ~1e-6, would itself be normalised to the largest "structure".)
    const r = be.hessianVesselness(flat, w, h, [1, 2], { c: 1e-3, cRelative: false });
    expect(Math.max(...r.vesselness)).toBeLessThan(1e-5);
    // An all-zero image has exactly zero derivatives: V = 0 and no scale anywhere.
    const z = be.hessianVesselness(new Float32Array(w * h), w, h, [1, 2]);
    expect(Math.max(...z.vesselness)).toBe(0);
    expect(z.scaleIndex.every((s) => s === 255)).toBe(true);
  });

  test('hessianVesselness: a dark bar peaks on its centerline, at σ ≈ d/2, and is rotation invariant', () => {
    const w = 64, h = 64;
    const sigmas = [1, 1.5, 2, 3, 4, 6];
    for (const d of [2, 4, 8]) {
      const horiz = darkBar(w, h, d, 0);
      const r = be.hessianVesselness(horiz, w, h, sigmas);
      // Column 32: the profile across the bar; its maximum is on the centre rows (31.5).
      const col = Array.from({ length: h }, (_, y) => r.vesselness[y * w + 32]!);
      const peak = col.indexOf(Math.max(...col));
      expect(Math.abs(peak - 31.5)).toBeLessThanOrEqual(0.5);
      const best = sigmas[r.scaleIndex[peak * w + 32]!]!;
      expect(best / (d / 2)).toBeGreaterThan(0.6);
      expect(best / (d / 2)).toBeLessThan(1.6);
      // Far from the bar: nothing.
      expect(r.vesselness[5 * w + 32]).toBeLessThan(1e-3 * col[peak]!);
      // The same bar rotated by 90°: transposed answer (up to float rounding).
      const vert = darkBar(w, h, d, Math.PI / 2);
      const rv = be.hessianVesselness(vert, w, h, sigmas);
      for (let y = 8; y < 56; y += 5) {
        for (let x = 8; x < 56; x += 3) expect(rv.vesselness[x * w + y]).toBeCloseTo(r.vesselness[y * w + x]!, 4);
      }
      // At 30°: still a strong response on the line through the centre.
      const obl = be.hessianVesselness(darkBar(w, h, d, Math.PI / 6), w, h, sigmas);
      expect(obl.vesselness[32 * w + 32]).toBeGreaterThan(0.8 * col[peak]!);
    }
  });

  test('hessianVesselness: a dark blob scores far below a dark line of the same contrast and width', () => {
    const w = 64, h = 64;
    const img = new Float32Array(w * h).fill(200);
    const line = darkBar(w, h, 4, 0, 200, 80, 32, 16);
    for (let i = 0; i < w * h; i++) img[i] = line[i]!;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if ((x - 32) ** 2 + (y - 46) ** 2 <= 4) img[y * w + x] = 80;
    const r = be.hessianVesselness(img, w, h, [1, 2, 3]);
    expect(r.vesselness[46 * w + 32]).toBeLessThan(0.2 * r.vesselness[16 * w + 32]!);
  });

  test('hessianVesselness: relative c makes the output independent of contrast; absolute c does not', () => {
    const w = 48, h = 48;
    const a = darkBar(w, h, 3, 0.3);
    const b = Float32Array.from(a, (v) => 10 * v + 7);
    const ra = be.hessianVesselness(a, w, h, [1, 2]);
    const rb = be.hessianVesselness(b, w, h, [1, 2]);
    for (let i = 0; i < w * h; i += 7) expect(rb.vesselness[i]).toBeCloseTo(ra.vesselness[i]!, 4);
  });

  test('localNormalize: removes an illumination gradient and a contrast change; honours the mask', () => {
    const w = 80, h = 60;
    const tex = texture(w, h, 0, 0, 3);
    const lit = Float32Array.from(tex, (v, i) => (0.5 + (i % w) / w) * v + 40 * Math.floor(i / w) / h);
    const z = be.localNormalize(lit, null, w, h, 8, 0.01);
    // Normalised: local mean ~0 and local SD ~1 in the interior.
    let s = 0, s2 = 0, n = 0;
    for (let y = 15; y < 45; y++) for (let x = 20; x < 60; x++) { const v = z[y * w + x]!; s += v; s2 += v * v; n++; }
    expect(Math.abs(s / n)).toBeLessThan(0.15);
    expect(Math.sqrt(s2 / n - (s / n) ** 2)).toBeGreaterThan(0.7);
    expect(Math.sqrt(s2 / n - (s / n) ** 2)).toBeLessThan(1.3);
    // An affine change of the input leaves the output (nearly) unchanged.
    const z2 = be.localNormalize(Float32Array.from(lit, (v) => 3 * v + 50), null, w, h, 8, 0.01);
    for (let i = 0; i < w * h; i += 11) expect(z2[i]).toBeCloseTo(z[i]!, 3);
    // With a mask, what lies outside does not matter at all (bitwise), and the output there is 0.
    const mask = Uint8Array.from({ length: w * h }, (_, i) => ((i % w) - 40) ** 2 + (Math.floor(i / w) - 30) ** 2 < 25 ** 2 ? 1 : 0);
    const darkOut = Float32Array.from(lit, (v, i) => (mask[i] ? v : 0));
    const brightOut = Float32Array.from(lit, (v, i) => (mask[i] ? v : 255));
    const za = be.localNormalize(darkOut, mask, w, h, 8, 0.1);
    const zb = be.localNormalize(brightOut, mask, w, h, 8, 0.1);
    expect(Buffer.from(za.buffer).equals(Buffer.from(zb.buffer))).toBe(true);
    for (let i = 0; i < w * h; i++) if (!mask[i]) expect(za[i]).toBe(0);
  });

  test('fillOutside: inside unchanged; outside continues the border values layer by layer', () => {
    const w = 7, h = 5;
    const src = Float32Array.from({ length: w * h }, (_, i) => 10 * Math.floor(i / w) + (i % w));
    const mask = Uint8Array.from({ length: w * h }, (_, i) => (i % w < 3 ? 1 : 0));
    const f = be.fillOutside(src, mask, w, h);
    for (let i = 0; i < w * h; i++) if (mask[i]) expect(f[i]).toBe(src[i]);
    // Layer 1 (x = 3): mean of the known neighbours in column 2: rows y−1, y, y+1.
    expect(f[1 * w + 3]).toBeCloseTo((2 + 12 + 22) / 3, 5);
    expect(f[0 * w + 3]).toBeCloseTo((2 + 12) / 2, 5);
    // Layer 2 (x = 4) from layer 1 only.
    expect(f[2 * w + 4]).toBeCloseTo((f[1 * w + 3]! + f[2 * w + 3]! + f[3 * w + 3]!) / 3, 5);
    // A constant region extends as the constant; an empty mask gives zeros.
    const c = be.fillOutside(new Float32Array(w * h).fill(4.25), mask, w, h);
    expect([...c].every((v) => v === 4.25)).toBe(true);
    expect([...be.fillOutside(src, new Uint8Array(w * h), w, h)].every((v) => v === 0)).toBe(true);
  });

  test('minFilter equals a brute-force minimum over the clipped square window', () => {
    const w = 23, h = 17;
    const src = randomF32(w * h, 9, -5, 5);
    for (const r of [0, 1, 2, 5, 30]) {
      const m = be.minFilter(src, w, h, r);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let best = Infinity;
          for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) {
            for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) best = Math.min(best, src[yy * w + xx]!);
          }
          expect(m[y * w + x]).toBe(best);
        }
      }
    }
  });

  test('hysteresisThreshold: keeps weak pixels connected (8-way) to a strong one, drops the rest', () => {
    const w = 6, h = 3;
    const v = Float32Array.from([
      0.9, 0.5, 0.0, 0.0, 0.5, 0.5,
      0.0, 0.0, 0.5, 0.0, 0.0, 0.0,
      0.0, 0.0, 0.0, 0.5, 0.0, 0.7,
    ]);
    const m = be.hysteresisThreshold(v, w, h, 0.4, 0.8);
    expect([...m]).toEqual([
      1, 1, 0, 0, 0, 0,
      0, 0, 1, 0, 0, 0,
      0, 0, 0, 1, 0, 0,
    ]);
    // low = high: a plain threshold.
    expect(count(be.hysteresisThreshold(v, w, h, 0.5, 0.5))).toBe(7);
    expect(() => be.hysteresisThreshold(v, w, h, 0.9, 0.1)).toThrow(CoreError);
  });

  test('removeSmallComponents: areas counted 8-connected; the count of kept components', () => {
    const { m, w, h } = maskFrom([
      '#.....##..',
      '.....#....',
      '..........',
      '.##.......',
      '.#.#...###',
      '........##',
    ]);
    // Components: {0} size 1, {5,6 + diag} size 3, {(1,3),(2,3),(1,4),(3,4)} size 4, {7..9 rows 4-5} size 5.
    const r = be.removeSmallComponents(m, w, h, 4);
    expect(r.components).toBe(2);
    expect(count(r.mask)).toBe(9);
    expect(r.mask[0]).toBe(0);
    expect(be.removeSmallComponents(m, w, h, 0).components).toBe(4);
    expect(be.removeSmallComponents(m, w, h, 6).components).toBe(0);
  });

  test('thin: a thick horizontal bar becomes its middle row; a ring stays a ring', () => {
    const w = 40, h = 11;
    const bar = new Uint8Array(w * h);
    for (let y = 3; y <= 7; y++) for (let x = 5; x < 35; x++) bar[y * w + x] = 1;
    const s = be.thin(bar, w, h);
    for (let i = 0; i < w * h; i++) if (s[i]) expect(bar[i]).toBe(1); // subset of the input
    for (let x = 8; x < 32; x++) {
      const col = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].filter((y) => s[y * w + x]);
      expect(col).toEqual([5]);
    }
    expect(components8(s, w, h)).toBe(1);
    // Annulus: one component, one hole, and one pixel wide (every skeleton pixel has 2 neighbours).
    const W = 41, H = 41;
    const ring = Uint8Array.from({ length: W * H }, (_, i) => { const r = Math.hypot((i % W) - 20, Math.floor(i / W) - 20); return r >= 9 && r <= 14 ? 1 : 0; });
    const rs = be.thin(ring, W, H);
    expect(components8(rs, W, H)).toBe(1);
    const g = be.skeletonGraph(rs, W, H);
    expect(g.flags.length).toBe(1);
    expect(g.flags[0]).toBe(4); // one closed loop, no nodes
    const loopLen = g.offsets[1]! - 1;
    expect(loopLen).toBeGreaterThan(2 * Math.PI * 10.5 * 0.8);
    expect(loopLen).toBeLessThan(2 * Math.PI * 12.5);
    // Thinning is idempotent.
    expect([...be.thin(rs, W, H)]).toEqual([...rs]);
  });

  test('thin preserves 8-connected components of random blobs and is idempotent', () => {
    const w = 90, h = 70;
    const noise = be.gaussianBlur(randomF32(w * h, 42), w, h, 2.5);
    const m = Uint8Array.from(noise, (v) => (v > 130 ? 1 : 0));
    const s = be.thin(m, w, h);
    expect(components8(s, w, h)).toBe(components8(m, w, h));
    expect([...be.thin(s, w, h)]).toEqual([...s]);
  });

  test('skeletonGraph: a cross gives 4 segments meeting at the junction; a line gives one chain in order', () => {
    const { m, w, h } = maskFrom([
      '.........',
      '....#....',
      '....#....',
      '.#######.',
      '....#....',
      '....#....',
      '.........',
    ]);
    const g = be.skeletonGraph(m, w, h);
    expect(g.flags.length).toBe(4);
    const centre = 3 * w + 4;
    const chains = [0, 1, 2, 3].map((s) => [...g.pixels.subarray(g.offsets[s]!, g.offsets[s + 1]!)]);
    // Every chain runs from an end point to the junction (or back); all 4 touch the centre.
    for (const c of chains) expect(c.includes(centre)).toBe(true);
    expect(chains.map((c) => c.length - 1).sort()).toEqual([2, 2, 3, 3]);
    // Every skeleton pixel lies on some chain.
    const onChain = new Set(g.pixels);
    for (let i = 0; i < w * h; i++) if (m[i]) expect(onChain.has(i)).toBe(true);
    // A diagonal staircase line: one segment, no junction, pixels in path order.
    const line = maskFrom(['#.....', '.##...', '...#..', '....##']);
    const gl = be.skeletonGraph(line.m, line.w, line.h);
    expect([...gl.offsets]).toEqual([0, 6]);
    expect([...gl.flags]).toEqual([0]);
    expect([...gl.pixels]).toEqual([0, 7, 8, 15, 22, 23]);
    // Nothing: no segments.
    const none = be.skeletonGraph(new Uint8Array(12), 4, 3);
    expect([...none.offsets]).toEqual([0]);
    expect(none.pixels.length).toBe(0);
  });

  test('skeletonGraph: a staircase corner is not a junction (m-adjacency)', () => {
    const { m, w, h } = maskFrom([
      '#....',
      '##...',
      '.##..',
      '..##.',
      '...#.',
    ]);
    const g = be.skeletonGraph(m, w, h);
    expect(g.flags.length).toBe(1);
    expect(g.offsets[1]).toBe(8);
  });
});
