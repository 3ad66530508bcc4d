/**
 * Was the clip cut short? Decided after a decode that ran to its end, from four signs, any
 * of which is enough:
 *  1. fewer frames than expected, by more than TRUNCATION_TOLERANCE_FRAMES (a DV-AVI cut
 *     during copying still claims its 750 frames, decodes 55, and ffmpeg exits 0: only this
 *     comparison catches it);
 *  2. bytes after the last whole frame (ffmpeg stopped in the middle of one);
 *  3. error lines from ffmpeg (damaged packets, partial file);
 *  4. a non-zero exit (or death by a signal we did not send);
 *  and, when the decode was meant to reach the end of the file, 5. an AVI header announcing
 *  more bytes than the file holds.
 */
import { TRUNCATION_TOLERANCE_FRAMES } from './limits.js';

export interface TruncationEvidence {
  frameCount: number;
  expectedFrameCount: number | null;
  trailingBytes: number;
  frameBytes: number;
  decoderErrors: string[];
  decoderErrorCount: number;
  exitCode: number | null;
  exitSignal: string | null;
  /** From the probe; only considered when readToEnd. */
  containerBytesMissing: number | null;
  readToEnd: boolean;
}

export function judgeTruncation(e: TruncationEvidence): { truncated: boolean; reason: string | null } {
  const reasons: string[] = [];
  if (e.expectedFrameCount !== null && e.frameCount < e.expectedFrameCount - TRUNCATION_TOLERANCE_FRAMES) {
    reasons.push(`decoded ${e.frameCount} of the ${e.expectedFrameCount} frames the header announces`);
  }
  if (e.trailingBytes > 0) {
    reasons.push(`${e.trailingBytes} bytes of an incomplete frame after the last whole frame (a frame is ${e.frameBytes} bytes)`);
  }
  if (e.decoderErrorCount > 0) {
    reasons.push(`ffmpeg reported ${e.decoderErrorCount} error line${e.decoderErrorCount === 1 ? '' : 's'} (first: ${e.decoderErrors[0] ?? '?'})`);
  }
  if (e.exitCode !== null && e.exitCode !== 0) reasons.push(`ffmpeg exited with code ${e.exitCode}`);
  if (e.exitSignal !== null) reasons.push(`ffmpeg was killed by ${e.exitSignal}`);
  if (e.readToEnd && e.containerBytesMissing !== null && e.containerBytesMissing > 0) {
    reasons.push(`the AVI header announces ${e.containerBytesMissing} bytes more than the file holds`);
  }
  return reasons.length > 0 ? { truncated: true, reason: reasons.join('; ') } : { truncated: false, reason: null };
}

/**
 * Index of the first frame a start time selects: ffmpeg's accurate input seek (-ss before
 * -i) drops every frame whose time is before startS, so it is the first at or after it
 * (frame k shows at k / fps). The epsilon absorbs decimal seconds such as 0.4 × 25.
 */
export function firstFrameIndex(startS: number | undefined, fps: number): number {
  return startS !== undefined && startS > 0 ? Math.ceil(startS * fps - 1e-6) : 0;
}

/** Frames the decode should yield given the header and the caller's window, or null. */
export function expectedFrames(
  header: number | null,
  fps: number,
  o: { startS?: number | undefined; durationS?: number | undefined; maxFrames?: number | undefined },
): number | null {
  if (header === null) return null;
  let n = header;
  n = Math.max(0, n - firstFrameIndex(o.startS, fps));
  if (o.durationS !== undefined) n = Math.min(n, Math.max(1, Math.round(o.durationS * fps)));
  if (o.maxFrames !== undefined) n = Math.min(n, o.maxFrames);
  return n;
}
