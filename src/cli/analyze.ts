/**
 * `hvm analyze CLIP`: one clip to its result contract. Prints a short table for people;
 * `--json FILE` writes the contract (hvm-engine/clip-result@1); `--out DIR` also writes the
 * pictures (for now the temporal mean image) and result.json.
 */
import { analyzeClip, type AnalyzeOptions } from '../analysis/analyze-clip.js';
import { clipResultJson, writeClipFiles } from '../report/clip-files.js';
import type { ClipResult } from '../report/contract.js';
import { backendOption, parseCommandArgs, positiveNumber } from './args.js';
import { UsageError } from './usage.js';
import { writeFileAtomic } from './write-file.js';

const OPTIONS = {
  device: { type: 'string' },
  'um-per-px': { type: 'string' },
  json: { type: 'string' },
  out: { type: 'string' },
  backend: { type: 'string' },
  start: { type: 'string' },
  duration: { type: 'string' },
  fps: { type: 'string' },
  quiet: { type: 'boolean' },
  'space-time': { type: 'boolean' },
} as const;

export async function runAnalyze(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
  if (positionals.length !== 1) throw new UsageError(`analyze takes one clip, got ${positionals.length}.`);
  const clip = positionals[0]!;
  const backend = backendOption(values.backend);
  const umPerPx = positiveNumber('um-per-px', values['um-per-px']);
  const startS = values.start === undefined ? undefined : Number(values.start);
  if (startS !== undefined && !(Number.isFinite(startS) && startS >= 0)) throw new UsageError(`--start needs seconds ≥ 0, got "${values.start}".`);
  const durationS = positiveNumber('duration', values.duration);
  const fps = positiveNumber('fps', values.fps);

  const showProgress = values.quiet !== true && process.stderr.isTTY === true;
  const options: AnalyzeOptions = {
    ...(values.device !== undefined ? { device: values.device } : {}),
    ...(umPerPx !== undefined ? { umPerPx } : {}),
    ...(backend !== undefined ? { backend } : {}),
    ...(startS !== undefined ? { startS } : {}),
    ...(durationS !== undefined ? { durationS } : {}),
    ...(fps !== undefined ? { fps } : {}),
    ...(showProgress
      ? {
          onProgress: (done: number, total: number | null) => {
            if (done % 10 === 0 || done === total) {
              process.stderr.write(`\r${clip}: frame ${done}${total !== null ? ` of ${total}` : ''}   `);
            }
          },
        }
      : {}),
  };
  const analysis = await analyzeClip(clip, options);
  const { result } = analysis;
  if (showProgress) process.stderr.write('\n');

  if (values.json !== undefined) await writeFileAtomic(values.json, clipResultJson(analysis));
  if (values.out !== undefined) await writeClipFiles(analysis, values.out, { spaceTime: values['space-time'] === true });
  if (values.quiet !== true) process.stdout.write(formatTable(result));
  return 0;
}

function fmt(v: number | null | undefined, digits: number): string {
  return v === null || v === undefined ? '—' : v.toFixed(digits);
}

/** The short human summary of one clip result. */
export function formatTable(r: ClipResult): string {
  const s = r.source;
  const c = r.calibration;
  const rows: [string, string, string, string][] = [
    ['TVD', 'mm/mm²', fmt(r.metrics.small.TVD, 2), fmt(r.metrics.all.TVD, 2)],
    ['PVD', 'mm/mm²', fmt(r.metrics.small.PVD, 2), fmt(r.metrics.all.PVD, 2)],
    ['PPV', '%', fmt(r.metrics.small.PPV, 1), fmt(r.metrics.all.PPV, 1)],
    ['MFI (quadrants)', '0–3', fmt(r.metrics.small.MFI, 2), fmt(r.metrics.all.MFI, 2)],
    ['MFI (vessel-by-vessel)', '0–3', fmt(r.metrics.small.MFIVessel, 2), fmt(r.metrics.all.MFIVessel, 2)],
    ['De Backer score', '1/mm', fmt(r.metrics.small.deBackerScore, 2), fmt(r.metrics.all.deBackerScore, 2)],
    ['mean RBC velocity', 'µm/s', fmt(r.metrics.small.meanVelocityUmPerS, 0), fmt(r.metrics.all.meanVelocityUmPerS, 0)],
  ];
  const lines = [
    `${s.path}: ${s.width}×${s.height} (SAR ${s.sampleAspectRatio}), ${s.fps.toFixed(3)} fps, ${s.frameCount} frames (${s.durationS.toFixed(2)} s), ${s.codec ?? 'frames'} in ${s.container}${s.truncated ? ', TRUNCATED' : ''}`,
    `calibration: ${c.umPerPxX.toFixed(4)} × ${c.umPerPxY.toFixed(4)} µm/px (${c.source}${c.device !== null ? ` ${c.device}` : ''}); small vessels < ${c.smallVesselMaxUm} µm; analysed area ${r.analysis.analysedAreaMm2.toFixed(3)} mm²`,
    '',
    `${'metric'.padEnd(24)}${'unit'.padEnd(8)}${'small'.padStart(8)}${'all'.padStart(8)}`,
    ...rows.map(([m, u, a, b]) => `${m.padEnd(24)}${u.padEnd(8)}${a.padStart(8)}${b.padStart(8)}`),
  ];
  const q = r.quality;
  if (q !== undefined) {
    const cats = Object.entries(q.categories).map(([name, cat]) => `${name} ${cat.score === null ? '—' : cat.score}`);
    lines.push('', `image quality (${q.label}): total ${q.total}, ${q.accepted ? 'accepted' : 'REJECTED'} — ${cats.join(', ')}`);
  }
  const flowing = r.vessels.filter((v) => v.flowClass !== null).length;
  lines.push(`vessels: ${r.vessels.length} (${r.vessels.filter((v) => v.small).length} small), ${flowing} with a flow class`);
  if (r.warnings.length > 0) {
    lines.push('', 'warnings:', ...r.warnings.map((w) => `  [${w.code}] ${w.message}`));
  }
  return `${lines.join('\n')}\n`;
}
