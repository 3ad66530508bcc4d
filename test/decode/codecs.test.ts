/**
 * Every container/codec an HVM clip arrives in, decoded by every ffmpeg generation we have:
 * exact frame count and size, pixel values within the codec's tolerance of the frames we
 * rendered, the right probe fields, and no false truncation. The `ffmpeg -i` banner parser
 * (used when there is no ffprobe) must agree with ffprobe on every clip, for both the 5.1
 * banner and the 2018 one.
 *
 * Tolerances (mean absolute error in gray levels, 0–255, against the rendered frames):
 *   rawvideo gray, FFV1 gray, rawvideo BGR24 and PNG-in-AVI (green channel): exact (0), and
 *     framesHash equals the sha256 of the rendered frames;
 *   MJPEG q2 (full-range yuvj420p): < 1;  H.264 CRF 12: < 1.5;  DV 25 Mb/s: < 1
 *   (measured: 0.49, 0.80, 0.37; the limited-range round trip alone costs up to ±1 level).
 * Lossy decodes must also be closer to their own rendered frame than to its neighbours, which
 * proves frame order and that no frame was duplicated or dropped.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCapture } from '../../src/decode/exec.js';
import type { FfmpegInfo } from '../../src/decode/ffmpeg.js';
import { openClip } from '../../src/decode/frames.js';
import { probe } from '../../src/decode/probe.js';
import type { ClipProbe } from '../../src/decode/types.js';
import { bannerOnly, collect, decoders, encode, green, meanAbsError, renderGray, renderRgb, systemFfmpeg, tempDir } from './helpers/fixtures.js';

interface Format {
  name: string;
  file: string;
  decoder: string;
  w: number;
  h: number;
  n: number;
  fps: string;
  input: 'gray' | 'rgb24';
  args: string[];
  /** null: exact; else the mean-absolute-error bound. */
  mae: number | null;
  expect: Partial<ClipProbe>;
}

const FORMATS: Format[] = [
  {
    name: 'DV-AVI PAL 720×576 (MicroScan)',
    file: 'dv-pal.avi',
    decoder: 'dvvideo',
    w: 720,
    h: 576,
    n: 8,
    fps: '25',
    input: 'gray',
    args: ['-c:v', 'dvvideo', '-pix_fmt', 'yuv420p', '-aspect', '4:3', '-f', 'avi'],
    mae: 1,
    expect: {
      codec: 'dvvideo',
      container: 'avi',
      pixelFormat: 'yuv420p',
      sampleAspectRatio: { num: 16, den: 15 },
      fps: { num: 25, den: 1 },
      interlaced: true,
      fieldOrder: 'bb',
      fieldOrderSource: 'codec-default',
    },
  },
  {
    name: 'DV-AVI NTSC 720×480',
    file: 'dv-ntsc.avi',
    decoder: 'dvvideo',
    w: 720,
    h: 480,
    n: 8,
    fps: '30000/1001',
    input: 'gray',
    args: ['-c:v', 'dvvideo', '-pix_fmt', 'yuv411p', '-aspect', '4:3', '-f', 'avi'],
    mae: 1,
    expect: { codec: 'dvvideo', pixelFormat: 'yuv411p', sampleAspectRatio: { num: 8, den: 9 }, fps: { num: 30000, den: 1001 }, interlaced: true },
  },
  {
    name: 'MJPEG-AVI',
    file: 'mjpeg.avi',
    decoder: 'mjpeg',
    w: 160,
    h: 120,
    n: 12,
    fps: '25',
    input: 'gray',
    args: ['-c:v', 'mjpeg', '-q:v', '2', '-pix_fmt', 'yuvj420p', '-f', 'avi'],
    mae: 1,
    expect: { codec: 'mjpeg', container: 'avi', pixelFormat: 'yuvj420p', colorRange: 'pc', sampleAspectRatio: { num: 1, den: 1 } },
  },
  {
    name: 'rawvideo AVI, gray (Y800)',
    file: 'raw-gray.avi',
    decoder: 'rawvideo',
    w: 160,
    h: 120,
    n: 12,
    fps: '25',
    input: 'gray',
    args: ['-c:v', 'rawvideo', '-pix_fmt', 'gray', '-f', 'avi'],
    mae: null,
    expect: { codec: 'rawvideo', pixelFormat: 'gray', container: 'avi' },
  },
  {
    name: 'rawvideo AVI, BGR24 (green channel)',
    file: 'raw-bgr.avi',
    decoder: 'rawvideo',
    w: 160,
    h: 120,
    n: 12,
    fps: '25',
    input: 'rgb24',
    args: ['-c:v', 'rawvideo', '-pix_fmt', 'bgr24', '-f', 'avi'],
    mae: null,
    expect: { codec: 'rawvideo', pixelFormat: 'bgr24' },
  },
  {
    name: 'FFV1 AVI, gray (lossless)',
    file: 'ffv1.avi',
    decoder: 'ffv1',
    w: 160,
    h: 120,
    n: 12,
    fps: '25',
    input: 'gray',
    args: ['-c:v', 'ffv1', '-pix_fmt', 'gray', '-f', 'avi'],
    mae: null,
    expect: { codec: 'ffv1', pixelFormat: 'gray' },
  },
  {
    name: 'PNG-in-AVI, RGB24 (green channel)',
    file: 'png.avi',
    decoder: 'png',
    w: 160,
    h: 120,
    n: 12,
    fps: '25',
    input: 'rgb24',
    args: ['-c:v', 'png', '-pix_fmt', 'rgb24', '-f', 'avi'],
    mae: null,
    expect: { codec: 'png', pixelFormat: 'rgb24' },
  },
  {
    name: 'H.264 MP4 (CytoCam-style export)',
    file: 'h264.mp4',
    decoder: 'h264',
    w: 160,
    h: 120,
    n: 12,
    fps: '25',
    input: 'gray',
    args: ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '12', '-pix_fmt', 'yuv420p', '-f', 'mp4'],
    mae: 1.5,
    expect: { codec: 'h264', container: 'mov,mp4,m4a,3gp,3g2,mj2', pixelFormat: 'yuv420p', fps: { num: 25, den: 1 } },
  },
  {
    name: 'H.264 MOV, interlaced top-field-first',
    file: 'h264-tff.mov',
    decoder: 'h264',
    w: 160,
    h: 120,
    n: 12,
    fps: '25',
    input: 'gray',
    args: ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '12', '-pix_fmt', 'yuv420p', '-flags', '+ilme+ildct', '-x264-params', 'interlaced=1:tff=1', '-f', 'mov'],
    mae: 1.5,
    expect: { codec: 'h264', pixelFormat: 'yuv420p' },
  },
];

