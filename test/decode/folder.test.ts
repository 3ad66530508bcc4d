/**
 * Numbered frame folders (sharp): natural order, same-size rule, gray rule (gray as stored,
 * colour → green, 16-bit → >> 8), fps required, and the same ClipReader behaviour as video.
 * Tolerances: PNG and LZW-TIFF exact; JPEG quality 95 mean absolute error < 1.5.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameSizeMismatchError, MissingFrameRateError, NotAVideoError, TooFewFramesError } from '../../src/decode/errors.js';
import { naturalCompare } from '../../src/decode/folder.js';
import { openClip, readFrames } from '../../src/decode/frames.js';
import { sha256Input } from '../../src/decode/provenance.js';
import { collect, green, meanAbsError, renderGray, renderRgb, tempDir, writePng } from './helpers/fixtures.js';

const W = 96;
const H = 64;
const N = 12;
let dir = '';
let cleanup: () => Promise<void> = async () => undefined;
const gray = Array.from({ length: N }, (_, i) => renderGray(W, H, i));
const rgb = Array.from({ length: N }, (_, i) => renderRgb(W, H, i));
const g16 = Array.from({ length: 3 }, (_, i) => {
  const v = new Uint16Array(W * H);
  for (let p = 0; p < v.length; p++) v[p] = (gray[i]![p]! << 8) | ((p * 37 + i) & 0xff);
  return v;
});
const d = (name: string): string => join(dir, name);

/** Write in a shuffled order, names unpadded so that name order ≠ natural order (frame_10 < frame_2). */
const shuffled = (n: number): number[] => Array.from({ length: n }, (_, i) => (i * 5) % n);

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('folder'));
  for (const sub of ['gray', 'rgb', 'g16', 'tiff', 'jpeg', 'mixed', 'one', 'empty', 'gaps']) await mkdir(d(sub));
  await Promise.all([
    ...shuffled(N).map((i) => writePng(d(`gray/frame_${i + 1}.png`), gray[i]!, W, H, 1)),
    ...shuffled(N).map((i) => writePng(d(`rgb/img${i + 1}.png`), rgb[i]!, W, H, 3)),
    ...g16.map((v, i) => sharp(v, { raw: { width: W, height: H, channels: 1 } }).toColourspace('grey16').png().toFile(d(`g16/f${i}.png`))),
    ...[0, 1, 2].map((i) => sharp(gray[i]!, { raw: { width: W, height: H, channels: 1 } }).toColourspace('b-w').tiff({ compression: 'lzw' }).toFile(d(`tiff/t${String(i).padStart(3, '0')}.tif`))),
    ...[0, 1, 2].map((i) => sharp(gray[i]!, { raw: { width: W, height: H, channels: 1 } }).toColourspace('b-w').jpeg({ quality: 95 }).toFile(d(`jpeg/j${i}.jpg`))),
    ...[0, 1, 2, 3].map((i) => writePng(d(`mixed/m${i}.png`), gray[i]!, W, H, 1)),
    writePng(d('one/only.png'), gray[0]!, W, H, 1),
    ...[1, 2, 5].map((i) => writePng(d(`gaps/g${i}.png`), gray[i]!, W, H, 1)),
    writeFile(d('gaps/notes.txt'), 'not a frame'),
    writeFile(d('gaps/.DS_Store'), 'mac'),
  ]);
  // One odd-sized frame in the middle of the "mixed" folder.
  await writePng(d('mixed/m2.png'), renderGray(W, H - 2, 2), W, H - 2, 1);
}, 30_000);

afterAll(async () => {
  await cleanup();
});

