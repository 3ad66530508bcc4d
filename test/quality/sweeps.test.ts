/**
 * The automatic MIQS estimate against phantom knobs: for each category a sweep of its knob
 * moves that category's score 0 → 1 → 10 at the documented levels (src/quality/params.ts)
 * while every other category stays 0; a clean phantom scores total 0.
 *
 * Inputs come from the real stages (helpers.ts): stabiliseClip, the quality probe over the
 * frames with their motion samples, segmentImage on the stabilised mean. Pressure uses the
 * phantom truth's flow classes as the flow input (flow estimation is built elsewhere).
 * Clips: 256×192 px at 1.3 µm/px, 5 fps, 6 s unless the sweep needs otherwise.
 *
 * Measured values are printed (one line per clip) for docs/quality.md.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { PhantomOptions } from '../../src/phantom/index.js';
import { QUALITY_CATEGORIES, type Quality, type QualityCategoryName } from '../../src/quality/index.js';
import { buildInput, describe as line, type Built, type FrameEdit } from './helpers.js';

const log: string[] = [];
afterAll(() => console.log(`measured sweeps:\n${log.join('\n')}`));

/** Clips without a frame edit or stabilisation options are built once per option set (the clean clip recurs). */
const cache = new Map<string, Promise<Built>>();

async function run(name: string, opts: Partial<PhantomOptions>, edit?: FrameEdit, stab?: Parameters<typeof buildInput>[2]): Promise<Built> {
  const key = edit === undefined && stab === undefined ? JSON.stringify(opts) : null;
  let p = key !== null ? cache.get(key) : undefined;
  if (p === undefined) {
    p = buildInput(opts, edit, stab);
    if (key !== null) cache.set(key, p);
  }
  const b = await p;
  log.push(`${name.padEnd(38)} ${line(b.quality)}`);
  return b;
}

function expectScores(q: Quality, category: QualityCategoryName, score: 0 | 1 | 10): void {
  const got = Object.fromEntries(QUALITY_CATEGORIES.map((c) => [c, q.categories[c].score]));
  const want = Object.fromEntries(QUALITY_CATEGORIES.map((c) => [c, c === category ? score : 0]));
  expect(got, JSON.stringify(Object.fromEntries(QUALITY_CATEGORIES.map((c) => [c, q.categories[c].reason])), null, 1)).toEqual(want);
  expect(q.total).toBe(score);
  expect(q.accepted).toBe(score < 10);
}

describe('a clean phantom clip', () => {
  it('scores total 0, every category measured, with values and units', async () => {
    const { quality: q } = await run('clean', {});
    log.push(`${''.padEnd(38)} ${QUALITY_CATEGORIES.flatMap((c) => q.categories[c].features.map((f) => `${f.name}=${f.value === null ? null : Number(f.value.toPrecision(3))}`)).join(', ')}`);
    expectScores(q, 'duration', 0);
    expect(q.label).toBe('automatic MIQS estimate');
    expect(q.unscored).toEqual([]);
    for (const c of QUALITY_CATEGORIES) {
      expect(q.categories[c].value, c).not.toBeNull();
      expect(q.categories[c].unit.length, c).toBeGreaterThan(0);
      expect(q.categories[c].reason).toMatch(/^optimal/);
    }
  });
});

describe('duration: clip length (phantom `seconds`)', () => {
  it.each([
    [6, 0],
    [4, 1],
    [2, 10],
  ] as const)('%s s → %s', async (seconds, score) => {
    const { quality: q } = await run(`duration seconds=${seconds}`, { seconds });
    expectScores(q, 'duration', score);
    expect(q.categories.duration.value).toBeCloseTo(seconds, 6);
    expect(q.categories.duration.unit).toBe('s');
  });
});

describe('stability: drift (phantom `driftPxPerS`, 16-s clips)', () => {
  // 16 s keeps a ≥ 5-s analysis window while the whole clip drifts past ¼ and ½ of the field.
  // (Past ~0.35 of the field the stabilisation can no longer register the far frames: the
  // clip then scores 10 through its unregistered frames, and the drift it reports is that of
  // the registered ones.)
  it.each([
    [2, 0],
    [6, 1],
    [12, 10],
  ] as const)('%s px/s → %s', async (driftPxPerS, score) => {
    const { quality: q } = await run(`stability drift=${driftPxPerS}px/s 16s`, { seconds: 16, driftPxPerS });
    expectScores(q, 'stability', score);
    const drift = q.categories.stability.features.find((f) => f.name === 'drift')!;
    if (score === 0) expect(drift.value!).toBeLessThanOrEqual(0.25);
    if (score === 1) expect(drift.value!).toBeGreaterThan(0.25);
  });
});

