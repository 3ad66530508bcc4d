/**
 * Renders the phantom scene: what an SDF/IDF camera sees of the tissue at time t, with the
 * camera's field shifted by a sub-pixel offset. The scene is evaluated analytically at the
 * shifted sample positions (never by resampling a bitmap), so camera motion is exact.
 *
 * Image model (green light, haemoglobin absorbs):
 *   I(x, y, t) = level × illumination(sensor x, y) × tissue(tissue x, y) × exp(−OD(tissue x, y, t))
 * - tissue: bright mottled background, four octaves of B-spline value noise (160, 45, 12,
 *   3.2 µm), moves with the tissue;
 * - illumination: vignetting, a gradient and a broad unevenness, fixed to the sensor;
 * - OD: optical density of the vessels. A vessel of diameter D has a cylinder chord
 *   c(d) = D·√(1 − (d/R)²) at distance d from its centerline (box-averaged over the pixel
 *   width for anti-aliasing); the absorbing chord is c × (plasma + (1 − plasma) × ρ), with ρ
 *   the local RBC filling, and OD = odMax × c′/(c′ + c0) (saturating: wide venules are dark,
 *   not black) × depth contrast. Capillaries carry single-file RBCs (smooth flat-topped
 *   blobs 6–9 µm long with plasma gaps) whose centres sit at u_i + X(t), X(t) = ∫v dt
 *   exactly; venules and deep vessels carry a granular 2-D texture advected the same way.
 * - depth: each vessel belongs to one of three depth layers; each layer is rasterised on
 *   its own buffer (vessels within a layer combine by maximum, so junctions do not double
 *   up) and blurred with its own separable Gaussian (blur.ts), then the layers' ODs add.
 *
 * Per frame each vessel is rasterised only inside its own bounding box, piece by piece.
 */
import type { PixelScale } from '../metrics/types.js';
import { gaussianBlur } from './blur.js';
import { clamp, dexp, smoothstep } from './dmath.js';
import { displacementAt, type VesselFlow } from './flow.js';
import type { Point } from './geometry.js';
import { bbox, cumulativeLength } from './geometry.js';
import { FADE_UM, type NetworkVessel, type VascularNetwork } from './network.js';
import { BSPLINE_NOISE_SD_2D, ValueNoise2D } from './noise.js';
import type { Rng } from './prng.js';

export interface RenderSettings {
  width: number;
  height: number;
  scale: PixelScale;
  /** Mean background grey level before illumination falloff (0–255). */
  level: number;
  /** Scale of the background mottling (1 = default amplitudes). */
  mottle: number;
  /** Illumination: vignetting depth (0–1), linear gradient amplitude, broad unevenness. */
  vignetting: number;
  gradient: number;
  unevenness: number;
  /** Scale of vessel optical density (1 = default). */
  vesselContrast: number;
  /** Extra defocus blur, µm (Gaussian σ added in quadrature to every layer). */
  defocusUm: number;
  /** Mean plasma gap between RBCs in capillaries, µm. */
  rbcGapUm: number;
}

export const defaultRenderSettings: Omit<RenderSettings, 'width' | 'height' | 'scale'> = {
  level: 150,
  mottle: 1,
  vignetting: 0.22,
  gradient: 0.14,
  unevenness: 0.07,
  vesselContrast: 1,
  defocusUm: 0,
  rbcGapUm: 1.8,
};

/** Depth layers: upper depth bound (µm) and in-focus blur σ (µm). */
export const DEPTH_LAYERS: readonly { maxDepthUm: number; sigmaUm: number }[] = [
  { maxDepthUm: 20, sigmaUm: 1.2 },
  { maxDepthUm: 45, sigmaUm: 2.4 },
  { maxDepthUm: Infinity, sigmaUm: 4.6 },
];

export function depthLayer(depthUm: number): number {
  for (let i = 0; i < DEPTH_LAYERS.length; i++) if (depthUm < DEPTH_LAYERS[i]!.maxDepthUm) return i;
  return DEPTH_LAYERS.length - 1;
}

/** Contrast factor of a vessel at this depth (1 in focus, falling off with depth). */
export function depthContrast(depthUm: number): number {
  const q = depthUm / 45;
  return 1 / (1 + q * q);
}

const OD_MAX = 1.05;
const CHORD_HALF_UM = 5;
const PLASMA = 0.35;
const RBC_TABLE_STEP_UM = 0.25;
const GRANULE_UM = 3.5;

