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
import { clamp, dexp, dsin, smoothstep, TWO_PI } from './dmath.js';
import { displacementAt, type VesselFlow } from './flow.js';
import type { Point } from './geometry.js';
import { bbox, cumulativeLength } from './geometry.js';
import { FADE_UM, type NetworkVessel, type VascularNetwork } from './network.js';
import { BSPLINE_NOISE_SD_2D, ValueNoise2D } from './noise.js';
import { occlusionAt, occlusionExtentUm, type Occlusion } from './occlusion.js';
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
  /** Exposure of a frame (field), s: RBC patterns are averaged over [t − E/2, t + E/2]. 0/absent: instantaneous. */
  exposureS?: number;
  /** Non-rigid warp amplitude, px (see SceneWarp). 0/absent: rigid. */
  warpPx?: number;
  /** Occluders over the tissue (occlusion.ts), drawn in order (later ones in front). */
  occlusions?: Occlusion[];
}

/**
 * Non-rigid tissue warp: screen pixel s shows tissue point s + o(t) + w(s + o(t), t) (px),
 * w(p, t) = A · Σₘ cₘ · Fₘ(p) · gₘ(t), with Fₘ two-component B-spline value noise on a
 * WARP_LATTICE_UM lattice normalised to unit RMS, gₘ(t) = (sin(2π fₘ t + φₘ) − sin φₘ) / 2
 * (so w = 0 at t = 0: frame 0 stays the reference), mode 0 slow (0.15–0.35 Hz, breathing and
 * probe pressure, c = 0.8), mode 1 faster (0.8–1.6 Hz, pulsation, c = 0.6), c₀² + c₁² = 1.
 */
export interface SceneWarp {
  amplitudePx: number;
  modes: { fx: ValueNoise2D; fy: ValueNoise2D; weight: number; freqHz: number; phase: number; sin0: number }[];
}

/** Lattice spacing of the warp fields, µm (low spatial frequency). */
export const WARP_LATTICE_UM = 300;

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
  warp: SceneWarp | null;
  occlusions: Occlusion[];
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
    // Frame 0's exposure starts before t = 0 (X < 0 for a forward flow): the RBC column must
    // reach further upstream there. Extra cells are drawn from their own stream, so the
    // pattern of the clip itself is the same with or without an exposure.
    const xBefore = (settings.exposureS ?? 0) > 0 ? displacementAt(flow.series, -settings.exposureS! / 2 - 0.001) : 0;
    const r = vRng.fork(vessel.id);
    if (vessel.kind === 'capillary') {
      const uLo = -xMax - 12;
      const uHi = length - Math.min(xMin, xBefore) + 12;
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
      const uLoExposed = -Math.max(xMax, xBefore) - 12;
      if (uLoExposed < uLo) {
        const rb = r.fork('before-exposure');
        const pre: [number, number, number][] = [];
        let ub = us.length > 0 ? us[0]! : uLo;
        while (ub > uLoExposed) {
          const gap = rb.chance(0.75) ? rb.exponential(0.5 * settings.rbcGapUm) - 0.8 : 0.5 + rb.exponential(3 * settings.rbcGapUm);
          const half = rb.range(3.6, 5);
          ub -= half + 4.3 + gap;
          pre.push([ub, half, rb.range(0.75, 1)]);
        }
        pre.reverse();
        us.unshift(...pre.map((x) => x[0]));
        hs.unshift(...pre.map((x) => x[1]));
        ds.unshift(...pre.map((x) => x[2]));
      }
      sv.rbcU = Float64Array.from(us);
      sv.rbcHalf = Float64Array.from(hs);
      sv.rbcDark = Float64Array.from(ds);
    } else {
      const R = vessel.diameterUm / 2;
      // (With an exposure, frame 0 samples up to v·E/2 upstream of this range: the lattice's
      // own margin covers ≈ 19 µm; beyond it the texture is clamped to its edge.)
      sv.granular = new ValueNoise2D(r, -xMax - 12, -R - 6, length - xMin + xMax + 24, 2 * R + 12, GRANULE_UM);
    }
    return sv;
  });

  let warp: SceneWarp | null = null;
  if ((settings.warpPx ?? 0) > 0) {
    const wr = rng.fork('warp');
    const spec: [number, number, number][] = [
      [0.8, 0.15, 0.35],
      [0.6, 0.8, 1.6],
    ];
    warp = {
      amplitudePx: settings.warpPx!,
      modes: spec.map(([weight, fLo, fHi], m) => {
        const mr = wr.fork(`mode${m}`);
        const phase = mr.range(0, TWO_PI);
        return {
          fx: new ValueNoise2D(mr.fork('x'), dx0, dy0, dx1 - dx0, dy1 - dy0, WARP_LATTICE_UM),
          fy: new ValueNoise2D(mr.fork('y'), dx0, dy0, dx1 - dx0, dy1 - dy0, WARP_LATTICE_UM),
          weight,
          freqHz: mr.range(fLo, fHi),
          phase,
          sin0: dsin(phase),
        };
      }),
    };
  }

  const maxSigmaPx = Math.max(...layerSigmaUm) / Math.min(scale.umPerPxX, scale.umPerPxY);
  return { settings, vessels, octaves, illumination, pad: Math.ceil(3 * maxSigmaPx) + 2, layerSigmaUm, warp, occlusions: settings.occlusions ?? [] };
}

