/**
 * For the engine's fixture tests: load C fixtures from test/fixtures/engine, analyse them together,
 * and ask precise questions of the result (findings by code and function, edges, acquisitions, the
 * line of a call inside a named function), so that tests assert behaviour rather than snapshots.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Finding, FindingCode } from '../../server/src/analysis/findings';
import type { FunctionFacts } from '../../server/src/analysis/functionFacts';
import type { LockEdge } from '../../server/src/analysis/lockGraph';
import { AnalysisInput, ProgramAnalysis, analyzeTexts } from '../../server/src/analysis/program';

export const ENGINE_FIXTURES = 'test/fixtures/engine';

export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/** A repository file as the engine sees it: keyed by its repository-relative path. */
export function repoFile(path: string): AnalysisInput {
  return { file: path, text: readFileSync(join(repoRoot(), path), 'utf8') };
}

/** A fixture under test/fixtures/engine. */
export function fixture(path: string): AnalysisInput {
  return repoFile(`${ENGINE_FIXTURES}/${path}`);
}

/** One line per finding, for assertion messages: `code fn():line [locks]`. */
export function describeFindings(findings: readonly Finding[]): string {
  if (findings.length === 0) return '(no findings)';
  return findings.map((f) => `${f.code} ${f.function}():${f.range.start.line + 1} [${f.locks.join(', ')}] ${f.message}`).join('\n');
}

export interface Acquisition {
  api: string;
  cls: string;
  resolved: boolean;
  /** 0-based. */
  line: number;
}

/** The result of analysing some inputs together, with the questions tests ask of it. */
export class Analysed {
  readonly findings: Finding[];
  readonly analysis: ProgramAnalysis;
  readonly skipped: { file: string; reason: string }[];

  constructor(readonly inputs: AnalysisInput[]) {
    const result = analyzeTexts(inputs);
    this.findings = result.findings;
    this.analysis = result.analysis;
    this.skipped = result.skipped;
  }

  /** Findings with this code, optionally only those whose primary site is in `fn`. */
  of(code: FindingCode, fn?: string): Finding[] {
    return this.findings.filter((f) => f.code === code && (fn === undefined || f.function === fn));
  }

  /** Every finding whose primary site is in `fn`. */
  in(fn: string): Finding[] {
    return this.findings.filter((f) => f.function === fn);
  }

  /** The single finding with this code in `fn`; fails with the full list otherwise. */
  one(code: FindingCode, fn: string): Finding {
    const found = this.of(code, fn);
    assert.equal(found.length, 1, `expected one ${code} in ${fn}(), got:\n${describeFindings(this.findings)}`);
    return found[0];
  }

  describe(): string {
    return describeFindings(this.findings);
  }

  /** `from -> to` for every edge in the lock graph, sorted. */
  edges(): string[] {
    return [...this.analysis.graph.edges()].map((e) => `${e.from} -> ${e.to}`).sort();
  }

  /** `from -> to` for the edges that have a site in `fn`. */
  edgesIn(fn: string): string[] {
    return [...this.analysis.graph.edges()]
      .filter((e) => e.sites.some((s) => s.function === fn))
      .map((e) => `${e.from} -> ${e.to}`)
      .sort();
  }

  edge(from: string, to: string): LockEdge | undefined {
    return this.analysis.graph.edge(from, to);
  }

  /** The functions (and 0-based lines) that prove an edge. */
  edgeSites(from: string, to: string): string[] {
    return (this.edge(from, to)?.sites ?? []).map((s) => `${s.function}:${s.site.start.line}`).sort();
  }

  function(fn: string): FunctionFacts {
    const found = this.analysis.functions.filter((f) => f.fn.name === fn);
    assert.equal(found.length, 1, `expected one function ${fn}(), found ${found.length}`);
    return found[0].fn;
  }

  /** What `fn` itself acquires (trylocks included), in source order. */
  acquisitions(fn: string): Acquisition[] {
    const found = this.analysis.functions.find((f) => f.fn.name === fn);
    assert.ok(found, `no function ${fn}()`);
    return found.result.acquisitions
      .map((a) => ({ api: a.api, cls: a.cls.id, resolved: a.cls.resolved, line: a.site.start.line }))
      .sort((a, b) => a.line - b.line);
  }

  /** `api:class` for what `fn` acquires, in source order. */
  acquired(fn: string): string[] {
    return this.acquisitions(fn).map((a) => `${a.api}:${a.cls}`);
  }

  /** The 0-based line of `needle` inside function `fn`; it must occur there exactly once. */
  line(fn: string, needle: string): number {
    return this.lines(fn, needle, 1)[0];
  }

  /** The 0-based lines of `needle` inside `fn`, checking how many there are. */
  lines(fn: string, needle: string, expected: number): number[] {
    const facts = this.function(fn);
    const input = this.inputs.find((i) => i.file === facts.file);
    assert.ok(input, `no input for ${facts.file}`);
    const lines = input.text.split('\n');
    const found: number[] = [];
    for (let line = facts.range.start.line; line <= facts.range.end.line && line < lines.length; line++) {
      if (lines[line].includes(needle)) found.push(line);
    }
    assert.equal(found.length, expected, `\`${needle}\` occurs ${found.length} times in ${fn}(), expected ${expected}`);
    return found;
  }
}

export function analyse(...inputs: AnalysisInput[]): Analysed {
  return new Analysed(inputs);
}

/** Fixtures by path under test/fixtures/engine, analysed together. */
export function analyseFixtures(...paths: string[]): Analysed {
  return new Analysed(paths.map(fixture));
}

/** A snippet as its own file: for small variations built from a fixture's text. */
export function analyseText(file: string, text: string): Analysed {
  return new Analysed([{ file, text }]);
}

/**
 * A fixture with some of its text replaced, analysed on its own: the variant a test needs to show
 * that its check can fail. Each `from` must occur in the fixture exactly once.
 */
export function analyseEdited(path: string, ...edits: [from: string, to: string][]): Analysed {
  const { file, text } = fixture(path);
  let edited = text;
  for (const [from, to] of edits) {
    assert.equal(edited.split(from).length, 2, `\`${from}\` must occur once in ${path}`);
    edited = edited.replace(from, to);
  }
  return analyseText(file, edited);
}

/**
 * The generic check for an ABBA: exactly one inversion, over exactly these lock classes, whose
 * sites name both functions, and whose message names the other function than the one it is shown in.
 */
export function assertOneInversion(result: Analysed, functions: [string, string], locks: [string, string]): Finding {
  const inversions = result.of('lock-order-inversion');
  assert.equal(inversions.length, 1, `expected one inversion, got:\n${result.describe()}`);
  const [inversion] = inversions;
  assert.deepEqual([...inversion.locks].sort(), [...locks].sort());
  assert.ok(functions.includes(inversion.function), `inversion shown in ${inversion.function}(), not in ${functions.join('/')}`);
  const siteFunctions = new Set((inversion.sites ?? []).map((s) => s.function));
  assert.deepEqual([...siteFunctions].sort(), [...functions].sort());
  const other = functions.find((f) => f !== inversion.function)!;
  assert.match(inversion.message, new RegExp(`\\b${other}\\(\\)`));
  for (const lock of locks) assert.ok(inversion.message.includes(`\`${lock}\``), `message does not name ${lock}: ${inversion.message}`);
  return inversion;
}
