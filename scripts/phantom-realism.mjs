#!/usr/bin/env node
/**
 * Phantom realism check: crude image statistics measured the same way on the real
 * sublingual frame (../shared/data/real-frames/sublingual-idf-frame.png, ~1.8 µm/px) and on
 * frame 0 of a phantom, printed side by side, plus out/phantom-vs-real.png (phantom frame
 * 0 beside the real frame, for local viewing only) and docs/phantom-frame0.png (the phantom
 * alone, committed).
 *
 *   npm run build:ts && node scripts/phantom-realism.mjs [--seed N] [--real PATH] [--no-png] [--png PATH]
 *   (or `npm run phantom:realism`)
 *
 * The statistics (all crude, for comparison only, never for the engine):
 *  - background level: median of a heavy Gaussian blur (σ 12 px) of the frame;
 *  - vessel contrast: 1 − (5th percentile of I / background);
 *  - dark fraction: share of pixels darker than 0.85 × background;
 *  - spectral slope: slope of log radial power vs log frequency (0.02–0.25 cycles/px) of a
 *    central 256×256 window, whole image content (Hann window);
 *  - ridge density: pixels on dark ridges (Hessian at σ 1.5 px, non-maximum suppressed,
 *    contrast > 8 %) × px size / area, mm/mm² (a crude TVD-like number);
 *  - ridge width: full width at half depth across ridges, µm (median, IQR).
 * The real frame's scale is not recorded: 1.8 µm/px is the README's estimate for a whole
 * CytoCam field.
 *
 * The side-by-side picture goes to out/ (git-ignored) because it contains the real frame,
 * whose terms allow local research use but not redistribution: it must never be committed.
 * docs/phantom-frame0.png (phantom only, referenced from docs/phantom.md) is committed. Both
 * are 64-level grey palette PNGs at full resolution (the limit for docs is 400 kB).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const seed = Number(arg('--seed', '1'));
const realPath = resolve(arg('--real', join(root, '..', 'shared', 'data', 'real-frames', 'sublingual-idf-frame.png')));
const REAL_UM_PER_PX = 1.8;

const { generatePhantom } = await import(join(root, 'dist', 'phantom', 'index.js'));
const { segmentImage } = await import(join(root, 'dist', 'analysis', 'segment.js'));

function gaussKernel(sigma) {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  return k.map((v) => v / s);
}
function blur(img, w, h, sigma) {
  const k = gaussKernel(sigma);
  const r = (k.length - 1) / 2;
  const tmp = new Float64Array(w * h);
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0, ws = 0;
      for (let q = -r; q <= r; q++) {
        const xx = x + q;
        if (xx < 0 || xx >= w) continue;
        s += k[q + r] * img[y * w + xx];
        ws += k[q + r];
      }
      tmp[y * w + x] = s / ws;
    }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0, ws = 0;
      for (let q = -r; q <= r; q++) {
        const yy = y + q;
        if (yy < 0 || yy >= h) continue;
        s += k[q + r] * tmp[yy * w + x];
        ws += k[q + r];
      }
      out[y * w + x] = s / ws;
    }
  return out;
}
const pct = (arr, p) => {
  const a = Float64Array.from(arr).sort();
  return a[Math.min(a.length - 1, Math.max(0, Math.floor(p * (a.length - 1))))];
};

function fft1(re, im, inverse = false) {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    for (let i = 0; i < n; i += len)
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k), wi = Math.sin(ang * k);
        const ar = re[i + k + len / 2], ai = im[i + k + len / 2];
        const tr = ar * wr - ai * wi, ti = ar * wi + ai * wr;
        re[i + k + len / 2] = re[i + k] - tr;
        im[i + k + len / 2] = im[i + k] - ti;
        re[i + k] += tr;
        im[i + k] += ti;
      }
  }
}

function spectralSlope(img, w, h) {
  const N = 256;
  const x0 = Math.floor((w - N) / 2), y0 = Math.floor((h - N) / 2);
  let mean = 0;
  for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) mean += img[(y0 + y) * w + x0 + x];
  mean /= N * N;
  const re = [], im = [];
  for (let y = 0; y < N; y++) {
    const r = new Float64Array(N), i = new Float64Array(N);
    const wy = 0.5 - 0.5 * Math.cos((2 * Math.PI * y) / (N - 1));
    for (let x = 0; x < N; x++) r[x] = (img[(y0 + y) * w + x0 + x] - mean) * wy * (0.5 - 0.5 * Math.cos((2 * Math.PI * x) / (N - 1)));
    fft1(r, i);
    re.push(r);
    im.push(i);
  }
  for (let x = 0; x < N; x++) {
    const r = new Float64Array(N), i = new Float64Array(N);
    for (let y = 0; y < N; y++) (r[y] = re[y][x]), (i[y] = im[y][x]);
    fft1(r, i);
    for (let y = 0; y < N; y++) (re[y][x] = r[y]), (im[y][x] = i[y]);
  }
  const bins = new Float64Array(N / 2), counts = new Float64Array(N / 2);
  for (let y = 0; y < N; y++)
    for (let x = 0; x < N; x++) {
      const fy = y < N / 2 ? y : y - N, fx = x < N / 2 ? x : x - N;
      const r = Math.round(Math.sqrt(fx * fx + fy * fy));
      if (r < N / 2) (bins[r] += re[y][x] ** 2 + im[y][x] ** 2), counts[r]++;
    }
  const xs = [], ys = [];
  for (let r = 1; r < N / 2; r++) {
    const f = r / N;
    if (f < 0.02 || f > 0.25) continue;
    xs.push(Math.log(f));
    ys.push(Math.log(bins[r] / counts[r]));
  }
  const mx = xs.reduce((a, b) => a + b) / xs.length, my = ys.reduce((a, b) => a + b) / ys.length;
  let sxy = 0, sxx = 0;
  xs.forEach((x, i) => ((sxy += (x - mx) * (ys[i] - my)), (sxx += (x - mx) ** 2)));
  return sxy / sxx;
}

function measure(img, w, h, umPerPx) {
  const bg = blur(img, w, h, 12);
  const ratio = img.map((v, i) => v / Math.max(1, bg[i]));
  const contrast = 1 - pct(ratio, 0.05);
  let dark = 0;
  for (const r of ratio) if (r < 0.85) dark++;
  // Ridges: Hessian of the smoothed ratio image.
  const s = blur(ratio, w, h, 1.5);
  const at = (x, y) => s[y * w + x];
  let ridge = 0;
  const widths = [];
  for (let y = 3; y < h - 3; y++)
    for (let x = 3; x < w - 3; x++) {
      const dxx = at(x + 1, y) - 2 * at(x, y) + at(x - 1, y);
      const dyy = at(x, y + 1) - 2 * at(x, y) + at(x, y - 1);
      const dxy = (at(x + 1, y + 1) - at(x + 1, y - 1) - at(x - 1, y + 1) + at(x - 1, y - 1)) / 4;
      const tr = dxx + dyy, det = dxx * dyy - dxy * dxy;
      const disc = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
      const l1 = tr / 2 + disc; // largest (dark ridge: positive curvature across)
      if (l1 < 0.006) continue;
      // Eigenvector of l1: across the ridge.
      let nx = dxy, ny = l1 - dxx;
      if (Math.abs(nx) + Math.abs(ny) < 1e-12) (nx = 1), (ny = 0);
      const nn = Math.hypot(nx, ny);
      nx /= nn;
      ny /= nn;
      const c = at(x, y);
      const sample = (t) => {
        const xx = x + nx * t, yy = y + ny * t;
        const xi = Math.floor(xx), yi = Math.floor(yy);
        if (xi < 0 || yi < 0 || xi >= w - 1 || yi >= h - 1) return c;
        const fx = xx - xi, fy = yy - yi;
        return (at(xi, yi) * (1 - fx) + at(xi + 1, yi) * fx) * (1 - fy) + (at(xi, yi + 1) * (1 - fx) + at(xi + 1, yi + 1) * fx) * fy;
      };
      if (!(c <= sample(1) && c <= sample(-1))) continue;
      if (1 - c < 0.08) continue;
      ridge++;
      if ((x * 7 + y * 13) % 5 === 0) {
        // FWHM across the ridge on the unsmoothed ratio image.
        const base = Math.max(sample(8), sample(-8));
        const half = (base + c) / 2;
        let a = 0, b = 0;
        while (a < 20 && sample(a) < half) a += 0.25;
        while (b < 20 && sample(-b) < half) b += 0.25;
        if (a < 20 && b < 20) widths.push((a + b) * umPerPx);
      }
    }
  const areaMm2 = (w * h * umPerPx * umPerPx) / 1e6;
  const ridgeDensity = (ridge * 1.1 * umPerPx) / 1000 / areaMm2;
  return {
    backgroundLevel: pct(bg, 0.5),
    vesselContrast: contrast,
    darkFraction: dark / (w * h),
    spectralSlope: spectralSlope(img, w, h),
    ridgeDensityMmPerMm2: ridgeDensity,
    ridgeWidthMedianUm: pct(widths, 0.5),
    ridgeWidthIqrUm: [pct(widths, 0.25), pct(widths, 0.75)],
  };
}

/**
 * Network statistics measured the same way on both images with the engine's still-image
 * segmentation (a comparison of two images by one yardstick, never truth): tortuosity =
 * median arc length / chord of open centerline segments ≥ 30 µm; the diameter mix as the
 * share of centerline length in < 10, 10–20, 20–40 and ≥ 40 µm; the TVD-like density.
 */
