/**
 * Pure computations of the benchmark: best-of samples, ratios, and the issue-8 bars as
 * PASS/MISS verdicts with their numbers. No I/O (unit-tested in test/bench).
 */

/** Memory unit of the bars: MB = 10^6 bytes (from kB = 1024 bytes as the kernel reports). */
export const kbToMb = (kb) => (kb * 1024) / 1e6;

export const BARS = {
  decodeRatioMax: 3, // native analysis ≤ 3× the decode floor (10-s SDF)
  wasmOverNativeMax: 2, // single-threaded wasm ≤ 2× single-threaded native (10-s SDF)
  peakMemoryMbMax: 400, // engine + ffmpeg (10-s SDF)
  memoryGrowthMax: 0.25, // 5-s → 20-s SDF
  perPixelFrameTolerance: 0.2, // ±20 % across the three sizes
  totalMinutesMax: 10, // whole benchmark, fresh clone, 2 cores
};

export function median(xs) {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The run with the smallest wall time (the least disturbed on a shared machine). */
export function bestRun(runs) {
  const ok = runs.filter((r) => r !== null && r !== undefined && Number.isFinite(r.wallMs));
  if (ok.length === 0) return null;
  return ok.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
}

export function ratio(a, b) {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return a / b;
}

/** Peak of engine + ffmpeg for one run, kB: both peaks added (they overlap in time: an upper bound). */
export function peakTotalKb(run) {
  if (run === null || run === undefined) return null;
  const engine = run.maxRssKb ?? null;
  const ff = run.ffmpegPeakKb ?? 0;
  return engine === null ? null : engine + ff;
}

/** Nanoseconds per pixel-frame. */
export function nsPerPixelFrame(wallMs, width, height, frames) {
  const pf = width * height * frames;
  return pf > 0 ? (wallMs * 1e6) / pf : null;
}

/** Largest relative deviation from the median, for "within ±x %". */
export function maxDeviationFromMedian(values) {
  const m = median(values);
  if (m === null || m === 0) return null;
  return Math.max(...values.map((v) => Math.abs(v / m - 1)));
}

/** Relative growth a → b. */
export function growth(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && a > 0 ? b / a - 1 : null;
}

function verdict(id, title, value, limit, pass, detail) {
  return { id, title, value, limit, status: value === null || value === undefined ? 'N/A' : pass ? 'PASS' : 'MISS', detail };
}

const fx = (x, d = 2) => (typeof x !== 'number' || !Number.isFinite(x) ? 'n/a' : x.toFixed(d));

/**
 * The issue's bars from per-clip results. clips: { [id]: { width, height, frames, floor, native, wasm } }
 * where floor/native/wasm are best runs ({ wallMs, maxRssKb, ffmpegPeakKb, ... }) or null.
 * totalS: the whole run's wall time, s (generation included when it happened).
 */
export function computeBars(clips, { totalS = null, totalLabel = '' } = {}) {
  const bars = [];
  const sdf = clips['sdf-10s'];
  // 1. native analysis / decode floor
  {
    const r = ratio(sdf?.native?.wallMs, sdf?.floor?.wallMs);
    bars.push(verdict('decode-ratio', 'SDF 10 s: native analysis ≤ 3× decode floor', r, BARS.decodeRatioMax, r !== null && r <= BARS.decodeRatioMax,
      `${fx(r)}× (analysis ${fx(sdf?.native?.wallMs / 1000)} s, floor ${fx(sdf?.floor?.wallMs / 1000)} s wall; CPU view: engine ${fx(sdf?.native?.cpuMs / 1000)} s against the floor's ffmpeg ${fx(sdf?.floor?.childrenCpuMs / 1000)} s = ${fx(ratio(sdf?.native?.cpuMs, sdf?.floor?.childrenCpuMs))}×)`));
  }
  // 2. wasm / native
  {
    const r = ratio(sdf?.wasm?.wallMs, sdf?.native?.wallMs);
    bars.push(verdict('wasm-native', 'SDF 10 s: single-threaded wasm ≤ 2× native', r, BARS.wasmOverNativeMax, r !== null && r <= BARS.wasmOverNativeMax,
      `${fx(r)}× (wasm ${fx(sdf?.wasm?.wallMs / 1000)} s, native ${fx(sdf?.native?.wallMs / 1000)} s wall; engine CPU ${fx(sdf?.wasm?.cpuMs / 1000)} s against ${fx(sdf?.native?.cpuMs / 1000)} s = ${fx(ratio(sdf?.wasm?.cpuMs, sdf?.native?.cpuMs))}×)`));
  }
  // 3. peak memory, the larger of the native and wasm runs
  {
    const peaks = [sdf?.native, sdf?.wasm].map(peakTotalKb).filter((x) => x !== null);
    const mb = peaks.length > 0 ? kbToMb(Math.max(...peaks)) : null;
    const n = sdf?.native;
    bars.push(verdict('peak-memory', 'SDF 10 s: peak memory engine + ffmpeg ≤ 400 MB', mb, BARS.peakMemoryMbMax, mb !== null && mb <= BARS.peakMemoryMbMax,
      `${fx(mb, 0)} MB (native: engine ${fx(kbToMb(n?.maxRssKb ?? NaN), 0)} + ffmpeg ${fx(kbToMb(n?.ffmpegPeakKb ?? NaN), 0)}; wasm: engine ${fx(kbToMb(sdf?.wasm?.maxRssKb ?? NaN), 0)} + ffmpeg ${fx(kbToMb(sdf?.wasm?.ffmpegPeakKb ?? NaN), 0)})`));
  }
  // 4. memory growth 5 s → 20 s, per backend; the bar takes the larger growth
  {
    const g = ['native', 'wasm']
      .map((b) => ({ b, g: growth(peakTotalKb(clips['sdf-5s']?.[b]), peakTotalKb(clips['sdf-20s']?.[b])) }))
      .filter((x) => x.g !== null);
    const worst = g.length > 0 ? Math.max(...g.map((x) => x.g)) : null;
    bars.push(verdict('memory-growth', 'SDF 5 s → 20 s: peak memory grows ≤ 25 %', worst, BARS.memoryGrowthMax, worst !== null && worst <= BARS.memoryGrowthMax,
      g.map((x) => `${x.b} ${fx(x.g * 100, 1)} % (${fx(kbToMb(peakTotalKb(clips['sdf-5s'][x.b])), 0)} → ${fx(kbToMb(peakTotalKb(clips['sdf-20s'][x.b])), 0)} MB)`).join('; ') || 'n/a'));
  }
  // 5. time per pixel-frame across the three sizes (native analysis wall)
  {
    const ids = ['sdf-10s', 'usb3-10s', 'cytocam-10s'];
    const v = ids.map((id) => {
      const c = clips[id];
      return c?.native ? nsPerPixelFrame(c.native.wallMs, c.width, c.height, c.frames) : null;
    });
    const ok = v.every((x) => x !== null);
    const dev = ok ? maxDeviationFromMedian(v) : null;
    const vc = ids.map((id) => {
      const c = clips[id];
      return c?.native ? nsPerPixelFrame(c.native.cpuMs, c.width, c.height, c.frames) : null;
    });
    const devc = vc.every((x) => x !== null) ? maxDeviationFromMedian(vc) : null;
    bars.push(verdict('per-pixel-frame', 'Native analysis time per pixel-frame within ±20 % across the three sizes', dev, BARS.perPixelFrameTolerance,
      dev !== null && dev <= BARS.perPixelFrameTolerance,
      ok ? `max deviation from the median ${fx(dev * 100, 1)} % (wall: ${ids.map((id, i) => `${id} ${fx(v[i], 1)} ns`).join(', ')}; engine CPU: ${ids.map((id, i) => `${fx(vc[i], 1)}`).join(', ')} ns, ${fx(devc * 100, 1)} %)` : 'n/a'));
  }
  // 6. the whole benchmark's time
  if (totalS !== null) {
    const min = totalS / 60;
    bars.push(verdict('total-time', 'Whole benchmark < 10 min (fresh clone, generation included)', min, BARS.totalMinutesMax, min < BARS.totalMinutesMax,
      `${fx(min, 1)} min ${totalLabel}`.trim()));
  }
  return bars;
}

/**
 * What the run would take on an idle machine with `cores` cores, from CPU times (the shared
 * machine's wall times are inflated by other jobs): generation = its CPU spread over the worker
 * pool (at least the longest clip); each measurement = the larger of the engine's and
 * ffmpeg's CPU (they run in parallel) plus node start-up; the OpenCV.js child = its CPU.
 * null when a generation CPU time is missing (clips generated by an older bench).
 */
export function idleEstimateS({ generationCpuS = [], runs = [], opencvCpuMs = 0, cores = 2, startupS = 0.3 }) {
  if (generationCpuS.some((x) => typeof x !== 'number')) return null;
  const gen = generationCpuS.length > 0 ? Math.max(Math.max(...generationCpuS), generationCpuS.reduce((a, b) => a + b, 0) / cores) : 0;
  const meas = runs.reduce((a, r) => a + Math.max(r.cpuMs ?? 0, r.childrenCpuMs ?? 0) / 1000 + startupS, 0);
  return gen + meas + opencvCpuMs / 1000;
}

/** One "PASS|MISS|N/A  title: detail" line per bar. */
export function barLines(bars) {
  return bars.map((b) => `${b.status.padEnd(4)}  ${b.title}: ${b.detail}`);
}
