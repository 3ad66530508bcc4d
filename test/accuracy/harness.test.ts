/**
 * Self-tests of the accuracy harness: it must pass a perfect engine, fail each kind of error
 * at its bar (and not before), report every null as "not measured", and read results given
 * in another reference frame. If these fail, the accuracy numbers cannot be trusted.
 */
import { describe, expect, it } from 'vitest';
import { generatePhantom, truthMetricsForRegion, type PhantomTruth } from '../../src/phantom/index.js';
import type { FlowClass } from '../../src/metrics/types.js';
import { METRIC_BARS, VESSEL_BARS } from './bars.js';
import { clone, exactEngineResult, unmeasuredEngineResult } from './fake-engine.js';
import { compareClip, formatClip, formatMarkdown, formatSummary, kappaInterval, LUMEN_CONTRAST_BINS, SPREAD_FAR_MARGIN, summarize, truthLumenContrast, weightedKappa, type EngineResult } from './harness.js';

// A septic field with every class (spread flow: some vessels near the thresholds), occluders,
// borders and an overlay, drifting: the harness sees everything it must handle.
const truth: PhantomTruth = generatePhantom({
  seed: 101, width: 400, height: 320, seconds: 2, flowMix: 'septic', flowMode: 'spread', occlusions: 2,
  borders: 6, overlay: true, driftPxPerS: 8, jitterPx: 1,
}).truth;
const exact = exactEngineResult(truth);
const judged = Object.entries(METRIC_BARS).filter(([, b]) => b.kind !== 'informational').map(([k]) => k);

function failedItems(r: EngineResult): string[] {
  return compareClip(truth, r, { id: 't' }).failures.map((f) => f.split(':')[0]!);
}

