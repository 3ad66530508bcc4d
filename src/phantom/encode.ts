/**
 * Writes rendered frames (8-bit grey) as a clip through ffmpeg (argument arrays, raw gray8
 * on stdin with backpressure), or as numbered PNG frames through sharp.
 *
 * Containers and codecs, chosen to cover what sublingual clips come as:
 *  ffv1   — FFV1 in AVI, lossless (level 3, intra only)
 *  h264   — H.264 (libx264, yuv420p, CRF) in MP4, single-threaded for reproducible bytes
 *  mjpeg  — Motion JPEG in AVI (q 3)
 *  dv     — DV25 PAL in AVI: 720×576, 25 fps, SAR 16:15, interlaced bottom field first
 *  rawavi — uncompressed AVI (8-bit grey)
 *  png    — a folder of numbered PNG frames (frame_000000.png …)
 * Container-level version strings are suppressed (bitexact) so files differ only where the
 * encoders differ; the rendered frames themselves are hashed separately (manifest).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { locateFfmpeg } from '../decode/ffmpeg.js';
import { HvmError } from '../errors.js';
import type { Interlace, PhantomCodec, Rational } from './options.js';

export interface EncodeSettings {
  codec: Exclude<PhantomCodec, 'none'>;
  width: number;
  height: number;
  fps: Rational;
  sar: Rational;
  interlace: Interlace;
  h264Crf: number;
  /** ffmpeg binary (default: the engine's locateFfmpeg). */
  ffmpegPath?: string;
}

/** File (or folder, for png) name of a clip. */
export function clipFileName(name: string, codec: Exclude<PhantomCodec, 'none'>): string {
  switch (codec) {
    case 'h264':
      return `${name}.mp4`;
    case 'png':
      return name;
    default:
      return `${name}.avi`;
  }
}

/** The ffmpeg output arguments for a codec (everything after the input). */
export function ffmpegOutputArgs(s: EncodeSettings): string[] {
  const sar = `setsar=${s.sar.num}/${s.sar.den}`;
  const bitexact = ['-fflags', '+bitexact', '-flags:v', '+bitexact', '-map_metadata', '-1'];
  const fieldOrder = s.interlace === 'bff' ? ['-field_order', 'bb'] : s.interlace === 'tff' ? ['-field_order', 'tt'] : [];
  switch (s.codec) {
    case 'ffv1':
      return ['-vf', sar, '-c:v', 'ffv1', '-level', '3', '-g', '1', '-slicecrc', '1', '-pix_fmt', 'gray', ...fieldOrder, ...bitexact, '-f', 'avi'];
    case 'h264':
      return [
        '-vf', sar, '-c:v', 'libx264', '-preset', 'medium', '-crf', String(s.h264Crf), '-pix_fmt', 'yuv420p',
        '-threads', '1', '-x264-params', 'threads=1:lookahead-threads=1', ...fieldOrder, ...bitexact, '-movflags', '+faststart', '-f', 'mp4',
      ];
    case 'mjpeg':
      return ['-vf', sar, '-c:v', 'mjpeg', '-q:v', '3', '-pix_fmt', 'yuvj420p', ...fieldOrder, ...bitexact, '-f', 'avi'];
    case 'dv':
      return ['-vf', sar, '-c:v', 'dvvideo', '-pix_fmt', 'yuv420p', ...(s.interlace !== 'none' ? ['-flags', '+ildct+ilme'] : []), ...fieldOrder, ...bitexact, '-f', 'avi'];
    case 'rawavi':
      return ['-vf', sar, '-c:v', 'rawvideo', '-pix_fmt', 'gray', ...fieldOrder, ...bitexact, '-f', 'avi'];
    default:
      throw new HvmError('E_PHANTOM_ENCODE', `codec ${String(s.codec)} is not written through ffmpeg`);
  }
}

async function resolveFfmpeg(explicit?: string): Promise<string> {
  if (explicit !== undefined) return explicit;
  const info = await locateFfmpeg();
  return info.ffmpegPath;
}

/** Encode frames to outPath with ffmpeg. */
export async function encodeClip(frames: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, outPath: string, s: EncodeSettings): Promise<void> {
  if (s.codec === 'png') {
    await writePngFrames(frames, outPath, s.width, s.height);
    return;
  }
  if (s.codec === 'dv' && !(s.width === 720 && s.height === 576 && s.fps.num === 25 && s.fps.den === 1)) {
    throw new HvmError('E_PHANTOM_ENCODE', `DV is written as PAL only (720×576, 25 fps), not ${s.width}×${s.height} at ${s.fps.num}/${s.fps.den}`);
  }
  const ffmpeg = await resolveFfmpeg(s.ffmpegPath);
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', `${s.width}x${s.height}`, '-framerate', `${s.fps.num}/${s.fps.den}`, '-i', 'pipe:0',
    ...ffmpegOutputArgs(s),
    outPath,
  ];
  const child = spawn(ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    if (stderr.length < 65536) stderr += d;
  });
  let pipeError: Error | null = null;
  child.stdin.on('error', (e) => {
    pipeError = e;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  const frameBytes = s.width * s.height;
  try {
    for await (const f of frames) {
      if (f.length !== frameBytes) throw new HvmError('E_PHANTOM_ENCODE', `frame has ${f.length} bytes, expected ${frameBytes}`);
      if (pipeError !== null || child.exitCode !== null) break;
      if (!child.stdin.write(Buffer.from(f.buffer, f.byteOffset, f.byteLength))) {
        await Promise.race([once(child.stdin, 'drain'), exited]);
      }
    }
  } finally {
    child.stdin.end();
  }
  const { code, signal } = await exited;
  if (code !== 0) {
    throw new HvmError('E_PHANTOM_ENCODE', `ffmpeg failed writing the phantom (exit ${code ?? signal}): ${stderr.trim().slice(-2000)}`, {
      file: outPath,
      hint: `Command: ${ffmpeg} ${args.join(' ')}`,
    });
  }
}

/** Write frames as numbered 8-bit grey PNGs (frame_000000.png, …) into dir. */
export async function writePngFrames(frames: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, dir: string, width: number, height: number): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const names: string[] = [];
  let k = 0;
  for await (const f of frames) {
    const name = `frame_${String(k).padStart(6, '0')}.png`;
    await sharp(Buffer.from(f.buffer, f.byteOffset, f.byteLength), { raw: { width, height, channels: 1 } })
      .toColourspace('b-w')
      .png({ compressionLevel: 9, adaptiveFiltering: true })
      .toFile(join(dir, name));
    names.push(name);
    k++;
  }
  return names;
}
