/**
 * The registration image made in the core (native/core/registration_image.cpp) against the
 * TypeScript it replaced (kept here as the reference): the same bits on both backends, at
 * downsampling factors 1, 2 and 4, with borders and an overlay box masked, on random frames.
 */
import { describe, expect, it } from 'vitest';
import { CoreError } from '../../src/backend/errors.js';
import type { CoreBackend } from '../../src/backend/types.js';
import { registrationGeometry, registrationImage, type RegistrationGeometry } from '../../src/analysis/registration-image.js';
import { eachBackend, expectSameBytes, randomU8 } from '../backend/helpers.js';

function reference(core: CoreBackend, frame: Uint8Array, g: RegistrationGeometry): Float32Array {
  const { factor: f, width, height, x0, y0, frameWidth: fw } = g;
  const img = new Float32Array(width * height);
  if (f === 1) {
    for (let v = 0; v < height; v++) for (let u = 0; u < width; u++) img[v * width + u] = frame[(y0 + v) * fw + x0 + u]!;
  } else if (f === 2) {
    for (let v = 0; v < height; v++) {
      const r0 = (y0 + 2 * v) * fw + x0, r1 = r0 + fw;
      for (let u = 0; u < width; u++) img[v * width + u] = (frame[r0 + 2 * u]! + frame[r0 + 2 * u + 1]! + frame[r1 + 2 * u]! + frame[r1 + 2 * u + 1]!) * 0.25;
    }
  } else {
    const inv = 1 / (f * f);
    for (let v = 0; v < height; v++) {
      for (let dy = 0; dy < f; dy++) {
        const row = (y0 + v * f + dy) * fw + x0;
        for (let u = 0; u < width; u++) {
          let s = 0;
          for (let dx = 0; dx < f; dx++) s += frame[row + u * f + dx]!;
          img[v * width + u] += s;
        }
      }
      for (let u = 0; u < width; u++) img[v * width + u] *= inv;
    }
  }
  const masked = new Float32Array(img.length);
  for (let i = 0; i < img.length; i++) masked[i] = img[i]! * g.valid[i]!;
  const num = core.gaussianBlur(masked, width, height, g.sigmaBg);
  const out = new Float32Array(img.length);
  for (let i = 0; i < img.length; i++) {
    const wgt = g.weight[i]!;
    if (wgt === 0) continue;
    const den = g.validBlur[i]!;
    const b = den > 1e-6 ? num[i]! / den : 0;
    out[i] = b >= 1 ? (img[i]! / b - 1) * wgt : 0;
  }
  return out;
}

describe.each(eachBackend().map((b) => [b.name, b] as const))('registrationImage on %s', (_n, core) => {
  it('equals the TypeScript original bit for bit (factors 1, 2, 4; borders, an overlay, a dark corner)', () => {
    const W = 203, H = 157;
    let seed = 70;
    for (const factor of [1, 2, 4]) {
      const g = registrationGeometry(core, W, H, { left: 6, right: 3, top: 2, bottom: 5 }, [{ x: 40, y: 30, width: 50, height: 14 }], factor);
      const frame = randomU8(W * H, seed++);
      for (let i = 0; i < 900; i++) frame[i] = 0; // a black strip: background below 1 grey
      expectSameBytes(registrationImage(core, frame, g), reference(core, frame, g), `factor ${factor}`);
    }
  });

  it('a crop outside the frame or a short buffer is a typed error', () => {
    const g = registrationGeometry(core, 64, 48, { left: 0, right: 0, top: 0, bottom: 0 }, [], 2);
    const f = randomU8(64 * 48, 3);
    expect(() => core.registrationImage(f, 64, 48, 1, 0, 2, g.width, g.height, g.valid, g.validBlur, g.weight, g.sigmaBg)).toThrow(CoreError);
    expect(() => core.registrationImage(f.subarray(1), 64, 48, 0, 0, 2, g.width, g.height, g.valid, g.validBlur, g.weight, g.sigmaBg)).toThrow(CoreError);
    expect(() => core.registrationImage(f, 64, 48, 0, 0, 2, g.width, g.height, g.valid.subarray(1), g.validBlur, g.weight, g.sigmaBg)).toThrow(CoreError);
  });
});
