/**
 * Frame rates and aspect ratios as exact rationals: NTSC is 30000/1001, not 29.97, and
 * velocities (µm/s = px/frame × µm/px × fps) should not inherit a rounding of the rate.
 */
export interface Rational {
  num: number;
  den: number;
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

export function reduce(r: Rational): Rational {
  const g = gcd(r.num, r.den) || 1;
  return { num: r.num / g, den: r.den / g };
}

export function ratValue(r: Rational): number {
  return r.num / r.den;
}

/** "16:15", "25/1", "30000/1001" → rational; null for "0/0", "0:1", "N/A", "" and the like. */
export function parseRational(s: string | undefined | null): Rational | null {
  if (s === undefined || s === null) return null;
  const m = /^\s*(\d+)\s*[:/]\s*(\d+)\s*$/.exec(s);
  if (!m) return null;
  const num = Number(m[1]);
  const den = Number(m[2]);
  if (!(num > 0) || !(den > 0)) return null;
  return reduce({ num, den });
}

/** The NTSC family: ffmpeg prints 30000/1001 as "29.97"; map such decimals back. */
const NTSC_BASES = [24, 30, 48, 60, 120, 240];

/**
 * A decimal frame rate as ffmpeg prints it ("25", "29.97", "30k", "0.0400") → rational.
 * NTSC rates come back exact (n·1000/1001); other decimals keep their printed precision.
 */
export function rationalFromDecimal(text: string): Rational | null {
  const m = /^\s*(\d+(?:\.\d+)?)(k?)\s*$/.exec(text);
  if (!m) return null;
  const d = Number(m[1]) * (m[2] === 'k' ? 1000 : 1);
  if (!(d > 0)) return null;
  for (const n of NTSC_BASES) {
    const ntsc = (n * 1000) / 1001;
    if (Math.abs(d - ntsc) < 0.006) return { num: n * 1000, den: 1001 };
  }
  if (Number.isInteger(d)) return { num: d, den: 1 };
  const decimals = (m[1]!.split('.')[1] ?? '').length;
  const den = 10 ** decimals;
  return reduce({ num: Math.round(d * den), den });
}

/** A user-given fps: a number (25, 29.97), a string ("30000/1001", "25") or a rational. */
export function toRational(fps: number | string | Rational): Rational | null {
  if (typeof fps === 'number') return Number.isFinite(fps) && fps > 0 ? rationalFromDecimal(String(fps)) : null;
  if (typeof fps === 'string') return parseRational(fps) ?? rationalFromDecimal(fps);
  return fps.num > 0 && fps.den > 0 ? reduce(fps) : null;
}
