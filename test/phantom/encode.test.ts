/** Clips written through ffmpeg (and PNG folders through sharp) decode back as rendered. */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateFfmpeg } from '../../src/decode/ffmpeg.js';
import { generatePhantom, readTruth, writePhantom } from '../../src/phantom/index.js';
import { sha256 } from './measure.js';

const run = promisify(execFile);
let dir = '';
let ffmpeg = 'ffmpeg';
let ffprobe = 'ffprobe';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hvm-phantom-'));
  const info = await locateFfmpeg();
  ffmpeg = info.ffmpegPath;
  ffprobe = info.ffprobePath ?? 'ffprobe';
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function decodeGray(path: string, w: number, h: number): Promise<Buffer[]> {
  const { stdout } = await run(ffmpeg, ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 28 });
  const out: Buffer[] = [];
  for (let o = 0; o + w * h <= stdout.length; o += w * h) out.push(stdout.subarray(o, o + w * h));
  return out;
}

async function probe(path: string, entries: string, frames = false): Promise<Record<string, string>> {
  const args = ['-v', 'error', '-select_streams', 'v:0', ...(frames ? ['-show_frames', '-read_intervals', '%+#1', '-show_entries', `frame=${entries}`] : ['-show_entries', `stream=${entries}`]), '-of', 'default=nw=1', path];
  const { stdout } = await run(ffprobe, args);
  const o: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) o[line.slice(0, i)] = line.slice(i + 1);
  }
  return o;
}

describe('phantom encoding', () => {
  const base = { seed: 77, width: 96, height: 80, frameCount: 5, flowMix: 'septic' as const };

  it('writes lossless FFV1-AVI that decodes to the rendered frames, with truth and calibration sidecar', async () => {
    const w = await writePhantom({ ...base, name: 'ffv1', codec: 'ffv1' }, dir);
    const frames = await decodeGray(w.clipPath, 96, 80);
    expect(frames).toHaveLength(5);
    expect(sha256(frames)).toBe(w.framesSha256);
    expect(sha256(generatePhantom(base).frames())).toBe(w.framesSha256);
    const t = await readTruth(w.truthPath);
    expect(t.frames).toHaveLength(5);
    const cal = JSON.parse(await readFile(w.calibrationPath!, 'utf8')) as { umPerPxX: number };
    expect(cal.umPerPxX).toBe(1.3);
  });

  it('writes H.264-MP4, MJPEG-AVI and raw AVI with the right size, rate and frame count', async () => {
    for (const codec of ['h264', 'mjpeg', 'rawavi'] as const) {
      const w = await writePhantom({ ...base, name: codec, codec, fps: { num: 30000, den: 1001 } }, dir);
      const s = await probe(w.clipPath, 'codec_name,width,height,r_frame_rate');
      expect(s.codec_name).toBe({ h264: 'h264', mjpeg: 'mjpeg', rawavi: 'rawvideo' }[codec]);
      expect([s.width, s.height]).toEqual(['96', '80']);
      expect(s.r_frame_rate).toBe('30000/1001');
      const frames = await decodeGray(w.clipPath, 96, 80);
      expect(frames).toHaveLength(5);
      // Lossy codecs stay close to the rendered frames.
      const ref = generatePhantom({ ...base, fps: { num: 30000, den: 1001 } }).frame(2);
      let err = 0;
      for (let i = 0; i < ref.length; i++) err += Math.abs(ref[i]! - frames[2]![i]!);
      expect(err / ref.length).toBeLessThan(codec === 'rawavi' ? 1e-9 : 6);
    }
  });

  it('writes PAL DV-AVI: 720×576, 25 fps, SAR 16:15, interlaced bottom field first', async () => {
    const w = await writePhantom({ seed: 5, name: 'dv', codec: 'dv', device: 'microscan-sdf-pal', frameCount: 2 }, dir);
    const s = await probe(w.clipPath, 'codec_name,width,height,sample_aspect_ratio,r_frame_rate');
    expect(s).toMatchObject({ codec_name: 'dvvideo', width: '720', height: '576', sample_aspect_ratio: '16:15', r_frame_rate: '25/1' });
    const f = await probe(w.clipPath, 'interlaced_frame,top_field_first', true);
    expect(f).toMatchObject({ interlaced_frame: '1', top_field_first: '0' });
    const t = await readTruth(w.truthPath);
    expect(t.clip.sar).toEqual({ num: 16, den: 15 });
    expect(t.clip.scale.umPerPxX).toBeCloseTo(940 / 720, 12);
    expect(t.clip.scale.umPerPxY).toBeCloseTo(750 / 576, 12);
    expect(t.frames[0]!.fields!.map((x) => x.rows)).toEqual(['odd', 'even']);
  });

  it('writes numbered PNG frames', async () => {
    const w = await writePhantom({ ...base, name: 'pngs', codec: 'png' }, dir);
    const names = (await readdir(w.clipPath)).sort();
    expect(names).toEqual(['frame_000000.png', 'frame_000001.png', 'frame_000002.png', 'frame_000003.png', 'frame_000004.png']);
    const meta = await sharp(join(w.clipPath, names[3]!)).metadata();
    expect(meta).toMatchObject({ width: 96, height: 80, channels: 1, depth: 'uchar' });
    const raw = await sharp(join(w.clipPath, names[3]!)).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect(raw.info.channels).toBe(1);
    expect(Buffer.from(generatePhantom(base).frame(3)).equals(raw.data)).toBe(true);
  });
});
