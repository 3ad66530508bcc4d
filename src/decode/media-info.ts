/**
 * The neutral result of reading a media file's description, whichever tool read it
 * (ffprobe JSON or the `ffmpeg -i` banner). probe.ts turns it into a ClipProbe.
 */
import type { Rational } from './rational.js';
import type { FieldOrder } from './types.js';

export interface MediaStream {
  type: 'video' | 'audio' | 'subtitle' | 'data' | 'attachment' | 'other';
  /** ffmpeg codec name; null or "none" when ffmpeg does not know the codec. */
  codec: string | null;
  codecTag: string | null;
  pixelFormat: string | null;
  colorRange: 'tv' | 'pc' | 'unknown';
  fieldOrder: FieldOrder;
  width: number;
  height: number;
  sar: Rational | null;
  fps: Rational | null;
  nbFrames: number | null;
  durationS: number | null;
  /** Cover art in MP4/MOV/MKV: a video stream that is not the clip. */
  attachedPic: boolean;
}

export interface MediaInfo {
  container: string;
  durationS: number | null;
  streams: MediaStream[];
}

/** ffprobe's field_order values and ffmpeg's printed words, to one vocabulary. */
export function fieldOrderFrom(text: string | undefined | null): FieldOrder {
  switch ((text ?? '').trim()) {
    case 'progressive':
      return 'progressive';
    case 'tt':
    case 'top first':
      return 'tt';
    case 'bb':
    case 'bottom first':
      return 'bb';
    case 'tb':
    case 'top coded first (swapped)':
      return 'tb';
    case 'bt':
    case 'bottom coded first (swapped)':
      return 'bt';
    default:
      return 'unknown';
  }
}
