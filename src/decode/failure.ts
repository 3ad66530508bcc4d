/**
 * Turn what ffmpeg/ffprobe wrote to stderr when it failed into the decoder's typed error.
 * The messages matched are ffmpeg's own (libavformat/libavcodec), stable across 4.x–7.x.
 */
import type { HvmError } from '../errors.js';
import {
  DecodeFailedError,
  FileNotFoundError,
  NotAVideoError,
  TruncatedClipError,
  UnsupportedCodecError,
} from './errors.js';

/** Error lines worth showing: drop the banner noise, keep the first few distinct ones. */
export function errorLines(stderr: string, max = 10): string[] {
  const seen = new Set<string>();
  for (const raw of stderr.split(/\r?\n/)) {
    const l = raw.trim();
    if (l === '' || /^(At least one output file must be specified|Guessed Channel Layout|Last message repeated)/.test(l)) continue;
    seen.add(l);
    if (seen.size >= max) break;
  }
  return [...seen];
}

export function classifyFfmpegFailure(file: string, stderr: string, decoderLabel: string): HvmError {
  const lines = errorLines(stderr, 5);
  const said = lines.join(' | ') || 'no message';
  if (/moov atom not found/i.test(stderr)) {
    return new TruncatedClipError(file, 'the MP4/MOV index (moov atom) is missing: the recording was not finalised or the file was cut before its end.');
  }
  const dec = /Decoder \(codec ([^)]+)\) not found/i.exec(stderr);
  if (dec) return new UnsupportedCodecError(file, dec[1]!, decoderLabel);
  if (/No such file or directory/i.test(stderr)) return new FileNotFoundError(file, 'missing');
  if (/Permission denied/i.test(stderr)) return new FileNotFoundError(file, 'unreadable');
  if (/partial file|truncat|unexpected end|End of file/i.test(stderr)) return new TruncatedClipError(file, said);
  if (/Invalid data found when processing input|could not find codec parameters|EBML header parsing failed|Unknown input format|Format .* detected only with low score|does not contain any stream/i.test(stderr)) {
    return new NotAVideoError(file, `ffmpeg does not recognise it as a media file (${said}).`);
  }
  return new DecodeFailedError(file, said);
}
