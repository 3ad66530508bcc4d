import type { FlowClass, SegmentInput, VelocityEstimate } from '../../src/metrics/types.js';

/** A hand-made segment; quadrants default to all length in TL, crossings to none. */
export function seg(
  id: string,
  o: {
    lengthUm: number;
    diameterUm: number;
    flowClass: FlowClass | null;
    quadrants?: [number, number, number, number];
    crossings?: [number, number, number, number, number, number];
    velocity?: VelocityEstimate | null;
  },
): SegmentInput {
  return {
    id,
    lengthUm: o.lengthUm,
    lengthUmByQuadrant: o.quadrants ?? [o.lengthUm, 0, 0, 0],
    diameterUm: o.diameterUm,
    flowClass: o.flowClass,
    velocity: o.velocity ?? null,
    gridCrossings: o.crossings ?? [0, 0, 0, 0, 0, 0],
  };
}

export function measured(v: number): VelocityEstimate {
  return { valueUmPerS: v, lowerBoundUmPerS: v, upperBoundUmPerS: v, censored: null };
}

export function censoredAbove(lower: number): VelocityEstimate {
  return { valueUmPerS: null, lowerBoundUmPerS: lower, upperBoundUmPerS: null, censored: 'above' };
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
