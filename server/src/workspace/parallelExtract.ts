/**
 * Parse and extract on every core: each worker thread holds its own parser, turns texts into lock
 * facts and sends back only the facts (plain data), so no syntax tree outlives its file.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileFacts } from '../analysis/functionFacts';
import type { LockApi } from '../analysis/lockApis';
import { FILE_BUDGET_MS } from '../analysis/parser';

export interface ExtractRequest {
  file: string;
  text: string;
}

export interface ExtractOutcome {
  facts: FileFacts[];
  skipped: { file: string; reason: string }[];
}

export interface WorkerJob {
  index: number;
  file: string;
  text: string;
}

export interface WorkerReply {
  index: number;
  /** The file's facts as JSON. */
  facts?: string;
  error?: string;
}

export interface WorkerSetup {
  customApis: LockApi[];
  timeoutMs: number;
}

/**
 * A syntax tree and its copy live until the file's facts are extracted, so with V8's default young
 * generation (16 MB semi-spaces) most of them survive a scavenge or two and are copied each time.
 * A larger one lets them die young: extraction costs markedly less CPU for a few dozen MB per worker.
 */
const WORKER_YOUNG_GENERATION_MB = 192;

/**
 * Jobs queued at each worker: while this thread parses one reply's facts or collects its growing
 * heap (seconds at a time on a whole kernel tree), each worker still has files to work on.
 */
const JOBS_IN_FLIGHT = 4;

export function defaultJobs(): number {
  return Math.max(1, Math.min(8, os.availableParallelism?.() ?? os.cpus().length));
}

/**
 * Extracts facts from every input, in input order, using `jobs` worker threads. Each input's text is
 * dropped from `inputs` once a worker has it.
 */
export async function extractInParallel(inputs: ExtractRequest[], jobs: number, customApis: LockApi[]): Promise<ExtractOutcome> {
  const results: (FileFacts | undefined)[] = new Array(inputs.length);
  const skipped: ExtractOutcome['skipped'] = [];
  const workerCount = Math.max(1, Math.min(jobs, inputs.length));
  const setup: WorkerSetup = { customApis, timeoutMs: FILE_BUDGET_MS };
  // Largest texts first: the files still running when the queue empties are then small ones, so no
  // core idles while the other parses a 4 MB register header at the end.
  const order = inputs.map((_, index) => index).sort((a, b) => inputs[b].text.length - inputs[a].text.length || a - b);
  let next = 0;
  const runWorker = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(path.join(__dirname, 'extractWorker.js'), { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
      let inFlight = 0;
      const feed = () => {
        if (next >= inputs.length) return;
        const index = order[next++];
        worker.postMessage({ index, file: inputs[index].file, text: inputs[index].text } satisfies WorkerJob);
        inFlight++;
        // The worker has its own copy now; a whole kernel tree of texts would not fit beside the facts.
        inputs[index] = { file: inputs[index].file, text: '' };
      };
      worker.on('message', (reply: WorkerReply) => {
        inFlight--;
        // The next job is queued before this reply is parsed, so the worker never waits on this thread.
        feed();
        if (reply.facts) results[reply.index] = JSON.parse(reply.facts) as FileFacts;
        else skipped.push({ file: inputs[reply.index].file, reason: reply.error ?? 'could not be analysed' });
        if (inFlight === 0) void worker.terminate().then(() => resolve());
      });
      worker.on('error', reject);
      for (let i = 0; i < JOBS_IN_FLIGHT; i++) feed();
      if (inFlight === 0) void worker.terminate().then(() => resolve());
    });
  await Promise.all(Array.from({ length: workerCount }, runWorker));
  return { facts: results.filter((f): f is FileFacts => f !== undefined), skipped };
}
