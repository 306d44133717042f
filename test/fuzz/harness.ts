/**
 * The engine fuzzer, shared by the short run in `npm test` (fuzz.test.ts) and the long run
 * (scripts/fuzz.mjs). Each input is analysed with a companion header through the engine's
 * one-shot entry (`analyzeTexts`); the 50 MB files go through `factsOf` with a short time budget
 * into a `LockProgram`, the way the language server loads a file. What counts as a failure:
 *
 * - crash: an exception escaped, or `analyzeTexts` turned one into a `skipped` entry whose reason
 *   is not a file cut off by its time budget (a `BudgetExceeded`), or a quick fix for a finding threw;
 * - corrupt: the input left something behind that changed another file's analysis: the companion
 *   (parsed right after it) was cut off or skipped, or has other facts than on a fresh parse;
 * - slow: the input took more CPU time than its bound (`boundFor`);
 * - bad-position: a position in a finding, its related sites, the graph or a fix's edits lies
 *   outside the document (see positions.ts).
 *
 * A parse of the fuzzed file cut off by its budget is not a failure: it is the clean way out,
 * counted as `cut-off`.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { fixesFor } from '../../server/src/analysis/fixes';
import type { Finding } from '../../server/src/analysis/findings';
import { BudgetExceeded, type AnalysisStage } from '../../server/src/analysis/parser';
import { analyzeTexts, factsOf, LockProgram, type AnalysisInput, type FunctionAnalysis } from '../../server/src/analysis/program';
import { COMPANION, type SeedFile } from './corpus';
import { HEAVY_KINDS, inputAt, type FuzzInput, type InputKind } from './inputs';
import { PositionChecker } from './positions';

/** The time budget given to 50 MB files: what a slow file is allowed before it is cut off. */
export const PARSE_BUDGET_MS = 2_000;
/** Every everyday input (at most a few KB) finishes within this. */
export const EVERYDAY_BOUND_MS = 2_000;
/**
 * Heavy inputs: a parse (or its budget) plus extraction and analysis, which no budget cuts off
 * (a 1 MB line of dense code takes seconds to extract after a parse well inside the budget).
 */
export const HEAVY_BOUND_MS = 10_000;
/** Heap in use after a run and a full garbage collection must stay below this. */
export const HEAP_LIMIT_BYTES = 256 * 1024 * 1024;

export type Verdict = 'ok' | 'cut-off' | 'crash' | 'corrupt' | 'slow' | 'bad-position';

export interface InputOutcome {
  index: number;
  kind: InputKind;
  detail: string;
  chars: number;
  /** Wall-clock time. */
  ms: number;
  /** CPU time of this process: what the bounds are checked against, so a busy machine does not fail them. */
  cpuMs: number;
  verdict: Verdict;
  /** Why, for everything but `ok`: the cut-off note, the exception's stack, the bad positions. */
  note?: string;
  findings: number;
  /** The fuzzed file's parse was cut off by its budget (whatever the verdict). */
  cutOff: boolean;
}

type Judged = Pick<InputOutcome, 'verdict' | 'note' | 'findings' | 'cutOff'>;

function isHeavy(kind: InputKind): boolean {
  return (HEAVY_KINDS as readonly InputKind[]).includes(kind);
}

export function boundFor(kind: InputKind): number {
  return isHeavy(kind) ? HEAVY_BOUND_MS : EVERYDAY_BOUND_MS;
}

/**
 * Failures that are a defect already reported and pinned by a `todo` test: the short run lets
 * them by, the long run counts them apart. Remove an entry once its defect is fixed.
 */
export const KNOWN_DEFECTS: { name: string; matches: (o: InputOutcome) => boolean }[] = [
];

export function knownDefect(o: InputOutcome): string | undefined {
  return KNOWN_DEFECTS.find((d) => d.matches(o))?.name;
}

/** Runs one input through the engine and judges the outcome. */
export function checkInput(input: FuzzInput, corpus: readonly SeedFile[], index = 0): InputOutcome {
  const companion = corpus.find((seed) => seed.name === COMPANION);
  if (!companion) throw new Error(`the seed corpus lacks ${COMPANION}`);
  const expected = companionBaseline(companion);
  const files: AnalysisInput[] = [{ file: input.file, text: input.text }, { file: companion.name, text: companion.text }];
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  let judged: Judged;
  try {
    // Quick fixes re-analyse the file once per candidate: for the heavy inputs that is many times their bound.
    if (input.kind === 'huge-file') judged = throughProgram(files, expected);
    else judged = throughAnalyzeTexts(files, expected, !isHeavy(input.kind));
  } catch (error) {
    judged = { verdict: 'crash', note: describe(error), findings: 0, cutOff: false };
  }
  const ms = performance.now() - started;
  const cpuMs = cpuMsSince(cpuStart);
  const outcome: InputOutcome = { index, kind: input.kind, detail: input.detail, chars: input.text.length, ms, cpuMs, ...judged };
  const bound = boundFor(input.kind);
  if ((outcome.verdict === 'ok' || outcome.verdict === 'cut-off') && cpuMs > bound) {
    return { ...outcome, verdict: 'slow', note: `${Math.round(cpuMs)} ms of CPU, over the bound of ${bound} ms` };
  }
  return outcome;
}

