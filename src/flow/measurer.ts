/**
 * The streaming flow measurer: frames go in one at a time (a 60-s clip is never held), each
 * is brightness-normalised and sampled along every path in one core call
 * (CoreBackend.spaceTimeSample), and only the space-time diagram rows are kept (a few
 * hundred bytes per path and frame). finish() estimates velocity, stops and class per path.
 *
 *   const m = createFlowMeasurer(paths, { width, height, fps, scale, core });
 *   for (const f of frames) m.addFrame(f);     // FlowFrame: pixels + content shift + status
 *   const flows = m.finish();                   // VesselFlow per path, in the paths' order
 *   m.spaceTime('c0001');                       // the STD, for pictures
 *
 * Dropped and duplicated frames are gaps: missing time, never stops. Brightness: each row is
 * divided by its frame's mean grey level (×100), so frame-to-frame flicker cannot draw
 * horizontal streaks.
 */
import type { CoreBackend } from '../backend/types.js';
import { estimateFlow, type FlowEstimate } from './estimate.js';
import { lumenContrast } from '../analysis/lumen-contrast.js';
import { gateStopByContrast } from './lumen-contrast.js';
import { featurelessIsUnknown, resolveFlowParams, stopTextureBar, type FlowParams } from './params.js';
import { samplePath, type PathSamples } from './path-samples.js';
import { MAX_CODE, RowStore, SAMPLE_SCALE } from './row-store.js';
import type { FlowFrame, FlowPath, SpaceTimeDiagram, VesselFlow } from './types.js';

export interface FlowMeasurerOptions {
  width: number;
  height: number;
  /** Frames per second of the clip (rows are 1/fps apart). */
  fps: number;
  scale: { umPerPxX: number; umPerPxY: number };
  core: CoreBackend;
  params?: Partial<FlowParams>;
  /**
   * Interlaced video: each frame is split into its two fields, sampled separately, one STD row
   * per field, 1/(2 fps) apart — double the time resolution, and no comb of two instants
   * mixed in one row. Both fields use the frame's content shift.
   */
  interlaced?: boolean;
  /** Field order of interlaced video: 'bff' (PAL DV: odd rows first in time, default) or 'tff'. */
  fieldOrder?: 'bff' | 'tff';
  /**
   * The clip's stabilised mean image (width × height, reference-frame px, the frame the paths
   * are in). With it a stop or intermittent call needs a visible lumen (lumen-contrast.ts:
   * faint static traces, such as tissue mottle, are left unclassified); without it no call is
   * checked.
   */
  meanImage?: Float32Array;
}

export interface FlowMeasurer {
  addFrame(f: FlowFrame): void;
  finish(): VesselFlow[];
  spaceTime(id: string): SpaceTimeDiagram | null;
}

interface PathState {
  path: FlowPath;
  samples: PathSamples;
  offset: number;
  /** Per row: mean of the two lines (the STD row). */
  rows: RowStore;
  /** Per row: left line − right line (noise reference). */
  diffs: RowStore;
  estimate: FlowEstimate | null;
}

