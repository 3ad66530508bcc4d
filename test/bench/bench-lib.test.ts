// Pure parts of the benchmark (benchmarks/lib): /proc parsing, ratios and bars, tables.
// No timing is measured or asserted here.
import { describe, expect, it } from 'vitest';
import { parseChildren, parseStat, parseStatusKb, parseStatusName } from '../../benchmarks/lib/proc.mjs';
import { bestRun, computeBars, growth, idleEstimateS, kbToMb, maxDeviationFromMedian, median, nsPerPixelFrame, peakTotalKb, ratio } from '../../benchmarks/lib/bars.mjs';
import { markdownTable, num, stageTable, textTable } from '../../benchmarks/lib/table.mjs';
import { cacheKey, stableStringify } from '../../benchmarks/lib/clips.mjs';

const STATUS = `Name:\tffmpeg
Umask:\t0022
State:\tS (sleeping)
Pid:\t4242
PPid:\t4200
VmPeak:\t  412345 kB
VmSize:\t  401000 kB
VmHWM:\t   61234 kB
VmRSS:\t   60000 kB
Threads:\t3
`;

describe('proc parsing', () => {
  it('reads kB fields and the name of /proc/<pid>/status', () => {
    expect(parseStatusKb(STATUS, 'VmHWM')).toBe(61234);
    expect(parseStatusKb(STATUS, 'VmRSS')).toBe(60000);
    expect(parseStatusKb(STATUS, 'VmSwap')).toBeNull();
    expect(parseStatusName(STATUS)).toBe('ffmpeg');
  });
  it('reads a children file', () => {
    expect(parseChildren('123 456 ')).toEqual([123, 456]);
    expect(parseChildren('')).toEqual([]);
  });
  it('reads /proc/<pid>/stat after the last parenthesis (comm may hold spaces and parentheses)', () => {
    const line = '4242 (my (odd) name) S 4200 4242 4200 0 -1 4194304 100 0 0 0 37 5 11 3 20 0 1 0 123 456 789';
    const st = parseStat(line);
    expect(st).toMatchObject({ pid: 4242, comm: 'my (odd) name', state: 'S', ppid: 4200, utime: 37, stime: 5, cutime: 11, cstime: 3 });
    expect(parseStat('garbage')).toBeNull();
  });
});