interface SceneVessel {
  vessel: NetworkVessel;
  flow: VesselFlow;
  layer: number;
  contrast: number;
  /** Centerline µm, interleaved x, y. */
  xy: Float64Array;
  cum: Float64Array;
  /** Vertices used for rasterising (every vertex for capillaries; a subset for wide vessels, chord sagitta ≪ 0.1 µm). */
  rIdx: Int32Array;
  length: number;
  box: [number, number, number, number];
  /** Capillaries: RBC centres in the fluid frame (sorted), half-lengths, darkness. */
  rbcU?: Float64Array;
  rbcHalf?: Float64Array;
  rbcDark?: Float64Array;
  /** Venules / deep vessels: granular texture in (u along, w across) coordinates. */
  granular?: ValueNoise2D;
  /** Visible arc-length range (contrast fades to half at its ends), or null. */
  visible: [number, number] | null;
}

export interface Scene {
  settings: RenderSettings;
  vessels: SceneVessel[];
  octaves: { noise: ValueNoise2D; amp: number }[];
  /** Sensor-fixed illumination × level, width×height. */
  illumination: Float32Array;
  /** Padding of the layer buffers, px (≥ the largest blur radius). */
  pad: number;
  layerSigmaUm: number[];
}

/** Build everything that does not change from frame to frame. */
export function buildScene(rng: Rng, network: VascularNetwork, flows: Map<string, VesselFlow>, settings: RenderSettings): Scene {
  const { width: W, height: H, scale } = settings;
  const [dx0, dy0, dx1, dy1] = network.domain;
  const bgRng = rng.fork('background');
  const octaveSpec: [number, number][] = [
    [160, 0.07],
    [45, 0.05],
    [12, 0.035],
    [3.2, 0.04],
  ];
  const layerSigmaUm = DEPTH_LAYERS.map((l) => Math.sqrt(l.sigmaUm * l.sigmaUm + settings.defocusUm * settings.defocusUm));
  const octaves = octaveSpec.map(([spacing, amp], i) => {
    // Defocus attenuates fine texture by the Gaussian's transfer at the octave's wavelength (~2 spacings).
    const lambda = 2 * spacing;
    const s = settings.defocusUm;
    const transfer = dexp((-2 * 9.869604401089358 * s * s) / (lambda * lambda));
    return {
      noise: new ValueNoise2D(bgRng.fork(`octave${i}`), dx0, dy0, dx1 - dx0, dy1 - dy0, spacing),
      amp: (settings.mottle * amp * transfer) / BSPLINE_NOISE_SD_2D,
    };
  });

  // Sensor-fixed illumination.
  const ilRng = rng.fork('illumination');
  const uneven = new ValueNoise2D(ilRng.fork('uneven'), 0, 0, W, H, Math.max(W, H) / 2.5);
  const gx = ilRng.range(-1, 1);
  const gy = ilRng.range(-1, 1);
  const gn = Math.sqrt(gx * gx + gy * gy) || 1;
  const cxOff = ilRng.range(-0.15, 0.15);
  const cyOff = ilRng.range(-0.15, 0.15);
  const illumination = new Float32Array(W * H);
  const unevenGrid = new Float32Array(W * H);
  uneven.addGrid(unevenGrid, W, H, 0, 1, 0, 1, settings.unevenness / BSPLINE_NOISE_SD_2D);
  for (let j = 0; j < H; j++) {
    const yn = (2 * j) / Math.max(1, H - 1) - 1;
    for (let i = 0; i < W; i++) {
      const xn = (2 * i) / Math.max(1, W - 1) - 1;
      const rx = xn - cxOff;
      const ry = yn - cyOff;
      const r2 = (rx * rx + ry * ry) / 2;
      const v = (1 - settings.vignetting * r2) * (1 + (settings.gradient * (gx * xn + gy * yn)) / gn) * (1 + unevenGrid[j * W + i]!);
      illumination[j * W + i] = settings.level * clamp(v, 0.05, 2);
    }
  }

  const vRng = rng.fork('vessel-texture');
  const vessels: SceneVessel[] = network.vessels.map((vessel) => {
    const flow = flows.get(vessel.id);
    if (flow === undefined) throw new Error(`no flow for vessel ${vessel.id}`);
    const xy = new Float64Array(vessel.points.length * 2);
    vessel.points.forEach((p, i) => {
      xy[2 * i] = p[0];
      xy[2 * i + 1] = p[1];
    });
    const cum = cumulativeLength(vessel.points);
    const length = cum[cum.length - 1]!;
    // Wide vessels: rasterise over longer pieces (a pixel is otherwise visited ~D/2 µm times).
    const stride = Math.max(1, Math.floor(vessel.diameterUm / 8));
    const idx: number[] = [];
    for (let i = 0; i < vessel.points.length; i += stride) idx.push(i);
    if (idx[idx.length - 1] !== vessel.points.length - 1) idx.push(vessel.points.length - 1);
    const sv: SceneVessel = {
      vessel,
      flow,
      layer: depthLayer(vessel.depthUm),
      contrast: depthContrast(vessel.depthUm),
      xy,
      cum,
      rIdx: Int32Array.from(idx),
      visible: vessel.visibleUm ?? null,
      length,
      box: bbox(vessel.points),
    };
    // X(t) is monotone (fixed direction, speed ≥ 0): its range over the clip is [min(0, X_end), max(0, X_end)].
    const c = flow.series.cumulative;
    const xEnd = c[c.length - 1]!;
    const xMin = Math.min(0, xEnd);
    const xMax = Math.max(0, xEnd);
    const r = vRng.fork(vessel.id);
    if (vessel.kind === 'capillary') {
      const uLo = -xMax - 12;
      const uHi = length - xMin + 12;
      const us: number[] = [];
      const hs: number[] = [];
      const ds: number[] = [];
      let u = uLo + r.range(0, settings.rbcGapUm + 8);
      while (u < uHi) {
        const half = r.range(3.6, 5);
        us.push(u);
        hs.push(half);
        ds.push(r.range(0.75, 1));
        // Next centre: this half-length + the next one's (≈ 4.3) + a plasma gap: mostly short
        // or none (cells touching or overlapping a little, mean 0.5 × rbcGapUm − 0.8 µm), one
        // in four long (mean 3 × rbcGapUm), so the column reads as an irregular "barcode"
        // rather than a periodic beading.
        const gap = r.chance(0.75) ? r.exponential(0.5 * settings.rbcGapUm) - 0.8 : 0.5 + r.exponential(3 * settings.rbcGapUm);
        u += half + 4.3 + gap;
      }
      sv.rbcU = Float64Array.from(us);
      sv.rbcHalf = Float64Array.from(hs);
      sv.rbcDark = Float64Array.from(ds);
    } else {
      const R = vessel.diameterUm / 2;
      sv.granular = new ValueNoise2D(r, -xMax - 12, -R - 6, length - xMin + xMax + 24, 2 * R + 12, GRANULE_UM);
    }
    return sv;
  });

  const maxSigmaPx = Math.max(...layerSigmaUm) / Math.min(scale.umPerPxX, scale.umPerPxY);
  return { settings, vessels, octaves, illumination, pad: Math.ceil(3 * maxSigmaPx) + 2, layerSigmaUm };
}

