/**
 * Progress of a study run for people: on a terminal one redrawn line (clips done of total,
 * the frames of the clips running now, time left); otherwise plain log lines (one per clip
 * finished, reused, retried or failed, and the reason a clip is recomputed); nothing with
 * --quiet. Built on the study's events, so library users can draw their own.
 */
import type { StudyEvent } from './study.js';

export interface ProgressOptions {
  /** Where to write (default process.stderr). */
  stream?: NodeJS.WriteStream;
  /** Redrawn bar (default: stream.isTTY). */
  tty?: boolean;
}

function clock(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  return h > 0 ? `${h}h${String(m % 60).padStart(2, '0')}m` : m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

export function progressReporter(o: ProgressOptions = {}): (e: StudyEvent) => void {
  const out = o.stream ?? process.stderr;
  const tty = o.tty ?? out.isTTY === true;
  let total = 0;
  let finished = 0;
  let computed = 0;
  let failed = 0;
  let t0 = performance.now();
  let computeS = 0;
  let jobs = 1;
  const running = new Map<string, { done: number; expected: number | null }>();
  let lastDraw = 0;
  let barShown = false;

  const bar = (): string => {
    const width = 20;
    const filled = total === 0 ? width : Math.round((finished / total) * width);
    const frames = [...running.values()].map((r) => `${r.done}${r.expected !== null ? `/${r.expected}` : ''}`).join(' ');
    const remaining = total - finished;
    // Time left: the mean wall time of a computed clip so far, over the parallel children.
    const eta = computed > 0 ? (computeS / computed) * (remaining / Math.max(1, Math.min(jobs, remaining))) : NaN;
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${finished}/${total} clips${failed > 0 ? `, ${failed} failed` : ''}${running.size > 0 ? ` · frames ${frames}` : ''} · ${remaining === 0 ? 'done' : `about ${clock(eta)} left`}`;
  };
  const draw = (force = false) => {
    if (!tty) return;
    const now = performance.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    const cols = out.columns ?? 100;
    out.write(`\r\x1b[K${bar().slice(0, Math.max(20, cols - 1))}`);
    barShown = true;
  };
  const log = (line: string) => {
    if (tty && barShown) out.write('\r\x1b[K');
    out.write(`${line}\n`);
    draw(true);
  };
  const label = (c: { patient: string; timepoint: string; site: string }) => `${c.patient} ${c.timepoint} site ${c.site}`;

  return (e: StudyEvent) => {
    switch (e.type) {
      case 'start':
        total = e.total;
        jobs = e.jobs;
        t0 = performance.now();
        if (!tty) log(`hvm study: ${e.total} clips, ${e.jobs} at a time`);
        draw(true);
        break;
      case 'clip-reused':
        finished++;
        if (!tty) log(`reused   ${label(e.clip)} (unchanged since its last run)`);
        draw();
        break;
      case 'clip-recompute':
        // A first computation or --force needs no reason; any other recompute says why.
        if (!e.routine) log(`compute  ${label(e.clip)}: ${e.reason}`);
        break;
      case 'clip-start':
        running.set(e.clip.id, { done: 0, expected: null });
        draw();
        break;
      case 'clip-progress':
        running.set(e.clip.id, { done: e.framesDone, expected: e.framesExpected });
        draw();
        break;
      case 'clip-retry':
        running.delete(e.clip.id);
        log(`retry    ${label(e.clip)}: ${e.reason}`);
        break;
      case 'clip-done':
        running.delete(e.clip.id);
        finished++;
        computed++;
        computeS += e.elapsedS;
        if (!tty) log(`done     ${label(e.clip)} (${e.elapsedS.toFixed(1)} s)`);
        draw();
        break;
      case 'clip-failed':
        running.delete(e.clip.id);
        finished++;
        failed++;
        log(`FAILED   ${label(e.clip)}: ${e.failure.code}`);
        break;
      case 'end':
        if (tty && barShown) out.write('\r\x1b[K');
        out.write(
          `hvm study: ${e.analysed} analysed, ${e.reused} reused, ${e.failed} failed of ${total} clips in ${clock((performance.now() - t0) / 1000)} → ${e.outDir}\n`,
        );
        break;
    }
  };
}