const DECODERS = await decoders();
const BANNER = await bannerOnly();
const decoderLists = new Map<string, Promise<string>>();
async function hasDecoder(ff: FfmpegInfo, codec: string): Promise<boolean> {
  let p = decoderLists.get(ff.ffmpegPath);
  if (!p) {
    p = runCapture(ff.ffmpegPath, ['-hide_banner', '-decoders'], { timeoutMs: 15_000 }).then((r) => r.stdout);
    decoderLists.set(ff.ffmpegPath, p);
  }
  return new RegExp(`^\\s*V\\S*\\s+${codec}\\s`, 'm').test(await p);
}

let dir = '';
let cleanup: () => Promise<void> = async () => undefined;
const rendered = new Map<string, Uint8Array[]>(); // expected gray frames per format

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('codecs'));
  const sys = await systemFfmpeg();
  await Promise.all(
    FORMATS.map(async (f) => {
      const raw = Array.from({ length: f.n }, (_, i) => (f.input === 'rgb24' ? renderRgb(f.w, f.h, i) : renderGray(f.w, f.h, i)));
      rendered.set(f.file, f.input === 'rgb24' ? raw.map(green) : raw);
      await encode(sys.ffmpegPath, raw, { w: f.w, h: f.h, fps: f.fps, inPixFmt: f.input, args: f.args, out: join(dir, f.file) });
    }),
  );
}, 60_000);

afterAll(async () => {
  await cleanup();
});

it('runs against at least the system ffmpeg and the npm 2018 build', { timeout: 5_000 }, () => {
  const sources = new Set(DECODERS.map((d) => d.ff.source));
  expect(sources.has('PATH')).toBe(true);
  expect(sources.has('@ffmpeg-installer/ffmpeg')).toBe(true);
});

