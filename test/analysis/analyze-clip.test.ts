/**
 * analyzeClip for embedders who decode frames themselves: the temporal summary is exact
 * (checked against the arithmetic mean computed here), the provenance hash is the sha256 of
 * the frames, the result validates, and both backends agree bit for bit.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { analyzeClip, type FrameInput } from '../../src/analysis/analyze-clip.js';
import { TooFewFramesError } from '../../src/decode/index.js';
import { clipResultProblems } from '../../src/report/validate.js';

const W = 37;
const H = 23;

function frames(n: number) {
  const out = [];
  for (let k = 0; k < n; k++) {
    const data = new Uint8Array(W * H);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + k * 31 + ((i * k) % 13)) & 255;
    out.push({ index: k, width: W, height: H, data, timestampS: k / 25 });
  }
  return out;
}

function input(n: number): FrameInput {
  return { name: 'embedded-clip', width: W, height: H, fps: 25, frames: frames(n) };
}

describe('analyzeClip with frames from the caller', () => {
  it('builds an exact temporal mean and a validated result', async () => {
    const { result, summary } = await analyzeClip(input(5), { umPerPx: 1.5, backend: 'native' });
    expect(clipResultProblems(result)).toEqual([]);
    const f = frames(5);
    for (const i of [0, 1, 100, W * H - 1]) {
      const mean = f.reduce((s, fr) => s + fr.data[i]!, 0) / 5;
      expect(summary.meanImage[i]).toBe(Math.fround(mean));
    }
    const h = createHash('sha256');
    for (const fr of f) h.update(fr.data);
    expect(result.source.framesHash).toBe(h.digest('hex'));
    expect(result.source).toMatchObject({ frameCount: 5, durationS: 0.2, container: 'frames', decoder: { path: null } });
    expect(result.calibration).toMatchObject({ umPerPxX: 1.5, umPerPxY: 1.5, source: 'option' });
    // 37×23 px at 1.5 µm/px = 55.5 × 34.5 µm = 1914.75 µm² = 0.00191475 mm²
    expect(result.analysis.analysedAreaMm2).toBeCloseTo(0.00191475, 12);
    expect(summary.brightness).toHaveLength(5);
  });

  it('gives bitwise the same summary and result on native and wasm', async () => {
    const a = await analyzeClip(input(4), { umPerPx: 1, backend: 'native' });
    const b = await analyzeClip(input(4), { umPerPx: 1, backend: 'wasm' });
    expect(Buffer.from(b.summary.meanImage.buffer).equals(Buffer.from(a.summary.meanImage.buffer))).toBe(true);
    expect(b.summary.brightness).toEqual(a.summary.brightness);
    expect({ ...b.result, engine: null }).toEqual({ ...a.result, engine: null });
  });

  it('refuses a single frame with a typed error', async () => {
    await expect(analyzeClip(input(1), { umPerPx: 1 })).rejects.toBeInstanceOf(TooFewFramesError);
  });
});
