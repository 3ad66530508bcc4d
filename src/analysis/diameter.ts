/**
 * Vessel diameter from cross-section profiles, by fitting a blurred-cylinder model.
 *
 * Why a model and not the full width at half maximum: at 0.7–1.8 µm/px a capillary is 3–8 px
 * wide and the optics blur it by about 1 px; the FWHM of a blurred profile overstates thin
 * vessels and understates dark, saturated ones. In green light haemoglobin absorbs, so the
 * optical density −ln(I) of a vessel is proportional to the chord of light through a
 * cylinder, c(u) = 2·√(R² − u²) (Beer–Lambert), blurred by the point-spread function of the
 * optics (a Gaussian of σ). The profile model, in optical density, is
 *
 *     y(u) = b0 + b1·u + a · (c_R ⊗ G_σ)(u − u0)
 *
 * with a linear background (the tissue's brightness and its gradient across the vessel: in
 * −ln the multiplicative illumination becomes additive). b0, b1, a enter linearly and are
 * solved by least squares inside the search over u0, R, σ (variable projection, Golub &
 * Pereyra 1973); the search is Nelder & Mead (1965). The cylinder is written as a stack of
 * CHORD_LEVELS bars of decreasing width so that its convolution with a Gaussian is a sum of
 * error functions (exact for the stack, within 1 % of the true chord profile).
 * This is the model of Lowell et al. 2004 (IEEE TMI 23:1196, retinal vessel width by fitting
 * a blurred profile model), with the cylinder chord in place of their Gaussian.
 *
 * Profiles are taken along the physical normal (x and y scales applied, so non-square
 * pixels give the same diameter along x and y), averaged over a few stations along the
 * centerline (a bundle, to beat the tissue texture) and fitted; the diameter is the median
 * over the bundles of the vessel's interior (away from its junctions), with its range.
 */
import type { PixelScale, PointPx } from '../metrics/types.js';

/** Profile sample spacing, in px of the image (quarter-pixel sampling is finer than the blur). */
export const PROFILE_STEP_PX = 0.5;
/** Stations along the centerline averaged into one fitted profile. */
export const STATIONS_PER_BUNDLE = 6;
/** Station spacing along the centerline, px. */
export const STATION_SPACING_PX = 1;
/**
 * At most this many bundles are fitted per vessel, spread evenly along it: the median of a
 * dozen fits is as stable as that of fifty (the fits dominate the vessel map's time on long
 * venules), and the range still spans the vessel.
 */
export const MAX_BUNDLES_PER_VESSEL = 12;
/** Bars in the stacked-cylinder approximation. */
export const CHORD_LEVELS = 12;
/** Profile half-length beyond the vessel's first-estimate edge, in diameters (the background each side). */
export const BACKGROUND_SPAN_DIAMETERS = 0.8;
/** …and at least this many px of background each side. */
export const BACKGROUND_MIN_PX = 4;
/** Junctions disturb profiles within this many diameters of them. */
export const JUNCTION_CLEARANCE_DIAMETERS = 1;

export interface DiameterMeasurement {
  /** Median over the interior bundles, µm. */
  diameterUm: number;
  /** [min, max] over the bundles, µm. */
  rangeUm: [number, number];
  /** Bundles fitted. */
  bundles: number;
  /** Median fitted blur σ, µm. */
  blurSigmaUm: number;
}

export interface DiameterOptions {
  /** First estimate of the diameter, µm (from the vesselness scale). */
  firstEstimateUm: number;
  /** Points of the polyline near which profiles are skipped (junctions, joins), px. */
  avoid?: readonly PointPx[];
}

/**
 * Measures a vessel's diameter on an image (grey levels, vessels dark) along its centerline
 * polyline (px). Returns null when no bundle could be fitted (too short, at the image edge).
 */
