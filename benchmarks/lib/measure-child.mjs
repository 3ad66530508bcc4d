#!/usr/bin/env node
/**
 * One measurement in a fresh node process, so its peak RSS is this run's alone:
 *   node benchmarks/lib/measure-child.mjs '{"mode": "floor"|"analyze", "clip": PATH, "device": NAME, "backend": "native"|"wasm", "clkTck": 100}'
 *
 * floor:   openClip(path).frames() into a sink that only counts frames: the same probe, the
 *          same ffmpeg command and the same pipe reading as the analysis, and nothing else.
 * analyze: analyzeClip(path, { device, backend }) from dist/analysis/analyze-clip.js.
 *
 * Timed from just before openClip/analyzeClip (module loading excluded; backend loading and
 * wasm compilation included, as a CLI run pays them). CPU: this process (user + system) and
 * its waited-for children (ffprobe, ffmpeg: cutime + cstime of /proc/self/stat).
 * Prints one JSON line.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childrenCpuS } from './proc.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = path.join(root, 'dist');
const job = JSON.parse(process.argv[2]);

const out = { mode: job.mode, backend: job.backend ?? null };
if (job.mode === 'floor') {
  const { openClip } = await import(path.join(dist, 'decode', 'index.js'));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const reader = await openClip(job.clip);
  let frames = 0;
  try {
    for await (const f of reader.frames()) {
      void f;
      frames++;
    }
  } finally {
    await reader.close();
  }
  out.wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  out.cpuMs = (c.user + c.system) / 1000;
  out.frames = frames;
  out.width = reader.probe.width;
  out.height = reader.probe.height;
  out.decoder = reader.decoder;
  out.passes = 1;
} else if (job.mode === 'analyze') {
  const { analyzeClip } = await import(path.join(dist, 'analysis', 'analyze-clip.js'));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const a = await analyzeClip(job.clip, { device: job.device, backend: job.backend });
  out.wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  out.cpuMs = (c.user + c.system) / 1000;
  out.frames = a.result.source.frameCount;
  out.width = a.result.source.width;
  out.height = a.result.source.height;
  out.engineBackend = a.result.engine.backend;
  out.passes = a.stabilisation?.passes ?? null;
  out.framesUsed = a.result.analysis.framesUsed;
  // Per-stage times: the engine's own when it reports them; until then, stabilisation
  // (which streams the decode, so it includes it) is the only stage.
  if (a.timingsMs !== undefined && a.timingsMs !== null && typeof a.timingsMs === 'object') {
    out.timingsMs = { ...a.timingsMs };
    out.timingsSource = 'engine';
  } else {
    out.timingsMs = { stabilise: out.wallMs };
    out.timingsSource = 'bench (analyzeClip wall; decode streamed inside it)';
  }
  out.metricsMeasured = !(a.result.warnings ?? []).some((w) => w.code === 'metrics-not-measured');
} else {
  throw new Error(`unknown mode ${job.mode}`);
}
out.childrenCpuMs = (childrenCpuS(job.clkTck ?? 100) ?? 0) * 1000;
out.maxRssKb = process.resourceUsage().maxRSS; // kB on Linux (getrusage ru_maxrss)
process.stdout.write(`${JSON.stringify(out)}\n`);
