/**
 * One study run per output folder: a lock file holding the owner's process id. A run that
 * was killed leaves it behind; the next run sees that its process is gone and takes over.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StudyLockedError } from './errors.js';
import { LOCK_FILE } from './layout.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock of `dir`; returns its release. */
export async function lockStudy(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE);
  for (let tries = 0; tries < 3; tries++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return async () => {
        await rm(path, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new StudyLockedError(dir, pid);
      await rm(path, { force: true }); // stale: its run was killed
    }
  }
  throw new StudyLockedError(dir, -1);
}
