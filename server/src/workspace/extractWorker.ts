/** A worker thread of `parallelExtract`: file paths in, lock facts out. */
import { parentPort, workerData } from 'node:worker_threads';
import { DEFAULT_CATALOGUE } from '../analysis/lockApis';
import { factsOf } from '../analysis/program';
import type { WorkerJob, WorkerReply, WorkerSetup } from './parallelExtract';
import { readSourceFile } from './sourceFile';

const setup = workerData as WorkerSetup;
const catalogue = setup.customApis.length > 0 ? DEFAULT_CATALOGUE.extend(setup.customApis) : DEFAULT_CATALOGUE;

/**
 * Jobs received and not yet done. The parent queues several ahead; they are done one per turn of the
 * event loop, not all within one message callback, so that the syntax trees' native memory, freed by
 * finalizers that run between turns, does not pile up over a run of files.
 */
const queue: WorkerJob[] = [];

function extractNext(): void {
  const job = queue.shift();
  if (!job) return;
  let reply: WorkerReply;
  try {
    const read = readSourceFile(job.path);
    // JSON crosses threads several times faster than a structured clone of many small objects.
    if ('skip' in read) reply = { index: job.index, error: read.skip, unread: true };
    else reply = { index: job.index, facts: JSON.stringify(factsOf(job.file, read.text, catalogue, { timeoutMs: setup.timeoutMs })) };
  } catch (error) {
    reply = { index: job.index, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
  if (queue.length > 0) setImmediate(extractNext);
}

parentPort?.on('message', (job: WorkerJob) => {
  queue.push(job);
  if (queue.length === 1) setImmediate(extractNext);
});
