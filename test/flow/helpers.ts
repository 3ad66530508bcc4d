/**
 * Runs the flow stage on a phantom clip with the TRUTH centerlines as paths and the truth
 * camera track as content shifts (dx = −(offset_k − offset_0)), which isolates the flow stage
 * from segmentation and registration, and scores it against the truth.
 */
import type { CoreBackend } from '../../src/backend/types.js';
import { createFlowMeasurer } from '../../src/flow/measurer.js';
import type { FlowParams } from '../../src/flow/params.js';
import type { FlowPath, VesselFlow } from '../../src/flow/types.js';
import { generatePhantom, type PhantomOptions, type PhantomTruth, type TruthVessel } from '../../src/phantom/index.js';

export interface Scored {
  truth: TruthVessel;
  flow: VesselFlow;
  /** Length of the truth centerline inside the frame in every frame (longest run), µm. */
  insideUm: number;
  /** The measurable range the TEST derives from truth geometry and fps, µm/s. */
  rangeUmPerS: [number, number];
  /** The clip's seed (for the printed lines). */
  seed?: number;
}

/** Longest run of the centerline (sampled every 0.5 µm) seen inside the frame in every frame, µm. */
export function insideLengthUm(v: TruthVessel, truth: PhantomTruth): number {
  const { umPerPxX: sx, umPerPxY: sy } = truth.clip.scale;
  const W = truth.clip.width;
  const H = truth.clip.height;
  const b = truth.borders;
  const offs = truth.frames.map((f) => f.offsetPx);
  let best = 0;
  let run = 0;
  const pl = v.centerlinePx;
  for (let i = 1; i < pl.length; i++) {
    const [x0, y0] = pl[i - 1]!;
    const [x1, y1] = pl[i]!;
    const segUm = Math.hypot((x1 - x0) * sx, (y1 - y0) * sy);
    const n = Math.max(1, Math.ceil(segUm / 0.5));
    for (let j = 0; j < n; j++) {
      const x = x0 + ((x1 - x0) * j) / n;
      const y = y0 + ((y1 - y0) * j) / n;
      let inside = true;
      for (const [ox, oy] of offs) {
        const fx = x - ox;
        const fy = y - oy;
        if (fx < b.left + 2 || fy < b.top + 2 || fx > W - 1 - b.right - 2 || fy > H - 1 - b.bottom - 2) {
          inside = false;
          break;
        }
      }
      run = inside ? run + segUm / n : 0;
      best = Math.max(best, run);
    }
  }
  return best;
}

/**
 * The test's own measurable range from truth geometry: a displacement per frame is
 * resolvable while two rows still overlap by max(1/3 of the path, 12 µm) — the streak spans
 * ≥ 1.5 frames inside the path, the domain's "2–3 frames" rule at its lenient end — so
 * hi = (L − max(L/3, 12 µm)) · rate; lo = one µm per 0.08 s (slower reads as stopped). rate is
 * the frame rate, or the field rate (2 × fps) for interlaced clips measured per field.
 */
export function testRange(insideUm: number, rate: number): [number, number] {
  return [1 / 0.08, Math.max(0, insideUm - Math.max(insideUm / 3, 12)) * rate];
}

export function runPhantom(o: PhantomOptions, be: CoreBackend, params?: Partial<FlowParams>): { truth: PhantomTruth; scored: Scored[]; ms: number; sampleMs: number; estimateMs: number } {
  const ph = generatePhantom({ codec: 'none', width: 320, height: 256, seconds: 3, ...o });
  const t = ph.truth;
  const { umPerPxX: sx, umPerPxY: sy } = t.clip.scale;
  const fps = t.clip.fps.num / t.clip.fps.den;
  const paths: FlowPath[] = t.vessels.map((v) => ({ id: v.id, polylinePx: v.centerlinePx, diameterPx: v.diameterUm / Math.sqrt(sx * sy) }));
  const interlace = t.clip.interlace;
  const m = createFlowMeasurer(paths, {
    width: t.clip.width,
    height: t.clip.height,
    fps,
    scale: t.clip.scale,
    core: be,
    ...(params ? { params } : {}),
    ...(interlace !== 'none' ? { interlaced: true, fieldOrder: interlace } : {}),
  });
  const ref = t.frames[0]!.offsetPx;
  let k = 0;
  let sampleMs = 0;
  for (const data of ph.frames()) {
    const tf = t.frames[k]!;
    const ta = performance.now();
    m.addFrame({
      index: k,
      timeS: tf.timeS,
      data,
      dx: -(tf.offsetPx[0] - ref[0]),
      dy: -(tf.offsetPx[1] - ref[1]),
      status: k === 0 ? 'reference' : tf.duplicateOf !== null ? 'duplicate' : 'registered',
    });
    sampleMs += performance.now() - ta;
    k++;
  }
  const tf0 = performance.now();
  const flows = m.finish();
  const estimateMs = performance.now() - tf0;
  const ms = sampleMs + estimateMs;
  const scored = t.vessels.map((v, i) => {
    const insideUm = insideLengthUm(v, t);
    // Interlaced clips are measured per field: the row rate is 2 × fps.
    return { truth: v, flow: flows[i]!, insideUm, rangeUmPerS: testRange(insideUm, interlace !== 'none' ? 2 * fps : fps), seed: o.seed };
  });
  return { truth: t, scored, ms, sampleMs, estimateMs };
}

