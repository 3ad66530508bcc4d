/**
 * Stream a clip's frames as 8-bit gray, one frame in memory at a time.
 *
 * openClip() probes the file and checks the limits; frames() starts ffmpeg (decode-args.ts)
 * and reads its stdout through the stream's async iterator: a chunk is only read when the
 * consumer asks for the next frame, so a slow consumer pauses the pipe and ffmpeg blocks on
 * it (backpressure) instead of the clip piling up in memory. Chunks are cut into exact
 * frame-sized buffers (frame-assembler.ts). ffmpeg is killed, and its exit awaited (no
 * zombie), when the consumer stops early (break/return/throw), on any error, on close(), and
 * by a stall watchdog when no byte comes for stallTimeoutS while we wait for one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { buildDecodeArgs } from './decode-args.js';
import {
  ClipTooLargeError,
  DecodeStalledError,
  FfmpegMissingError,
  TooFewFramesError,
  TruncatedClipError,
} from './errors.js';
import { ffmpegEnv } from './exec.js';
import { locateFfmpeg, type FfmpegInfo } from './ffmpeg.js';
import { classifyFfmpegFailure } from './failure.js';
import { openFolder } from './folder.js';
import { FrameAssembler } from './frame-assembler.js';
import { grayRuleFor, highBytes, type GrayRule } from './gray-rule.js';
import { DEFAULT_MIN_FRAMES, DEFAULT_STALL_TIMEOUT_S, resolveLimits, type DecodeLimits } from './limits.js';
import { decoderLabel, probe as probeClip, statInput } from './probe.js';
import { StderrLog } from './stderr-log.js';
import { expectedFrames, firstFrameIndex, judgeTruncation } from './truncation.js';
import type { ClipProbe, ClipReader, DecodeOptions, DecodeSummary, GrayFrame } from './types.js';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error: Error | null;
}

/** Refuse clips over the limits before decoding anything (limits.ts says why they exist). */
export function checkLimits(p: ClipProbe, limits: DecodeLimits, o: Pick<DecodeOptions, 'maxFrames' | 'durationS' | 'startS'>): void {
  if (p.width > limits.maxWidth || p.height > limits.maxHeight) {
    throw new ClipTooLargeError(p.path, `frames are ${p.width}×${p.height} px; the limit is ${limits.maxWidth}×${limits.maxHeight} px.`);
  }
  const announced = expectedFrames(p.headerFrameCount, p.fpsValue, o);
  if (announced !== null && announced > limits.maxFrames) {
    throw new ClipTooLargeError(p.path, `the header announces ${announced} frames to decode; the limit is ${limits.maxFrames}.`);
  }
}

function validateWindow(o: DecodeOptions): void {
  const bad = (name: string, v: unknown): never => {
    throw new RangeError(`${name} must be a positive number, got ${String(v)}`);
  };
  if (o.maxFrames !== undefined && !(Number.isInteger(o.maxFrames) && o.maxFrames > 0)) bad('maxFrames', o.maxFrames);
  if (o.startS !== undefined && !(Number.isFinite(o.startS) && o.startS >= 0)) bad('startS', o.startS);
  if (o.durationS !== undefined && !(Number.isFinite(o.durationS) && o.durationS > 0)) bad('durationS', o.durationS);
  if (o.stallTimeoutS !== undefined && !(o.stallTimeoutS > 0)) bad('stallTimeoutS', o.stallTimeoutS);
}

export async function openClip(path: string, opts: DecodeOptions = {}): Promise<ClipReader> {
  validateWindow(opts);
  const st = await statInput(path);
  if (st.isDirectory()) return openFolder(path, opts);
  const ff = opts.ffmpeg ?? (await locateFfmpeg(opts.ffmpegPath !== undefined ? { ffmpegPath: opts.ffmpegPath } : {}));
  const p = opts.probe ?? (await probeClip(path, { ...opts, ffmpeg: ff }));
  const limits = resolveLimits(opts.limits);
  checkLimits(p, limits, opts);
  return new VideoClipReader(path, p, ff, opts, limits);
}

/** Convenience: the frames of a clip (or folder), without keeping the reader. */
export async function* readFrames(path: string, opts: DecodeOptions = {}): AsyncGenerator<GrayFrame, void, undefined> {
  const reader = await openClip(path, opts);
  yield* reader.frames();
}

