/**
 * The quality module's interfaces and edge cases: the streaming probe, null categories with
 * their reasons (stills, no flow, no segmentation), looped-vessel shares, the contract schema,
 * and the real sublingual frame (../shared/data/real-frames; read in place, never copied).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { segmentImage } from '../../src/analysis/segment.js';
import { packageRoot } from '../../src/version.js';
import { contentCategory } from '../../src/quality/content.js';
import { gradeAtLeast, gradeAtMost } from '../../src/quality/grade.js';
import { createQualityProbe, DEFAULT_QUALITY_PARAMS, estimateQuality, frameSharpness, QUALITY_CATEGORIES, type Quality, type QualitySegment } from '../../src/quality/index.js';
import { clipResultProblems } from '../../src/report/validate.js';
import { buildInput, core } from './helpers.js';

describe('grading', () => {
  it('scores 0 / 1 / 10 at the thresholds, inclusive on the good side', () => {
    expect([0.25, 0.2501, 0.5, 0.5001].map((v) => gradeAtMost(v, 0.25, 0.5))).toEqual([0, 1, 1, 10]);
    expect([5, 4.999, 3, 2.999].map((v) => gradeAtLeast(v, 5, 3))).toEqual([0, 1, 1, 10]);
  });
});

describe('createQualityProbe', () => {
  const w = 64, h = 48;
  const frame = (f: (i: number, j: number) => number): Uint8Array => {
    const out = new Uint8Array(w * h);
    for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) out[j * w + i] = f(i, j);
    return out;
  };
  it('keeps a few numbers per frame, counts saturated pixels and skips the sharpness of duplicates', () => {
    const p = createQualityProbe({ width: w, height: h, backend: core });
    const textured = frame((i, j) => ((i * 7 + j * 13) % 17) * 8 + 60);
    const bright = frame((i) => (i < 16 ? 255 : 120));
    p.addFrame(textured, { index: 0, timeS: 0, status: 'reference' });
    p.addFrame(bright, { index: 1, timeS: 0.04 });
    p.addFrame(bright, { index: 2, timeS: 0.08, status: 'duplicate' });
    const s = p.summary();
    expect(s.frames.map((f) => f.index)).toEqual([0, 1, 2]);
    expect(s.frames[1]!.saturatedPx).toBe(16 * h);
    expect(s.frames[0]!.saturatedPx).toBe(0);
    expect(s.frames[0]!.sharpness!).toBeGreaterThan(0);
    expect(s.frames[2]!.sharpness).toBeNull();
    expect(Object.keys(s.frames[0]!).sort()).toEqual(['index', 'mean', 'saturatedPx', 'sharpness', 'timeS']);
  });
  it('rejects frames of the wrong size and motion samples without index or time', () => {
    const p = createQualityProbe({ width: w, height: h, backend: core });
    expect(() => p.addFrame(new Uint8Array(10), { index: 0, timeS: 0 })).toThrow(/64×48/);
    expect(() => p.addFrame(new Uint8Array(w * h), { index: 0.5, timeS: 0 })).toThrow(/index/);
    expect(() => createQualityProbe({ width: 0, height: 10 })).toThrow(RangeError);
  });
  it('frame sharpness ignores gain and drops with blur', () => {
    const a = frame((i, j) => 100 + 40 * Math.sin(i / 2) * Math.cos(j / 3));
    const b = frame((i, j) => Math.round((100 + 40 * Math.sin(i / 2) * Math.cos(j / 3)) * 1.5));
    const blurred = frame((i, j) => 100 + 8 * Math.sin(i / 2) * Math.cos(j / 3));
    expect(frameSharpness(b, w, h) / frameSharpness(a, w, h)).toBeCloseTo(1, 1);
    expect(frameSharpness(blurred, w, h)).toBeLessThan(0.1 * frameSharpness(a, w, h));
  });
});

describe('content: looped vessels', () => {
  const segs = (loopShare: number): QualitySegment[] => [
    { polyline: [], closedLoop: true, lengthUm: 100 * loopShare, diameterUm: 8 },
    { polyline: [], closedLoop: false, lengthUm: 100 * (1 - loopShare), diameterUm: 8 },
  ];
  it.each([
    [0.2, 0],
    [0.3, 1],
    [0.5, 1],
    [0.6, 10],
  ] as const)('%s of the length on loops → %s (MIQS < 30 % optimal, > 50 % unacceptable)', (share, score) => {
    const c = contentCategory(0, segs(share), DEFAULT_QUALITY_PARAMS);
    expect(c.score).toBe(score);
    expect(c.features[1]!.value).toBeCloseTo(share, 12);
  });
});

describe('missing inputs give null categories with a reason', () => {
  it('no flow → pressure null; no segmentation → focus null and no vessel contrast; the total covers the rest', async () => {
    const b = await buildInput({ seconds: 3 });
    const noFlow = estimateQuality({ ...b.input, flow: null });
    expect(noFlow.categories.pressure).toMatchObject({ score: null, value: null });
    expect(noFlow.categories.pressure.reason).toMatch(/flow not measured/);
    expect(noFlow.unscored).toEqual(['pressure']);
    const noVessels = estimateQuality({ ...b.input, vessels: null, flow: null });
    expect(noVessels.categories.focus.score).toBeNull();
    expect(noVessels.categories.focus.reason).toMatch(/no vessel segmentation/);
    expect(noVessels.categories.illumination.features.find((f) => f.name === 'vessel contrast')!.value).toBeNull();
    // Without a vessel mask the tissue statistics include the vessels: still scored.
    expect(noVessels.categories.illumination.score).not.toBeNull();
    expect(noVessels.unscored).toEqual(['focus', 'pressure']);
    expect(noVessels.total).toBe(QUALITY_CATEGORIES.reduce((a, c) => a + (noVessels.categories[c].score ?? 0), 0));
    expect(noFlow.total).toBe(1); // duration: 3 s is acceptable, the rest optimal
    const noProbe = estimateQuality({ ...b.input, probe: null });
    const blurred = noProbe.categories.stability.features.find((f) => f.name === 'motion-blurred frames')!;
    expect(blurred.value).toBeNull();
    expect(noProbe.categories.stability.score).toBe(0);
    expect(noFlow.categories.stability.reason).toMatch(/drift/);
  });
  it('no venule in the field → pressure null', async () => {
    const b = await buildInput({ seconds: 3 });
    const q = estimateQuality({ ...b.input, flow: [{ diameterUm: 8, flowClass: 0 }, { diameterUm: 30, flowClass: null }] });
    expect(q.categories.pressure.score).toBeNull();
    expect(q.categories.pressure.reason).toMatch(/no venule/);
  });
  it('rejects inputs of mismatched sizes', async () => {
    const b = await buildInput({ seconds: 3 });
    expect(() => estimateQuality({ ...b.input, meanImage: new Float32Array(10) })).toThrow(/meanImage/);
    expect(() => estimateQuality({ ...b.input, scale: { umPerPxX: 0, umPerPxY: 1 } })).toThrow(/calibration/);
  });
});

describe('the contract', () => {
  const problemsOf = (q: unknown): string[] => clipResultProblems({ quality: q }).filter((p) => p.startsWith('/quality'));
  it('accepts the estimate as the optional top-level `quality` and rejects a malformed one', async () => {
    const { quality } = await buildInput({ seconds: 3 });
    expect(problemsOf(JSON.parse(JSON.stringify(quality)) as Quality)).toEqual([]);
    const bad = structuredClone(quality) as unknown as { categories: { focus: { score: number } }; label: string };
    bad.categories.focus.score = 5;
    expect(problemsOf(bad).join('\n')).toMatch(/\/quality\/categories\/focus\/score/);
    bad.categories.focus.score = 0;
    bad.label = 'MIQS';
    expect(problemsOf(bad).join('\n')).toMatch(/\/quality\/label/);
    // Optional: a result without it has no quality problem.
    expect(clipResultProblems({}).filter((p) => p.startsWith('/quality'))).toEqual([]);
  });
});

const REAL_FRAME = join(packageRoot, '..', 'shared', 'data', 'real-frames', 'sublingual-idf-frame.png');

describe('the real sublingual frame (a still)', () => {
  it.skipIf(!existsSync(REAL_FRAME))('computes focus and illumination; the time-based categories are null', async () => {
    // Grey rule for stills: the green channel. Read in place; nothing of it is written.
    const { data, info } = await sharp(REAL_FRAME).extractChannel('green').raw().toBuffer({ resolveWithObject: true });
    const gray = new Uint8Array(data.buffer, data.byteOffset, info.width * info.height);
    // CytoCam IDF exported downsampled: ~1.8 µm/px (the estimate docs/phantom.md uses).
    const scale = { umPerPxX: 1.8, umPerPxY: 1.8 };
    const seg = segmentImage(gray, info.width, info.height, scale, undefined, { backend: core });
    const q = estimateQuality({ scale, meanImage: gray, width: info.width, height: info.height, probe: null, stabilisation: null, vessels: seg, flow: null, backend: core });
    console.log(`real frame ${info.width}×${info.height}: ${QUALITY_CATEGORIES.map((c) => `${c}=${q.categories[c].score}`).join(' ')}\n  focus: ${q.categories.focus.reason}\n  illumination: ${q.categories.illumination.reason}\n  content: ${q.categories.content.reason}`);
    for (const c of ['duration', 'stability', 'pressure'] as const) {
      expect(q.categories[c].score, c).toBeNull();
      expect(q.categories[c].reason, c).toMatch(/still/);
    }
    expect(q.unscored).toEqual(['duration', 'stability', 'pressure']);
    expect(q.categories.focus.value).not.toBeNull();
    expect(Number.isFinite(q.categories.focus.value)).toBe(true);
    for (const f of q.categories.illumination.features) {
      expect(f.value, f.name).not.toBeNull();
      expect(Number.isFinite(f.value), f.name).toBe(true);
    }
    expect(q.categories.focus.score).not.toBeNull();
    expect(q.categories.illumination.score).not.toBeNull();
  });
});