/** Temporal factor gₘ(t) of warp mode m. */
function warpTime(m: SceneWarp['modes'][number], tS: number): number {
  return (dsin(TWO_PI * m.freqHz * tS + m.phase) - m.sin0) / 2;
}

/** The warp displacement w(p, t) at tissue point p (frame-0 px), px. */
export function warpAt(scene: Scene, p: { x: number; y: number }, tS: number): { x: number; y: number } {
  const w = scene.warp;
  if (w === null) return { x: 0, y: 0 };
  const X = p.x * scene.settings.scale.umPerPxX;
  const Y = p.y * scene.settings.scale.umPerPxY;
  let x = 0;
  let y = 0;
  for (const m of w.modes) {
    const g = (w.amplitudePx * m.weight * warpTime(m, tS)) / BSPLINE_NOISE_SD_2D;
    x += g * m.fx.sample(X, Y);
    y += g * m.fy.sample(X, Y);
  }
  return { x, y };
}

/**
 * The warp on a regular grid of tissue points (xStart + i·xStep, yStart + j·yStep) µm, added
 * into outX / outY in µm (x in µm of x, y in µm of y). Returns max |w| over the grid, µm (per axis, the larger).
 */
function warpGrid(scene: Scene, tS: number, width: number, height: number, xStart: number, yStart: number, outX: Float32Array, outY: Float32Array): number {
  const { umPerPxX: sx, umPerPxY: sy } = scene.settings.scale;
  outX.fill(0, 0, width * height);
  outY.fill(0, 0, width * height);
  for (const m of scene.warp!.modes) {
    const g = (scene.warp!.amplitudePx * m.weight * warpTime(m, tS)) / BSPLINE_NOISE_SD_2D;
    if (g === 0) continue;
    m.fx.addGrid(outX, width, height, xStart, sx, yStart, sy, g * sx);
    m.fy.addGrid(outY, width, height, xStart, sx, yStart, sy, g * sy);
  }
  let mx = 0;
  for (let k = 0; k < width * height; k++) {
    const a = Math.abs(outX[k]!) / sx;
    const b = Math.abs(outY[k]!) / sy;
    if (a > mx) mx = a;
    if (b > mx) mx = b;
  }
  return mx;
}

