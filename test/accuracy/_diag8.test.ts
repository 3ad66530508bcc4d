import { it } from 'vitest';
import { segmentImage } from '../../src/analysis/segment.js';
it('diag8', () => {
  const um = 1.3, W = 160, H = 120;
  for (const [gapUm, dUm] of [[4, 7], [5, 7], [6, 5], [4, 5]]) {
    const im = new Float32Array(W * H);
    const c1 = 60, c2 = 60 + (dUm + gapUm) / um;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const prof = (c: number) => { const r = dUm / um / 2; const t = Math.abs(y - c); return 1 / (1 + Math.exp((t - r) / 0.6)); };
      im[y * W + x] = 180 - 70 * Math.max(prof(c1), prof(c2)) + 6 * Math.sin(x * 0.7) * Math.cos(y * 0.9);
    }
    for (const p of [{}, { chainMinLumenContrast: 0 }, { chainMinLumenContrast: 0, centerlineValleyMaxDiameterUm: 60 }]) {
      const r = segmentImage(im, W, H, { umPerPxX: um, umPerPxY: um }, p);
      console.log(`PAIR gap ${gapUm} d ${dUm} (y ${c1},${c2.toFixed(1)}) ${JSON.stringify(p)}: chains ${r.segments.length} faint ${r.faintChains} ` + r.segments.map((s) => `d${s.diameterUm.toFixed(1)} y${(s.polyline.reduce((q, q2) => q + q2[1], 0) / s.polyline.length).toFixed(1)} L${s.lengthUm.toFixed(0)}`).join(' '));
    }
  }
});
