/** Writes the study tables and report from the files in the study folder (all atomic). */
import { join } from 'node:path';
import { writeFileAtomic } from '../write-file.js';
import { formatClipsCsv } from './clips-table.js';
import { CLIPS_CSV, FAILURES_CSV, REPORT_FILE, SESSIONS_CSV } from './layout.js';
import { writeReportFiles } from './report.js';
import { buildSessions, type StudySession } from './sessions.js';
import { readStudyState, type StudyState } from './state.js';
import { formatFailuresCsv, formatSessionsCsv } from './tables.js';

export const STUDY_OUTPUT_FILES = [CLIPS_CSV, SESSIONS_CSV, FAILURES_CSV, REPORT_FILE] as const;

/** clips.csv, sessions.csv, failures.csv, report.html and the clip pages; returns the state and sessions used. */
export async function writeStudyOutputs(studyDir: string): Promise<{ state: StudyState; sessions: StudySession[] }> {
  const state = await readStudyState(studyDir);
  const inc = state.study.options.includeRejected;
  const sessions = buildSessions(state.clips, inc);
  await writeFileAtomic(join(studyDir, CLIPS_CSV), formatClipsCsv(state.clips, inc));
  await writeFileAtomic(join(studyDir, SESSIONS_CSV), formatSessionsCsv(sessions));
  await writeFileAtomic(join(studyDir, FAILURES_CSV), formatFailuresCsv(state.clips));
  await writeReportFiles(state);
  return { state, sessions };
}