export interface Summary {
  n: number;
  classified: number;
  accuracy: number;
  kappa: number;
  confusion: number[][];
  mdare: number | null;
  mdareN: number;
  censorOk: number;
  censorN: number;
  lines: string[];
}

/** Linear weighted kappa of a 4×4 confusion (rows truth, columns engine). */
export function linearKappa(c: number[][]): number {
  const k = 4;
  const n = c.flat().reduce((a, b) => a + b, 0);
  if (n === 0) return Number.NaN;
  const row = c.map((r) => r.reduce((a, b) => a + b, 0));
  const col = [0, 1, 2, 3].map((j) => c.reduce((a, r) => a + r[j]!, 0));
  let po = 0;
  let pe = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = 1 - Math.abs(i - j) / (k - 1);
      po += (w * c[i]![j]!) / n;
      pe += (w * row[i]! * col[j]!) / (n * n);
    }
  }
  return (po - pe) / (1 - pe);
}

/** Scores small vessels with ≥ minInsideUm inside the frame. */
export function summarise(all: Scored[], minInsideUm = 30): Summary {
  const sel = all.filter((s) => s.truth.small && s.insideUm >= minInsideUm);
  const confusion = [0, 1, 2, 3].map(() => [0, 0, 0, 0]);
  let classified = 0;
  let correct = 0;
  const are: number[] = [];
  let censorN = 0;
  let censorOk = 0;
  const lines: string[] = [];
  for (const s of sel) {
    const f = s.flow;
    const tv = s.truth.velocity;
    if (f.flowClass !== null) {
      classified++;
      confusion[s.truth.flowClass]![f.flowClass]!++;
      if (f.flowClass === s.truth.flowClass) correct++;
    }
    const [lo, hi] = s.rangeUmPerS;
    const moving = tv.stoppedFraction < 0.9;
    let note = '';
    if (moving && tv.meanUmPerS >= lo && tv.meanUmPerS <= 0.9 * hi) {
      const v = f.velocity.valueUmPerS;
      const e = v === null ? Infinity : Math.abs(v - tv.meanUmPerS) / tv.meanUmPerS;
      are.push(e);
      note = `ARE ${(e * 100).toFixed(1)}%`;
    } else if (moving && tv.meanUmPerS > 1.1 * hi) {
      censorN++;
      const lb = f.velocity.lowerBoundUmPerS;
      const ok = f.velocity.censored === 'above' && lb !== null && lb <= tv.meanUmPerS * 1.05 && lb > 0;
      if (ok) censorOk++;
      note = `censor ${ok ? 'ok' : 'WRONG'}`;
    }
    lines.push(
      `s${s.seed ?? '?'} ${s.truth.id.padEnd(6)} L ${s.insideUm.toFixed(0).padStart(4)} µm  true c${s.truth.flowClass} ${tv.meanUmPerS.toFixed(0).padStart(5)} µm/s sf ${tv.stoppedFraction.toFixed(2)} dir ${s.truth.direction}` +
        ` d${s.truth.depthLayer} ${s.truth.kind[0]} | eng c${f.flowClass ?? '-'} ${f.velocity.valueUmPerS?.toFixed(0) ?? '-'} (${f.velocity.censored ?? ''} lb ${f.velocity.lowerBoundUmPerS?.toFixed(0) ?? '-'}) sf ${f.stoppedFraction?.toFixed(2) ?? '-'} dir ${f.direction} conf ${f.confidence.toFixed(2)} range ${s.rangeUmPerS[1].toFixed(0)} ${f.reason ?? ''} ${note}`,
    );
  }
  are.sort((a, b) => a - b);
  const mdare = are.length > 0 ? (are.length % 2 ? are[(are.length - 1) / 2]! : (are[are.length / 2 - 1]! + are[are.length / 2]!) / 2) : null;
  return { n: sel.length, classified, accuracy: classified ? correct / classified : Number.NaN, kappa: linearKappa(confusion), confusion, mdare, mdareN: are.length, censorOk, censorN, lines };
}

export function formatSummary(label: string, s: Summary): string {
  const conf = s.confusion.map((r, i) => `  truth ${i}: ${r.map((x) => String(x).padStart(3)).join(' ')}`).join('\n');
  return (
    `${label}: ${s.n} small vessels, ${s.classified} classified; accuracy ${(s.accuracy * 100).toFixed(1)} %, linear κ ${s.kappa.toFixed(3)}; ` +
    `MdARE ${s.mdare === null ? '-' : (s.mdare * 100).toFixed(1) + ' %'} (n ${s.mdareN}); censored-above correct ${s.censorOk}/${s.censorN}\n` +
    `  confusion (rows truth 0–3, columns engine 0–3):\n${conf}`
  );
}
