/**
 * Read the few fields of an AVI (RIFF) header that tell whether the file is complete.
 *
 * Why: MicroScan DV-AVIs are the commonest input, and a cut AVI (interrupted copy) decodes
 * its remaining frames without complaint: ffmpeg rebuilds the duration from what is there
 * and exits 0. Only the header still says how many frames were recorded (strh dwLength,
 * OpenDML dmlh dwTotalFrames) and how long each RIFF chunk should be. ffprobe reports the
 * first as nb_frames, but `ffmpeg -i` (all the npm build offers) does not, so we read them.
 * Layout: Microsoft AVI RIFF reference and the OpenDML AVI File Format Extensions 1.02.
 */
import { open } from 'node:fs/promises';

export interface AviHeaderInfo {
  /** Frames the header announces for the (first) video stream, or null. */
  totalFrames: number | null;
  totalFramesSource: 'dmlh' | 'strh' | 'avih' | null;
  /** Sum of the sizes the top-level RIFF chunks announce. */
  declaredBytes: number;
  fileBytes: number;
  /** declaredBytes − fileBytes when positive: the file was cut. */
  bytesMissing: number;
  /** A RIFF size of 0: the writer never finalised the file (recording interrupted). */
  unfinalised: boolean;
}

const MAX_HEADER_BYTES = 16 * 1024 * 1024;
const MAX_RIFF_CHUNKS = 4096;

function fourcc(b: Buffer, at: number): string {
  return b.toString('latin1', at, at + 4);
}

interface HdrlFields {
  avihFrames: number | null;
  strhFrames: number | null;
  dmlhFrames: number | null;
}

/** Walk the chunks of a LIST body [start, end) collecting avih / strh(vids|iavs) / dmlh. */
function walkList(b: Buffer, start: number, end: number, f: HdrlFields, depth: number): void {
  let pos = start;
  while (pos + 8 <= end && depth < 8) {
    const id = fourcc(b, pos);
    const size = b.readUInt32LE(pos + 4);
    const body = pos + 8;
    const bodyEnd = Math.min(body + size, end);
    if (id === 'LIST' && body + 4 <= bodyEnd) {
      walkList(b, body + 4, bodyEnd, f, depth + 1);
    } else if (id === 'avih' && body + 20 <= bodyEnd) {
      f.avihFrames ??= b.readUInt32LE(body + 16);
    } else if (id === 'strh' && body + 36 <= bodyEnd && f.strhFrames === null) {
      const type = fourcc(b, body);
      if (type === 'vids' || type === 'iavs') f.strhFrames = b.readUInt32LE(body + 32);
    } else if (id === 'dmlh' && body + 4 <= bodyEnd) {
      f.dmlhFrames ??= b.readUInt32LE(body);
    }
    pos = body + size + (size & 1);
  }
}

/** null when the file is not a RIFF AVI. */
export async function readAviHeader(path: string): Promise<AviHeaderInfo | null> {
  const fh = await open(path, 'r');
  try {
    const fileBytes = (await fh.stat()).size;
    const head = Buffer.alloc(Math.min(fileBytes, 64 * 1024));
    await fh.read(head, 0, head.length, 0);
    if (head.length < 12 || fourcc(head, 0) !== 'RIFF' || fourcc(head, 8) !== 'AVI ') return null;

    // The header list (hdrl) comes first; read all of it even when padded with JUNK.
    let hdr = head;
    if (head.length >= 24 && fourcc(head, 12) === 'LIST' && fourcc(head, 20) === 'hdrl') {
      const hdrlEnd = 20 + head.readUInt32LE(16);
      const want = Math.min(hdrlEnd, fileBytes, MAX_HEADER_BYTES);
      if (want > head.length) {
        hdr = Buffer.alloc(want);
        await fh.read(hdr, 0, want, 0);
      }
    }
    const f: HdrlFields = { avihFrames: null, strhFrames: null, dmlhFrames: null };
    walkList(hdr, 12, hdr.length, f, 0);

    // Top-level RIFF chunks: 'RIFF AVI ' then, in files over 1 GB, 'RIFF AVIX' ones.
    let declaredBytes = 0;
    let unfinalised = false;
    let pos = 0;
    const eight = Buffer.alloc(8);
    for (let n = 0; n < MAX_RIFF_CHUNKS && pos + 8 <= fileBytes; n++) {
      await fh.read(eight, 0, 8, pos);
      if (fourcc(eight, 0) !== 'RIFF') break;
      const size = eight.readUInt32LE(4);
      if (size === 0) {
        unfinalised = true;
        break;
      }
      const end = pos + 8 + size + (size & 1);
      declaredBytes = end;
      pos = end;
    }
    const bytesMissing = Math.max(0, declaredBytes - fileBytes);

    let totalFrames: number | null = null;
    let totalFramesSource: AviHeaderInfo['totalFramesSource'] = null;
    if (f.dmlhFrames) [totalFrames, totalFramesSource] = [f.dmlhFrames, 'dmlh'];
    else if (f.strhFrames) [totalFrames, totalFramesSource] = [f.strhFrames, 'strh'];
    else if (f.avihFrames) [totalFrames, totalFramesSource] = [f.avihFrames, 'avih'];
    return { totalFrames, totalFramesSource, declaredBytes, fileBytes, bytesMissing, unfinalised };
  } finally {
    await fh.close();
  }
}
