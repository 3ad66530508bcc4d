/**
 * probe(): what a clip is (size, pixel shape, frame rate, interlacing, frame count...) before
 * any frame is decoded. ffprobe JSON when an ffprobe goes with the ffmpeg, otherwise the
 * `ffmpeg -i` banner (probe-stderr.ts). AVI headers are read directly (avi-header.ts) for the
 * frame count and the cut-file check. Failures become the typed errors of errors.ts; the file
 * itself is checked before anything is spawned.
 */
import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Stats } from 'node:fs';
import { readAviHeader } from './avi-header.js';
import {
  DecodeStalledError,
  FileNotFoundError,
  MissingFrameRateError,
  NoVideoStreamError,
  NotAVideoError,
  UnsupportedCodecError,
} from './errors.js';
import { runCapture } from './exec.js';
import { locateFfmpeg, type FfmpegInfo } from './ffmpeg.js';
import { classifyFfmpegFailure } from './failure.js';
import { DEFAULT_PROBE_TIMEOUT_S } from './limits.js';
import type { MediaInfo, MediaStream } from './media-info.js';
import { parseFfprobeJson } from './probe-ffprobe.js';
import { parseFfmpegInputStderr } from './probe-stderr.js';
import { ratValue, toRational } from './rational.js';
import type { ClipProbe, FieldOrder, ProbeOptions } from './types.js';

/**
 * The input argument for ffmpeg/ffprobe: an absolute path behind the `file:` protocol, so a
 * name that looks like an option ("-x.avi") or a protocol ("http:", "concat:") is still read
 * as a local file. Together with `-protocol_whitelist file`, a crafted playlist inside the
 * clip cannot make ffmpeg open network URLs either.
 */
export function ffmpegInputArgs(path: string): string[] {
  return ['-protocol_whitelist', 'file', '-i', `file:${resolve(path)}`];
}

/** Existence and readability, before any process is started. */
export async function statInput(path: string): Promise<Stats> {
  let st: Stats;
  try {
    st = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FileNotFoundError(path, code === 'EACCES' ? 'unreadable' : 'missing', err);
  }
  if (!st.isFile() && !st.isDirectory()) throw new FileNotFoundError(path, 'not-a-file');
  try {
    await access(path, fsConstants.R_OK);
  } catch (err) {
    throw new FileNotFoundError(path, 'unreadable', err);
  }
  return st;
}

export function decoderLabel(ff: FfmpegInfo): string {
  return `ffmpeg ${ff.version} (${ff.ffmpegPath})`;
}

async function readMediaInfo(path: string, ff: FfmpegInfo, timeoutMs: number): Promise<{ info: MediaInfo; via: ClipProbe['probedWith'] }> {
  const useFfprobe = ff.ffprobePath !== null;
  const cmd = useFfprobe ? ff.ffprobePath! : ff.ffmpegPath;
  const args = useFfprobe
    ? ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', ...ffmpegInputArgs(path)]
    : ['-nostdin', '-hide_banner', ...ffmpegInputArgs(path)];
  const r = await runCapture(cmd, args, { timeoutMs });
  if (r.timedOut) throw new DecodeStalledError(path, timeoutMs / 1000, 0);
  if (r.spawnError) throw classifyFfmpegFailure(path, String(r.spawnError.message), decoderLabel(ff));
  if (useFfprobe) {
    if (r.code !== 0) throw classifyFfmpegFailure(path, r.stderr, decoderLabel(ff));
    return { info: parseFfprobeJson(r.stdout), via: 'ffprobe' };
  }
  // `ffmpeg -i` without an output always exits 1; success is an "Input #0" description.
  const info = parseFfmpegInputStderr(r.stderr);
  if (!info) throw classifyFfmpegFailure(path, r.stderr, decoderLabel(ff));
  return { info, via: 'ffmpeg-stderr' };
}

/** Containers ffmpeg can open that are never a microscopy clip. */
const NOT_CLIP_CONTAINERS = /^(tty|ass|srt|subviewer|webvtt|lrc|sami|jacosub|microdvd|mpl2|pjs|realtext|stl|vplayer|ffmetadata)$/;

export async function probe(path: string, opts: ProbeOptions = {}): Promise<ClipProbe> {
  const st = await statInput(path);
  if (st.isDirectory()) {
    throw new NotAVideoError(path, 'this is a folder.', 'Open a folder of numbered frames with openClip(folder, { fps }), which reads it frame by frame.');
  }
  if (st.size === 0) {
    throw new NotAVideoError(path, 'the file is empty (0 bytes).', 'The copy or the export failed: copy the clip again from the capture computer.');
  }
  const ff = opts.ffmpeg ?? (await locateFfmpeg(opts.ffmpegPath !== undefined ? { ffmpegPath: opts.ffmpegPath } : {}));
  const timeoutMs = (opts.timeoutS ?? DEFAULT_PROBE_TIMEOUT_S) * 1000;
  const { info, via } = await readMediaInfo(path, ff, timeoutMs);
  return buildProbe(path, st.size, info, via, ff, opts);
}

