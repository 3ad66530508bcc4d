/**
 * Run a short-lived helper process (ffmpeg -version, ffprobe, ffmpeg -i) and capture its
 * output. Always an argument array, never a shell, so file names with spaces, quotes or
 * `$` reach ffmpeg untouched. A hard timeout kills the process so a probe can never hang.
 */
import { spawn } from 'node:child_process';

export interface CaptureResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the process could not be started (ENOENT, EACCES...). */
  spawnError: NodeJS.ErrnoException | null;
}

/** Environment for every ffmpeg we start: no colour codes in stderr, which we parse. */
export function ffmpegEnv(): NodeJS.ProcessEnv {
  return { ...process.env, AV_LOG_FORCE_NOCOLOR: '1' };
}

export function runCapture(
  command: string,
  args: readonly string[],
  opts: { timeoutMs: number; maxBytes?: number },
): Promise<CaptureResult> {
  // Output beyond maxBytes is dropped (still drained, so the child never blocks on a full pipe).
  const maxBytes = opts.maxBytes ?? 16 * 1024 * 1024;
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(command, [...args], { stdio: ['ignore', 'pipe', 'pipe'], env: ffmpegEnv(), windowsHide: true });
    } catch (err) {
      resolve({ code: null, signal: null, stdout: '', stderr: '', timedOut: false, spawnError: err as NodeJS.ErrnoException });
      return;
    }
    const out: Buffer[] = [];
    const errOut: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let timedOut = false;
    let spawnError: NodeJS.ErrnoException | null = null;
    child.stdout.on('data', (b: Buffer) => {
      if (outBytes < maxBytes) out.push(b);
      outBytes += b.length;
    });
    child.stderr.on('data', (b: Buffer) => {
      if (errBytes < maxBytes) errOut.push(b);
      errBytes += b.length;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.on('error', (err) => {
      spawnError = err as NodeJS.ErrnoException;
    });
    // 'close' fires after the process exited AND its pipes closed (also after a spawn error).
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(errOut).toString('utf8'),
        timedOut,
        spawnError,
      });
    });
  });
}
