/**
 * The study output folder:
 *
 *   study.json            the manifest as run (entries, clip folders), options, engine
 *   clips/<id>/           one clip: result.json, mean-image.png (and any picture the engine
 *                         writes), thumb.png, index.html (its report page), and last of all
 *                         done.json (resume key + every file's size and sha256: the clip is
 *                         finished exactly when done.json exists and matches its files);
 *                         failure.json instead of done.json when the clip failed
 *   clips.csv, sessions.csv, failures.csv, report.html, study.log
 *   agreement/            (written by `hvm compare --out DIR/agreement`, shown in report.html)
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClipKey } from './keys.js';

export const STUDY_FILE = 'study.json';
export const CLIPS_DIR = 'clips';
export const DONE_FILE = 'done.json';
export const FAILURE_FILE = 'failure.json';
export const THUMB_FILE = 'thumb.png';
export const CLIP_PAGE_FILE = 'index.html';
export const CLIPS_CSV = 'clips.csv';
export const SESSIONS_CSV = 'sessions.csv';
export const FAILURES_CSV = 'failures.csv';
export const REPORT_FILE = 'report.html';
export const LOG_FILE = 'study.log';
export const LOCK_FILE = '.study.lock';
export const AGREEMENT_JSON = join('agreement', 'agreement.json');

export const DONE_FORMAT = 'hvm-engine/study-clip@1';
export const STUDY_FORMAT = 'hvm-engine/study@1';

export function clipDir(studyDir: string, id: string): string {
  return join(studyDir, CLIPS_DIR, id);
}

/** done.json: the clip's resume key and its files. */
export interface DoneRecord {
  format: typeof DONE_FORMAT;
  key: ClipKey;
  /** Files of the clip folder (names relative to it), with size and sha256. */
  files: { name: string; bytes: number; sha256: string }[];
  computedAt: string;
  /** Wall time of the analysis, s. */
  elapsedS: number;
  attempts: number;
}

/** failure.json: why the clip has no result. */
export interface FailureRecord {
  code: string;
  message: string;
  hint: string | null;
  /** 'error': the engine reported it (not retried); 'crash', 'timeout': retried once. */
  kind: 'error' | 'crash' | 'timeout';
  attempts: number;
  failedAt: string;
}

export async function readJsonFile<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Checks that every file done.json lists is there with its size and sha256.
 * Returns null when all are intact, else what is wrong.
 */
export async function verifyClipFiles(dir: string, done: DoneRecord): Promise<string | null> {
  if (!Array.isArray(done.files) || done.files.length === 0) return 'done.json lists no files';
  for (const f of done.files) {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(dir, f.name));
    } catch {
      return `output missing (${f.name})`;
    }
    if (bytes.length !== f.bytes || sha256Hex(bytes) !== f.sha256) return `output damaged (${f.name}: size or checksum differs)`;
  }
  return null;
}
