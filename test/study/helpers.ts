/**
 * Helpers of the study tests: a phantom study on disk (small clips with exact truth), the
 * compiled CLI run as a child process (dist/, built by `npm run build:ts`), CSV reading.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { parseCsv } from '../../src/compare/csv.js';
import { writePhantom, type PhantomOptions } from '../../src/phantom/index.js';

export const root = join(import.meta.dirname, '..', '..');
export const cli = join(root, 'dist', 'cli', 'hvm.js');

const dirs: string[] = [];
export function tempDir(prefix = 'hvm-study-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}
export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface PhantomClip {
  patient: string;
  timepoint: string;
  site: string;
  /** Relative to the study folder (the manifest's folder). */
  path: string;
  truthPath: string;
}

/** Flow mix per site: different perfusion at each site, so HI is not 0. */
export const SITE_MIX = ['healthy', 'septic', 'severe'] as const;

/**
 * Writes `patients × timepoints × sites` phantom clips (FFV1 AVI, 160×128 by default, with
 * their calibration sidecars) under dir/clips and returns them. 3.4 s by default: the quality
 * estimate rejects clips under 3 s (MIQS duration), and rejected clips leave the session means.
 */
export async function writePhantomStudy(
  dir: string,
  o: { patients?: string[]; timepoints?: string[]; sites?: number; seconds?: number; width?: number; height?: number; seed?: number } = {},
): Promise<PhantomClip[]> {
  const clips: PhantomClip[] = [];
  let seed = o.seed ?? 900;
  mkdirSync(join(dir, 'clips'), { recursive: true });
  for (const patient of o.patients ?? ['P01', 'P02']) {
    for (const timepoint of o.timepoints ?? ['day1', 'day3']) {
      for (let s = 1; s <= (o.sites ?? 3); s++) {
        const name = `${patient}_${timepoint}_s${s}`;
        const opts: PhantomOptions = {
          seed: seed++, name, width: o.width ?? 160, height: o.height ?? 128, seconds: o.seconds ?? 3.4,
          flowMix: SITE_MIX[(s - 1) % SITE_MIX.length]!,
        };
        const w = await writePhantom(opts, join(dir, 'clips'));
        clips.push({ patient, timepoint, site: String(s), path: `clips/${name}.avi`, truthPath: w.truthPath });
      }
    }
  }
  return clips;
}

/** A file that is not a video, and a valid clip (with its sidecar) that the child's fault injection crashes. */
export function addBadClips(dir: string, donor: PhantomClip): { broken: string; crash: string } {
  writeFileSync(join(dir, 'clips', 'broken.avi'), 'RIFF but not really a video\n'.repeat(64));
  copyFileSync(join(dir, donor.path), join(dir, 'clips', 'crashme.avi'));
  copyFileSync(join(dir, donor.path.replace(/\.avi$/, '.calibration.json')), join(dir, 'clips', 'crashme.calibration.json'));
  return { broken: 'clips/broken.avi', crash: 'clips/crashme.avi' };
}

export function manifestText(rows: { patient: string; timepoint: string; site: string; path: string; umPerPx?: number }[]): string {
  return `patient,timepoint,site,path,umPerPx\n${rows.map((r) => `${r.patient},${r.timepoint},${r.site},${r.path},${r.umPerPx ?? ''}`).join('\n')}\n`;
}

export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the compiled `hvm` with args in `cwd`. */
export function hvm(args: string[], o: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: o.cwd ?? root, env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (status, signal) => resolve({ status, signal, stdout, stderr, ms: Date.now() - t0 }));
  });
}

/** A CSV file as objects keyed by header (cells as text). */
export function readCsv(path: string): Record<string, string>[] {
  const { records } = parseCsv(readFileSync(path, 'utf8'), path);
  const [head, ...rows] = records;
  return rows.map((r) => Object.fromEntries(head!.cells.map((h, j) => [h, r.cells[j] ?? ''])));
}

const schema = JSON.parse(readFileSync(join(root, 'schema', 'clip-result.schema.json'), 'utf8'));
type Validator = ((x: unknown) => boolean) & { errors?: unknown[] | null };
const Ajv = ((Ajv2020 as unknown as { default?: unknown }).default ?? Ajv2020) as new (o: object) => { compile: (s: unknown) => Validator };
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
/** Schema errors of a clip result ([] when valid), with a fresh validator independent of the engine's. */
export function schemaErrors(obj: unknown): unknown[] {
  return validate(obj) ? [] : (validate.errors ?? ['invalid']);
}

/** Every file under dir (relative paths). */
export function listFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const r = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) out.push(...listFiles(join(dir, e.name), r));
    else out.push(r);
  }
  return out.sort();
}

export function fileId(path: string): string {
  const s = statSync(path);
  return `${s.ino}:${s.mtimeMs}:${s.size}`;
}

/** The src attributes of every <img> in an HTML text. */
export function imgSources(html: string): { src: string; lazy: boolean }[] {
  return [...html.matchAll(/<img\b[^>]*>/g)].map((m) => ({ src: /\bsrc="([^"]*)"/.exec(m[0])?.[1] ?? '', lazy: /\bloading="lazy"/.test(m[0]) }));
}

/** The href attributes of every <a> in an HTML text. */
export function links(html: string): string[] {
  return [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)].map((m) => m[1]!);
}
