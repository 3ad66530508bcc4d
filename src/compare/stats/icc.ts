/**
 * Intraclass correlation, two-way model, single measures: absolute agreement ICC(A,1) and
 * consistency ICC(C,1), with F-based 95 % confidence intervals and the F test of ICC = 0.
 *
 * Sources:
 * - McGraw KO, Wong SP. Forming inferences about some intraclass correlation coefficients.
 *   Psychol Methods 1996;1:30–46 (Table 4: ICC(C,1), ICC(A,1); Table 7: their confidence
 *   intervals, with the Satterthwaite-type df v for ICC(A,1); erratum Psychol Methods
 *   1996;1:390).
 * - Shrout PE, Fleiss JL. Intraclass correlations: uses in assessing rater reliability.
 *   Psychol Bull 1979;86:420–428 (their ICC(2,1) = ICC(A,1) and ICC(3,1) = ICC(C,1) for the
 *   two-way ANOVA on n targets × k judges).
 *
 * ICC(A,1) answers "would another rater give the same number?" (a systematic offset
 * lowers it); ICC(C,1) ignores a constant offset between raters. Both are reported because
 * an engine with a fixed bias can be consistent yet not agree.
 */
import { upperProbability } from './descriptive.js';
import { fQuantile, fSf } from './distributions.js';

export interface IccEstimate {
  value: number | null;
  ci: [number, number] | null;
}

export interface IccResult {
  /** Targets (complete rows). */
  n: number;
  /** Raters (columns). */
  k: number;
  /** Mean squares of the two-way ANOVA: rows (targets), columns (raters), residual. */
  msr: number | null;
  msc: number | null;
  mse: number | null;
  agreement: IccEstimate;
  consistency: IccEstimate;
  /** F = MSR/MSE on (n − 1, (n − 1)(k − 1)) df and its p for ICC = 0. */
  f: number | null;
  p: number | null;
  notes: string[];
}

/** `rows[i][j]`: target i scored by rater j; every row complete. */
export function icc(allRows: readonly (readonly number[])[], level = 0.95): IccResult {
  // A target with a missing score (NaN, ±∞) is left out: the two-way ANOVA needs complete rows.
  const rows = allRows.filter((r) => r.every((x) => typeof x === 'number' && Number.isFinite(x)));
  const dropped = allRows.length - rows.length;
  const res = iccComplete(rows, level);
  if (dropped > 0) res.notes.unshift(`${dropped} target(s) with a missing score left out`);
  return res;
}

function iccComplete(rows: readonly (readonly number[])[], level: number): IccResult {
  const n = rows.length;
  const k = n > 0 ? rows[0]!.length : 0;
  const undefinedResult = (note: string): IccResult => ({
    n, k, msr: null, msc: null, mse: null,
    agreement: { value: null, ci: null }, consistency: { value: null, ci: null }, f: null, p: null, notes: [note],
  });
  if (k < 2) return undefinedResult('fewer than 2 raters');
  if (rows.some((r) => r.length !== k)) throw new RangeError('icc: every row needs the same number of raters');
  if (n < 2) return undefinedResult(`${n} target(s): the ICC needs at least 2`);

  // Two-way ANOVA without replication.
  let grand = 0;
  const rowMeans = rows.map((r) => r.reduce((s, x) => s + x, 0) / k);
  const colMeans = new Array<number>(k).fill(0);
  for (const r of rows) r.forEach((x, j) => (colMeans[j]! += x / n));
  for (const m of rowMeans) grand += m / n;
  let ssr = 0;
  let ssc = 0;
  let sst = 0;
  for (const m of rowMeans) ssr += k * (m - grand) ** 2;
  for (const m of colMeans) ssc += n * (m - grand) ** 2;
  for (const r of rows) for (const x of r) sst += (x - grand) ** 2;
  const sse = Math.max(0, sst - ssr - ssc);
  const dfr = n - 1;
  const dfc = k - 1;
  const dfe = dfr * dfc;
  const msr = ssr / dfr;
  const msc = ssc / dfc;
  // Rounding noise below 1e-12 of the total is zero: identical raters must give exactly 1.
  const tiny = 1e-12 * Math.max(sst, Number.MIN_VALUE);
  const mse = sse <= tiny ? 0 : sse / dfe;
  const base = { n, k, msr, msc, mse };

  if (sst <= tiny || (msr === 0 && mse === 0)) {
    return { ...base, agreement: { value: null, ci: null }, consistency: { value: null, ci: null }, f: null, p: null, notes: ['no variance between targets: ICC undefined (every target scored the same)'] };
  }
  if (mse === 0) {
    // Raters differ at most by a constant offset: perfect consistency; perfect agreement only
    // when the offset is zero as well.
    const agreementValue = msc === 0 ? 1 : (msr - 0) / (msr + (k * msc) / n);
    return {
      ...base,
      consistency: { value: 1, ci: [1, 1] },
      agreement: { value: agreementValue, ci: msc === 0 ? [1, 1] : null },
      f: null,
      p: null,
      notes: msc === 0 ? ['raters identical: ICC = 1'] : ['no residual variance: ICC(A,1) confidence interval undefined'],
    };
  }

  const pHi = upperProbability(level);
  const notes: string[] = [];
  // ICC(C,1) and its CI (McGraw & Wong Table 7, case 3/C).
  const consistency = (msr - mse) / (msr + (k - 1) * mse);
  const f = msr / mse;
  const fl = f / fQuantile(pHi, dfr, dfe);
  const fu = f * fQuantile(pHi, dfe, dfr);
  const cCI: [number, number] = [(fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1)];

  // ICC(A,1) and its CI (McGraw & Wong Table 7, case 2A / 3A), Satterthwaite df v.
  const agreement = (msr - mse) / (msr + (k - 1) * mse + (k * (msc - mse)) / n);
  let aCI: [number, number] | null = null;
  if (agreement < 1) {
    const rho = agreement;
    const a = (k * rho) / (n * (1 - rho));
    const b = 1 + (k * rho * (n - 1)) / (n * (1 - rho));
    const v = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / dfc + (b * mse) ** 2 / dfe);
    if (Number.isFinite(v) && v > 0) {
      const fStar = fQuantile(pHi, dfr, v);
      const fStarU = fQuantile(pHi, v, dfr);
      const lower = (n * (msr - fStar * mse)) / (fStar * (k * msc + (k * n - k - n) * mse) + n * msr);
      const upper = (n * (fStarU * msr - mse)) / (k * msc + (k * n - k - n) * mse + n * fStarU * msr);
      aCI = [lower, upper];
    } else {
      notes.push('ICC(A,1) confidence interval undefined (degenerate Satterthwaite df)');
    }
  }
  if (n < 5) notes.push(`only ${n} targets: ICC intervals are very wide`);
  return {
    ...base,
    agreement: { value: agreement, ci: aCI },
    consistency: { value: consistency, ci: cCI },
    f,
    p: fSf(f, dfr, dfe),
    notes,
  };
}