let baseline: string | undefined;

/** The companion's functions as a fresh parser sees them (taken at the first input), as JSON. */
function companionBaseline(companion: SeedFile): string {
  baseline ??= JSON.stringify(factsOf(companion.name, companion.text).functions);
  return baseline;
}

/** The companion is analysed right after the fuzzed file: anything the fuzzed file left behind shows in its functions. */
function companionChanged(functions: readonly FunctionAnalysis[], expected: string): boolean {
  return JSON.stringify(functions.filter(({ fn }) => fn.file === COMPANION).map(({ fn }) => fn)) !== expected;
}

const CORRUPT_NOTE = `${COMPANION}, analysed after this input, has other facts than on a fresh parse`;

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function throughAnalyzeTexts(files: AnalysisInput[], expected: string, withFixes: boolean): Judged {
  const [fuzzed] = files;
  const result = analyzeTexts(files);
  const findings = result.findings.length;
  const cutOff = result.skipped.some((s) => s.file === fuzzed.file && isCutOff(s.reason));
  const others = result.skipped.filter((s) => s.file !== fuzzed.file);
  if (others.length > 0) return { verdict: 'corrupt', note: others.map((s) => `analyzeTexts skipped ${s.file}: ${s.reason}`).join('\n'), findings, cutOff };
  if (companionChanged(result.analysis.functions, expected)) return { verdict: 'corrupt', note: CORRUPT_NOTE, findings, cutOff };
  const swallowed = result.skipped.filter((s) => !isCutOff(s.reason));
  if (swallowed.length > 0) return { verdict: 'crash', note: swallowed.map((s) => `analyzeTexts skipped ${s.file}: ${s.reason}`).join('\n'), findings, cutOff };
  const texts = new Map(files.map((f) => [f.file, f.text]));
  const problems = new PositionChecker(texts).findings(result.findings).graph(result.graph).problems;
  if (withFixes) problems.push(...fixProblems(files, result.findings));
  if (problems.length > 0) return { verdict: 'bad-position', note: problems.join('\n'), findings, cutOff };
  if (cutOff) return { verdict: 'cut-off', note: result.skipped.map((s) => s.reason).join('; '), findings, cutOff };
  return { verdict: 'ok', findings, cutOff };
}

/** The language server's way: `factsOf` with a budget; a `BudgetExceeded` leaves the file out. */
function throughProgram(files: AnalysisInput[], expected: string): Judged {
  const [fuzzed] = files;
  const program = new LockProgram();
  let note: string | undefined;
  for (const { file, text } of files) {
    try {
      program.setFile(factsOf(file, text, program.catalogue, { timeoutMs: PARSE_BUDGET_MS }));
    } catch (error) {
      if (!(error instanceof BudgetExceeded)) throw error;
      if (file !== fuzzed.file) return { verdict: 'corrupt', note: `${file} (${text.length} characters): ${error.message}`, findings: 0, cutOff: note !== undefined };
      note = `${file}: ${error.message}`;
    }
  }
  const cutOff = note !== undefined;
  const analysis = program.analyze();
  const findings = analysis.findings.length;
  if (companionChanged(analysis.functions, expected)) return { verdict: 'corrupt', note: CORRUPT_NOTE, findings, cutOff };
  const texts = new Map(files.map((f) => [f.file, f.text]));
  const problems = new PositionChecker(texts).findings(analysis.findings).graph(analysis.toJson()).problems;
  if (problems.length > 0) return { verdict: 'bad-position', note: problems.join('\n'), findings, cutOff };
  return cutOff ? { verdict: 'cut-off', note, findings, cutOff } : { verdict: 'ok', findings, cutOff };
}

/**
 * Asks for the quick fixes of the first finding in the fuzzed file (each fix re-analyses an edited
 * copy, so one is enough to reach the fix code) and checks their edits' ranges.
 */
