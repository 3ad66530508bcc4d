/**
 * Synthetic sublingual microcirculation clips ("phantoms") with exact truth, for testing the
 * engine's accuracy where no real video with ground truth exists.
 *
 *   const p = generatePhantom({ seed: 7, width: 320, height: 256, seconds: 3, flowMix: 'septic' });
 *   for (const frame of p.frames()) …            // 8-bit grey, width×height
 *   p.truth                                      // vessels, flow classes, velocities, metrics
 *   await writePhantom({ seed: 7, codec: 'h264' }, 'out/') // clip + <name>.truth.json
 *
 * Pipeline (one module per job): prng → camera (path, flicker, dropped frames) → network
 * (vessels in µm) → flow (velocity series, classes) → render (scene at time t and camera
 * offset) → per-frame gain, sensor noise, borders, overlay, interlacing, duplicates →
 * encode (ffmpeg / sharp) and truth (with src/metrics). The same seed and options give the
 * same frames and truth, bit for bit, on every platform (no Math.random, no Date, no
 * transcendental Math.* in anything rendered or recorded).
 *
 * The phantom never imports src/analysis: its truth must not come from the code it checks.
 */
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { engineVersion } from '../version.js';
import { cameraPath, duplicatedFrames, flickerGains } from './camera.js';
import { clipFileName, encodeClip } from './encode.js';
import { displacementAt as displacementAtSeries, generateFlows, type VesselFlow } from './flow.js';
import { generateNetwork, type NetworkVessel, type VascularNetwork } from './network.js';
import { resolveOptions, type PhantomOptions, type ResolvedOptions } from './options.js';
import { drawBorders, drawText, overlayRect, timestampText } from './overlay.js';
import { Rng } from './prng.js';
import { placeOcclusions, type Occlusion } from './occlusion.js';
import { buildScene, createBuffers, DEPTH_LAYERS, renderScene, warpAt, warpStats, type RenderBuffers, type Scene } from './render.js';
import { buildTruth, serializeTruth, type PhantomTruth, type TruthFrame } from './truth.js';

export type { PhantomOptions, ResolvedOptions, PhantomCodec, Interlace, Rational } from './options.js';
export type { PhantomTruth, TruthVessel, TruthFrame, TruthVelocity } from './truth.js';
export { truthMetricsForRegion, truthSegments, readTruth, serializeTruth, TRUTH_FORMAT, TRUTH_VERSION, PHANTOM_GENERATOR_VERSION } from './truth.js';
export { flowMixPresets, displacementAt } from './flow.js';
export { resolveOptions, phantomOptionsFromSettings, STROBE_EXPOSURE_S } from './options.js';
export type { OcclusionSpec, OcclusionKind } from './occlusion.js';
export {
  classifyVelocity,
  thresholdMargin,
  DEFAULT_FLOW_THRESHOLDS,
  NO_FLOW_MIN_STOPPED_FRACTION,
  INTERMITTENT_MIN_STOPPED_FRACTION,
  SLUGGISH_MAX_MEAN_SPEED_UM_PER_S,
  MARGIN_BINS,
} from './flow-thresholds.js';
export type { FlowThresholds, ThresholdMargin, ThresholdName } from './flow-thresholds.js';
export { encodeClip, clipFileName, writePngFrames } from './encode.js';

