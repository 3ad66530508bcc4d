/**
 * `hvm compare`: agreement of the engine with manual scoring. Parses the arguments, calls
 * runComparison (src/compare), prints a short table. See docs/compare.md.
 */
import { parseArgs } from 'node:util';
import type { MetricAgreement } from '../compare/agreement.js';
import { mapNameToMetric } from '../compare/manual.js';
import { runComparison } from '../compare/run.js';
import { UsageError } from './usage.js';

export const compareUsage = `Usage:
  hvm compare --manual SCORES.(csv|xlsx) [--manual OTHER_OBSERVER.csv ...]
              --engine (STUDY_DIR | clips.csv | sessions.csv | RESULTS_DIR) --out DIR
              [--map ENGINE_NAME=COLUMN ...] [--ppv-fraction] [--timepoints T1,T2,...]
              [--level 0.95] [--no-plots] [--no-png] [--quiet]

  --manual      manual scores, keyed by patient, timepoint, site (or clip file name); one
                file per observer, or an observer column, or observer-suffixed columns
  --engine      the engine table clips.csv, a study folder holding it, a sessions table
                (sessions.csv: per-visit values), or a folder of clip-result JSON files
                (keyed by clip file name)
  --map         name a manual column: --map TVD_small="Total density" --map patient=Subject
  --ppv-fraction  manual PPV is a fraction (0–1): multiply by 100
  --timepoints  order of time points for the change analysis (default natural order)
Writes DIR/agreement.csv, agreement.json, agreement.html, change.csv and plots/*.svg|png.
`;

const OPTIONS = {
  manual: { type: 'string', multiple: true },
  engine: { type: 'string' },
  out: { type: 'string' },
  map: { type: 'string', multiple: true },
  'ppv-fraction': { type: 'boolean' },
  timepoints: { type: 'string' },
  level: { type: 'string' },
  'no-plots': { type: 'boolean' },
  'no-png': { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

/** "NAME=COLUMN" entries → record; the column may itself contain '='. */
export function parseMaps(entries: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const e of entries) {
    const i = e.indexOf('=');
    if (i <= 0 || i === e.length - 1) throw new UsageError(`--map needs ENGINE_NAME=COLUMN, got "${e}".`);
    const name = e.slice(0, i).trim();
    if (map[name] !== undefined) throw new UsageError(`--map ${name} given twice.`);
    map[name] = e.slice(i + 1).trim();
  }
  return map;
}

export async function runCompare(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (!v.manual || v.manual.length === 0) throw new UsageError('compare needs at least one --manual file.');
  if (v.engine === undefined) throw new UsageError('compare needs --engine (a study folder, clips.csv, or a folder of result JSON files).');
  if (v.out === undefined) throw new UsageError('compare needs --out DIR.');
  const map = parseMaps(v.map ?? []);
  for (const name of Object.keys(map)) {
    if (!['patient', 'timepoint', 'site', 'clip', 'observer', 'vessel'].includes(name) && mapNameToMetric(name) === null) {
      throw new UsageError(`--map ${name}: not a key (patient, timepoint, site, clip, observer, vessel) or an engine metric (TVD_small, PPV_all, MFI_Q1_small, deBackerScore_small, flowClass, …).`);
    }
  }
  let level: number | undefined;
  if (v.level !== undefined) {
    level = Number(v.level);
    if (!(level > 0.5 && level < 1)) throw new UsageError(`--level needs a confidence level between 0.5 and 1, got "${v.level}".`);
  }
  const timepoints = v.timepoints?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const { report, files } = await runComparison({
    manual: v.manual,
    engine: v.engine,
    out: v.out,
    map,
    ppvFraction: v['ppv-fraction'] === true,
    ...(timepoints ? { timepoints } : {}),
    ...(level !== undefined ? { level } : {}),
    plots: v['no-plots'] !== true,
    png: v['no-png'] !== true,
  });
  if (v.quiet !== true) {
    process.stdout.write(formatSummary(report.metrics));
    for (const w of report.warnings) process.stdout.write(`warning: ${w}\n`);
    process.stdout.write(`wrote ${files.length} files to ${v.out}\n`);
  }
  return 0;
}

const f = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? '—' : x.toFixed(d));

/** One line per metric and comparison: n, bias, limits of agreement, ICC(A,1), CCC or κw. */
export function formatSummary(metrics: readonly MetricAgreement[]): string {
  const head = `${'metric'.padEnd(20)}${'comparison'.padEnd(30)}${'n'.padStart(5)}${'bias'.padStart(9)}${'LoA'.padStart(20)}${'ICC(A,1)'.padStart(10)}${'CCC/κw'.padStart(9)}`;
  const lines = [head];
  for (const m of metrics) {
    for (const c of m.comparisons) {
      const ba = c.blandAltman;
      const loa = ba.loaLower === null ? '—' : `${f(ba.loaLower)} to ${f(ba.loaUpper)}`;
      const agree = c.kappa ? f(c.kappa.kappa) : f(c.ccc?.ccc);
      lines.push(`${m.metric.padEnd(20)}${`${c.a} vs ${c.b}`.slice(0, 29).padEnd(30)}${String(c.n).padStart(5)}${f(ba.bias).padStart(9)}${loa.padStart(20)}${f(c.icc?.agreement.value).padStart(10)}${agree.padStart(9)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
