/**
 * analyzeStudy: a study manifest → per-clip results (each clip in its own child process,
 * `jobs` at a time, a crash or timeout retried once), then clips.csv, sessions.csv,
 * failures.csv and report.html. Resumable and exact: a finished clip (done.json) is reused
 * only when its resume key matches and its files are intact; otherwise it is recomputed and
 * the reason is reported (event `clip-recompute`, study.log). `force` recomputes all.
 *
 *   const outcome = await analyzeStudy('manifest.csv', { out: 'study/', onEvent: (e) => … });
 *   outcome.failed; // clips in failures.csv
 */
import { appendFile, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BackendName } from '../backend/types.js';
import { sha256Input } from '../decode/index.js';
import { HvmError } from '../errors.js';
import { engineVersion } from '../version.js';
import { writeFileAtomic } from '../write-file.js';
import { ChildCrashedError, ClipTimeoutError, StudyOptionError } from './errors.js';
import { engineKey, keyDifferences, sidecarHashes, type ClipKey } from './keys.js';
import {
  clipDir, DONE_FILE, FAILURE_FILE, LOG_FILE, readJsonFile, STUDY_FILE, STUDY_FORMAT, verifyClipFiles, type DoneRecord, type FailureRecord,
} from './layout.js';
import { lockStudy } from './lock.js';
import { readManifest, type ManifestEntry, type StudyManifest } from './manifest.js';
import { writeStudyOutputs } from './outputs.js';
import type { ChildAnalyzeOptions, ChildJob } from './protocol.js';
import { runChild } from './runner.js';
import { defaultJobs, runPool } from './scheduler.js';
import type { StudySession } from './sessions.js';
import type { StudyRecord } from './state.js';

/** Per-attempt time limit of one clip by default, s. */
export const DEFAULT_CLIP_TIMEOUT_S = 900;
/** Attempts of a clip whose child crashes or times out (the first and one retry). */
export const MAX_ATTEMPTS = 2;

export interface StudyOptions {
  /** Output folder (created). */
  out: string;
  /** Clips analysed at once (default: defaultJobs(): cores and free memory). */
  jobs?: number;
  /** Recompute every clip, even those whose key matches. */
  force?: boolean;
  /** Keep clips rejected by the quality estimate in the session means and HI (default: leave them out). */
  includeRejected?: boolean;
  /** Show clip file names and paths in report.html and the clip pages (default: hidden). */
  showPaths?: boolean;
  /** Time limit of one attempt of one clip, s (default DEFAULT_CLIP_TIMEOUT_S). */
  timeoutS?: number;
  /** Calibration for rows that give neither device nor umPerPx (else their sidecar). */
  device?: string;
  umPerPx?: number;
  /** Analysis options for every clip (part of the resume key). */
  startS?: number;
  durationS?: number;
  fps?: number;
  smallVesselMaxUm?: number;
  /** Core backend of the children (not part of the key: both backends are bitwise identical). */
  backend?: BackendName;
  /** Progress and log events. */
  onEvent?: (e: StudyEvent) => void;
  /** Stops the run: running children are killed, their clips stay unfinished, the outputs are written. */
  signal?: AbortSignal;
  /** The compiled child entry (default dist/study/child.js). */
  childEntry?: string;
}

/** A clip as events name it (no file path: events may be shown to anyone). */
export interface StudyClipRef {
  id: string;
  row: number;
  patient: string;
  timepoint: string;
  site: string;
}

export type StudyEvent =
  | { type: 'start'; total: number; jobs: number; outDir: string }
  | { type: 'clip-reused'; clip: StudyClipRef }
  /** A clip will be computed; `reason` says why. `routine`: computed for the first time or --force (nothing to explain). */
  | { type: 'clip-recompute'; clip: StudyClipRef; reason: string; routine: boolean }
  | { type: 'clip-start'; clip: StudyClipRef; attempt: number }
  | { type: 'clip-progress'; clip: StudyClipRef; framesDone: number; framesExpected: number | null }
  | { type: 'clip-retry'; clip: StudyClipRef; reason: string }
  | { type: 'clip-done'; clip: StudyClipRef; elapsedS: number; attempts: number }
  | { type: 'clip-failed'; clip: StudyClipRef; failure: FailureRecord }
  | { type: 'end'; outDir: string; analysed: number; reused: number; failed: number; pending: number; aborted: boolean };

