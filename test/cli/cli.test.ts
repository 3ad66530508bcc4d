/**
 * The `hvm` command as a user meets it: the compiled CLI (dist/, built by `npm test`) run as
 * a child process on the bundled demo clip and on bad input. Every JSON it writes is
 * validated against the committed schema with a fresh ajv, independent of the engine's own
 * validator.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli', 'hvm.js');
const demo = join(root, 'videos-fixtures', 'demo-sdf-pal.avi');
const tmp = mkdtempSync(join(tmpdir(), 'hvm-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function hvm(args: string[], env: Record<string, string> = {}) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

const schema = JSON.parse(readFileSync(join(root, 'schema', 'clip-result.schema.json'), 'utf8'));
const Ajv = (Ajv2020 as unknown as { default?: typeof Ajv2020 }).default ?? Ajv2020;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
function expectValid(obj: unknown): void {
  const ok = validate(obj);
  expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
  expect(ok).toBe(true);
}

describe('hvm CLI', () => {
  it('prints its version and help, and refuses unknown commands with status 2', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(hvm(['--version']).stdout.trim()).toBe(pkg.version);
    const help = hvm(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('hvm analyze CLIP');
    expect(hvm([]).status).toBe(2);
    const bad = hvm(['frobnicate']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown command "frobnicate"');
    expect(hvm(['analyze', demo, '--um-per-px', 'abc']).status).toBe(2);
  });

  it('doctor sees both backends and ffmpeg', () => {
    const r = hvm(['doctor', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.backends.native.available).toBe(true);
    expect(d.backends.wasm.available).toBe(true);
    expect(d.backendInUse).toBe('native');
    expect(d.ffmpeg.ffmpegPath).toBeTruthy();
    expect(hvm(['doctor', '--require-all']).status).toBe(0);
    const w = JSON.parse(hvm(['doctor', '--json'], { HVM_BACKEND: 'wasm' }).stdout);
    expect(w.backendInUse).toBe('wasm');
  });

  it('analyze writes a valid clip result for the bundled PAL DV demo, with its pictures', async () => {
    const out = join(tmp, 'demo');
    const json = join(tmp, 'demo.json');
    const r = hvm(['analyze', demo, '--device', 'microscan-sdf-pal', '--json', json, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('720×576 (SAR 16:15)');
    const res = JSON.parse(readFileSync(json, 'utf8'));
    expectValid(res);
    expect(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'))).toEqual(res);
    expect(res.source).toMatchObject({ width: 720, height: 576, sampleAspectRatio: '16:15', fps: 25, frameCount: 25, interlaced: true, truncated: false });
    expect(res.source.sha256).toMatch(/^[0-9a-f]{64}$/);
    // PAL DV: the 940×750 µm field over 720×576 stored pixels gives different x and y scales.
    expect(res.calibration).toMatchObject({ source: 'device-profile', device: 'microscan-sdf-pal' });
    expect(res.calibration.umPerPxX).toBeCloseTo(940 / 720, 10);
    expect(res.calibration.umPerPxY).toBeCloseTo(750 / 576, 10);
    // Stabilised: the analysed region is what every frame saw, in reference-frame px; the
    // demo's handheld motion costs a few px of the 720×576 field.
    const reg = res.analysis.analysedRegion;
    expect(reg.x + reg.width).toBeLessThanOrEqual(720);
    expect(reg.y + reg.height).toBeLessThanOrEqual(576);
    expect(reg.width * reg.height).toBeGreaterThan(0.9 * 720 * 576);
    expect(res.analysis.analysedAreaMm2).toBeCloseTo((reg.width * (940 / 720) * reg.height * (750 / 576)) / 1e6, 10);
    expect(res.analysis).toMatchObject({ framesUsed: 25, framesDropped: 0, window: { startS: 0, endS: 1 } });
    expect(res.warnings.map((w: { code: string }) => w.code)).not.toContain('region-not-stabilised');
    // The vessel map and flow ran: densities in the plausible range of the demo's truth
    // (TVD 19.9 mm/mm²; the accuracy suite judges them against truth), vessels with
    // centerlines inside the region, and the automatic MIQS estimate.
    expect(res.metrics.all.TVD).toBeGreaterThan(10);
    expect(res.metrics.all.TVD).toBeLessThan(30);
    expect(res.metrics.all.deBackerScore).toBeGreaterThan(0);
    expect(res.vessels.length).toBeGreaterThan(20);
    for (const v of res.vessels) {
      expect(v.points.length).toBeGreaterThanOrEqual(2);
      expect(v.diameterUm).toBeGreaterThan(0);
    }
    expect(res.quality.label).toBe('automatic MIQS estimate');
    const meta = await sharp(join(out, 'mean-image.png')).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([720, 576, 1]);
    const ov = await sharp(join(out, 'overlay.png')).metadata();
    expect([ov.width, ov.height, ov.channels]).toEqual([720, 576, 3]);
  });

  it('native and wasm backends write the same result, bit for bit', () => {
    const a = join(tmp, 'native.json');
    const b = join(tmp, 'wasm.json');
    expect(hvm(['analyze', demo, '--device', 'microscan-sdf-pal', '--json', a, '--backend', 'native', '--quiet']).status).toBe(0);
    expect(hvm(['analyze', demo, '--device', 'microscan-sdf-pal', '--json', b, '--quiet'], { HVM_BACKEND: 'wasm' }).status).toBe(0);
    const ra = JSON.parse(readFileSync(a, 'utf8'));
    const rb = JSON.parse(readFileSync(b, 'utf8'));
    expect(ra.engine.backend).toBe('native');
    expect(rb.engine.backend).toBe('wasm');
    rb.engine.backend = 'native';
    expect(JSON.stringify(rb)).toBe(JSON.stringify(ra));
  });

  it('refuses a clip without calibration, naming the file and the ways to give one', () => {
    const r = hvm(['analyze', demo]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('E_CALIBRATION_MISSING');
    expect(r.stderr).toContain('demo-sdf-pal.avi');
    expect(r.stderr).toContain('--um-per-px');
  });

  it('turns a broken file into a typed error within a bounded time', () => {
    const junk = join(tmp, 'notes.avi');
    writeFileSync(junk, 'this is a text file, not a video\n'.repeat(20));
    const r = hvm(['analyze', junk, '--um-per-px', '1.3']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/hvm: error E_[A-Z_]+: .*notes\.avi/);
    expect(r.stderr).not.toContain('internal error');
    expect(r.ms).toBeLessThan(20_000);
    const missing = hvm(['analyze', join(tmp, 'nope.avi'), '--um-per-px', '1.3']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('nope.avi');
  });
});
