/**
 * The batch scheduler: runs tasks with at most `jobs` at a time, in order, and how many
 * children a machine can take (`defaultJobs`: cores, and free memory at about
 * CHILD_MEMORY_BYTES per child).
 */
import { availableParallelism, freemem } from 'node:os';

/** Memory one clip's child process is budgeted (decoder, core buffers, sharp), bytes. */
export const CHILD_MEMORY_BYTES = 1024 ** 3;
/** Memory left for the rest of the machine, bytes. */
export const RESERVED_MEMORY_BYTES = 512 * 1024 ** 2;

/** --jobs default: one child per core, as far as free memory allows, at least 1. */
export function defaultJobs(cores = availableParallelism(), free = freemem()): number {
  const byMemory = Math.floor((free - RESERVED_MEMORY_BYTES) / CHILD_MEMORY_BYTES);
  return Math.max(1, Math.min(cores, byMemory));
}

/** Runs worker(item) for every item, at most `jobs` at once; stops taking new items once `signal` aborts. */
export async function runPool<T>(items: readonly T[], jobs: number, worker: (item: T, index: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, async () => {
    while (next < items.length && signal?.aborted !== true) {
      const i = next++;
      await worker(items[i]!, i);
    }
  });
  await Promise.all(lanes);
}
