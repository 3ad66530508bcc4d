/**
 * Known misses: the accuracy bars (bars.ts) are the project's targets; where the engine does
 * not meet one yet, its measured error is recorded in `baseline-<set>.json`, and the CI gate
 * becomes "no worse than recorded" for that item. A metric that meets its bar needs no
 * entry; a failing item with no entry, or one that got worse than its entry by more than its
 * drift slack, fails the test. So the suite fails when the engine drifts, and the targets it
 * misses are listed by name on every run (and in the issue notes), never hidden.
 *
 * The baseline is rewritten only on purpose: `HVM_ACCURACY_WRITE_BASELINE=1 npm run
 * test:accuracy` (the diff then shows, item by item, what got better or worse).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { METRIC_BARS, VESSEL_BARS, type MetricKey } from './bars.js';
import type { ClipComparison, SetSummary } from './harness.js';

export interface Baseline {
  set: string;
  engineVersion: string;
  /** Why the file exists, for readers of the JSON. */
  note: string;
  /** Key → recorded value: |error| for metrics, the value for recall, precision, kappa, MdARE. */
  entries: Record<string, number>;
}

/** How much worse than recorded an item may get before the gate fails (measurement noise across platforms is far smaller). */
export const DRIFT_SLACK = {
  /** Relative bars: absolute relative error, e.g. 0.03 = 3 percentage points of error. */
  relative: 0.03,
  /** Absolute bars: this share of the bar's tolerance. */
  absoluteShareOfTolerance: 0.25,
  /** Quadrant bars: extra mismatching quadrants. */
  quadrants: 0,
  recall: 0.02,
  precision: 0.02,
  kappa: 0.03,
  mdare: 0.02,
  /** Diameter MdAE, µm. */
  diameterUm: 0.2,
} as const;

const metricKey = (clip: string, metric: string, pop: string): string => `${clip}|${metric}|${pop}`;

/** The entries of a run: every judged item that misses its target. */
export function baselineOf(set: string, engineVersion: string, comps: readonly ClipComparison[], summary: SetSummary): Baseline {
  const entries: Record<string, number> = {};
  for (const c of comps) {
    for (const r of c.rows) if (r.status === 'fail' && r.error !== null) entries[metricKey(c.id, r.metric, r.population)] = Math.abs(r.error);
    if (c.vessels.recallStatus === 'fail' && c.vessels.recall !== null) entries[`${c.id}|recall`] = c.vessels.recall;
    if (c.vessels.precisionStatus === 'fail' && c.vessels.precision !== null) entries[`${c.id}|precision`] = c.vessels.precision;
    if (c.vessels.diameter.status === 'fail' && c.vessels.diameter.sharpMdAEUm !== null) entries[`${c.id}|diameter`] = c.vessels.diameter.sharpMdAEUm;
  }
  const v = summary.vessels;
  if (v.kappaStatus === 'fail' && v.weightedKappa !== null) entries['pooled|kappa'] = v.weightedKappa;
  if (v.velocity.status === 'fail' && v.velocity.mdare !== null) entries['pooled|mdare'] = v.velocity.mdare;
  return {
    set,
    engineVersion,
    note: 'Known misses of the accuracy targets (test/accuracy/baseline.ts): the CI gate holds these items to no worse than recorded; every other judged item must meet its bar.',
    entries,
  };
}

export interface GateResult {
  /** Targets missed but not worse than recorded. */
  knownMisses: string[];
  /** Items that fail the gate: a miss with no entry, or worse than recorded plus slack. */
  regressions: string[];
  /** Recorded misses that now meet their target (the baseline can be tightened). */
  nowMet: string[];
}

