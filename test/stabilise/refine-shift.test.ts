/**
 * The registration refinement and residual moved from TypeScript into the core
 * (native/core/refine_shift.cpp). The TypeScript they replaced is kept here, verbatim up to
 * names, as the oracle: both backends must give its bits exactly (so the move changed no
 * track, no mean image, no result), and on a known sub-pixel shift the refinement must
 * find it.
 */
import { describe, expect, it } from 'vitest';
import { CoreError } from '../../src/backend/errors.js';
import type { CoreBackend } from '../../src/backend/types.js';
import {
  REFINE_MAX_CHANGE,
  REFINE_MAX_ITERATIONS,
  REFINE_SMOOTH_SIGMA,
  REFINE_TOLERANCE,
  refineShift,
  registrationGeometry,
  registrationResidual,
  type RegistrationGeometry,
} from '../../src/analysis/registration-image.js';
import { eachBackend, texture } from '../backend/helpers.js';

function innerPixels(g: RegistrationGeometry): { innerIndex: Int32Array; innerX: Int32Array } {
  const idx: number[] = [];
  for (let i = 0; i < g.inner.length; i++) if (g.inner[i] === 1) idx.push(i);
  return { innerIndex: Int32Array.from(idx), innerX: Int32Array.from(idx, (i) => i % g.width) };
}

// ---- The TypeScript implementation up to 0a842d6 (registration-image.ts) ----

/**
 * Bilinear sample of img at p + (dx, dy) for every pixel whose taps lie inside the image
 * (0 elsewhere; callers read only where innerTaps allows).
 */
function shifted(img: Float32Array, w: number, h: number, dx: number, dy: number, into?: Float32Array): Float32Array {
  const ix = Math.floor(dx), iy = Math.floor(dy);
  const fx = dx - ix, fy = dy - iy;
  const w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx), w11 = fy * fx;
  const out = into ?? new Float32Array(w * h);
  if (into !== undefined) out.fill(0);
  const x0 = Math.max(0, -ix), x1 = Math.min(w - 1, w - 2 - ix);
  const y0 = Math.max(0, -iy), y1 = Math.min(h - 1, h - 2 - iy);
  for (let y = y0; y <= y1; y++) {
    const o = y * w;
    const b = (y + iy) * w + ix;
    for (let x = x0; x <= x1; x++) {
      const p = b + x;
      out[o + x] = w00 * img[p]! + w01 * img[p + 1]! + w10 * img[p + w]! + w11 * img[p + w + 1]!;
    }
  }
  return out;
}

/**
 * The inner pixels i of the reference whose moving-image position (the pixel moved by the
 * whole part of the shift) has usable taps around it (innerTaps). Loops stay inline in the
 * callers: accumulating into closure variables would box every double in V8.
 */
function usable(g: RegistrationGeometry, ix: number, iy: number): Int32Array {
  const { width: w, height: h, innerTaps } = g;
  const { innerIndex, innerX } = innerPixels(g);
  const off = iy * w + ix;
  const n = w * h;
  const out = new Int32Array(innerIndex.length);
  let m = 0;
  for (let k = 0; k < innerIndex.length; k++) {
    const x = innerX[k]! + ix;
    if (x < 0 || x >= w) continue; // would wrap to another row
    const i = innerIndex[k]!;
    const p = i + off;
    if (p < 0 || p >= n || innerTaps[p] !== 1) continue;
    out[m++] = i;
  }
  return out.subarray(0, m);
}

/**
 * Sub-pixel refinement of a translation (Lucas & Kanade, IJCAI 1981, for a pure
 * translation; gradients averaged over both images as in efficient second-order
 * minimisation, Benhimane & Malis 2004). Phase correlation's sub-pixel step models the peak
 * as a sinc, which holds for a white spectrum; real (and phantom) frames are band-limited
 * and noisy, the peak broadens and the estimate is pulled towards whole pixels by up to
 * ~0.3 px. Starting from it, this minimises Σ (mov(p + d) − ref(p))² over the inner pixels
 * of both images (pre-smoothed by REFINE_SMOOTH_SIGMA), a few Gauss–Newton steps.
 * `ref` and `mov` are the pre-smoothed registration images; (dx, dy) downsampled px,
 * content-shift convention. Returns the start unchanged if the system is singular or the
 * refinement wanders off.
 */
