/**
 * The study-report section (agreementSectionHtml) and agreement.html: built from the parsed
 * agreement.json alone; every text from the data escaped; plot links and images by path
 * relative to the agreement folder, prefixed by baseHref; every linked file exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCompare } from '../../src/cli/compare.js';
import { agreementSectionHtml, escapeHtml, type AgreementJson } from '../../src/compare/index.js';
import { put, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const OBSERVER = `Dr <O'Neil> & "co"`;

function study(): { dir: string; out: string } {
  const dir = tempDir();
  put(dir, 'study/clips.csv', [
    'patient,timepoint,site,path,TVD_small,MFI_small,MFI_Q1_small,MFI_Q2_small,MFI_Q3_small,MFI_Q4_small',
    'P1,day1,1,c/a.avi,15.0,2.25,2,2,2,3', 'P1,day1,2,c/b.avi,14.0,2.75,3,3,2,3',
    'P2,day1,1,c/c.avi,12.0,2.00,2,2,2,2', 'P2,day1,2,c/d.avi,13.5,2.50,3,2,2,3',
    'P3,day1,1,c/e.avi,18.0,2.75,3,3,3,2', 'P3,day1,2,c/f.avi,17.0,3.00,3,3,3,3',
  ].join('\n'));
  const rows = [
    'patient,timepoint,site,TVD,MFI,MFI_Q1,MFI_Q2,MFI_Q3,MFI_Q4',
    'P1,day1,1,14.5,2.25,2,2,2,3', 'P1,day1,2,14.2,2.5,3,2,2,3',
    'P2,day1,1,11.5,2.00,2,2,2,2', 'P2,day1,2,13.0,2.5,2,3,2,3',
    'P3,day1,1,17.5,2.50,3,2,3,2', 'P3,day1,2,16.0,3.0,3,3,3,3',
  ];
  put(dir, `${OBSERVER}.csv`, rows.join('\n'));
  put(dir, 'B.csv', rows.map((r, i) => (i === 0 ? r : r.replace(/,(\d+\.\d+),/, (_m, v: string) => `,${(Number(v) + 0.4).toFixed(1)},`))).join('\n'));
  return { dir, out: join(dir, 'agreement') };
}

const attrs = (html: string, name: 'href' | 'src') => [...html.matchAll(new RegExp(`${name}="([^"]*)"`, 'g'))].map((m) => m[1]!);

describe('agreement report section', () => {
  it('hvm compare writes agreement.html; every link resolves; names are escaped', async () => {
    const { dir, out } = study();
    expect(await runCompare(['--manual', join(dir, `${OBSERVER}.csv`), '--manual', join(dir, 'B.csv'), '--engine', join(dir, 'study'), '--out', out, '--no-png', '--quiet'])).toBe(0);
    const page = readFileSync(join(out, 'agreement.html'), 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<section class="hvm-agreement">');
    // Escaped, never raw.
    expect(page).toContain('Dr &lt;O&#39;Neil&gt; &amp; &quot;co&quot;');
    expect(page).not.toContain(OBSERVER);
    // No stringified JS values ("interval undefined" in a note is English, not a value).
    expect(page).not.toMatch(/NaN|Infinity|>\s*undefined|="undefined|>null</);
    // Every href and src is a file under the agreement folder.
    const links = [...attrs(page, 'href'), ...attrs(page, 'src')];
    expect(links.length).toBeGreaterThan(10);
    for (const l of links) expect(existsSync(join(out, decodeURIComponent(l.replace(/&amp;/g, '&'))))).toBe(true);
    expect(links).toContain('plots/TVD_small__engine_vs_Dr-O-Neil-co.bland-altman.svg');
    expect(page).toContain('<img src="plots/TVD_small__engine_vs_Dr-O-Neil-co.scatter.svg"');
  });

  it('the fragment from the parsed agreement.json: table columns, baseHref prefix, kappa for ordinal scores, HI rows', async () => {
    const { dir, out } = study();
    await runCompare(['--manual', join(dir, `${OBSERVER}.csv`), '--manual', join(dir, 'B.csv'), '--engine', join(dir, 'study'), '--out', out, '--no-png', '--quiet']);
    const json = JSON.parse(readFileSync(join(out, 'agreement.json'), 'utf8')) as AgreementJson;
    const html = agreementSectionHtml(json, 'agreement/');
    expect(html.startsWith('<section class="hvm-agreement">')).toBe(true);
    expect(html).not.toContain('<script');
    for (const h of ['Bias [CI]', 'Limits of agreement', 'ICC(A,1) [CI]', 'CCC [CI]', 'κw [CI]', 'Plots']) expect(html).toContain(`<th scope="col">${h}</th>`);
    for (const l of [...attrs(html, 'href'), ...attrs(html, 'src')]) {
      expect(l.startsWith('agreement/plots/')).toBe(true);
      expect(existsSync(join(dir, decodeURIComponent(l)))).toBe(true);
    }
    // TVD engine vs B: bias formatted with 3 significant digits and its interval.
    const tvd = json.metrics.find((m) => m.metric === 'TVD_small')!;
    const eB = tvd.comparisons.find((c) => c.a === 'engine' && c.b === 'B')!;
    const bias = eB.blandAltman.bias!;
    expect(html).toContain(String(Number(bias.toPrecision(3))).replace(/^-/, '−'));
    // Ordinal quadrant scores show κw; their ICC/CCC cells are '—'.
    expect(html).toMatch(/MFI quadrant scores, Q1–Q4 pooled/);
    // HI (2 sites per visit) is in the table.
    expect(html).toContain('Heterogeneity index of site MFI');
    // A hostile baseHref is escaped in attributes.
    expect(agreementSectionHtml(json, 'x"><script>/')).not.toContain('"><script>');
  });

  it('two observers whose names reduce to the same file name get distinct plots', async () => {
    const { dir, out } = study();
    const rows = readFileSync(join(dir, 'B.csv'), 'utf8');
    put(dir, 'A B.csv', rows);
    put(dir, 'A-B.csv', rows);
    await runCompare(['--manual', join(dir, 'A B.csv'), '--manual', join(dir, 'A-B.csv'), '--engine', join(dir, 'study'), '--out', out, '--no-png', '--quiet']);
    const json = JSON.parse(readFileSync(join(out, 'agreement.json'), 'utf8')) as AgreementJson;
    const tvd = json.plots.filter((p) => p.metric === 'TVD_small' && p.a === 'engine' && p.b !== 'observers (mean)');
    expect(tvd.map((p) => p.scatter.svg)).toEqual(['plots/TVD_small__engine_vs_A-B.scatter.svg', 'plots/TVD_small__engine_vs_A-B-2.scatter.svg']);
    for (const p of json.plots) expect(existsSync(join(out, p.blandAltman.svg))).toBe(true);
    expect(new Set(json.plots.map((p) => p.scatter.svg)).size).toBe(json.plots.length);
  });

  it('older agreement.json without a plot list: links follow the writer’s naming; empty input gives a short note', () => {
    const json = {
      schema: 'hvm-engine/agreement@1', engineVersion: '0.1.0', level: 0.9, observers: ['A'], warnings: ['w <1>'], change: [],
      matching: { matchedEngineClips: 2, units: 2, unmatchedManualRows: 0, unmatchedManual: [] },
      metrics: [{
        metric: 'TVD_small', label: 'Total vessel density (small vessels)', unit: 'mm/mm²', kind: 'continuous', spread: null,
        comparisons: [{
          metric: 'TVD_small', type: 'engine-observer', a: 'engine', b: 'A', n: 2, missingA: 0, missingB: 0, pairs: [],
          blandAltman: { n: 2, bias: 0.5, sdDiff: null, loaLower: null, loaUpper: null, biasCI: null, loaLowerCI: null, loaUpperCI: null, loaMultiplier: 1.6448536269514722, notes: ['only 2 pairs'] },
          proportionalBias: null, icc: null, ccc: null, pearson: null, spearman: null, kappa: null,
        }],
      }],
    } as unknown as AgreementJson;
    const html = agreementSectionHtml(json);
    expect(html).toContain('href="plots/TVD_small__engine_vs_A.bland-altman.svg"');
    expect(html).toContain('90 % confidence intervals');
    expect(html).toContain('bias ± 1.64 SD');
    expect(html).toContain('<li>w &lt;1&gt;</li>');
    expect(html).toContain('Bland–Altman: only 2 pairs');
    const empty = agreementSectionHtml({ ...json, metrics: [] } as AgreementJson);
    expect(empty).toContain('No metric has values from two raters');
    expect(escapeHtml(`<a href='x'>&</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
  });
});
