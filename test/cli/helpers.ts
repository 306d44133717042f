/** Shared by the CLI tests: hand-built engine results and paths into the repository. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding, FindingCode, RelatedSite, Severity } from '../../server/src/analysis/findings';
import type { GraphJson } from '../../server/src/analysis/graphJson';
import type { AnalysisResult } from '../../server/src/cli/engineBoundary';

/** The directory holding package.json, found from the compiled test wherever out/ lives. */
export function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}

/** 0-based positions in, as the engine produces them. */
export function site(file: string, line: number, character: number, fn: string, length = 1) {
  return { file, function: fn, range: { start: { line, character }, end: { line, character: character + length } } };
}

export function related(file: string, line: number, character: number, fn: string, message: string): RelatedSite {
  return { ...site(file, line, character, fn), message };
}

export function finding(
  code: FindingCode,
  severity: Severity,
  at: ReturnType<typeof site>,
  message: string,
  locks: string[],
  relatedSites: RelatedSite[] = [],
  cycleId?: string,
): Finding {
  return { ...at, code, severity, message, locks, related: relatedSites, ...(cycleId !== undefined && { cycleId }) };
}

export const SAMPLE_GRAPH: GraphJson = {
  version: 1,
  nodes: [
    { id: 'dev.a_lock', label: 'dev.a_lock', kind: 'spinlock', family: 'spinning', rank: 0, cycle: 0, files: ['src/abba.c'] },
    { id: 'dev.b_lock', label: 'dev.b_lock', kind: 'spinlock', family: 'spinning', rank: 0, cycle: 0, files: ['src/abba.c'] },
  ],
  edges: [
    {
      id: 'dev.a_lock->dev.b_lock',
      from: 'dev.a_lock',
      to: 'dev.b_lock',
      count: 1,
      cycle: 0,
      origin: 'static',
      sites: [{ file: 'src/abba.c', line: 8, column: 2, function: 'forward', text: 'spin_lock(&d->b_lock)' }],
    },
    {
      id: 'dev.b_lock->dev.a_lock',
      from: 'dev.b_lock',
      to: 'dev.a_lock',
      count: 1,
      cycle: 0,
      origin: 'static',
      sites: [{ file: 'src/abba.c', line: 16, column: 2, function: 'backward', text: 'spin_lock(&d->a_lock)' }],
    },
  ],
  cycles: [{ id: 0, nodes: ['dev.a_lock', 'dev.b_lock'] }],
};

/**
 * An ABBA inversion reported at both ends, a double lock, and a hint in a file named with a space
 * and a non-ASCII letter (for URI encoding). Given out of order, to check that formatters sort.
 */
export function sampleResult(): AnalysisResult {
  return {
    findings: [
      finding('double-lock', 'error', site('src/double.c', 20, 1, 'reset', 9), 'dev.a_lock is already held here', ['dev.a_lock'], [
        related('src/double.c', 18, 1, 'reset', 'dev.a_lock first taken here'),
      ]),
      finding(
        'lock-order-inversion',
        'warning',
        site('src/abba.c', 15, 1, 'backward', 9),
        'dev.a_lock taken while holding dev.b_lock; forward() takes them in the opposite order',
        ['dev.b_lock', 'dev.a_lock'],
        [related('src/abba.c', 14, 1, 'backward', 'dev.b_lock taken here'), related('src/abba.c', 7, 1, 'forward', 'forward() takes dev.b_lock while holding dev.a_lock')],
        'c0',
      ),
      finding(
        'lock-order-inversion',
        'warning',
        site('src/abba.c', 7, 1, 'forward', 9),
        'dev.b_lock taken while holding dev.a_lock; backward() takes them in the opposite order',
        ['dev.a_lock', 'dev.b_lock'],
        [related('src/abba.c', 6, 1, 'forward', 'dev.a_lock taken here')],
        'c0',
      ),
      finding('unlock-unheld', 'hint', site('src/odd näme.c', 2, 0, ''), 'unlock of a lock that is not held', ['g_lock']),
    ],
    graph: SAMPLE_GRAPH,
  };
}