export function gate(comps: readonly ClipComparison[], summary: SetSummary, baseline: Baseline | null): GateResult {
  const b = baseline?.entries ?? {};
  const out: GateResult = { knownMisses: [], regressions: [], nowMet: [] };
  const judge = (key: string, label: string, ok: boolean): void => {
    if (ok) out.knownMisses.push(`${label} [recorded ${fmt(b[key]!)}]`);
    else out.regressions.push(b[key] === undefined ? `${label} (target missed, no recorded baseline)` : `${label} (worse than recorded ${fmt(b[key])} beyond the drift slack)`);
  };
  const seen = new Set<string>();
  for (const c of comps) {
    for (const r of c.rows) {
      const key = metricKey(c.id, r.metric, r.population);
      if (r.status !== 'fail') {
        if (b[key] !== undefined && r.status === 'pass') out.nowMet.push(key);
        continue;
      }
      seen.add(key);
      const label = `${c.id}: ${r.metric} (${r.population}): ${r.reason ?? 'outside its bar'}`;
      if (r.error === null || b[key] === undefined) {
        judge(key, label, false);
        continue;
      }
      const bar = METRIC_BARS[r.metric as MetricKey];
      const slack = bar.kind === 'relative' ? DRIFT_SLACK.relative : bar.kind === 'absolute' ? DRIFT_SLACK.absoluteShareOfTolerance * bar.tolerance : DRIFT_SLACK.quadrants;
      judge(key, label, Math.abs(r.error) <= b[key]! + slack + 1e-12);
    }
    const vr = c.vessels;
    for (const [what, status, value, min] of [
      ['recall', vr.recallStatus, vr.recall, VESSEL_BARS.recall.min],
      ['precision', vr.precisionStatus, vr.precision, VESSEL_BARS.precision.min],
    ] as const) {
      const key = `${c.id}|${what}`;
      if (status !== 'fail') {
        if (b[key] !== undefined && status === 'pass') out.nowMet.push(key);
        continue;
      }
      seen.add(key);
      const label = `${c.id}: vessel ${what} ${fmt(value)} < ${min}`;
      judge(key, label, value !== null && b[key] !== undefined && value >= b[key]! - DRIFT_SLACK[what] - 1e-12);
    }
  }
  for (const c of comps) {
    const d = c.vessels.diameter;
    const key = `${c.id}|diameter`;
    if (d.status !== 'fail') {
      if (b[key] !== undefined && d.status === 'pass') out.nowMet.push(key);
      continue;
    }
    judge(key, `${c.id}: diameter MdAE ${fmt(d.sharpMdAEUm)} µm > ${VESSEL_BARS.diameterMdAEUm.max} µm`, d.sharpMdAEUm !== null && b[key] !== undefined && d.sharpMdAEUm <= b[key]! + DRIFT_SLACK.diameterUm);
  }
  const v = summary.vessels;
  if (v.kappaStatus === 'fail') {
    judge('pooled|kappa', `pooled flow-class weighted kappa ${fmt(v.weightedKappa)} < ${VESSEL_BARS.pooledWeightedKappa.min}`, v.weightedKappa !== null && b['pooled|kappa'] !== undefined && v.weightedKappa >= b['pooled|kappa']! - DRIFT_SLACK.kappa);
  }
  if (v.velocity.status === 'fail') {
    judge('pooled|mdare', `pooled velocity MdARE ${fmt(v.velocity.mdare)} > ${VESSEL_BARS.pooledVelocityMdARE.max}`, v.velocity.mdare !== null && b['pooled|mdare'] !== undefined && v.velocity.mdare <= b['pooled|mdare']! + DRIFT_SLACK.mdare);
  }
  return out;
}

export async function readBaseline(path: string): Promise<Baseline | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Baseline;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export async function writeBaseline(path: string, b: Baseline): Promise<void> {
  const sorted: Record<string, number> = {};
  for (const k of Object.keys(b.entries).sort()) sorted[k] = Math.round(b.entries[k]! * 1e4) / 1e4;
  await writeFile(path, `${JSON.stringify({ ...b, entries: sorted }, null, 2)}\n`);
}

function fmt(x: number | null | undefined): string {
  return x === null || x === undefined ? '—' : String(Math.round(x * 1000) / 1000);
}
