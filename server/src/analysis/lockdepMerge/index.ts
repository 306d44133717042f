/**
 * Lockdep reports merged into the static analysis: lockdep's class names and stack frames mapped
 * onto the program, its edges added to the lock graph, and the inversions it confirms or reveals.
 * Pure: parsed reports and an analysis in, a new graph and findings out.
 */
export { applyLockdep, CONFIRMED, OBSERVED, type LockdepApplied } from './runtimeFindings';
export { mergeLockdep, type LockdepInput, type LockdepMerge, type ReportLocation, type RuntimeCycle, type RuntimeEdge } from './merge';
export { mapLockName, UNMAPPED_PREFIX, type LockMapping, type MappingRule } from './lockClassMap';
export { acquisitionInSources, frameTarget, locateFrame, type FrameTarget, type SourceSite } from './frames';
export type { RuntimeEvidence } from './observations';
export { Workspace } from './workspace';
