import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIP_RESULT_SCHEMA_ID, type ClipResult } from '../../src/report/contract.js';
import { CLIP_RESULT_SCHEMA_PATH, ClipResultInvalidError, clipResultProblems, validateClipResult } from '../../src/report/validate.js';
import { computeClipMetrics } from '../../src/metrics/clip.js';
import { measurePolyline, analysedAreaMm2 } from '../../src/metrics/region.js';
import { HvmError } from '../../src/errors.js';
import type { AnalysedRegion, MetricSet, PixelScale, PointPx } from '../../src/metrics/types.js';

const region: AnalysedRegion = { x: 12, y: 8, width: 680, height: 540 };
const scale: PixelScale = { umPerPxX: 940 / 720, umPerPxY: 750 / 576 };
const pA: PointPx[] = [[40, 60], [120, 140], [200, 150]];
const pB: PointPx[] = [[400, 300], [410, 500]];
const mA = measurePolyline(pA, region, scale);
const mB = measurePolyline(pB, region, scale);
const metrics = computeClipMetrics({
  region,
  scale,
  segments: [
    { id: 'v1', ...mA, diameterUm: 7.5, flowClass: 3, velocity: { valueUmPerS: 900, lowerBoundUmPerS: 900, upperBoundUmPerS: 900, censored: null } },
    { id: 'v2', ...mB, diameterUm: 24, flowClass: null, velocity: null },
  ],
});

/** A complete, hand-built result (metrics from the real formulas, so the key sets are the code's). */
function fullResult(): ClipResult {
  return structuredClone({
    schema: CLIP_RESULT_SCHEMA_ID,
    engine: { version: '0.1.0', backend: 'wasm' },
    source: {
      path: 'videos/patient07/site2.avi',
      sha256: 'a'.repeat(64),
      container: 'avi',
      codec: 'dvvideo',
      width: 720,
      height: 576,
      sampleAspectRatio: '16:15',
      fps: 25,
      headerFrameCount: 250,
      frameCount: 250,
      durationS: 10,
      interlaced: true,
      truncated: false,
      decoder: { path: '/usr/bin/ffmpeg', version: '5.1.6' },
      framesHash: 'xxh64:0123456789abcdef',
    },
    calibration: { umPerPxX: scale.umPerPxX, umPerPxY: scale.umPerPxY, source: 'device-profile', device: 'microscan-sdf-pal', smallVesselMaxUm: 20 },
    analysis: {
      window: { startS: 0, endS: 10 },
      referenceFrame: 125,
      analysedRegion: region,
      analysedAreaMm2: analysedAreaMm2(region, scale),
      framesUsed: 248,
      framesDropped: 2,
    },
    metrics: { small: metrics.small, all: metrics.all },
    vessels: [
      {
        id: 'v1',
        points: pA,
        lengthUm: mA.lengthUm,
        diameterUm: 7.5,
        diameterRangeUm: [6.1, 9.0],
        small: true,
        flowClass: 3,
        classReason: 'continuous streaks, median velocity 900 µm/s ≥ sluggish threshold',
        velocity: { valueUmPerS: 900, lowerBoundUmPerS: 900, upperBoundUmPerS: 900, censored: null },
        stoppedFraction: 0,
        gridCrossings: mA.gridCrossings,
      },
      {
        id: 'v2',
        points: pB,
        lengthUm: mB.lengthUm,
        diameterUm: 24,
        diameterRangeUm: [21, 27],
        small: false,
        flowClass: null,
        classReason: 'occluded by a larger vessel',
        velocity: null,
        stoppedFraction: null,
        gridCrossings: mB.gridCrossings,
      },
    ],
    parameters: {
      smallVesselMaxUm: { value: 20, unit: 'µm' },
      stoppedFractionNoFlow: { value: 0.9, unit: '1' },
      sluggishMaxUmPerS: { value: 300, unit: 'µm/s' },
      splitFields: { value: true, unit: '' },
    },
    warnings: metrics.warnings,
  } satisfies ClipResult);
}

function problemsOf(obj: unknown): string[] {
  try {
    validateClipResult(obj);
  } catch (e) {
    expect(e).toBeInstanceOf(ClipResultInvalidError);
    return (e as ClipResultInvalidError).problems;
  }
  throw new Error('expected the result to be invalid');
}

describe('clip result contract', () => {
  it('a full hand-built result validates', () => {
    const r = fullResult();
    expect(clipResultProblems(r)).toEqual([]);
    expect(validateClipResult(r)).toBe(r);
    // and survives a JSON round trip unchanged
    expect(validateClipResult(JSON.parse(JSON.stringify(r)))).toEqual(r);
  });

  it('nullable metrics validate as null (no vessels at all)', () => {
    const empty = computeClipMetrics({ region, scale, segments: [] });
    const r = { ...fullResult(), metrics: { small: empty.small, all: empty.all }, vessels: [] };
    expect(clipResultProblems(r)).toEqual([]);
  });

  it('an extra top-level field fails, naming it', () => {
    const r = { ...fullResult(), comment: 'hi' };
    const p = problemsOf(r);
    expect(p.join('\n')).toMatch(/\(top level\) must NOT have additional properties "comment"/);
  });

  it('an extra field inside a metric set fails, naming the path', () => {
    const r = fullResult();
    (r.metrics.small as MetricSet & { TVDarea?: number }).TVDarea = 0.1;
    expect(problemsOf(r).join('\n')).toMatch(/\/metrics\/small must NOT have additional properties "TVDarea"/);
  });

  it('a wrong type fails with the path and the expected type', () => {
    const r = fullResult() as unknown as { metrics: { all: { TVD: unknown } } };
    r.metrics.all.TVD = '12.5';
    const err = (() => {
      try {
        validateClipResult(r, 'out/result.json');
      } catch (e) {
        return e as ClipResultInvalidError;
      }
      throw new Error('should fail');
    })();
    expect(err).toBeInstanceOf(HvmError);
    expect(err.code).toBe('E_RESULT_INVALID');
    expect(err.file).toBe('out/result.json');
    expect(err.message).toContain('/metrics/all/TVD must be number');
    expect(err.message).toContain('out/result.json');
  });

  it('catches a missing field, a bad enum, a bad const, a non-finite number', () => {
    const r = fullResult() as unknown as Record<string, any>;
    delete r.calibration.smallVesselMaxUm;
    r.vessels[0].flowClass = 4;
    r.schema = 'hvm-engine/clip-result@2';
    r.metrics.small.PPV = NaN;
    const p = problemsOf(r).join('\n');
    expect(p).toMatch(/\/calibration must have required property 'smallVesselMaxUm'/);
    expect(p).toMatch(/\/vessels\/0\/flowClass must be equal to one of the allowed values/);
    expect(p).toMatch(/\/schema must be equal to constant "hvm-engine\/clip-result@1"/);
    expect(p).toMatch(/\/metrics\/small\/PPV must be a finite number, got NaN/);
  });

  it('the schema lists exactly the MetricSet keys the metrics compute (no drift)', () => {
    const schema = JSON.parse(readFileSync(CLIP_RESULT_SCHEMA_PATH, 'utf8'));
    const def = schema.$defs.metricSet;
    expect(Object.keys(def.properties).sort()).toEqual(Object.keys(metrics.small).sort());
    expect(def.required.sort()).toEqual(Object.keys(metrics.small).sort());
    expect(schema.properties.schema.const).toBe(CLIP_RESULT_SCHEMA_ID);
    // every metric property states its unit or scale in its description
    for (const [k, v] of Object.entries<{ description?: string }>(def.properties)) {
      expect(v.description, k).toBeTruthy();
    }
  });
});
