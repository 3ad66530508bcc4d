/**
 * Numbered frame folders (frame_0001.png, img12.tif, ...: exports of AVA, MicroTools, CytoCam
 * and of ImageJ stacks) read with sharp, behind the same ClipReader interface as videos.
 *
 * - Order: natural order of the file names (frame2 before frame10), digits compared as numbers.
 * - Sizes: every frame must match the first (checked for all frames before decoding starts).
 * - Gray rule (as for video, gray-rule.ts): gray as stored; colour → the green channel;
 *   16-bit → high byte (v >> 8). Embedded ICC profiles are ignored: the stored values are
 *   the measurement, a colour-managed conversion would change them.
 * - Frame rate: folders carry none, so the fps option is required.
 */
import { readdir, stat } from 'node:fs/promises';
import { endianness } from 'node:os';
import { extname, join } from 'node:path';
import { createHash, type Hash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import {
  ClipTooLargeError,
  FrameSizeMismatchError,
  MissingFrameRateError,
  NotAVideoError,
  TooFewFramesError,
  TruncatedClipError,
} from './errors.js';
import { grayRuleFor } from './gray-rule.js';
import { DEFAULT_MIN_FRAMES, resolveLimits, type DecodeLimits } from './limits.js';
import { ratValue, toRational } from './rational.js';
import { firstFrameIndex } from './truncation.js';
import type { ClipProbe, ClipReader, DecodeOptions, DecodeSummary, GrayFrame } from './types.js';

export const FRAME_EXTENSIONS: readonly string[] = ['.png', '.tif', '.tiff', '.jpg', '.jpeg'];

/** Natural order: runs of digits compare as numbers, everything else by code unit. */
export function naturalCompare(a: string, b: string): number {
  const ra = a.match(/\d+|\D+/g) ?? [];
  const rb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i]!;
    const y = rb[i]!;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const nx = x.replace(/^0+(?=\d)/, '');
      const ny = y.replace(/^0+(?=\d)/, '');
      if (nx.length !== ny.length) return nx.length - ny.length;
      if (nx !== ny) return nx < ny ? -1 : 1;
      if (x.length !== y.length) return x.length - y.length; // 01 after 1: stable, deterministic
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return ra.length - rb.length;
}

interface FrameMeta {
  name: string;
  file: string;
  width: number;
  height: number;
  channels: number;
  sixteen: boolean;
  /** sharp colourspace to keep ('b-w', 'grey16', 'srgb', 'rgb16'), or 'srgb' to convert to. */
  space: string;
  format: string;
  bytes: number;
}

function pixelFormatName(m: FrameMeta): string {
  if (m.space === 'b-w' || m.space === 'grey16') {
    return m.sixteen ? (m.channels === 2 ? 'ya16le' : 'gray16le') : m.channels === 2 ? 'ya8' : 'gray';
  }
  if (m.space === 'srgb' || m.space === 'rgb16') {
    return m.sixteen ? (m.channels === 4 ? 'rgba64le' : 'rgb48le') : m.channels === 4 ? 'rgba' : 'rgb24';
  }
  return m.space;
}

async function readMeta(dir: string, name: string, maxPixels: number): Promise<FrameMeta> {
  const file = join(dir, name);
  try {
    const [m, st] = await Promise.all([sharp(file, { limitInputPixels: maxPixels }).metadata(), stat(file)]);
    const sixteen = m.depth === 'ushort';
    const native = m.space === 'b-w' || m.space === 'grey16' || m.space === 'srgb' || m.space === 'rgb16';
    return {
      name,
      file,
      width: m.width ?? 0,
      height: m.height ?? 0,
      channels: m.channels ?? 1,
      sixteen: native && sixteen,
      space: native ? m.space! : 'srgb',
      format: m.format ?? extname(name).slice(1),
      bytes: st.size,
    };
  } catch (err) {
    if (/pixel limit/i.test(String((err as Error).message))) {
      throw new ClipTooLargeError(dir, `frame "${name}" has more pixels than the ${maxPixels} px limit.`);
    }
    throw new TruncatedClipError(dir, `frame "${name}" cannot be read (${(err as Error).message}).`, err);
  }
}

async function mapLimited<T, R>(items: readonly T[], n: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/** The frame files of a folder, in natural order (hidden files and other types ignored). */
export async function listFrameFiles(dir: string): Promise<{ names: string[]; ignored: number }> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names: string[] = [];
  let ignored = 0;
  for (const e of entries) {
    if (!e.isFile() || e.name.startsWith('.')) continue; // .DS_Store, AppleDouble ._frame001.png
    if (FRAME_EXTENSIONS.includes(extname(e.name).toLowerCase())) names.push(e.name);
    else ignored++;
  }
  names.sort(naturalCompare);
  return { names, ignored };
}