export function measureDiameter(
  image: Float32Array,
  width: number,
  height: number,
  polyline: readonly PointPx[],
  scale: PixelScale,
  o: DiameterOptions,
): DiameterMeasurement | null {
  const { umPerPxX: sx, umPerPxY: sy } = scale;
  const umPx = Math.sqrt(sx * sy);
  const dEstUm = Math.max(o.firstEstimateUm, 2 * umPx);
  const stations = stationsAlong(polyline, STATION_SPACING_PX);
  const clearancePx = (JUNCTION_CLEARANCE_DIAMETERS * dEstUm) / umPx + 1;
  const avoid = o.avoid ?? [];
  const halfUm = dEstUm / 2 + Math.max(BACKGROUND_SPAN_DIAMETERS * dEstUm, BACKGROUND_MIN_PX * umPx);
  const stepUm = PROFILE_STEP_PX * umPx;
  const K = Math.ceil(halfUm / stepUm);
  const offsetsUm = Array.from({ length: 2 * K + 1 }, (_, k) => (k - K) * stepUm);

  const profiles: number[][] = [];
  let bundle: Float64Array | null = null;
  let inBundle = 0;
  const flush = (): void => {
    if (bundle !== null && inBundle === STATIONS_PER_BUNDLE) profiles.push(Array.from(bundle, (v) => v / inBundle));
    bundle = null;
    inBundle = 0;
  };
  for (const st of stations) {
    const [px, py] = st.p;
    if (avoid.some((q) => Math.hypot(q[0] - px, q[1] - py) < clearancePx)) {
      flush();
      continue;
    }
    // Physical tangent → physical normal → px step per µm along it.
    const tx = st.t[0] * sx;
    const ty = st.t[1] * sy;
    const tl = Math.hypot(tx, ty);
    const nx = -ty / tl / sx; // px per µm along the normal, x
    const ny = tx / tl / sy;
    const prof = new Float64Array(offsetsUm.length);
    let ok = true;
    for (let k = 0; k < offsetsUm.length; k++) {
      const v = bilinear(image, width, height, px + offsetsUm[k]! * nx, py + offsetsUm[k]! * ny);
      if (v === null) {
        ok = false;
        break;
      }
      prof[k] = -Math.log(Math.max(v, 0.5));
    }
    if (!ok) {
      flush();
      continue;
    }
    if (bundle === null) bundle = new Float64Array(offsetsUm.length);
    for (let k = 0; k < prof.length; k++) bundle[k]! += prof[k]!;
    inBundle++;
    if (inBundle === STATIONS_PER_BUNDLE) flush();
  }
  const n = profiles.length;
  const chosen = n <= MAX_BUNDLES_PER_VESSEL ? profiles : Array.from({ length: MAX_BUNDLES_PER_VESSEL }, (_, k) => profiles[Math.floor(((k + 0.5) * n) / MAX_BUNDLES_PER_VESSEL)]!);
  const fits: { d: number; s: number }[] = [];
  for (const prof of chosen) {
    const f = fitProfile(offsetsUm, prof, dEstUm, umPx);
    if (f !== null) fits.push({ d: 2 * f.radiusUm, s: f.sigmaUm });
  }
  if (fits.length === 0) return null;
  const ds = fits.map((f) => f.d).sort((a, b) => a - b);
  const ss = fits.map((f) => f.s).sort((a, b) => a - b);
  return { diameterUm: median(ds), rangeUm: [ds[0]!, ds[ds.length - 1]!], bundles: fits.length, blurSigmaUm: median(ss) };
}

interface Station {
  p: PointPx;
  /** Unit tangent, px. */
  t: PointPx;
}

/** Points every `spacing` px of arc along the polyline, with the local tangent (over ±2 px of arc). */
export function stationsAlong(polyline: readonly PointPx[], spacing: number): Station[] {
  const n = polyline.length;
  if (n < 2) return [];
  const cum = [0];
  for (let k = 1; k < n; k++) cum.push(cum[k - 1]! + Math.hypot(polyline[k]![0] - polyline[k - 1]![0], polyline[k]![1] - polyline[k - 1]![1]));
  const total = cum[n - 1]!;
  const at = (s: number): PointPx => {
    const c = Math.min(Math.max(s, 0), total);
    let k = 1;
    while (k < n - 1 && cum[k]! < c) k++;
    const seg = cum[k]! - cum[k - 1]!;
    const f = seg > 0 ? (c - cum[k - 1]!) / seg : 0;
    return [polyline[k - 1]![0] + f * (polyline[k]![0] - polyline[k - 1]![0]), polyline[k - 1]![1] + f * (polyline[k]![1] - polyline[k - 1]![1])];
  };
  const out: Station[] = [];
  for (let s = spacing / 2; s < total; s += spacing) {
    const a = at(s - 2);
    const b = at(s + 2);
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const l = Math.hypot(dx, dy);
    if (l === 0) continue;
    out.push({ p: at(s), t: [dx / l, dy / l] });
  }
  return out;
}