export type StudyClipOutcome =
  | { clip: StudyClipRef; status: 'computed'; reason: string; attempts: number }
  | { clip: StudyClipRef; status: 'reused' }
  | { clip: StudyClipRef; status: 'failed'; failure: FailureRecord }
  | { clip: StudyClipRef; status: 'pending' };

export interface StudyOutcome {
  outDir: string;
  jobs: number;
  analysed: number;
  reused: number;
  failed: number;
  /** Clips left unfinished (the run was stopped). */
  pending: number;
  aborted: boolean;
  clips: StudyClipOutcome[];
  sessions: StudySession[];
  /** Output files of the study folder (relative). */
  files: string[];
}

function stopped(o: StudyOptions): boolean {
  return o.signal?.aborted === true;
}

function ref(e: ManifestEntry): StudyClipRef {
  return { id: e.id, row: e.row, patient: e.patient, timepoint: e.timepoint, site: e.site };
}

function checkOptions(o: StudyOptions): void {
  if (typeof o.out !== 'string' || o.out === '') throw new StudyOptionError('the output folder (out) is required.');
  if (o.jobs !== undefined && !(Number.isInteger(o.jobs) && o.jobs >= 1)) throw new StudyOptionError(`jobs must be a whole number ≥ 1, got ${o.jobs}.`);
  if (o.timeoutS !== undefined && !(o.timeoutS > 0)) throw new StudyOptionError(`timeoutS must be positive, got ${o.timeoutS}.`);
  if (o.umPerPx !== undefined && !(o.umPerPx > 0)) throw new StudyOptionError(`umPerPx must be positive, got ${o.umPerPx}.`);
}

/** The calibration request of a row: its own device / µm/px, else the study's. */
function calibrationOf(e: ManifestEntry, o: StudyOptions): { device: string | null; umPerPx: number | null } {
  if (e.device !== null || e.umPerPx !== null) return { device: e.device, umPerPx: e.umPerPx };
  return { device: o.device ?? null, umPerPx: o.umPerPx ?? null };
}

async function currentKey(e: ManifestEntry, abs: string, o: StudyOptions, engine: ClipKey['engine']): Promise<ClipKey> {
  return {
    input: { sha256: await sha256Input(abs) },
    calibration: { ...calibrationOf(e, o), sidecars: await sidecarHashes(abs) },
    parameters: { startS: o.startS ?? null, durationS: o.durationS ?? null, fps: o.fps ?? null, smallVesselMaxUm: o.smallVesselMaxUm ?? null },
    engine,
  };
}

/** null when the finished clip in `dir` can be reused for `key`; else why not. */
async function whyRecompute(dir: string, key: ClipKey): Promise<{ reason: string; routine: boolean } | null> {
  const done = await readJsonFile<DoneRecord>(join(dir, DONE_FILE));
  if (done === null) {
    const failure = await readJsonFile<FailureRecord>(join(dir, FAILURE_FILE));
    if (failure !== null) return { reason: `it failed in an earlier run (${failure.code}); trying again`, routine: false };
    const exists = await stat(dir).then(() => true, () => false);
    return exists ? { reason: 'an earlier run stopped before finishing it', routine: false } : { reason: 'not computed before', routine: true };
  }
  const diffs = keyDifferences(done.key, key);
  if (diffs.length > 0) return { reason: diffs.join('; '), routine: false };
  const damaged = await verifyClipFiles(dir, done);
  return damaged !== null ? { reason: damaged, routine: false } : null;
}