export interface Phantom {
  options: ResolvedOptions;
  truth: PhantomTruth;
  width: number;
  height: number;
  frameCount: number;
  /** Frame k, 8-bit grey, width×height (a fresh array each call). */
  frame(k: number): Uint8Array;
  /** All frames in order (lazy: one frame in memory at a time, plus the previous for duplicates). */
  frames(): Generator<Uint8Array>;
  /**
   * The noise-free, gain-free float rendering of the scene at time tS with camera offset
   * (px): for tests that check the rendering model itself.
   */
  renderRaw(tS: number, offset: { x: number; y: number }): Float32Array;
  /** The exact camera offset at time tS, px (the truth records it rounded to 1e-6 px). */
  offsetAt(tS: number): { x: number; y: number };
  /** Exact displacement of a vessel's RBC pattern from 0 to tS, µm (signed along its centerline). */
  displacementAt(vesselId: string, tS: number): number;
  /**
   * The non-rigid warp at tissue point p (frame-0 px) at time tS, px: the screen pixel that
   * shows p at time t sits (to first order) at p − offset(t) − w(p, t). {0, 0} without a warp.
   */
  warpAt(p: { x: number; y: number }, tS: number): { x: number; y: number };
  /** The placed occluders (tissue coordinates, µm). */
  occlusions: Occlusion[];
  /** Internals (read-only use): network in µm, flows, scene. */
  network: VascularNetwork;
  flows: Map<string, VesselFlow>;
  scene: Scene;
}

/** Round µm coordinates to the canonical 1/1000 px grid, so truth and render use identical points. */
function quantiseVessel(v: NetworkVessel, sx: number, sy: number): NetworkVessel {
  return {
    ...v,
    points: v.points.map((p) => [(Math.round((p[0] / sx) * 1000) / 1000) * sx, (Math.round((p[1] / sy) * 1000) / 1000) * sy]),
  };
}