function network(img, w, h, umPerPx) {
  const g = Float32Array.from(img);
  const seg = segmentImage(g, w, h, { umPerPxX: umPerPx, umPerPxY: umPerPx });
  const tort = [];
  const bins = [0, 0, 0, 0];
  let total = 0;
  for (const s of seg.segments) {
    total += s.lengthUm;
    const d = s.diameterUm;
    bins[d < 10 ? 0 : d < 20 ? 1 : d < 40 ? 2 : 3] += s.lengthUm;
    if (s.closedLoop || s.lengthUm < 30) continue;
    const a = s.polyline[0];
    const b = s.polyline[s.polyline.length - 1];
    const chordUm = Math.sqrt((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) * umPerPx;
    if (chordUm > 0) tort.push(s.lengthUm / chordUm);
  }
  const share = (k) => (total > 0 ? (100 * bins[k]) / total : 0);
  return {
    'segmented TVD-like, mm/mm²': seg.geometry?.TVD ?? 0,
    'tortuosity (median arc/chord)': pct(tort, 0.5),
    'length share d < 10 µm, %': share(0),
    'length share 10–20 µm, %': share(1),
    'length share 20–40 µm, %': share(2),
    'length share ≥ 40 µm, %': share(3),
  };
}

const realImg = await sharp(realPath).greyscale().raw().toBuffer({ resolveWithObject: true });
const rw = realImg.info.width, rh = realImg.info.height;
const real = Float64Array.from(realImg.data.subarray(0, rw * rh));

const t0 = performance.now();
const p = generatePhantom({ seed, width: 720, height: 576, frameCount: 2, device: 'microscan-sdf-pal' });
const frame = p.frame(0);
const renderMs = performance.now() - t0;
const phantom = Float64Array.from(frame);
const um = (p.options.scale.umPerPxX + p.options.scale.umPerPxY) / 2;

const mr = { ...measure(real, rw, rh, REAL_UM_PER_PX), ...network(real, rw, rh, REAL_UM_PER_PX) };
const mp = { ...measure(phantom, 720, 576, um), ...network(phantom, 720, 576, um) };
const fmt = (v) => (Array.isArray(v) ? `${v[0].toFixed(1)}–${v[1].toFixed(1)}` : Number.isInteger(v) ? String(v) : v.toFixed(3));
const rows = [
  ['size, px', `${rw}×${rh}`, '720×576'],
  ['scale, µm/px', `${REAL_UM_PER_PX} (estimate)`, um.toFixed(3)],
  ...Object.keys(mr).map((k) => [k, fmt(mr[k]), fmt(mp[k])]),
  ['truth small TVD, mm/mm²', '—', p.truth.metrics.fullFrame.small.TVD.toFixed(2)],
];
const w0 = Math.max(...rows.map((r) => r[0].length));
const w1 = Math.max(...rows.map((r) => r[1].length));
console.log(`${'statistic'.padEnd(w0)}  ${'real'.padEnd(w1)}  phantom (seed ${seed})`);
for (const r of rows) console.log(`${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`);
console.log(`(phantom setup + first frame: ${renderMs.toFixed(0)} ms)`);

if (!args.includes('--no-png')) {
  const out = resolve(arg('--png', join(root, 'out', 'phantom-vs-real.png')));
  if (!existsSync(dirname(out))) mkdirSync(dirname(out), { recursive: true });
  // Phantom at its native 720×576 beside the real frame scaled to the same height.
  const realScaled = await sharp(realPath).greyscale().resize({ height: 576 }).raw().toBuffer({ resolveWithObject: true });
  const gap = 8;
  const W = 720 + gap + realScaled.info.width;
  const canvas = Buffer.alloc(W * 576, 255);
  for (let y = 0; y < 576; y++) {
    canvas.set(frame.subarray(y * 720, (y + 1) * 720), y * W);
    canvas.set(realScaled.data.subarray(y * realScaled.info.width * realScaled.info.channels, (y + 1) * realScaled.info.width * realScaled.info.channels).filter((_, i) => i % realScaled.info.channels === 0), y * W + 720 + gap);
  }
  // Grey, 64-level palette: the docs picture stays small (the frames are noisy: a full 8-bit
  // grey PNG is ≈ 480 kB, the RGB one this script used to write ≈ 840 kB).
  const info = await sharp(canvas, { raw: { width: W, height: 576, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 9, palette: true, colours: 64, dither: 0.5 })
    .toFile(out);
  console.log(`wrote ${out} (phantom left, real right; ${W}×576, ${(info.size / 1024).toFixed(0)} kB; local only, never commit it)`);
  const docsPng = join(root, 'docs', 'phantom-frame0.png');
  const docInfo = await sharp(Buffer.from(frame.buffer, frame.byteOffset, 720 * 576), { raw: { width: 720, height: 576, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 9, palette: true, colours: 64, dither: 0.5 })
    .toFile(docsPng);
  console.log(`wrote ${docsPng} (phantom frame 0 alone, ${(docInfo.size / 1024).toFixed(0)} kB)`);
  if (docInfo.size > 400 * 1024) console.warn('warning: the docs picture is over the 400 kB budget');
}
