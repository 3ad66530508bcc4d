/**
 * issue 7, "Done when": the study is killed (SIGKILL) part-way and restarted. No clip that had
 * finished (done.json) is recomputed — its files keep their inode and mtime — and afterwards
 * no output is missing or truncated (every file done.json lists matches its size and sha256,
 * results validate, pictures decode, no temporary file is left). A changed parameter
 * recomputes every clip with the reason logged; a damaged output recomputes that clip only;
 * --force recomputes all.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, fileId, hvm, listFiles, manifestText, readCsv, removeTempDirs, schemaErrors, tempDir, writePhantomStudy, type PhantomClip } from './helpers.js';

afterAll(removeTempDirs);

const dir = tempDir();
const out = join(dir, 'out');
let clips: PhantomClip[] = [];

beforeAll(async () => {
  clips = await writePhantomStudy(dir, { patients: ['K1'], timepoints: ['t0', 't1'], sites: 3, seconds: 1.2, seed: 900 });
  writeFileSync(join(dir, 'manifest.csv'), manifestText(clips));
}, 120_000);

const ids = () => clips.map((c) => `${c.patient}_${c.timepoint}_${c.site}`);
const finished = () => ids().filter((id) => existsSync(join(out, 'clips', id, 'done.json')));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every clip complete and intact: done.json's files match, the result validates, pictures decode, no *.tmp. */
async function expectComplete(): Promise<void> {
  for (const id of ids()) {
    const d = join(out, 'clips', id);
    const done = JSON.parse(readFileSync(join(d, 'done.json'), 'utf8')) as { files: { name: string; bytes: number; sha256: string }[] };
    for (const f of done.files) {
      const bytes = readFileSync(join(d, f.name));
      expect(bytes.length, `${id}/${f.name}`).toBe(f.bytes);
      expect(createHash('sha256').update(bytes).digest('hex'), `${id}/${f.name}`).toBe(f.sha256);
      if (f.name.endsWith('.png')) expect((await sharp(bytes).metadata()).width).toBeGreaterThan(0);
    }
    expect(schemaErrors(JSON.parse(readFileSync(join(d, 'result.json'), 'utf8')))).toEqual([]);
  }
  expect(listFiles(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  const table = readCsv(join(out, 'clips.csv'));
  expect(table.map((r) => r.status)).toEqual(ids().map(() => 'ok'));
  expect(readCsv(join(out, 'failures.csv'))).toEqual([]);
}

describe('hvm study: killed and resumed', () => {
  it('SIGKILL part-way, restart: nothing finished is recomputed, nothing is missing or truncated', async () => {
    const child = spawn(process.execPath, [cli, 'study', 'manifest.csv', '--out', out, '--jobs', '1'], { cwd: dir, stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', r));
    const t0 = Date.now();
    while (finished().length < 2 && Date.now() - t0 < 90_000) await sleep(50);
    child.kill('SIGKILL');
    await exited;
    // The running clip's child exits when its parent's channel closes; wait until nothing changes.
    let before = '';
    for (let i = 0; i < 40; i++) {
      await sleep(250);
      const now = listFiles(out).join('|');
      if (now === before) break;
      before = now;
    }
    const done = finished();
    expect(done.length).toBeGreaterThanOrEqual(2);
    expect(done.length, 'the kill came after the last clip: nothing to resume').toBeLessThan(ids().length);
    expect(existsSync(join(out, 'clips.csv'))).toBe(false); // the run never reached its end
    const snapshot = new Map(done.flatMap((id) => ['done.json', 'result.json', 'mean-image.png'].map((f) => [`${id}/${f}`, fileId(join(out, 'clips', id, f))])));

    const r = await hvm(['study', 'manifest.csv', '--out', out], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    for (const [f, id] of snapshot) expect(fileId(join(out, 'clips', f)), `${f} was rewritten`).toBe(id);
    for (const c of clips.filter((x) => done.includes(`${x.patient}_${x.timepoint}_${x.site}`))) {
      expect(r.stderr).toContain(`reused   ${c.patient} ${c.timepoint} site ${c.site}`);
    }
    expect(r.stderr).toMatch(/0 failed of 6 clips/);
    await expectComplete();
  }, 240_000);

  it('a rerun reuses everything; a damaged output recomputes that clip only, with the reason', async () => {
    const ids0 = ids().map((id) => fileId(join(out, 'clips', id, 'result.json')));
    let r = await hvm(['study', 'manifest.csv', '--out', out], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('0 analysed, 6 reused');
    expect(ids().map((id) => fileId(join(out, 'clips', id, 'result.json')))).toEqual(ids0);

    const victim = ids()[3]!;
    truncateSync(join(out, 'clips', victim, 'mean-image.png'), 100);
    r = await hvm(['study', 'manifest.csv', '--out', out], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('1 analysed, 5 reused');
    expect(r.stderr).toContain('output damaged (mean-image.png');
    expect(readFileSync(join(out, 'study.log'), 'utf8')).toContain(`compute ${victim} (row 5): output damaged (mean-image.png`);
    await expectComplete();
  }, 240_000);

  it('a changed parameter or calibration recomputes, with the reason; --force recomputes all', async () => {
    let r = await hvm(['study', 'manifest.csv', '--out', out, '--duration', '1'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('6 analysed, 0 reused');
    expect(r.stderr.match(/parameter durationS changed \(none → 1\)/g)).toHaveLength(6);
    for (const id of ids()) {
      const res = JSON.parse(readFileSync(join(out, 'clips', id, 'result.json'), 'utf8'));
      expect(res.analysis.window.endS - res.analysis.window.startS).toBeLessThanOrEqual(1.0001);
    }
    await expectComplete();

    // One row's calibration changes in the manifest: only that clip.
    writeFileSync(join(dir, 'manifest.csv'), manifestText(clips.map((c, i) => (i === 0 ? { ...c, umPerPx: 1.5 } : c))));
    r = await hvm(['study', 'manifest.csv', '--out', out, '--duration', '1'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('1 analysed, 5 reused');
    expect(r.stderr).toContain('calibration changed (umPerPx none → 1.5)');
    const first = JSON.parse(readFileSync(join(out, 'clips', ids()[0]!, 'result.json'), 'utf8'));
    expect(first.calibration.umPerPxX).toBe(1.5);

    r = await hvm(['study', 'manifest.csv', '--out', out, '--duration', '1', '--force'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('6 analysed, 0 reused');
    expect(readdirSync(out)).not.toContain('.study.lock');
  }, 240_000);
});
