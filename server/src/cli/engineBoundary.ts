/**
 * The one place the CLI meets the engine: the configuration becomes engine options, the files become
 * one program (read and extracted on every core when there are many), and files that could not be
 * read, or that the parser had to give up on, come back with a reason.
 */
import { BUILTIN_LOCK_APIS, DEFAULT_CATALOGUE, LockApiCatalogue, type LockApi } from '../analysis/lockApis';
import { applyLockdep, type LockdepInput } from '../analysis/lockdepMerge';
import { LockProgram, factsOf, type AnalysisInput, type AnalysisResult } from '../analysis/program';
import type { LockorderConfig } from '../config';
import { FILE_BUDGET_MS } from '../analysis/parser';
import { defaultJobs, extractInParallel, type ExtractRequest } from '../workspace/parallelExtract';
import { readSourceFile } from '../workspace/sourceFile';
import { summarizeLockdep, type LockdepSummary } from './lockdepReports';
import type { PhaseClock } from './phaseTimes';

export type { AnalysisInput, AnalysisResult };

/** A file to analyse: the name findings give it, where it is read, and its size on disk. */
export type SourceFile = ExtractRequest;

export interface EngineResult extends AnalysisResult {
  /** With `--lockdep`, what the merge did, for the stderr summary. */
  lockdep?: LockdepSummary;
  /** How many of the files could be read (the others are among `skipped`). */
  filesRead?: number;
}

/** Below this many files, starting worker threads costs more than it saves. */
const PARALLEL_MIN_FILES = 32;

/** The project's own lock functions from the config file, as catalogue entries. */
export function customLockApis(config: LockorderConfig): LockApi[] {
  return (config.lockApis ?? []).map((entry) => {
    const builtin = BUILTIN_LOCK_APIS.find((api) => api.kind === entry.kind);
    return {
      name: entry.name,
      role: entry.role,
      kind: entry.kind,
      mode: entry.mode ?? 'exclusive',
      ctx: 'none',
      lockArg: entry.lockArg ?? 0,
      ...(entry.role === 'trylock' ? { success: 'nonzero' as const } : {}),
      ...(builtin?.recursive ? { recursive: true } : {}),
    };
  });
}

/** The built-in catalogue plus the project's own lock functions. */
export function catalogueFor(config: LockorderConfig): LockApiCatalogue {
  const custom = customLockApis(config);
  return custom.length === 0 ? DEFAULT_CATALOGUE : DEFAULT_CATALOGUE.extend(custom);
}

/**
 * `onProgress` hears of each file as it joins the program (or is skipped), in input order.
 */
export async function runEngine(
  sources: readonly SourceFile[],
  config: LockorderConfig,
  jobs = defaultJobs(),
  lockdep: LockdepInput[] = [],
  phaseEnded: PhaseClock = () => {},
  onProgress?: (done: number, total: number) => void,
): Promise<EngineResult> {
  const catalogue = catalogueFor(config);
  const program = new LockProgram({ catalogue, declaredOrders: config.declaredOrders ?? [], onPhase: phaseEnded });
  const skipped: { file: string; reason: string }[] = [];
  let unread = 0;
  if (jobs > 1 && sources.length >= PARALLEL_MIN_FILES) {
    // Each file joins the program as soon as it and the files before it are extracted, while the
    // workers extract the rest: in input order, so the program is the one a single thread builds.
    const extracted = await extractInParallel(sources, jobs, customLockApis(config), (facts) => program.setFile(facts), onProgress);
    skipped.push(...extracted.skipped);
    unread = extracted.unread;
  } else {
    sources.forEach((source, i) => {
      const read = readSourceFile(source.path);
      if ('skip' in read) {
        unread++;
        skipped.push({ file: source.file, reason: read.skip });
      } else {
        try {
          program.setFile(factsOf(source.file, read.text, catalogue, { timeoutMs: FILE_BUDGET_MS }));
        } catch (error) {
          skipped.push({ file: source.file, reason: error instanceof Error ? error.message : String(error) });
        }
      }
      onProgress?.(i + 1, sources.length);
    });
  }
  phaseEnded('extraction');
  const analysis = program.analyze();
  const filesRead = sources.length - unread;
  if (lockdep.length === 0) return { findings: analysis.findings, graph: analysis.toJson(), skipped, filesRead };
  const merged = applyLockdep(analysis, lockdep);
  return { findings: merged.findings, graph: merged.toJson(), skipped, filesRead, lockdep: summarizeLockdep(merged, lockdep.length) };
}
