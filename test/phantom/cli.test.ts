/**
 * `hvm phantom` (runPhantom): writes the clip, its truth and its calibration sidecar into the
 * folder, prints them and the truth metrics, maps every flag to its option, and turns bad
 * arguments into usage errors before doing any work.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { phantomOptionsFromArgs, runPhantom } from '../../src/cli/phantom.js';
import { UsageError } from '../../src/cli/usage.js';
import { locateFfmpeg } from '../../src/decode/ffmpeg.js';
import { generatePhantom, phantomOptionsFromSettings, readTruth, resolveOptions, serializeTruth } from '../../src/phantom/index.js';
import { sha256 } from './measure.js';

const run = promisify(execFile);
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hvm-phantom-cli-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Run runPhantom capturing what it prints. */
async function capture(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
  try {
    const code = await runPhantom(argv);
    return { code, stdout, stderr };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('hvm phantom', () => {
  it('writes clip, truth and calibration sidecar, and prints them with the truth metrics', async () => {
    const out = join(dir, 'a');
    const r = await capture(['--seed', '7', '--out', out, '--name', 'septic', '--codec', 'ffv1', '--width', '192', '--height', '80', '--frames', '6', '--flow-mix', 'septic', '--borders', '--overlay', '--duplicate-frames', '1', '--jitter', '1.5', '--drift', '4']);
    expect(r.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['septic.avi', 'septic.calibration.json', 'septic.truth.json']);
    expect(r.stdout).toContain(join(out, 'septic.avi'));
    expect(r.stdout).toContain(join(out, 'septic.truth.json'));
    expect(r.stdout).toContain(join(out, 'septic.calibration.json'));
    expect(r.stdout).toMatch(/TVD\s+mm\/mm²/);
    const t = await readTruth(join(out, 'septic.truth.json'));
    expect(t.settings).toMatchObject({ seed: 7, width: 192, height: 80, frameCount: 6, jitterPx: 1.5, driftPxPerS: 4, overlay: true, codec: 'ffv1' });
    expect(t.settings.borders).toEqual({ left: 8, right: 8, top: 0, bottom: 0 });
    expect(t.duplicatedFrames).toHaveLength(1);
    // The printed TVD is the truth's.
    expect(r.stdout).toContain(t.metrics.fullFrame.small.TVD.toFixed(2));
    const cal = JSON.parse(await readFile(join(out, 'septic.calibration.json'), 'utf8')) as { umPerPxX: number };
    expect(cal.umPerPxX).toBe(1.3);
    // The clip holds exactly the frames the library renders for the same options.
    const { ffmpegPath } = await locateFfmpeg();
    const { stdout } = await run(ffmpegPath, ['-v', 'error', '-i', join(out, 'septic.avi'), '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 26 });
    const frames: Buffer[] = [];
    for (let o = 0; o < stdout.length; o += 192 * 80) frames.push(stdout.subarray(o, o + 192 * 80));
    // …and the truth's settings regenerate them, with the same truth.
    const again = generatePhantom(phantomOptionsFromSettings(t.settings));
    expect(sha256(frames)).toBe(sha256(again.frames()));
    expect(serializeTruth(again.truth)).toBe(await readFile(join(out, 'septic.truth.json'), 'utf8'));
  });

  it('maps flags to phantom options, with an options file underneath', async () => {
    const file = join(dir, 'opts.json');
    await writeFile(file, JSON.stringify({ mode: 'isolated', isolatedVessels: [{ flowClass: 2, velocityUmPerS: 150 }], umPerPx: 0.9, seconds: 3 }));
    const { options } = await phantomOptionsFromArgs([
      '--seed', '3', '--out', dir, '--options', file, '--frames', '10', '--fps', '30000/1001', '--interlace', 'tff',
      '--noise', '0.5', '--flicker', '0.03', '--exposure', 'continuous', '--warp', '1.2', '--occlusions', '2',
      '--flow-mode', 'spread', '--flow-mix', '0.1,0.2,0.3,0.4', '--border-px', '5', '--realistic-flow', '--codec', 'h264', '--crf', '28',
    ]);
    expect(options).toMatchObject({
      seed: 3, mode: 'isolated', umPerPx: 0.9, frameCount: 10, fps: { num: 30000, den: 1001 }, interlace: 'tff', noise: 0.5, flicker: 0.03,
      exposure: 'continuous', warpPx: 1.2, occlusions: 2, flowMode: 'spread', flowMix: [0.1, 0.2, 0.3, 0.4], borders: 5, clearCut: false,
      codec: 'h264', h264Crf: 28,
    });
    expect(options.seconds).toBeUndefined(); // --frames replaces the file's seconds
    const r = resolveOptions(options);
    expect(r.exposureS).toBeCloseTo(1001 / 60000, 12); // one field period (interlaced)
    // A device clip defaults to the device's frame size, and writes no sidecar.
    const dev = await phantomOptionsFromArgs(['--seed', '1', '--out', dir, '--device', 'microscan-sdf-pal']);
    expect(dev.options).toMatchObject({ width: 720, height: 576, device: 'microscan-sdf-pal' });
    const out = join(dir, 'dev');
    const res = await capture(['--seed', '1', '--out', out, '--device', 'microscan-sdf-ntsc', '--width', '64', '--height', '48', '--frames', '2', '--codec', 'none', '--json']);
    const j = JSON.parse(res.stdout) as { clip: string | null; calibration: string | null; clipInfo: { scale: { umPerPxX: number } } };
    expect(j.clip).toBeNull();
    expect(j.calibration).toBeNull();
    expect(j.clipInfo.scale.umPerPxX).toBeCloseTo(940 / 64, 9);
    expect(await readdir(out)).toEqual(['phantom.truth.json']);
  });

  it('refuses bad arguments with a usage error, before writing anything', async () => {
    const out = join(dir, 'never');
    const bad: string[][] = [
      ['--out', out],
      ['--seed', '1'],
      ['--seed', '-1', '--out', out],
      ['--seed', '1.5', '--out', out],
      ['--seed', '1', '--out', out, '--codec', 'avi'],
      ['--seed', '1', '--out', out, '--fps', 'fast'],
      ['--seed', '1', '--out', out, '--width', '64'],
      ['--seed', '1', '--out', out, '--um-per-px', '1', '--device', 'microscan-sdf-pal'],
      ['--seed', '1', '--out', out, '--device', 'no-such-camera'],
      ['--seed', '1', '--out', out, '--flow-mix', 'sickly'],
      ['--seed', '1', '--out', out, '--interlace', 'both'],
      ['--seed', '1', '--out', out, '--flicker', '2'], // out of range: caught by the options' own checks
      ['--seed', '1', '--out', out, '--exposure', '0.5'], // longer than a frame
      ['--seed', '1', '--out', out, '--codec', 'dv', '--width', '320', '--height', '256'],
      ['--seed', '1', '--out', out, '--width', '64', '--height', '64', '--overlay'], // the timestamp does not fit
      ['--seed', '1', '--out', out, '--frobnicate'],
      ['--seed', '1', '--out', out, 'stray'],
    ];
    for (const argv of bad) await expect(runPhantom(argv), argv.join(' ')).rejects.toBeInstanceOf(UsageError);
    await expect(readdir(out)).rejects.toThrow();
  });

  it('reports progress on stderr for long renders', async () => {
    const out = join(dir, 'long');
    const r = await capture(['--seed', '2', '--out', out, '--width', '320', '--height', '256', '--frames', '125', '--codec', 'none', '--quiet']);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(''); // --quiet: nothing
    const r2 = await capture(['--seed', '2', '--out', out, '--width', '320', '--height', '256', '--frames', '125', '--codec', 'none', '--noise', '0']);
    expect(r2.stderr).toContain('frame 125 of 125');
  }, 120_000);
});
