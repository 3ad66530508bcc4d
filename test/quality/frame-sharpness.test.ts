/**
 * frameSharpness in the core (native/core/frame_sharpness.cpp) against the TypeScript it
 * replaced, kept here as the reference: the same bits on both backends, on random and smooth
 * frames, odd sizes, and the degenerate cases (under 6×6 px, black).
 */
import { describe, expect, it } from 'vitest';
import { CoreError } from '../../src/backend/errors.js';
import { frameSharpness } from '../../src/quality/index.js';
import { eachBackend, randomU8 } from '../backend/helpers.js';

function reference(frame: Uint8Array, width: number, height: number): number {
  const bw = width >> 1, bh = height >> 1;
  if (bw < 3 || bh < 3) return 0;
  const b = new Float32Array(bw * bh);
  let sum = 0;
  for (let j = 0; j < bh; j++) {
    const r0 = 2 * j * width, r1 = r0 + width;
    for (let i = 0; i < bw; i++) {
      const v = frame[r0 + 2 * i]! + frame[r0 + 2 * i + 1]! + frame[r1 + 2 * i]! + frame[r1 + 2 * i + 1]!;
      b[j * bw + i] = v;
      sum += v;
    }
  }
  const mean = sum / (bw * bh);
  if (!(mean > 0)) return 0;
  let e = 0;
  for (let j = 1; j < bh - 1; j++) {
    for (let i = 1; i < bw - 1; i++) {
      const k = j * bw + i;
      const gx = b[k + 1]! - b[k - 1]!;
      const gy = b[k + bw]! - b[k - bw]!;
      e += gx * gx + gy * gy;
    }
  }
  return e / ((bw - 2) * (bh - 2)) / (mean * mean);
}

describe.each(eachBackend().map((b) => [b.name, b] as const))('frameSharpness on %s', (_n, be) => {
  it('equals the TypeScript original bit for bit (random, smooth, odd sizes)', () => {
    let seed = 40;
    for (const [w, h] of [[6, 6], [7, 9], [64, 48], [721, 577], [720, 576]] as const) {
      const noise = randomU8(w * h, seed++);
      const smooth = Uint8Array.from({ length: w * h }, (_, i) => 128 + Math.round(60 * Math.sin((i % w) / 9) * Math.cos(Math.floor(i / w) / 7)));
      for (const f of [noise, smooth]) {
        const got = frameSharpness(f, w, h, be);
        expect(Object.is(got, reference(f, w, h)), `${w}x${h}: ${got} vs ${reference(f, w, h)}`).toBe(true);
      }
    }
  });

  it('is 0 under 6×6 px and on a black frame; a short buffer is a typed error', () => {
    expect(frameSharpness(randomU8(25, 1), 5, 5, be)).toBe(0);
    expect(frameSharpness(new Uint8Array(64 * 48), 64, 48, be)).toBe(0);
    expect(() => be.frameSharpness(new Uint8Array(10), 4, 3)).toThrow(CoreError);
  });
});