/** Horizontal motion blur (a 15-px box) of the frames k with pick(k). */
function motionBlur(pick: (k: number) => boolean, lengthPx = 15): FrameEdit {
  return (k, data, width, height) => {
    if (!pick(k)) return data;
    const out = new Uint8Array(data.length);
    const h = lengthPx >> 1;
    for (let j = 0; j < height; j++) {
      for (let i = 0; i < width; i++) {
        let s = 0, n = 0;
        for (let d = -h; d <= h; d++) {
          const x = Math.min(width - 1, Math.max(0, i + d));
          s += data[j * width + x]!;
          n++;
        }
        out[j * width + i] = Math.round(s / n);
      }
    }
    return out;
  };
}

describe('stability: motion blur (frames blurred by a 15-px sweep in the test)', () => {
  it.each([
    ['none', 0, () => false],
    ['every 10th frame', 1, (k: number) => k % 10 === 5],
    ['every 3rd frame', 10, (k: number) => k % 3 === 1],
  ] as const)('%s → %s', async (what, score, pick) => {
    const { quality: q } = await run(`stability motion blur ${what}`, {}, motionBlur(pick));
    expectScores(q, 'stability', score);
    const blurred = q.categories.stability.features.find((f) => f.name === 'motion-blurred frames')!;
    if (score > 0) expect(q.categories.stability.reason).toMatch(/blurred|unregistered/);
    expect(blurred.value).not.toBeNull();
  });
});

describe('illumination: darkness (phantom `brightness`)', () => {
  it.each([
    [150, 0],
    [50, 1],
    [40, 10],
  ] as const)('brightness %s → %s', async (brightness, score) => {
    const { quality: q } = await run(`illumination brightness=${brightness}`, { brightness });
    expectScores(q, 'illumination', score);
    if (score > 0) expect(q.categories.illumination.reason).toMatch(/too dark/);
  });
});

describe('illumination: saturation (phantom `brightness` up)', () => {
  it.each([
    [225, 1],
    [250, 10],
  ] as const)('brightness %s → %s', async (brightness, score) => {
    const { quality: q } = await run(`illumination brightness=${brightness}`, { brightness });
    expectScores(q, 'illumination', score);
    expect(q.categories.illumination.reason).toMatch(/saturated/);
    expect(q.categories.illumination.unit).toBe('fraction of pixels');
  });
});

describe('focus: defocus (phantom `defocusUm`)', () => {
  // Still camera, and registration accepting weaker peaks: with the default
  // MIN_PEAK_SIGNIFICANCE the stabilisation drops every frame of a clip defocused by ≥ 5 µm
  // (peak significance 6–7 at the default noise), which would score duration and stability 10.
  it.each([
    [0, 0],
    [3, 1],
    [5, 10],
  ] as const)('defocus %s µm → %s', async (defocusUm, score) => {
    const { quality: q } = await run(`focus defocus=${defocusUm}µm`, { defocusUm, jitterPx: 0, driftPxPerS: 0 }, undefined, { minPeakSignificance: 4 });
    expectScores(q, 'focus', score);
    expect(q.categories.focus.unit).toBe('µm');
  });
});

describe('content: occlusion area (phantom `occlusions`)', () => {
  const at: [number, number][] = [[70, 70], [180, 120], [190, 50], [70, 140]];
  const occ = (radii: number[]): PhantomOptions['occlusions'] => radii.map((radiusUm, i) => ({ kind: i % 2 === 0 ? 'bubble' : 'saliva', centerPx: at[i]!, radiusUm }));
  it.each([
    [[] as number[], 0],
    [[40, 50], 1],
    [[60, 60, 50, 50], 10],
  ] as const)('occluders of radius %j µm → %s', async (radii, score) => {
    const b = await run(`content occlusions r=${JSON.stringify(radii)}µm`, radii.length > 0 ? { occlusions: occ([...radii]) } : {});
    expectScores(b.quality, 'content', score);
    const trueShare = (b.truth.occlusions ?? []).reduce((a, o) => a + o.areaUm2, 0) / (256 * 192 * 1.3 * 1.3);
    log.push(`${''.padEnd(38)} true occluded share of the frame ${trueShare.toFixed(3)}, measured ${b.quality.categories.content.features[0]!.value!.toFixed(3)}`);
  });
});

describe('pressure: pressure-stopped venules (phantom `pressureStoppedVenules`; flow input = phantom truth classes)', () => {
  it.each([
    [0, 0],
    [1, 1],
    [3, 10],
  ] as const)('%s stopped of 3 venules → %s', async (pressureStoppedVenules, score) => {
    const { quality: q } = await run(`pressure stopped venules=${pressureStoppedVenules}/3`, { venules: 3, pressureStoppedVenules });
    expectScores(q, 'pressure', score);
    expect(q.categories.pressure.unit).toBe('fraction of venules');
  });
});
