/**
 * agreement.json, `hvm-engine/agreement@1`: everything agreement.csv and change.csv hold,
 * plus what was read (files, observers, key level, columns understood and ignored, units),
 * how rows were matched (unmatched manual rows listed), every pair behind every statistic,
 * and the observer-spread verdict per metric. Null means "could not be computed" and the
 * notes say why; there is never a NaN.
 */
import type { MetricAgreement } from './agreement.js';
import type { ChangeComparison } from './change.js';
import type { EngineInput } from './engine-input.js';
import type { ManualScores } from './manual.js';
import type { Ratings } from './match.js';
import type { PlotFiles } from './plot-paths.js';

export const AGREEMENT_SCHEMA_ID = 'hvm-engine/agreement@1' as const;

export interface AgreementReport {
  schema: typeof AGREEMENT_SCHEMA_ID;
  engineVersion: string;
  /** Confidence level of every interval. */
  level: number;
  inputs: {
    manual: {
      file: string;
      keyLevel: string;
      perVessel: boolean;
      observers: string[];
      keyColumns: Record<string, string>;
      columns: { header: string; metric: string; observer: string | null; unit: string | null; scale: number; values: number }[];
      ignoredColumns: string[];
      unitsRow: number | null;
      rows: number;
    }[];
    engine: { source: string; kind: string; clips: number; sessions: number; skippedFiles: string[] };
  };
  matching: {
    matchedEngineClips: number;
    /** Visits of the engine's sessions table that manual rows refer to. */
    matchedEngineSessions: number;
    units: number;
    unmatchedManualRows: number;
    unmatchedManual: Ratings['unmatchedManual'];
  };
  observers: string[];
  metrics: MetricAgreement[];
  change: ChangeComparison[];
  warnings: string[];
  /** The plot files of every comparison with pairs, relative to the agreement folder ([] with --no-plots). */
  plots: PlotFiles[];
}

export function buildReport(args: {
  engineVersion: string;
  level: number;
  manual: ManualScores;
  engine: EngineInput;
  ratings: Ratings;
  metrics: MetricAgreement[];
  change: ChangeComparison[];
}): AgreementReport {
  const { manual, engine, ratings } = args;
  const warnings: string[] = [];
  if (ratings.unmatchedManual.length > 0 && engine.kind !== 'sessions-csv') {
    warnings.push(`${ratings.unmatchedManual.length} manual row(s) match no engine clip: they count between observers only (see matching.unmatchedManual).`);
  }
  for (const s of manual.sheets) {
    if (s.ignoredColumns.length > 0) warnings.push(`${s.file}: columns not understood and ignored: ${s.ignoredColumns.map((c) => `"${c}"`).join(', ')}.`);
    for (const c of s.columns) if (c.scale === 100) warnings.push(`${s.file}: column "${c.header}" read as a fraction and multiplied by 100.`);
  }
  if (engine.kind === 'sessions-csv') warnings.push('the engine input is a sessions table (one row per visit): only per-visit values are compared (session means against visit-level sheets, and HI).');
  if (manual.observers.length < 2) warnings.push('one observer only: no inter-observer agreement to judge the engine against; score a subset twice (or by a second observer) to get one.');
  if (engine.kind === 'clips-csv' && ratings.metrics.includes('flowClass')) warnings.push('per-vessel flow classes need the engine\'s clip-result JSON files (clips.csv has no vessels): flowClass is compared between observers only.');
  for (const m of args.metrics) {
    for (const c of m.comparisons) {
      if (c.type === 'engine-observer' && c.n === 0) warnings.push(`${m.metric}: the engine has no value on any unit ${c.b} scored.`);
    }
  }
  return {
    schema: AGREEMENT_SCHEMA_ID,
    engineVersion: args.engineVersion,
    level: args.level,
    inputs: {
      manual: manual.sheets.map((s) => ({
        file: s.file,
        keyLevel: s.level,
        perVessel: s.vesselLevel,
        observers: s.observers,
        keyColumns: s.keyColumns as Record<string, string>,
        columns: s.columns.map((c) => ({ header: c.header, metric: c.metric, observer: c.observer, unit: c.unit, scale: c.scale, values: c.count })),
        ignoredColumns: s.ignoredColumns,
        unitsRow: s.unitsRow,
        rows: s.records.length,
      })),
      engine: { source: engine.source, kind: engine.kind, clips: engine.clips.length, sessions: engine.sessions.length, skippedFiles: engine.skippedFiles },
    },
    matching: {
      matchedEngineClips: ratings.matchedEngineClips,
      matchedEngineSessions: ratings.matchedEngineSessions ?? 0,
      units: ratings.units.size,
      unmatchedManualRows: ratings.unmatchedManual.length,
      unmatchedManual: ratings.unmatchedManual.slice(0, 200),
    },
    observers: ratings.observers,
    metrics: args.metrics,
    change: args.change,
    warnings,
    plots: [],
  };
}
