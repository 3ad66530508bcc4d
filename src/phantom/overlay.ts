/**
 * Static screen furniture of captured clips: black borders (analogue capture) and a
 * burnt-in timestamp drawn in a fixed screen position with a simple 5×7 block font. Both
 * stay put while the tissue moves: the engine must leave them out of the analysed region.
 */
import { HvmError } from '../errors.js';

export interface Borders {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface ScreenRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The grey level of borders and of the text box (video black). */
export const BLACK_LEVEL = 16;
/** The grey level of the overlay text. */
export const TEXT_LEVEL = 235;

// 5×7 glyphs, one string of 7 rows × 5 columns ('#' = ink).
const GLYPHS: Record<string, string[]> = {
  '0': ['.###.', '#...#', '#..##', '#.#.#', '##..#', '#...#', '.###.'],
  '1': ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  '2': ['.###.', '#...#', '....#', '...#.', '..#..', '.#...', '#####'],
  '3': ['#####', '...#.', '..#..', '...#.', '....#', '#...#', '.###.'],
  '4': ['...#.', '..##.', '.#.#.', '#..#.', '#####', '...#.', '...#.'],
  '5': ['#####', '#....', '####.', '....#', '....#', '#...#', '.###.'],
  '6': ['..##.', '.#...', '#....', '####.', '#...#', '#...#', '.###.'],
  '7': ['#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...'],
  '8': ['.###.', '#...#', '#...#', '.###.', '#...#', '#...#', '.###.'],
  '9': ['.###.', '#...#', '#...#', '.####', '....#', '...#.', '.##..'],
  ':': ['.....', '..#..', '..#..', '.....', '..#..', '..#..', '.....'],
  '.': ['.....', '.....', '.....', '.....', '.....', '.##..', '.##..'],
  '-': ['.....', '.....', '.....', '#####', '.....', '.....', '.....'],
  ' ': ['.....', '.....', '.....', '.....', '.....', '.....', '.....'],
};

const GLYPH_W = 5;
const GLYPH_H = 7;
const ADVANCE = 6;

export function resolveBorders(b: number | Partial<Borders> | undefined, width: number, height: number): Borders {
  const v: Borders =
    typeof b === 'number' ? { left: b, right: b, top: 0, bottom: 0 } : { left: 0, right: 0, top: 0, bottom: 0, ...(b ?? {}) };
  for (const [k, n] of Object.entries(v)) {
    if (!Number.isInteger(n) || n < 0) throw new HvmError('E_PHANTOM_OPTIONS', `border ${k} must be a non-negative integer, got ${n}`);
  }
  if (v.left + v.right >= width / 2 || v.top + v.bottom >= height / 2) {
    throw new HvmError('E_PHANTOM_OPTIONS', `borders ${JSON.stringify(v)} leave too little of a ${width}×${height} frame`);
  }
  return v;
}

/** Paint the borders with video black. */
export function drawBorders(frame: Uint8Array, width: number, height: number, b: Borders): void {
  for (let j = 0; j < height; j++) {
    const row = j * width;
    if (j < b.top || j >= height - b.bottom) {
      frame.fill(BLACK_LEVEL, row, row + width);
      continue;
    }
    if (b.left > 0) frame.fill(BLACK_LEVEL, row, row + b.left);
    if (b.right > 0) frame.fill(BLACK_LEVEL, row + width - b.right, row + width);
  }
}

/** Timestamp text of a frame: HH:MM:SS.cc of (startS + tS). */
export function timestampText(tS: number, startS = 0): string {
  const cs = Math.round((startS + tS) * 100);
  const h = Math.floor(cs / 360000);
  const m = Math.floor((cs % 360000) / 6000);
  const s = Math.floor((cs % 6000) / 100);
  const c = cs % 100;
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${p2(h)}:${p2(m)}:${p2(s)}.${p2(c)}`;
}

/** Size of the overlay box for a text of `chars` characters at `scale` px per font pixel. */
export function overlayBoxSize(chars: number, scale: number): { width: number; height: number } {
  return { width: (chars * ADVANCE + 3) * scale, height: (GLYPH_H + 4) * scale };
}

/** The overlay box for a timestamp at the bottom-right corner inside the borders. */
export function overlayRect(width: number, height: number, borders: Borders, scale: number): ScreenRect {
  const size = overlayBoxSize(timestampText(0).length, scale);
  const x = width - borders.right - size.width - 4 * scale;
  const y = height - borders.bottom - size.height - 3 * scale;
  if (x < borders.left || y < borders.top) throw new HvmError('E_PHANTOM_OPTIONS', `the frame is too small for the timestamp overlay`);
  return { x, y, width: size.width, height: size.height };
}

/** Draw text in a black box at rect (the box is always fully painted: a static mask). */
export function drawText(frame: Uint8Array, width: number, rect: ScreenRect, text: string, scale: number): void {
  for (let j = rect.y; j < rect.y + rect.height; j++) frame.fill(BLACK_LEVEL, j * width + rect.x, j * width + rect.x + rect.width);
  let penX = rect.x + 2 * scale;
  const penY = rect.y + 2 * scale;
  for (const ch of text) {
    const g = GLYPHS[ch] ?? GLYPHS[' ']!;
    for (let gy = 0; gy < GLYPH_H; gy++) {
      for (let gx = 0; gx < GLYPH_W; gx++) {
        if (g[gy]![gx] !== '#') continue;
        for (let sy = 0; sy < scale; sy++) {
          const row = (penY + gy * scale + sy) * width;
          for (let sx = 0; sx < scale; sx++) frame[row + penX + gx * scale + sx] = TEXT_LEVEL;
        }
      }
    }
    penX += ADVANCE * scale;
  }
}