function numberingWarnings(names: string[]): string[] {
  const nums = names.map((n) => /(\d+)\D*$/.exec(n)?.[1]).map((s) => (s === undefined ? null : Number(s)));
  if (nums.some((n) => n === null)) return ['some frame names carry no number; they are ordered by name.'];
  const w: string[] = [];
  const seen = new Set<number>();
  let gaps = 0;
  for (let i = 0; i < nums.length; i++) {
    const n = nums[i]!;
    if (seen.has(n)) w.push(`two frames carry the number ${n} (e.g. "1" and "01"); their order is by name.`);
    seen.add(n);
    if (i > 0 && n - nums[i - 1]! > 1) gaps += n - nums[i - 1]! - 1;
  }
  if (gaps > 0) w.push(`the numbering skips ${gaps} frame number${gaps === 1 ? '' : 's'}: missing frames are missing time.`);
  return w;
}

export async function probeFolder(dir: string, opts: DecodeOptions = {}): Promise<{ probe: ClipProbe; metas: FrameMeta[] }> {
  const limits = resolveLimits(opts.limits);
  const { names, ignored } = await listFrameFiles(dir);
  if (names.length === 0) {
    throw new NotAVideoError(dir, `the folder holds no ${FRAME_EXTENSIONS.join('/')} frames.`, 'Point at the folder that holds the numbered frames, or at the video file.');
  }
  if (names.length > limits.maxFrames) {
    throw new ClipTooLargeError(dir, `the folder holds ${names.length} frames; the limit is ${limits.maxFrames}.`);
  }
  if (opts.fps === undefined) throw new MissingFrameRateError(dir, 'a folder of frames carries no frame rate.');
  const fps = toRational(opts.fps);
  if (!fps) throw new MissingFrameRateError(dir, `the fps option (${String(opts.fps)}) is not a positive rate.`);

  const maxPixels = limits.maxWidth * limits.maxHeight;
  const metas = await mapLimited(names, 8, (n) => readMeta(dir, n, maxPixels));
  const first = metas[0]!;
  if (first.width > limits.maxWidth || first.height > limits.maxHeight) {
    throw new ClipTooLargeError(dir, `frames are ${first.width}×${first.height} px; the limit is ${limits.maxWidth}×${limits.maxHeight} px.`);
  }
  for (const m of metas) {
    if (m.width !== first.width || m.height !== first.height) throw new FrameSizeMismatchError(dir, m.name, first, m);
  }
  const warnings = numberingWarnings(names);
  if (ignored > 0) warnings.push(`${ignored} file${ignored === 1 ? ' that is' : 's that are'} not a PNG/TIFF/JPEG frame ${ignored === 1 ? 'was' : 'were'} ignored.`);
  if (metas.some((m) => m.format !== first.format || m.space !== first.space || m.sixteen !== first.sixteen)) {
    warnings.push('the frames do not all share one image format or bit depth; each is converted by its own gray rule.');
  }
  const probe: ClipProbe = {
    path: dir,
    kind: 'folder',
    container: 'folder',
    codec: first.format,
    pixelFormat: pixelFormatName(first),
    colorRange: 'pc',
    width: first.width,
    height: first.height,
    sampleAspectRatio: { num: 1, den: 1 },
    fps,
    fpsValue: ratValue(fps),
    interlaced: false,
    fieldOrder: 'unknown',
    fieldOrderSource: 'none',
    headerFrameCount: names.length,
    headerFrameCountSource: 'folder',
    durationS: names.length / ratValue(fps),
    hasAudio: false,
    videoStreamOrdinal: 0,
    fileBytes: metas.reduce((s, m) => s + m.bytes, 0),
    containerBytesMissing: null,
    probedWith: 'sharp',
    warnings,
  };
  return { probe, metas };
}