function childOptions(e: ManifestEntry, o: StudyOptions): ChildAnalyzeOptions {
  const cal = calibrationOf(e, o);
  return {
    ...(cal.umPerPx !== null ? { umPerPx: cal.umPerPx } : cal.device !== null ? { device: cal.device } : {}),
    ...(o.startS !== undefined ? { startS: o.startS } : {}),
    ...(o.durationS !== undefined ? { durationS: o.durationS } : {}),
    ...(o.fps !== undefined ? { fps: o.fps } : {}),
    ...(o.smallVesselMaxUm !== undefined ? { smallVesselMaxUm: o.smallVesselMaxUm } : {}),
    ...(o.backend !== undefined ? { backend: o.backend } : {}),
  };
}

function failureOf(e: unknown, kind: FailureRecord['kind'], attempts: number): FailureRecord {
  const err = e instanceof HvmError ? e : null;
  return {
    code: err?.code ?? 'E_INTERNAL',
    message: e instanceof Error ? e.message : String(e),
    hint: err?.hint ?? null,
    kind,
    attempts,
    failedAt: new Date().toISOString(),
  };
}

export async function analyzeStudy(manifest: string | StudyManifest, options: StudyOptions): Promise<StudyOutcome> {
  checkOptions(options);
  const m = typeof manifest === 'string' ? await readManifest(manifest) : manifest;
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const release = await lockStudy(out);
  const emit = (e: StudyEvent) => options.onEvent?.(e);
  const logPath = join(out, LOG_FILE);
  const log = async (line: string) => {
    await appendFile(logPath, `${new Date().toISOString()} ${line}\n`);
  };
  try {
    await removeTemporaryFiles(out);
    const jobs = options.jobs ?? defaultJobs();
    const timeoutMs = (options.timeoutS ?? DEFAULT_CLIP_TIMEOUT_S) * 1000;
    const engine = await engineKey();
    const study: StudyRecord = {
      format: STUDY_FORMAT,
      engine: { version: engineVersion },
      manifest: { name: m.file.split(/[\\/]/).pop() ?? '', sha256: m.sha256 },
      options: { includeRejected: options.includeRejected === true, showPaths: options.showPaths === true },
      startedAt: new Date().toISOString(),
      finishedAt: null,
      entries: m.entries,
    };
    await writeFileAtomic(join(out, STUDY_FILE), `${JSON.stringify(study, null, 2)}\n`);
    await log(`run started: ${m.entries.length} clips, ${jobs} at a time${options.force === true ? ', --force' : ''} (engine ${engineVersion}, build ${engine.build.slice(0, 12)})`);
    emit({ type: 'start', total: m.entries.length, jobs, outDir: out });

    const outcomes: StudyClipOutcome[] = m.entries.map((e) => ({ clip: ref(e), status: 'pending' }));
    const fail = async (i: number, e: ManifestEntry, failure: FailureRecord) => {
      const dir = clipDir(out, e.id);
      await mkdir(dir, { recursive: true });
      await writeFileAtomic(join(dir, FAILURE_FILE), `${JSON.stringify(failure, null, 2)}\n`);
      outcomes[i] = { clip: ref(e), status: 'failed', failure };
      await log(`failed  ${e.id} (row ${e.row}): ${failure.code} after ${failure.attempts} attempt(s): ${failure.message}`);
      emit({ type: 'clip-failed', clip: ref(e), failure });
    };

    await runPool(m.entries, jobs, async (e, i) => {
      const clip = ref(e);
      const abs = resolve(m.dir, e.path);
      const dir = clipDir(out, e.id);
      let key: ClipKey;
      try {
        key = await currentKey(e, abs, options, engine);
      } catch (err) {
        return fail(i, e, failureOf(err, 'error', 0));
      }
      let why: { reason: string; routine: boolean } | null = { reason: 'recompute asked (--force)', routine: true };
      if (options.force !== true) why = await whyRecompute(dir, key);
      if (why === null) {
        await removeTemporaryFiles(dir);
        outcomes[i] = { clip, status: 'reused' };
        emit({ type: 'clip-reused', clip });
        return;
      }
      emit({ type: 'clip-recompute', clip, reason: why.reason, routine: why.routine });
      await log(`compute ${e.id} (row ${e.row}): ${why.reason}`);
      // Invalidate first (done.json), then start from an empty folder.
      await rm(join(dir, DONE_FILE), { force: true });
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });

      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        if (options.signal?.aborted === true) return;
        emit({ type: 'clip-start', clip, attempt });
        const job: ChildJob = { type: 'job', clipPath: e.path, outDir: dir, options: childOptions(e, options), key, attempt };
        const r = await runChild(job, {
          cwd: m.dir,
          timeoutMs,
          onProgress: (framesDone, framesExpected) => emit({ type: 'clip-progress', clip, framesDone, framesExpected }),
          ...(options.signal !== undefined ? { signal: options.signal } : {}),
          ...(options.childEntry !== undefined ? { entry: options.childEntry } : {}),
        });
        if (r.kind === 'done') {
          outcomes[i] = { clip, status: 'computed', reason: why.reason, attempts: attempt };
          emit({ type: 'clip-done', clip, elapsedS: r.elapsedS, attempts: attempt });
          return;
        }
        // Stopped (Ctrl-C reaches the children too): the clip stays unfinished, not failed.
        if (r.kind === 'aborted' || stopped(options)) return;
        if (r.kind === 'error') {
          const f: FailureRecord = { code: r.error.code, message: r.error.message, hint: r.error.hint, kind: 'error', attempts: attempt, failedAt: new Date().toISOString() };
          return fail(i, e, f);
        }
        const err = r.kind === 'timeout' ? new ClipTimeoutError(e.path, timeoutMs / 1000) : new ChildCrashedError(e.path, r.how, r.stderrTail);
        if (attempt < MAX_ATTEMPTS) {
          const reason = r.kind === 'timeout' ? `timed out after ${timeoutMs / 1000} s` : `the analysis process crashed (${r.how})`;
          emit({ type: 'clip-retry', clip, reason });
          await log(`retry   ${e.id} (row ${e.row}): ${reason}`);
          await rm(dir, { recursive: true, force: true });
          await mkdir(dir, { recursive: true });
          continue;
        }
        return fail(i, e, failureOf(err, r.kind, attempt));
      }
    }, options.signal);

    const aborted = options.signal?.aborted === true;
    if (!aborted) {
      study.finishedAt = new Date().toISOString();
      await writeFileAtomic(join(out, STUDY_FILE), `${JSON.stringify(study, null, 2)}\n`);
    }
    const { sessions } = await writeStudyOutputs(out);
    const count = (s: StudyClipOutcome['status']) => outcomes.filter((o) => o.status === s).length;
    const outcome: StudyOutcome = {
      outDir: out, jobs, analysed: count('computed'), reused: count('reused'), failed: count('failed'), pending: count('pending'), aborted,
      clips: outcomes, sessions, files: ['clips.csv', 'sessions.csv', 'failures.csv', 'report.html', 'study.json', 'study.log'],
    };
    await log(`run ${aborted ? 'stopped' : 'finished'}: ${outcome.analysed} analysed, ${outcome.reused} reused, ${outcome.failed} failed, ${outcome.pending} not analysed`);
    emit({ type: 'end', outDir: out, analysed: outcome.analysed, reused: outcome.reused, failed: outcome.failed, pending: outcome.pending, aborted });
    return outcome;
  } finally {
    await release();
  }
}

/** Temporary files a killed run left in `dir` (not recursive): *.tmp from atomic writes. */
async function removeTemporaryFiles(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const n of names) if (/\.\d+(\.\d+)?\.tmp$/.test(n)) await rm(join(dir, n), { force: true });
}