class VideoClipReader implements ClipReader {
  readonly decoder: { path: string; version: string };
  private readonly rule: GrayRule;
  private readonly args: string[];
  private readonly hash: Hash = createHash('sha256');
  private child: ChildProcess | null = null;
  private exitPromise: Promise<Exit> | null = null;
  private iterated = false;
  private closed = false;
  private state: DecodeSummary['state'] = 'not-started';
  private frameCount = 0;
  private framesHash = '';
  private t0 = 0;
  private elapsedS = 0;
  private result: Pick<
    DecodeSummary,
    'expectedFrameCount' | 'truncated' | 'truncationReason' | 'decoderErrors' | 'decoderErrorCount' | 'trailingBytes' | 'exitCode' | 'exitSignal'
  > = {
    expectedFrameCount: null,
    truncated: false,
    truncationReason: null,
    decoderErrors: [],
    decoderErrorCount: 0,
    trailingBytes: 0,
    exitCode: null,
    exitSignal: null,
  };

  constructor(
    readonly path: string,
    readonly probe: ClipProbe,
    private readonly ff: FfmpegInfo,
    private readonly opts: DecodeOptions,
    private readonly limits: DecodeLimits,
  ) {
    this.decoder = { path: ff.ffmpegPath, version: ff.version };
    this.rule = grayRuleFor(probe.pixelFormat, probe.colorRange);
    this.args = buildDecodeArgs(path, probe, ff, this.rule, opts);
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  frames(): AsyncIterable<GrayFrame> {
    if (this.iterated) throw new Error(`${this.path}: frames() can be iterated once per reader; open the clip again to re-read it.`);
    this.iterated = true;
    return this.run();
  }

  summary(): DecodeSummary {
    if (this.state === 'running') this.elapsedS = (performance.now() - this.t0) / 1000;
    return {
      frameCount: this.frameCount,
      headerFrameCount: this.probe.headerFrameCount,
      ...this.result,
      decoderErrors: [...this.result.decoderErrors],
      framesHash: this.opts.hashFrames === false ? '' : this.framesHash !== '' ? this.framesHash : this.hash.copy().digest('hex'),
      stoppedEarly: this.state === 'stopped',
      ffmpegArgs: [...this.args],
      grayRule: this.rule.description,
      elapsedS: this.elapsedS,
      state: this.state,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.state === 'running') this.state = 'stopped';
    await this.stopChild();
  }

  /** Kill ffmpeg if it still runs, release its pipes, and wait until it has exited. */
  private async stopChild(): Promise<void> {
    const child = this.child;
    if (!child || !this.exitPromise) return;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child.stdout?.destroy();
    const exit = await this.exitPromise;
    if (this.state !== 'finished') this.result = { ...this.result, exitCode: exit.code, exitSignal: exit.signal };
  }

  private async *run(): AsyncGenerator<GrayFrame, void, undefined> {
    const { width, height } = this.probe;
    const fps = this.probe.fps;
    const first = firstFrameIndex(this.opts.startS, this.probe.fpsValue);
    const stallMs = (this.opts.stallTimeoutS ?? DEFAULT_STALL_TIMEOUT_S) * 1000;
    const pixels = width * height;
    const asm = new FrameAssembler(pixels * this.rule.bytesPerPixel);
    const log = new StderrLog();
    this.t0 = performance.now();
    this.state = 'running';

    const child = spawn(this.ff.ffmpegPath, this.args, { stdio: ['ignore', 'pipe', 'pipe'], env: ffmpegEnv(), windowsHide: true });
    this.child = child;
    // 'exit' for kills (pipes may still hold data); 'close' when it also closed its pipes.
    this.exitPromise = new Promise<Exit>((res) => {
      child.once('exit', (code, signal) => res({ code, signal, error: null }));
      child.once('error', (err) => res({ code: null, signal: null, error: err }));
    });
    const closed = new Promise<void>((res) => {
      child.once('close', () => res());
      child.once('error', () => res());
    });
    child.stderr!.on('data', (d: Buffer) => log.push(d));
    const stdout = child.stdout!;
    const it = stdout[Symbol.asyncIterator]() as AsyncIterator<Buffer>;

    let reachedEnd = false;
    try {
      for (;;) {
        if (this.closed) return;
        const r = await this.nextChunk(it, stallMs);
        if (r.done) break;
        for (const raw of asm.push(r.value)) {
          if (this.frameCount >= this.limits.maxFrames) {
            throw new ClipTooLargeError(this.path, `more than ${this.limits.maxFrames} frames decoded (the limit).`);
          }
          const data = this.rule.bytesPerPixel === 2 ? highBytes(raw, new Uint8Array(pixels)) : raw;
          if (this.opts.hashFrames !== false) this.hash.update(data);
          const index = this.frameCount++;
          yield { index, width, height, data, timestampS: ((first + index) * fps.den) / fps.num };
          if (this.closed) return;
        }
      }
      // stdout has ended; an ffmpeg that then fails to exit is killed after the stall timeout too.
      const exit = await this.exitWithin(stallMs);
      await closed;
      log.end();
      reachedEnd = true;
      if (this.closed) return;
      this.finish(exit, log, asm);
    } catch (err) {
      if (this.closed) return; // close() from outside: a stopped decode, not a failure
      if (this.state === 'running') this.state = 'failed';
      throw err;
    } finally {
      if (!reachedEnd) {
        if (this.state === 'running') this.state = 'stopped';
        await this.stopChild();
      }
      if (this.framesHash === '') this.framesHash = this.opts.hashFrames === false ? '' : this.hash.digest('hex');
      this.elapsedS = (performance.now() - this.t0) / 1000;
    }
  }

  private async exitWithin(ms: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((res) => {
      timer = setTimeout(() => res('late'), ms);
    });
    try {
      const r = await Promise.race([this.exitPromise!, late]);
      if (r !== 'late') return r;
      this.child?.kill('SIGKILL');
      return await this.exitPromise!;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The next stdout chunk, or a DecodeStalledError when none comes in time. */
  private async nextChunk(it: AsyncIterator<Buffer>, stallMs: number): Promise<IteratorResult<Buffer>> {
    let timer: NodeJS.Timeout | undefined;
    const next = it.next();
    const stall = new Promise<'stall'>((res) => {
      timer = setTimeout(() => res('stall'), stallMs);
    });
    try {
      const r = await Promise.race([next, stall]);
      if (r === 'stall') {
        next.catch(() => undefined); // settles (or fails) once the stream is destroyed
        throw new DecodeStalledError(this.path, stallMs / 1000, this.frameCount);
      }
      return r;
    } finally {
      clearTimeout(timer);
    }
  }

  /** After ffmpeg ended on its own: record the outcome and throw what the caller must see. */
  private finish(exit: Exit, log: StderrLog, asm: FrameAssembler): void {
    if (exit.error !== null) {
      this.state = 'failed';
      throw new FfmpegMissingError(`${this.ff.ffmpegPath} could not be started (${exit.error.message}).`, this.path, exit.error);
    }
    const o = this.opts;
    const expected = expectedFrames(this.probe.headerFrameCount, this.probe.fpsValue, o);
    const verdict = judgeTruncation({
      frameCount: this.frameCount,
      expectedFrameCount: expected,
      trailingBytes: asm.pendingBytes,
      frameBytes: asm.frameBytes,
      decoderErrors: log.lines,
      decoderErrorCount: log.count,
      exitCode: exit.code,
      exitSignal: exit.signal,
      containerBytesMissing: this.probe.containerBytesMissing,
      readToEnd: o.maxFrames === undefined && o.durationS === undefined,
    });
    this.result = {
      expectedFrameCount: expected,
      truncated: verdict.truncated,
      truncationReason: verdict.reason,
      decoderErrors: log.lines,
      decoderErrorCount: log.count,
      trailingBytes: asm.pendingBytes,
      exitCode: exit.code,
      exitSignal: exit.signal,
    };
    if (this.frameCount === 0 && (exit.code !== 0 || log.count > 0)) {
      this.state = 'failed';
      throw classifyFfmpegFailure(this.path, log.text, decoderLabel(this.ff));
    }
    this.state = 'finished';
    const min = Math.min(o.minFrames ?? DEFAULT_MIN_FRAMES, o.maxFrames ?? Infinity);
    if (this.frameCount < min) throw new TooFewFramesError(this.path, this.frameCount, min);
    if (o.strict === true && verdict.truncated) throw new TruncatedClipError(this.path, verdict.reason ?? 'truncated');
  }
}
