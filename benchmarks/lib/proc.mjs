/**
 * Linux /proc readers for the benchmark: peak resident memory (VmHWM) and CPU time of a
 * process tree, watched from OUTSIDE the measured process so the watching costs it nothing.
 *
 * Method (documented in benchmarks/results/latest.md too): the bench spawns one node child
 * per measurement; while it runs, the parent polls every POLL_MS
 *   /proc/<child>/task/<tid>/children   (the pids it forked: ffprobe for the probe, ffmpeg for
 *                                        each decoding pass; fallback: scan /proc/<pid>/stat
 *                                        for ppid = child when that file is absent)
 *   /proc/<pid>/status                  VmHWM (peak RSS, kB; monotone, so the last poll before
 *                                        the process exits is its peak within POLL_MS)
 * and keeps the largest VmHWM per pid. The engine's own peak comes from
 * process.resourceUsage().maxRSS inside the child (getrusage, exact); the polled VmHWM of the
 * child is kept as a cross-check. The pure parsers below are unit-tested (test/bench).
 */
import { readFileSync, readdirSync } from 'node:fs';

/** A "Key:   123 kB" field of /proc/<pid>/status, in kB; null when absent. */
export function parseStatusKb(text, field) {
  const re = new RegExp(`^${field}:\\s+(\\d+)\\s*kB\\s*$`, 'm');
  const m = re.exec(text);
  return m === null ? null : Number(m[1]);
}

/** The Name: field of /proc/<pid>/status. */
export function parseStatusName(text) {
  const m = /^Name:\s*(.*)$/m.exec(text);
  return m === null ? null : m[1].trim();
}

/** The pids in a /proc/<pid>/task/<tid>/children file ("123 456 "). */
export function parseChildren(text) {
  return text
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number);
}

/**
 * /proc/<pid>/stat: comm may hold spaces and parentheses, so fields are counted after the
 * LAST ')'. Times are in clock ticks (sysconf(_SC_CLK_TCK), 100 on Linux).
 */
export function parseStat(text) {
  const close = text.lastIndexOf(')');
  const open = text.indexOf('(');
  if (close < 0 || open < 0) return null;
  const rest = text.slice(close + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state); field n is rest[n - 3].
  const f = (n) => Number(rest[n - 3]);
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0],
    ppid: f(4),
    utime: f(14),
    stime: f(15),
    cutime: f(16),
    cstime: f(17),
  };
}

function readText(p) {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
}

/** Direct children of pid: the children files of all its threads, else a /proc scan. */
export function childPids(pid) {
  let tasks;
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out = new Set();
  let haveChildrenFile = false;
  for (const tid of tasks) {
    const t = readText(`/proc/${pid}/task/${tid}/children`);
    if (t === null) continue;
    haveChildrenFile = true;
    for (const c of parseChildren(t)) out.add(c);
  }
  if (!haveChildrenFile) {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      const s = readText(`/proc/${d}/stat`);
      const st = s === null ? null : parseStat(s);
      if (st !== null && st.ppid === pid) out.add(st.pid);
    }
  }
  return [...out];
}

export const POLL_MS = 20;

/**
 * Watch pid and its descendants until stop(): the largest VmHWM (kB) seen per pid, with its
 * name. Returns { stop(): { processes: [{pid, name, peakKb}], rootPeakKb } }.
 */
export function watchTree(rootPid, intervalMs = POLL_MS) {
  const seen = new Map(); // pid -> { pid, name, peakKb }
  const poll = () => {
    const stack = [rootPid];
    const visited = new Set();
    while (stack.length > 0) {
      const pid = stack.pop();
      if (visited.has(pid)) continue;
      visited.add(pid);
      const st = readText(`/proc/${pid}/status`);
      if (st !== null) {
        const hwm = parseStatusKb(st, 'VmHWM');
        const name = parseStatusName(st);
        const prev = seen.get(pid);
        // A pid that changed name (fork, then exec of ffmpeg) keeps its latest name.
        if (hwm !== null) seen.set(pid, { pid, name: name ?? prev?.name ?? '?', peakKb: Math.max(hwm, prev?.peakKb ?? 0) });
      }
      for (const c of childPids(pid)) stack.push(c);
    }
  };
  poll();
  const timer = setInterval(poll, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const processes = [...seen.values()];
      const root = seen.get(rootPid);
      return { processes: processes.filter((p) => p.pid !== rootPid), rootPeakKb: root?.peakKb ?? null };
    },
  };
}

/** CPU seconds of this process's waited-for children (ffmpeg, ffprobe), from /proc/self/stat. */
export function childrenCpuS(clkTck = 100) {
  const t = readText('/proc/self/stat');
  const st = t === null ? null : parseStat(t);
  if (st === null) return null;
  return (st.cutime + st.cstime) / clkTck;
}
