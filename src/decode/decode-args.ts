/**
 * The ffmpeg command line that streams a clip's frames as raw 8-bit (or 16-bit) gray.
 *
 *   ffmpeg -nostdin -hide_banner -loglevel error [-ss START] -protocol_whitelist file
 *          -i file:/abs/clip.avi -map 0:v:N [-frames:v COUNT]
 *          -fps_mode passthrough | -vsync passthrough
 *          [-vf GRAY_RULE_FILTER] -f rawvideo -pix_fmt gray|gray16le pipe:1
 *
 * - `-nostdin`: ffmpeg must never wait for keyboard input (it would hang a batch run).
 * - `-loglevel error`: stderr then holds only real errors, which count as decoder errors.
 * - `-ss` before `-i`: input seeking, frame-accurate since ffmpeg 2.1 and fast on long clips.
 *   The window is chosen in frames, not seconds: startS selects frame k, the first at or
 *   after it (truncation.ts firstFrameIndex), and -ss is set half a frame before k. ffmpeg
 *   compares the start with frame times after rounding it to the stream's time base (1/25 s
 *   in AVI, 1/12800 s in MP4), so an exact start between two frames picks different frames
 *   in different containers; half a frame before k picks k in all of them.
 * - `-frames:v`: maxFrames and durationS (as round(durationS × fps) frames, at least 1), so
 *   the count does not depend on how a container stores timestamps either.
 * - `-map 0:v:N`: exactly the clip's video stream (not cover art, not a second camera).
 * - passthrough: every decoded frame is written once, with no duplicated or dropped frames to
 *   force a constant rate (dropped capture frames are missing time, not stops). ffmpeg 5.1
 *   renamed the option `-fps_mode`; 4.x knows only `-vsync` (and later versions deprecate it),
 *   so the name is chosen by asking the binary (ffmpeg.ts features.fpsMode), not by version.
 * - `-f rawvideo` to `pipe:1`: no container, only frames back to back (W×H bytes each).
 * - `-threads N` (input option, decoder threads) only when asked: the option `threads` or the
 *   environment variable HVM_FFMPEG_THREADS (a whole number ≥ 1). `hvm study` sets it to 1 in
 *   each child process so a batch of parallel clips does not oversubscribe the cores.
 */
import type { FfmpegInfo } from './ffmpeg.js';
import type { GrayRule } from './gray-rule.js';
import { ffmpegInputArgs } from './probe.js';
import type { Rational } from './rational.js';
import { firstFrameIndex } from './truncation.js';
import type { ClipProbe } from './types.js';

function seconds(s: number): string {
  return s.toFixed(6);
}

export function passthroughArgs(ff: Pick<FfmpegInfo, 'features'>): string[] {
  return ff.features.fpsMode ? ['-fps_mode', 'passthrough'] : ['-vsync', 'passthrough'];
}

/** HVM_FFMPEG_THREADS as a whole number ≥ 1, or undefined (unset or not such a number: ffmpeg chooses). */
export function decoderThreadsFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env.HVM_FFMPEG_THREADS;
  if (v === undefined || !/^\d+$/.test(v.trim())) return undefined;
  const n = Number(v);
  return n >= 1 ? n : undefined;
}

/** How many frames durationS asks for (at least one). */
export function framesForDuration(durationS: number, fps: Rational): number {
  return Math.max(1, Math.round((durationS * fps.num) / fps.den));
}

export function buildDecodeArgs(
  path: string,
  probe: Pick<ClipProbe, 'videoStreamOrdinal' | 'fps'>,
  ff: Pick<FfmpegInfo, 'features'>,
  rule: GrayRule,
  o: { startS?: number | undefined; durationS?: number | undefined; maxFrames?: number | undefined; threads?: number | undefined } = {},
): string[] {
  const { num, den } = probe.fps;
  const a = ['-nostdin', '-hide_banner', '-loglevel', 'error'];
  const k = firstFrameIndex(o.startS, num / den);
  if (k > 0) a.push('-ss', seconds(((k - 0.5) * den) / num));
  const threads = o.threads ?? decoderThreadsFromEnv();
  if (threads !== undefined) a.push('-threads', String(threads));
  a.push(...ffmpegInputArgs(path));
  a.push('-map', `0:v:${probe.videoStreamOrdinal}`);
  let count = o.maxFrames;
  if (o.durationS !== undefined) count = Math.min(count ?? Infinity, framesForDuration(o.durationS, probe.fps));
  if (count !== undefined) a.push('-frames:v', String(count));
  a.push(...passthroughArgs(ff));
  if (rule.filter !== null) a.push('-vf', rule.filter);
  a.push('-f', 'rawvideo', '-pix_fmt', rule.outputPixFmt, 'pipe:1');
  return a;
}