/** Reusable buffers for rendering frames of one scene. */
export interface RenderBuffers {
  layers: Float32Array[];
  scratch: Float32Array;
  bestD2: Float64Array;
  bestS: Float64Array;
  bestW: Float64Array;
  tissue: Float32Array;
  total: Float32Array;
  expTable: Float64Array;
}

const EXP_TABLE_STEP = 1 / 1024;
const EXP_TABLE_MAX = 12;

export function createBuffers(scene: Scene): RenderBuffers {
  const { width: W, height: H } = scene.settings;
  const P = scene.pad;
  const n = (W + 2 * P) * (H + 2 * P);
  const expTable = new Float64Array(Math.ceil(EXP_TABLE_MAX / EXP_TABLE_STEP) + 2);
  for (let i = 0; i < expTable.length; i++) expTable[i] = dexp(-i * EXP_TABLE_STEP);
  return {
    layers: scene.layerSigmaUm.map(() => new Float32Array(n)),
    scratch: new Float32Array(n),
    bestD2: new Float64Array(n),
    bestS: new Float64Array(n),
    bestW: new Float64Array(n),
    tissue: new Float32Array(W * H),
    total: new Float32Array(W * H),
    expTable,
  };
}

/**
 * Render the scene at time tS with the camera field shifted by offset (px, frame-0
 * coordinates: screen pixel (i, j) shows tissue point (i + ox, j + oy) px). Returns grey
 * intensities (float, not clamped, no noise or gain), width×height.
 */
