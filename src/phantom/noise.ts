/**
 * Smooth random fields for the phantom: value noise on a regular lattice, interpolated with
 * the uniform cubic B-spline (C² smooth, no overshoot). The field is a continuous function
 * of position, so a frame can sample it at any sub-pixel offset (camera jitter is rendered
 * by sampling the scene at shifted coordinates, never by resampling a bitmap).
 *
 * `addGrid` evaluates the field on a whole translated pixel grid separably (a row pass over
 * the lattice rows that are needed, then a column pass), which costs ~8 multiply-adds per
 * pixel instead of 16 lookups.
 */
import type { Rng } from './prng.js';

/** B-spline weights for fractional position t in [0, 1), lattice nodes i−1 … i+2. */
export function bsplineWeights(t: number, out: Float64Array, offset: number): void {
  const t2 = t * t;
  const t3 = t2 * t;
  const u = 1 - t;
  out[offset] = (u * u * u) / 6;
  out[offset + 1] = (3 * t3 - 6 * t2 + 4) / 6;
  out[offset + 2] = (-3 * t3 + 3 * t2 + 3 * t + 1) / 6;
  out[offset + 3] = t3 / 6;
}

/** A 2-D value-noise field covering [x0, x0 + nx·spacing] × [y0, y0 + ny·spacing]. */
export class ValueNoise2D {
  readonly x0: number;
  readonly y0: number;
  readonly spacing: number;
  readonly nx: number;
  readonly ny: number;
  /** Lattice values, row-major (ny rows of nx), roughly unit variance before interpolation. */
  readonly lattice: Float32Array;
  private readonly wx = new Float64Array(4);
  private readonly wy = new Float64Array(4);

  /**
   * @param x0,y0 lower corner of the area the field must cover (any units, usually µm)
   * @param width,height extent of that area
   * @param spacing lattice spacing (the field's correlation length is ~1 spacing)
   */
  constructor(rng: Rng, x0: number, y0: number, width: number, height: number, spacing: number) {
    this.spacing = spacing;
    // Two extra nodes before and after so the cubic support never leaves the lattice.
    this.x0 = x0 - 2 * spacing;
    this.y0 = y0 - 2 * spacing;
    this.nx = Math.ceil(width / spacing) + 6;
    this.ny = Math.ceil(height / spacing) + 6;
    this.lattice = new Float32Array(this.nx * this.ny);
    for (let i = 0; i < this.lattice.length; i++) this.lattice[i] = rng.normalFast();
  }

  /** The field at one point (clamped to the lattice at its edges). Allocation-free. */
  sample(x: number, y: number): number {
    const fx = (x - this.x0) / this.spacing;
    const fy = (y - this.y0) / this.spacing;
    let ix = Math.floor(fx);
    let iy = Math.floor(fy);
    let tx = fx - ix;
    let ty = fy - iy;
    if (ix < 1) {
      ix = 1;
      tx = 0;
    } else if (ix > this.nx - 3) {
      ix = this.nx - 3;
      tx = 0;
    }
    if (iy < 1) {
      iy = 1;
      ty = 0;
    } else if (iy > this.ny - 3) {
      iy = this.ny - 3;
      ty = 0;
    }
    const wx = this.wx;
    const wy = this.wy;
    bsplineWeights(tx, wx, 0);
    bsplineWeights(ty, wy, 0);
    const lat = this.lattice;
    let v = 0;
    for (let b = 0; b < 4; b++) {
      const row = (iy - 1 + b) * this.nx + ix - 1;
      v += wy[b]! * (wx[0]! * lat[row]! + wx[1]! * lat[row + 1]! + wx[2]! * lat[row + 2]! + wx[3]! * lat[row + 3]!);
    }
    return v;
  }

  /**
   * out[j·width + i] += amp · field(xStart + i·xStep, yStart + j·yStep) for a width×height grid.
   * Separable: exact same values as `sample` at those points (up to summation order).
   */
  addGrid(
    out: Float32Array,
    width: number,
    height: number,
    xStart: number,
    xStep: number,
    yStart: number,
    yStep: number,
    amp: number,
  ): void {
    const nx = this.nx;
    const colIdx = new Int32Array(width);
    const colW = new Float64Array(width * 4);
    for (let i = 0; i < width; i++) {
      const fx = (xStart + i * xStep - this.x0) / this.spacing;
      let ix = Math.floor(fx);
      let tx = fx - ix;
      if (ix < 1) {
        ix = 1;
        tx = 0;
      } else if (ix > nx - 3) {
        ix = nx - 3;
        tx = 0;
      }
      colIdx[i] = ix - 1;
      bsplineWeights(tx, colW, i * 4);
    }
    const rowIdx = new Int32Array(height);
    const rowW = new Float64Array(height * 4);
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = 0; j < height; j++) {
      const fy = (yStart + j * yStep - this.y0) / this.spacing;
      let iy = Math.floor(fy);
      let ty = fy - iy;
      if (iy < 1) {
        iy = 1;
        ty = 0;
      } else if (iy > this.ny - 3) {
        iy = this.ny - 3;
        ty = 0;
      }
      rowIdx[j] = iy - 1;
      bsplineWeights(ty, rowW, j * 4);
      if (iy - 1 < lo) lo = iy - 1;
      if (iy + 2 > hi) hi = iy + 2;
    }
    if (height === 0 || width === 0) return;
    // Row pass: horizontal interpolation of every lattice row that is needed.
    const nRows = hi - lo + 1;
    const tmp = new Float64Array(nRows * width);
    const lat = this.lattice;
    for (let r = 0; r < nRows; r++) {
      const base = (lo + r) * nx;
      const o = r * width;
      for (let i = 0; i < width; i++) {
        const k = base + colIdx[i]!;
        const w = i * 4;
        tmp[o + i] = colW[w]! * lat[k]! + colW[w + 1]! * lat[k + 1]! + colW[w + 2]! * lat[k + 2]! + colW[w + 3]! * lat[k + 3]!;
      }
    }
    // Column pass.
    for (let j = 0; j < height; j++) {
      const r0 = (rowIdx[j]! - lo) * width;
      const w = j * 4;
      const w0 = rowW[w]! * amp;
      const w1 = rowW[w + 1]! * amp;
      const w2 = rowW[w + 2]! * amp;
      const w3 = rowW[w + 3]! * amp;
      const o = j * width;
      for (let i = 0; i < width; i++) {
        const k = r0 + i;
        out[o + i] += w0 * tmp[k]! + w1 * tmp[k + width]! + w2 * tmp[k + 2 * width]! + w3 * tmp[k + 3 * width]!;
      }
    }
  }
}

/**
 * Standard deviation of B-spline-interpolated unit-variance white lattice noise, averaged
 * over positions: used to normalise fields to a requested amplitude. (Σ w² averaged over t,
 * per axis ≈ 0.4794; in 2-D its square ≈ 0.2298.)
 */
export const BSPLINE_NOISE_SD_2D = 0.4794;