/** Max |w| (px, per axis) and RMS of |w| (px) over the screen grid of a frame at time tS, offset off. */
export function warpStats(scene: Scene, tS: number, off: { x: number; y: number }, region?: { x: number; y: number; width: number; height: number }): { maxPx: number; rmsPx: number } {
  if (scene.warp === null) return { maxPx: 0, rmsPx: 0 };
  const { width: W, height: H, scale } = scene.settings;
  const r = region ?? { x: 0, y: 0, width: W, height: H };
  const gx = new Float32Array(r.width * r.height);
  const gy = new Float32Array(r.width * r.height);
  const mx = warpGrid(scene, tS, r.width, r.height, (r.x + off.x) * scale.umPerPxX, (r.y + off.y) * scale.umPerPxY, gx, gy);
  let ss = 0;
  for (let k = 0; k < gx.length; k++) {
    const a = gx[k]! / scale.umPerPxX;
    const b = gy[k]! / scale.umPerPxY;
    ss += a * a + b * b;
  }
  return { maxPx: mx, rmsPx: Math.sqrt(ss / Math.max(1, gx.length)) };
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
  /** Warp displacement of each buffer pixel's sample, µm (only with a warp). */
  warpX: Float32Array | null;
  warpY: Float32Array | null;
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
    warpX: scene.warp !== null ? new Float32Array(n) : null,
    warpY: scene.warp !== null ? new Float32Array(n) : null,
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

  // Non-rigid warp: the displacement of every buffer pixel's tissue sample, µm.
  let warpMarginPx = 0;
  if (scene.warp !== null) {
    warpMarginPx = Math.ceil(warpGrid(scene, tS, Wp, Hp, (-P + offset.x) * sx, (-P + offset.y) * sy, b.warpX!, b.warpY!)) + 1;
  }

  for (const v of scene.vessels) {
    if (rasteriseVessel(scene, v, tS, offset, b, Wp, Hp, sx, sy, P, warpMarginPx)) used[v.layer] = true;
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

  // Tissue texture at the shifted (and warped) coordinates.
  const tissue = b.tissue;
  tissue.fill(1);
  if (scene.warp === null) {
    for (const o of scene.octaves) o.noise.addGrid(tissue, W, H, offset.x * sx, sx, offset.y * sy, sy, o.amp);
  } else {
    const wx = b.warpX!;
    const wy = b.warpY!;
    for (let j = 0; j < H; j++) {
      const Y = (j + offset.y) * sy;
      for (let i = 0; i < W; i++) {
        const bk = (j + P) * Wp + i + P;
        const X = (i + offset.x) * sx + wx[bk]!;
        const Yw = Y + wy[bk]!;
        let v = 1;
        for (const o of scene.octaves) v += o.amp * o.noise.sample(X, Yw);
        tissue[j * W + i] = v;
      }
    }
  }

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
  if (scene.occlusions.length > 0) drawOcclusions(scene, offset, b, out, P, Wp, warpMarginPx);
  return out;
}

/** Blend the occluders over the rendered frame: (1 − α)·scene + α·illumination·shade. */
function drawOcclusions(scene: Scene, offset: { x: number; y: number }, b: RenderBuffers, out: Float32Array, P: number, Wp: number, marginPx: number): void {
  const { width: W, height: H, scale } = scene.settings;
  const sx = scale.umPerPxX;
  const sy = scale.umPerPxY;
  const ill = scene.illumination;
  const a = { alpha: 0, shade: 1 };
  for (const o of scene.occlusions) {
    const ext = occlusionExtentUm(o);
    const i0 = Math.max(0, Math.floor((o.centerUm[0] - ext) / sx - offset.x) - marginPx);
    const i1 = Math.min(W - 1, Math.ceil((o.centerUm[0] + ext) / sx - offset.x) + marginPx);
    const j0 = Math.max(0, Math.floor((o.centerUm[1] - ext) / sy - offset.y) - marginPx);
    const j1 = Math.min(H - 1, Math.ceil((o.centerUm[1] + ext) / sy - offset.y) + marginPx);
    for (let j = j0; j <= j1; j++) {
      for (let i = i0; i <= i1; i++) {
        const bk = (j + P) * Wp + i + P;
        const X = (i + offset.x) * sx + (b.warpX !== null ? b.warpX[bk]! : 0);
        const Y = (j + offset.y) * sy + (b.warpY !== null ? b.warpY[bk]! : 0);
        occlusionAt(o, X, Y, a);
        if (a.alpha <= 0) continue;
        const k = j * W + i;
        out[k] = (1 - a.alpha) * out[k]! + a.alpha * ill[k]! * a.shade;
      }
    }
  }
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
  warpMarginPx = 0,
): boolean {
  const D = v.vessel.diameterUm;
  const R = D / 2;
  const hPx = (sx + sy) / 2; // pixel width used for box-averaging across the vessel
  const Rinf = R + 0.75 * hPx;
  const Rinf2 = Rinf * Rinf;
  // Buffer pixel bi ↔ tissue µm X = (bi − P + ox)·sx.
  const toBi = (X: number): number => X / sx - offset.x + P;
  const toBj = (Y: number): number => Y / sy - offset.y + P;
  const M = warpMarginPx;
  const bi0 = Math.max(0, Math.ceil(toBi(v.box[0] - Rinf)) - M);
  const bi1 = Math.min(Wp - 1, Math.floor(toBi(v.box[2] + Rinf)) + M);
  const bj0 = Math.max(0, Math.ceil(toBj(v.box[1] - Rinf)) - M);
  const bj1 = Math.min(Hp - 1, Math.floor(toBj(v.box[3] + Rinf)) + M);
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
  const wX = b.warpX;
  const wY = b.warpY;
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
    const pi0 = Math.max(bi0, Math.ceil(toBi(Math.min(ax, bx) - Rinf)) - M);
    const pi1 = Math.min(bi1, Math.floor(toBi(Math.max(ax, bx) + Rinf)) + M);
    const pj0 = Math.max(bj0, Math.ceil(toBj(Math.min(ay, by) - Rinf)) - M);
    const pj1 = Math.min(bj1, Math.floor(toBj(Math.max(ay, by) + Rinf)) + M);
    if (pi0 > pi1 || pj0 > pj1) continue;
    touched = true;
    if (wX !== null) {
      // Warped samples: each buffer pixel looks at its own displaced tissue point.
      for (let bj = pj0; bj <= pj1; bj++) {
        const row = bj * Wp;
        for (let bi = pi0; bi <= pi1; bi++) {
          const idx = row + bi;
          const dx = X0 + bi * sx + wX[idx]! - ax;
          const dy = Y0 + bj * sy + wY![idx]! - ay;
          let t = l2 > 0 ? (dx * ex + dy * ey) / l2 : 0;
          if (t < 0) t = 0;
          else if (t > 1) t = 1;
          const qx = dx - t * ex;
          const qy = dy - t * ey;
          const dd = qx * qx + qy * qy;
          if (dd < d2[idx]!) {
            d2[idx] = dd;
            sArr[idx] = cum[k]! + t * len;
            wArr[idx] = ex * qy - ey * qx >= 0 ? Math.sqrt(dd) : -Math.sqrt(dd);
          }
        }
      }
      continue;
    }
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

  // Longitudinal RBC filling ρ(s) at this time (capillaries), as a table on s. With an
  // exposure E the transmission is averaged over [t − E/2, t + E/2] (smearedTransmission);
  // a pattern that does not move during it is exactly the instantaneous one.
  const E = scene.settings.exposureS ?? 0;
  const X = displacementAt(v.flow.series, tS);
  const moving = E > 0 && displacementAt(v.flow.series, tS + E / 2) !== displacementAt(v.flow.series, tS - E / 2);
  let table: Float64Array | null = null;
  if (v.rbcU !== undefined) {
    const n = Math.ceil(v.length / RBC_TABLE_STEP_UM) + 2;
    table = moving ? smearedTransmission(v, tS, E, n) : rbcTransmission(v, X, n);
  }
  // Venules and deep vessels: their granular texture sampled at K displacements over the
  // exposure (≤ 1.5 µm apart, at most 16).
  let Xs: number[] = [X];
  if (moving && v.granular !== undefined) {
    const travel = Math.abs(displacementAt(v.flow.series, tS + E / 2) - displacementAt(v.flow.series, tS - E / 2));
    const K = Math.max(1, Math.min(16, Math.ceil(travel / 1.5)));
    if (K > 1) {
      Xs = [];
      for (let q = 0; q < K; q++) Xs.push(displacementAt(v.flow.series, tS + E * ((q + 0.5) / K - 0.5)));
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
      } else if (Xs.length === 1) {
        const g = gran!.sample(s - X, wArr[idx]!) / BSPLINE_NOISE_SD_2D;
        rho = clamp(0.72 + 0.32 * g, 0.25, 1);
      } else {
        rho = 0;
        for (const Xq of Xs) rho += clamp(0.72 + (0.32 * gran!.sample(s - Xq, wArr[idx]!)) / BSPLINE_NOISE_SD_2D, 0.25, 1);
        rho /= Xs.length;
      }
      const ce = chord * (PLASMA + (1 - PLASMA) * rho);
      let odv = (odScale * ce) / (ce + CHORD_HALF_UM);
      if (vis !== null) odv *= smoothstep(vis[0] - FADE_UM / 2, vis[0] + FADE_UM / 2, s) * (1 - smoothstep(vis[1] - FADE_UM / 2, vis[1] + FADE_UM / 2, s));
      if (odv > layer[idx]!) layer[idx] = odv;
    }
  }
  return true;
}

