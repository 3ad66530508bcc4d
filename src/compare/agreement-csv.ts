/**
 * agreement.csv: one row per metric and comparison (engine vs observer k, observer vs
 * observer, engine vs the observers' mean). Column names are stable (snake case); empty
 * cells are statistics that could not be computed, with the reason in `notes`.
 * change.csv: one row per metric, comparison and pair of consecutive time points.
 */
import type { Comparison, MetricAgreement } from './agreement.js';
import type { ChangeComparison } from './change.js';
import { csvLine } from './format.js';

type Col<T> = [string, (x: T) => string | number | boolean | null | undefined];

const ci = <T>(name: string, get: (x: T) => [number, number] | null | undefined): Col<T>[] => [
  [`${name}_ci_low`, (x) => get(x)?.[0] ?? null],
  [`${name}_ci_high`, (x) => get(x)?.[1] ?? null],
];

type Row = { m: MetricAgreement; c: Comparison };

const AGREEMENT_COLUMNS: Col<Row>[] = [
  ['metric', (r) => r.m.metric],
  ['label', (r) => r.m.label],
  ['unit', (r) => r.m.unit],
  ['kind', (r) => r.m.kind],
  ['comparison', (r) => `${r.c.a} vs ${r.c.b}`],
  ['type', (r) => r.c.type],
  ['method_a', (r) => r.c.a],
  ['method_b', (r) => r.c.b],
  ['n', (r) => r.c.n],
  ['missing_a', (r) => r.c.missingA],
  ['missing_b', (r) => r.c.missingB],
  ['bias', (r) => r.c.blandAltman.bias],
  ...ci<Row>('bias', (r) => r.c.blandAltman.biasCI),
  ['sd_diff', (r) => r.c.blandAltman.sdDiff],
  ['loa_low', (r) => r.c.blandAltman.loaLower],
  ...ci<Row>('loa_low', (r) => r.c.blandAltman.loaLowerCI),
  ['loa_high', (r) => r.c.blandAltman.loaUpper],
  ...ci<Row>('loa_high', (r) => r.c.blandAltman.loaUpperCI),
  ['prop_bias_slope', (r) => r.c.proportionalBias?.slope],
  ...ci<Row>('prop_bias_slope', (r) => r.c.proportionalBias?.slopeCI),
  ['prop_bias_p', (r) => r.c.proportionalBias?.p],
  ['icc_a1', (r) => r.c.icc?.agreement.value],
  ...ci<Row>('icc_a1', (r) => r.c.icc?.agreement.ci),
  ['icc_c1', (r) => r.c.icc?.consistency.value],
  ...ci<Row>('icc_c1', (r) => r.c.icc?.consistency.ci),
  ['icc_f_p', (r) => r.c.icc?.p],
  ['ccc', (r) => r.c.ccc?.ccc],
  ...ci<Row>('ccc', (r) => r.c.ccc?.ci),
  ['pearson_r', (r) => r.c.pearson?.r],
  ...ci<Row>('pearson_r', (r) => r.c.pearson?.ci),
  ['pearson_p', (r) => r.c.pearson?.p],
  ['spearman_rho', (r) => r.c.spearman?.r],
  ['spearman_p', (r) => r.c.spearman?.p],
  ['kappa_w', (r) => r.c.kappa?.kappa],
  ['kappa_w_se', (r) => r.c.kappa?.se],
  ...ci<Row>('kappa_w', (r) => r.c.kappa?.ci),
  ['kappa_w_p', (r) => r.c.kappa?.p],
  ['exact_agreement', (r) => r.c.kappa?.exactAgreement],
  ['notes', (r) => notesOf(r.c).join('; ')],
];

/** Every reason a statistic of the comparison is null, once each. */
export function notesOf(c: Comparison): string[] {
  const all = [
    ...(c.notes ?? []),
    ...c.blandAltman.notes.map((n) => `Bland–Altman: ${n}`),
    ...(c.proportionalBias?.notes ?? []).map((n) => `proportional bias: ${n}`),
    ...(c.icc?.notes ?? []).map((n) => `ICC: ${n}`),
    ...(c.ccc?.notes ?? []).map((n) => `CCC: ${n}`),
    ...(c.pearson?.notes ?? []).map((n) => `Pearson: ${n}`),
    ...(c.spearman?.notes ?? []).map((n) => `Spearman: ${n}`),
    ...(c.kappa?.notes ?? []).map((n) => `kappa: ${n}`),
  ];
  return [...new Set(all)];
}

export const AGREEMENT_CSV_COLUMNS = AGREEMENT_COLUMNS.map(([h]) => h);

export function formatAgreementCsv(metrics: readonly MetricAgreement[]): string {
  const lines = [csvLine(AGREEMENT_COLUMNS.map(([h]) => h))];
  for (const m of metrics) for (const c of m.comparisons) lines.push(csvLine(AGREEMENT_COLUMNS.map(([, get]) => get({ m, c }))));
  return `${lines.join('\n')}\n`;
}

const CHANGE_COLUMNS: Col<ChangeComparison>[] = [
  ['metric', (x) => x.metric],
  ['method_a', (x) => x.a],
  ['method_b', (x) => x.b],
  ['from', (x) => x.from],
  ['to', (x) => x.to],
  ['n_patients', (x) => x.result.n],
  ['delta_bias', (x) => x.result.agreement.bias],
  ['delta_loa_low', (x) => x.result.agreement.loaLower],
  ['delta_loa_high', (x) => x.result.agreement.loaUpper],
  ['delta_ccc', (x) => x.result.ccc.ccc],
  ['delta_pearson_r', (x) => x.result.pearson.r],
  ['same_direction', (x) => x.result.sameDirection.agree],
  ['same_direction_fraction', (x) => x.result.sameDirection.fraction],
  ['a_mean_change', (x) => x.result.a.t.meanDiff],
  ...ci<ChangeComparison>('a_mean_change', (x) => x.result.a.t.ci),
  ['a_t_p', (x) => x.result.a.t.p],
  ['a_wilcoxon_p', (x) => x.result.a.wilcoxon.p],
  ['a_conclusion', (x) => x.result.a.conclusionT],
  ['b_mean_change', (x) => x.result.b.t.meanDiff],
  ...ci<ChangeComparison>('b_mean_change', (x) => x.result.b.t.ci),
  ['b_t_p', (x) => x.result.b.t.p],
  ['b_wilcoxon_p', (x) => x.result.b.wilcoxon.p],
  ['b_conclusion', (x) => x.result.b.conclusionT],
  ['same_conclusion_t', (x) => x.result.sameConclusionT],
  ['same_conclusion_wilcoxon', (x) => x.result.sameConclusionWilcoxon],
];

export function formatChangeCsv(changes: readonly ChangeComparison[]): string {
  const lines = [csvLine(CHANGE_COLUMNS.map(([h]) => h))];
  for (const x of changes) lines.push(csvLine(CHANGE_COLUMNS.map(([, get]) => get(x))));
  return `${lines.join('\n')}\n`;
}
