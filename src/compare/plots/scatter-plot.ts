/**
 * Scatter plot of method a against method b on equal axes with the line of identity
 * (perfect agreement, Lin 1989's 45° line), annotated with Lin's CCC, ICC(A,1) or weighted
 * kappa so the picture and the number are read together. Ordinal scores (0–3) are drawn
 * as a bubble per cell of the agreement table, sized and labelled by count (green on the
 * diagonal), since plain points would hide each other.
 */
import type { Comparison } from '../agreement.js';
import { niceDomain, Plot } from './svg.js';

const f = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(3));

export function scatterSvg(c: Comparison, metricLabel: string, unit: string): string {
  const all = c.pairs.flatMap((p) => [p.a, p.b]);
  // Scores 0–3 pile up on a grid: fixed axes, and one bubble per cell sized by its count.
  const ordinal = c.kappa !== null;
  const dom: [number, number] = ordinal ? [-0.5, 3.5] : niceDomain(all);
  const plot = new Plot(dom, dom, ordinal ? 1 : undefined);
  const stats = c.kappa
    ? `weighted κ ${f(c.kappa.kappa)}, exact agreement ${c.kappa.exactAgreement === null ? '—' : `${(c.kappa.exactAgreement * 100).toFixed(0)} %`}`
    : `CCC ${f(c.ccc?.ccc)}, ICC(A,1) ${f(c.icc?.agreement.value)}, r ${f(c.pearson?.r)}`;
  plot.title(`${metricLabel}: ${c.a} vs ${c.b}`, `n = ${c.n}; ${stats}`);
  plot.axes(`${c.b} (${unit})`, `${c.a} (${unit})`);
  plot.line(plot.sx(dom[0]), plot.sy(dom[0]), plot.sx(dom[1]), plot.sy(dom[1]), '#888', 1.5, '6 4');
  plot.text(plot.sx(dom[1]) - 4, plot.sy(dom[1]) + 14, 'identity', { anchor: 'end', size: 11, color: '#666' });
  if (!ordinal) {
    for (const p of c.pairs) plot.point(p.b, p.a);
    return plot.svg();
  }
  const counts = new Map<string, { a: number; b: number; n: number }>();
  for (const p of c.pairs) {
    const k = `${p.a}|${p.b}`;
    const cell = counts.get(k) ?? { a: p.a, b: p.b, n: 0 };
    cell.n++;
    counts.set(k, cell);
  }
  const max = Math.max(1, ...[...counts.values()].map((x) => x.n));
  for (const cell of counts.values()) {
    plot.point(cell.b, cell.a, cell.a === cell.b ? '#2e7d32' : '#1f5fa8', 5 + 25 * Math.sqrt(cell.n / max));
    plot.text(plot.sx(cell.b), plot.sy(cell.a) + 4, String(cell.n), { anchor: 'middle', size: 11, color: '#fff', weight: 'bold' });
  }
  return plot.svg();
}
