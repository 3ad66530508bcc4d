/**
 * issue 7, "Done when": a study of phantom clips (2 patients × 2 time points × 3 sites) plus
 * one broken file and one clip whose child process really dies (HVM_STUDY_FAULT=abort:…,
 * process.abort()). The compiled CLI runs it; then:
 * - sessions.csv HI is heterogeneityIndex() of the engine's own site MFIs, exactly (while the
 *   engine reports MFI null, HI must be empty and say why); means are the site summaries;
 * - both bad clips are in failures.csv (the crash after its one retry), the 12 others complete,
 *   valid against the schema, with pictures that decode; exit status 1;
 * - report.html and the clip pages link only existing pictures and hide file names and paths
 *   (shown with --show-paths); the agreement section appears when agreement.json exists;
 * - quality gating: a result with quality.accepted === false leaves the session means and HI
 *   unless includeRejected;
 * - a clip that hangs is stopped by --timeout-s, retried once, then listed.
 * The truth comparison (±0.25 MFI, ±0.3 HI) is in study-truth.test.ts.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEngineInput } from '../../src/compare/engine-input.js';
import { heterogeneityIndex, summarise } from '../../src/metrics/session.js';
import type { ClipResult } from '../../src/report/contract.js';
import { writeStudyOutputs } from '../../src/study/outputs.js';
import { writeStudyReport } from '../../src/study/report.js';
import { addBadClips, hvm, imgSources, links, listFiles, manifestText, readCsv, removeTempDirs, schemaErrors, tempDir, writePhantomStudy, type PhantomClip, type Run } from './helpers.js';

afterAll(removeTempDirs);

const dir = tempDir();
const out = join(dir, 'out');
let clips: PhantomClip[] = [];
let run: Run;

beforeAll(async () => {
  clips = await writePhantomStudy(dir);
  const bad = addBadClips(dir, clips[0]!);
  const rows = [...clips, { patient: 'P03', timepoint: 'day1', site: '1', path: bad.broken }, { patient: 'P03', timepoint: 'day1', site: '2', path: bad.crash }];
  writeFileSync(join(dir, 'manifest.csv'), manifestText(rows));
  run = await hvm(['study', 'manifest.csv', '--out', out, '--jobs', '2'], { cwd: dir, env: { HVM_STUDY_FAULT: 'abort:crashme.avi' } });
}, 300_000);

function result(id: string): ClipResult {
  return JSON.parse(readFileSync(join(out, 'clips', id, 'result.json'), 'utf8')) as ClipResult;
}
const idOf = (c: { patient: string; timepoint: string; site: string }) => `${c.patient}_${c.timepoint}_${c.site}`;

describe('hvm study on a phantom study with a broken clip and a crashing child', () => {
  it('exits 1, lists both bad clips in failures.csv and completes the rest', async () => {
    expect(run.status, run.stderr).toBe(1);
    const failures = readCsv(join(out, 'failures.csv'));
    expect(failures.map((f) => f.path).sort()).toEqual(['clips/broken.avi', 'clips/crashme.avi']);
    const broken = failures.find((f) => f.path === 'clips/broken.avi')!;
    expect(broken.kind).toBe('error'); // the engine's own typed error: not retried
    expect(broken.attempts).toBe('1');
    expect(broken.code).toMatch(/^E_/);
    expect(broken.code).not.toBe('E_STUDY_CHILD_CRASHED');
    const crash = failures.find((f) => f.path === 'clips/crashme.avi')!;
    expect(crash.code).toBe('E_STUDY_CHILD_CRASHED');
    expect(crash.kind).toBe('crash');
    expect(crash.attempts).toBe('2'); // retried once
    expect(crash.message).toContain('SIGABRT');
    expect(run.stderr).toContain('retry');

    for (const c of clips) {
      const id = idOf(c);
      const files = listFiles(join(out, 'clips', id));
      expect(files).toEqual(expect.arrayContaining(['done.json', 'result.json', 'mean-image.png', 'thumb.png', 'index.html']));
      expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
      const r = result(id);
      expect(schemaErrors(r)).toEqual([]);
      expect(r.source.path).toBe(c.path); // as written in the manifest: no absolute path
      const meta = await sharp(join(out, 'clips', id, 'mean-image.png')).metadata();
      expect([meta.width, meta.height]).toEqual([r.source.width, r.source.height]);
      const done = JSON.parse(readFileSync(join(out, 'clips', id, 'done.json'), 'utf8'));
      expect(done.key.input.sha256).toBe(r.source.sha256);
    }
    const table = readCsv(join(out, 'clips.csv'));
    expect(table).toHaveLength(14);
    // `hvm compare --engine STUDY_DIR` reads it (the engine table layout, keys intact).
    const engine = await readEngineInput(out);
    expect(engine.kind).toBe('clips-csv');
    expect(engine.clips.map((c) => `${c.patient}|${c.timepoint}|${c.site}`)).toEqual(table.map((r) => `${r.patient}|${r.timepoint}|${r.site}`));
    expect(table.filter((r) => r.status === 'ok')).toHaveLength(12);
    expect(table.filter((r) => r.status === 'failed').map((r) => r.path).sort()).toEqual(['clips/broken.avi', 'clips/crashme.avi']);
    // Calibration and provenance columns, from the contract.
    const first = table.find((r) => r.path === clips[0]!.path)!;
    expect(Number(first.umPerPxX)).toBe(result(idOf(clips[0]!)).calibration.umPerPxX);
    expect(first.sha256).toBe(result(idOf(clips[0]!)).source.sha256);
    expect(first.calibrationSource).toBe('sidecar');
  });

  it('sessions.csv: HI is the formula on the engine’s own site MFIs, means are the site summaries', () => {
    const sessions = readCsv(join(out, 'sessions.csv'));
    expect(sessions.map((s) => `${s.patient}|${s.timepoint}`)).toEqual(['P01|day1', 'P01|day3', 'P02|day1', 'P02|day3', 'P03|day1']);
    for (const s of sessions.slice(0, 4)) {
      const sites = clips.filter((c) => c.patient === s.patient && c.timepoint === s.timepoint);
      // The sites that enter: finished and not rejected by the quality estimate (3.4-s clips pass it).
      const entered = sites.filter((c) => (result(idOf(c)) as { quality?: { accepted?: boolean } }).quality?.accepted !== false);
      expect(s.sitesPlanned).toBe('3');
      expect(s.sitesAnalysed).toBe(String(entered.length));
      expect(s.analysedSites).toBe(entered.map((c) => c.site).join(';'));
      for (const pop of ['small', 'all'] as const) {
        const results = entered.map((c) => result(idOf(c)));
        const mfis = results.map((r) => r.metrics[pop].MFI).filter((v): v is number => v !== null);
        const hi = heterogeneityIndex(mfis);
        if (hi === null) {
          expect(s[`HI_${pop}`]).toBe('');
          expect(s.HI_note).toContain('heterogeneity index needs at least 2 sites with an MFI');
        } else {
          expect(Number(s[`HI_${pop}`])).toBe(hi); // exactly: same doubles, shortest round-trip text
        }
        for (const m of ['MFI', 'TVD', 'PVD', 'PPV', 'deBackerScore'] as const) {
          const sum = summarise(results.map((r) => r.metrics[pop][m]));
          expect(s[`${m}_${pop}`] === '' ? null : Number(s[`${m}_${pop}`]), `${m}_${pop}`).toBe(sum.mean);
          expect(Number(s[`${m}_${pop}_n`])).toBe(sum.n);
        }
      }
    }
    const p3 = sessions[4]!;
    expect([p3.sitesPlanned, p3.sitesAnalysed]).toEqual(['2', '0']);
    expect(p3.excludedSites).toContain('1: failed (E_');
    expect(p3.excludedSites).toContain('2: failed (E_STUDY_CHILD_CRASHED)');
    expect(p3.HI_small).toBe('');
  });

  it('report.html and the clip pages: every picture exists, no file name or path unless --show-paths', async () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Sessions</h2>');
    const secret = [dir, '/tmp/', '.avi', 'crashme', 'broken', 'P01_day1_s1'];
    for (const s of secret) expect(html, s).not.toContain(s);
    const imgs = imgSources(html);
    expect(imgs).toHaveLength(12);
    for (const img of imgs) {
      expect(img.lazy).toBe(true);
      const meta = await sharp(join(out, decodeURIComponent(img.src))).metadata();
      expect(meta.width).toBeGreaterThan(0);
    }
    const pages = [...new Set(links(html).filter((l) => l.endsWith('index.html')))];
    expect(pages).toHaveLength(12);
    for (const p of pages) {
      const page = readFileSync(join(out, decodeURIComponent(p)), 'utf8');
      for (const s of secret) expect(page, `${p}: ${s}`).not.toContain(s);
      expect(page).toContain('Quadrant scores');
      for (const img of imgSources(page)) {
        const meta = await sharp(join(out, decodeURIComponent(p), '..', img.src)).metadata();
        expect(meta.width).toBeGreaterThan(0);
      }
    }
    // --show-paths is recorded in study.json; the report then names the clips.
    const copy = join(dir, 'shown');
    cpSync(out, copy, { recursive: true });
    const study = JSON.parse(readFileSync(join(copy, 'study.json'), 'utf8'));
    study.options.showPaths = true;
    writeFileSync(join(copy, 'study.json'), JSON.stringify(study));
    mkdirSync(join(copy, 'agreement'));
    writeFileSync(join(copy, 'agreement', 'agreement.json'), JSON.stringify({ schema: 'hvm-engine/agreement@1', metrics: [] }));
  });

  it('includes the agreement section when agreement/agreement.json exists, and shows paths when asked', async () => {
    const copy = join(dir, 'shown');
    await writeStudyReport(copy);
    const html = readFileSync(join(copy, 'report.html'), 'utf8');
    expect(html).toContain('Agreement with manual scoring');
    expect(html).toContain('crashme.avi');
    const page = readFileSync(join(copy, 'clips', idOf(clips[0]!), 'index.html'), 'utf8');
    expect(page).toContain(clips[0]!.path);
  });

  it('quality gating: a rejected clip leaves the session means and HI unless includeRejected', async () => {
    const copy = join(dir, 'gated');
    cpSync(out, copy, { recursive: true });
    const id = idOf(clips[0]!);
    const r = result(id) as unknown as Record<string, unknown>;
    const cat = (score: number, reason: string) => ({ score, value: 0, unit: '', reason, features: [] });
    r.quality = {
      label: 'automatic MIQS estimate', total: 11, accepted: false, unscored: [],
      categories: {
        duration: cat(1, '3–5 s'), stability: cat(10, 'moved by more than half the field'), illumination: cat(0, 'even'),
        focus: cat(0, 'sharp'), content: cat(0, 'few occlusions'), pressure: cat(0, 'venules flow'),
      },
    };
    writeFileSync(join(copy, 'clips', id, 'result.json'), JSON.stringify(r));
    await writeStudyOutputs(copy);
    let s = readCsv(join(copy, 'sessions.csv'))[0]!;
    const before = readCsv(join(out, 'sessions.csv'))[0]!;
    expect(before.analysedSites.split(';')).toContain('1');
    expect(s.analysedSites).toBe(before.analysedSites.split(';').filter((x) => x !== '1').join(';'));
    expect(s.excludedSites).toContain('1: rejected by the quality estimate: automatic MIQS estimate: stability unacceptable (moved by more than half the field)');
    const rest = clips.slice(0, 3).filter((c) => c.site !== '1' && before.analysedSites.split(';').includes(c.site));
    expect(Number(s.TVD_small_n)).toBe(summarise(rest.map((c) => result(idOf(c)).metrics.small.TVD)).n);
    let row = readCsv(join(copy, 'clips.csv')).find((x) => x.clipId === id)!;
    expect([row.qualityAccepted, row.inSessionMeans, row.quality_stability]).toEqual(['no', 'no', '10']);
    expect(readFileSync(join(copy, 'report.html'), 'utf8')).toContain('quality rejected');

    const study = JSON.parse(readFileSync(join(copy, 'study.json'), 'utf8'));
    study.options.includeRejected = true;
    writeFileSync(join(copy, 'study.json'), JSON.stringify(study));
    await writeStudyOutputs(copy);
    s = readCsv(join(copy, 'sessions.csv'))[0]!;
    expect(s.analysedSites).toBe(before.analysedSites);
    expect(s.rejectedButIncluded).toContain('1: rejected by the quality estimate');
    row = readCsv(join(copy, 'clips.csv')).find((x) => x.clipId === id)!;
    expect(row.inSessionMeans).toBe('yes');
  });

  it('a clip that hangs is stopped at --timeout-s, retried once, then listed; the others finish', async () => {
    const t = join(dir, 'timeout');
    writeFileSync(join(dir, 'manifest-timeout.csv'), manifestText([clips[0]!, { patient: 'P09', timepoint: 'day1', site: '1', path: clips[1]!.path }]));
    const r = await hvm(['study', 'manifest-timeout.csv', '--out', t, '--timeout-s', '6', '--jobs', '2', '--quiet'], { cwd: dir, env: { HVM_STUDY_FAULT: `hang:${clips[1]!.path.split('/').pop()}` } });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(''); // --quiet
    const f = readCsv(join(t, 'failures.csv'));
    expect(f).toHaveLength(1);
    expect([f[0]!.code, f[0]!.kind, f[0]!.attempts]).toEqual(['E_STUDY_TIMEOUT', 'timeout', '2']);
    expect(existsSync(join(t, 'clips', idOf(clips[0]!), 'done.json'))).toBe(true);
  }, 120_000);
});