function bilinear(img: Float32Array, w: number, h: number, x: number, y: number): number | null {
  if (!(x >= 0 && y >= 0 && x <= w - 1 && y <= h - 1)) return null;
  const x0 = Math.min(Math.floor(x), w - 2);
  const y0 = Math.min(Math.floor(y), h - 2);
  const fx = x - x0;
  const fy = y - y0;
  const i = y0 * w + x0;
  const v00 = img[i]!;
  const v10 = img[i + 1]!;
  const v01 = img[i + w]!;
  const v11 = img[i + w + 1]!;
  if (v00 <= 0 || v10 <= 0 || v01 <= 0 || v11 <= 0) return null; // outside the stabilised mean's coverage
  return (v00 * (1 - fx) + v10 * fx) * (1 - fy) + (v01 * (1 - fx) + v11 * fx) * fy;
}

export interface ProfileFit {
  centreUm: number;
  radiusUm: number;
  sigmaUm: number;
  amplitude: number;
  /** Residual RMS, optical density. */
  rms: number;
}

/** Half-widths of the stacked bars, as fractions of R: √(1 − ℓ²) at ℓ = (i + ½)/L. */
const LEVEL_HALF_WIDTHS = Float64Array.from({ length: CHORD_LEVELS }, (_, i) => {
  const l = (i + 0.5) / CHORD_LEVELS;
  return Math.sqrt(1 - l * l);
});

/** (c_R ⊗ G_σ)(u) / (2R): the blurred cylinder chord, peak ≈ 1 when σ ≪ R. */
export function blurredChord(u: number, radius: number, sigma: number): number {
  const k = 1 / (Math.SQRT2 * sigma);
  let acc = 0;
  for (const hw of LEVEL_HALF_WIDTHS) {
    const a = hw * radius;
    acc += erf((u + a) * k) - erf((u - a) * k);
  }
  return acc / (2 * CHORD_LEVELS);
}

/**
 * blurredChord(u0 + i·h − centre, radius, sigma) for i = 0 … out.length − 1, into out.
 *
 * Why not blurredChord per sample: the fit evaluates the model at every sample of the profile
 * some 150 times, and the exponential inside erf was the diameter stage's largest cost. On an
 * evenly spaced profile, erf's arguments x_i = x_0 + i·δ step evenly too, so
 * e^{−x_i²} follows the recurrence e_{i+1} = e_i·g_i, g_{i+1} = g_i·e^{−2δ²} (three exps per
 * level instead of one per sample). It is run outwards from the sample nearest x = 0, where
 * |x| only grows, so an underflow to 0 is where the true value underflows. Agrees with
 * blurredChord to ~1e−14 (test/vessels/diameter.test.ts); fitted diameters move by < 1e−5 µm.
 */
export function blurredChordOnGrid(u0: number, h: number, centre: number, radius: number, sigma: number, out: Float64Array): void {
  const n = out.length;
  const k = 1 / (Math.SQRT2 * sigma);
  out.fill(0);
  // Indexed loops, no iterator or temporary arrays: the fit calls this ~150 times a profile.
  for (let l = 0; l < CHORD_LEVELS; l++) {
    const a = LEVEL_HALF_WIDTHS[l]! * radius;
    addErfRamp(out, (u0 - centre + a) * k, h * k, 1);
    addErfRamp(out, (u0 - centre - a) * k, h * k, -1);
  }
  const norm = 2 * CHORD_LEVELS;
  for (let i = 0; i < n; i++) out[i]! /= norm;
}

