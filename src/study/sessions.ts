/**
 * Sessions (patient × time point) of a study, with their metrics from src/metrics/session.ts
 * (computeSessionMetrics: means over the analysed sites and HI; never re-implemented here).
 * A site enters when its clip finished and was not rejected for quality (unless the study
 * keeps rejected clips); every other planned site is listed as excluded, with the reason.
 */
import { sessionKey } from '../compare/keys.js';
import { computeSessionMetrics, type SessionMetrics } from '../metrics/session.js';
import type { ClipMetrics, MetricSet } from '../metrics/types.js';
import type { ClipResult } from '../report/contract.js';
import { qualityOf } from './quality.js';
import type { ClipState } from './state.js';

export interface SessionSite {
  clip: ClipState;
  /** Why the site is left out of the means and HI; null when it entered. */
  excludedReason: string | null;
  /** Rejected by the quality estimate but kept (--include-rejected). */
  rejectedButIncluded: string | null;
}

export interface StudySession {
  patient: string;
  timepoint: string;
  sites: SessionSite[];
  metrics: SessionMetrics;
}

/** The contract's metrics (nullable where not measured) as the session formulas take them. */
export function clipMetricsOf(result: ClipResult): ClipMetrics {
  // computeSessionMetrics leaves a null metric out of its mean (its `n` counts the sites that
  // entered), so the contract's "not measured" nulls pass through unchanged.
  return {
    small: result.metrics.small as unknown as MetricSet,
    all: result.metrics.all as unknown as MetricSet,
    analysedAreaMm2: result.analysis.analysedAreaMm2,
    gridLineLengthMm: Number.NaN,
    smallVesselMaxUm: result.calibration.smallVesselMaxUm,
    warnings: [],
  };
}

/** Whether and why one clip is left out of its session. */
export function siteExclusion(c: ClipState, includeRejected: boolean): { excludedReason: string | null; rejectedButIncluded: string | null } {
  if (c.status === 'failed') return { excludedReason: `failed (${c.failure?.code ?? 'unknown error'})`, rejectedButIncluded: null };
  if (c.status !== 'done' || c.result === null) return { excludedReason: 'not analysed (the run stopped before it)', rejectedButIncluded: null };
  const q = qualityOf(c.result);
  if (q.accepted === false) {
    const why = `rejected by the quality estimate: ${q.reason ?? 'no reason given'}`;
    return includeRejected ? { excludedReason: null, rejectedButIncluded: why } : { excludedReason: why, rejectedButIncluded: null };
  }
  return { excludedReason: null, rejectedButIncluded: null };
}

/** Sessions in manifest order; sites planned = the manifest's rows of the session. */
export function buildSessions(clips: readonly ClipState[], includeRejected: boolean): StudySession[] {
  const groups = new Map<string, ClipState[]>();
  for (const c of clips) {
    const k = sessionKey(c.entry.patient, c.entry.timepoint);
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [c]);
    else g.push(c);
  }
  const out: StudySession[] = [];
  for (const g of groups.values()) {
    const sites = g.map((clip) => ({ clip, ...siteExclusion(clip, includeRejected) }));
    const metrics = computeSessionMetrics(
      sites.map((s) => ({
        siteId: s.clip.entry.site,
        metrics: s.clip.result !== null && s.excludedReason === null ? clipMetricsOf(s.clip.result) : null,
        ...(s.excludedReason !== null ? { excludedReason: s.excludedReason } : {}),
      })),
      { sitesPlanned: g.length },
    );
    out.push({ patient: g[0]!.entry.patient, timepoint: g[0]!.entry.timepoint, sites, metrics });
  }
  return out;
}
