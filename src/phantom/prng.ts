/**
 * The phantom's own seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna 2018),
 * seeded through splitmix32, integer math only (Math.imul, shifts), so every platform and
 * Node version draws the same sequence. Named sub-streams (`fork('network')`) keep the
 * parts of the phantom independent: changing the flow mix does not move a single vessel.
 *
 * Normal deviates use the Irwin–Hall construction (sum of uniforms), which needs no
 * logarithm or cosine (those are not bit-reproducible across V8 versions).
 */
import { dlog } from './dmath.js';

/** splitmix32 step: a well-mixed 32-bit value from a 32-bit state. */
export function splitmix32(state: number): { value: number; state: number } {
  const s = (state + 0x9e3779b9) >>> 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  z = (z ^ (z >>> 16)) >>> 0;
  return { value: z, state: s };
}

/** FNV-1a 32-bit hash of a string (for naming sub-streams). */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** A seeded xoshiro128** generator. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** The 32-bit seed this stream was created from (for forking). */
  readonly seed: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng seed must be a finite number, got ${seed}`);
    // Accept any integer (also > 2^32 or negative): fold it into 32 bits deterministically.
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let st = (lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0;
    this.seed = st;
    let r = splitmix32(st);
    this.a = r.value;
    r = splitmix32(r.state);
    this.b = r.value;
    r = splitmix32(r.state);
    this.c = r.value;
    r = splitmix32(r.state);
    this.d = r.value;
    st = r.state;
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** An independent stream named by `label` (same seed + label → same stream). */
  fork(label: string): Rng {
    const h = fnv1a32(label);
    return new Rng((Math.imul(this.seed ^ h, 0x27d4eb2d) ^ (h >>> 7) ^ 0x5bd1e995) >>> 0);
  }

  /** Next uniformly distributed 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.b << 9) >>> 0;
    this.c = (this.c ^ this.a) >>> 0;
    this.d = (this.d ^ this.b) >>> 0;
    this.b = (this.b ^ this.c) >>> 0;
    this.a = (this.a ^ this.d) >>> 0;
    this.c = (this.c ^ t) >>> 0;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Integer uniform in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.uniform() < p;
  }

  /** ±1 with equal probability. */
  sign(): 1 | -1 {
    return this.nextU32() & 1 ? 1 : -1;
  }

  /**
   * Approximately standard normal deviate: Irwin–Hall sum of 12 uniforms minus 6
   * (mean 0, variance 1, bounded to ±6). Uses only additions.
   */
  normal(): number {
    let s = 0;
    for (let i = 0; i < 12; i++) s += this.nextU32();
    return s / 4294967296 - 6;
  }

  /** Cheaper approximately normal deviate (sum of 4 uniforms, rescaled to variance 1). */
  normalFast(): number {
    const s = this.nextU32() + this.nextU32() + this.nextU32() + this.nextU32();
    return (s / 4294967296 - 2) * 1.7320508075688772;
  }

  /**
   * Cheapest approximately normal deviate, for per-pixel sensor noise: the sum of the four
   * bytes of one 32-bit draw (Irwin–Hall of 4 discrete uniforms), rescaled to mean 0 and
   * variance 1 (1021 levels, bounded to ±3.45).
   */
  normalByte(): number {
    const u = this.nextU32();
    return ((u & 255) + ((u >>> 8) & 255) + ((u >>> 16) & 255) + (u >>> 24) - 510) / 147.80054127099805;
  }

  /** Exponential deviate with the given mean (inverse CDF with the deterministic logarithm). */
  exponential(mean: number): number {
    return -mean * dlog(1 - this.uniform());
  }

  /** Pick one element. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }
}
