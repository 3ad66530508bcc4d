/**
 * Cut clips must be reported as cut. The hard case is the DV-AVI cut during copying: the
 * frames left decode cleanly and ffmpeg exits 0, only the header still says how many frames
 * were recorded (ffprobe's nb_frames, or the AVI header read directly when there is no
 * ffprobe). An MP4 cut after its index (moov first) decodes partly; one cut before its
 * index (moov last) cannot be opened at all: TruncatedClipError.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TruncatedClipError } from '../../src/decode/errors.js';
import { openClip } from '../../src/decode/frames.js';
import { probe } from '../../src/decode/probe.js';
import { collect, decoders, encode, renderGray, systemFfmpeg, tempDir } from './helpers/fixtures.js';

const DV_FRAMES = 20;
const DV_FRAME_BYTES = 144_000; // PAL DV25: 12 DIF sequences × 150 blocks × 80 bytes
const MP4_FRAMES = 25;

const DECODERS = await decoders();
let dir = '';
let cleanup: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('trunc'));
  const ff = (await systemFfmpeg()).ffmpegPath;
  const dvFrames = Array.from({ length: DV_FRAMES }, (_, i) => renderGray(720, 576, i));
  const smallFrames = Array.from({ length: MP4_FRAMES }, (_, i) => renderGray(160, 120, i));
  const h264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', '-g', '5'];
  await Promise.all([
    encode(ff, dvFrames, { w: 720, h: 576, fps: '25', inPixFmt: 'gray', args: ['-c:v', 'dvvideo', '-pix_fmt', 'yuv420p', '-aspect', '4:3', '-f', 'avi'], out: join(dir, 'dv.avi') }),
    encode(ff, smallFrames, { w: 160, h: 120, fps: '25', inPixFmt: 'gray', args: [...h264, '-movflags', '+faststart', '-f', 'mp4'], out: join(dir, 'faststart.mp4') }),
    encode(ff, smallFrames, { w: 160, h: 120, fps: '25', inPixFmt: 'gray', args: [...h264, '-f', 'mp4'], out: join(dir, 'moovlast.mp4') }),
  ]);
  const dv = await readFile(join(dir, 'dv.avi'));
  const movi = dv.indexOf('movi');
  expect(movi).toBeGreaterThan(0);
  // Cut exactly after 8 whole frame chunks ('00dc' + size + 144000 bytes each): no damaged frame at all.
  await writeFile(join(dir, 'dv-cut-boundary.avi'), dv.subarray(0, movi + 4 + 8 * (8 + DV_FRAME_BYTES)));
  // Cut in the middle of frame 12.
  await writeFile(join(dir, 'dv-cut-middle.avi'), dv.subarray(0, movi + 4 + 11 * (8 + DV_FRAME_BYTES) + 8 + DV_FRAME_BYTES / 2));
  const fs = await readFile(join(dir, 'faststart.mp4'));
  expect(fs.indexOf('moov')).toBeLessThan(fs.indexOf('mdat'));
  await writeFile(join(dir, 'faststart-cut.mp4'), fs.subarray(0, Math.floor(fs.length * 0.5)));
  const ml = await readFile(join(dir, 'moovlast.mp4'));
  const moov = ml.indexOf('moov');
  expect(moov).toBeGreaterThan(ml.indexOf('mdat'));
  await writeFile(join(dir, 'no-moov.mp4'), ml.subarray(0, moov - 4));
}, 60_000);

afterAll(async () => {
  await cleanup();
});

describe.each(DECODERS)('truncation with $label', ({ ff }) => {
  it('the intact DV-AVI is not truncated', { timeout: 20_000 }, async () => {
    const reader = await openClip(join(dir, 'dv.avi'), { ffmpeg: ff });
    await collect(reader.frames());
    expect(reader.summary()).toMatchObject({ frameCount: DV_FRAMES, headerFrameCount: DV_FRAMES, truncated: false });
    expect(reader.probe.containerBytesMissing).toBe(0);
  });

  it('a DV-AVI cut at a frame boundary (clean frames, exit 0) is truncated', { timeout: 20_000 }, async () => {
    const p = await probe(join(dir, 'dv-cut-boundary.avi'), { ffmpeg: ff });
    expect(p.headerFrameCount).toBe(DV_FRAMES);
    expect(p.headerFrameCountSource).toBe(ff.ffprobePath ? 'nb_frames' : 'avi-header');
    expect(p.containerBytesMissing).toBeGreaterThan(0);
    const reader = await openClip(p.path, { ffmpeg: ff, probe: p });
    const frames = await collect(reader.frames());
    const s = reader.summary();
    expect(frames.length).toBe(8);
    expect(s.exitCode).toBe(0);
    expect(s.decoderErrors).toEqual([]);
    expect(s.truncated).toBe(true);
    expect(s.frameCount).toBeLessThan(s.headerFrameCount!);
    expect(s.truncationReason).toMatch(/decoded 8 of the 20 frames/);
  });

  it('a DV-AVI cut inside a frame is truncated', { timeout: 20_000 }, async () => {
    const reader = await openClip(join(dir, 'dv-cut-middle.avi'), { ffmpeg: ff });
    await collect(reader.frames());
    const s = reader.summary();
    expect(s.truncated).toBe(true);
    expect(s.frameCount).toBeGreaterThanOrEqual(11);
    expect(s.frameCount).toBeLessThan(DV_FRAMES - 1);
    expect(s.state).toBe('finished');
  });

  it('strict mode turns the cut into TruncatedClipError at the end', { timeout: 20_000 }, async () => {
    const reader = await openClip(join(dir, 'dv-cut-boundary.avi'), { ffmpeg: ff, strict: true });
    let n = 0;
    await expect(
      (async () => {
        for await (const _ of reader.frames()) n++;
      })(),
    ).rejects.toBeInstanceOf(TruncatedClipError);
    expect(n).toBe(8);
  });

  it('an MP4 cut after its index is truncated', { timeout: 20_000 }, async () => {
    const reader = await openClip(join(dir, 'faststart-cut.mp4'), { ffmpeg: ff });
    expect(reader.probe.headerFrameCount).toBe(MP4_FRAMES);
    await collect(reader.frames());
    const s = reader.summary();
    expect(s.truncated).toBe(true);
    expect(s.frameCount).toBeGreaterThanOrEqual(2);
    expect(s.frameCount).toBeLessThan(s.headerFrameCount!);
  });

  it('an MP4 cut before its moov atom is TruncatedClipError', { timeout: 20_000 }, async () => {
    const t0 = Date.now();
    const err = await openClip(join(dir, 'no-moov.mp4'), { ffmpeg: ff }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TruncatedClipError);
    expect((err as TruncatedClipError).message).toMatch(/moov atom/);
    expect((err as TruncatedClipError).file).toBe(join(dir, 'no-moov.mp4'));
    expect(Date.now() - t0).toBeLessThan(15_000);
  });
});
