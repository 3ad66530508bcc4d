/**
 * Test clips made here, from frames rendered here: the expected pixels are known exactly, so
 * a decode can be checked pixel by pixel (lossless codecs) or by mean absolute error (lossy).
 * Encoding always uses the system ffmpeg (spawned with argument arrays, rawvideo on stdin);
 * the decoders under test vary.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { findAllFfmpeg, type FfmpegInfo } from '../../../src/decode/ffmpeg.js';
import type { GrayFrame } from '../../../src/decode/types.js';

/** A textured gradient with a moving bright square: every frame differs, smoothly enough for lossy codecs. */
export function renderGray(w: number, h: number, i: number): Uint8Array {
  const d = new Uint8Array(w * h);
  const sq = Math.max(8, Math.round(w / 12));
  const sx = 4 + ((i * 7) % Math.max(1, w - sq - 8));
  const sy = 4 + ((i * 5) % Math.max(1, h - sq - 8));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = 30 + (110 * x) / Math.max(1, w - 1) + (60 * y) / Math.max(1, h - 1);
      v += 18 * Math.sin((x + 3 * i) / 6) * Math.cos((y - 2 * i) / 9);
      if (x >= sx && x < sx + sq && y >= sy && y < sy + sq) v = 235;
      d[y * w + x] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return d;
}

/** RGB24 whose GREEN channel is renderGray(); red and blue carry other patterns. */
export function renderRgb(w: number, h: number, i: number): Uint8Array {
  const g = renderGray(w, h, i);
  const d = new Uint8Array(w * h * 3);
  for (let p = 0; p < w * h; p++) {
    const x = p % w;
    const y = (p - x) / w;
    d[p * 3] = 255 - g[p]!; // red: the negative
    d[p * 3 + 1] = g[p]!;
    d[p * 3 + 2] = (x * 3 + y * 5 + i * 11) & 0xff; // blue: a hard sawtooth
  }
  return d;
}

export function green(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgb.length / 3);
  for (let p = 0; p < out.length; p++) out[p] = rgb[p * 3 + 1]!;
  return out;
}

export function meanAbsError(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

export function maxAbsError(a: Uint8Array, b: Uint8Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Pipe raw frames into ffmpeg and encode them with the given output arguments. */
export function encode(
  ffmpegPath: string,
  frames: Uint8Array[],
  o: { w: number; h: number; fps: string; inPixFmt: 'gray' | 'rgb24' | 'gray16le' | 'rgb48le' | 'yuv420p' | 'yuyv422'; args: string[]; out: string },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      ffmpegPath,
      ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', o.inPixFmt, '-s', `${o.w}x${o.h}`, '-r', o.fps, '-i', 'pipe:0', ...o.args, o.out],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg encode of ${o.out} failed (${code}): ${err}`))));
    void (async () => {
      for (const f of frames) {
        if (!child.stdin.write(f)) await new Promise((r) => child.stdin.once('drain', r));
      }
      child.stdin.end();
    })();
  });
}

/** Run ffmpeg with arbitrary arguments (lavfi sources etc.). */
export function ffmpegRun(ffmpegPath: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg ${args.join(' ')} failed (${code}): ${err}`))));
  });
}

export async function writePng(file: string, data: Uint8Array, w: number, h: number, channels: 1 | 3): Promise<void> {
  await sharp(data, { raw: { width: w, height: h, channels } })
    .toColourspace(channels === 1 ? 'b-w' : 'srgb')
    .png()
    .toFile(file);
}

export async function collect(it: AsyncIterable<GrayFrame>): Promise<GrayFrame[]> {
  const out: GrayFrame[] = [];
  for await (const f of it) out.push(f);
  return out;
}

export async function tempDir(tag: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `hvm-decode-${tag}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The decoders the suite runs against: every ffmpeg found (the system one with ffprobe, the npm 2018 one without). */
export async function decoders(): Promise<{ label: string; ff: FfmpegInfo }[]> {
  const all = await findAllFfmpeg({ ...process.env, HVM_FFMPEG: '' });
  return all.map((ff) => ({ label: `${ff.source} ${ff.version}${ff.ffprobePath ? ' + ffprobe' : ' (banner parser)'}`, ff }));
}

/**
 * The same ffmpegs with ffprobe withheld, so probe() parses the `ffmpeg -i` banner of each
 * generation (decoding is unchanged by it, so these are used for probing only).
 */
export async function bannerOnly(): Promise<{ label: string; ff: FfmpegInfo }[]> {
  return (await decoders()).map(({ ff }) => ({ label: `${ff.source} ${ff.version} (banner parser)`, ff: { ...ff, ffprobePath: null } }));
}

/** The system ffmpeg, used to make the fixtures. */
export async function systemFfmpeg(): Promise<FfmpegInfo> {
  const all = await findAllFfmpeg({ ...process.env, HVM_FFMPEG: '' });
  const sys = all.find((f) => f.source === 'PATH') ?? all[0];
  if (!sys) throw new Error('no ffmpeg to make test fixtures with');
  return sys;
}
