/**
 * The space-time diagram of one vessel as a PNG, for a person to check the flow stage by eye:
 * time runs down (one row per frame), the path runs right (first polyline point on the left).
 * Grey levels are stretched between the 1st and 99th percentile of the measured samples;
 * gaps (dropped/duplicated frames) and samples outside the frame are dark blue; the columns the
 * estimator used are framed by two thin green lines, and the fitted streak slope (the mean
 * pattern displacement per row) is drawn in red through the centre of the used part. A stopped
 * column shows vertical lines (the barcode); flow to the right slopes down to the right.
 */
import { writeFileAtomic } from '../write-file.js';
import sharp from 'sharp';
import type { SpaceTimeDiagram } from '../flow/types.js';

export interface SpaceTimePngOptions {
  /** Integer magnification of each sample (default 3). */
  scale?: number;
}

export async function writeSpaceTimePng(path: string, std: SpaceTimeDiagram, o: SpaceTimePngOptions = {}): Promise<void> {
  await writeFileAtomic(path, await spaceTimePng(std, o));
}

/** The space-time diagram as a PNG buffer (rows = time downwards, columns = distance along the vessel). */
export async function spaceTimePng(std: SpaceTimeDiagram, o: SpaceTimePngOptions = {}): Promise<Buffer> {
  const k = Math.max(1, Math.floor(o.scale ?? 3));
  const { width: w, height: h, values } = std;
  if (w === 0 || h === 0) throw new RangeError(`space-time diagram ${std.id} is empty`);
  const finite: number[] = [];
  for (const v of values) if (Number.isFinite(v)) finite.push(v);
  finite.sort((a, b) => a - b);
  const lo = finite.length > 0 ? finite[Math.floor(0.01 * (finite.length - 1))]! : 0;
  const hi = finite.length > 0 ? finite[Math.floor(0.99 * (finite.length - 1))]! : 1;
  const span = hi > lo ? hi - lo : 1;
  const W = w * k;
  const H = h * k;
  const rgb = new Uint8Array(W * H * 3);
  const put = (x: number, y: number, r: number, g: number, b: number): void => {
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    const i = 3 * (y * W + x);
    rgb[i] = r;
    rgb[i + 1] = g;
    rgb[i + 2] = b;
  };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = values[y * w + x]!;
      const g = Number.isFinite(v) ? Math.max(0, Math.min(255, Math.round(((v - lo) / span) * 255))) : -1;
      for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) (g < 0 ? put(x * k + dx, y * k + dy, 0, 0, 90) : put(x * k + dx, y * k + dy, g, g, g));
    }
  }
  const used = std.usedColumns;
  if (used !== null) {
    for (const c of [used[0] * k, (used[1] + 1) * k - 1]) for (let y = 0; y < H; y++) put(c, y, 0, 200, 0);
    const s = std.slopeColumnsPerRow;
    if (s !== null) {
      // x(y) = xc + s·(y − yc) in sample units, drawn at sub-row steps so steep slopes stay connected.
      const xc = (used[0] + used[1] + 1) / 2;
      const yc = h / 2;
      const steps = Math.ceil(Math.max(h, Math.abs(s) * h) * k * 2);
      for (let i = 0; i <= steps; i++) {
        const y = (i / steps) * h;
        const x = xc + s * (y - yc);
        if (x < used[0] || x > used[1] + 1) continue;
        put(Math.floor(x * k), Math.floor(y * k), 255, 40, 40);
      }
    }
  }
  return sharp(rgb, { raw: { width: W, height: H, channels: 3 } }).png().toBuffer();
}