export function generatePhantom(options: PhantomOptions): Phantom {
  const o = resolveOptions(options);
  const { width: W, height: H, scale } = o;
  const sx = scale.umPerPxX;
  const sy = scale.umPerPxY;
  const root = new Rng(o.seed);
  const frameTime = (k: number): number => (k * o.fps.den) / o.fps.num;
  const fieldGap = o.fps.den / (2 * o.fps.num);

  // Camera and capture.
  const camera = cameraPath(root.fork('camera'), { driftPxPerS: o.driftPxPerS, jitterPx: o.jitterPx }, o.durationS);
  const gains = flickerGains(root.fork('flicker'), o.frameCount, o.flicker);
  const dups = duplicatedFrames(root.fork('duplicates'), o.frameCount, o.duplicateFrames);

  // Network in µm, over the field plus every place the camera may look.
  const maxSigmaUm = Math.sqrt(DEPTH_LAYERS[DEPTH_LAYERS.length - 1]!.sigmaUm * DEPTH_LAYERS[DEPTH_LAYERS.length - 1]!.sigmaUm + o.defocusUm * o.defocusUm);
  const marginPx = camera.maxExcursionPx + (3 * maxSigmaUm) / Math.min(sx, sy) + 12;
  const field = { widthUm: W * sx, heightUm: H * sy, marginUm: marginPx * Math.max(sx, sy) + 40 };
  const network0 = generateNetwork(root.fork('network'), field, o.network);
  const network: VascularNetwork = { ...network0, vessels: network0.vessels.map((v) => quantiseVessel(v, sx, sy)) };

  // Flow.
  const flows = generateFlows(root.fork('flow'), network.vessels, o.durationS, o.flow, o.isolatedVessels ?? undefined);

  // Occluders (their own stream: adding them moves nothing else).
  const b0 = o.borders;
  const occlusions = o.occlusions !== undefined
    ? placeOcclusions(root.fork('occlusions'), o.occlusions, { x: b0.left, y: b0.top, width: W - b0.left - b0.right, height: H - b0.top - b0.bottom }, scale)
    : [];

  // Scene.
  const scene = buildScene(root.fork('render'), network, flows, {
    width: W,
    height: H,
    scale,
    level: o.brightness,
    mottle: o.mottle,
    vignetting: o.vignetting,
    gradient: 0.14,
    unevenness: 0.07,
    vesselContrast: o.vesselContrast,
    defocusUm: o.defocusUm,
    rbcGapUm: o.rbcGapUm,
    ...(o.exposureS !== undefined ? { exposureS: o.exposureS } : {}),
    ...(o.warpPx !== undefined ? { warpPx: o.warpPx } : {}),
    ...(occlusions.length > 0 ? { occlusions } : {}),
  });
  let buffers: RenderBuffers | null = null;
  const raw = (tS: number, off: { x: number; y: number }): Float32Array => {
    buffers ??= createBuffers(scene);
    return renderScene(scene, tS, off, buffers);
  };

  // Per-frame truth.
  const dupSet = new Set(dups);
  const r3 = (x: number): number => Math.round(x * 1e6) / 1e6;
  const frames: TruthFrame[] = [];
  for (let k = 0; k < o.frameCount; k++) {
    const dupOf = dupSet.has(k) ? k - 1 : null;
    const src = dupOf !== null ? frames[dupOf]! : null;
    const t = frameTime(k);
    const sceneT = src !== null ? src.sceneTimeS : t;
    const off = camera.at(sceneT);
    const f: TruthFrame = {
      index: k,
      timeS: r3(t),
      sceneTimeS: src !== null ? src.sceneTimeS : r3(t),
      offsetPx: [r3(off.x), r3(off.y)],
      gain: src !== null ? src.gain : Math.round(gains[k]! * 1e9) / 1e9,
      duplicateOf: dupOf,
    };
    if (o.interlace !== 'none') {
      const first = o.interlace === 'bff' ? 'odd' : 'even';
      const second = first === 'odd' ? 'even' : 'odd';
      const off2 = camera.at(sceneT + fieldGap);
      f.fields = src?.fields ?? [
        { rows: first, timeS: r3(sceneT), offsetPx: [r3(off.x), r3(off.y)] },
        { rows: second, timeS: r3(sceneT + fieldGap), offsetPx: [r3(off2.x), r3(off2.y)] },
      ];
    }
    if (scene.warp !== null) {
      // Warp over the full frame at this frame's time(s): RMS and max displacement, px.
      const times = f.fields ? f.fields.map((x) => x.timeS) : [sceneT];
      let rms = 0;
      let max = 0;
      for (const tt of times) {
        const st = warpStats(scene, tt, camera.at(tt));
        rms = Math.max(rms, st.rmsPx);
        max = Math.max(max, st.maxPx);
      }
      f.warpRmsPx = r3(rms);
      f.warpMaxPx = r3(max);
    }
    frames.push(f);
  }
  const ovRect = o.overlay ? overlayRect(W, H, o.borders, o.overlayScale) : null;
  const truth = buildTruth({
    options: o,
    engineVersion,
    vessels: network.vessels,
    junctions: network.junctions,
    flows,
    frames,
    duplicated: dups,
    overlayRect: ovRect,
    layerSigmaUm: scene.layerSigmaUm,
    occlusions,
    warp: scene.warp,
  });

  // Frame pipeline. Exact times and offsets (not the rounded truth values) drive rendering.
  const renderFresh = (k: number): Uint8Array => {
    const t = frameTime(k);
    let img: Float32Array;
    if (o.interlace === 'none') img = raw(t, camera.at(t));
    else {
      const a = raw(t, camera.at(t)).slice();
      const b = raw(t + fieldGap, camera.at(t + fieldGap));
      const firstParity = o.interlace === 'bff' ? 1 : 0;
      img = new Float32Array(W * H);
      for (let j = 0; j < H; j++) img.set((j & 1) === firstParity ? a.subarray(j * W, (j + 1) * W) : b.subarray(j * W, (j + 1) * W), j * W);
    }
    const gain = gains[k]!;
    const out = new Uint8Array(W * H);
    const nr = root.fork(`noise:${k}`);
    const amp = o.noise;
    for (let i = 0; i < W * H; i++) {
      const v = img[i]! * gain;
      let y = v;
      if (amp > 0) y += amp * Math.sqrt(4 + 0.06 * (v > 0 ? v : 0)) * nr.normalByte();
      y = Math.round(y);
      out[i] = y < 0 ? 0 : y > 255 ? 255 : y;
    }
    drawBorders(out, W, H, o.borders);
    if (ovRect !== null) drawText(out, W, ovRect, timestampText(t), o.overlayScale);
    return out;
  };
  let last: { k: number; data: Uint8Array } | null = null;
  const frame = (k: number): Uint8Array => {
    if (!Number.isInteger(k) || k < 0 || k >= o.frameCount) throw new RangeError(`frame index ${k} outside [0, ${o.frameCount})`);
    if (last !== null && last.k === k) return last.data.slice();
    const dupOf = frames[k]!.duplicateOf;
    const data = dupOf !== null ? frame(dupOf) : renderFresh(k);
    last = { k, data };
    return data.slice();
  };
  return {
    options: o,
    truth,
    width: W,
    height: H,
    frameCount: o.frameCount,
    frame,
    *frames() {
      for (let k = 0; k < o.frameCount; k++) yield frame(k);
    },
    renderRaw: (tS, off) => raw(tS, off).slice(),
    offsetAt: (tS) => camera.at(tS),
    displacementAt: (id, tS) => {
      const f = flows.get(id);
      if (f === undefined) throw new RangeError(`no vessel "${id}"`);
      return displacementAtSeries(f.series, tS);
    },
    warpAt: (pt, tS) => warpAt(scene, pt, tS),
    occlusions,
    network,
    flows,
    scene,
  };
}

