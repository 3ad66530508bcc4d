/**
 * The gray rule (src/decode/gray-rule.ts), checked value by value on every decoder:
 *  - limited-range YUV luma is expanded: gray = clip(round((Y − 16) × 255 / 219)), so the
 *    limited-range mid-grey Y = 126 decodes to 128, Y = 16 to 0 and Y = 235 to 255;
 *  - full-range YUV (flagged 'pc') is kept as stored;
 *  - 16-bit gray keeps the high byte (v >> 8);
 *  - RGB keeps the green channel (16-bit RGB: green >> 8).
 * Lossless codecs (FFV1, rawvideo, PNG) so that any difference is the rule's, not the codec's.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClip } from '../../src/decode/frames.js';
import { classifyPixelFormat, grayRuleFor } from '../../src/decode/gray-rule.js';
import { probe } from '../../src/decode/probe.js';
import { collect, decoders, encode, systemFfmpeg, tempDir } from './helpers/fixtures.js';

const W = 256;
const H = 8;
const N = 2;
const expand = (y: number): number => Math.min(255, Math.max(0, Math.round(((y - 16) * 255) / 219)));

/** yuv420p frames whose luma rows are the ramp 0..255 and chroma neutral. */
function yuvRamp(): Uint8Array {
  const y = new Uint8Array(W * H);
  for (let i = 0; i < y.length; i++) y[i] = i % W;
  const c = new Uint8Array((W / 2) * (H / 2)).fill(128);
  return Buffer.concat([y, c, c]);
}

/** yuyv422 (packed Y0 U Y1 V) with the same luma ramp. */
function yuyvRamp(): Uint8Array {
  const d = new Uint8Array(W * H * 2);
  for (let p = 0; p < W * H; p++) {
    d[p * 2] = p % W;
    d[p * 2 + 1] = 128;
  }
  return d;
}

function gray16(): { bytes: Uint8Array; values: Uint16Array } {
  const values = new Uint16Array(W * H);
  for (let i = 0; i < values.length; i++) values[i] = Math.min(65535, (i % W) * 257 + ((i * 13) % 251));
  return { bytes: new Uint8Array(values.buffer), values };
}

function rgb48(): { bytes: Uint8Array; greens: Uint16Array } {
  const v = new Uint16Array(W * H * 3);
  const greens = new Uint16Array(W * H);
  for (let p = 0; p < W * H; p++) {
    greens[p] = Math.min(65535, (p % W) * 256 + ((p * 7) % 256));
    v[p * 3] = 65535 - greens[p]!;
    v[p * 3 + 1] = greens[p]!;
    v[p * 3 + 2] = (p * 977) % 65536;
  }
  return { bytes: new Uint8Array(v.buffer), greens };
}

describe('gray rule: pixel format classes', () => {
  it.each([
    ['yuv420p', 'unknown', 'yuv-limited'],
    ['yuv420p', 'tv', 'yuv-limited'],
    ['yuv420p', 'pc', 'yuv-full'],
    ['yuvj422p', 'unknown', 'yuv-full'],
    ['yuv411p', 'unknown', 'yuv-limited'],
    ['yuv420p10le', 'tv', 'yuv-limited'],
    ['nv12', 'unknown', 'yuv-limited'],
    ['yuyv422', 'unknown', 'yuv-limited'],
    ['uyvy422', 'unknown', 'yuv-limited'],
    ['gray', 'unknown', 'gray8'],
    ['ya8', 'unknown', 'gray8'],
    ['gray16le', 'pc', 'gray16'],
    ['gray10le', 'unknown', 'gray16'],
    ['rgb24', 'pc', 'rgb8'],
    ['bgr24', 'unknown', 'rgb8'],
    ['bgra', 'unknown', 'rgb8'],
    ['pal8', 'unknown', 'rgb8'],
    ['gbrp', 'unknown', 'rgb8'],
    ['rgb565le', 'unknown', 'rgb8'],
    ['rgb48be', 'unknown', 'rgb16'],
    ['rgba64le', 'unknown', 'rgb16'],
    ['gbrp10le', 'unknown', 'rgb16'],
    ['bayer_rggb8', 'unknown', 'rgb8'],
    ['xyz12le', 'unknown', 'other'],
  ] as const)('%s (range %s) → %s', { timeout: 1_000 }, (pf, range, cls) => {
    expect(classifyPixelFormat(pf, range)).toBe(cls);
  });

  it('chooses filters that both ffmpeg generations accept', { timeout: 1_000 }, () => {
    expect(grayRuleFor('yuv420p', 'unknown')).toMatchObject({ filter: 'scale=in_range=tv:out_range=pc,format=gray', outputPixFmt: 'gray', bytesPerPixel: 1 });
    expect(grayRuleFor('yuvj420p', 'pc')).toMatchObject({ filter: 'scale=in_range=pc:out_range=pc,format=gray' });
    expect(grayRuleFor('bgr24', 'unknown')).toMatchObject({ filter: 'format=gbrp,extractplanes=g', outputPixFmt: 'gray' });
    expect(grayRuleFor('rgb48be', 'unknown')).toMatchObject({ filter: 'format=gbrp16le,extractplanes=g', outputPixFmt: 'gray16le', bytesPerPixel: 2 });
    expect(grayRuleFor('gray16le', 'pc')).toMatchObject({ filter: null, outputPixFmt: 'gray16le', bytesPerPixel: 2 });
    expect(grayRuleFor('gray', 'unknown')).toMatchObject({ filter: null, outputPixFmt: 'gray', bytesPerPixel: 1 });
    expect(grayRuleFor('xyz12le', 'unknown').warning).toMatch(/not one the gray rule knows/);
  });
});