function refineShiftReference(ref: Float32Array, mov: Float32Array, g: RegistrationGeometry, dx0: number, dy0: number): { dx: number; dy: number; iterations: number } {
  const { width: w, height: h } = g;
  let dx = dx0, dy = dy0;
  let it = 0;
  let idx: Int32Array = new Int32Array(0), lastIx = NaN, lastIy = NaN;
  // The reference's central differences do not change between iterations: computed once
  // (the same double as inside the sum, so results are unchanged), and one buffer serves
  // every iteration's shifted image.
  const refDx = new Float64Array(w * h), refDy = new Float64Array(w * h);
  for (const i of innerPixels(g).innerIndex) {
    refDx[i] = ref[i + 1]! - ref[i - 1]!;
    refDy[i] = ref[i + w]! - ref[i - w]!;
  }
  const M = new Float32Array(w * h);
  for (; it < REFINE_MAX_ITERATIONS; it++) {
    shifted(mov, w, h, dx, dy, M);
    let hxx = 0, hxy = 0, hyy = 0, bx = 0, by = 0;
    // innerTaps at the moving position covers the 4 neighbours and their taps, and inner
    // pixels of the reference are ≥ INNER_MARGIN from its edges: no read leaves either image.
    const ix = Math.floor(dx), iy = Math.floor(dy);
    if (ix !== lastIx || iy !== lastIy) {
      idx = usable(g, ix, iy);
      lastIx = ix;
      lastIy = iy;
    }
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      const gx = 0.25 * (refDx[i]! + M[i + 1]! - M[i - 1]!);
      const gy = 0.25 * (refDy[i]! + M[i + w]! - M[i - w]!);
      const e = ref[i]! - M[i]!;
      hxx += gx * gx;
      hxy += gx * gy;
      hyy += gy * gy;
      bx += gx * e;
      by += gy * e;
    }
    const det = hxx * hyy - hxy * hxy;
    if (!(det > 1e-12 * (hxx * hyy + 1e-300))) return { dx: dx0, dy: dy0, iterations: it };
    const ux = (hyy * bx - hxy * by) / det;
    const uy = (hxx * by - hxy * bx) / det;
    dx += ux;
    dy += uy;
    if (Math.abs(dx - dx0) > REFINE_MAX_CHANGE || Math.abs(dy - dy0) > REFINE_MAX_CHANGE) return { dx: dx0, dy: dy0, iterations: it + 1 };
    if (Math.abs(ux) < REFINE_TOLERANCE && Math.abs(uy) < REFINE_TOLERANCE) {
      it++;
      break;
    }
  }
  return { dx, dy, iterations: it };
}

/**
 * Residual of a registration: the moving image sampled at the measured shift (bilinear),
 * against the reference, over the usable inner pixels:
 * sqrt(Σ(a−b)² / (Σa² + Σb²)); 0 for identical images, ~1 for unrelated ones, null when
 * the overlap is empty. (dx, dy) in downsampled px, content-shift convention.
 */
function registrationResidualReference(ref: Float32Array, mov: Float32Array, g: RegistrationGeometry, dx: number, dy: number): number | null {
  const M = shifted(mov, g.width, g.height, dx, dy);
  const idx = usable(g, Math.floor(dx), Math.floor(dy));
  let num = 0, den = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    const r = ref[i]!, v = M[i]!;
    num += (r - v) * (r - v);
    den += r * r + v * v;
  }
  return den > 0 ? Math.sqrt(num / den) : null;
}

// ---- Tests ----

const W = 180;
const H = 100;

function setup(core: CoreBackend): RegistrationGeometry {
  // An overlay box masks and tapers part of the field, so inner and innerTaps have holes.
  return registrationGeometry(core, W, H, { left: 0, right: 0, top: 0, bottom: 0 }, [{ x: 120, y: 10, width: 40, height: 20 }], 1);
}

function pair(core: CoreBackend, g: RegistrationGeometry, dx: number, dy: number, seed = 7): [Float32Array, Float32Array] {
  const smooth = (img: Float32Array): Float32Array => {
    const c = new Float32Array(img.length);
    for (let i = 0; i < img.length; i++) c[i] = (img[i]! / 100 - 1) * g.weight[i]!;
    return core.gaussianBlur(c, g.width, g.height, REFINE_SMOOTH_SIGMA);
  };
  return [smooth(texture(W, H, 0, 0, seed)), smooth(texture(W, H, dx, dy, seed))];
}

