/**
 * Each kind of bad input ends in its own typed error, naming the file and saying what to do,
 * within a bounded time (nothing hangs), with every decoder.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HvmError } from '../../src/errors.js';
import {
  ClipTooLargeError,
  FileNotFoundError,
  MissingFrameRateError,
  NoVideoStreamError,
  NotAVideoError,
  TooFewFramesError,
  TruncatedClipError,
  UnsupportedCodecError,
} from '../../src/decode/errors.js';
import type { FfmpegInfo } from '../../src/decode/ffmpeg.js';
import { openClip } from '../../src/decode/frames.js';
import { probe } from '../../src/decode/probe.js';
import { collect, decoders, encode, ffmpegRun, renderGray, systemFfmpeg, tempDir, writePng } from './helpers/fixtures.js';

const BOUND_MS = 15_000;
const DECODERS = await decoders();
let dir = '';
let cleanup: () => Promise<void> = async () => undefined;
const p = (name: string): string => join(dir, name);

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('bad'));
  const ff = (await systemFfmpeg()).ffmpegPath;
  const frames = Array.from({ length: 12 }, (_, i) => renderGray(160, 120, i));
  await Promise.all([
    writeFile(p('empty.avi'), ''),
    writeFile(p('notes.avi'), 'Patient 12, day 3: sublingual, 5 sites.\nThis is a text file renamed .avi.\n'),
    ffmpegRun(ff, ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', p('audio-only.wav')]),
    ffmpegRun(ff, ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', p('audio-only.m4a')]),
    encode(ff, frames.slice(0, 1), { w: 160, h: 120, fps: '25', inPixFmt: 'gray', args: ['-c:v', 'ffv1', '-f', 'avi'], out: p('one-frame.avi') }),
    encode(ff, frames, { w: 160, h: 120, fps: '25', inPixFmt: 'gray', args: ['-c:v', 'ffv1', '-f', 'avi'], out: p('ok.avi') }),
    encode(ff, frames, { w: 160, h: 120, fps: '25', inPixFmt: 'gray', args: ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-f', 'mp4'], out: p('moovlast.mp4') }),
    encode(ff, frames, { w: 160, h: 120, fps: '25', inPixFmt: 'gray', args: ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-f', 'h264'], out: p('headerless.h264') }),
    writePng(p('snapshot.png'), frames[0]!, 160, 120, 1),
    mkdir(p('folder-no-fps')).then(() => Promise.all([0, 1].map((i) => writePng(p(`folder-no-fps/f${i}.png`), frames[i]!, 160, 120, 1)))),
  ]);
  const mp4 = await readFile(p('moovlast.mp4'));
  await writeFile(p('no-moov.mp4'), mp4.subarray(0, mp4.indexOf('moov') - 4));
  // An AVI whose FourCC no decoder knows: FFV1 relabelled "QZQZ".
  const avi = await readFile(p('ok.avi'));
  await writeFile(p('unknown-fourcc.avi'), Buffer.from(avi.toString('latin1').replaceAll('FFV1', 'QZQZ'), 'latin1'));
}, 60_000);

afterAll(async () => {
  await cleanup();
});

async function failure(f: () => Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const t0 = Date.now();
  try {
    await f();
  } catch (err) {
    return { err, ms: Date.now() - t0 };
  }
  throw new Error('expected a failure');
}

/** Open, read all frames, and return the error (and how long it took). */
const decodeAll = (path: string, ff: FfmpegInfo, extra: object = {}) => failure(async () => collect((await openClip(path, { ffmpeg: ff, ...extra })).frames()));

function expectTyped(r: { err: unknown; ms: number }, cls: abstract new (...a: never[]) => HvmError, file: string, code: string): void {
  expect(r.err).toBeInstanceOf(cls);
  const e = r.err as HvmError;
  expect(e).toBeInstanceOf(HvmError);
  expect(e.code).toBe(code);
  expect(e.file).toBe(file);
  expect(e.hint && e.hint.length).toBeGreaterThan(20);
  expect(e.message).toContain(file);
  expect(r.ms).toBeLessThan(BOUND_MS);
}

