#!/usr/bin/env node
/**
 * Building blocks, our core (native and wasm) against OpenCV.js (the opencv-wasm package,
 * OpenCV 4.3.0 compiled by Emscripten, no pthreads, no SIMD, "Parallel framework: none"),
 * as a reference peer. Every implementation runs single-threaded on the same float32 image.
 *   node benchmarks/lib/opencv-peer.mjs '{"images": [{"id", "clip", "device"}]}'
 * Prints one JSON line.
 *
 * Inputs: frames 0 and 10 of each clip, decoded by the engine (openClip), as float32 0–255.
 * - blur: Gaussian, σ = 2 px. Ours: gaussianBlur. OpenCV: GaussianBlur, ksize from σ
 *   (OpenCV's rule for float images: 2·round(4σ)+1 taps), BORDER_REFLECT.
 * - hessian: the vesselness scales the engine uses for that device (scalesPx of the default
 *   segmentation parameters). Ours: hessianVesselness (Gaussian derivatives per scale,
 *   eigenvalues, Frangi response, max over scales). OpenCV has no Frangi: per scale
 *   GaussianBlur + Sobel dxx, dyy, dxy (3×3) + both eigenvalues with Mat arithmetic
 *   (subtract, multiply, add, sqrt) + a running max; no Frangi exponentials, so OpenCV does
 *   somewhat LESS work here.
 * - phase: translation of frame 10 against frame 0 over the full frame. Ours: phaseCorrelate
 *   (Hann window, zero-pad to powers of two, one complex FFT for both, sub-pixel peak).
 *   OpenCV.js 4.3 does not export phaseCorrelate, idft or mulSpectrums, so it is composed from
 *   what it has: Hann window multiply, copyMakeBorder to getOptimalDFTSize, two forward
 *   dft (complex output), cross-power spectrum normalised by its magnitude (split, multiply,
 *   add/subtract, magnitude, divide, merge), inverse dft (DFT_INVERSE|DFT_REAL_OUTPUT), minMaxLoc
 *   (integer peak, no sub-pixel step).
 * The Hessian is skipped on images over job.hessianMaxPixels (the bench passes 2.5 Mpx unless
 * --opencv-full: the CytoCam frame's 9 scales reach σ 43 px, 5–10 s a call per implementation).
 * Timing: one warm-up call, then calls until 0.6 s or 5 calls (at least 2; 1 when a call
 * takes over 1.5 s); the median is reported.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = path.join(root, 'dist');
const job = JSON.parse(process.argv[2]);

const { openClip } = await import(path.join(dist, 'decode', 'index.js'));
const { loadBackend } = await import(path.join(dist, 'backend', 'index.js'));

/**
 * OpenCV.js: the Emscripten Module object has a then() method, so `await`ing it (or
 * returning it from an async function) never settles. It is only ever held inside a plain
 * object and checked for readiness by polling for cv.Mat.
 */