/** out[i] += sign · erf(x0 + i·dx), with erf as in erf() and its exponential by recurrence. */
function addErfRamp(out: Float64Array, x0: number, dx: number, sign: number): void {
  const n = out.length;
  const q = Math.exp(-2 * dx * dx);
  const nearest = dx !== 0 ? Math.min(n - 1, Math.max(0, Math.round(-x0 / dx))) : 0;
  // Outwards from the sample nearest x = 0: first upwards from it, then downwards below it.
  for (let pass = 0; pass < 2; pass++) {
    const dir = pass === 0 ? 1 : -1;
    const start = pass === 0 ? nearest : nearest - 1;
    if (start < 0) continue;
    const xs = x0 + start * dx;
    const d = dir * dx;
    let e = Math.exp(-xs * xs);
    let g = Math.exp(-2 * xs * d - d * d);
    for (let i = start; i >= 0 && i < n; i += dir) {
      const x = x0 + i * dx;
      out[i]! += sign * erfGivenExp(x, e);
      e *= g;
      g *= q;
    }
  }
}

/**
 * Fits the profile model to samples y at offsets u (µm). Returns null when the fit is not a
 * dark vessel (amplitude ≤ 0) or runs to a bound.
 */
export function fitProfile(u: readonly number[], y: readonly number[], dEstUm: number, umPx: number): ProfileFit | null {
  const rMin = 0.5 * umPx;
  const rMax = 2 * dEstUm;
  const sMin = 0.25 * umPx;
  const sMax = 4 * umPx;
  const cMax = dEstUm / 2 + umPx;
  const n = u.length;
  const step = evenStep(u);
  const m = new Float64Array(n);
  const lin = new LeastSquares3(u, y);
  const cost = (p: readonly number[]): { ss: number; a: number } => {
    const [c, r, s] = p as [number, number, number];
    if (Math.abs(c) > cMax || r < rMin || r > rMax || s < sMin || s > sMax) return { ss: Infinity, a: 0 };
    if (step !== null) blurredChordOnGrid(u[0]!, step, c, r, s, m);
    else for (let i = 0; i < n; i++) m[i] = blurredChord(u[i]! - c, r, s);
    return lin.solve(m) ? { ss: lin.ss, a: lin.coef[2] } : { ss: Infinity, a: 0 };
  };
  const start = [0, dEstUm / 2, Math.max(sMin, umPx)];
  const best = nelderMead((p) => cost(p).ss, start, [umPx / 2, dEstUm / 4, umPx / 2], 200);
  const [c, r, s] = best.x as [number, number, number];
  const { ss, a } = cost(best.x);
  if (!Number.isFinite(ss) || a <= 0) return null;
  if (r <= rMin * 1.01 || r >= rMax * 0.99) return null;
  return { centreUm: c, radiusUm: r, sigmaUm: s, amplitude: a, rms: Math.sqrt(ss / u.length) };
}

/** The spacing of evenly spaced offsets (to 1e−9 of the span), or null. */
function evenStep(u: readonly number[]): number | null {
  const n = u.length;
  if (n < 2) return null;
  const h = (u[n - 1]! - u[0]!) / (n - 1);
  const tol = 1e-9 * Math.max(Math.abs(u[0]!), Math.abs(u[n - 1]!), 1e-300);
  for (let i = 1; i < n - 1; i++) if (Math.abs(u[i]! - (u[0]! + i * h)) > tol) return null;
  return h;
}

/**
 * Least squares of y on [1, u, m] for a fixed u and y and a model column m that changes with
 * every call: the coefficients and the residual sum of squares, or false when singular.
 * Normal equations, solved by Gaussian elimination with partial pivoting; one buffer serves
 * every call (the fit calls it ~150 times per profile).
 */
class LeastSquares3 {
  readonly coef: [number, number, number] = [0, 0, 0];
  ss = 0;
  private readonly A = [new Float64Array(4), new Float64Array(4), new Float64Array(4)];
  constructor(
    private readonly u: readonly number[],
    private readonly y: readonly number[],
  ) {}

