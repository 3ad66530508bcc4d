/** The study workflow as a library (re-exported by src/index.ts). */
export { analyzeStudy, DEFAULT_CLIP_TIMEOUT_S, MAX_ATTEMPTS } from './study.js';
export type { StudyOptions, StudyEvent, StudyOutcome, StudyClipOutcome, StudyClipRef } from './study.js';
export { readManifest, parseManifestTable, clipId } from './manifest.js';
export type { StudyManifest, ManifestEntry } from './manifest.js';
export { writeStudyReport } from './report.js';
export { writeStudyOutputs } from './outputs.js';
export { progressReporter } from './progress.js';
export { defaultJobs } from './scheduler.js';
export { buildSessions } from './sessions.js';
export type { StudySession, SessionSite } from './sessions.js';
export { qualityOf, type QualityVerdict } from './quality.js';
export { keyDifferences, type ClipKey } from './keys.js';
export type { DoneRecord, FailureRecord } from './layout.js';
export { ManifestError, StudyLockedError, StudyOptionError, ChildCrashedError, ClipTimeoutError } from './errors.js';