async function loadOpenCv() {
  const require = createRequire(path.join(root, 'package.json'));
  const box = { cv: require('opencv-wasm').cv };
  const t0 = performance.now();
  while (typeof box.cv.Mat !== 'function') {
    if (performance.now() - t0 > 30_000) throw new Error('OpenCV.js did not initialise within 30 s');
    await new Promise((r) => setTimeout(r, 10));
  }
  return box;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function timeIt(fn) {
  const t0 = performance.now();
  let check = fn();
  const warm = performance.now() - t0;
  const samples = [];
  const budget = warm > 1500 ? 1 : 5;
  const started = performance.now();
  while (samples.length < budget && (samples.length < 2 || performance.now() - started < 600)) {
    const t = performance.now();
    check = fn();
    samples.push(performance.now() - t);
    if (warm > 1500) break;
  }
  return { ms: median(samples), samples, warmupMs: warm, check };
}

async function twoFrames(clip) {
  const reader = await openClip(clip, { maxFrames: 11 });
  const got = [];
  try {
    for await (const f of reader.frames()) {
      if (f.index === 0 || f.index === 10) got.push(f);
      if (got.length === 2) break;
    }
  } finally {
    await reader.close();
  }
  const [a, b] = got;
  return { width: a.width, height: a.height, f0: Float32Array.from(a.data), f1: Float32Array.from(b.data) };
}

async function sigmasFor(device, width) {
  try {
    const { scalesPx, resolveSegmentParams } = await import(path.join(dist, 'analysis', 'segment.js'));
    const { findDeviceProfile } = await import(path.join(dist, 'calibration', 'profiles.js'));
    const umPerPx = findDeviceProfile(device).fieldOfViewUm.width / width;
    return { sigmasPx: scalesPx(resolveSegmentParams(), umPerPx), source: `engine scales at ${umPerPx.toFixed(4)} µm/px` };
  } catch (e) {
    return { sigmasPx: [1, 2, 4], source: `fixed (engine scales unavailable: ${e.message})` };
  }
}

const BLUR_SIGMA = 2;

function cvBlur(cv, src, w, h) {
  const m = cv.matFromArray(h, w, cv.CV_32F, src);
  const d = new cv.Mat();
  cv.GaussianBlur(m, d, new cv.Size(0, 0), BLUR_SIGMA, BLUR_SIGMA, cv.BORDER_REFLECT);
  const v = d.data32F[(h >> 1) * w + (w >> 1)];
  m.delete();
  d.delete();
  return v;
}

function cvHessian(cv, src, w, h, sigmas) {
  const m = cv.matFromArray(h, w, cv.CV_32F, src);
  const g = new cv.Mat();
  const dxx = new cv.Mat();
  const dyy = new cv.Mat();
  const dxy = new cv.Mat();
  const t1 = new cv.Mat();
  const t2 = new cv.Mat();
  const l1 = new cv.Mat();
  const l2 = new cv.Mat();
  const best = cv.Mat.zeros(h, w, cv.CV_32F);
  for (const s of sigmas) {
    cv.GaussianBlur(m, g, new cv.Size(0, 0), s, s, cv.BORDER_REFLECT);
    cv.Sobel(g, dxx, cv.CV_32F, 2, 0, 3, s * s, 0, cv.BORDER_REFLECT);
    cv.Sobel(g, dyy, cv.CV_32F, 0, 2, 3, s * s, 0, cv.BORDER_REFLECT);
    cv.Sobel(g, dxy, cv.CV_32F, 1, 1, 3, s * s, 0, cv.BORDER_REFLECT);
    // λ1,2 = (dxx + dyy)/2 ± sqrt(((dxx − dyy)/2)² + dxy²)
    cv.subtract(dxx, dyy, t1);
    cv.multiply(t1, t1, t1, 0.25);
    cv.multiply(dxy, dxy, t2);
    cv.add(t1, t2, t1);
    cv.sqrt(t1, t1);
    cv.add(dxx, dyy, t2);
    cv.addWeighted(t2, 0.5, t1, 1, 0, l1);
    cv.addWeighted(t2, 0.5, t1, -1, 0, l2);
    cv.max(best, l1, best); // dark vessels: the large positive eigenvalue
  }
  const v = best.data32F[(h >> 1) * w + (w >> 1)];
  for (const x of [m, g, dxx, dyy, dxy, t1, t2, l1, l2, best]) x.delete();
  return v;
}

function hannMat(cv, w, h) {
  const win = new Float32Array(w * h);
  const hx = Float32Array.from({ length: w }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / w));
  const hy = Float32Array.from({ length: h }, (_, j) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (j + 0.5)) / h));
  for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) win[j * w + i] = hx[i] * hy[j];
  return cv.matFromArray(h, w, cv.CV_32F, win);
}