  solve(m: Float64Array): boolean {
    const { u, y } = this;
    const A = this.A.slice();
    for (const row of A) row.fill(0);
    const [r0, r1, r2] = A as [Float64Array, Float64Array, Float64Array];
    for (let k = 0; k < u.length; k++) {
      const uk = u[k]!;
      const mk = m[k]!;
      const yk = y[k]!;
      r0[0]! += 1;
      r0[1]! += uk;
      r0[2]! += mk;
      r0[3]! += yk;
      r1[0]! += uk;
      r1[1]! += uk * uk;
      r1[2]! += uk * mk;
      r1[3]! += uk * yk;
      r2[0]! += mk;
      r2[1]! += mk * uk;
      r2[2]! += mk * mk;
      r2[3]! += mk * yk;
    }
    for (let col = 0; col < 3; col++) {
      let piv = col;
      for (let r = col + 1; r < 3; r++) if (Math.abs(A[r]![col]!) > Math.abs(A[piv]![col]!)) piv = r;
      if (Math.abs(A[piv]![col]!) < 1e-12) return false;
      [A[col], A[piv]] = [A[piv]!, A[col]!];
      for (let r = 0; r < 3; r++) {
        if (r === col) continue;
        const f = A[r]![col]! / A[col]![col]!;
        for (let j = col; j < 4; j++) A[r]![j]! -= f * A[col]![j]!;
      }
    }
    this.coef[0] = A[0]![3]! / A[0]![0]!;
    this.coef[1] = A[1]![3]! / A[1]![1]!;
    this.coef[2] = A[2]![3]! / A[2]![2]!;
    let ss = 0;
    for (let k = 0; k < u.length; k++) {
      const e = y[k]! - (this.coef[0] + this.coef[1] * u[k]! + this.coef[2] * m[k]!);
      ss += e * e;
    }
    this.ss = ss;
    return true;
  }
}

/** Nelder–Mead simplex minimisation (Nelder & Mead 1965), standard coefficients. */
export function nelderMead(f: (x: readonly number[]) => number, x0: readonly number[], steps: readonly number[], maxIter: number): { x: number[]; f: number } {
  const n = x0.length;
  let simplex = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const x = x0.slice();
    x[i]! += steps[i]!;
    simplex.push(x);
  }
  let values = simplex.map(f);
  for (let it = 0; it < maxIter; it++) {
    const order = values.map((v, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
    simplex = order.map((i) => simplex[i]!);
    values = order.map((i) => values[i]!);
    if (Math.abs(values[n]! - values[0]!) <= 1e-10 * (Math.abs(values[0]!) + 1e-12)) break;
    const centroid = Array.from({ length: n }, (_, j) => simplex.slice(0, n).reduce((acc, x) => acc + x[j]!, 0) / n);
    const worst = simplex[n]!;
    const along = (t: number): number[] => centroid.map((c, j) => c + t * (worst[j]! - c));
    const xr = along(-1);
    const fr = f(xr);
    if (fr < values[0]!) {
      const xe = along(-2);
      const fe = f(xe);
      if (fe < fr) {
        simplex[n] = xe;
        values[n] = fe;
      } else {
        simplex[n] = xr;
        values[n] = fr;
      }
    } else if (fr < values[n - 1]!) {
      simplex[n] = xr;
      values[n] = fr;
    } else {
      const xc = fr < values[n]! ? along(-0.5) : along(0.5);
      const fc = f(xc);
      if (fc < Math.min(fr, values[n]!)) {
        simplex[n] = xc;
        values[n] = fc;
      } else {
        for (let i = 1; i <= n; i++) {
          simplex[i] = simplex[i]!.map((v, j) => simplex[0]![j]! + 0.5 * (v - simplex[0]![j]!));
          values[i] = f(simplex[i]!);
        }
      }
    }
  }
  let bi = 0;
  for (let i = 1; i <= n; i++) if (values[i]! < values[bi]!) bi = i;
  return { x: simplex[bi]!, f: values[bi]! };
}

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), odd extension. */
export function erf(x: number): number {
  return erfGivenExp(x, Math.exp(-x * x));
}

/** erf(x) by Abramowitz & Stegun 7.1.26, given e = e^{−x²}. */
function erfGivenExp(x: number, e: number): number {
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * e;
  return x < 0 ? -y : y;
}

function median(sorted: readonly number[]): number {
  const h = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}
