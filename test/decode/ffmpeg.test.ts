/**
 * locateFfmpeg(): the order (option > HVM_FFMPEG > PATH > npm package), version parsing and
 * warnings, feature detection, caching, and FfmpegMissingError when nothing works.
 * Environments are passed explicitly, so the real process.env is never modified.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegMissingError } from '../../src/decode/errors.js';
import { findAllFfmpeg, locateFfmpeg, npmFfmpegPath, parseFfmpegVersion, whichBinary } from '../../src/decode/ffmpeg.js';
import { tempDir } from './helpers/fixtures.js';

let dir = '';
let cleanup: () => Promise<void> = async () => undefined;
let sysFfmpeg = '';
let sysFfprobe = '';
let npmPath = '';

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('locate'));
  sysFfmpeg = (await whichBinary('ffmpeg', process.env.PATH))!;
  sysFfprobe = (await whichBinary('ffprobe', process.env.PATH))!;
  npmPath = (await npmFfmpegPath())!;
  await mkdir(join(dir, 'broken'));
  await writeFile(join(dir, 'broken', 'ffmpeg'), '#!/bin/sh\necho "segmentation fault" >&2\nexit 139\n');
  await chmod(join(dir, 'broken', 'ffmpeg'), 0o755);
}, 10_000);

afterAll(async () => {
  await cleanup();
});

describe('parseFfmpegVersion', () => {
  it.each([
    ['ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers', '5.1.9-0+deb12u1', 5, 2026],
    ['ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/  Copyright (c) 2000-2018 the FFmpeg developers', 'N-47683-g0e8eb07980-static', null, 2018],
    ['ffmpeg version n6.1.1 Copyright (c) 2000-2023 the FFmpeg developers', 'n6.1.1', 6, 2023],
    ['ffmpeg version 4.4.2-0ubuntu0.22.04.1 Copyright (c) 2000-2021 the FFmpeg developers', '4.4.2-0ubuntu0.22.04.1', 4, 2021],
    ['ffmpeg version 7.0-static https://johnvansickle.com/ffmpeg/ Copyright (c) 2000-2024', '7.0-static', 7, 2024],
    ['ffprobe version git-2020-06-01-abc Copyright (c) 2007-2020 the FFmpeg developers', 'git-2020-06-01-abc', null, 2020],
  ])('%s', { timeout: 1_000 }, (line, version, major, year) => {
    expect(parseFfmpegVersion(line)).toMatchObject({ version, major, copyrightYear: year });
  });

  it('returns null for something that is not ffmpeg', { timeout: 1_000 }, () => {
    expect(parseFfmpegVersion('avconv version 12')).toBeNull();
  });
});

describe('locateFfmpeg', () => {
  it('uses ffmpeg and ffprobe from PATH by default', { timeout: 15_000 }, async () => {
    const info = await locateFfmpeg({ env: { PATH: process.env.PATH } });
    expect(info).toMatchObject({ source: 'PATH', ffmpegPath: sysFfmpeg, ffprobePath: sysFfprobe, features: { fpsMode: true } });
    expect(info.major).toBeGreaterThanOrEqual(5);
    expect(info.warnings).toEqual([]);
  });

  it('an explicit option wins, with no ffprobe beside the npm binary', { timeout: 15_000 }, async () => {
    const info = await locateFfmpeg({ ffmpegPath: npmPath, env: { PATH: process.env.PATH, HVM_FFMPEG: sysFfmpeg } });
    expect(info).toMatchObject({ source: 'option', ffmpegPath: npmPath, ffprobePath: null, major: null, copyrightYear: 2018, features: { fpsMode: false } });
    expect(info.warnings.join(' ')).toMatch(/older than 5\.x/);
    expect(info.warnings.join(' ')).toMatch(/no ffprobe/);
  });

  it('a bare command name as option is looked up on PATH', { timeout: 15_000 }, async () => {
    const info = await locateFfmpeg({ ffmpegPath: 'ffmpeg', env: { PATH: process.env.PATH } });
    expect(info).toMatchObject({ source: 'option', ffmpegPath: sysFfmpeg, ffprobePath: sysFfprobe });
  });

  it('HVM_FFMPEG and HVM_FFPROBE come before PATH', { timeout: 15_000 }, async () => {
    const info = await locateFfmpeg({ env: { PATH: process.env.PATH, HVM_FFMPEG: npmPath, HVM_FFPROBE: sysFfprobe } });
    expect(info).toMatchObject({ source: 'HVM_FFMPEG', ffmpegPath: npmPath, ffprobePath: sysFfprobe });
    expect(info.warnings.join(' ')).toMatch(/different builds/);
  });

  it('falls back to @ffmpeg-installer/ffmpeg when PATH has none', { timeout: 15_000 }, async () => {
    const info = await locateFfmpeg({ env: { PATH: join(dir, 'nothing-here') } });
    expect(info).toMatchObject({ source: '@ffmpeg-installer/ffmpeg', ffmpegPath: npmPath, ffprobePath: null });
    expect(info.warnings.some((w) => /ships no ffprobe/.test(w))).toBe(true);
    expect(info.warnings.some((w) => /git snapshot \(copyright 2018\)/.test(w))).toBe(true);
  });

  it('skips a broken ffmpeg on PATH with a warning', { timeout: 15_000 }, async () => {
    const info = await locateFfmpeg({ env: { PATH: join(dir, 'broken') } });
    expect(info.source).toBe('@ffmpeg-installer/ffmpeg');
    expect(info.warnings.join(' ')).toMatch(/ffmpeg on PATH was skipped/);
  });

  it('FfmpegMissingError when nothing works, and for an explicit binary that does not run', { timeout: 15_000 }, async () => {
    const none = await locateFfmpeg({ env: { PATH: join(dir, 'broken') }, allowNpmFfmpeg: false }).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(FfmpegMissingError);
    expect((none as FfmpegMissingError).code).toBe('E_FFMPEG_MISSING');
    expect((none as Error).message).toMatch(/PATH: .*broken\/ffmpeg/);
    expect((none as FfmpegMissingError).hint).toMatch(/HVM_FFMPEG/);
    await expect(locateFfmpeg({ ffmpegPath: join(dir, 'missing', 'ffmpeg'), env: { PATH: process.env.PATH } })).rejects.toBeInstanceOf(FfmpegMissingError);
    // Named explicitly → no silent fallback to PATH.
    await expect(locateFfmpeg({ env: { PATH: process.env.PATH, HVM_FFMPEG: join(dir, 'broken', 'ffmpeg') } })).rejects.toThrow(/chosen by HVM_FFMPEG/);
  });

  it('caches per binary: runs it once, returns the same answer object', { timeout: 15_000 }, async () => {
    // A wrapper that logs each start of the real ffmpeg.
    const log = join(dir, 'starts.log');
    const wrapper = join(dir, 'counting-ffmpeg');
    await writeFile(wrapper, `#!/bin/sh\necho start >> '${log}'\nexec '${sysFfmpeg}' "$@"\n`);
    await chmod(wrapper, 0o755);
    const a = await locateFfmpeg({ ffmpegPath: wrapper, env: { PATH: process.env.PATH } });
    const b = await locateFfmpeg({ ffmpegPath: wrapper, env: { PATH: process.env.PATH } });
    expect(b).toBe(a);
    // -version and the -fps_mode probe, once each: the second call started nothing.
    expect((await readFile(log, 'utf8')).trim().split('\n').length).toBe(2);
  });

  it('findAllFfmpeg lists each working ffmpeg once', { timeout: 15_000 }, async () => {
    const all = await findAllFfmpeg({ PATH: process.env.PATH });
    expect(all.map((f) => f.source)).toEqual(['PATH', '@ffmpeg-installer/ffmpeg']);
  });
});
