/**
 * Runs one clip in its own child process (child.ts), so a crash in native code or in sharp
 * costs that clip's attempt, not the batch. The child gets one thread of everything
 * (UV_THREADPOOL_SIZE, VIPS_CONCURRENCY, HVM_FFMPEG_THREADS = 1), runs in the manifest's
 * folder, and is killed (SIGKILL) when it runs past the timeout or the study is stopped.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../version.js';
import type { ChildError, ChildJob, ChildMessage } from './protocol.js';

export type ChildOutcome =
  | { kind: 'done'; files: string[]; elapsedS: number }
  | { kind: 'error'; error: ChildError }
  | { kind: 'crash'; how: string; stderrTail: string }
  | { kind: 'timeout' }
  | { kind: 'aborted' };

export interface RunChildOptions {
  /** The manifest's folder: the child's working directory. */
  cwd: string;
  timeoutMs: number;
  onProgress?: (framesDone: number, framesExpected: number | null) => void;
  signal?: AbortSignal;
  /** The compiled child entry (default: child.js beside this module, or dist/study/child.js). */
  entry?: string;
}

/** The compiled child entry: beside this file when compiled, else the package's dist/. */
export function defaultChildEntry(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return join(here, '..', 'child.js');
  return join(packageRoot, 'dist', 'study', 'child.js');
}

/** Environment of a child: one thread of libuv, libvips and ffmpeg. */
export function childEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, UV_THREADPOOL_SIZE: '1', VIPS_CONCURRENCY: '1', HVM_FFMPEG_THREADS: '1' };
}

const STDERR_TAIL = 2000;

export function runChild(job: ChildJob, o: RunChildOptions): Promise<ChildOutcome> {
  const entry = o.entry ?? defaultChildEntry();
  if (!existsSync(entry)) {
    return Promise.resolve({ kind: 'crash', how: `the child entry ${entry} is missing (run npm run build:ts)`, stderrTail: '' });
  }
  return new Promise((resolve) => {
    const child = fork(entry, [], {
      cwd: o.cwd,
      env: childEnv(),
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      stderr = (stderr + d).slice(-STDERR_TAIL);
    });
    let final: ChildOutcome | null = null;
    let settled = false;
    const finish = (outcome: ChildOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const kill = (why: ChildOutcome) => {
      if (final === null) final = why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill({ kind: 'timeout' }), o.timeoutMs);
    const onAbort = () => kill({ kind: 'aborted' });
    if (o.signal?.aborted) onAbort();
    else o.signal?.addEventListener('abort', onAbort);

    child.on('message', (m: ChildMessage) => {
      if (m.type === 'progress') o.onProgress?.(m.framesDone, m.framesExpected);
      else if (m.type === 'done' && final === null) final = { kind: 'done', files: m.files, elapsedS: m.elapsedS };
      else if (m.type === 'error' && final === null) final = { kind: 'error', error: m.error };
    });
    child.on('error', (e) => {
      if (final === null) final = { kind: 'crash', how: `could not run the child process: ${e.message}`, stderrTail: '' };
      finish(final);
    });
    child.on('exit', (code, signal) => {
      if (final !== null && (final.kind !== 'done' || code === 0)) return finish(final);
      const tail = stderr.trim().split('\n').slice(-3).join(' ').slice(-500);
      finish({ kind: 'crash', how: signal !== null ? `killed by ${signal}` : `exit code ${code}`, stderrTail: tail });
    });
    child.send(job);
  });
}