/**
 * Transmission product Π(1 − a·b) of the capillary's RBCs along s, on the grid s0 + k·step
 * (k < n, step RBC_TABLE_STEP_UM), for pattern displacement X. RBCs starting beyond sEnd are
 * skipped (default: the vessel's length, for the table on [0, length]).
 */
export function rbcTransmission(v: SceneVessel, X: number, n: number, s0 = 0, sEnd = v.length): Float64Array {
  const table = new Float64Array(n).fill(1);
  const u = v.rbcU!;
  const half = v.rbcHalf!;
  const dark = v.rbcDark!;
  // First RBC that can reach s ≥ s0: centre u + X ≥ s0 − 5 µm.
  let lo = 0;
  let hi = u.length;
  const uMin = s0 - 5 - X;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (u[mid]! < uMin) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < u.length; i++) {
    const c = u[i]! + X - s0;
    if (c - half[i]! > sEnd - s0) break;
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
  return table;
}

/** Longest sub-interval of the exposure within which X(t) is taken as linear, s (X is piecewise quadratic, knots 10 ms apart). */
const SMEAR_PIECE_S = 0.0025;

/**
 * The transmission averaged over the exposure [t − E/2, t + E/2]: (1/E) ∫ T0(s − X(t′)) dt′,
 * T0 the pattern at displacement 0 (on an extended grid, linearly interpolated). Within each
 * of the equal sub-intervals (≤ SMEAR_PIECE_S) X is taken as linear in time, so the time average there is the
 * mean of T0 over [X_a, X_b]: a difference of T0's running integral. O(length) per vessel.
 */
