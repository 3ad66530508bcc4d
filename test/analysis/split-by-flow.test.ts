/**
 * Which vessels a clip reports (src/analysis/split-by-flow.ts): a vessel joined through branch
 * points stands unless two of its parts were classified differently, then its parts stand.
 */
import { describe, expect, it } from 'vitest';
import { resolveVesselsByFlow } from '../../src/analysis/split-by-flow.js';
import type { MappedVessel } from '../../src/analysis/vessel-map.js';
import type { VesselFlow } from '../../src/flow/types.js';
import type { FlowClass } from '../../src/metrics/types.js';

function vessel(id: string, parts?: MappedVessel[]): MappedVessel {
  return {
    id, polylinePx: [[0, 0], [10, 0]], flowPolylinePx: [[0, 0], [10, 0]], lengthUm: 10, lengthUmByQuadrant: [10, 0, 0, 0], gridCrossings: [0, 0, 0, 0, 0, 0],
    diameterUm: 6, diameterRangeUm: [5, 7], diameterMethod: 'profile-fit', small: true, pieces: parts?.length ?? 1, closedLoop: false,
    ...(parts !== undefined ? { parts } : {}),
  };
}

function flows(classes: Record<string, FlowClass | null>): Map<string, VesselFlow> {
  return new Map(Object.entries(classes).map(([id, c]) => [id, {
    id, velocity: { valueUmPerS: null, lowerBoundUmPerS: null, upperBoundUmPerS: null, censored: null }, measurableRangeUmPerS: null,
    confidence: 0, series: { stepS: 0, valuesUmPerS: [] }, stoppedFraction: null, flowClass: c, reason: c === null ? 'path too short' : null, direction: 0,
  } satisfies VesselFlow]));
}

const joined = (): MappedVessel[] => [vessel('v0', [vessel('v0.1'), vessel('v0.2'), vessel('v0.3')]), vessel('v1')];
const ids = (v: MappedVessel[]): string[] => v.map((x) => x.id);

describe('resolveVesselsByFlow', () => {
  it('reports the parts, in order, when two classified parts disagree', () => {
    const out = resolveVesselsByFlow(joined(), flows({ v0: 2, 'v0.1': 3, 'v0.2': null, 'v0.3': 2, v1: 3 }));
    expect(ids(out)).toEqual(['v0.1', 'v0.2', 'v0.3', 'v1']);
  });

  it('keeps the joined vessel, without its parts, when the classified parts agree', () => {
    const out = resolveVesselsByFlow(joined(), flows({ v0: 3, 'v0.1': 3, 'v0.2': 3, 'v0.3': 3, v1: 0 }));
    expect(ids(out)).toEqual(['v0', 'v1']);
    expect(out[0]!.parts).toBeUndefined();
  });

  it('keeps the joined vessel when at most one part could be classified (no evidence of a change)', () => {
    expect(ids(resolveVesselsByFlow(joined(), flows({ v0: 3, 'v0.1': 0, 'v0.2': null, 'v0.3': null })))).toEqual(['v0', 'v1']);
    expect(ids(resolveVesselsByFlow(joined(), new Map())))
      .toEqual(['v0', 'v1']);
  });
});

describe('resolveVesselsByFlow: the halves of one chain', () => {
  const halved = (): MappedVessel[] => [{ ...vessel('v0', [vessel('v0.1'), vessel('v0.2')]), partsAreHalves: true }];

  it('stand apart when both halves move and their speeds fall in different classes (sluggish, continuous)', () => {
    const out = resolveVesselsByFlow(halved(), flows({ v0: 2, 'v0.1': 3, 'v0.2': 2 }));
    expect(ids(out)).toEqual(['v0.1', 'v0.2']);
  });

  it('do not when a half reads stopped or intermittent, or was not classified: the whole stands', () => {
    for (const c of [0, 1, null] as const) {
      const out = resolveVesselsByFlow(halved(), flows({ v0: 3, 'v0.1': 3, 'v0.2': c }));
      expect(ids(out)).toEqual(['v0']);
      expect(out[0]!.parts).toBeUndefined();
      expect(out[0]!.partsAreHalves).toBeUndefined();
    }
    // The same classes on the pieces of a vessel joined at branch points do split it.
    expect(ids(resolveVesselsByFlow([vessel('v0', [vessel('v0.1'), vessel('v0.2')])], flows({ v0: 3, 'v0.1': 3, 'v0.2': 1 })))).toEqual(['v0.1', 'v0.2']);
  });
});
