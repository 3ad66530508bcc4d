/**
 * Change between time points, per patient: the question AVA 4 failed (Guay 2021) — does
 * the engine see the within-patient changes the manual reference sees?
 *
 * For each continuous metric and each engine-vs-reference comparison, a patient's value at
 * a time point is the mean over the units (clips, or visits) that BOTH raters scored, so the
 * two changes are computed on the same sites. Time points are taken in `order` when given
 * (--timepoints), otherwise in natural order ("day1" < "day3" < "day10"), and each
 * consecutive pair is analysed: Δ = later − earlier.
 */
import type { Comparison, MetricAgreement } from './agreement.js';
import { normKey } from './keys.js';
import type { Ratings } from './match.js';
import { isHiMetric } from './metrics.js';
import { pairedChange, type PairedChangeOptions, type PairedChangeResult } from './stats/paired-change.js';

export interface ChangeComparison {
  metric: string;
  /** a − b as in the agreement comparison (engine, reference). */
  a: string;
  b: string;
  from: string;
  to: string;
  patients: string[];
  deltaA: number[];
  deltaB: number[];
  result: PairedChangeResult;
}

export interface ChangeOptions extends PairedChangeOptions {
  /** Time point order (labels as in the sheets); natural order when absent. */
  order?: readonly string[];
}

/** The time points in analysis order. */
export function orderTimepoints(labels: readonly string[], order?: readonly string[]): string[] {
  const uniq = [...new Map(labels.map((l) => [normKey(l), l])).values()];
  if (order && order.length > 0) {
    const pos = new Map(order.map((l, i) => [normKey(l), i]));
    return uniq.filter((l) => pos.has(normKey(l))).sort((x, y) => pos.get(normKey(x))! - pos.get(normKey(y))!);
  }
  return uniq.sort((x, y) => x.localeCompare(y, 'en', { numeric: true, sensitivity: 'base' }));
}

function changeFor(ratings: Ratings, c: Comparison, opts: ChangeOptions): ChangeComparison[] {
  // patient → timepoint → [sumA, sumB, n]
  const byPatient = new Map<string, { label: string; tps: Map<string, { label: string; a: number; b: number; n: number }> }>();
  for (const p of c.pairs) {
    const u = ratings.units.get(p.unit);
    if (!u || u.patient === null || u.timepoint === null || u.level === 'vessel') continue;
    const pk = normKey(u.patient);
    let pat = byPatient.get(pk);
    if (!pat) byPatient.set(pk, (pat = { label: u.patient, tps: new Map() }));
    const tk = normKey(u.timepoint);
    let tp = pat.tps.get(tk);
    if (!tp) pat.tps.set(tk, (tp = { label: u.timepoint, a: 0, b: 0, n: 0 }));
    tp.a += p.a;
    tp.b += p.b;
    tp.n++;
  }
  const labels: string[] = [];
  for (const pat of byPatient.values()) for (const tp of pat.tps.values()) labels.push(tp.label);
  const order = orderTimepoints(labels, opts.order);
  const out: ChangeComparison[] = [];
  for (let i = 0; i + 1 < order.length; i++) {
    const from = normKey(order[i]!);
    const to = normKey(order[i + 1]!);
    const patients: string[] = [];
    const deltaA: number[] = [];
    const deltaB: number[] = [];
    for (const pat of byPatient.values()) {
      const f = pat.tps.get(from);
      const t = pat.tps.get(to);
      if (!f || !t) continue;
      patients.push(pat.label);
      deltaA.push(t.a / t.n - f.a / f.n);
      deltaB.push(t.b / t.n - f.b / f.n);
    }
    if (patients.length === 0) continue;
    out.push({ metric: c.metric, a: c.a, b: c.b, from: order[i]!, to: order[i + 1]!, patients, deltaA, deltaB, result: pairedChange(deltaA, deltaB, opts) });
  }
  return out;
}

/** Change analyses for every continuous metric and every comparison of the engine with a reference. */
export function computeChange(ratings: Ratings, agreement: readonly MetricAgreement[], opts: ChangeOptions = {}): ChangeComparison[] {
  const out: ChangeComparison[] = [];
  for (const m of agreement) {
    // HI is a per-visit spread, not a per-site value: its change is not analysed.
    if (m.kind !== 'continuous' || isHiMetric(m.metric)) continue;
    for (const c of m.comparisons) if (c.type !== 'observer-observer') out.push(...changeFor(ratings, c, opts));
  }
  return out;
}