describe('accuracy harness self-test', () => {
  it('passes a perfect engine: every judged metric within its bar, recall and precision 100 %, κ = 1, no velocity error', () => {
    const c = compareClip(truth, exact, { id: 'exact' });
    expect(c.failures).toEqual([]);
    expect(c.notMeasured).toEqual([]);
    for (const r of c.rows) {
      expect(r.status).toBe(judged.includes(r.metric) ? 'pass' : 'info');
      if (typeof r.error === 'number') expect(r.error).toBe(0);
    }
    expect(c.vessels.recall).toBeGreaterThan(0.999);
    expect(c.vessels.precision).toBeGreaterThan(0.999);
    expect(c.vessels.weightedKappa).toBe(1);
    expect(c.vessels.velocity.mdare).toBe(0);
    expect(c.vessels.velocity.measured).toBeGreaterThan(5);
    // Every class is present among the pairs; unmatched truth vessels: none.
    for (const cls of [0, 1, 2, 3]) expect(c.vessels.confusion[cls]![cls]).toBeGreaterThan(0);
    expect(c.vessels.missed).toEqual([0, 0, 0, 0]);
    const s = summarize('self', [c]);
    expect(s.failures).toEqual([]);
    expect(s.notMeasuredAnywhere).toEqual([]);
    expect(s.vessels.kappaStatus).toBe('pass');
    expect(s.vessels.velocity.status).toBe('pass');
    expect(s.vessels.byMargin.reduce((a, b) => a + b.classified, 0)).toBe(c.vessels.confusion.flat().reduce((a, b) => a + b, 0));
  });

  it('fails TVD +20 % (and only TVD), passes TVD +9 %', () => {
    const bad = clone(exact);
    bad.metrics.small.TVD = bad.metrics.small.TVD! * 1.2;
    bad.metrics.all.TVD = bad.metrics.all.TVD! * 1.2;
    expect(failedItems(bad)).toEqual(['TVD (small)', 'TVD (all)']);
    const ok = clone(exact);
    ok.metrics.small.TVD = ok.metrics.small.TVD! * 1.09;
    expect(failedItems(ok)).toEqual([]);
    const s = summarize('self', [compareClip(truth, bad, { id: 'bad' })]);
    expect(s.metrics.find((m) => m.metric === 'TVD' && m.population === 'small')).toMatchObject({ measured: 1, pass: 0, fail: 1 });
    expect(s.metrics.find((m) => m.metric === 'TVD' && m.population === 'small')!.maxAbsError).toBeCloseTo(0.2, 9);
    expect(s.failures).toHaveLength(2);
  });

  it('fails MFI +0.3, passes +0.2; fails two quadrants changed; fails PPV +12 points, passes +8', () => {
    const m = clone(exact);
    m.metrics.small.MFI = m.metrics.small.MFI! + 0.3;
    expect(failedItems(m)).toEqual(['MFI (small)']);
    m.metrics.small.MFI = exact.metrics.small.MFI! + 0.2;
    expect(failedItems(m)).toEqual([]);
    const q = clone(exact);
    q.metrics.all.MFIQuadrants = q.metrics.all.MFIQuadrants!.map((c, i) => (i < 2 ? (((c ?? 0) + 1) % 4) as FlowClass : c)) as typeof q.metrics.all.MFIQuadrants;
    expect(failedItems(q)).toEqual(['MFIQuadrants (all)']);
    const p = clone(exact);
    p.metrics.small.PPV = p.metrics.small.PPV! + 12;
    expect(failedItems(p)).toEqual(['PPV (small)']);
    p.metrics.small.PPV = exact.metrics.small.PPV! + 8;
    expect(failedItems(p)).toEqual([]);
    // A value where the truth has none is a failure, not a pass.
    const allStopped = generatePhantom({ seed: 3, width: 160, height: 128, seconds: 1, mode: 'isolated', isolatedVessels: [{ flowClass: 0 }] }).truth;
    const r = exactEngineResult(allStopped);
    r.metrics.small.meanVelocityUmPerS = 100; // truth: no velocity measured (all stopped → 0 µm/s, still a value)
    expect(compareClip(allStopped, r, { id: 'z' }).failures.map((f) => f.split(':')[0])).toEqual(['meanVelocityUmPerS (small)']);
  });

  it('reports today\'s engine (every metric null, no vessels) as not measured — no pass, no fail — and lists all of it', () => {
    const c = compareClip(truth, unmeasuredEngineResult(truth), { id: 'null' });
    expect(c.failures).toEqual([]);
    expect(c.rows.every((r) => r.status === 'not measured')).toBe(true);
    expect(c.notMeasured).toHaveLength(c.rows.length + 1);
    expect(c.notMeasured).toContain('TVD (small)');
    expect(c.notMeasured).toContain('vessels (recall, precision, classes, velocities)');
    expect(c.vessels.recallStatus).toBe('not measured');
    const s = summarize('self', [c]);
    expect(s.failures).toEqual([]);
    expect(s.notMeasuredAnywhere).toEqual(c.notMeasured);
    expect(s.vessels.kappaStatus).toBe('not measured');
    expect(formatSummary(s)).toContain('NOT MEASURED in any clip');
    // One metric reported among nulls: judged, the others still not measured.
    const one = unmeasuredEngineResult(truth);
    one.metrics.all.TVD = truthMetricsForRegion(truth, one.analysis.analysedRegion).all.TVD * 1.3;
    const c1 = compareClip(truth, one, { id: 'one' });
    // TVD is judged (and off); an engine that reports metrics but lists no vessel fails recall and precision.
    expect(c1.failures).toHaveLength(3);
    expect(c1.failures[0]!.startsWith('TVD (all)')).toBe(true);
    expect(c1.failures[1]!.startsWith('small-vessel recall 0.0 %')).toBe(true);
    expect(c1.failures[2]!.startsWith('small-vessel precision')).toBe(true);
    expect(c1.notMeasured).not.toContain('TVD (all)');
    expect(c1.notMeasured).toContain('TVD (small)');
  });

  it('pools small engine length by (engine class, nearest truth vessel class): diagonal for an exact engine; a relabelled vessel moves its length off the diagonal', () => {
    const m = summarize('t', [compareClip(truth, exact, { id: 'exact' })]).vessels.lengthConfusionUm;
    expect(m).toHaveLength(5);
    const total = m.flat().reduce((a, b) => a + b, 0);
    const diagonal = [0, 1, 2, 3].reduce((a, k) => a + m[k]![k]!, 0);
    expect(total).toBeGreaterThan(0);
    expect(diagonal / total).toBeGreaterThan(0.99);
    // The longest small vessel read one class off: its length leaves the diagonal for its new row.
    const relabelled = clone(exact);
    const v = relabelled.vessels.filter((x) => x.small && x.flowClass !== null).sort((a, b) => b.lengthUm - a.lengthUm)[0]!;
    const was = v.flowClass!;
    const now = was === 3 ? 1 : 3;
    v.flowClass = now;
    const c = compareClip(truth, relabelled, { id: 'relabelled' });
    const moved = c.vessels.engineVessels.find((e) => e.id === v.id)!.matchedUmByTruthClass[was];
    expect(moved).toBeGreaterThan(0.9 * v.lengthUm);
    const m2 = summarize('t', [c]).vessels.lengthConfusionUm;
    expect(m2[now]![was]! - m[now]![was]!).toBeCloseTo(moved, 6);
    expect(m[was]![was]! - m2[was]![was]!).toBeCloseTo(moved, 6);
  });

  it('matches centerlines at 2 px: 1.5 px off passes, 3 px off fails; missing length fails recall, invented length fails precision', () => {
    const shift = (d: number): EngineResult => {
      const r = clone(exact);
      for (const v of r.vessels) v.points = v.points.map(([x, y]) => [x + d * 0.6, y + d * 0.8]);
      return r;
    };
    const near = compareClip(truth, shift(1.5), { id: 'near' }).vessels;
    expect(near.recallStatus).toBe('pass');
    expect(near.precisionStatus).toBe('pass');
    const far = compareClip(truth, shift(3), { id: 'far' }).vessels;
    expect(far.recallStatus).toBe('fail');
    expect(far.precisionStatus).toBe('fail');
    // Drop the longest small vessels until ≥ 15 % of the small-vessel length is gone (the
    // judged recall is the small vessels'; dropping a venule would not move it).
    const dropped = clone(exact);
    const total = dropped.vessels.filter((v) => v.small).reduce((a, v) => a + v.lengthUm, 0);
    dropped.vessels.sort((a, b) => Number(b.small) - Number(a.small) || b.lengthUm - a.lengthUm);
    let gone = 0;
    while (gone < 0.15 * total) gone += dropped.vessels.shift()!.lengthUm;
    const d = compareClip(truth, dropped, { id: 'dropped' }).vessels;
    expect(d.recallStatus).toBe('fail');
    expect(d.recall!).toBeCloseTo(1 - gone / total, 1);
    expect(d.precisionStatus).toBe('pass');
    // Invent long straight vessels across the region (mostly away from any truth vessel).
    const inv = clone(exact);
    const g = exact.analysis.analysedRegion;
    for (let k = 0; k < 12; k++) {
      const y = g.y + 6 + k * ((g.height - 12) / 11);
      inv.vessels.push({ ...inv.vessels[0]!, id: `fake${k}`, points: [[g.x + 2, y], [g.x + g.width - 2, y + 0.5]], flowClass: 3, small: true });
    }
    const iv = compareClip(truth, inv, { id: 'invented' }).vessels;
    expect(iv.recallStatus).toBe('pass');
    expect(iv.precisionStatus).toBe('fail');
    // Per engine vessel: the exact ones are matched whole, the invented ones mostly not; the
    // summary's false length by class holds the invented length, all of it class 3.
    const fakes = iv.engineVessels.filter((e) => e.id.startsWith('fake'));
    expect(fakes).toHaveLength(12);
    for (const e of iv.engineVessels.filter((e) => !e.id.startsWith('fake'))) if (e.matchedShare !== null) expect(e.matchedShare).toBeGreaterThan(0.99);
    const fakeFalse = fakes.reduce((a, e) => a + e.lengthUm * (1 - e.matchedShare!), 0);
    expect(fakeFalse).toBeGreaterThan(0.5 * fakes.reduce((a, e) => a + e.lengthUm, 0));
    const byClass = summarize('t', [compareClip(truth, inv, { id: 'invented' })]).vessels.falseLengthUmByEngineClass;
    expect(byClass.find((b) => b.engineClass === 3)!.falseUm).toBeCloseTo(fakeFalse, 6);
    // Recall by depth layer: every layer whole for the exact engine; the layers' truth adds
    // up to the clip's.
    const layers = compareClip(truth, exact, { id: 'exact' }).vessels;
    expect(layers.recallByDepthLayer.length).toBeGreaterThan(1);
    for (const b of layers.recallByDepthLayer) expect(b.matchedUm / b.truthUm).toBeGreaterThan(0.999);
    expect(layers.recallByDepthLayer.reduce((a, b) => a + b.truthUm, 0)).toBeCloseTo(layers.truthLengthUm, 6);
    const lost = d.recallByDepthLayer.reduce((a, b) => a + b.truthUm - b.matchedUm, 0);
    expect(lost / d.truthLengthUm).toBeCloseTo(1 - d.recall!, 9);
    // Recall by the truth's flow class: the same totals split by class; the dropped vessels'
    // classes are the ones that lose length.
    for (const b of layers.recallByFlowClass) expect(b.matchedUm / b.truthUm).toBeGreaterThan(0.999);
    expect(d.recallByFlowClass.reduce((a, b) => a + b.truthUm, 0)).toBeCloseTo(d.truthLengthUm, 6);
    expect(d.recallByFlowClass.reduce((a, b) => a + b.truthUm - b.matchedUm, 0)).toBeCloseTo(lost, 6);
    const droppedClasses = new Set(truth.vessels.filter((v) => v.small && !dropped.vessels.some((e) => e.id === v.id || e.id.startsWith(`${v.id}.`))).map((v) => v.flowClass));
    expect(droppedClasses.size).toBeLessThan(4);
    for (const b of d.recallByFlowClass) if (!droppedClasses.has(b.flowClass as 0 | 1 | 2 | 3)) expect(b.matchedUm / b.truthUm).toBeGreaterThan(0.999);
    const pooled = summarize('t', [compareClip(truth, dropped, { id: 'dropped' })]).vessels.recallByFlowClass;
    for (const b of pooled) expect(b.recall!).toBeCloseTo(d.recallByFlowClass.find((x) => x.flowClass === b.flowClass)!.matchedUm / b.truthUm, 9);
    // Dropping the venules (not small) leaves the judged recall whole and lowers the reported all-vessel recall.
    const noVenules = clone(exact);
    noVenules.vessels = noVenules.vessels.filter((v) => v.small);
    const nv = compareClip(truth, noVenules, { id: 'no-venules' }).vessels;
    expect(exact.vessels.some((v) => !v.small)).toBe(true);
    expect(nv.recall!).toBeGreaterThan(0.999);
    expect(nv.recallAll!).toBeLessThan(0.95);
  });

  it('measures a vessel\'s lumen contrast on the mean image and reports recall by it: contrast bins add up to the small-vessel truth, and the faint vessels dropped are the ones that lose length', () => {
    // A straight dark line of 6 px on a flat 200 background at relative depth 0.3: contrast 0.3;
    // the same line on a ramp background still reads 0.3 (the ring is on both sides).
    const W = 80, H = 60;
    const line = (bg: (x: number, y: number) => number, depth: number): Float32Array => {
      const im = new Float32Array(W * H);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) im[y * W + x] = bg(x, y) * (Math.abs(y - 30) <= 3 ? 1 - depth : 1);
      return im;
    };
    const pts: [number, number][] = Array.from({ length: 50 }, (_, i) => [15 + i, 30]);
    expect(truthLumenContrast({ image: line(() => 200, 0.3), width: W, height: H }, pts, 7, 1)).toBeCloseTo(0.3, 6);
    expect(truthLumenContrast({ image: line((x) => 150 + x, 0.3), width: W, height: H }, pts, 7, 1)).toBeCloseTo(0.3, 1);
    expect(truthLumenContrast({ image: line(() => 200, 0), width: W, height: H }, pts, 7, 1)).toBe(0);
    expect(truthLumenContrast({ image: line(() => 200, 0.3), width: W, height: H }, [[-50, -50], [-40, -50], [-30, -50]], 7, 1)).toBeNull();

    // The phantom: a mean image where every truth vessel is drawn at a contrast chosen by its
    // index (some faint, some plain), in reference-frame px.
    const ref = exact.analysis.referenceFrame;
    const off = truth.frames[ref]!.offsetPx;
    const { width: mw, height: mh } = truth.clip;
    const mean = new Float32Array(mw * mh).fill(200);
    const depthOf = (i: number): number => [0.03, 0.08, 0.15, 0.4][i % 4]!;
    const um = Math.sqrt(truth.clip.scale.umPerPxX * truth.clip.scale.umPerPxY);
    truth.vessels.forEach((v, i) => {
      const r = v.diameterUm / um / 2;
      const pl = v.centerlinePx.map(([x, y]) => [x - off[0], y - off[1]] as const);
      for (let k = 1; k < pl.length; k++) {
        const [ax, ay] = pl[k - 1]!, [bx, by] = pl[k]!;
        const n = Math.ceil(Math.hypot(bx - ax, by - ay) * 2) + 1;
        for (let j = 0; j <= n; j++) {
          const cx = ax + ((bx - ax) * j) / n, cy = ay + ((by - ay) * j) / n;
          for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
            if (x < 0 || y < 0 || x >= mw || y >= mh || Math.hypot(x - cx, y - cy) > r) continue;
            mean[y * mw + x] = Math.min(mean[y * mw + x]!, 200 * (1 - depthOf(i)));
          }
        }
      }
    });
    const m = { image: mean, width: mw, height: mh };
    const all = compareClip(truth, exact, { id: 'exact', mean: m }).vessels;
    expect(all.recallByLumenContrast.length).toBeGreaterThan(2);
    expect(all.recallByLumenContrast.reduce((a, b) => a + b.truthUm, 0)).toBeCloseTo(all.truthLengthUm, 0);
    for (const b of all.recallByLumenContrast) expect(b.matchedUm / b.truthUm).toBeGreaterThan(0.999);
    // Without a mean image there are no bins.
    expect(compareClip(truth, exact, { id: 'exact' }).vessels.recallByLumenContrast).toEqual([]);
    // Drop the engine vessels of the faintest truth vessels (drawn at 0.03): the lowest bin loses
    // its length, the plain bins keep theirs.
    const faint = new Set(truth.vessels.filter((v, i) => v.small && depthOf(i) === 0.03).map((v) => v.id));
    const noFaint = clone(exact);
    noFaint.vessels = noFaint.vessels.filter((e) => !faint.has(e.id) && !faint.has(e.id.split('.')[0]!));
    const nf = compareClip(truth, noFaint, { id: 'no-faint', mean: m }).vessels;
    const lowest = nf.recallByLumenContrast.find((b) => b.bin === 0)!;
    expect(lowest.truthUm).toBeGreaterThan(0);
    expect(lowest.matchedUm / lowest.truthUm).toBeLessThan(0.5);
    const plain = nf.recallByLumenContrast.find((b) => b.bin === LUMEN_CONTRAST_BINS.length - 1)!;
    expect(plain.matchedUm / plain.truthUm).toBeGreaterThan(0.9);
    const pooled = summarize('t', [compareClip(truth, noFaint, { id: 'no-faint', mean: m })]).vessels.recallByLumenContrast;
    expect(pooled.map((b) => b.label)).toEqual(nf.recallByLumenContrast.map((b) => LUMEN_CONTRAST_BINS[b.bin]!.label));
  });

  it('pools flow classes into a confusion matrix and weighted kappa that fall when classes are wrong', () => {
    const r = clone(exact);
    // Shift every class by one step down (3→2, 2→1, 1→0), keep 0.
    for (const v of r.vessels) if (v.flowClass !== null && v.flowClass > 0) v.flowClass = (v.flowClass - 1) as FlowClass;
    const c = compareClip(truth, r, { id: 'cls' });
    expect(c.vessels.exactAgreement!).toBeLessThan(0.5);
    const s = summarize('self', [c]);
    expect(s.vessels.weightedKappa!).toBeLessThan(VESSEL_BARS.pooledWeightedKappa.min);
    expect(s.vessels.kappaStatus).toBe('fail');
    expect(s.failures.some((f) => f.startsWith('pooled: flow-class weighted kappa'))).toBe(true);
    // Unclassified engine vessels are counted apart, not as disagreement.
    const u = clone(exact);
    for (const v of u.vessels) v.flowClass = null;
    const cu = compareClip(truth, u, { id: 'uncl' });
    expect(cu.vessels.unclassified.reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
    expect(cu.vessels.weightedKappa).toBeNull();
    expect(cu.notMeasured).toContain('vessel flow classes');
  });

  it('judges issue 6\'s flow classes by mode over matched small vessels: clear-cut clips by κ, accuracy and classified length; spread clips by accuracy away from the thresholds', () => {
    // Spread (the file's truth): an exact engine is right everywhere; relabelling only the
    // vessels near a threshold lowers the overall accuracy but not the far one.
    const sp = summarize('s', [compareClip(truth, exact, { id: 'spread' })]).vessels.byFlowMode;
    expect(sp.clearCut.clips).toBe(0);
    expect(sp.spread.clips).toBe(1);
    expect(sp.spread.exactAgreement).toBe(1);
    expect(sp.spread.farExactAgreement).toBe(1);
    expect(sp.spread.farFromThreshold).toBeGreaterThan(0);
    expect(sp.spread.farFromThreshold).toBeLessThan(sp.spread.classified);
    const near = new Set(compareClip(truth, exact, { id: 'x' }).vessels.pairs.filter((p) => p.truthSmall && p.marginRelative < SPREAD_FAR_MARGIN).map((p) => p.engineId));
    const r = clone(exact);
    for (const v of r.vessels) if (near.has(v.id) && v.flowClass !== null) v.flowClass = (v.flowClass === 3 ? 0 : 3) as FlowClass;
    const sp2 = summarize('s', [compareClip(truth, r, { id: 'near-wrong' })]).vessels.byFlowMode.spread;
    expect(sp2.exactAgreement!).toBeLessThan(1);
    expect(sp2.farExactAgreement).toBe(1);
    // Clear-cut: κ 1 and all matched length classified for an exact engine; a venule read wrong
    // does not count (small vessels only); small vessels left unclassified lower the share.
    const cc = generatePhantom({ seed: 102, width: 320, height: 256, seconds: 1, flowMix: 'septic' }).truth;
    const ex = exactEngineResult(cc);
    const c1 = summarize('c', [compareClip(cc, ex, { id: 'clear' })]).vessels.byFlowMode.clearCut;
    expect(c1.clips).toBe(1);
    expect(c1.weightedKappa).toBe(1);
    expect(c1.exactAgreement).toBe(1);
    expect(c1.classifiedLengthShare!).toBeCloseTo(1, 9);
    const venule = clone(ex);
    for (const v of venule.vessels) if (!v.small && v.flowClass !== null) v.flowClass = 0;
    expect(summarize('c', [compareClip(cc, venule, { id: 'venule' })]).vessels.byFlowMode.clearCut.weightedKappa).toBe(1);
    const half = clone(ex);
    half.vessels.filter((v) => v.small).forEach((v, i) => { if (i % 2 === 0) v.flowClass = null; });
    const c2 = summarize('c', [compareClip(cc, half, { id: 'half' })]).vessels.byFlowMode.clearCut;
    expect(c2.classifiedLengthShare!).toBeLessThan(0.8);
    expect(c2.classifiedLengthShare!).toBeGreaterThan(0.2);
    expect(formatSummary(summarize('c', [compareClip(cc, half, { id: 'half' })]))).toContain('issue 6, clear-cut clips (1)');
  });

  it('gives the clear-cut κ a reproducible interval over resampled clips: [1, 1] for perfect clips, wider with fewer or disagreeing clips, null for one clip', () => {
    const perfect = [[5, 0, 0, 0], [0, 4, 0, 0], [0, 0, 6, 0], [0, 0, 0, 20]];
    expect(kappaInterval([perfect, perfect, perfect])).toEqual([1, 1]);
    expect(kappaInterval([perfect])).toBeNull();
    // Clips that disagree with each other: one perfect, one with stops read continuous.
    const bad = [[2, 0, 0, 3], [0, 4, 0, 0], [0, 0, 6, 0], [0, 1, 0, 20]];
    const clips = [perfect, bad, perfect, bad, perfect, bad, perfect, bad];
    const pooled = weightedKappa(clips.reduce((acc, m) => acc.map((r, i) => r.map((v, j) => v + m[i]![j]!)), [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]))!;
    const iv = kappaInterval(clips)!;
    expect(iv[0]).toBeLessThan(pooled);
    expect(iv[1]).toBeGreaterThan(pooled);
    expect(iv[1]).toBeLessThanOrEqual(1);
    expect(kappaInterval(clips)).toEqual(iv); // fixed seed
    const few = kappaInterval(clips.slice(0, 2))!;
    expect(few[1] - few[0]).toBeGreaterThan(iv[1] - iv[0]);
  });

  it('computes weighted kappa correctly (hand-worked cases)', () => {
    expect(weightedKappa([[20, 5], [10, 15]])).toBeCloseTo(0.4, 12); // Cohen's κ for 2 classes
    expect(weightedKappa([[1, 1, 0], [0, 1, 0], [0, 0, 1]])).toBeCloseTo(5 / 7, 12);
    expect(weightedKappa([[0, 0], [0, 0]])).toBeNull();
    expect(weightedKappa([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 9]])).toBe(1);
  });

  it('fails velocities 50 % too fast, passes 10 % too fast; only measurable vessels count', () => {
    const scaleV = (f: number): EngineResult => {
      const r = clone(exact);
      for (const v of r.vessels) if (v.velocity?.valueUmPerS) v.velocity.valueUmPerS *= f;
      return r;
    };
    const slow = summarize('self', [compareClip(truth, scaleV(1.5), { id: 'v15' })]);
    expect(slow.vessels.velocity.mdare!).toBeCloseTo(0.5, 9);
    expect(slow.vessels.velocity.status).toBe('fail');
    const ok = summarize('self', [compareClip(truth, scaleV(1.1), { id: 'v11' })]);
    expect(ok.vessels.velocity.status).toBe('pass');
    const c = compareClip(truth, exact, { id: 'x' });
    const fps = truth.clip.fps.num / truth.clip.fps.den;
    for (const p of c.vessels.pairs) {
      if (p.measurable) expect(p.truthVelocityUmPerS).toBeLessThanOrEqual((p.truthLengthUm * fps) / 2);
      if (p.truthVelocityUmPerS === 0) expect(p.measurable).toBe(false);
    }
  });

  it('reads a result given in another reference frame (region and centerlines shifted by that frame\'s offset)', () => {
    const k = truth.clip.frameCount - 1;
    expect(Math.hypot(...truth.frames[k]!.offsetPx)).toBeGreaterThan(5);
    const r = exactEngineResult(truth, { referenceFrame: k });
    const c = compareClip(truth, r, { id: 'ref' });
    expect(c.failures).toEqual([]);
    expect(c.region.frame0).toEqual(truth.regions.common);
    expect(c.vessels.recall).toBeGreaterThan(0.999);
    // Read as if in frame 0, the same result is off: the shift matters.
    const wrong = clone(r);
    wrong.analysis.referenceFrame = 0;
    expect(compareClip(truth, wrong, { id: 'wrong' }).failures.length).toBeGreaterThan(0);
  });

  it('formats per-clip tables, the summary and markdown', () => {
    const c = compareClip(truth, exact, { id: 'exact', description: 'self-test' });
    const text = formatClip(c);
    expect(text).toContain('TVD');
    expect(text).toContain('recall 100.0 %');
    const md = formatMarkdown(summarize('self', [c]), [c]);
    expect(md).toContain('| TVD | small | 1/1 | 1 | 0 |');
    expect(md).toContain('## Bars');
  });
});

