/**
 * The entry of one clip's child process (`hvm study` forks dist/study/child.js per clip):
 * analyse the clip, write its files, then done.json last. A crash here (native code, sharp,
 * out of memory) loses this clip's attempt only; the parent retries it once.
 *
 * One thread each: the parent sets UV_THREADPOOL_SIZE=1, VIPS_CONCURRENCY=1 and
 * HVM_FFMPEG_THREADS=1 (ffmpeg `-threads 1`) in the environment; sharp.concurrency(1) here.
 * When the parent goes away (killed), the IPC channel closes and the child exits at once.
 *
 * Fault injection, for tests only: HVM_STUDY_FAULT holds comma-separated `abort:<file name>`
 * (process.abort() after the first decoded frame: a real crash, SIGABRT) or `hang:<file name>`
 * (never finishes: the study's timeout). Only this entry reads it.
 */
import { readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import sharp from 'sharp';
import { analyzeClip, type AnalyzeOptions } from '../analysis/analyze-clip.js';
import { HvmError } from '../errors.js';
import { writeClipFiles } from '../report/clip-files.js';
import { writeFileAtomic } from '../write-file.js';
import { DONE_FILE, DONE_FORMAT, sha256Hex, THUMB_FILE, type DoneRecord } from './layout.js';
import type { ChildError, ChildJob, ChildMessage } from './protocol.js';

/** Width of the thumbnail in report.html, px. */
export const THUMB_WIDTH = 160;

sharp.concurrency(1);

function send(msg: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || process.send === undefined) return resolve();
    process.send(msg, undefined, {}, () => resolve());
  });
}

function faultFor(clipPath: string): 'abort' | 'hang' | null {
  const spec = process.env.HVM_STUDY_FAULT;
  if (spec === undefined || spec === '') return null;
  const name = basename(clipPath);
  for (const item of spec.split(',')) {
    const [kind, file] = [item.slice(0, item.indexOf(':')), item.slice(item.indexOf(':') + 1)];
    if (file === name && (kind === 'abort' || kind === 'hang')) return kind;
  }
  return null;
}

async function run(job: ChildJob): Promise<void> {
  const t0 = performance.now();
  const fault = faultFor(job.clipPath);
  if (fault === 'hang') {
    setInterval(() => undefined, 1 << 30);
    return new Promise<void>(() => undefined);
  }
  let last = 0;
  const options: AnalyzeOptions = {
    ...job.options,
    onProgress: (framesDone, framesExpected) => {
      if (fault === 'abort') process.abort();
      const now = performance.now();
      if (now - last < 200 && framesDone !== framesExpected) return;
      last = now;
      void send({ type: 'progress', framesDone, framesExpected });
    },
  };
  const analysis = await analyzeClip(job.clipPath, options);
  if (fault === 'abort') process.abort();
  const written = await writeClipFiles(analysis, job.outDir, { spaceTime: true });
  const names = written.map((p) => relative(job.outDir, p));
  // Thumbnail for report.html: the overlay when the engine writes one, else the mean image.
  const picture = names.find((n) => n === 'overlay.png') ?? names.find((n) => n.endsWith('.png'));
  if (picture !== undefined) {
    const png = await sharp(join(job.outDir, picture)).resize({ width: THUMB_WIDTH, withoutEnlargement: true }).png().toBuffer();
    await writeFileAtomic(join(job.outDir, THUMB_FILE), png);
    names.push(THUMB_FILE);
  }
  const files: DoneRecord['files'] = [];
  for (const name of names) {
    const bytes = await readFile(join(job.outDir, name));
    files.push({ name, bytes: bytes.length, sha256: sha256Hex(bytes) });
  }
  const elapsedS = (performance.now() - t0) / 1000;
  const done: DoneRecord = {
    format: DONE_FORMAT,
    key: { ...job.key, input: { sha256: analysis.result.source.sha256 } },
    files,
    computedAt: new Date().toISOString(),
    elapsedS,
    attempts: job.attempt,
  };
  // The parent is gone (killed): leave the clip unfinished rather than race a new run.
  if (!process.connected) process.exit(70);
  await writeFileAtomic(join(job.outDir, DONE_FILE), `${JSON.stringify(done, null, 2)}\n`);
  await send({ type: 'done', files: names, elapsedS });
}

function toChildError(e: unknown): ChildError {
  if (e instanceof HvmError) return { name: e.name, code: e.code, message: e.message, hint: e.hint ?? null };
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: err.name, code: 'E_INTERNAL', message: `internal error (please report it): ${err.stack ?? err.message}`, hint: null };
}

process.on('disconnect', () => process.exit(70));
process.once('message', (msg: ChildJob) => {
  run(msg).then(
    () => process.exit(0),
    async (e: unknown) => {
      await send({ type: 'error', error: toChildError(e) });
      process.exit(1);
    },
  );
});
