/**
 * What the study folder holds, read back from its files: the manifest as run (study.json)
 * and each clip's result, done record or failure. Every output (CSV, HTML) is built from
 * this, so a killed run's outputs can be regenerated from the files alone.
 */
import { join } from 'node:path';
import type { ClipResult } from '../report/contract.js';
import { RESULT_FILE } from '../report/clip-files.js';
import { clipDir, DONE_FILE, FAILURE_FILE, readJsonFile, STUDY_FILE, STUDY_FORMAT, type DoneRecord, type FailureRecord } from './layout.js';
import type { ManifestEntry } from './manifest.js';
import { StudyOptionError } from './errors.js';

/** study.json */
export interface StudyRecord {
  format: typeof STUDY_FORMAT;
  engine: { version: string };
  /** The manifest's file name (shown only with showPaths) and sha256. */
  manifest: { name: string; sha256: string };
  options: { includeRejected: boolean; showPaths: boolean };
  /** When this run started (ISO). */
  startedAt: string;
  finishedAt: string | null;
  entries: ManifestEntry[];
}

export type ClipStatus = 'done' | 'failed' | 'pending';

export interface ClipState {
  entry: ManifestEntry;
  status: ClipStatus;
  result: ClipResult | null;
  done: DoneRecord | null;
  failure: FailureRecord | null;
}

export interface StudyState {
  dir: string;
  study: StudyRecord;
  clips: ClipState[];
}

export async function readStudyRecord(studyDir: string): Promise<StudyRecord> {
  const study = await readJsonFile<StudyRecord>(join(studyDir, STUDY_FILE));
  if (study === null || study.format !== STUDY_FORMAT || !Array.isArray(study.entries)) {
    throw new StudyOptionError(`${studyDir}: no ${STUDY_FILE} of format ${STUDY_FORMAT}: not an hvm study folder.`);
  }
  return study;
}

export async function readStudyState(studyDir: string): Promise<StudyState> {
  const study = await readStudyRecord(studyDir);
  const clips: ClipState[] = [];
  for (const entry of study.entries) {
    const dir = clipDir(studyDir, entry.id);
    const done = await readJsonFile<DoneRecord>(join(dir, DONE_FILE));
    const result = done !== null ? await readJsonFile<ClipResult>(join(dir, RESULT_FILE)) : null;
    if (done !== null && result !== null) {
      clips.push({ entry, status: 'done', result, done, failure: null });
      continue;
    }
    const failure = await readJsonFile<FailureRecord>(join(dir, FAILURE_FILE));
    clips.push({ entry, status: failure !== null ? 'failed' : 'pending', result: null, done: null, failure });
  }
  return { dir: studyDir, study, clips };
}