describe('ratios and bars', () => {
  it('small helpers', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
    expect(ratio(6, 2)).toBe(3);
    expect(ratio(1, 0)).toBeNull();
    expect(growth(100, 120)).toBeCloseTo(0.2);
    expect(kbToMb(1000)).toBeCloseTo(1.024);
    expect(nsPerPixelFrame(1000, 10, 10, 100)).toBeCloseTo(1e5);
    expect(maxDeviationFromMedian([90, 100, 130])).toBeCloseTo(0.3);
    expect(bestRun([{ wallMs: 5 }, { wallMs: 3 }, { error: 'x' }])).toEqual({ wallMs: 3 });
    expect(peakTotalKb({ maxRssKb: 100, ffmpegPeakKb: 50 })).toBe(150);
    expect(peakTotalKb({ maxRssKb: 100, ffmpegPeakKb: null })).toBe(100);
  });

  const run = (wallMs: number, rssKb: number, ffKb = 50_000, cpuMs = wallMs) => ({ wallMs, cpuMs, childrenCpuMs: 0, maxRssKb: rssKb, ffmpegPeakKb: ffKb });
  const clips = {
    'sdf-5s': { width: 720, height: 576, frames: 125, floor: run(400, 90_000), native: run(1000, 150_000), wasm: run(1500, 160_000) },
    'sdf-10s': { width: 720, height: 576, frames: 250, floor: run(800, 90_000), native: run(2000, 160_000), wasm: run(3000, 170_000) },
    'sdf-20s': { width: 720, height: 576, frames: 500, floor: run(1600, 90_000), native: run(4000, 170_000), wasm: run(6000, 180_000) },
    'usb3-10s': { width: 1280, height: 960, frames: 300, floor: null, native: run(2000 * (1280 * 960 * 300) / (720 * 576 * 250), 300_000), wasm: null },
    'cytocam-10s': { width: 2200, height: 1650, frames: 250, floor: null, native: run(2000 * (2200 * 1650) / (720 * 576) * 1.5, 600_000), wasm: null },
  };

  it('computes every bar with PASS/MISS and its numbers', () => {
    const bars = computeBars(clips, { totalS: 540 });
    const by = Object.fromEntries(bars.map((b: { id: string }) => [b.id, b]));
    expect(by['decode-ratio']).toMatchObject({ status: 'PASS', value: 2.5 });
    expect(by['wasm-native']).toMatchObject({ status: 'PASS', value: 1.5 });
    expect(by['peak-memory'].status).toBe('PASS');
    expect(by['peak-memory'].value).toBeCloseTo(kbToMb(220_000));
    // 5 s: 150 000 + 50 000 (native), 160 000 + 50 000 (wasm); 20 s: 220 000, 230 000 → the larger growth
    expect(by['memory-growth'].value).toBeCloseTo(230_000 / 210_000 - 1);
    expect(by['memory-growth'].status).toBe('PASS');
    // CytoCam 1.5× the per-pixel time of the other two: 50 % off the median
    expect(by['per-pixel-frame'].value).toBeCloseTo(0.5);
    expect(by['per-pixel-frame'].status).toBe('MISS');
    expect(by['total-time']).toMatchObject({ status: 'PASS', value: 9 });
  });

  it('estimates an idle-machine run from CPU times', () => {
    // generation: max(100, 130 / 2); runs: max(engine, ffmpeg) + 0.3 s start-up each; OpenCV 5 s
    const s = idleEstimateS({ generationCpuS: [10, 100, 20], runs: [{ cpuMs: 1000, childrenCpuMs: 3000 }, { cpuMs: 2000, childrenCpuMs: 500 }], opencvCpuMs: 5000, cores: 2 });
    expect(s).toBeCloseTo(100 + 3.3 + 2.3 + 5);
    expect(idleEstimateS({ generationCpuS: [10, null], runs: [] })).toBeNull();
  });

  it('says N/A when a measurement is missing', () => {
    const bars = computeBars({ 'sdf-10s': { width: 720, height: 576, frames: 250, floor: null, native: run(1, 1), wasm: null } });
    expect(bars.find((b: { id: string }) => b.id === 'decode-ratio').status).toBe('N/A');
    expect(bars.find((b: { id: string }) => b.id === 'wasm-native').status).toBe('N/A');
    expect(bars.some((b: { id: string }) => b.id === 'total-time')).toBe(false);
  });
});

describe('tables', () => {
  it('formats numbers and missing values', () => {
    expect(num(1.234)).toBe('1.23');
    expect(num(null)).toBe('–');
    expect(num(Number.NaN, 1)).toBe('–');
  });
  it('aligns a text table, numbers to the right', () => {
    const t = textTable(['clip', 'wall s'], [['a', '1.50'], ['long name', '12.00']]);
    expect(t.split('\n')).toEqual(['clip       wall s', '---------  ------', 'a            1.50', 'long name   12.00']);
  });
  it('writes a markdown table, escaping pipes and right-aligning numeric columns', () => {
    const t = markdownTable(['clip', 'ratio'], [['a|b', '2.00×'], ['c', '–']]);
    expect(t).toBe('| clip | ratio |\n|---|---:|\n| a\\|b | 2.00× |\n| c | – |');
  });
  it('gives every stage any run reported its own column (new stages appear on their own)', () => {
    const result = {
      clips: [
        { id: 'x', native: { best: { wallMs: 3000, timingsMs: { decodeAndStabilise: 1000, vesselMap: 2000 } } }, wasm: null },
        { id: 'y', native: { best: { wallMs: 5000, timingsMs: { decodeAndStabilise: 1000, flow: 4000 } } }, wasm: { best: { wallMs: 6000, timingsMs: { stabilise: 6000 } } } },
      ],
    };
    const { headers, rows } = stageTable(result);
    expect(headers).toEqual(['clip', 'backend', 'decodeAndStabilise s', 'vesselMap s', 'flow s', 'stabilise s', 'total s']);
    expect(rows).toEqual([
      ['x', 'native', '1.00', '2.00', '–', '–', '3.00'],
      ['y', 'native', '1.00', '–', '4.00', '–', '5.00'],
      ['y', 'wasm', '–', '–', '–', '6.00', '6.00'],
    ]);
  });
});

describe('clip cache key', () => {
  it('does not depend on property order, and changes with the generator version', () => {
    expect(stableStringify({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
    expect(cacheKey({ a: 1, b: 2 }, '1')).toBe(cacheKey({ b: 2, a: 1 }, '1'));
    expect(cacheKey({ a: 1 }, '1')).not.toBe(cacheKey({ a: 1 }, '2'));
  });
});
