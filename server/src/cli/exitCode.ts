import { SEVERITY_RANK, type Finding } from '../analysis/findings';
import type { FailOn } from './args';

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE_OR_INPUT = 2;

/** 1 when some finding is at least as severe as `failOn`, else 0. Information and hints never fail a run. */
export function exitCodeFor(findings: readonly Finding[], failOn: FailOn): number {
  if (failOn === 'never') return EXIT_CLEAN;
  const threshold = SEVERITY_RANK[failOn];
  return findings.some((f) => SEVERITY_RANK[f.severity] >= threshold) ? EXIT_FINDINGS : EXIT_CLEAN;
}