function fixProblems(files: AnalysisInput[], findings: readonly Finding[]): string[] {
  const [fuzzed, ...others] = files;
  const finding = findings.find((f) => f.file === fuzzed.file);
  if (!finding) return [];
  const analyze = (file: string, text: string) => analyzeTexts([{ file, text }, ...others]).findings;
  const fixes = fixesFor(fuzzed.file, fuzzed.text, finding, analyze);
  const checker = new PositionChecker(new Map([[fuzzed.file, fuzzed.text]]));
  for (const fix of fixes) for (const edit of fix.edits) checker.range(fuzzed.file, edit.range, `fix "${fix.title}" edit`);
  return checker.problems;
}

function isCutOff(reason: string): boolean {
  const [, budget, stage] = /^analysis took longer than (\d+) ms and was cut off \(during (parsing|extraction)\)$/.exec(reason) ?? [];
  return budget !== undefined && reason === new BudgetExceeded(Number(budget), stage as AnalysisStage).message;
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

// ---------------------------------------------------------------------------------------------
// Runs

export interface RunOptions {
  seed: number;
  /** Stop after this many inputs... */
  count: number;
  /** ...or after this many seconds, whichever comes first. */
  seconds?: number;
  /** Called after every input (the long run prints progress from here). */
  onOutcome?: (outcome: InputOutcome) => void;
}

export interface RunReport {
  seed: number;
  tried: number;
  elapsedMs: number;
  /** Everything that is not `ok` or `cut-off`. */
  failures: InputOutcome[];
  /** Inputs whose parse was cut off by the budget, cleanly or not. */
  cutOff: InputOutcome[];
  slowest: InputOutcome | undefined;
  /** The largest heap in use seen after any input (garbage included: no forced collection), and after which. */
  peakHeapBytes: number;
  peakHeapAfter: InputOutcome | undefined;
  /** Heap in use at the end, after a full garbage collection. */
  heapAfterBytes: number;
  /** Inputs tried and the most CPU time one took, per kind. */
  byKind: Map<InputKind, { tried: number; maxCpuMs: number }>;
}

export function fuzzEngine(corpus: readonly SeedFile[], options: RunOptions): RunReport {
  const started = performance.now();
  const deadline = options.seconds === undefined ? Infinity : started + options.seconds * 1000;
  const report: RunReport = { seed: options.seed, tried: 0, elapsedMs: 0, failures: [], cutOff: [], slowest: undefined, peakHeapBytes: 0, peakHeapAfter: undefined, heapAfterBytes: 0, byKind: new Map() };
  for (let index = 0; index < options.count && performance.now() < deadline; index++) {
    const outcome = checkInput(inputAt(options.seed, index, corpus), corpus, index);
    report.tried++;
    if (outcome.cutOff) report.cutOff.push(outcome);
    if (outcome.verdict !== 'ok' && outcome.verdict !== 'cut-off') report.failures.push(outcome);
    if (!report.slowest || outcome.cpuMs > report.slowest.cpuMs) report.slowest = outcome;
    const kind = report.byKind.get(outcome.kind) ?? { tried: 0, maxCpuMs: 0 };
    report.byKind.set(outcome.kind, { tried: kind.tried + 1, maxCpuMs: Math.max(kind.maxCpuMs, outcome.cpuMs) });
    const heap = process.memoryUsage().heapUsed;
    if (heap > report.peakHeapBytes) {
      report.peakHeapBytes = heap;
      report.peakHeapAfter = outcome;
    }
    options.onOutcome?.(outcome);
  }
  report.elapsedMs = performance.now() - started;
  collectGarbage();
  report.heapAfterBytes = process.memoryUsage().heapUsed;
  return report;
}

/** A full garbage collection, so that heap figures are what is still referenced. */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * Shrinks a failing text while `fails` still says it fails: drops halves, quarters, ... of the
 * lines, then of the characters (a plain delta-debugging pass, bounded by `attempts`).
 */
export function minimise(text: string, fails: (text: string) => boolean, attempts = 2_000): string {
  const shrink = (units: string[], join: string): string[] => {
    for (let size = Math.ceil(units.length / 2); size >= 1 && attempts > 0; size = size === 1 ? 0 : Math.ceil(size / 2)) {
      for (let at = 0; at < units.length && attempts > 0; ) {
        const candidate = [...units.slice(0, at), ...units.slice(at + size)];
        attempts--;
        if (candidate.length < units.length && fails(candidate.join(join))) units = candidate;
        else at += size;
      }
    }
    return units;
  };
  const lines = shrink(text.split('\n'), '\n').join('\n');
  return shrink([...lines], '').join('');
}