export function renderScene(scene: Scene, tS: number, offset: { x: number; y: number }, buffers?: RenderBuffers): Float32Array {
  const b = buffers ?? createBuffers(scene);
  const { width: W, height: H, scale } = scene.settings;
  const sx = scale.umPerPxX;
  const sy = scale.umPerPxY;
  const P = scene.pad;
  const Wp = W + 2 * P;
  const Hp = H + 2 * P;
  for (const l of b.layers) l.fill(0);
  const used = new Array<boolean>(b.layers.length).fill(false);

  for (const v of scene.vessels) {
    if (rasteriseVessel(scene, v, tS, offset, b, Wp, Hp, sx, sy, P)) used[v.layer] = true;
  }

  // Blur each depth layer and sum their optical densities.
  const total = b.total;
  total.fill(0);
  b.layers.forEach((layer, li) => {
    if (!used[li]) return;
    const sUm = scene.layerSigmaUm[li]!;
    gaussianBlur(layer, Wp, Hp, sUm / sx, sUm / sy, b.scratch);
    for (let j = 0; j < H; j++) {
      const src = (j + P) * Wp + P;
      const dst = j * W;
      for (let i = 0; i < W; i++) total[dst + i] += layer[src + i]!;
    }
  });

  // Tissue texture at the shifted coordinates.
  const tissue = b.tissue;
  tissue.fill(1);
  for (const o of scene.octaves) o.noise.addGrid(tissue, W, H, offset.x * sx, sx, offset.y * sy, sy, o.amp);

  const ill = scene.illumination;
  const et = b.expTable;
  const out = new Float32Array(W * H);
  for (let k = 0; k < W * H; k++) {
    let odv = total[k]!;
    if (odv < 0) odv = 0;
    const f = odv / EXP_TABLE_STEP;
    let e: number;
    if (f >= et.length - 2) e = 0;
    else {
      const q = Math.floor(f);
      const fr = f - q;
      e = et[q]! + (et[q + 1]! - et[q]!) * fr;
    }
    out[k] = ill[k]! * tissue[k]! * e;
  }
  return out;
}

