/** A worker thread of `parallelExtract`: texts in, lock facts out. */
import { parentPort, workerData } from 'node:worker_threads';
import { DEFAULT_CATALOGUE } from '../analysis/lockApis';
import { factsOf } from '../analysis/program';
import type { WorkerJob, WorkerReply, WorkerSetup } from './parallelExtract';

const setup = workerData as WorkerSetup;
const catalogue = setup.customApis.length > 0 ? DEFAULT_CATALOGUE.extend(setup.customApis) : DEFAULT_CATALOGUE;

parentPort?.on('message', (job: WorkerJob) => {
  let reply: WorkerReply;
  try {
    // JSON crosses threads several times faster than a structured clone of many small objects.
    reply = { index: job.index, facts: JSON.stringify(factsOf(job.file, job.text, catalogue, { timeoutMs: setup.timeoutMs })) };
  } catch (error) {
    reply = { index: job.index, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
