import type { Range, Site } from './sites';

/** The stable codes of what Lockorder reports. Each has a section in the README. */
export const FINDING_CODES = [
  'lock-order-inversion',
  'declared-order-violation',
  'double-lock',
  'unreleased-lock',
  'unlock-unheld',
  'mismatched-unlock',
  'sleep-in-atomic',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, information: 1, hint: 0 };

export const DEFAULT_SEVERITY: Record<FindingCode, Severity> = {
  'lock-order-inversion': 'warning',
  'declared-order-violation': 'warning',
  'double-lock': 'error',
  'unreleased-lock': 'warning',
  'unlock-unheld': 'warning',
  'mismatched-unlock': 'warning',
  'sleep-in-atomic': 'warning',
};

export const CODE_SUMMARY: Record<FindingCode, string> = {
  'lock-order-inversion': 'Locks are taken in opposite orders on different paths (a cycle in the lock order).',
  'declared-order-violation': 'A lock is taken against an order declared with a `lockorder:` annotation.',
  'double-lock': 'A non-recursive lock is taken while it is already held.',
  'unreleased-lock': 'A lock is held on some return paths and released on others.',
  'unlock-unheld': 'A lock is released on a path where it is not held.',
  'mismatched-unlock': 'The release does not match the acquire (for example spin_lock_irqsave and spin_unlock).',
  'sleep-in-atomic': 'Something that can sleep runs while a spinning lock is held or interrupts are disabled.',
};

export interface RelatedSite extends Site {
  message: string;
}

/** An acquisition that takes part in a cycle. */
export interface CycleSite extends RelatedSite {
  /** The edge of the cycle it proves: from `locks[edge]` to the next lock of `locks`. */
  edge: number;
}

export interface Finding extends Site {
  code: FindingCode;
  severity: Severity;
  message: string;
  /** Lock classes involved, as displayed (`snd_port.lock`). */
  locks: string[];
  related: RelatedSite[];
  /** For inversions: the cycle's id (`cycle:a -> b`). */
  cycleId?: string;
  /**
   * For inversions: every participating acquisition, the primary one first, each with a message
   * from its own point of view. An editor shows the finding at each of them.
   */
  sites?: CycleSite[];
  /** Extra, code-specific detail used by fixes (kept plain data). */
  detail?: FindingDetail;
}

/** What a quick fix needs to know about a finding, without re-running the analysis. */
export type FindingDetail =
  | { kind: 'inversion'; heldClass: string; takenClass: string; heldRange: Range; preferredOrder: string[]; orderSupport: number; declared: boolean }
  | { kind: 'unreleased'; lockText: string; releaseCall: string }
  | { kind: 'mismatch'; expectedRelease: string; releaseRange: Range; calleeRange: Range };

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.range.start.line !== b.range.start.line) return a.range.start.line - b.range.start.line;
  if (a.range.start.character !== b.range.start.character) return a.range.start.character - b.range.start.character;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}
