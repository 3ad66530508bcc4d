/**
 * Pure pieces of the decoder, no ffmpeg needed: the `ffmpeg -i` banner parser (on text
 * captured from ffmpeg 5.1 and from the 2018 npm build), rationals, the frame assembler,
 * the truncation verdict, stderr collection and failure classification, the AVI header
 * reader, and the exact decode command line for both ffmpeg generations.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAviHeader } from '../../src/decode/avi-header.js';
import { buildDecodeArgs } from '../../src/decode/decode-args.js';
import { NotAVideoError, TruncatedClipError, UnsupportedCodecError, DecodeFailedError } from '../../src/decode/errors.js';
import { classifyFfmpegFailure } from '../../src/decode/failure.js';
import { FrameAssembler } from '../../src/decode/frame-assembler.js';
import { grayRuleFor } from '../../src/decode/gray-rule.js';
import { chooseFps } from '../../src/decode/probe-ffprobe.js';
import { parseFfmpegInputStderr, splitTopLevel } from '../../src/decode/probe-stderr.js';
import { parseRational, rationalFromDecimal, toRational } from '../../src/decode/rational.js';
import { StderrLog } from '../../src/decode/stderr-log.js';
import { expectedFrames, firstFrameIndex, judgeTruncation } from '../../src/decode/truncation.js';
import { encode, renderGray, systemFfmpeg, tempDir } from './helpers/fixtures.js';

const DV_51 = `Input #0, avi, from 'file:/clips/dv.avi':
  Metadata:
    software        : Lavf59.27.100
  Duration: 00:00:30.00, start: 0.000000, bitrate: 29781 kb/s
  Stream #0:0: Video: dvvideo (dvsd / 0x64737664), yuv420p, 720x576 [SAR 16:15 DAR 4:3], 32000 kb/s, 25 fps, 25 tbr, 25 tbn
  Stream #0:1: Audio: pcm_s16le ([1][0][0][0] / 0x0001), 48000 Hz, mono, s16, 768 kb/s
At least one output file must be specified
`;
const DV_2018 = `Guessed Channel Layout for Input Stream #0.1 : mono
Input #0, avi, from 'file:/clips/dv.avi':
  Metadata:
    encoder         : Lavf59.27.100
  Duration: 00:00:30.00, start: 0.000000, bitrate: 29781 kb/s
    Stream #0:0: Video: dvvideo (dvsd / 0x64737664), yuv420p, 720x576 [SAR 16:15 DAR 4:3], 32000 kb/s, 25 fps, 25 tbr, 25 tbn, 25 tbc
    Stream #0:1: Audio: pcm_s16le ([1][0][0][0] / 0x0001), 48000 Hz, mono, s16, 768 kb/s
At least one output file must be specified
`;
const MOV_51 = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:/clips/h.mov':
  Metadata:
    title           : Stream #0:5: Video: fake, gray, 1x1, 99 fps
  Duration: 00:00:00.40, start: 0.000000, bitrate: 87 kb/s
  Stream #0:0[0x1]: Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, top first), 1280x960 [SAR 1:1 DAR 4:3], 70 kb/s, 29.97 fps, 29.97 tbr, 30k tbn (default)
    Metadata:
      handler_name    : VideoHandler
  Stream #0:1[0x2](und): Video: mjpeg (Baseline) (jpeg / 0x6765706A), yuvj420p(pc, bt470bg/unknown/unknown), 300x300, 90k tbr, 90k tbn (attached pic)
`;
const MJPEG_2018 = `Input #0, avi, from 'mj.avi':
  Duration: 00:00:00.40, start: 0.000000, bitrate: 1417 kb/s
    Stream #0:0: Video: mjpeg (Baseline) (MJPG / 0x47504A4D), yuvj444p(pc, bt470bg/unknown/unknown), 160x120 [SAR 1:1 DAR 4:3], 1441 kb/s, 25 fps, 25 tbr, 25 tbn, 25 tbc
`;
const RAW_GRAY = `Input #0, avi, from 'rawg.avi':
  Duration: N/A, bitrate: N/A
  Stream #0:0: Video: rawvideo (Y800 / 0x30303859), gray, 160x120, 4266 kb/s, SAR 1:1 DAR 4:3, 12.50 fps, 12.50 tbr, 25 tbn
`;
const SWAPPED = `Input #0, mpegts, from 'x.ts':
  Duration: 00:00:10.00, start: 1.400000, bitrate: 8000 kb/s
  Stream #0:0[0x100]: Video: mpeg2video (Main) ([2][0][0][0] / 0x0002), yuv420p(tv, bottom coded first (swapped)), 720x480 [SAR 8:9 DAR 4:3], 29.97 fps, 29.97 tbr, 90k tbn
`;
const UNKNOWN = `Input #0, avi, from 'unk.avi':
  Duration: 00:00:00.40, start: 0.000000, bitrate: 306 kb/s
  Stream #0:0: Video: none (QZQZ / 0x5A515A51), none, 160x120, SAR 1:1 DAR 4:3, 25 fps, 25 tbr, 25 tbn
`;
const AUDIO = `Input #0, wav, from 'a.wav':
  Duration: 00:00:00.50, bitrate: 706 kb/s
  Stream #0:0: Audio: pcm_s16le ([1][0][0][0] / 0x0001), 44100 Hz, mono, s16, 705 kb/s
`;

describe('ffmpeg -i banner parser', () => {
  it('reads a DV-AVI the same from ffmpeg 5.1 and from the 2018 build', { timeout: 1_000 }, () => {
    for (const text of [DV_51, DV_2018]) {
      const m = parseFfmpegInputStderr(text)!;
      expect(m.container).toBe('avi');
      expect(m.durationS).toBe(30);
      expect(m.streams.map((s) => s.type)).toEqual(['video', 'audio']);
      expect(m.streams[0]).toMatchObject({
        codec: 'dvvideo',
        codecTag: 'dvsd',
        pixelFormat: 'yuv420p',
        width: 720,
        height: 576,
        sar: { num: 16, den: 15 },
        fps: { num: 25, den: 1 },
        fieldOrder: 'unknown',
        colorRange: 'unknown',
      });
    }
  });

  it('reads field order, range, NTSC rate, attached pictures; ignores metadata posing as a stream', { timeout: 1_000 }, () => {
    const m = parseFfmpegInputStderr(MOV_51)!;
    expect(m.container).toBe('mov,mp4,m4a,3gp,3g2,mj2');
    expect(m.streams.length).toBe(2);
    expect(m.streams[0]).toMatchObject({ codec: 'h264', fieldOrder: 'tt', colorRange: 'tv', width: 1280, height: 960, fps: { num: 30000, den: 1001 }, attachedPic: false });
    expect(m.streams[1]).toMatchObject({ codec: 'mjpeg', pixelFormat: 'yuvj420p', colorRange: 'pc', attachedPic: true, fps: { num: 90000, den: 1 } });
    expect(parseFfmpegInputStderr(SWAPPED)!.streams[0]).toMatchObject({ fieldOrder: 'bt', sar: { num: 8, den: 9 }, pixelFormat: 'yuv420p' });
    expect(parseFfmpegInputStderr(MJPEG_2018)!.streams[0]).toMatchObject({ pixelFormat: 'yuvj444p', colorRange: 'pc', codecTag: 'MJPG' });
  });

  it('reads the separate "SAR a:b DAR" field, decimal rates and Duration N/A', { timeout: 1_000 }, () => {
    const m = parseFfmpegInputStderr(RAW_GRAY)!;
    expect(m.durationS).toBeNull();
    expect(m.streams[0]).toMatchObject({ codec: 'rawvideo', codecTag: 'Y800', pixelFormat: 'gray', sar: { num: 1, den: 1 }, fps: { num: 25, den: 2 } });
  });

  it('reports unknown codecs and audio-only files as they are; null when no input was described', { timeout: 1_000 }, () => {
    expect(parseFfmpegInputStderr(UNKNOWN)!.streams[0]).toMatchObject({ codec: 'none', codecTag: 'QZQZ', pixelFormat: 'none' });
    expect(parseFfmpegInputStderr(AUDIO)!.streams.map((s) => s.type)).toEqual(['audio']);
    expect(parseFfmpegInputStderr("file:/x.avi: Invalid data found when processing input\n")).toBeNull();
  });

  it('splits at top-level commas only', { timeout: 1_000 }, () => {
    expect(splitTopLevel('a (b, c), d[e, f], g')).toEqual(['a (b, c)', 'd[e, f]', 'g']);
  });
});

describe('rationals', () => {
  it('parses and reduces; recognises NTSC decimals', { timeout: 1_000 }, () => {
    expect(parseRational('30000/1001')).toEqual({ num: 30000, den: 1001 });
    expect(parseRational('50/2')).toEqual({ num: 25, den: 1 });
    expect(parseRational('16:15')).toEqual({ num: 16, den: 15 });
    expect(parseRational('0/0')).toBeNull();
    expect(parseRational('0:1')).toBeNull();
    expect(parseRational('N/A')).toBeNull();
    expect(rationalFromDecimal('29.97')).toEqual({ num: 30000, den: 1001 });
    expect(rationalFromDecimal('59.94')).toEqual({ num: 60000, den: 1001 });
    expect(rationalFromDecimal('23.98')).toEqual({ num: 24000, den: 1001 });
    expect(rationalFromDecimal('30k')).toEqual({ num: 30000, den: 1 });
    expect(rationalFromDecimal('12.5')).toEqual({ num: 25, den: 2 });
    expect(toRational(25)).toEqual({ num: 25, den: 1 });
    expect(toRational('30000/1001')).toEqual({ num: 30000, den: 1001 });
    expect(toRational(-1)).toBeNull();
  });

  it('prefers the cleaner of avg/r frame rate when they agree, the average when they do not', { timeout: 1_000 }, () => {
    expect(chooseFps({ num: 2997, den: 100 }, { num: 30000, den: 1001 })).toEqual({ num: 30000, den: 1001 });
    expect(chooseFps({ num: 20, den: 1 }, { num: 30, den: 1 })).toEqual({ num: 20, den: 1 });
    expect(chooseFps(null, { num: 25, den: 1 })).toEqual({ num: 25, den: 1 });
  });
});

describe('frame assembler', () => {
  it('cuts arbitrary chunks into exact frames and keeps the remainder as partial', { timeout: 1_000 }, () => {
    const a = new FrameAssembler(5);
    const bytes = Uint8Array.from({ length: 23 }, (_, i) => i);
    const out: Uint8Array[] = [];
    for (const size of [1, 3, 7, 2, 10]) {
      const start = out.length * 5 + a.pendingBytes;
      out.push(...a.push(bytes.subarray(start, start + size)));
    }
    expect(out.map((f) => [...f])).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6, 7, 8, 9],
      [10, 11, 12, 13, 14],
      [15, 16, 17, 18, 19],
    ]);
    expect(a.pendingBytes).toBe(3);
    expect(new Set(out.map((f) => f.buffer)).size).toBe(4); // each frame owns its buffer
  });
});

describe('truncation verdict', () => {
  const base = {
    frameCount: 750,
    expectedFrameCount: 750,
    trailingBytes: 0,
    frameBytes: 414_720,
    decoderErrors: [],
    decoderErrorCount: 0,
    exitCode: 0,
    exitSignal: null,
    containerBytesMissing: 0,
    readToEnd: true,
  };
  it('a DV-AVI that claims 750 frames, decodes 55 and exits 0 is truncated', { timeout: 1_000 }, () => {
    const v = judgeTruncation({ ...base, frameCount: 55 });
    expect(v.truncated).toBe(true);
    expect(v.reason).toMatch(/decoded 55 of the 750 frames/);
  });
  it('one frame short is within tolerance; two are not', { timeout: 1_000 }, () => {
    expect(judgeTruncation({ ...base, frameCount: 749 }).truncated).toBe(false);
    expect(judgeTruncation({ ...base, frameCount: 748 }).truncated).toBe(true);
  });
  it('errors, a non-zero exit, trailing bytes or a cut AVI each suffice', { timeout: 1_000 }, () => {
    expect(judgeTruncation({ ...base, decoderErrorCount: 1, decoderErrors: ['x'] as never[] }).truncated).toBe(true);
    expect(judgeTruncation({ ...base, exitCode: 1 }).truncated).toBe(true);
    expect(judgeTruncation({ ...base, trailingBytes: 10 }).reason).toMatch(/incomplete frame/);
    expect(judgeTruncation({ ...base, containerBytesMissing: 1000 }).truncated).toBe(true);
    expect(judgeTruncation({ ...base, containerBytesMissing: 1000, readToEnd: false }).truncated).toBe(false);
    expect(judgeTruncation({ ...base, expectedFrameCount: null }).truncated).toBe(false);
  });
  it('expects what the window asks for', { timeout: 1_000 }, () => {
    expect(expectedFrames(750, 25, {})).toBe(750);
    expect(expectedFrames(750, 25, { startS: 2 })).toBe(700);
    expect(expectedFrames(750, 25, { startS: 2, durationS: 4 })).toBe(100);
    expect(expectedFrames(750, 25, { maxFrames: 10 })).toBe(10);
    expect(expectedFrames(null, 25, { maxFrames: 10 })).toBeNull();
    expect(expectedFrames(750, 25, { startS: 0.41 })).toBe(739);
  });
  it('a start time selects the first frame at or after it', { timeout: 1_000 }, () => {
    expect(firstFrameIndex(undefined, 25)).toBe(0);
    expect(firstFrameIndex(0.4, 25)).toBe(10);
    expect(firstFrameIndex(0.41, 25)).toBe(11);
    expect(firstFrameIndex(0.39, 25)).toBe(10);
    expect(firstFrameIndex(1, 30000 / 1001)).toBe(30);
  });
});

describe('stderr and failures', () => {
  it('keeps the first distinct lines, counts them all, across chunk borders', { timeout: 1_000 }, () => {
    const log = new StderrLog();
    log.push('[dvvideo @ 0x1] could not find dv fr');
    log.push('ame profile\nLast message repeated 3 times\n');
    for (let i = 0; i < 30; i++) log.push(`error ${i % 15}\n`);
    log.push('tail without newline');
    log.end();
    expect(log.count).toBe(32);
    expect(log.lines.length).toBe(10);
    expect(log.lines[0]).toBe('[dvvideo @ 0x1] could not find dv frame profile');
  });

  it('maps ffmpeg messages to typed errors', { timeout: 1_000 }, () => {
    expect(classifyFfmpegFailure('a.mp4', '[mov,mp4 @ 0x1] moov atom not found\na.mp4: Invalid data found when processing input', 'ffmpeg')).toBeInstanceOf(TruncatedClipError);
    expect(classifyFfmpegFailure('a.avi', 'a.avi: Invalid data found when processing input', 'ffmpeg')).toBeInstanceOf(NotAVideoError);
    expect(classifyFfmpegFailure('a.avi', 'Decoder (codec none) not found for input stream #0:0', 'ffmpeg')).toBeInstanceOf(UnsupportedCodecError);
    expect(classifyFfmpegFailure('a.avi', 'something else entirely', 'ffmpeg')).toBeInstanceOf(DecodeFailedError);
  });
});

describe('decode command line', () => {
  it('uses -fps_mode where the binary knows it, -vsync otherwise; never a shell', { timeout: 1_000 }, () => {
    const rule = grayRuleFor('yuv420p', 'unknown');
    const fps = { num: 25, den: 1 };
    const args51 = buildDecodeArgs('/clips/a b.avi', { videoStreamOrdinal: 0, fps }, { features: { fpsMode: true } }, rule, {});
    expect(args51).toEqual([
      '-nostdin', '-hide_banner', '-loglevel', 'error',
      '-protocol_whitelist', 'file', '-i', 'file:/clips/a b.avi',
      '-map', '0:v:0',
      '-fps_mode', 'passthrough',
      '-vf', 'scale=in_range=tv:out_range=pc,format=gray',
      '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1',
    ]);
    // startS 2 s → frame 50, sought half a frame early; durationS 1.5 s → 38 frames, capped by maxFrames.
    const args4 = buildDecodeArgs('/clips/a.avi', { videoStreamOrdinal: 1, fps }, { features: { fpsMode: false } }, grayRuleFor('gray16le', 'pc'), { startS: 2, durationS: 1.5, maxFrames: 10 });
    expect(args4).toEqual([
      '-nostdin', '-hide_banner', '-loglevel', 'error',
      '-ss', '1.980000',
      '-protocol_whitelist', 'file', '-i', 'file:/clips/a.avi',
      '-map', '0:v:1', '-frames:v', '10',
      '-vsync', 'passthrough',
      '-f', 'rawvideo', '-pix_fmt', 'gray16le', 'pipe:1',
    ]);
    const ntsc = buildDecodeArgs('/c.avi', { videoStreamOrdinal: 0, fps: { num: 30000, den: 1001 } }, { features: { fpsMode: true } }, rule, { durationS: 1 });
    expect(ntsc.slice(ntsc.indexOf('-frames:v'), ntsc.indexOf('-frames:v') + 2)).toEqual(['-frames:v', '30']);
  });
});

describe('AVI header reader', () => {
  let dir = '';
  let cleanup: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('avihdr'));
    const ff = (await systemFfmpeg()).ffmpegPath;
    await encode(ff, Array.from({ length: 7 }, (_, i) => renderGray(32, 24, i)), { w: 32, h: 24, fps: '25', inPixFmt: 'gray', args: ['-c:v', 'rawvideo', '-pix_fmt', 'gray', '-f', 'avi'], out: join(dir, 'a.avi') });
    await writeFile(join(dir, 'not.avi'), 'RIFX....');
  }, 15_000);
  afterAll(async () => {
    await cleanup();
  });

  it('reads the frame count and notices a cut file', { timeout: 5_000 }, async () => {
    const h = (await readAviHeader(join(dir, 'a.avi')))!;
    expect(h).toMatchObject({ totalFrames: 7, bytesMissing: 0, unfinalised: false });
    expect(h.declaredBytes).toBe(h.fileBytes);
    const { readFile } = await import('node:fs/promises');
    const buf = await readFile(join(dir, 'a.avi'));
    await writeFile(join(dir, 'cut.avi'), buf.subarray(0, buf.length - 2000));
    expect(await readAviHeader(join(dir, 'cut.avi'))).toMatchObject({ totalFrames: 7, bytesMissing: 2000 });
    expect(await readAviHeader(join(dir, 'not.avi'))).toBeNull();
  });
});
