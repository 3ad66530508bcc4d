/**
 * `hvm study MANIFEST.csv --out DIR`: every clip of a study, each in its own child process,
 * resumable; clips.csv, sessions.csv, failures.csv, report.html (docs/study.md).
 * Exit status: 0 every clip analysed, 1 any clip failed (failures.csv) or the run was
 * stopped, 2 usage error.
 */
import { analyzeStudy, type StudyOptions } from '../study/study.js';
import { progressReporter } from '../study/progress.js';
import { backendOption, parseCommandArgs, positiveNumber } from './args.js';
import { UsageError } from './usage.js';

const OPTIONS = {
  out: { type: 'string' },
  jobs: { type: 'string' },
  force: { type: 'boolean' },
  quiet: { type: 'boolean' },
  'show-paths': { type: 'boolean' },
  'include-rejected': { type: 'boolean' },
  'timeout-s': { type: 'string' },
  device: { type: 'string' },
  'um-per-px': { type: 'string' },
  start: { type: 'string' },
  duration: { type: 'string' },
  backend: { type: 'string' },
} as const;

export const studyUsage = `hvm study — analyse every clip of a study manifest, resumably

Usage:
  hvm study MANIFEST.csv --out DIR [--jobs N] [--force] [--quiet] [--show-paths]
            [--include-rejected] [--timeout-s S] [--device NAME | --um-per-px N]
            [--start S] [--duration S] [--backend native|wasm]

The manifest (CSV or XLSX) has one row per clip: patient, timepoint, site, path (relative to
the manifest), and optionally device or umPerPx for that row (docs/study.md).

Writes into DIR: clips/<patient>_<timepoint>_<site>/ (result.json, pictures, index.html),
clips.csv (one row per clip), sessions.csv (means over sites and HI per patient × time point),
failures.csv, report.html, study.log.

Options:
  --jobs N            clips analysed at once (default: cores, as free memory allows)
  --force             recompute every clip (otherwise a finished clip is reused when its
                      input, calibration, parameters and engine are unchanged)
  --quiet             print nothing but errors
  --show-paths        show clip file names in report.html (hidden by default: they may
                      identify a patient)
  --include-rejected  keep clips rejected by the quality estimate in session means and HI
  --timeout-s S       time limit of one clip (default 900); a clip that crashes or times
                      out is retried once, then listed in failures.csv
  --device NAME, --um-per-px N
                      calibration of rows that give none (else the clip's sidecar)
  --start S, --duration S
                      analysis window of every clip

Exit status: 0 all clips analysed, 1 a clip failed (see failures.csv) or the run was
stopped, 2 usage error.
`;

export async function runStudy(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, true);
  if (positionals.length !== 1) throw new UsageError(`study takes one manifest, got ${positionals.length}.`, 'Run `hvm study --help`.');
  if (values.out === undefined) throw new UsageError('study needs --out DIR.', 'Run `hvm study --help`.');
  let jobs: number | undefined;
  if (values.jobs !== undefined) {
    jobs = Number(values.jobs);
    if (!(Number.isInteger(jobs) && jobs >= 1)) throw new UsageError(`--jobs needs a whole number ≥ 1, got "${values.jobs}".`);
  }
  const timeoutS = positiveNumber('timeout-s', values['timeout-s']);
  const umPerPx = positiveNumber('um-per-px', values['um-per-px']);
  const durationS = positiveNumber('duration', values.duration);
  const startS = values.start === undefined ? undefined : Number(values.start);
  if (startS !== undefined && !(Number.isFinite(startS) && startS >= 0)) throw new UsageError(`--start needs seconds ≥ 0, got "${values.start}".`);
  const backend = backendOption(values.backend);

  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const options: StudyOptions = {
    out: values.out,
    ...(jobs !== undefined ? { jobs } : {}),
    ...(values.force === true ? { force: true } : {}),
    ...(values['show-paths'] === true ? { showPaths: true } : {}),
    ...(values['include-rejected'] === true ? { includeRejected: true } : {}),
    ...(timeoutS !== undefined ? { timeoutS } : {}),
    ...(values.device !== undefined ? { device: values.device } : {}),
    ...(umPerPx !== undefined ? { umPerPx } : {}),
    ...(startS !== undefined ? { startS } : {}),
    ...(durationS !== undefined ? { durationS } : {}),
    ...(backend !== undefined ? { backend } : {}),
    ...(values.quiet !== true ? { onEvent: progressReporter() } : {}),
    signal: stop.signal,
  };
  try {
    const outcome = await analyzeStudy(positionals[0]!, options);
    return outcome.failed > 0 || outcome.aborted ? 1 : 0;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