async function buildProbe(
  path: string,
  fileBytes: number,
  info: MediaInfo,
  via: ClipProbe['probedWith'],
  ff: FfmpegInfo,
  opts: ProbeOptions,
): Promise<ClipProbe> {
  const warnings: string[] = [];
  if (NOT_CLIP_CONTAINERS.test(info.container)) {
    throw new NotAVideoError(path, `ffmpeg reads it as "${info.container}" (text or subtitles), not as video.`);
  }
  const videos = info.streams.filter((s) => s.type === 'video');
  const clip = videos.find((s) => !s.attachedPic);
  if (!clip) {
    const found = info.streams.map((s) => `${s.type}${s.codec ? ` ${s.codec}` : ''}${s.attachedPic ? ' (cover picture)' : ''}`).join(', ');
    throw new NoVideoStreamError(path, found);
  }
  if (videos.length > 1 + videos.filter((s) => s.attachedPic).length) {
    warnings.push(`the file has ${videos.length} video streams; the first one is decoded.`);
  }
  if (clip.codec === null || clip.codec === 'none' || clip.pixelFormat === 'none') {
    throw new UnsupportedCodecError(path, clip.codecTag ? `unknown (FourCC ${clip.codecTag})` : (clip.codec ?? 'unknown'), decoderLabel(ff));
  }
  if (!(clip.width > 0 && clip.height > 0)) {
    throw new UnsupportedCodecError(path, clip.codec, `${decoderLabel(ff)}, which cannot tell the frame size`);
  }

  let fps = clip.fps;
  if (opts.fps !== undefined) {
    const given = toRational(opts.fps);
    if (!given) throw new MissingFrameRateError(path, `the fps option (${String(opts.fps)}) is not a positive rate.`);
    if (fps && Math.abs(ratValue(fps) - ratValue(given)) / ratValue(given) > 0.001) {
      warnings.push(`the file says ${fps.num}/${fps.den} fps; the fps option overrides it with ${given.num}/${given.den}.`);
    }
    fps = given;
  }
  if (!fps) throw new MissingFrameRateError(path, 'the file carries no frame rate.');

  const { fieldOrder, source: fieldOrderSource } = fieldOrderOf(clip);
  const durationS = clip.durationS ?? info.durationS;

  // Header frame count: nb_frames (ffprobe), else the AVI header, else duration × fps.
  let headerFrameCount: number | null = clip.nbFrames;
  let headerFrameCountSource: ClipProbe['headerFrameCountSource'] = headerFrameCount !== null ? 'nb_frames' : null;
  let containerBytesMissing: number | null = null;
  if (/(^|,)avi(,|$)/.test(info.container)) {
    const avi = await readAviHeader(path).catch(() => null);
    if (avi) {
      containerBytesMissing = avi.bytesMissing;
      if (avi.unfinalised) warnings.push('the AVI was never finalised (RIFF size 0): the recording was probably interrupted.');
      if (headerFrameCount === null && avi.totalFrames !== null) {
        headerFrameCount = avi.totalFrames;
        headerFrameCountSource = 'avi-header';
      }
    }
  }
  if (headerFrameCount === null && durationS !== null && durationS > 0) {
    headerFrameCount = Math.round(durationS * ratValue(fps));
    headerFrameCountSource = 'duration×fps';
  }
  if (containerBytesMissing !== null && containerBytesMissing > 0) {
    warnings.push(`the AVI header announces ${containerBytesMissing} bytes more than the file holds: the file was cut.`);
  }

  return {
    path,
    kind: 'video',
    container: info.container,
    codec: clip.codec,
    pixelFormat: clip.pixelFormat ?? 'unknown',
    colorRange: clip.colorRange !== 'unknown' ? clip.colorRange : (clip.pixelFormat ?? '').startsWith('yuvj') ? 'pc' : 'unknown',
    width: clip.width,
    height: clip.height,
    sampleAspectRatio: clip.sar ?? { num: 1, den: 1 },
    fps,
    fpsValue: ratValue(fps),
    interlaced: fieldOrder !== 'progressive' && fieldOrder !== 'unknown',
    fieldOrder,
    fieldOrderSource,
    headerFrameCount,
    headerFrameCountSource,
    durationS,
    hasAudio: info.streams.some((s) => s.type === 'audio'),
    videoStreamOrdinal: videos.indexOf(clip),
    fileBytes,
    containerBytesMissing,
    probedWith: via,
    warnings: [...warnings],
  };
}

/**
 * Field order from the stream; DV's demuxers leave it unset, but SD DV (IEC 61834, the
 * MicroScan DV-AVI) is interlaced bottom-field-first by definition, for PAL and NTSC alike.
 */
function fieldOrderOf(s: MediaStream): { fieldOrder: FieldOrder; source: ClipProbe['fieldOrderSource'] } {
  if (s.fieldOrder !== 'unknown') return { fieldOrder: s.fieldOrder, source: 'metadata' };
  if (s.codec === 'dvvideo' && s.height <= 576) return { fieldOrder: 'bb', source: 'codec-default' };
  return { fieldOrder: 'unknown', source: 'none' };
}