const DECODERS = await decoders();
let dir = '';
let cleanup: () => Promise<void> = async () => undefined;
const g16 = gray16();
const c48 = rgb48();

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('grayrule'));
  const ff = (await systemFfmpeg()).ffmpegPath;
  const rep = <T>(x: T): T[] => Array.from({ length: N }, () => x);
  await Promise.all([
    encode(ff, rep(yuvRamp()), { w: W, h: H, fps: '25', inPixFmt: 'yuv420p', args: ['-c:v', 'ffv1', '-pix_fmt', 'yuv420p', '-f', 'avi'], out: join(dir, 'limited.avi') }),
    encode(ff, rep(yuvRamp()), { w: W, h: H, fps: '25', inPixFmt: 'yuv420p', args: ['-c:v', 'ffv1', '-pix_fmt', 'yuv420p', '-color_range', 'pc', '-f', 'matroska'], out: join(dir, 'full.mkv') }),
    encode(ff, rep(yuyvRamp()), { w: W, h: H, fps: '25', inPixFmt: 'yuyv422', args: ['-c:v', 'rawvideo', '-pix_fmt', 'yuyv422', '-f', 'avi'], out: join(dir, 'yuyv.avi') }),
    encode(ff, rep(g16.bytes), { w: W, h: H, fps: '25', inPixFmt: 'gray16le', args: ['-c:v', 'ffv1', '-pix_fmt', 'gray16le', '-f', 'matroska'], out: join(dir, 'gray16.mkv') }),
    encode(ff, rep(c48.bytes), { w: W, h: H, fps: '25', inPixFmt: 'rgb48le', args: ['-c:v', 'png', '-pix_fmt', 'rgb48be', '-f', 'mov'], out: join(dir, 'rgb48.mov') }),
  ]);
}, 30_000);

afterAll(async () => {
  await cleanup();
});

describe.each(DECODERS)('gray rule with $label', ({ ff }) => {
  const decode = async (file: string): Promise<Uint8Array[]> => {
    const reader = await openClip(join(dir, file), { ffmpeg: ff });
    const frames = await collect(reader.frames());
    expect(frames.length).toBe(N);
    return frames.map((f) => f.data);
  };

  it('expands limited-range luma to full range (mid-grey Y=126 → 128)', { timeout: 15_000 }, async () => {
    const p = await probe(join(dir, 'limited.avi'), { ffmpeg: ff });
    expect(p.pixelFormat).toBe('yuv420p');
    const [f] = await decode('limited.avi');
    expect(f![126]).toBe(128);
    expect(f![16]).toBe(0);
    expect(f![235]).toBe(255);
    expect(f![0]).toBe(0);
    expect(f![255]).toBe(255);
    for (let y = 0; y < 256; y++) expect(f![y]).toBe(expand(y));
  });

  it('expands packed yuyv422 the same way', { timeout: 15_000 }, async () => {
    const [f] = await decode('yuyv.avi');
    for (let y = 0; y < 256; y++) expect(f![y]).toBe(expand(y));
  });

  it('keeps full-range (pc) luma as stored', { timeout: 15_000 }, async () => {
    const p = await probe(join(dir, 'full.mkv'), { ffmpeg: ff });
    expect(p.colorRange).toBe('pc');
    const [f] = await decode('full.mkv');
    for (let y = 0; y < 256; y++) expect(f![y]).toBe(y);
  });

  it('keeps the high byte of 16-bit gray (v >> 8)', { timeout: 15_000 }, async () => {
    const [f] = await decode('gray16.mkv');
    for (let i = 0; i < W * H; i++) expect(f![i]).toBe(g16.values[i]! >> 8);
  });

  it('keeps the green channel of 16-bit RGB (green >> 8)', { timeout: 15_000 }, async () => {
    const p = await probe(join(dir, 'rgb48.mov'), { ffmpeg: ff });
    expect(p.pixelFormat).toBe('rgb48be');
    const [f] = await decode('rgb48.mov');
    for (let i = 0; i < W * H; i++) expect(f![i]).toBe(c48.greens[i]! >> 8);
  });
});