describe.each(DECODERS)('bad inputs with $label', ({ ff }) => {
  it('missing file → FileNotFoundError, checked before any process is started', { timeout: BOUND_MS }, async () => {
    const bogus: FfmpegInfo = { ...ff, ffmpegPath: '/nonexistent/ffmpeg', ffprobePath: '/nonexistent/ffprobe' };
    expectTyped(await decodeAll(p('nope.avi'), bogus), FileNotFoundError, p('nope.avi'), 'E_FILE_NOT_FOUND');
    expectTyped(await failure(() => probe(p('nope.avi'), { ffmpeg: bogus })), FileNotFoundError, p('nope.avi'), 'E_FILE_NOT_FOUND');
  });

  it('zero-byte file → NotAVideoError', { timeout: BOUND_MS }, async () => {
    const r = await decodeAll(p('empty.avi'), ff);
    expectTyped(r, NotAVideoError, p('empty.avi'), 'E_NOT_A_VIDEO');
    expect((r.err as Error).message).toMatch(/empty/);
  });

  it('text file renamed .avi → NotAVideoError', { timeout: BOUND_MS }, async () => {
    expectTyped(await decodeAll(p('notes.avi'), ff), NotAVideoError, p('notes.avi'), 'E_NOT_A_VIDEO');
  });

  it('MP4 without its moov atom → TruncatedClipError', { timeout: BOUND_MS }, async () => {
    expectTyped(await decodeAll(p('no-moov.mp4'), ff), TruncatedClipError, p('no-moov.mp4'), 'E_TRUNCATED_CLIP');
  });

  it('audio-only files → NoVideoStreamError', { timeout: BOUND_MS }, async () => {
    expectTyped(await decodeAll(p('audio-only.wav'), ff), NoVideoStreamError, p('audio-only.wav'), 'E_NO_VIDEO_STREAM');
    const m4a = await decodeAll(p('audio-only.m4a'), ff);
    expectTyped(m4a, NoVideoStreamError, p('audio-only.m4a'), 'E_NO_VIDEO_STREAM');
    expect((m4a.err as Error).message).toMatch(/audio aac/);
  });

  it('a single-frame clip and a still image → TooFewFramesError', { timeout: BOUND_MS }, async () => {
    const one = await decodeAll(p('one-frame.avi'), ff);
    expectTyped(one, TooFewFramesError, p('one-frame.avi'), 'E_TOO_FEW_FRAMES');
    expect(one.err).toMatchObject({ frameCount: 1, minFrames: 2 });
    expectTyped(await decodeAll(p('snapshot.png'), ff), TooFewFramesError, p('snapshot.png'), 'E_TOO_FEW_FRAMES');
    // minFrames is configurable.
    const frames = await collect((await openClip(p('one-frame.avi'), { ffmpeg: ff, minFrames: 1 })).frames());
    expect(frames.length).toBe(1);
  });

  it('frame size over the limit → ClipTooLargeError before decoding', { timeout: BOUND_MS }, async () => {
    const r = await decodeAll(p('ok.avi'), ff, { limits: { maxWidth: 100 } });
    expectTyped(r, ClipTooLargeError, p('ok.avi'), 'E_CLIP_TOO_LARGE');
    expect((r.err as Error).message).toMatch(/160×120 px; the limit is 100×8192/);
  });

  it('frame count over the limit → ClipTooLargeError (from the header, and while decoding a headerless stream)', { timeout: BOUND_MS }, async () => {
    expectTyped(await decodeAll(p('ok.avi'), ff, { limits: { maxFrames: 5 } }), ClipTooLargeError, p('ok.avi'), 'E_CLIP_TOO_LARGE');
    // Within the limit when only part is asked for.
    expect((await collect((await openClip(p('ok.avi'), { ffmpeg: ff, limits: { maxFrames: 5 }, maxFrames: 5 })).frames())).length).toBe(5);
    const reader = await openClip(p('headerless.h264'), { ffmpeg: ff, limits: { maxFrames: 5 } });
    expect(reader.probe.headerFrameCount).toBeNull();
    const t0 = Date.now();
    let n = 0;
    const err = await (async () => {
      for await (const _ of reader.frames()) n++;
    })().catch((e: unknown) => e);
    expectTyped({ err, ms: Date.now() - t0 }, ClipTooLargeError, p('headerless.h264'), 'E_CLIP_TOO_LARGE');
    expect(n).toBe(5);
    expect(reader.summary().state).toBe('failed');
  });

  it('unknown FourCC → UnsupportedCodecError', { timeout: BOUND_MS }, async () => {
    const r = await decodeAll(p('unknown-fourcc.avi'), ff);
    expectTyped(r, UnsupportedCodecError, p('unknown-fourcc.avi'), 'E_UNSUPPORTED_CODEC');
    expect((r.err as Error).message).toMatch(/QZQZ/);
  });

  it('a folder without fps → MissingFrameRateError; probe() of a folder → NotAVideoError', { timeout: BOUND_MS }, async () => {
    expectTyped(await decodeAll(p('folder-no-fps'), ff), MissingFrameRateError, p('folder-no-fps'), 'E_MISSING_FRAME_RATE');
    expectTyped(await failure(() => probe(p('folder-no-fps'), { ffmpeg: ff })), NotAVideoError, p('folder-no-fps'), 'E_NOT_A_VIDEO');
  });
});

it('bad option values are rejected before anything runs', { timeout: 5_000 }, async () => {
  await expect(openClip(p('ok.avi'), { maxFrames: 0 })).rejects.toThrow(RangeError);
  await expect(openClip(p('ok.avi'), { startS: -1 })).rejects.toThrow(RangeError);
  await expect(openClip(p('ok.avi'), { durationS: Number.NaN })).rejects.toThrow(RangeError);
});
