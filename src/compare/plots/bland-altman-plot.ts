/**
 * Bland–Altman plot (Bland & Altman 1986, Fig. 2): difference (a − b) against the mean of
 * the two, with the bias line, the 95 % limits of agreement (dashed), their confidence
 * intervals as shaded bands (Bland & Altman 1999) and the zero line for reference.
 */
import type { Comparison } from '../agreement.js';
import { niceDomain, Plot } from './svg.js';

const f = (v: number | null, d = 3) => (v === null ? '—' : Number(v.toPrecision(d)).toString());

export function blandAltmanSvg(c: Comparison, metricLabel: string, unit: string): string {
  const ba = c.blandAltman;
  const means = c.pairs.map((p) => (p.a + p.b) / 2);
  const diffs = c.pairs.map((p) => p.a - p.b);
  const yValues = [...diffs, 0];
  for (const v of [ba.bias, ba.loaLower, ba.loaUpper]) if (v !== null) yValues.push(v);
  const plot = new Plot(niceDomain(means), niceDomain(yValues, 0.08));
  plot.title(`${metricLabel}: ${c.a} − ${c.b}`, `Bland–Altman, n = ${c.n}${c.missingA + c.missingB > 0 ? ` (${c.missingA + c.missingB} unpaired left out)` : ''}`);
  if (ba.biasCI) plot.band(ba.biasCI[0], ba.biasCI[1], '#dbe7f5');
  if (ba.loaLowerCI) plot.band(ba.loaLowerCI[0], ba.loaLowerCI[1], '#f7dede');
  if (ba.loaUpperCI) plot.band(ba.loaUpperCI[0], ba.loaUpperCI[1], '#f7dede');
  plot.axes(`mean of ${c.a} and ${c.b} (${unit})`, `${c.a} − ${c.b} (${unit})`);
  plot.hline(0, '#888', 1, '2 3');
  if (ba.bias !== null) {
    plot.hline(ba.bias, '#1f5fa8', 2);
    plot.text(plot.x1 - 4, plot.sy(ba.bias) - 5, `bias ${f(ba.bias)}`, { anchor: 'end', size: 11, color: '#1f5fa8' });
  }
  if (ba.loaLower !== null && ba.loaUpper !== null) {
    plot.hline(ba.loaUpper, '#b22222', 1.5, '7 4');
    plot.hline(ba.loaLower, '#b22222', 1.5, '7 4');
    plot.text(plot.x1 - 4, plot.sy(ba.loaUpper) - 5, `+${f(ba.loaMultiplier, 3)} SD ${f(ba.loaUpper)}`, { anchor: 'end', size: 11, color: '#b22222' });
    plot.text(plot.x1 - 4, plot.sy(ba.loaLower) + 14, `−${f(ba.loaMultiplier, 3)} SD ${f(ba.loaLower)}`, { anchor: 'end', size: 11, color: '#b22222' });
  }
  for (let i = 0; i < means.length; i++) plot.point(means[i]!, diffs[i]!);
  return plot.svg();
}
