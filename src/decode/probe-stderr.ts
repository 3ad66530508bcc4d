/**
 * Read the input description ffmpeg prints to stderr for `ffmpeg -hide_banner -i FILE`.
 * Used when no ffprobe goes with the ffmpeg (the npm @ffmpeg-installer build). The banner is
 * meant for people, so only stable pieces are read, each by its own shape rather than its
 * position; it has looked like this from ffmpeg 3 to 7:
 *
 *   Input #0, avi, from 'file:/clips/a.avi':
 *     Duration: 00:00:30.00, start: 0.000000, bitrate: 29781 kb/s
 *     Stream #0:0: Video: dvvideo (dvsd / 0x64737664), yuv420p, 720x576 [SAR 16:15 DAR 4:3], 25 fps, 25 tbr, 25 tbn
 *     Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, top first), 1280x960, 30 fps, ...
 *     Stream #0:1: Audio: pcm_s16le ([1][0][0][0] / 0x0001), 48000 Hz, stereo, s16, 1536 kb/s
 *
 * What it cannot give: nb_frames (the header frame count; AVI headers are read directly by
 * avi-header.ts) and, in older builds, the field order of H.264/MOV streams.
 */
import { fieldOrderFrom, type MediaInfo, type MediaStream } from './media-info.js';
import { rationalFromDecimal, reduce } from './rational.js';

/** Split at commas that are not inside (...) or [...]. */
export function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(' || ch === '[') depth++;
    else if ((ch === ')' || ch === ']') && depth > 0) depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else {
      cur += ch;
    }
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

function parseDuration(text: string): number | null {
  const m = /^\s*Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/m.exec(text);
  if (!m) return null;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

const TYPE: Record<string, MediaStream['type']> = {
  Video: 'video',
  Audio: 'audio',
  Subtitle: 'subtitle',
  Data: 'data',
  Attachment: 'attachment',
};

export function parseVideoDescription(body: string): Omit<MediaStream, 'type' | 'nbFrames' | 'durationS'> {
  const attachedPic = /\(attached pic\)/.test(body);
  const parts = splitTopLevel(body.replace(/\s*\((default|attached pic|forced|dub|original|comment|lyrics|karaoke|hearing impaired|visual impaired|clean effects|dependent|still image)\)/g, ''));
  const s: Omit<MediaStream, 'type' | 'nbFrames' | 'durationS'> = {
    codec: null,
    codecTag: null,
    pixelFormat: null,
    colorRange: 'unknown',
    fieldOrder: 'unknown',
    width: 0,
    height: 0,
    sar: null,
    fps: null,
    attachedPic,
  };
  const head = parts[0] ?? '';
  s.codec = /^(\S+)/.exec(head)?.[1] ?? null;
  s.codecTag = /\(([^()]{1,16}) \/ 0x[0-9A-Fa-f]+\)/.exec(head)?.[1] ?? null;
  let tbr: string | null = null;
  let fps: string | null = null;
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i]!;
    const size = /^(\d+)x(\d+)(?:\s*\[SAR (\d+):(\d+) DAR \d+:\d+\])?/.exec(p);
    if (size) {
      s.width = Number(size[1]);
      s.height = Number(size[2]);
      if (size[3] && Number(size[3]) > 0 && Number(size[4]) > 0) s.sar = reduce({ num: Number(size[3]), den: Number(size[4]) });
      continue;
    }
    const sar = /^SAR (\d+):(\d+) DAR/.exec(p);
    if (sar) {
      if (Number(sar[1]) > 0 && Number(sar[2]) > 0) s.sar = reduce({ num: Number(sar[1]), den: Number(sar[2]) });
      continue;
    }
    const rate = /^(\d+(?:\.\d+)?k?) (fps|tbr)\b/.exec(p);
    if (rate) {
      if (rate[2] === 'fps') fps = rate[1]!;
      else tbr = rate[1]!;
      continue;
    }
    // The pixel format comes right after the codec: "yuv420p", "yuvj422p(pc, bt470bg/unknown/unknown)",
    // "yuv420p(tv, bt709, top first)", "yuv420p(bottom coded first (swapped))".
    const pix = i === 1 ? /^([a-z0-9_]+)(?:\((.*)\))?$/i.exec(p) : null;
    if (pix) {
      s.pixelFormat = pix[1]!;
      for (const token of splitTopLevel(pix[2] ?? '')) {
        if (token === 'tv' || token === 'pc') s.colorRange = token;
        const fo = fieldOrderFrom(token);
        if (fo !== 'unknown') s.fieldOrder = fo;
      }
      if (s.pixelFormat.startsWith('yuvj') && s.colorRange === 'unknown') s.colorRange = 'pc';
    }
  }
  // "fps" is the stream's average rate, "tbr" its base rate; prefer the average like ffprobe.
  s.fps = (fps !== null ? rationalFromDecimal(fps) : null) ?? (tbr !== null ? rationalFromDecimal(tbr) : null);
  return s;
}

/** null when stderr holds no description of an input (ffmpeg could not open the file). */
export function parseFfmpegInputStderr(stderr: string): MediaInfo | null {
  const lines = stderr.split(/\r?\n/);
  const start = lines.findIndex((l) => /^Input #0, /.test(l));
  if (start < 0) return null;
  const container = /^Input #0, (.+?), from '/.exec(lines[start]!)?.[1] ?? 'unknown';
  const section: string[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (/^(Input #\d|Output #|Stream mapping:|At least one output file)/.test(l)) break;
    section.push(l);
  }
  const text = section.join('\n');
  const streams: MediaStream[] = [];
  for (const l of section) {
    // Metadata lines look like "    title   : text", so a title cannot pose as a stream line.
    const m = /^\s*Stream #0:\d+(?:\[[^\]]*\])?(?:\([^)]*\))?(?:\[[^\]]*\])?: (\w+): (.*)$/.exec(l);
    if (!m) continue;
    const type = TYPE[m[1]!] ?? 'other';
    if (type === 'video') {
      streams.push({ type, nbFrames: null, durationS: null, ...parseVideoDescription(m[2]!) });
    } else {
      streams.push({
        type,
        codec: /^(\S+)/.exec(m[2]!)?.[1] ?? null,
        codecTag: null,
        pixelFormat: null,
        colorRange: 'unknown',
        fieldOrder: 'unknown',
        width: 0,
        height: 0,
        sar: null,
        fps: null,
        nbFrames: null,
        durationS: null,
        attachedPic: false,
      });
    }
  }
  return { container, durationS: parseDuration(text), streams };
}