/** One frame file → 8-bit gray by the gray rule. */
async function readGray(m: FrameMeta, expected: { width: number; height: number }, dir: string, maxPixels: number): Promise<Uint8Array> {
  let raw: { data: Buffer; info: sharp.OutputInfo };
  try {
    raw = await sharp(m.file, { ignoreIcc: true, failOn: 'error', limitInputPixels: maxPixels })
      .toColourspace(m.space as keyof sharp.ColourspaceEnum)
      .raw(m.sixteen ? { depth: 'ushort' } : {})
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new TruncatedClipError(dir, `frame "${m.name}" cannot be decoded (${(err as Error).message}).`, err);
  }
  const { width, height, channels } = raw.info;
  if (width !== expected.width || height !== expected.height) throw new FrameSizeMismatchError(dir, m.name, expected, { width, height });
  const px = width * height;
  const out = new Uint8Array(px);
  const pick = channels >= 3 ? 1 : 0; // green of RGB(A); the gray of gray(+alpha)
  const src = raw.data;
  if (m.sixteen) {
    // sharp writes 16-bit samples in machine order; keep the high byte.
    const hi = endianness() === 'LE' ? 1 : 0;
    for (let i = 0, j = pick * 2 + hi; i < px; i++, j += channels * 2) out[i] = src[j]!;
  } else if (channels === 1) {
    out.set(src.subarray(0, px));
  } else {
    for (let i = 0, j = pick; i < px; i++, j += channels) out[i] = src[j]!;
  }
  return out;
}

export async function openFolder(dir: string, opts: DecodeOptions = {}): Promise<ClipReader> {
  const { probe, metas } = await probeFolder(dir, opts);
  const limits = resolveLimits(opts.limits);
  const first = Math.min(metas.length, firstFrameIndex(opts.startS, probe.fpsValue));
  let count = metas.length - first;
  if (opts.durationS !== undefined) count = Math.min(count, Math.max(1, Math.round(opts.durationS * probe.fpsValue)));
  if (opts.maxFrames !== undefined) count = Math.min(count, opts.maxFrames);
  const min = Math.min(opts.minFrames ?? DEFAULT_MIN_FRAMES, opts.maxFrames ?? Infinity);
  if (count < min) throw new TooFewFramesError(dir, count, min);
  return new FolderReader(dir, probe, metas.slice(first, first + count), first, limits, opts.hashFrames !== false);
}

class FolderReader implements ClipReader {
  readonly decoder = { path: 'sharp', version: `sharp ${sharp.versions.sharp ?? '?'}, libvips ${sharp.versions.vips}` };
  readonly pid = null;
  private readonly hash: Hash = createHash('sha256');
  private framesHash = '';
  private iterated = false;
  private closed = false;
  private state: DecodeSummary['state'] = 'not-started';
  private frameCount = 0;
  private t0 = 0;
  private elapsedS = 0;
  private readonly grayRule: string;

  constructor(
    readonly path: string,
    readonly probe: ClipProbe,
    private readonly metas: FrameMeta[],
    /** Index in the folder of the first frame handed out (startS). */
    private readonly first: number,
    private readonly limits: DecodeLimits,
    /** DecodeOptions.hashFrames. */
    private readonly hashFrames: boolean,
  ) {
    this.grayRule = `frame folder, ${grayRuleFor(probe.pixelFormat, 'pc').description}`;
  }

  frames(): AsyncIterable<GrayFrame> {
    if (this.iterated) throw new Error(`${this.path}: frames() can be iterated once per reader; open the folder again to re-read it.`);
    this.iterated = true;
    return this.run();
  }

  private async *run(): AsyncGenerator<GrayFrame, void, undefined> {
    const { width, height, fps } = this.probe;
    const maxPixels = this.limits.maxWidth * this.limits.maxHeight;
    this.state = 'running';
    this.t0 = performance.now();
    try {
      for (const m of this.metas) {
        if (this.closed) return;
        const data = await readGray(m, { width, height }, this.path, maxPixels);
        if (this.hashFrames) this.hash.update(data);
        const index = this.frameCount++;
        yield { index, width, height, data, timestampS: ((this.first + index) * fps.den) / fps.num };
      }
      if (this.state === 'running') this.state = 'finished';
    } catch (err) {
      if (this.state === 'running') this.state = 'failed';
      throw err;
    } finally {
      if (this.state === 'running') this.state = 'stopped';
      this.framesHash = this.hashFrames ? this.hash.digest('hex') : '';
      this.elapsedS = (performance.now() - this.t0) / 1000;
    }
  }

  summary(): DecodeSummary {
    if (this.state === 'running') this.elapsedS = (performance.now() - this.t0) / 1000;
    return {
      frameCount: this.frameCount,
      headerFrameCount: this.probe.headerFrameCount,
      expectedFrameCount: this.metas.length,
      truncated: false,
      truncationReason: null,
      decoderErrors: [],
      decoderErrorCount: 0,
      trailingBytes: 0,
      framesHash: !this.hashFrames ? '' : this.framesHash !== '' ? this.framesHash : this.hash.copy().digest('hex'),
      stoppedEarly: this.state === 'stopped',
      exitCode: null,
      exitSignal: null,
      ffmpegArgs: null,
      grayRule: this.grayRule,
      elapsedS: this.elapsedS,
      state: this.state,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.state === 'running') this.state = 'stopped';
  }
}