export interface WrittenPhantom {
  /** The clip file (or the PNG folder). */
  clipPath: string;
  truthPath: string;
  /** Calibration sidecar (<name>.calibration.json) with the exact µm/px, for `hvm analyze`; null for device-profile clips. */
  calibrationPath: string | null;
  /** sha256 of the raw rendered frames (all frames concatenated): encoder-independent. */
  framesSha256: string;
  truth: PhantomTruth;
  /** Seconds spent rendering and encoding. */
  elapsedS: number;
}

/** Render a phantom, encode it into outDir and write its truth file next to it. */
export async function writePhantom(
  options: PhantomOptions,
  outDir: string,
  opts: { ffmpegPath?: string; onProgress?: (framesDone: number, frameCount: number) => void } = {},
): Promise<WrittenPhantom> {
  const t0 = performance.now();
  const p = generatePhantom(options);
  const o = p.options;
  await mkdir(outDir, { recursive: true });
  const hash = createHash('sha256');
  function* hashed(): Generator<Uint8Array> {
    let done = 0;
    for (const f of p.frames()) {
      hash.update(f);
      yield f;
      opts.onProgress?.(++done, o.frameCount);
    }
  }
  const codec = o.codec === 'none' ? null : o.codec;
  let clipPath = '';
  if (codec !== null) {
    clipPath = join(outDir, clipFileName(o.name, codec));
    if (codec === 'png') await rm(clipPath, { recursive: true, force: true });
    const enc: Parameters<typeof encodeClip>[2] = {
      codec,
      width: o.width,
      height: o.height,
      fps: o.fps,
      sar: o.sar,
      interlace: o.interlace,
      h264Crf: o.h264Crf,
    };
    if (opts.ffmpegPath !== undefined) enc.ffmpegPath = opts.ffmpegPath;
    await encodeClip(hashed(), clipPath, enc);
  } else {
    for (const f of hashed()) void f;
  }
  const truthPath = join(outDir, `${o.name}.truth.json`);
  await writeFile(truthPath, serializeTruth(p.truth));
  // A clip made from a device profile is calibrated by that profile (`hvm analyze --device`),
  // as a user's real clip would be; any other gets a sidecar with its exact scale.
  let calibrationPath: string | null = null;
  if (o.device === null) {
    calibrationPath = join(outDir, `${o.name}.calibration.json`);
    await writeFile(
      calibrationPath,
      `${JSON.stringify({ umPerPxX: o.scale.umPerPxX, umPerPxY: o.scale.umPerPxY, note: `hvm-engine phantom seed ${o.seed}: exact scale of the synthetic clip` }, null, 2)}\n`,
    );
  }
  return { clipPath, truthPath, calibrationPath, framesSha256: hash.digest('hex'), truth: p.truth, elapsedS: (performance.now() - t0) / 1000 };
}
