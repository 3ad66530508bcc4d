/**
 * Self-test of the known-miss gate (baseline.ts): a target miss with no recorded baseline
 * fails; one no worse than recorded passes and is listed; one worse than recorded beyond the
 * drift slack fails; a recorded miss that is now met is reported so the baseline can tighten.
 */
import { describe, expect, it } from 'vitest';
import { generatePhantom, type PhantomTruth } from '../../src/phantom/index.js';
import { baselineOf, DRIFT_SLACK, gate } from './baseline.js';
import { clone, exactEngineResult } from './fake-engine.js';
import { compareClip, summarize, type EngineResult } from './harness.js';

const truth: PhantomTruth = generatePhantom({ seed: 102, width: 320, height: 256, seconds: 1, flowMix: 'healthy' }).truth;
const exact = exactEngineResult(truth);

function withTvd(factor: number): EngineResult {
  const r = clone(exact);
  r.metrics.all.TVD = r.metrics.all.TVD! * factor;
  return r;
}
function run(r: EngineResult) {
  const c = compareClip(truth, r, { id: 'c' });
  return { comps: [c], summary: summarize('self', [c]) };
}

describe('known-miss gate', () => {
  const miss = run(withTvd(0.8)); // TVD −20 %: misses the ±10 % target
  const baseline = baselineOf('self', 'test', miss.comps, miss.summary);

  it('records exactly the missed items, with their error', () => {
    expect(Object.keys(baseline.entries)).toEqual(['c|TVD|all']);
    expect(baseline.entries['c|TVD|all']).toBeCloseTo(0.2, 10);
  });

  it('fails a miss that has no recorded baseline', () => {
    expect(gate(miss.comps, miss.summary, null).regressions).toHaveLength(1);
  });

  it('passes the same miss with its baseline, and within the slack; fails beyond it', () => {
    expect(gate(miss.comps, miss.summary, baseline)).toMatchObject({ regressions: [], nowMet: [] });
    expect(gate(miss.comps, miss.summary, baseline).knownMisses).toHaveLength(1);
    const within = run(withTvd(0.8 - DRIFT_SLACK.relative / 2));
    expect(gate(within.comps, within.summary, baseline).regressions).toEqual([]);
    const worse = run(withTvd(0.8 - 2 * DRIFT_SLACK.relative));
    expect(gate(worse.comps, worse.summary, baseline).regressions).toHaveLength(1);
  });

  it('reports a recorded miss that now meets its target', () => {
    const ok = run(exact);
    expect(gate(ok.comps, ok.summary, baseline)).toMatchObject({ regressions: [], nowMet: ['c|TVD|all'] });
  });
});
