/**
 * `runComparison`: the whole of `hvm compare` as a library call. Reads the manual sheets and
 * the engine's results, checks units, matches rows, computes agreement (and change between
 * time points), and writes agreement.csv, agreement.json, change.csv (when there are
 * time points to compare) and the Bland–Altman and scatter plots as SVG and PNG under
 * OUT/plots/, and agreement.html (the report section as a standalone page).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { engineVersion } from '../version.js';
import { computeAgreement, type MetricAgreement } from './agreement.js';
import { formatAgreementCsv, formatChangeCsv } from './agreement-csv.js';
import { computeChange } from './change.js';
import { readEngineInput } from './engine-input.js';
import { NothingToCompareError } from './errors.js';
import { safeJson } from './format.js';
import { readManualScores } from './manual.js';
import { matchRatings } from './match.js';
import { blandAltmanSvg } from './plots/bland-altman-plot.js';
import { svgToPng } from './plots/png.js';
import { scatterSvg } from './plots/scatter-plot.js';
import { plotFiles, type PlotFiles } from './plot-paths.js';
import { checkPpvFractions } from './ppv-fraction.js';
import { agreementPageHtml } from './report-section.js';
import { buildReport, type AgreementReport } from './report.js';

export interface CompareOptions {
  /** Manual score files (.csv/.tsv/.txt or .xlsx, optionally file.xlsx#Sheet). */
  manual: readonly string[];
  /** clips.csv, a study folder holding it, or a folder of clip-result JSON files. */
  engine: string;
  /** Output folder. */
  out: string;
  /** engine name → manual column header (keys and metrics), as --map. */
  map?: Record<string, string>;
  /** PPV columns hold fractions (0–1). */
  ppvFraction?: boolean;
  /** Time point order for the change analysis. */
  timepoints?: readonly string[];
  /** Confidence level (default 0.95). */
  level?: number;
  /** Write plots (default true) and their PNG renderings (default true). */
  plots?: boolean;
  png?: boolean;
}

export interface CompareOutcome {
  report: AgreementReport;
  /** Files written, relative to `out`. */
  files: string[];
}

async function write(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export { slug } from './plot-paths.js';

export async function runComparison(opts: CompareOptions): Promise<CompareOutcome> {
  const level = opts.level ?? 0.95;
  const manual = await readManualScores(opts.manual, { ...(opts.map ? { map: opts.map } : {}), ...(opts.ppvFraction ? { ppvFraction: true } : {}) });
  const engine = await readEngineInput(opts.engine);
  const ratings = matchRatings(manual, engine.clips, engine.sessions);
  checkPpvFractions(manual, ratings);
  const metrics = computeAgreement(ratings, { level });
  if (metrics.every((m) => m.comparisons.every((c) => c.n === 0))) {
    throw new NothingToCompareError('rows matched, but no metric has a value from two raters on the same clip.', 'Check that the engine measured the metrics the manual sheet scores (empty cells in clips.csv are "not measured").');
  }
  const change = computeChange(ratings, metrics, { level, ...(opts.timepoints ? { order: opts.timepoints } : {}) });
  const report = buildReport({ engineVersion, level, manual, engine, ratings, metrics, change });
  // The plot files, listed in agreement.json so a report can link them without guessing.
  const writePlotsToo = opts.plots !== false;
  const png = opts.png !== false;
  const taken = new Set<string>();
  const unique = (metric: string, a: string, b: string) => {
    let f = plotFiles(metric, a, b, png);
    for (let k = 2; taken.has(f.scatter.svg); k++) f = plotFiles(metric, a, b, png, `-${k}`);
    taken.add(f.scatter.svg);
    return f;
  };
  report.plots = writePlotsToo ? metrics.flatMap((m) => m.comparisons.filter((c) => c.n > 0).map((c) => unique(m.metric, c.a, c.b))) : [];

  const files: string[] = [];
  const put = async (rel: string, data: string | Uint8Array) => {
    await write(join(opts.out, rel), data);
    files.push(rel);
  };
  await put('agreement.csv', formatAgreementCsv(metrics));
  await put('agreement.json', safeJson(report));
  if (change.length > 0) await put('change.csv', formatChangeCsv(change));
  await put('agreement.html', agreementPageHtml(report));
  if (writePlotsToo) await writePlots(metrics, report.plots, put);
  return { report, files };
}

async function writePlots(metrics: readonly MetricAgreement[], files: readonly PlotFiles[], put: (rel: string, data: string | Uint8Array) => Promise<void>): Promise<void> {
  for (const m of metrics) {
    for (const c of m.comparisons) {
      const f = files.find((x) => x.metric === m.metric && x.a === c.a && x.b === c.b);
      if (!f) continue; // n = 0: nothing to draw
      for (const [target, svg] of [[f.blandAltman, blandAltmanSvg(c, m.label, m.unit)], [f.scatter, scatterSvg(c, m.label, m.unit)]] as const) {
        await put(target.svg, svg);
        if (target.png !== null) await put(target.png, await svgToPng(svg));
      }
    }
  }
}