export function createFlowMeasurer(paths: FlowPath[], o: FlowMeasurerOptions): FlowMeasurer {
  const p = resolveFlowParams(o.params);
  if (!(o.fps > 0) || !Number.isFinite(o.fps)) throw new RangeError(`fps must be positive, got ${o.fps}`);
  if (o.meanImage !== undefined && !(o.meanImage instanceof Float32Array && o.meanImage.length === o.width * o.height)) {
    throw new RangeError(`meanImage must be a Float32Array of width·height = ${o.width * o.height} values`);
  }
  const ids = new Set<string>();
  const states: PathState[] = [];
  let total = 0;
  for (const path of paths) {
    if (ids.has(path.id)) throw new RangeError(`duplicate path id "${path.id}"`);
    ids.add(path.id);
    const samples = samplePath(path, o.scale, p.stepPx, p.acrossFractionOfRadius);
    states.push({ path, samples, offset: total, rows: new RowStore(samples.count), diffs: new RowStore(samples.count), estimate: null });
    total += 2 * samples.count;
  }
  const pathCounts = Uint32Array.from(states, (s) => s.samples.count);
  // All paths' samples in one call per frame.
  const points = new Float64Array(2 * total);
  const normals = new Float64Array(2 * total);
  const halfWidths = new Float64Array(total);
  for (const s of states) {
    points.set(s.samples.points, 2 * s.offset);
    normals.set(s.samples.normals, 2 * s.offset);
    halfWidths.set(s.samples.halfWidthsPx, s.offset);
  }
  // (offsets and total count points of both lines: 2 × count per path)
  const interlaced = o.interlaced === true;
  const rowsPerFrame = interlaced ? 2 : 1;
  const rowStepS = 1 / (o.fps * rowsPerFrame);
  // Fields: rows of one parity q (q, q + 2, …) form an image of fieldH rows, in which frame row y
  // is field row (y − q)/2. A point's frame position P + (dx, dy) is then, in the field,
  // (Px + dx, Py/2 + (dy − q)/2): points and normals are halved in y once, dy per field.
  const fieldOrder: [number, number] = (o.fieldOrder ?? 'bff') === 'bff' ? [1, 0] : [0, 1];
  const fieldPoints = new Float64Array(points.length);
  const fieldNormals = new Float64Array(normals.length);
  for (let i = 0; i < points.length; i += 2) {
    fieldPoints[i] = points[i]!;
    fieldPoints[i + 1] = points[i + 1]! / 2;
    fieldNormals[i] = normals[i]!;
    fieldNormals[i + 1] = normals[i + 1]! / 2;
  }
  const diameterUm = (s: PathState): number => s.path.diameterPx * Math.sqrt(o.scale.umPerPxX * o.scale.umPerPxY);
  const fieldBuf = new Map<number, Uint8Array>();
  const field = (data: Uint8Array, q: number): { img: Uint8Array; h: number } => {
    const h = Math.floor((o.height - q + 1) / 2);
    let img = fieldBuf.get(q);
    if (img === undefined || img.length !== o.width * h) {
      img = new Uint8Array(o.width * h);
      fieldBuf.set(q, img);
    }
    for (let j = 0; j < h; j++) img.set(data.subarray((2 * j + q) * o.width, (2 * j + q + 1) * o.width), j * o.width);
    return { img, h };
  };
  let firstIndex: number | null = null;
  let nextIndex = 0;
  let finished: VesselFlow[] | null = null;

  const pushGap = (): void => {
    for (const s of states) {
      for (let r = 0; r < rowsPerFrame; r++) {
        s.rows.pushGap();
        s.diffs.pushGap();
      }
    }
  };

  return {
    addFrame(f: FlowFrame): void {
      if (finished !== null) throw new Error('addFrame after finish()');
      if (firstIndex === null) {
        firstIndex = f.index;
        nextIndex = f.index;
      }
      if (f.index < nextIndex) throw new RangeError(`frames must come in increasing index order (got ${f.index} after ${nextIndex - 1})`);
      while (nextIndex < f.index) {
        pushGap(); // frames never given: missing time
        nextIndex++;
      }
      nextIndex = f.index + 1;
      if (f.status === 'dropped' || f.status === 'duplicate' || f.dx === null || f.dy === null) {
        pushGap();
        return;
      }
      const mean = f.meanGrey ?? o.core.frameStats(f.data, o.width, o.height).mean;
      if (!(mean > 0)) {
        pushGap(); // a black frame carries no pattern
        return;
      }
      const k = 100 / mean;
      // Row = mean of the two lines, noise reference = their difference, both × k, stored as
      // 16-bit codes (row-store.ts); the core encodes every path's samples in one call.
      const addRows = (values: Float32Array, valid: Uint8Array): void => {
        const { rows, diffs } = o.core.spaceTimeEncode(values, valid, pathCounts, k, SAMPLE_SCALE, MAX_CODE);
        let at = 0;
        for (const s of states) {
          s.rows.pushCodes(rows, at);
          s.diffs.pushCodes(diffs, at);
          at += s.samples.count;
        }
      };
      if (!interlaced) {
        const { values, valid } = o.core.spaceTimeSample(f.data, o.width, o.height, f.dx, f.dy, points, normals, halfWidths, p.acrossStepPx, p.acrossMaxSideTaps);
        addRows(values, valid);
        return;
      }
      for (const q of fieldOrder) {
        const { img, h } = field(f.data, q);
        const { values, valid } = o.core.spaceTimeSample(img, o.width, h, f.dx, (f.dy - q) / 2, fieldPoints, fieldNormals, halfWidths, p.acrossStepPx, p.acrossMaxSideTaps);
        addRows(values, valid);
      }
    },

    finish(): VesselFlow[] {
      if (finished !== null) return finished;
      finished = states.map((s) => {
        const e = s.samples.count < 2
          ? estimateFlow(o.core, { rows: [], diffs: [], stepUm: s.samples.stepUm, rowStepS }, p)
          : estimateFlow(o.core, { rows: s.rows.rows(), diffs: s.diffs.rows(), stepUm: s.samples.stepUm, rowStepS, fields: interlaced }, p, stopTextureBar(diameterUm(s), p), featurelessIsUnknown(diameterUm(s), p), s.path.junctionEnds);
        s.estimate = e;
        const { usedColumns: _u, slopeColumnsPerRow: _s, ...estimated } = e;
        const flow: VesselFlow = { id: s.path.id, ...estimated };
        if (o.meanImage === undefined) return flow;
        return gateStopByContrast(flow, lumenContrast(o.meanImage, o.width, o.height, s.path.polylinePx, s.path.diameterPx, o.scale), p.stopMinLumenContrast);
      });
      return finished;
    },

    spaceTime(id: string): SpaceTimeDiagram | null {
      const s = states.find((x) => x.path.id === id);
      if (s === undefined) return null;
      const width = s.samples.count;
      const height = s.rows.length;
      const values = new Float32Array(width * height).fill(Number.NaN);
      const timesS = new Float64Array(height);
      const rowPresent = new Uint8Array(height);
      for (let t = 0; t < height; t++) {
        timesS[t] = (firstIndex ?? 0) / o.fps + t * rowStepS;
        const r = s.rows.row(t);
        if (r !== null) {
          values.set(r, t * width);
          rowPresent[t] = 1;
        }
      }
      return {
        id,
        width,
        height,
        values,
        timesS,
        rowPresent,
        stepUm: s.samples.stepUm,
        rowStepS,
        usedColumns: s.estimate?.usedColumns ?? null,
        slopeColumnsPerRow: s.estimate?.slopeColumnsPerRow ?? null,
      };
    },
  };
}