describe.each(eachBackend().map((b) => [b.name, b] as const))('%s backend: refineShift and registrationResidual', (_name, core) => {
  it('give bitwise the TypeScript original on shifted textures, from several starts', () => {
    const g = setup(core);
    for (const [dx, dy, seed] of [[0.37, -1.21, 7], [-2.6, 0.45, 11], [3.05, 2.7, 5], [0, 0, 9]] as const) {
      const [ref, mov] = pair(core, g, dx, dy, seed);
      for (const [sx, sy] of [[Math.round(dx), Math.round(dy)], [dx + 0.3, dy - 0.2], [dx - 1.4, dy]]) {
        const got = refineShift(core, ref, mov, g, sx, sy);
        const want = refineShiftReference(ref, mov, g, sx, sy);
        expect(Object.is(got.dx, want.dx) && Object.is(got.dy, want.dy), `shift ${dx},${dy} from ${sx},${sy}: ${got.dx},${got.dy} vs ${want.dx},${want.dy}`).toBe(true);
        expect(got.iterations).toBe(want.iterations);
        const r = registrationResidual(core, ref, mov, g, got.dx, got.dy);
        expect(Object.is(r, registrationResidualReference(ref, mov, g, got.dx, got.dy))).toBe(true);
      }
    }
  });

  it('finds a known sub-pixel shift from the whole-pixel start to 0.02 px, and its residual is small', () => {
    const g = setup(core);
    const [ref, mov] = pair(core, g, 1.37, -0.62);
    const r = refineShift(core, ref, mov, g, 1, -1);
    expect(Math.abs(r.dx - 1.37)).toBeLessThan(0.02);
    expect(Math.abs(r.dy + 0.62)).toBeLessThan(0.02);
    expect(r.iterations).toBeGreaterThan(0);
    expect(r.iterations).toBeLessThanOrEqual(REFINE_MAX_ITERATIONS);
    const refined = registrationResidual(core, ref, mov, g, r.dx, r.dy)!;
    expect(refined).toBeLessThan(0.02);
    expect(registrationResidual(core, ref, mov, g, 1, -1)!).toBeGreaterThan(3 * refined);
  });

  it('returns the start on a flat image (singular system), and null residual without usable pixels', () => {
    const g = setup(core);
    const flat = new Float32Array(W * H);
    const r = refineShift(core, flat, flat, g, 0.4, -0.3);
    expect(r).toEqual({ dx: 0.4, dy: -0.3, iterations: 0 });
    const none = new Uint8Array(W * H);
    expect(core.registrationResidual(flat, flat, none, none, W, H, 0, 0)).toBeNull();
  });

  it('returns the start when the refinement would move it further than maxChange', () => {
    const g = setup(core);
    const [ref, mov] = pair(core, g, 1.37, -0.62);
    const o = { tolerance: REFINE_TOLERANCE, maxIterations: REFINE_MAX_ITERATIONS, maxChange: 0.05 };
    // The true shift is ~0.4 px from this start: the first step already leaves the 0.05-px leash.
    expect(core.refineShift(ref, mov, g.inner, g.innerTaps, g.width, g.height, 1, -1, o)).toEqual({ dx: 1, dy: -1, iterations: 1 });
    // With the engine's leash (REFINE_MAX_CHANGE) the same start refines.
    const r = refineShift(core, ref, mov, g, 1, -1);
    expect(Math.abs(r.dx - 1) + Math.abs(r.dy + 1)).toBeGreaterThan(0.2);
  });

  it('refuses bad arguments with a typed error, never a crash', () => {
    const g = setup(core);
    const [ref, mov] = pair(core, g, 0.5, 0.5);
    const o = { tolerance: REFINE_TOLERANCE, maxIterations: REFINE_MAX_ITERATIONS, maxChange: REFINE_MAX_CHANGE };
    expect(() => core.refineShift(ref, mov.subarray(1), g.inner, g.innerTaps, W, H, 0, 0, o)).toThrow(CoreError);
    expect(() => core.refineShift(ref, mov, g.inner, g.innerTaps, W, H, Number.NaN, 0, o)).toThrow(CoreError);
    expect(() => core.refineShift(ref, mov, g.inner, g.innerTaps, W, H, 0, 0, { ...o, maxIterations: -1 })).toThrow(CoreError);
    expect(() => core.refineShift(ref, mov, g.inner, g.innerTaps, W, H, 0, 0, { ...o, tolerance: 0 })).toThrow(CoreError);
    const bad = ref.slice();
    bad[5] = Number.POSITIVE_INFINITY;
    expect(() => core.registrationResidual(bad, mov, g.inner, g.innerTaps, W, H, 0, 0)).toThrow(CoreError);
    expect(() => core.registrationResidual(ref, mov, g.inner, g.innerTaps.subarray(3), W, H, 0, 0)).toThrow(CoreError);
  });
});
