/**
 * The streaming measurer end to end on a short phantom clip (truth paths and shifts), its
 * space-time diagram and the PNG of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect, test } from 'vitest';
import { loadBackend } from '../../src/backend/index.js';
import { createFlowMeasurer } from '../../src/flow/measurer.js';
import { generatePhantom } from '../../src/phantom/index.js';
import { writeSpaceTimePng } from '../../src/report/space-time.js';

test('measurer: gaps, STD shape, PNG with the fitted slope', async () => {
  const be = loadBackend();
  const ph = generatePhantom({ seed: 3, codec: 'none', width: 320, height: 256, seconds: 3, flowMix: 'septic' });
  const t = ph.truth;
  const v = t.vessels.find((x) => x.id === 'c0023')!; // slow (sluggish) in this seed, 254 µm inside
  const m = createFlowMeasurer([{ id: v.id, polylinePx: v.centerlinePx, diameterPx: v.diameterUm / 1.3 }], { width: 320, height: 256, fps: 25, scale: t.clip.scale, core: be, });
  const ref = t.frames[0]!.offsetPx;
  let k = 0;
  for (const data of ph.frames()) {
    const tf = t.frames[k]!;
    // Frame 10 dropped (unknown shift), frame 11 never given: both are gaps.
    if (k !== 11) m.addFrame({ index: k, timeS: tf.timeS, data, dx: k === 10 ? null : -(tf.offsetPx[0] - ref[0]), dy: k === 10 ? null : -(tf.offsetPx[1] - ref[1]), status: k === 10 ? 'dropped' : 'registered' });
    k++;
  }
  expect(() => m.addFrame({ index: 3, timeS: 0, data: ph.frame(3), dx: 0, dy: 0, status: 'registered' })).toThrow(RangeError);
  const [f] = m.finish();
  expect(f!.flowClass).toBe(v.flowClass);
  expect(Math.abs(f!.velocity.valueUmPerS! - v.velocity.meanUmPerS) / v.velocity.meanUmPerS).toBeLessThan(0.1); // tolerance 10 %
  expect(f!.direction).toBe(v.direction);
  const std = m.spaceTime(v.id)!;
  expect(std.height).toBe(t.clip.frameCount);
  expect(std.rowPresent[10]).toBe(0);
  expect(std.rowPresent[11]).toBe(0);
  expect(std.rowPresent[12]).toBe(1);
  expect(std.slopeColumnsPerRow! * v.direction).toBeGreaterThan(0);
  expect(m.spaceTime('nope')).toBeNull();
  const dir = mkdtempSync(join(tmpdir(), 'hvm-std-'));
  try {
    const file = join(dir, 'std.png');
    await writeSpaceTimePng(file, std, { scale: 2 });
    const meta = await sharp(file).metadata();
    expect(meta.width).toBe(std.width * 2);
    expect(meta.height).toBe(std.height * 2);
    expect(meta.channels).toBe(3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

test('interlaced: each frame gives two rows, odd field first for bff (exact field values)', () => {
  const be = loadBackend();
  const W = 64;
  const H = 48;
  const data = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) data.fill(y % 2 === 1 ? 200 : 50, y * W, (y + 1) * W); // odd rows bright
  const path = { id: 'p', polylinePx: [[5, 21], [60, 21]] as [number, number][], diameterPx: 1 };
  for (const [order, first, second] of [['bff', 200, 50], ['tff', 50, 200]] as const) {
    const m = createFlowMeasurer([path], { width: W, height: H, fps: 25, scale: { umPerPxX: 1, umPerPxY: 1 }, core: be, interlaced: true, fieldOrder: order });
    m.addFrame({ index: 0, timeS: 0, data, dx: 0, dy: 0, status: 'reference' });
    m.addFrame({ index: 1, timeS: 0.04, data, dx: 0, dy: 0, status: 'duplicate' });
    const std = m.spaceTime('p')!;
    expect(std.height).toBe(4);
    expect(std.rowStepS).toBeCloseTo(0.02, 12);
    expect(Array.from(std.rowPresent)).toEqual([1, 1, 0, 0]);
    const mean = (200 + 50) / 2; // frame mean → rows are × 100 / mean
    expect(std.values[10]).toBeCloseTo((first * 100) / mean, 4);
    expect(std.values[std.width + 10]).toBeCloseTo((second * 100) / mean, 4);
    expect(std.timesS[1]).toBeCloseTo(0.02, 12);
  }
});

test('native and wasm give the same flows, bit for bit (the sampling is core parity, the rest is deterministic TypeScript)', async () => {
  const { bothBackends } = await import('../backend/helpers.js');
  const { native, wasm } = bothBackends();
  if (native === undefined) return;
  const ph = generatePhantom({ seed: 4, codec: 'none', width: 160, height: 128, seconds: 1.5, flowMix: 'septic' });
  const t = ph.truth;
  const paths = t.vessels.map((v) => ({ id: v.id, polylinePx: v.centerlinePx, diameterPx: v.diameterUm / 1.3 }));
  const run = (be: typeof wasm): string => {
    const m = createFlowMeasurer(paths, { width: 160, height: 128, fps: 25, scale: t.clip.scale, core: be, params: { minAnalysedS: 0.5 } });
    const ref = t.frames[0]!.offsetPx;
    for (let k = 0; k < t.clip.frameCount; k++) {
      const tf = t.frames[k]!;
      m.addFrame({ index: k, timeS: tf.timeS, data: ph.frame(k), dx: -(tf.offsetPx[0] - ref[0]), dy: -(tf.offsetPx[1] - ref[1]), status: 'registered' });
    }
    return JSON.stringify(m.finish());
  };
  expect(run(wasm)).toBe(run(native));
}, 60_000);

test("a frame's mean grey level given by the caller (the stabilisation pass's) gives the same flows as measuring it, and is used", async () => {
  const { wasm } = (await import('../backend/helpers.js')).bothBackends();
  const ph = generatePhantom({ seed: 4, codec: 'none', width: 160, height: 128, seconds: 1.5, flowMix: 'septic' });
  const t = ph.truth;
  const paths = t.vessels.map((v) => ({ id: v.id, polylinePx: v.centerlinePx, diameterPx: v.diameterUm / 1.3 }));
  const run = (mean: (data: Uint8Array) => number | undefined): string => {
    const m = createFlowMeasurer(paths, { width: 160, height: 128, fps: 25, scale: t.clip.scale, core: wasm, params: { minAnalysedS: 0.5 } });
    const ref = t.frames[0]!.offsetPx;
    for (let k = 0; k < t.clip.frameCount; k++) {
      const tf = t.frames[k]!;
      const data = ph.frame(k);
      const g = mean(data);
      m.addFrame({ index: k, timeS: tf.timeS, data, dx: -(tf.offsetPx[0] - ref[0]), dy: -(tf.offsetPx[1] - ref[1]), status: 'registered', ...(g !== undefined ? { meanGrey: g } : {}) });
    }
    return JSON.stringify(m.finish());
  };
  const measured = run(() => undefined);
  expect(run((d) => wasm.frameStats(d, 160, 128).mean)).toBe(measured);
  // A wrong level changes the brightness normalisation of the rows: it is really used.
  expect(run((d) => wasm.frameStats(d, 160, 128).mean * (1 + (d[0]! % 7) / 10))).not.toBe(measured);
}, 60_000);

test('with the clip\'s mean image a stop needs a visible lumen: a stopped capillary keeps its call on the real image, loses it (unclassified, with the reason) on a flat one', () => {
  const be = loadBackend();
  const ph = generatePhantom({ seed: 3, codec: 'none', width: 320, height: 256, seconds: 2, flowMix: 'septic' });
  const t = ph.truth;
  const stopped = t.vessels.filter((x) => x.flowClass === 0 && x.small && x.depthLayer === 0);
  expect(stopped.length).toBeGreaterThan(0);
  const paths = stopped.map((v) => ({ id: v.id, polylinePx: v.centerlinePx, diameterPx: v.diameterUm / t.clip.scale.umPerPxX }));
  const ref = t.frames[0]!.offsetPx;
  const run = (meanImage?: Float32Array) => {
    const m = createFlowMeasurer(paths, { width: 320, height: 256, fps: 25, scale: t.clip.scale, core: be, ...(meanImage !== undefined ? { meanImage } : {}) });
    let k = 0;
    for (const data of ph.frames()) {
      const tf = t.frames[k]!;
      m.addFrame({ index: k, timeS: tf.timeS, data, dx: -(tf.offsetPx[0] - ref[0]), dy: -(tf.offsetPx[1] - ref[1]), status: 'registered' });
      k++;
    }
    return m.finish();
  };
  const plain = run();
  const real = run(Float32Array.from(ph.frame(0)));
  const flat = run(new Float32Array(320 * 256).fill(120));
  const calledStopped = plain.filter((f) => f.flowClass === 0).map((f) => f.id);
  expect(calledStopped.length).toBeGreaterThan(0);
  for (const id of calledStopped) {
    expect(real.find((f) => f.id === id)!.flowClass).toBe(0);
    const g = flat.find((f) => f.id === id)!;
    expect(g.flowClass).toBeNull();
    expect(g.reason).toMatch(/0 % darker than the tissue beside it/);
  }
  expect(() => createFlowMeasurer(paths, { width: 320, height: 256, fps: 25, scale: t.clip.scale, core: be, meanImage: new Float32Array(10) })).toThrow(RangeError);
}, 60_000);
