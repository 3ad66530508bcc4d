/**
 * Independent measurements on rendered phantom frames (test helpers only): bilinear
 * sampling, intensity profiles along a centerline, 1-D cross-correlation, and translation
 * between frames by Lucas–Kanade. Nothing here is engine code.
 */
import { createHash } from 'node:crypto';

export type Pt = [number, number];

export function sha256(chunks: Iterable<Uint8Array | string>): string {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest('hex');
}

/** Bilinear sample of an 8-bit or float image at (x, y) (pixel centres at integers); NaN outside. */
export function bilinear(img: ArrayLike<number>, w: number, h: number, x: number, y: number): number {
  if (x < 0 || y < 0 || x > w - 1 || y > h - 1) return NaN;
  const xi = Math.min(w - 2, Math.floor(x));
  const yi = Math.min(h - 2, Math.floor(y));
  const fx = x - xi;
  const fy = y - yi;
  const a = img[yi * w + xi]!;
  const b = img[yi * w + xi + 1]!;
  const c = img[(yi + 1) * w + xi]!;
  const d = img[(yi + 1) * w + xi + 1]!;
  return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
}

/** Points along a px polyline at equal arc-length steps in µm (non-square pixels handled). */
export function samplePolylineUm(points: Pt[], sx: number, sy: number, stepUm: number): Pt[] {
  const out: Pt[] = [];
  let carry = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    const len = Math.hypot((b[0] - a[0]) * sx, (b[1] - a[1]) * sy);
    let s = carry;
    while (s <= len) {
      const t = len > 0 ? s / len : 0;
      out.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
      s += stepUm;
    }
    carry = s - len;
  }
  return out;
}

/** Intensity profile of a frame along points (frame-0 px), for a camera offset. */
export function profile(img: ArrayLike<number>, w: number, h: number, pts: Pt[], offset: [number, number]): number[] {
  return pts.map((p) => bilinear(img, w, h, p[0] - offset[0], p[1] - offset[1]));
}

/**
 * Lag (in samples, sub-sample by parabola) maximising the normalised cross-correlation of
 * b against a, i.e. b(s) ≈ a(s − lag); and the peak correlation.
 */
export function crossCorrelationLag(a: number[], b: number[], maxLag: number): { lag: number; peak: number } {
  let best = -Infinity;
  let bestLag = 0;
  const corr = new Map<number, number>();
  for (let L = -maxLag; L <= maxLag; L++) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < b.length; i++) {
      const j = i - L;
      if (j < 0 || j >= a.length) continue;
      const x = a[j]!;
      const y = b[i]!;
      if (Number.isNaN(x) || Number.isNaN(y)) continue;
      xs.push(x);
      ys.push(y);
    }
    if (xs.length < 20) continue;
    const mx = xs.reduce((s, v) => s + v, 0) / xs.length;
    const my = ys.reduce((s, v) => s + v, 0) / ys.length;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < xs.length; i++) {
      sxy += (xs[i]! - mx) * (ys[i]! - my);
      sxx += (xs[i]! - mx) ** 2;
      syy += (ys[i]! - my) ** 2;
    }
    const c = sxy / Math.sqrt(sxx * syy);
    corr.set(L, c);
    if (c > best) {
      best = c;
      bestLag = L;
    }
  }
  const cm = corr.get(bestLag - 1);
  const cp = corr.get(bestLag + 1);
  let frac = 0;
  if (cm !== undefined && cp !== undefined) {
    const den = cm - 2 * best + cp;
    if (den < 0) frac = (0.5 * (cm - cp)) / den;
  }
  return { lag: bestLag + frac, peak: best };
}

/**
 * Translation (dx, dy) such that moving(i, j) ≈ ref(i + dx, j + dy), by an integer search
 * followed by Lucas–Kanade refinement on a central window.
 */
export function measureTranslation(ref: ArrayLike<number>, moving: ArrayLike<number>, w: number, h: number, maxShift = 12): [number, number] {
  const m = maxShift + 2;
  let best = Infinity;
  let bx = 0;
  let by = 0;
  for (let dy = -maxShift; dy <= maxShift; dy++) {
    for (let dx = -maxShift; dx <= maxShift; dx++) {
      let s = 0;
      for (let j = m; j < h - m; j += 2) {
        for (let i = m; i < w - m; i += 2) {
          const d = moving[j * w + i]! - ref[(j + dy) * w + i + dx]!;
          s += d * d;
        }
      }
      if (s < best) {
        best = s;
        bx = dx;
        by = dy;
      }
    }
  }
  let dx = bx;
  let dy = by;
  for (let it = 0; it < 20; it++) {
    let a11 = 0;
    let a12 = 0;
    let a22 = 0;
    let b1 = 0;
    let b2 = 0;
    for (let j = m; j < h - m; j++) {
      for (let i = m; i < w - m; i++) {
        const x = i + dx;
        const y = j + dy;
        const r = bilinear(ref, w, h, x, y);
        const gx = (bilinear(ref, w, h, x + 0.5, y) - bilinear(ref, w, h, x - 0.5, y));
        const gy = (bilinear(ref, w, h, x, y + 0.5) - bilinear(ref, w, h, x, y - 0.5));
        const e = moving[j * w + i]! - r;
        a11 += gx * gx;
        a12 += gx * gy;
        a22 += gy * gy;
        b1 += gx * e;
        b2 += gy * e;
      }
    }
    const det = a11 * a22 - a12 * a12;
    const ux = (a22 * b1 - a12 * b2) / det;
    const uy = (a11 * b2 - a12 * b1) / det;
    dx += ux;
    dy += uy;
    if (Math.abs(ux) + Math.abs(uy) < 1e-4) break;
  }
  return [dx, dy];
}

/** Subtract a centred moving average (window 2·half+1 samples): keeps the RBC texture, drops slow trends. */
export function highPass(x: number[], half: number): number[] {
  return x.map((v, i) => {
    let s = 0;
    let n = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(x.length - 1, i + half); j++) {
      if (Number.isNaN(x[j]!)) continue;
      s += x[j]!;
      n++;
    }
    return Number.isNaN(v) || n === 0 ? NaN : v - s / n;
  });
}

/** Whether p lies inside a polygon (winding number; independent of the phantom's even–odd test). */
export function insidePolygon(p: Pt, poly: Pt[]): boolean {
  let wn = 0;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % poly.length]!;
    const cross = (b[0] - a[0]) * (p[1] - a[1]) - (p[0] - a[0]) * (b[1] - a[1]);
    if (a[1] <= p[1]) {
      if (b[1] > p[1] && cross > 0) wn++;
    } else if (b[1] <= p[1] && cross < 0) wn--;
  }
  return wn !== 0;
}

/** Crop a w×h window at (x0, y0) out of a width-W image. */
export function crop(img: ArrayLike<number>, W: number, x0: number, y0: number, w: number, h: number): Float64Array {
  const out = new Float64Array(w * h);
  for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) out[j * w + i] = img[(y0 + j) * W + x0 + i]!;
  return out;
}

export function std(x: ArrayLike<number>): number {
  let m = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]!)) (m += x[i]!), n++;
  m /= n;
  let s = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]!)) s += (x[i]! - m) ** 2;
  return Math.sqrt(s / n);
}
