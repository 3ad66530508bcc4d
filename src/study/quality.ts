/**
 * Quality gating. A clip result may carry `quality` (the image-quality estimate, MIQS-like);
 * when `quality.accepted === false` the clip is rejected: left out of its session's means
 * and HI unless the study keeps rejected clips (--include-rejected), and listed with its
 * reason either way. Results without a quality field are accepted (nothing to gate on).
 */
import type { ClipResult } from '../report/contract.js';

export interface QualityVerdict {
  /** true / false from the estimate; null when the result carries none. */
  accepted: boolean | null;
  /** Why it was rejected (or the estimate's own summary), in words; null when none. */
  reason: string | null;
  /** The estimate's total score (MIQS: ≥ 10 rejected), when given. */
  total: number | null;
  /** Score per category (duration, stability, …), when given; null = not scored. */
  categories: Record<string, number | null>;
}

export function qualityOf(result: ClipResult): QualityVerdict {
  const q = (result as unknown as { quality?: Record<string, unknown> | null }).quality;
  if (q === undefined || q === null || typeof q !== 'object') return { accepted: null, reason: null, total: null, categories: {} };
  const accepted = q.accepted === true ? true : q.accepted === false ? false : null;
  const categories: Record<string, number | null> = {};
  const cats = q.categories;
  if (cats !== null && typeof cats === 'object') {
    for (const [k, c] of Object.entries(cats as Record<string, { score?: unknown }>)) categories[k] = typeof c?.score === 'number' ? c.score : null;
  }
  return { accepted, reason: accepted === false ? rejectionReason(q) : null, total: typeof q.total === 'number' ? q.total : null, categories };
}

function rejectionReason(q: Record<string, unknown>): string {
  // MIQS: the categories scored unacceptable (10), each with its reason.
  const cats = q.categories;
  if (cats !== null && typeof cats === 'object') {
    const bad = Object.entries(cats as Record<string, { score?: unknown; reason?: unknown }>)
      .filter(([, c]) => c?.score === 10)
      .map(([k, c]) => {
        const why = typeof c.reason === 'string' ? c.reason.trim() : '';
        return why === '' ? `${k} unacceptable` : /^unacceptable\b/i.test(why) ? `${k} ${why}` : `${k} unacceptable (${why})`;
      });
    if (bad.length > 0) return `${typeof q.label === 'string' ? `${q.label}: ` : ''}${bad.join('; ')}`;
  }
  for (const k of ['reason', 'summary', 'message']) if (typeof q[k] === 'string' && q[k] !== '') return q[k] as string;
  for (const k of ['reasons', 'rejectedBecause', 'problems']) {
    const v = q[k];
    if (Array.isArray(v) && v.length > 0) return v.map((x) => (typeof x === 'string' ? x : typeof x === 'object' && x !== null && 'message' in x ? String((x as { message: unknown }).message) : JSON.stringify(x))).join('; ');
  }
  const total = q.total ?? q.score ?? q.miqsTotal;
  if (typeof total === 'number') return `quality score ${total} (rejected at ≥ 10)`;
  return 'rejected by the quality estimate';
}
