/**
 * Where the engine's numbers come from, `--engine`:
 * - a clips.csv file (the engine table layout, engine-table.ts);
 * - a study folder that holds clips.csv (and, when present, sessions.csv: the engine's
 *   per-visit values, used for HI where the clips give no site MFIs);
 * - a sessions table (sessions.csv: one row per visit, no path column): per-visit values only;
 * - a folder of clip-result JSON files (hvm analyze --json), searched recursively; each is
 *   keyed by the file name of its `source.path`. JSON files that are not clip results are
 *   skipped and counted.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CLIP_RESULT_SCHEMA_ID, type ClipResult } from '../report/contract.js';
import {
  engineClipFromResult, ENGINE_SESSIONS_FILE, ENGINE_TABLE_FILE, isSessionsTable, parseEngineTable, parseSessionsTable, type EngineClip, type EngineSession,
} from './engine-table.js';
import { EngineInputError } from './errors.js';
import { readTable } from './table.js';

export interface EngineInput {
  source: string;
  kind: 'clips-csv' | 'result-json' | 'sessions-csv';
  clips: EngineClip[];
  /** Per-visit values (a sessions table, or a study folder's sessions.csv); [] when none. */
  sessions: EngineSession[];
  /** JSON files skipped because they are not clip results. */
  skippedFiles: string[];
}

async function listJson(dir: string, depth = 0): Promise<string[]> {
  if (depth > 8) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory() && !e.name.startsWith('.')) out.push(...(await listJson(p, depth + 1)));
    else if (e.isFile() && e.name.toLowerCase().endsWith('.json')) out.push(p);
  }
  return out.sort();
}

export async function readEngineInput(path: string): Promise<EngineInput> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new EngineInputError({ file: path }, 'not found.', 'Give --engine a clips.csv, a study folder containing clips.csv, or a folder of clip-result JSON files.');
  }
  if (st.isFile()) {
    if (path.toLowerCase().endsWith('.json')) return readJsonFiles(path, [path]);
    const t = await readTable(path);
    if (isSessionsTable(t)) return { source: path, kind: 'sessions-csv', clips: [], sessions: parseSessionsTable(t), skippedFiles: [] };
    return { source: path, kind: 'clips-csv', clips: parseEngineTable(t), sessions: [], skippedFiles: [] };
  }
  const table = join(path, ENGINE_TABLE_FILE);
  if (await isFile(table)) {
    const sessionsFile = join(path, ENGINE_SESSIONS_FILE);
    const sessions = (await isFile(sessionsFile)) ? parseSessionsTable(await readTable(sessionsFile)) : [];
    return { source: table, kind: 'clips-csv', clips: parseEngineTable(await readTable(table)), sessions, skippedFiles: [] };
  }
  // no clips.csv: look for clip-result JSON files
  return readJsonFiles(path, await listJson(path));
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

async function readJsonFiles(source: string, files: string[]): Promise<EngineInput> {
  const clips: EngineClip[] = [];
  const skipped: string[] = [];
  for (const f of files) {
    let doc: unknown;
    try {
      doc = JSON.parse(await readFile(f, 'utf8'));
    } catch (e) {
      throw new EngineInputError({ file: f }, `is not valid JSON (${(e as Error).message}).`);
    }
    const r = doc as Partial<ClipResult>;
    if (r === null || typeof r !== 'object' || r.schema !== CLIP_RESULT_SCHEMA_ID || typeof r.source?.path !== 'string' || r.metrics === undefined) {
      skipped.push(f);
      continue;
    }
    clips.push(engineClipFromResult({ ...r, vessels: Array.isArray(r.vessels) ? r.vessels : [] } as ClipResult, f));
  }
  if (clips.length === 0) {
    throw new EngineInputError({ file: source }, `no ${ENGINE_TABLE_FILE} and no clip-result JSON (${CLIP_RESULT_SCHEMA_ID}) found.`, 'Point --engine at the study folder, its clips.csv, or the folder where hvm analyze --json wrote its results.');
  }
  // Two results of the same clip path: keep both, with distinct ids.
  const seen = new Set<string>();
  for (const c of clips) {
    if (seen.has(c.id)) c.id = `${c.id}@${c.file}`;
    seen.add(c.id);
  }
  return { source, kind: 'result-json', clips, sessions: [], skippedFiles: skipped };
}