describe.each(DECODERS)('decoder: $label', ({ ff }) => {
  describe.each(FORMATS)('$name', (f) => {
    it('probes and decodes every frame within the codec tolerance', { timeout: 20_000 }, async (ctx) => {
      if (!(await hasDecoder(ff, f.decoder))) ctx.skip(`ffmpeg ${ff.version} has no ${f.decoder} decoder`);
      const path = join(dir, f.file);
      const p = await probe(path, { ffmpeg: ff });
      expect(p).toMatchObject({ width: f.w, height: f.h, headerFrameCount: f.n, hasAudio: false, kind: 'video', ...f.expect });
      expect(p.probedWith).toBe(ff.ffprobePath ? 'ffprobe' : 'ffmpeg-stderr');
      expect(p.fpsValue).toBeCloseTo(p.fps.num / p.fps.den, 12);
      if (f.file === 'h264-tff.mov') {
        // ffprobe and the 5.x banner say "top first"; the 2018 banner leaves it out.
        if (ff.ffprobePath || (ff.major ?? 0) >= 5) expect(p).toMatchObject({ fieldOrder: 'tt', interlaced: true, fieldOrderSource: 'metadata' });
        else expect(p).toMatchObject({ fieldOrder: 'unknown', interlaced: false });
      }
      if (f.file === 'h264.mp4' && ff.ffprobePath) expect(p.fieldOrder).toBe('progressive');

      const reader = await openClip(path, { ffmpeg: ff, probe: p });
      const frames = await collect(reader.frames());
      const s = reader.summary();
      const expected = rendered.get(f.file)!;
      expect(frames.length).toBe(f.n);
      expect(s).toMatchObject({ frameCount: f.n, truncated: false, truncationReason: null, trailingBytes: 0, state: 'finished', stoppedEarly: false });
      expect(s.decoderErrors).toEqual([]);
      frames.forEach((fr, i) => {
        expect(fr.index).toBe(i);
        expect(fr.width).toBe(f.w);
        expect(fr.height).toBe(f.h);
        expect(fr.data.length).toBe(f.w * f.h);
        expect(fr.timestampS).toBeCloseTo((i * p.fps.den) / p.fps.num, 9);
      });
      if (f.mae === null) {
        const h = createHash('sha256');
        for (const e of expected) h.update(e);
        expect(s.framesHash).toBe(h.digest('hex'));
        frames.forEach((fr, i) => expect(Buffer.from(fr.data).equals(Buffer.from(expected[i]!))).toBe(true));
      } else {
        frames.forEach((fr, i) => {
          const own = meanAbsError(fr.data, expected[i]!);
          expect(own).toBeLessThan(f.mae!);
          for (const j of [i - 1, i + 1]) if (j >= 0 && j < f.n) expect(own).toBeLessThan(meanAbsError(fr.data, expected[j]!));
        });
      }
    });
  });
});

const references = new Map<string, Promise<ClipProbe>>();
/** ffprobe's answer for a clip (computed once). */
function referenceProbe(path: string): Promise<ClipProbe> {
  let r = references.get(path);
  if (!r) {
    r = probe(path, { ffmpeg: DECODERS.find((d) => d.ff.ffprobePath !== null)!.ff });
    references.set(path, r);
  }
  return r;
}

describe.each(BANNER)('probe without ffprobe: $label', ({ ff }) => {
  it.each(FORMATS)('agrees with ffprobe on $name', { timeout: 10_000 }, async (f) => {
    const path = join(dir, f.file);
    const [ref, p] = await Promise.all([referenceProbe(path), probe(path, { ffmpeg: ff })]);
    expect(p.probedWith).toBe('ffmpeg-stderr');
    const same = ['container', 'codec', 'pixelFormat', 'colorRange', 'width', 'height', 'sampleAspectRatio', 'fps', 'fpsValue', 'headerFrameCount', 'hasAudio', 'videoStreamOrdinal', 'fileBytes', 'containerBytesMissing'] as const;
    for (const k of same) expect({ [k]: p[k] }).toEqual({ [k]: ref[k] });
    expect(p.headerFrameCountSource).toBe(f.file.endsWith('.avi') ? 'avi-header' : 'duration×fps');
    expect(p.durationS!).toBeCloseTo(ref.durationS!, 1);
    // The 2018 banner does not print the field order of H.264 streams; the 5.x banner does.
    if ((ff.major ?? 0) >= 5 || ref.fieldOrderSource !== 'metadata') {
      expect({ fieldOrder: p.fieldOrder, interlaced: p.interlaced }).toEqual({ fieldOrder: ref.fieldOrder, interlaced: ref.interlaced });
    } else {
      expect(p.fieldOrder).toBe('unknown');
    }
  });
});
