/** Vessel networks and flow by construction. */
import { describe, expect, it } from 'vitest';
import { generatePhantom } from '../../src/phantom/index.js';
import { displacementAt, generateFlows, speedSeries, summarizeVelocity } from '../../src/phantom/flow.js';
import { generateNetwork } from '../../src/phantom/network.js';
import { Rng } from '../../src/phantom/prng.js';
import type { FlowClass } from '../../src/metrics/types.js';

describe('phantom network', () => {
  it('builds a dense interconnected capillary mesh at the requested density, with venules and crossings', () => {
    const p = generatePhantom({ seed: 3, width: 480, height: 384, frameCount: 1, density: 18 });
    const m = p.truth.metrics.fullFrame;
    // The spacing is tuned on the field itself: within 10 % of the target.
    expect(m.small.TVD).toBeGreaterThan(18 * 0.9);
    expect(m.small.TVD).toBeLessThan(18 * 1.1);
    const caps = p.truth.vessels.filter((v) => v.kind === 'capillary');
    const venules = p.truth.vessels.filter((v) => v.kind === 'venule');
    expect(venules.length).toBeGreaterThanOrEqual(1);
    for (const v of venules) {
      expect(v.diameterUm).toBeGreaterThanOrEqual(20);
      expect(v.diameterUm).toBeLessThanOrEqual(60);
      expect(v.small).toBe(false);
    }
    for (const c of caps) {
      expect(c.diameterUm).toBeGreaterThanOrEqual(5);
      expect(c.diameterUm).toBeLessThanOrEqual(12);
      expect(c.small).toBe(true);
    }
    // Junctions of ≥ 3 vessels (a mesh with loops), some capillaries draining into a venule.
    const j3 = p.truth.junctions.filter((j) => j.vessels.length >= 3);
    expect(j3.length).toBeGreaterThan(10);
    expect(p.truth.junctions.some((j) => j.vessels.some((id) => id.startsWith('v')))).toBe(true);
    // Loops: a connected graph with more edges than nodes − 1 (cyclomatic number > 0).
    const nodes = new Set<number>();
    let edges = 0;
    for (const c of caps) {
      if (c.startJunction !== null && c.endJunction !== null) {
        nodes.add(c.startJunction);
        nodes.add(c.endJunction);
        edges++;
      }
    }
    expect(edges - nodes.size).toBeGreaterThan(5);
    // Tortuous: length / chord > 1.1 on average.
    let ratio = 0;
    for (const c of caps) {
      const a = c.centerlinePx[0]!;
      const b = c.centerlinePx[c.centerlinePx.length - 1]!;
      const chord = Math.hypot((b[0] - a[0]) * p.truth.clip.scale.umPerPxX, (b[1] - a[1]) * p.truth.clip.scale.umPerPxY);
      ratio += chord > 0 ? c.lengthUm / chord : 1;
    }
    expect(ratio / caps.length).toBeGreaterThan(1.1);
    // Depth: most capillaries in focus, some deeper.
    expect(caps.filter((c) => c.depthLayer === 0).length).toBeGreaterThan(caps.length / 2);
    expect(p.truth.vessels.some((v) => v.depthLayer > 0)).toBe(true);
  });

  it('follows the density option', () => {
    const lo = generatePhantom({ seed: 4, width: 400, height: 320, frameCount: 1, density: 10 }).truth.metrics.fullFrame.small.TVD;
    const hi = generatePhantom({ seed: 4, width: 400, height: 320, frameCount: 1, density: 24 }).truth.metrics.fullFrame.small.TVD;
    expect(lo).toBeGreaterThan(8.5);
    expect(lo).toBeLessThan(11.5);
    expect(hi).toBeGreaterThan(21);
    expect(hi).toBeLessThan(27);
  });

  it('places separate vessels in isolated mode', () => {
    const net = generateNetwork(new Rng(1), { widthUm: 400, heightUm: 300, marginUm: 20 }, { mode: 'isolated', isolatedCount: 3 });
    expect(net.vessels).toHaveLength(3);
    expect(net.junctions).toHaveLength(0);
    for (const v of net.vessels) {
      for (const [x, y] of v.points) {
        expect(x).toBeGreaterThan(0);
        expect(x).toBeLessThan(400);
        expect(y).toBeGreaterThan(0);
        expect(y).toBeLessThan(300);
      }
    }
  });
});

