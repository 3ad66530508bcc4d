/**
 * A small synthetic vessel image with known truth: straight dark lines of known width on a
 * bright, textured, noisy background (Gaussian blobs of both signs like tissue mottle, plus
 * pixel noise, plus a gentle illumination gradient). Lines are anti-aliased by their exact
 * coverage of each pixel's 4×4 sub-samples. Pixel centres are at integer coordinates.
 */
import { rng } from '../backend/helpers.js';

export interface SyntheticLine {
  /** End points, px. */
  from: [number, number];
  to: [number, number];
  /** Width, µm. */
  widthUm: number;
}

export interface SyntheticImage {
  width: number;
  height: number;
  umPerPx: number;
  gray: Float32Array;
  lines: SyntheticLine[];
  /** Total centerline length, µm. */
  lengthUm: number;
}

export function syntheticLines(seed = 1, umPerPx = 1.5): SyntheticImage {
  const width = 360, height = 280;
  const t = Math.tan(Math.PI / 8);
  const lines: SyntheticLine[] = [
    { from: [20, 30], to: [340, 30], widthUm: 6 },
    { from: [20, 80], to: [330, 80 + 310 * t], widthUm: 10 },
    { from: [40, 260], to: [300, 110], widthUm: 20 },
    { from: [300, 20], to: [300, 250], widthUm: 8 },
    { from: [60, 120], to: [200, 250], widthUm: 12 },
  ];
  const r = rng(seed);
  const gray = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) gray[y * width + x] = 170 + 20 * (x / width) - 10 * (y / height);
  for (let k = 0; k < (width * height) / 30; k++) {
    const cx = r() * width, cy = r() * height, s = 1 + 3 * r(), a = (r() - 0.5) * 30;
    const R = Math.ceil(3 * s);
    for (let y = Math.max(0, Math.floor(cy - R)); y <= Math.min(height - 1, cy + R); y++) {
      for (let x = Math.max(0, Math.floor(cx - R)); x <= Math.min(width - 1, cx + R); x++) {
        gray[y * width + x] += a * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * s * s));
      }
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let cover = 0;
      for (const l of lines) cover = Math.max(cover, coverage(l, x, y, umPerPx));
      gray[y * width + x] += -80 * cover + (r() - 0.5) * 10;
    }
  }
  const lengthUm = lines.reduce((acc, l) => acc + Math.hypot(l.to[0] - l.from[0], l.to[1] - l.from[1]) * umPerPx, 0);
  return { width, height, umPerPx, gray, lines, lengthUm };
}

/** Fraction of pixel (x, y) covered by the line (4×4 sub-samples, flat caps at the ends). */
function coverage(l: SyntheticLine, x: number, y: number, umPerPx: number): number {
  const [x0, y0] = l.from, [x1, y1] = l.to;
  const dx = x1 - x0, dy = y1 - y0, L = Math.hypot(dx, dy);
  const hw = l.widthUm / umPerPx / 2;
  let c = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const px = x + (sx + 0.5) / 4 - 0.5, py = y + (sy + 0.5) / 4 - 0.5;
      const tt = ((px - x0) * dx + (py - y0) * dy) / (L * L);
      if (tt < 0 || tt > 1) continue;
      if (Math.abs((px - x0) * dy - (py - y0) * dx) / L <= hw) c++;
    }
  }
  return c / 16;
}

/** Distance from (x, y) to the nearest line centerline (segment), px. */
export function distanceToCenterline(img: SyntheticImage, x: number, y: number): number {
  let best = Infinity;
  for (const l of img.lines) {
    const [x0, y0] = l.from, [x1, y1] = l.to;
    const dx = x1 - x0, dy = y1 - y0;
    const t = Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)));
    best = Math.min(best, Math.hypot(x - x0 - t * dx, y - y0 - t * dy));
  }
  return best;
}

/** Whether (x, y) lies inside a line by at least `inset` px from its edges and ends. */
export function insideLine(img: SyntheticImage, x: number, y: number, inset: number): boolean {
  for (const l of img.lines) {
    const [x0, y0] = l.from, [x1, y1] = l.to;
    const dx = x1 - x0, dy = y1 - y0, L = Math.hypot(dx, dy);
    const along = ((x - x0) * dx + (y - y0) * dy) / L;
    const across = Math.abs((x - x0) * dy - (y - y0) * dx) / L;
    if (along >= inset && along <= L - inset && across <= l.widthUm / img.umPerPx / 2 - inset) return true;
  }
  return false;
}

/** Crossing points of the lines (segment intersections), px. */
export function crossings(img: SyntheticImage): [number, number][] {
  const out: [number, number][] = [];
  const L = img.lines;
  for (let a = 0; a < L.length; a++) {
    for (let b = a + 1; b < L.length; b++) {
      const [x1, y1] = L[a]!.from, [x2, y2] = L[a]!.to, [x3, y3] = L[b]!.from, [x4, y4] = L[b]!.to;
      const den = (x1 - x2) * (y3 - y4) - (y1 - y2) * (x3 - x4);
      if (den === 0) continue;
      const t = ((x1 - x3) * (y3 - y4) - (y1 - y3) * (x3 - x4)) / den;
      const u = -((x1 - x2) * (y1 - y3) - (y1 - y2) * (x1 - x3)) / den;
      if (t >= 0 && t <= 1 && u >= 0 && u <= 1) out.push([x1 + t * (x2 - x1), y1 + t * (y2 - y1)]);
    }
  }
  return out;
}
