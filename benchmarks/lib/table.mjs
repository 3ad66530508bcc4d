/**
 * Tables of the benchmark, as aligned text (console) and GitHub markdown (latest.md, for
 * the README). Pure functions over benchmarks/results/latest.json's shape (unit-tested).
 */
import { barLines, kbToMb, nsPerPixelFrame, peakTotalKb, ratio } from './bars.mjs';

/** Fixed decimals, or "–" for a missing value. */
export function num(x, digits = 2) {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

const isNumeric = (s) => /^[-+]?[\d.]+(\s?[×%a-zA-Z]*)?$/.test(s) || s === '–';

/** Aligned plain-text table: numeric-looking cells right-aligned, others left. */
export function textTable(headers, rows) {
  const all = [headers, ...rows].map((r) => r.map((c) => String(c)));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? '')].length)));
  const pad = (s, w, right) => (right ? ' '.repeat(w - [...s].length) + s : s + ' '.repeat(w - [...s].length));
  const line = (r, header) => r.map((c, i) => pad(c, widths[i], !header && i > 0 && isNumeric(c))).join('  ').trimEnd();
  return [line(all[0], true), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map((r) => line(r, false))].join('\n');
}

/** GitHub markdown table; numeric-looking columns (judged on the body) right-aligned. */
export function markdownTable(headers, rows) {
  const esc = (s) => String(s).replace(/\|/g, '\\|');
  const right = headers.map((_, i) => i > 0 && rows.length > 0 && rows.every((r) => isNumeric(String(r[i]))));
  return [
    `| ${headers.map(esc).join(' | ')} |`,
    `|${right.map((r) => (r ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

const s = (ms) => (ms === null || ms === undefined ? null : ms / 1000);
const mb = (kb) => (kb === null || kb === undefined ? null : kbToMb(kb));

/** The main table: one row per clip. */
export function mainTable(result) {
  const headers = [
    'clip', 'frames', 'decode floor s', 'native s', 'native CPU s', 'native / floor', 'wasm s', 'wasm CPU s', 'wasm / native',
    'ns / px-frame', 'engine peak MB', 'ffmpeg peak MB', 'engine+ffmpeg MB',
  ];
  const rows = result.clips.map((c) => {
    const f = c.floor?.best ?? null;
    const n = c.native?.best ?? null;
    const w = c.wasm?.best ?? null;
    return [
      c.label,
      `${c.frames}`,
      num(s(f?.wallMs)),
      num(s(n?.wallMs)),
      num(s(n?.cpuMs)),
      n && f ? `${num(ratio(n.wallMs, f.wallMs))}×` : '–',
      num(s(w?.wallMs)),
      num(s(w?.cpuMs)),
      n && w ? `${num(ratio(w.wallMs, n.wallMs))}×` : '–',
      n ? num(nsPerPixelFrame(n.wallMs, c.width, c.height, c.frames), 1) : '–',
      [n, w].map((r) => num(mb(r?.maxRssKb), 0)).join(' / '),
      num(mb(n?.ffmpegPeakKb), 0),
      [n, w].map((r) => num(mb(peakTotalKb(r)), 0)).join(' / '),
    ];
  });
  return { headers, rows };
}

/** Per-stage times, s: one row per clip and backend; a column per stage any run reported. */
export function stageTable(result) {
  const stages = [];
  for (const c of result.clips) {
    for (const b of ['native', 'wasm']) {
      for (const k of Object.keys(c[b]?.best?.timingsMs ?? {})) if (!stages.includes(k)) stages.push(k);
    }
  }
  const headers = ['clip', 'backend', ...stages.map((k) => `${k} s`), 'total s'];
  const rows = [];
  for (const c of result.clips) {
    for (const b of ['native', 'wasm']) {
      const r = c[b]?.best;
      if (!r) continue;
      rows.push([c.id, b, ...stages.map((k) => num(s(r.timingsMs?.[k]))), num(s(r.wallMs))]);
    }
  }
  return { headers, rows };
}

/** Building blocks: our core against OpenCV.js, ms per call (median). */
export function opencvTable(result) {
  const headers = ['image', 'operation', 'ours native ms', 'ours wasm ms', 'OpenCV.js ms', 'OpenCV.js / native'];
  const rows = [];
  const names = { blur: 'Gaussian blur σ 2 px', hessian: 'Hessian (scales)', phase: 'phase correlation' };
  for (const im of result.opencv?.images ?? []) {
    for (const [op, r] of Object.entries(im.ops)) {
      const label = op === 'hessian' ? `Hessian, ${im.sigmasPx.length} scales` : names[op] ?? op;
      rows.push([`${im.width}×${im.height}`, label, num(r.native?.ms, 1), num(r.wasm?.ms, 1), num(r.opencv?.ms, 1),
        r.native && r.opencv ? `${num(ratio(r.opencv.ms, r.native.ms))}×` : '–']);
    }
  }
  return { headers, rows };
}

/** Phantom generation: per clip, seconds and whether it came from the cache. */
export function generationTable(result) {
  const headers = ['clip', 'file MB', 'generation s', 'generation CPU s', 'this run'];
  const rows = result.clips.map((c) => [c.id, num(c.fileBytes / 1e6, 1), num(c.generation?.seconds, 1), num(c.generation?.cpuS, 1), c.generation?.cached ? 'cached' : 'generated']);
  return { headers, rows };
}

function machineLine(m) {
  return `${m.cpuModel}, ${m.cores} cores${m.loadAverageAtStart ? ` (load average at start ${m.loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')})` : ''}, ${m.memoryGb} GB, ${m.os}; Node ${m.nodeVersion}; ffmpeg ${m.ffmpegVersion} (${m.ffmpegPath})`;
}

/** The console report. */
export function renderText(result) {
  const parts = [];
  const t = (x) => textTable(x.headers, x.rows);
  parts.push(`hvm-engine ${result.engineVersion} benchmark, ${result.date}`);
  parts.push(`machine: ${machineLine(result.machine)}`);
  parts.push('', t(mainTable(result)));
  parts.push('', 'Stages (s):', t(stageTable(result)));
  if (result.opencv) parts.push('', `Building blocks, one call, single-threaded (OpenCV.js ${result.opencv.opencvVersion ?? '?'}):`, t(opencvTable(result)));
  parts.push('', 'Phantom clips:', t(generationTable(result)));
  parts.push('', 'Bars (issue 8):', ...barLines(result.bars));
  return parts.join('\n');
}

/** latest.md: the tables, the machine, the bars, the method, ready to paste into the README. */
export function renderMarkdown(result) {
  const m = (x) => markdownTable(x.headers, x.rows);
  const lines = [];
  lines.push(`### Speed and memory (\`npm run bench\`)`);
  lines.push('');
  lines.push(`Measured ${result.date} on ${machineLine(result.machine)}; engine ${result.engineVersion}${result.git ? ` (${result.git.commit.slice(0, 10)}${result.git.dirty ? ', uncommitted changes' : ''})` : ''}. ` +
    `Whole run ${num(result.totalS / 60, 1)} min${result.generationWallS > 0 ? `, phantom generation ${num(result.generationWallS / 60, 1)} min of it` : ' (clips from the cache)'}` +
    `${typeof result.idleEstimateS === 'number' ? ` (about ${num(result.idleEstimateS / 60, 1)} min on an idle machine, from the CPU times)` : ''}. ` +
    `Command: \`node benchmarks/bench.mjs${result.argv?.length ? ` ${result.argv.join(' ')}` : ''}\`.`);
  if (result.notes?.length) {
    lines.push('');
    for (const n of result.notes) lines.push(`- ${n}`);
  }
  lines.push('');
  lines.push(m(mainTable(result)));
  lines.push('');
  lines.push('Bars (issue 8):');
  lines.push('');
  for (const l of barLines(result.bars)) lines.push(`    ${l}`);
  lines.push('');
  lines.push('Per-stage times, s (the engine\'s own `timingsMs` where it reports them):');
  lines.push('');
  lines.push(m(stageTable(result)));
  if (result.opencv) {
    lines.push('');
    lines.push(`Building blocks against OpenCV.js ${result.opencv.opencvVersion ?? ''} (opencv-wasm; no threads, no SIMD), one call on a frame of each size, median ms:`);
    lines.push('');
    lines.push(m(opencvTable(result)));
  }
  lines.push('');
  lines.push('Phantom clips (default scene, seed fixed; SDF in PAL DV-AVI, the larger sizes in MJPEG-AVI):');
  lines.push('');
  lines.push(m(generationTable(result)));
  lines.push('');
  lines.push('Method: every measurement runs in its own node process (peak RSS = that run\'s `process.resourceUsage().maxRSS`). ' +
    'Decode floor = `openClip(path).frames()` into a counting sink (same probe, ffmpeg command and pipe). ' +
    'Backends single-threaded by construction (the core has no threads), selected with `HVM_BACKEND`. ' +
    'ffmpeg\'s peak = its `VmHWM`, polled every 20 ms from the bench process through `/proc/<child>/task/*/children`. ' +
    'engine+ffmpeg adds the two peaks (an upper bound). Best (smallest) wall time of the runs is shown; CPU = the engine process alone (user + system; ffmpeg\'s CPU is in latest.json). Peak MB columns: native / wasm; MB = 10^6 bytes.');
  return `${lines.join('\n')}\n`;
}
