/**
 * What a result must record to be reproducible: which decoder made the frames, the input's
 * checksum, and a checksum of the decoded frames themselves (two decoders that agree on the
 * frames agree on every metric computed from them).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { FileNotFoundError } from './errors.js';
import { listFrameFiles } from './folder.js';
import type { ClipReader } from './types.js';

export interface DecodeProvenance {
  decoder: { path: string; version: string };
  /** sha256 (hex) of the input file; for a frame folder see sha256Input(). */
  sha256: string;
  /** sha256 over the decoded gray frames (DecodeSummary.framesHash); null before decoding. */
  framesHash: string | null;
}

/** sha256 of a file, streamed (clips can be gigabytes). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FileNotFoundError(path, code === 'EACCES' ? 'unreadable' : code === 'EISDIR' ? 'not-a-file' : 'missing', err);
  }
  return hash.digest('hex');
}

/**
 * sha256 of a clip file, or of a frame folder: sha256 over "name NUL sha256-of-file LF" for
 * each frame file in decoding (natural) order, so renaming, reordering or editing any frame
 * changes it, and files that are not frames do not.
 */
export async function sha256Input(path: string): Promise<string> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (err) {
    throw new FileNotFoundError(path, 'missing', err);
  }
  if (!isDir) return sha256File(path);
  const { names } = await listFrameFiles(path);
  const hash = createHash('sha256');
  for (const name of names) hash.update(`${name}\0${await sha256File(join(path, name))}\n`);
  return hash.digest('hex');
}

/** The provenance record of a reader (call after iterating to include the frames hash). */
export async function decodeProvenance(reader: ClipReader): Promise<DecodeProvenance> {
  const s = reader.summary();
  return {
    decoder: { ...reader.decoder },
    sha256: await sha256Input(reader.path),
    framesHash: s.state === 'finished' ? s.framesHash : null,
  };
}
