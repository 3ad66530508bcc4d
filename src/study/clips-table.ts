/**
 * clips.csv: one tidy row per manifest clip, ready for R or SPSS. The first columns are the
 * engine table layout of src/compare/engine-table.ts (engineTableRow: patient, timepoint,
 * site, path, <metric>_<population>) so `hvm compare --engine STUDY_DIR` reads it; then, in
 * a fixed order: status, the other metrics of the contract, quality, calibration, analysis
 * window and provenance. Failed clips have status "failed", their error code and empty
 * metrics (empty = not measured, never zero).
 */
import { engineTableRow, formatEngineTable, type EngineTableRow } from '../compare/engine-table.js';
import { POPULATIONS } from '../compare/metrics.js';
import type { ReportedMetricSet } from '../report/contract.js';
import { qualityOf } from './quality.js';
import { siteExclusion } from './sessions.js';
import type { ClipState } from './state.js';

/** Metrics of the contract that the engine table layout leaves out (per population). */
const MORE_METRICS = [
  'unclassifiedLengthPct', 'vesselCount', 'meanVelocityUmPerS', 'sdVelocityUmPerS', 'velocityMeasuredCount',
  'censoredAboveCount', 'censoredBelowCount', 'crossingCount', 'classifiedCrossingCount', 'perfusedCrossingCount',
] as const;
const LENGTH_CLASSES = ['0', '1', '2', '3', 'unclassified'] as const;

const HEAD = ['clipId', 'status', 'errorCode', 'inSessionMeans', 'excludedReason', 'qualityAccepted', 'qualityTotal', 'qualityReason'];
const TAIL = [
  'umPerPxX', 'umPerPxY', 'calibrationSource', 'device', 'smallVesselMaxUm',
  'analysedAreaMm2', 'windowStartS', 'windowEndS', 'referenceFrame', 'framesUsed', 'framesDropped',
  'width', 'height', 'sampleAspectRatio', 'fps', 'frameCount', 'headerFrameCount', 'durationS', 'interlaced', 'truncated',
  'container', 'codec', 'sha256', 'framesHash', 'decoderVersion', 'engineVersion', 'engineBackend', 'warnings',
];

function metricColumns(): string[] {
  const cols: string[] = [];
  for (const p of POPULATIONS) {
    for (const m of MORE_METRICS) cols.push(`${m}_${p}`);
    for (const c of LENGTH_CLASSES) cols.push(`lengthUmClass${c === 'unclassified' ? 'Unclassified' : c}_${p}`);
  }
  return cols;
}

export function clipsTableRows(clips: readonly ClipState[], includeRejected: boolean): EngineTableRow[] {
  const qualityCats = new Set<string>();
  for (const c of clips) if (c.result !== null) for (const k of Object.keys(qualityOf(c.result).categories)) qualityCats.add(k);
  const extra = [...HEAD, ...[...qualityCats].map((k) => `quality_${k}`), ...metricColumns(), ...TAIL];
  return clips.map((c) => {
    const e = c.entry;
    const key = { patient: e.patient, timepoint: e.timepoint, site: e.site };
    const row: EngineTableRow =
      c.result !== null ? engineTableRow(c.result, key) : { ...key, path: e.path };
    row.path = e.path; // as in the manifest (the child ran in the manifest's folder, so the same text)
    for (const k of extra) row[k] = null;
    const ex = siteExclusion(c, includeRejected);
    row.clipId = e.id;
    row.status = c.status === 'done' ? 'ok' : c.status;
    row.errorCode = c.failure?.code ?? null;
    row.inSessionMeans = ex.excludedReason === null ? 'yes' : 'no';
    row.excludedReason = ex.excludedReason ?? ex.rejectedButIncluded;
    const r = c.result;
    if (r === null) return row;
    const q = qualityOf(r);
    row.qualityAccepted = q.accepted === null ? null : q.accepted ? 'yes' : 'no';
    row.qualityTotal = q.total;
    row.qualityReason = q.reason;
    for (const [k, v] of Object.entries(q.categories)) row[`quality_${k}`] = v;
    for (const p of POPULATIONS) {
      const set: ReportedMetricSet = r.metrics[p];
      for (const m of MORE_METRICS) row[`${m}_${p}`] = set[m] ?? null;
      for (const cl of LENGTH_CLASSES) {
        row[`lengthUmClass${cl === 'unclassified' ? 'Unclassified' : cl}_${p}`] = set.lengthUmByFlowClass?.[cl] ?? null;
      }
    }
    const s = r.source;
    Object.assign(row, {
      umPerPxX: r.calibration.umPerPxX, umPerPxY: r.calibration.umPerPxY, calibrationSource: r.calibration.source,
      device: r.calibration.device, smallVesselMaxUm: r.calibration.smallVesselMaxUm,
      analysedAreaMm2: r.analysis.analysedAreaMm2, windowStartS: r.analysis.window.startS, windowEndS: r.analysis.window.endS,
      referenceFrame: r.analysis.referenceFrame, framesUsed: r.analysis.framesUsed, framesDropped: r.analysis.framesDropped,
      width: s.width, height: s.height, sampleAspectRatio: s.sampleAspectRatio, fps: s.fps, frameCount: s.frameCount,
      headerFrameCount: s.headerFrameCount, durationS: s.durationS, interlaced: s.interlaced ? 'yes' : 'no', truncated: s.truncated ? 'yes' : 'no',
      container: s.container, codec: s.codec, sha256: s.sha256, framesHash: s.framesHash, decoderVersion: s.decoder.version,
      engineVersion: r.engine.version, engineBackend: r.engine.backend, warnings: r.warnings.map((w) => w.code).join(';'),
    });
    return row;
  });
}

export function formatClipsCsv(clips: readonly ClipState[], includeRejected: boolean): string {
  return formatEngineTable(clipsTableRows(clips, includeRejected));
}
