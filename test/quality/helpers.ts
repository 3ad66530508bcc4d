/**
 * Builds the inputs of estimateQuality the way the pipeline does, with the real stages:
 * phantom frames → stabiliseClip (motion track, window, region, stabilised mean) → the
 * quality probe over the same frames (each with its motion sample) → segmentImage on the
 * stabilised mean inside the analysed region. Flow: the phantom truth's flow classes of the
 * vessels seen in the field (flow estimation is built elsewhere; the pressure category only
 * needs per-vessel diameter and class).
 */
import { stabiliseClip, type StabiliseOptions } from '../../src/analysis/stabilise.js';
import { segmentImage } from '../../src/analysis/segment.js';
import type { GrayFrame } from '../../src/decode/types.js';
import { generatePhantom, type PhantomOptions, type PhantomTruth } from '../../src/phantom/index.js';
import { createQualityProbe, estimateQuality, type Quality, type QualityFlowVessel, type QualityInput } from '../../src/quality/index.js';
import { createWasmBackend } from '../../src/backend/wasm.js';
import { testBackend } from '../stabilise/helpers.js';

export const core = process.env.HVM_QUALITY_BACKEND === 'wasm' ? createWasmBackend() : testBackend();

/** Small, fast clips: 256×192 at 5 fps, MicroScan-like 1.3 µm/px. */
export const BASE: PhantomOptions = { seed: 11, width: 256, height: 192, fps: 5, seconds: 6 };

export interface Built {
  input: QualityInput;
  quality: Quality;
  truth: PhantomTruth;
}

/** Truth flow classes of the vessels visible in the full frame. */
export function truthFlow(truth: PhantomTruth): QualityFlowVessel[] {
  return truth.vessels.filter((v) => v.inFullFrame.lengthUm > 0).map((v) => ({ diameterUm: v.diameterUm, flowClass: v.flowClass }));
}

export type FrameEdit = (k: number, data: Uint8Array, width: number, height: number) => Uint8Array;

export async function buildInput(opts: Partial<PhantomOptions>, edit?: FrameEdit, stabiliseOptions: Partial<StabiliseOptions> = {}): Promise<Built> {
  const ph = generatePhantom({ ...BASE, ...opts });
  const fps = ph.options.fps.num / ph.options.fps.den;
  const { width, height } = ph;
  const frames: GrayFrame[] = [];
  let k = 0;
  for (const data of ph.frames()) {
    frames.push({ index: k, width, height, data: edit ? edit(k, data, width, height) : data, timestampS: k / fps });
    k++;
  }
  const stab = await stabiliseClip(() => frames, core, { ...stabiliseOptions, fps });
  const probe = createQualityProbe({ width, height, backend: core });
  for (const f of frames) probe.addFrame(f.data, stab.track[f.index]!);
  const scale = ph.truth.clip.scale;
  const roi = new Uint8Array(width * height);
  const r = stab.region;
  for (let j = r.y; j < r.y + r.height; j++) for (let i = r.x; i < r.x + r.width; i++) roi[j * width + i] = 1;
  const seg = segmentImage(stab.meanImage, width, height, scale, undefined, { roi, backend: core });
  const input: QualityInput = {
    scale, width, height, meanImage: stab.meanImage, probe: probe.summary(), stabilisation: stab,
    vessels: seg, flow: truthFlow(ph.truth), backend: core,
  };
  return { input, quality: estimateQuality(input), truth: ph.truth };
}

/** One line per category: score and value, for logs. */
export function describe(q: Quality): string {
  return Object.entries(q.categories).map(([n, c]) => `${n}=${c.score}(${c.value === null ? 'null' : Number(c.value.toPrecision(3))})`).join(' ') + ` total=${q.total}`;
}
