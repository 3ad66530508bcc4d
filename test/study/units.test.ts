/**
 * The study's pieces on their own: manifest errors name row and column; clip folder names
 * are unique and safe; resume-key differences read as reasons; --jobs default; redaction of
 * paths in the report; the progress reporter's plain log lines; the HVM_FFMPEG_THREADS
 * decoder option the study's children use.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDecodeArgs, decoderThreadsFromEnv } from '../../src/decode/decode-args.js';
import { ManifestError } from '../../src/study/errors.js';
import { redact } from '../../src/study/html.js';
import { keyDifferences, type ClipKey } from '../../src/study/keys.js';
import { clipId, readManifest } from '../../src/study/manifest.js';
import { progressReporter } from '../../src/study/progress.js';
import { defaultJobs } from '../../src/study/scheduler.js';
import { spaceTimeFor } from '../../src/study/clip-page.js';

const tmp = mkdtempSync(join(tmpdir(), 'hvm-study-units-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function manifestError(text: string): Promise<ManifestError> {
  const p = join(tmp, `m${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(p, text);
  try {
    await readManifest(p);
  } catch (e) {
    expect(e).toBeInstanceOf(ManifestError);
    return e as ManifestError;
  }
  throw new Error('no error');
}

describe('manifest', () => {
  it('reads rows, optional device and umPerPx, relative paths', async () => {
    const p = join(tmp, 'ok.csv');
    writeFileSync(p, 'Patient;Time point;Site;Path;Device;µm/px;notes\nP1;d1;1;a.avi;microscan-sdf-pal;;x\nP1;d1;2;sub/b.avi;;1,3;\n');
    const m = await readManifest(p);
    expect(m.dir).toBe(tmp);
    expect(m.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.entries.map((e) => [e.row, e.patient, e.timepoint, e.site, e.path, e.device, e.umPerPx, e.id])).toEqual([
      [2, 'P1', 'd1', '1', 'a.avi', 'microscan-sdf-pal', null, 'P1_d1_1'],
      [3, 'P1', 'd1', '2', 'sub/b.avi', null, 1.3, 'P1_d1_2'],
    ]);
  });

  it('names row and column of every mistake', async () => {
    let e = await manifestError('patient,timepoint,path\nP1,d1,a.avi\n');
    expect(e.message).toContain('no "site" column');
    e = await manifestError('patient,timepoint,site,path\nP1,d1,1,a.avi\n,d1,2,b.avi\n');
    expect([e.row, e.column]).toEqual([3, 'patient']);
    expect(e.message).toContain('row 3, column "patient" (A): the patient is empty');
    e = await manifestError('patient,timepoint,site,path,umPerPx\nP1,d1,1,a.avi,abc\n');
    expect(e.message).toContain('row 2, column "umPerPx" (E): "abc" is not a number');
    e = await manifestError('patient,timepoint,site,path,umPerPx\nP1,d1,1,a.avi,-1\n');
    expect(e.message).toContain('umPerPx must be positive');
    e = await manifestError('patient,timepoint,site,path,device\nP1,d1,1,a.avi,cytocamm\n');
    expect(e.message).toContain('row 2, column "device" (E): unknown device "cytocamm"');
    e = await manifestError('patient,timepoint,site,path\nP1,d1,1,a.avi\np1,D1,01,b.avi\n');
    expect(e.message).toContain('listed twice (rows 2 and 3)');
    e = await manifestError('patient,timepoint,site,path\n');
    expect(e.message).toContain('lists no clips');
    expect(e.code).toBe('E_STUDY_MANIFEST');
  });

  it('clip folder names: readable when safe, hashed when not, never shared', () => {
    expect(clipId('P01', 'day1', '3')).toBe('P01_day1_3');
    const a = clipId('P_1', 'd', 's');
    const b = clipId('P', '1_d', 's');
    expect(a).not.toBe(b);
    expect(clipId('../x', 'd', 's')).not.toContain('/');
    expect(clipId('..', 'd', 's')).toMatch(/^\.\._d_s_[0-9a-f]{8}$/);
    expect(clipId('Müller', 'd', 's')).toMatch(/^M-ller_d_s_[0-9a-f]{8}$/);
  });
});

describe('resume keys', () => {
  const key: ClipKey = {
    input: { sha256: 'a'.repeat(64) },
    calibration: { device: null, umPerPx: 1.3, sidecars: {} },
    parameters: { startS: null, durationS: null, fps: null, smallVesselMaxUm: null },
    engine: { version: '0.1.0', build: 'b'.repeat(64) },
  };
  it('match, and each difference as a reason', () => {
    expect(keyDifferences(key, structuredClone(key))).toEqual([]);
    expect(keyDifferences(key, { ...key, input: { sha256: 'c'.repeat(64) } })[0]).toMatch(/^input changed/);
    expect(keyDifferences(key, { ...key, calibration: { ...key.calibration, umPerPx: 1.4 } })).toEqual(['calibration changed (umPerPx 1.3 → 1.4)']);
    expect(keyDifferences(key, { ...key, calibration: { ...key.calibration, sidecars: { 'a.calibration.json': 'x' } } })[0]).toContain('sidecar');
    expect(keyDifferences(key, { ...key, parameters: { ...key.parameters, durationS: 2 } })).toEqual(['parameter durationS changed (none → 2)']);
    expect(keyDifferences(key, { ...key, engine: { version: '0.2.0', build: key.engine.build } })).toEqual(['engine version changed (0.1.0 → 0.2.0)']);
    expect(keyDifferences(key, { ...key, engine: { version: '0.1.0', build: 'd'.repeat(64) } })[0]).toMatch(/^engine code changed/);
  });
});

describe('scheduler, report helpers, progress, decoder threads', () => {
  it('--jobs default: cores, as free memory allows, at least 1', () => {
    expect(defaultJobs(8, 64 * 1024 ** 3)).toBe(8);
    expect(defaultJobs(8, 3.6 * 1024 ** 3)).toBe(3);
    expect(defaultJobs(8, 100 * 1024 ** 2)).toBe(1);
  });

  it('redacts clip names and absolute paths', () => {
    const t = redact('clips/Smith_John.avi: not a video (file:/home/u/study/clips/Smith_John.avi: bad); see Smith_John.calibration.json', ['clips/Smith_John.avi']);
    expect(t).not.toContain('Smith');
    expect(t).not.toContain('/home');
    expect(redact('TVD in mm/mm² at 1.3 µm/px', [])).toBe('TVD in mm/mm² at 1.3 µm/px');
  });

  it('finds a vessel’s space-time picture', () => {
    expect(spaceTimeFor('v3', ['result.json', 'space-time/v3.png', 'space-time/v33.png'])).toBe('space-time/v3.png');
    expect(spaceTimeFor('v3', ['std-v3.png'])).toBe('std-v3.png');
    expect(spaceTimeFor('v3', ['mean-image.png'])).toBeUndefined();
  });

  it('plain log lines without a terminal', () => {
    let text = '';
    const stream = new Writable({ write(c, _e, cb) { text += String(c); cb(); } }) as unknown as NodeJS.WriteStream;
    const on = progressReporter({ stream, tty: false });
    const clip = { id: 'P1_d1_1', row: 2, patient: 'P1', timepoint: 'd1', site: '1' };
    on({ type: 'start', total: 2, jobs: 1, outDir: '/o' });
    on({ type: 'clip-recompute', clip, reason: 'not computed before', routine: true });
    on({ type: 'clip-done', clip, elapsedS: 1.25, attempts: 1 });
    on({ type: 'clip-recompute', clip: { ...clip, site: '2' }, reason: 'parameter durationS changed (none → 1)', routine: false });
    on({ type: 'clip-failed', clip: { ...clip, site: '2' }, failure: { code: 'E_X', message: 'm', hint: null, kind: 'error', attempts: 1, failedAt: '' } });
    on({ type: 'end', outDir: '/o', analysed: 1, reused: 0, failed: 1, pending: 0, aborted: false });
    expect(text.split('\n').slice(0, 4)).toEqual([
      'hvm study: 2 clips, 1 at a time',
      'done     P1 d1 site 1 (1.3 s)',
      'compute  P1 d1 site 2: parameter durationS changed (none → 1)',
      'FAILED   P1 d1 site 2: E_X',
    ]);
    expect(text).toContain('1 analysed, 0 reused, 1 failed of 2 clips');
    expect(text).not.toContain('\x1b');
  });

  it('HVM_FFMPEG_THREADS puts -threads N before the input', () => {
    expect(decoderThreadsFromEnv({ HVM_FFMPEG_THREADS: '1' })).toBe(1);
    expect(decoderThreadsFromEnv({ HVM_FFMPEG_THREADS: 'x' })).toBeUndefined();
    expect(decoderThreadsFromEnv({})).toBeUndefined();
    const args = buildDecodeArgs('/c.avi', { videoStreamOrdinal: 0, fps: { num: 25, den: 1 } }, { features: { fpsMode: true } }, { filter: null, outputPixFmt: 'gray', description: '' } as never, { threads: 1 });
    expect(args.indexOf('-threads')).toBeGreaterThan(-1);
    expect(args.indexOf('-threads')).toBeLessThan(args.indexOf('-i'));
    expect(args[args.indexOf('-threads') + 1]).toBe('1');
  });
});
