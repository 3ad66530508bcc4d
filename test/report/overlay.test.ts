/**
 * The overlay picture: vessels drawn where they are, in their class colour (or small/large
 * colour before flow), the region and the six De Backer grid lines, quadrant scores; an RGB
 * PNG scaled up for small clips.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FLOW_CLASS_COLOURS, LARGE_VESSEL_COLOUR, overlayPng, overlaySvg, SMALL_VESSEL_COLOUR, type OverlayInput } from '../../src/report/overlay.js';
import { unmeasuredMetricSet } from '../../src/report/contract.js';

function input(flow: boolean): OverlayInput {
  const vessel = (id: string, y: number, small: boolean, cls: 0 | 1 | 2 | 3 | null) => ({
    id, points: [[10, y], [150, y]] as [number, number][], lengthUm: 140, diameterUm: small ? 6 : 30, diameterRangeUm: [5, 7] as [number, number], small,
    flowClass: flow ? cls : null, classReason: '', velocity: null, stoppedFraction: null, gridCrossings: [0, 0, 0, 1, 1, 1] as [number, number, number, number, number, number],
  });
  const all = unmeasuredMetricSet();
  if (flow) all.MFIQuadrants = [3, 2, null, 0];
  return {
    result: {
      analysis: { window: { startS: 0, endS: 1 }, referenceFrame: 0, analysedRegion: { x: 5, y: 5, width: 150, height: 110 }, analysedAreaMm2: 0.01, framesUsed: 25, framesDropped: 0 },
      vessels: [vessel('a', 20, true, 3), vessel('b', 60, false, 0)],
      metrics: { small: unmeasuredMetricSet(), all },
    },
    image: new Float32Array(160 * 120).fill(128),
    width: 160,
    height: 120,
  };
}

const hex = (c: string): number[] => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));

describe('overlay', () => {
  it('draws every vessel, the region and six grid lines; quadrant scores only when flow ran', () => {
    const svg = overlaySvg(input(true), 1);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg.match(/<line /g)).toHaveLength(6);
    expect(svg).toContain(FLOW_CLASS_COLOURS[3]);
    expect(svg).toContain(FLOW_CLASS_COLOURS[0]);
    expect(svg.match(/<text/g)).toHaveLength(4);
    const before = overlaySvg(input(false), 1);
    expect(before).toContain(SMALL_VESSEL_COLOUR);
    expect(before).toContain(LARGE_VESSEL_COLOUR);
    expect(before).not.toContain('<text');
  });

  it('renders an RGB PNG scaled to at least 720 px wide, with the vessel colour on the vessel', async () => {
    const png = await overlayPng(input(true));
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([160 * 5, 120 * 5, 3]);
    // Vessel "a" (class 3) runs along y = 20 → scaled row (20 + ½)·5; sample x = 80.
    const at = (x: number, y: number): number[] => Array.from(data.subarray(3 * (y * info.width + x), 3 * (y * info.width + x) + 3));
    const onA = at(Math.round(80.5 * 5), Math.round(20.5 * 5));
    const want = hex(FLOW_CLASS_COLOURS[3]);
    for (let c = 0; c < 3; c++) expect(Math.abs(onA[c]! - want[c]!)).toBeLessThan(30);
    // Away from any drawing: the grey image.
    expect(at(20, 330)).toEqual([128, 128, 128]);
  });
});
