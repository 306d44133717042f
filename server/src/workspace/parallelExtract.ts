/**
 * Read, parse and extract on every core: each worker thread reads its files and holds its own
 * parser, turns texts into lock facts and sends back only the facts (plain data), so no syntax
 * tree outlives its file, and no text passes through the main thread.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileFacts } from '../analysis/functionFacts';
import type { LockApi } from '../analysis/lockApis';
import { FILE_BUDGET_MS } from '../analysis/parser';

export interface ExtractRequest {
  /** The name the facts carry, a path as the user gave it. */
  file: string;
  /** Where the worker reads the file. */
  path: string;
  /** Its size on disk: the largest files are handed out first. */
  bytes: number;
}

export interface ExtractOutcome {
  skipped: { file: string; reason: string }[];
  /** How many of the skipped files could not be read at all. */
  unread: number;
}

export interface WorkerJob {
  index: number;
  file: string;
  path: string;
}

export interface WorkerReply {
  index: number;
  /** The file's facts as JSON. */
  facts?: string;
  /** Why the file could not be read or analysed. */
  error?: string;
  /** The error is that the file could not be read. */
  unread?: boolean;
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
 * Work queued at each worker, so that it never waits while this thread parses a reply or collects
 * its growing heap (a scavenge of a whole kernel tree's facts takes tens of milliseconds, a dozen
 * small files less): up to this many files, and more than one only while they are small.
 */
const MAX_JOBS_IN_FLIGHT = 16;
const MAX_BYTES_IN_FLIGHT = 1 << 20;

/**
 * Files at least this long are handed out first, largest first: the files still running when the
 * queue empties are then ordinary ones, so no core idles while the other parses a 4 MB register
 * header at the end. The others go in input order, so that their facts can be passed on in input
 * order while extraction goes on (see `onFacts`).
 */
const LARGE_FILE_BYTES = 256 * 1024;

export function defaultJobs(): number {
  return Math.max(1, Math.min(8, os.availableParallelism?.() ?? os.cpus().length));
}

/**
 * Extracts facts from every input, in input order, using `jobs` worker threads. `onFacts` gets each
 * file's facts in input order as soon as those of every file before it are in, while the workers
 * still extract the files after it; they are not kept here after that. `onProgress` hears of every
 * file done, facts or not, in the same order. A file that cannot be read is skipped, with why.
 */
export async function extractInParallel(
  inputs: readonly ExtractRequest[],
  jobs: number,
  customApis: LockApi[],
  onFacts: (facts: FileFacts) => void,
  onProgress?: (done: number, total: number) => void,
): Promise<ExtractOutcome> {
  // A file's facts until passed on, or null once it was skipped or passed on; undefined while it is not done.
  const results: (FileFacts | null | undefined)[] = new Array(inputs.length);
  const skipped: ExtractOutcome['skipped'] = [];
  const reasons = new Map<number, string>();
  let unread = 0;
  const workerCount = Math.max(1, Math.min(jobs, inputs.length));
  const setup: WorkerSetup = { customApis, timeoutMs: FILE_BUDGET_MS };
  const large = inputs.flatMap((input, index) => (input.bytes >= LARGE_FILE_BYTES ? [index] : []));
  large.sort((a, b) => inputs[b].bytes - inputs[a].bytes || a - b);
  const order = [...large, ...inputs.flatMap((input, index) => (input.bytes < LARGE_FILE_BYTES ? [index] : []))];
  let next = 0;
  // What `onFacts` threw: every worker stops, and the extraction fails with it.
  let failure: { error: unknown } | undefined;
  // Every file before this one has been passed on.
  let passed = 0;
  const passOn = () => {
    for (; passed < inputs.length && results[passed] !== undefined; passed++) {
      const facts = results[passed];
      results[passed] = null;
      if (facts) onFacts(facts);
      else skipped.push({ file: inputs[passed].file, reason: reasons.get(passed) ?? 'could not be analysed' });
      onProgress?.(passed + 1, inputs.length);
    }
  };
  const runWorker = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(path.join(__dirname, 'extractWorker.js'), { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
      let jobsInFlight = 0;
      let bytesInFlight = 0;
      const feed = () => {
        while (next < inputs.length && jobsInFlight < MAX_JOBS_IN_FLIGHT && (jobsInFlight === 0 || bytesInFlight < MAX_BYTES_IN_FLIGHT)) {
          const index = order[next++];
          const { file, path: filePath, bytes } = inputs[index];
          worker.postMessage({ index, file, path: filePath } satisfies WorkerJob);
          jobsInFlight++;
          bytesInFlight += bytes;
        }
      };
      worker.on('message', (reply: WorkerReply) => {
        jobsInFlight--;
        bytesInFlight -= inputs[reply.index].bytes;
        if (!failure) {
          // The next jobs are queued before this reply is parsed, so the worker does not wait on this thread.
          feed();
          if (reply.facts) {
            results[reply.index] = JSON.parse(reply.facts) as FileFacts;
          } else {
            results[reply.index] = null;
            if (reply.error) reasons.set(reply.index, reply.error);
            if (reply.unread) unread++;
          }
          try {
            passOn();
          } catch (error) {
            failure = { error };
          }
        }
        // Stopped only once idle: a worker terminated in the middle of a parse aborts the process
        // (the native binding throws during teardown). After a failure nothing more is fed, so the
        // files already queued, at most MAX_JOBS_IN_FLIGHT, are all it waits for.
        if (jobsInFlight > 0) return;
        if (failure) void worker.terminate().then(() => reject(failure!.error));
        else void worker.terminate().then(() => resolve());
      });
      worker.on('error', reject);
      feed();
      if (jobsInFlight === 0) void worker.terminate().then(() => resolve());
    });
  await Promise.all(Array.from({ length: workerCount }, runWorker));
  return { skipped, unread };
}