describe('phantom flow', () => {
  it('builds each class by construction, clear of the thresholds', () => {
    const rng = new Rng(99);
    const opts = { clearCut: true, continuousMeanUmPerS: 1300 };
    for (let i = 0; i < 40; i++) {
      const cls = (i % 4) as FlowClass;
      const speed = speedSeries(rng.fork(`v${i}`), cls, 'capillary', 3, opts);
      const series = { stepS: 0.01, values: speed, cumulative: new Float64Array(speed.length) };
      for (let k = 1; k < speed.length; k++) series.cumulative[k] = series.cumulative[k - 1]! + ((speed[k - 1]! + speed[k]!) * 0.01) / 2;
      const s = summarizeVelocity(series, 3);
      if (cls === 3) {
        expect(s.stoppedFraction).toBe(0);
        expect(s.minUmPerS).toBeGreaterThan(500);
        expect(s.meanUmPerS).toBeGreaterThanOrEqual(600);
      } else if (cls === 2) {
        expect(s.stoppedFraction).toBe(0);
        expect(s.minUmPerS).toBeGreaterThanOrEqual(100);
        expect(s.maxUmPerS).toBeLessThanOrEqual(300);
      } else if (cls === 1) {
        expect(s.stoppedFraction).toBeGreaterThanOrEqual(0.55);
        expect(s.stoppedFraction).toBeLessThanOrEqual(0.85);
        expect(s.meanWhileMovingUmPerS).toBeGreaterThan(50);
      } else {
        expect(s.stoppedFraction).toBe(1);
        expect(s.meanUmPerS).toBe(0);
      }
    }
  });

  it('integrates the velocity exactly (piecewise linear) at any time', () => {
    const net = generateNetwork(new Rng(2), { widthUm: 300, heightUm: 200, marginUm: 10 }, { mode: 'isolated', isolatedCount: 2 });
    const flows = generateFlows(new Rng(3), net.vessels, 2, { mix: [0, 0.5, 0, 0.5] });
    for (const f of flows.values()) {
      // Fine trapezoid integration of the linear interpolant agrees with the closed form.
      const t = 1.2345;
      let x = 0;
      const n = 200_000;
      const v = (tt: number): number => {
        const k = Math.floor(tt / 0.01);
        const fr = tt / 0.01 - k;
        return f.series.values[k]! * (1 - fr) + f.series.values[k + 1]! * fr;
      };
      for (let i = 0; i < n; i++) x += ((v((i * t) / n) + v(((i + 1) * t) / n)) / 2) * (t / n);
      expect(Math.abs(displacementAt(f.series, t) - x)).toBeLessThan(1e-3);
      expect(Math.sign(displacementAt(f.series, 2) || f.direction)).toBe(f.direction);
    }
  });

  it('assigns the flow-class mix by length', () => {
    const p = generatePhantom({ seed: 12, width: 480, height: 384, frameCount: 1, flowMix: 'septic', flowLayout: 'clustered' });
    const small = p.truth.vessels.filter((v) => v.small);
    const total = small.reduce((s, v) => s + v.lengthUm, 0);
    const frac = [0, 1, 2, 3].map((c) => small.filter((v) => v.flowClass === c).reduce((s, v) => s + v.lengthUm, 0) / total);
    const target = [0.12, 0.18, 0.2, 0.5];
    frac.forEach((f, c) => expect(Math.abs(f - target[c]!)).toBeLessThan(0.06));
    // Septic: PPV well below 100 %, MFI below the healthy 2.9.
    const m = p.truth.metrics.fullFrame.small;
    expect(m.PPV).toBeLessThan(85);
    expect(m.MFI).toBeLessThan(2.9);
    // Venules flow fast unless pressure-stopped.
    for (const v of p.truth.vessels.filter((x) => x.kind === 'venule')) expect(v.flowClass).toBe(3);
    const q = generatePhantom({ seed: 12, width: 320, height: 256, frameCount: 1, pressureStoppedVenules: 1 });
    const stopped = q.truth.vessels.filter((v) => v.pressureStopped);
    expect(stopped).toHaveLength(1);
    expect(stopped[0]!.kind).toBe('venule');
    expect(stopped[0]!.flowClass).toBe(0);
    expect(stopped[0]!.velocity.meanUmPerS).toBe(0);
  });
});
