/**
 * Read `ffprobe -v error -print_format json -show_format -show_streams` output.
 * ffprobe is the preferred source: it reports nb_frames (the header's frame count) and the
 * field order, which the `ffmpeg -i` banner of older builds leaves out.
 */
import { fieldOrderFrom, type MediaInfo, type MediaStream } from './media-info.js';
import { parseRational, ratValue, type Rational } from './rational.js';

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  codec_tag_string?: string;
  pix_fmt?: string;
  color_range?: string;
  field_order?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  nb_frames?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
}

interface FfprobeJson {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string };
}

function num(s: string | undefined): number | null {
  if (s === undefined) return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

/**
 * avg_frame_rate is the true mean rate; r_frame_rate the cleanest rational that represents
 * every timestamp. When they agree (within 0.2 %) the cleaner one is kept (30000/1001 rather
 * than a long fraction); when they differ (variable-rate clips) the average is the honest one.
 */
export function chooseFps(avg: Rational | null, r: Rational | null): Rational | null {
  if (avg && r) return Math.abs(ratValue(avg) - ratValue(r)) / ratValue(r) < 0.002 ? r : avg;
  return avg ?? r;
}

function streamType(t: string | undefined): MediaStream['type'] {
  return t === 'video' || t === 'audio' || t === 'subtitle' || t === 'data' || t === 'attachment' ? t : 'other';
}

export function parseFfprobeJson(text: string): MediaInfo {
  const j = JSON.parse(text) as FfprobeJson;
  const streams: MediaStream[] = (j.streams ?? []).map((s) => {
    const nb = num(s.nb_frames);
    return {
      type: streamType(s.codec_type),
      codec: s.codec_name ?? null,
      codecTag: s.codec_tag_string ?? null,
      pixelFormat: s.pix_fmt ?? null,
      colorRange: s.color_range === 'tv' || s.color_range === 'pc' ? s.color_range : 'unknown',
      fieldOrder: fieldOrderFrom(s.field_order),
      width: s.width ?? 0,
      height: s.height ?? 0,
      sar: parseRational(s.sample_aspect_ratio),
      fps: chooseFps(parseRational(s.avg_frame_rate), parseRational(s.r_frame_rate)),
      nbFrames: nb !== null && nb > 0 ? Math.round(nb) : null,
      durationS: num(s.duration),
      attachedPic: s.disposition?.attached_pic === 1,
    };
  });
  return { container: j.format?.format_name ?? 'unknown', durationS: num(j.format?.duration), streams };
}
