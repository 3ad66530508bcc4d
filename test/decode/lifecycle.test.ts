/**
 * The life of the ffmpeg child: killed and reaped when the consumer stops early or throws,
 * paused (not racing ahead into memory) while the consumer is slow, killed by the stall
 * watchdog when it goes silent; partial trailing bytes are not a frame; maxFrames, startS
 * and durationS select exactly the frames a full decode has at those places.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecodeStalledError, FfmpegMissingError } from '../../src/decode/errors.js';
import type { FfmpegInfo } from '../../src/decode/ffmpeg.js';
import { openClip, readFrames } from '../../src/decode/frames.js';
import { probe } from '../../src/decode/probe.js';
import type { GrayFrame } from '../../src/decode/types.js';
import { collect, decoders, encode, renderGray, systemFfmpeg, tempDir } from './helpers/fixtures.js';

const W = 160;
const H = 120;
const N = 60; // 60 × 19 200 bytes: far more than the pipe and stream buffers hold
const DECODERS = await decoders();
let dir = '';
let cleanup: () => Promise<void> = async () => undefined;
const clip = (): string => join(dir, 'clip.avi');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0); // a zombie would still answer: ESRCH means exited AND reaped
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function fakeFfmpeg(name: string, script: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${script}\n`);
  await chmod(path, 0o755);
  return path;
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('life'));
  const ff = (await systemFfmpeg()).ffmpegPath;
  const frames = Array.from({ length: N }, (_, i) => renderGray(W, H, i));
  await Promise.all([
    encode(ff, frames, { w: W, h: H, fps: '25', inPixFmt: 'gray', args: ['-c:v', 'ffv1', '-f', 'avi'], out: clip() }),
    encode(ff, frames, { w: W, h: H, fps: '25', inPixFmt: 'gray', args: ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '12', '-f', 'mp4'], out: join(dir, 'clip.mp4') }),
  ]);
}, 30_000);

afterAll(async () => {
  await cleanup();
});

describe.each(DECODERS)('ffmpeg lifecycle with $label', ({ ff }) => {
  const fullDecodes = new Map<string, Promise<GrayFrame[]>>();
  /** Every frame of a clip with this decoder (decoded once, shared by the tests below). */
  const fullDecode = (file: string): Promise<GrayFrame[]> => {
    let r = fullDecodes.get(file);
    if (!r) {
      r = collect(readFrames(file, { ffmpeg: ff }));
      fullDecodes.set(file, r);
    }
    return r;
  };

  it('breaking out of the loop kills ffmpeg and reaps it (no zombie)', { timeout: 15_000 }, async () => {
    const reader = await openClip(clip(), { ffmpeg: ff });
    expect(reader.pid).toBeNull();
    let n = 0;
    for await (const _ of reader.frames()) {
      if (++n === 2) break;
    }
    const pid = reader.pid!;
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
    const s = reader.summary();
    expect(s).toMatchObject({ state: 'stopped', stoppedEarly: true, frameCount: 2, truncated: false, exitSignal: 'SIGKILL' });
    expect(s.framesHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('an exception in the consumer kills ffmpeg too', { timeout: 15_000 }, async () => {
    const reader = await openClip(clip(), { ffmpeg: ff });
    await expect(
      (async () => {
        for await (const f of reader.frames()) if (f.index === 3) throw new Error('consumer failed');
      })(),
    ).rejects.toThrow('consumer failed');
    expect(alive(reader.pid!)).toBe(false);
    expect(reader.summary().stoppedEarly).toBe(true);
  });

  it('close() during iteration stops it and reaps ffmpeg', { timeout: 15_000 }, async () => {
    const reader = await openClip(clip(), { ffmpeg: ff });
    const seen: number[] = [];
    for await (const f of reader.frames()) {
      seen.push(f.index);
      if (f.index === 1) await reader.close();
    }
    expect(seen).toEqual([0, 1]);
    expect(alive(reader.pid!)).toBe(false);
    expect(reader.summary().state).toBe('stopped');
  });

  it('a slow consumer pauses ffmpeg (backpressure) and still gets every frame', { timeout: 15_000 }, async () => {
    const reader = await openClip(clip(), { ffmpeg: ff });
    const it = reader.frames()[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    await sleep(600); // far longer than decoding the whole clip takes
    expect(alive(reader.pid!)).toBe(true); // blocked on the full pipe, not finished
    expect(reader.summary().state).toBe('running');
    let n = 1;
    for (let r = await it.next(); !r.done; r = await it.next()) n++;
    expect(n).toBe(N);
    expect(reader.summary()).toMatchObject({ state: 'finished', frameCount: N, truncated: false, exitCode: 0 });
  });

  it('maxFrames, startS and durationS pick exactly those frames', { timeout: 15_000 }, async () => {
    const full = await fullDecode(clip());
    expect(full.length).toBe(N);
    const same = (a: GrayFrame, b: GrayFrame): boolean => Buffer.from(a.data).equals(Buffer.from(b.data));

    const firstFive = await openClip(clip(), { ffmpeg: ff, maxFrames: 5 });
    const ff5 = await collect(firstFive.frames());
    expect(ff5.length).toBe(5);
    ff5.forEach((f, i) => expect(same(f, full[i]!)).toBe(true));
    expect(firstFive.summary()).toMatchObject({ truncated: false, expectedFrameCount: 5 });
    expect(firstFive.summary().ffmpegArgs).toContain('-frames:v');
    expect(firstFive.summary().ffmpegArgs).not.toContain('-t');

    const window = await openClip(clip(), { ffmpeg: ff, startS: 0.4, durationS: 0.2 });
    const w = await collect(window.frames());
    expect(w.length).toBe(5);
    w.forEach((f, i) => {
      expect(same(f, full[10 + i]!)).toBe(true);
      expect(f.index).toBe(i);
      expect(f.timestampS).toBeCloseTo(0.4 + i * 0.04, 9);
    });
    expect(window.summary()).toMatchObject({ truncated: false, expectedFrameCount: 5 });

    // A start between frames selects the first frame at or after it (frame 11 at 0.44 s).
    const between = await collect(readFrames(clip(), { ffmpeg: ff, startS: 0.41, maxFrames: 2 }));
    expect(same(between[0]!, full[11]!)).toBe(true);
    expect(between[0]!.timestampS).toBeCloseTo(0.44, 9);

    const tail = await openClip(clip(), { ffmpeg: ff, startS: 2.0 });
    const t = await collect(tail.frames());
    expect(t.length).toBe(N - 50);
    expect(same(t[0]!, full[50]!)).toBe(true);
    expect(tail.summary()).toMatchObject({ truncated: false, expectedFrameCount: N - 50 });
  });

  it('a start time picks the same frame in AVI (1/25 s time base) and MP4 (1/12800 s)', { timeout: 15_000 }, async () => {
    for (const file of [clip(), join(dir, 'clip.mp4')]) {
      const full = await fullDecode(file);
      for (const [startS, k] of [[0.41, 11], [0.45, 12]] as const) {
        const [first] = await collect(readFrames(file, { ffmpeg: ff, startS, maxFrames: 1 }));
        expect({ file, startS, same: Buffer.from(first!.data).equals(Buffer.from(full[k]!.data)) }).toEqual({ file, startS, same: true });
        expect(first!.timestampS).toBeCloseTo(k / 25, 9);
      }
    }
  });

  it('the frames hash is deterministic', { timeout: 15_000 }, async () => {
    const a = await openClip(clip(), { ffmpeg: ff });
    await collect(a.frames());
    const b = await openClip(clip(), { ffmpeg: ff });
    await collect(b.frames());
    expect(a.summary().framesHash).toBe(b.summary().framesHash);
  });

  it('hashFrames: false gives the same frames without the hash (a replay pass), the default hashes', { timeout: 15_000 }, async () => {
    const a = await openClip(clip(), { ffmpeg: ff });
    const fa = await collect(a.frames());
    const b = await openClip(clip(), { ffmpeg: ff, hashFrames: false });
    const fb = await collect(b.frames());
    expect(fb.length).toBe(fa.length);
    for (let k = 0; k < fa.length; k++) expect(Buffer.from(fb[k]!.data).equals(Buffer.from(fa[k]!.data))).toBe(true);
    expect(a.summary().framesHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.summary().framesHash).toBe('');
    expect(b.summary().state).toBe('finished');
  });

  it('frames() can be iterated once per reader', { timeout: 15_000 }, async () => {
    const reader = await openClip(clip(), { ffmpeg: ff, maxFrames: 2 });
    await collect(reader.frames());
    expect(() => reader.frames()).toThrow(/once per reader/);
  });

  it('the stall watchdog kills a silent ffmpeg with DecodeStalledError', { timeout: 15_000 }, async () => {
    const p = await probe(clip(), { ffmpeg: ff });
    const silent: FfmpegInfo = { ...ff, ffmpegPath: await fakeFfmpeg(`silent-${ff.features.fpsMode}.sh`, 'exec sleep 60') };
    const reader = await openClip(clip(), { ffmpeg: silent, probe: p, stallTimeoutS: 0.5 });
    const t0 = Date.now();
    const err = await collect(reader.frames()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DecodeStalledError);
    expect((err as DecodeStalledError).file).toBe(clip());
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(alive(reader.pid!)).toBe(false);
    expect(reader.summary()).toMatchObject({ state: 'failed', exitSignal: 'SIGKILL' });
  });

  it('an ffmpeg that vanished after probing → FfmpegMissingError', { timeout: 15_000 }, async () => {
    const p = await probe(clip(), { ffmpeg: ff });
    const gone: FfmpegInfo = { ...ff, ffmpegPath: join(dir, 'no-such-ffmpeg') };
    const reader = await openClip(clip(), { ffmpeg: gone, probe: p });
    const err = await collect(reader.frames()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FfmpegMissingError);
    expect((err as FfmpegMissingError).file).toBe(clip());
    expect(reader.summary().state).toBe('failed');
  });

  it('partial trailing bytes are not a frame and mark the clip truncated', { timeout: 15_000 }, async () => {
    const p = await probe(clip(), { ffmpeg: ff });
    // Writes two and a half frames, then exits 0.
    const partial: FfmpegInfo = { ...ff, ffmpegPath: await fakeFfmpeg(`partial-${ff.features.fpsMode}.sh`, `head -c ${Math.round(W * H * 2.5)} /dev/zero`) };
    const reader = await openClip(clip(), { ffmpeg: partial, probe: p });
    const frames = await collect(reader.frames());
    expect(frames.length).toBe(2);
    const s = reader.summary();
    expect(s).toMatchObject({ frameCount: 2, trailingBytes: (W * H) / 2, truncated: true, exitCode: 0 });
    expect(s.truncationReason).toMatch(/incomplete frame/);
  });
});