export function smearedTransmission(v: SceneVessel, tS: number, E: number, n: number): Float64Array {
  const h = RBC_TABLE_STEP_UM;
  const pieces = Math.max(2, Math.ceil(E / SMEAR_PIECE_S));
  const Xe: number[] = [];
  for (let m = 0; m <= pieces; m++) Xe.push(displacementAt(v.flow.series, tS - E / 2 + (E * m) / pieces));
  let xLo = Infinity;
  let xHi = -Infinity;
  for (const x of Xe) {
    if (x < xLo) xLo = x;
    if (x > xHi) xHi = x;
  }
  // T0 on y = s − X for s ∈ [0, (n − 1)h], X ∈ [xLo, xHi], with a step of margin.
  const s0 = (Math.floor(-xHi / h) - 2) * h;
  const m = Math.ceil(((n - 1) * h - xLo - s0) / h) + 3;
  const T0 = rbcTransmission(v, 0, m, s0, s0 + (m - 1) * h);
  const P = new Float64Array(m);
  for (let j = 1; j < m; j++) P[j] = P[j - 1]! + ((T0[j - 1]! + T0[j]!) * h) / 2;
  // T0 and its running integral at y (linear interpolation between grid points).
  const prim = (y: number): number => {
    let j = Math.floor((y - s0) / h);
    if (j < 0) j = 0;
    else if (j > m - 2) j = m - 2;
    const tau = y - (s0 + j * h);
    const a = T0[j]!;
    return P[j]! + a * tau + ((T0[j + 1]! - a) * tau * tau) / (2 * h);
  };
  const val = (y: number): number => {
    let j = Math.floor((y - s0) / h);
    if (j < 0) j = 0;
    else if (j > m - 2) j = m - 2;
    const tau = y - (s0 + j * h);
    return T0[j]! + ((T0[j + 1]! - T0[j]!) * tau) / h;
  };
  const out = new Float64Array(n);
  const w = 1 / pieces;
  // prim at the pieces' ends is shared by neighbouring pieces: evaluate it once per end.
  const primAt = new Float64Array(n);
  const primNext = new Float64Array(n);
  for (let k = 0; k < n; k++) primAt[k] = prim(k * h - Xe[0]!);
  for (let q = 0; q < pieces; q++) {
    const xa = Xe[q]!;
    const xb = Xe[q + 1]!;
    const dx = xb - xa;
    for (let k = 0; k < n; k++) primNext[k] = prim(k * h - xb);
    if (Math.abs(dx) < 1e-6) {
      for (let k = 0; k < n; k++) out[k]! += w * val(k * h - xa);
    } else {
      const f = w / dx;
      for (let k = 0; k < n; k++) out[k]! += f * (primAt[k]! - primNext[k]!);
    }
    primAt.set(primNext);
  }
  return out;
}

/** Where the centerline point p (µm) appears on screen for a camera offset (px). */
export function tissueToScreen(p: Point, scale: PixelScale, offset: { x: number; y: number }): Point {
  return [p[0] / scale.umPerPxX - offset.x, p[1] / scale.umPerPxY - offset.y];
}