describe('frame folders', () => {
  it('natural order: digits compare as numbers', { timeout: 1_000 }, () => {
    const names = ['f10.png', 'f2.png', 'f1.png', 'f01.png', 'g1.png', 'f002.png', 'f100.png'];
    expect([...names].sort(naturalCompare)).toEqual(['f1.png', 'f01.png', 'f2.png', 'f002.png', 'f10.png', 'f100.png', 'g1.png']);
  });

  it('reads a gray PNG folder exactly, in natural order', { timeout: 10_000 }, async () => {
    const reader = await openClip(d('gray'), { fps: 25 });
    expect(reader.probe).toMatchObject({
      kind: 'folder',
      container: 'folder',
      codec: 'png',
      pixelFormat: 'gray',
      width: W,
      height: H,
      headerFrameCount: N,
      headerFrameCountSource: 'folder',
      fps: { num: 25, den: 1 },
      probedWith: 'sharp',
      hasAudio: false,
    });
    expect(reader.probe.warnings).toEqual([]);
    const frames = await collect(reader.frames());
    expect(frames.length).toBe(N);
    frames.forEach((f, i) => {
      expect(Buffer.from(f.data).equals(Buffer.from(gray[i]!))).toBe(true);
      expect(f.timestampS).toBeCloseTo(i / 25, 12);
    });
    const h = createHash('sha256');
    gray.forEach((g) => h.update(g));
    expect(reader.summary()).toMatchObject({ frameCount: N, truncated: false, state: 'finished', framesHash: h.digest('hex'), ffmpegArgs: null });
    expect(reader.decoder.path).toBe('sharp');
  });

  it('hashFrames: false reads the same frames and leaves framesHash empty', { timeout: 10_000 }, async () => {
    const reader = await openClip(d('gray'), { fps: 25, hashFrames: false });
    const frames = await collect(reader.frames());
    expect(frames.length).toBe(N);
    frames.forEach((f, i) => expect(Buffer.from(f.data).equals(Buffer.from(gray[i]!))).toBe(true));
    expect(reader.summary()).toMatchObject({ frameCount: N, state: 'finished', framesHash: '' });
  });

  it('takes the green channel of an RGB folder', { timeout: 10_000 }, async () => {
    const reader = await openClip(d('rgb'), { fps: '30000/1001' });
    expect(reader.probe.pixelFormat).toBe('rgb24');
    expect(reader.probe.fps).toEqual({ num: 30000, den: 1001 });
    expect(reader.summary().grayRule).toMatch(/green/);
    const frames = await collect(reader.frames());
    frames.forEach((f, i) => expect(Buffer.from(f.data).equals(Buffer.from(green(rgb[i]!)))).toBe(true));
  });

  it('keeps the high byte of 16-bit PNGs (v >> 8)', { timeout: 10_000 }, async () => {
    const reader = await openClip(d('g16'), { fps: 25 });
    expect(reader.probe.pixelFormat).toBe('gray16le');
    const frames = await collect(reader.frames());
    frames.forEach((f, i) => {
      for (let p = 0; p < W * H; p++) if (f.data[p] !== g16[i]![p]! >> 8) throw new Error(`frame ${i} px ${p}: ${f.data[p]} ≠ ${g16[i]![p]! >> 8}`);
    });
  });

  it('reads LZW TIFF exactly and JPEG within tolerance', { timeout: 10_000 }, async () => {
    const tif = await collect(readFrames(d('tiff'), { fps: 25 }));
    tif.forEach((f, i) => expect(Buffer.from(f.data).equals(Buffer.from(gray[i]!))).toBe(true));
    const jpg = await collect(readFrames(d('jpeg'), { fps: 25 }));
    expect(jpg.length).toBe(3);
    jpg.forEach((f, i) => expect(meanAbsError(f.data, gray[i]!)).toBeLessThan(1.5));
  });

  it('a frame of another size → FrameSizeMismatchError naming it', { timeout: 10_000 }, async () => {
    const err = await openClip(d('mixed'), { fps: 25 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FrameSizeMismatchError);
    expect((err as FrameSizeMismatchError).frame).toBe('m2.png');
    expect((err as Error).message).toMatch(/m2\.png.*96×62.*96×64/);
    expect((err as FrameSizeMismatchError).file).toBe(d('mixed'));
  });

  it('fps is required; empty and one-frame folders are refused', { timeout: 10_000 }, async () => {
    await expect(openClip(d('gray'))).rejects.toBeInstanceOf(MissingFrameRateError);
    await expect(openClip(d('gray'), { fps: 0 })).rejects.toBeInstanceOf(MissingFrameRateError);
    await expect(openClip(d('empty'), { fps: 25 })).rejects.toBeInstanceOf(NotAVideoError);
    await expect(openClip(d('one'), { fps: 25 })).rejects.toBeInstanceOf(TooFewFramesError);
  });

  it('ignores hidden and non-image files, and warns about gaps in the numbering', { timeout: 10_000 }, async () => {
    const reader = await openClip(d('gaps'), { fps: 25 });
    expect(reader.probe.headerFrameCount).toBe(3);
    expect(reader.probe.warnings.join(' ')).toMatch(/skips 2 frame numbers/);
    expect(reader.probe.warnings.join(' ')).toMatch(/1 file that is not a PNG\/TIFF\/JPEG frame was ignored/);
  });

  it('honours maxFrames/startS and stops early on break', { timeout: 10_000 }, async () => {
    const part = await collect(readFrames(d('gray'), { fps: 25, startS: 0.2, maxFrames: 3 }));
    expect(part.map((f) => Buffer.from(f.data).equals(Buffer.from(gray[5 + f.index]!)))).toEqual([true, true, true]);
    expect(part[0]!.timestampS).toBeCloseTo(0.2, 12);
    const reader = await openClip(d('gray'), { fps: 25 });
    for await (const f of reader.frames()) if (f.index === 1) break;
    expect(reader.summary()).toMatchObject({ state: 'stopped', stoppedEarly: true, frameCount: 2 });
  });

  it('hashes a folder input by its frames, in order', { timeout: 10_000 }, async () => {
    const a = await sha256Input(d('gray'));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await sha256Input(d('gray'))).toBe(a);
    expect(await sha256Input(d('rgb'))).not.toBe(a);
  });
});