function cvPhase(cv, a, b, w, h, win) {
  const W = cv.getOptimalDFTSize(w);
  const H = cv.getOptimalDFTSize(h);
  const spectrum = (src) => {
    const m = cv.matFromArray(h, w, cv.CV_32F, src);
    const mean = cv.mean(m)[0];
    const c = new cv.Mat();
    const meanMat = new cv.Mat(h, w, cv.CV_32F, new cv.Scalar(mean));
    cv.subtract(m, meanMat, c);
    cv.multiply(c, win, c);
    const p = new cv.Mat();
    cv.copyMakeBorder(c, p, 0, H - h, 0, W - w, cv.BORDER_CONSTANT, new cv.Scalar(0));
    const f = new cv.Mat();
    cv.dft(p, f, cv.DFT_COMPLEX_OUTPUT);
    const parts = new cv.MatVector();
    cv.split(f, parts);
    const re = parts.get(0);
    const im = parts.get(1);
    for (const x of [m, c, meanMat, p, f, parts]) x.delete();
    return [re, im];
  };
  const [ar, ai] = spectrum(a);
  const [br, bi] = spectrum(b);
  // R = B · conj(A) / |B · conj(A)|: re = br·ar + bi·ai, im = bi·ar − br·ai
  const re = new cv.Mat();
  const im = new cv.Mat();
  const t = new cv.Mat();
  cv.multiply(br, ar, re);
  cv.multiply(bi, ai, t);
  cv.add(re, t, re);
  cv.multiply(bi, ar, im);
  cv.multiply(br, ai, t);
  cv.subtract(im, t, im);
  const mag = new cv.Mat();
  cv.magnitude(re, im, mag);
  const eps = new cv.Mat(H, W, cv.CV_32F, new cv.Scalar(1e-12));
  cv.add(mag, eps, mag);
  cv.divide(re, mag, re);
  cv.divide(im, mag, im);
  const v = new cv.MatVector();
  v.push_back(re);
  v.push_back(im);
  const r = new cv.Mat();
  cv.merge(v, r);
  const corr = new cv.Mat();
  cv.dft(r, corr, cv.DFT_INVERSE | cv.DFT_REAL_OUTPUT | cv.DFT_SCALE);
  const mm = cv.minMaxLoc(corr);
  let dx = mm.maxLoc.x;
  let dy = mm.maxLoc.y;
  if (dx > W / 2) dx -= W;
  if (dy > H / 2) dy -= H;
  for (const x of [ar, ai, br, bi, re, im, t, mag, eps, v, r, corr]) x.delete();
  return { dx, dy };
}

const c0 = process.cpuUsage();
const t0 = performance.now();
const box = await loadOpenCv();
const cv = box.cv;
const backends = {};
for (const name of ['native', 'wasm']) {
  try {
    backends[name] = loadBackend({ backend: name });
  } catch (e) {
    backends[name] = null;
    process.stderr.write(`opencv-peer: ${name} backend unavailable: ${e.message}\n`);
  }
}

const results = [];
for (const img of job.images) {
  const { width: w, height: h, f0, f1 } = await twoFrames(img.clip);
  const { sigmasPx, source } = await sigmasFor(img.device, w);
  const row = { id: img.id, width: w, height: h, blurSigmaPx: BLUR_SIGMA, sigmasPx, sigmasSource: source, ops: {} };
  const ours = (fn) => Object.fromEntries(Object.entries(backends).filter(([, b]) => b !== null).map(([n, b]) => [n, timeIt(() => fn(b))]));
  row.ops.blur = { ...ours((b) => b.gaussianBlur(f0, w, h, BLUR_SIGMA)[0]), opencv: timeIt(() => cvBlur(cv, f0, w, h)) };
  if (job.hessianMaxPixels === undefined || w * h <= job.hessianMaxPixels) {
    row.ops.hessian = { ...ours((b) => b.hessianVesselness(f0, w, h, sigmasPx).vesselness[0]), opencv: timeIt(() => cvHessian(cv, f0, w, h, sigmasPx)) };
  } else {
    row.hessianSkipped = `over ${job.hessianMaxPixels} px: at this size each implementation takes 5–10 s a call (scales up to σ ${Math.max(...sigmasPx).toFixed(0)} px); --opencv-full includes it`;
  }
  const win = hannMat(cv, w, h);
  row.ops.phase = { ...ours((b) => b.phaseCorrelate(f0, f1, w, h)), opencv: timeIt(() => cvPhase(cv, f0, f1, w, h, win)) };
  win.delete();
  // Keep the numbers, drop the bulky check values except phase shifts (a sanity check).
  for (const op of Object.values(row.ops)) {
    if (op === undefined) continue;
    for (const [k, r] of Object.entries(op)) {
      op[k] = { ms: r.ms, samples: r.samples, warmupMs: r.warmupMs, ...(typeof r.check === 'object' ? { shift: { dx: r.check.dx, dy: r.check.dy } } : {}) };
    }
  }
  results.push(row);
  process.stderr.write(`  opencv peer: ${img.id} done\n`);
}
const out = {
  opencvVersion: (() => {
    try {
      return /Version control:\s*(\S+)/.exec(cv.getBuildInformation())?.[1] ?? null;
    } catch {
      return null;
    }
  })(),
  wasmSimd: backends.wasm?.simd ?? null,
  wallMs: performance.now() - t0,
  cpuMs: (() => {
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  })(),
  images: results,
};
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0); // the Emscripten runtime may keep the loop alive
