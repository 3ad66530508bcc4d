/**
 * Typed errors of `hvm study`. A manifest error names the file, the row (as a spreadsheet
 * numbers it: the header is row 1) and the column; a clip's own failure keeps the engine's
 * error code (E_NOT_A_VIDEO, …) and goes to failures.csv instead of stopping the batch.
 */
import { CompareTableError, type TablePlace } from '../compare/errors.js';
import { HvmError } from '../errors.js';

/** Something wrong in the manifest: missing column, empty key, bad µm/px, unknown device, duplicate site. */
export class ManifestError extends CompareTableError {
  constructor(place: TablePlace, message: string, hint?: string) {
    super('E_STUDY_MANIFEST', place, message, hint);
  }
}

/** Another `hvm study` is running on the same output folder. */
export class StudyLockedError extends HvmError {
  constructor(dir: string, pid: number) {
    super('E_STUDY_LOCKED', `another hvm study (process ${pid}) is writing this output folder.`, {
      file: dir,
      hint: 'Wait for it to finish, or stop it; a run that was killed leaves a stale lock that the next run takes over by itself (if no study is running, delete .study.lock in the folder).',
    });
  }
}

/** A study option out of range (library callers; the CLI checks its own). */
export class StudyOptionError extends HvmError {
  constructor(message: string) {
    super('E_STUDY_OPTION', message);
  }
}

/** The clip's child process died without reporting (a crash in native code, sharp, or out of memory). */
export class ChildCrashedError extends HvmError {
  constructor(file: string, how: string, stderrTail: string) {
    super('E_STUDY_CHILD_CRASHED', `the analysis process crashed (${how})${stderrTail !== '' ? `: ${stderrTail}` : ''}.`, {
      file,
      hint: 'It was retried once. Run `hvm analyze` on this clip alone to see the error; report it if it persists.',
    });
  }
}

/** The clip's child process ran past --timeout-s and was killed. */
export class ClipTimeoutError extends HvmError {
  constructor(file: string, timeoutS: number) {
    super('E_STUDY_TIMEOUT', `the analysis took longer than ${timeoutS} s and was stopped.`, {
      file,
      hint: 'It was retried once. Raise --timeout-s for long or large clips.',
    });
  }
}