/** Rasterise one vessel into its layer buffer (max-combine). Returns whether it touched the buffer. */
function rasteriseVessel(
  scene: Scene,
  v: SceneVessel,
  tS: number,
  offset: { x: number; y: number },
  b: RenderBuffers,
  Wp: number,
  Hp: number,
  sx: number,
  sy: number,
  P: number,
): boolean {
  const D = v.vessel.diameterUm;
  const R = D / 2;
  const hPx = (sx + sy) / 2; // pixel width used for box-averaging across the vessel
  const Rinf = R + 0.75 * hPx;
  const Rinf2 = Rinf * Rinf;
  // Buffer pixel bi ↔ tissue µm X = (bi − P + ox)·sx.
  const toBi = (X: number): number => X / sx - offset.x + P;
  const toBj = (Y: number): number => Y / sy - offset.y + P;
  const bi0 = Math.max(0, Math.ceil(toBi(v.box[0] - Rinf)));
  const bi1 = Math.min(Wp - 1, Math.floor(toBi(v.box[2] + Rinf)));
  const bj0 = Math.max(0, Math.ceil(toBj(v.box[1] - Rinf)));
  const bj1 = Math.min(Hp - 1, Math.floor(toBj(v.box[3] + Rinf)));
  if (bi0 > bi1 || bj0 > bj1) return false;

  const d2 = b.bestD2;
  const sArr = b.bestS;
  const wArr = b.bestW;
  for (let bj = bj0; bj <= bj1; bj++) d2.fill(Infinity, bj * Wp + bi0, bj * Wp + bi1 + 1);

  // Pass 1: nearest centerline piece per pixel → distance², arc length, signed lateral offset.
  const xy = v.xy;
  const cum = v.cum;
  const rIdx = v.rIdx;
  const X0 = (-P + offset.x) * sx; // µm of buffer pixel 0
  const Y0 = (-P + offset.y) * sy;
  let touched = false;
  for (let r = 0; r + 1 < rIdx.length; r++) {
    const k = rIdx[r]!;
    const k2 = rIdx[r + 1]!;
    const ax = xy[2 * k]!;
    const ay = xy[2 * k + 1]!;
    const bx = xy[2 * k2]!;
    const by = xy[2 * k2 + 1]!;
    const ex = bx - ax;
    const ey = by - ay;
    const l2 = ex * ex + ey * ey;
    const len = cum[k2]! - cum[k]!;
    const pi0 = Math.max(bi0, Math.ceil(toBi(Math.min(ax, bx) - Rinf)));
    const pi1 = Math.min(bi1, Math.floor(toBi(Math.max(ax, bx) + Rinf)));
    const pj0 = Math.max(bj0, Math.ceil(toBj(Math.min(ay, by) - Rinf)));
    const pj1 = Math.min(bj1, Math.floor(toBj(Math.max(ay, by) + Rinf)));
    if (pi0 > pi1 || pj0 > pj1) continue;
    touched = true;
    for (let bj = pj0; bj <= pj1; bj++) {
      const Y = Y0 + bj * sy;
      const dy = Y - ay;
      const row = bj * Wp;
      for (let bi = pi0; bi <= pi1; bi++) {
        const X = X0 + bi * sx;
        const dx = X - ax;
        let t = l2 > 0 ? (dx * ex + dy * ey) / l2 : 0;
        if (t < 0) t = 0;
        else if (t > 1) t = 1;
        const qx = dx - t * ex;
        const qy = dy - t * ey;
        const dd = qx * qx + qy * qy;
        const idx = row + bi;
        if (dd < d2[idx]!) {
          d2[idx] = dd;
          sArr[idx] = cum[k]! + t * len;
          // Signed lateral coordinate: + on the left of the direction of travel along the points.
          wArr[idx] = ex * qy - ey * qx >= 0 ? Math.sqrt(dd) : -Math.sqrt(dd);
        }
      }
    }
  }
  if (!touched) return false;

  // Longitudinal RBC filling ρ(s) at this time (capillaries), as a table on s.
  const X = displacementAt(v.flow.series, tS);
  let table: Float64Array | null = null;
  if (v.rbcU !== undefined) {
    const n = Math.ceil(v.length / RBC_TABLE_STEP_UM) + 2;
    table = new Float64Array(n).fill(1); // transmission product Π(1 − a·b)
    const u = v.rbcU;
    const half = v.rbcHalf!;
    const dark = v.rbcDark!;
    // First RBC that can reach s ≥ 0: centre u + X ≥ −5 µm.
    let lo = 0;
    let hi = u.length;
    const uMin = -5 - X;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (u[mid]! < uMin) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < u.length; i++) {
      const c = u[i]! + X;
      if (c - half[i]! > v.length) break;
      const h = half[i]!;
      const a = dark[i]!;
      const k0 = Math.max(0, Math.ceil((c - h) / RBC_TABLE_STEP_UM));
      const k1 = Math.min(n - 1, Math.floor((c + h) / RBC_TABLE_STEP_UM));
      for (let k = k0; k <= k1; k++) {
        const x = (k * RBC_TABLE_STEP_UM - c) / h;
        const x2 = x * x;
        const q = 1 - x2 * x2;
        if (q > 0) table[k]! *= 1 - a * q * q;
      }
    }
  }

  // Pass 2: optical density.
  const layer = b.layers[v.layer]!;
  const gran = v.granular;
  const odScale = OD_MAX * v.contrast * scene.settings.vesselContrast;
  const sub = [-0.375 * hPx, -0.125 * hPx, 0.125 * hPx, 0.375 * hPx];
  const invR2 = 1 / (R * R);
  const vis = v.visible;
  for (let bj = bj0; bj <= bj1; bj++) {
    const row = bj * Wp;
    for (let bi = bi0; bi <= bi1; bi++) {
      const idx = row + bi;
      const dd = d2[idx]!;
      if (dd >= Rinf2) continue;
      const d = Math.sqrt(dd);
      // Box-average of the cylinder chord over the pixel width across the vessel.
      let chord = 0;
      for (let q = 0; q < 4; q++) {
        const e = d + sub[q]!;
        const z = 1 - e * e * invR2;
        if (z > 0) chord += Math.sqrt(z);
      }
      if (chord === 0) continue;
      chord *= D / 4;
      let rho: number;
      const s = sArr[idx]!;
      if (table !== null) {
        const f = s / RBC_TABLE_STEP_UM;
        const k = Math.floor(f);
        const fr = f - k;
        const t0 = table[k]!;
        const t1 = k + 1 < table.length ? table[k + 1]! : t0;
        rho = 1 - (t0 + (t1 - t0) * fr);
      } else {
        const g = gran!.sample(s - X, wArr[idx]!) / BSPLINE_NOISE_SD_2D;
        rho = clamp(0.72 + 0.32 * g, 0.25, 1);
      }
      const ce = chord * (PLASMA + (1 - PLASMA) * rho);
      let odv = (odScale * ce) / (ce + CHORD_HALF_UM);
      if (vis !== null) odv *= smoothstep(vis[0] - FADE_UM / 2, vis[0] + FADE_UM / 2, s) * (1 - smoothstep(vis[1] - FADE_UM / 2, vis[1] + FADE_UM / 2, s));
      if (odv > layer[idx]!) layer[idx] = odv;
    }
  }
  return true;
}

/** Where the centerline point p (µm) appears on screen for a camera offset (px). */
export function tissueToScreen(p: Point, scale: PixelScale, offset: { x: number; y: number }): Point {
  return [p[0] / scale.umPerPxX - offset.x, p[1] / scale.umPerPxY - offset.y];
}
