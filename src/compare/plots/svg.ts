/**
 * The little SVG toolkit the agreement plots need, written by hand so the plots have no
 * charting dependency: linear scales, "nice" 1-2-5 ticks, axes with tick labels, lines,
 * points and text, all escaped. Coordinates are rounded to 0.01 px to keep files small.
 */

export const WIDTH = 640;
export const HEIGHT = 480;
export const MARGIN = { left: 74, right: 24, top: 48, bottom: 62 };
const FONT = 'DejaVu Sans, Arial, Helvetica, sans-serif';

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const r2 = (x: number) => String(Math.round(x * 100) / 100);

/** A 1, 2 or 5 × 10^k step giving about `count` ticks over [lo, hi]. */
export function niceStep(lo: number, hi: number, count = 6): number {
  const raw = (hi - lo) / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

/** Padded, tick-aligned domain containing every value (a flat domain is widened). */
export function niceDomain(values: readonly number[], pad = 0.05): [number, number] {
  const finite = values.filter(Number.isFinite);
  let lo = finite.length > 0 ? Math.min(...finite) : 0;
  let hi = finite.length > 0 ? Math.max(...finite) : 1;
  if (hi - lo < 1e-12) {
    const w = Math.max(Math.abs(lo) * 0.1, 1);
    lo -= w;
    hi += w;
  }
  const span = hi - lo;
  lo -= span * pad;
  hi += span * pad;
  const step = niceStep(lo, hi);
  return [Math.floor(lo / step) * step, Math.ceil(hi / step) * step];
}

export function ticks(lo: number, hi: number): number[] {
  const step = niceStep(lo, hi);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function stepTicks([lo, hi]: [number, number], step: number): number[] {
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(v);
  return out;
}

export function fmtTick(v: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return v.toFixed(Math.min(decimals, 6));
}

export class Plot {
  readonly parts: string[] = [];
  readonly x0 = MARGIN.left;
  readonly x1 = WIDTH - MARGIN.right;
  readonly y0 = HEIGHT - MARGIN.bottom;
  readonly y1 = MARGIN.top;

  /** `step` fixes the tick spacing (1 for 0–3 scores); otherwise 1-2-5 ticks are chosen. */
  constructor(readonly xDomain: [number, number], readonly yDomain: [number, number], readonly step?: number) {}

  sx(v: number): number {
    return this.x0 + ((v - this.xDomain[0]) / (this.xDomain[1] - this.xDomain[0])) * (this.x1 - this.x0);
  }

  sy(v: number): number {
    return this.y0 - ((v - this.yDomain[0]) / (this.yDomain[1] - this.yDomain[0])) * (this.y0 - this.y1);
  }

  text(x: number, y: number, s: string, opts: { anchor?: 'start' | 'middle' | 'end'; size?: number; rotate?: boolean; color?: string; weight?: string } = {}): void {
    const t = opts.rotate ? ` transform="rotate(-90 ${r2(x)} ${r2(y)})"` : '';
    this.parts.push(`<text x="${r2(x)}" y="${r2(y)}" font-family="${FONT}" font-size="${opts.size ?? 12}" text-anchor="${opts.anchor ?? 'start'}" fill="${opts.color ?? '#222'}"${opts.weight ? ` font-weight="${opts.weight}"` : ''}${t}>${esc(s)}</text>`);
  }

  line(xa: number, ya: number, xb: number, yb: number, stroke: string, width = 1, dash?: string): void {
    this.parts.push(`<line x1="${r2(xa)}" y1="${r2(ya)}" x2="${r2(xb)}" y2="${r2(yb)}" stroke="${stroke}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
  }

  /** A horizontal line at data y across the plot, clipped to the domain. */
  hline(y: number, stroke: string, width = 1, dash?: string): void {
    if (y < this.yDomain[0] || y > this.yDomain[1]) return;
    this.line(this.x0, this.sy(y), this.x1, this.sy(y), stroke, width, dash);
  }

  /** A shaded horizontal band between data y values (a confidence interval). */
  band(ya: number, yb: number, fill: string): void {
    const lo = Math.max(Math.min(ya, yb), this.yDomain[0]);
    const hi = Math.min(Math.max(ya, yb), this.yDomain[1]);
    if (hi <= lo) return;
    this.parts.push(`<rect x="${r2(this.x0)}" y="${r2(this.sy(hi))}" width="${r2(this.x1 - this.x0)}" height="${r2(this.sy(lo) - this.sy(hi))}" fill="${fill}"/>`);
  }

  point(x: number, y: number, fill = '#1f5fa8', radius = 3.5): void {
    this.parts.push(`<circle cx="${r2(this.sx(x))}" cy="${r2(this.sy(y))}" r="${r2(radius)}" fill="${fill}" fill-opacity="0.65" stroke="#fff" stroke-width="0.5"/>`);
  }

  axes(xLabel: string, yLabel: string): void {
    const xs = this.step ?? niceStep(...this.xDomain);
    const ys = this.step ?? niceStep(...this.yDomain);
    const tx = this.step ? stepTicks(this.xDomain, this.step) : ticks(...this.xDomain);
    const ty = this.step ? stepTicks(this.yDomain, this.step) : ticks(...this.yDomain);
    for (const v of tx) {
      const x = this.sx(v);
      this.line(x, this.y1, x, this.y0, '#eee');
      this.line(x, this.y0, x, this.y0 + 5, '#444');
      this.text(x, this.y0 + 19, fmtTick(v, xs), { anchor: 'middle', size: 11 });
    }
    for (const v of ty) {
      const y = this.sy(v);
      this.line(this.x0, y, this.x1, y, '#eee');
      this.line(this.x0 - 5, y, this.x0, y, '#444');
      this.text(this.x0 - 8, y + 4, fmtTick(v, ys), { anchor: 'end', size: 11 });
    }
    this.parts.push(`<rect x="${r2(this.x0)}" y="${r2(this.y1)}" width="${r2(this.x1 - this.x0)}" height="${r2(this.y0 - this.y1)}" fill="none" stroke="#444"/>`);
    this.text((this.x0 + this.x1) / 2, HEIGHT - 18, xLabel, { anchor: 'middle', size: 13 });
    this.text(20, (this.y0 + this.y1) / 2, yLabel, { anchor: 'middle', size: 13, rotate: true });
  }

  title(s: string, sub?: string): void {
    this.text(this.x0, 22, s, { size: 15, weight: 'bold' });
    if (sub) this.text(this.x0, 39, sub, { size: 11, color: '#555' });
  }

  /** Gridlines and shading go under the axes' frame and points: callers draw in order. */
  svg(): string {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">\n<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>\n${this.parts.join('\n')}\n</svg>\n`;
  }
}
