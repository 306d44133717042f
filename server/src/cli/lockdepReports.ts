/**
 * `--lockdep FILE`: every report is read and parsed before the analysis starts, so a file that is
 * too big or not a log fails the run at once (exit 2) rather than after a long analysis. What the
 * merge made of the reports is summed up on stderr, unmapped lock names included.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_MAX_BYTES, parseLockdepReport } from '../analysis/lockdep';
import type { LockdepApplied, LockdepInput } from '../analysis/lockdepMerge';

export type LoadedReports = { ok: true; reports: LockdepInput[]; notes: string[] } | { ok: false; errors: string[] };

/** Files are keyed as given on the command line, like the sources. */
export function readLockdepReports(files: readonly string[], cwd: string, maxBytes = DEFAULT_MAX_BYTES): LoadedReports {
  const reports: LockdepInput[] = [];
  const errors: string[] = [];
  const notes: string[] = [];
  for (const file of files) {
    const absolute = path.resolve(cwd, file);
    let text: string;
    try {
      // Checked before reading: a whole console log can be gigabytes.
      const size = fs.statSync(absolute).size;
      if (size > maxBytes) {
        errors.push(`lockdep report ${file} is ${size} bytes, over the ${formatSize(maxBytes)} limit; pass an excerpt around the report`);
        continue;
      }
      text = fs.readFileSync(absolute, 'utf8');
    } catch (e) {
      errors.push(`cannot read lockdep report ${file}: ${(e as Error).message}`);
      continue;
    }
    const parsed = parseLockdepReport(text, { maxBytes });
    if (!parsed.ok) {
      errors.push(`cannot use lockdep report ${file}: ${parsed.error.message}`);
      continue;
    }
    if (parsed.splats.length === 0 && parsed.classes.length === 0 && parsed.chains.length === 0) {
      notes.push(`lockdep: no lockdep report, /proc/lockdep or /proc/lockdep_chains content in ${file}`);
    }
    reports.push({ file, report: parsed });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, reports, notes };
}

export interface LockdepSummary {
  reports: number;
  edges: number;
  confirmed: number;
  newCycles: number;
  unmapped: { name: string; reason: string }[];
}

export function summarizeLockdep(applied: LockdepApplied, reports: number): LockdepSummary {
  return {
    reports,
    edges: applied.runtimeEdges.length,
    confirmed: applied.confirmations.length,
    newCycles: applied.newCycles.length,
    unmapped: applied.unmapped.map((m) => ({ name: m.name, reason: m.reason ?? '' })),
  };
}

/** Unmapped names listed on stderr; the rest are only counted. */
const MAX_UNMAPPED_LISTED = 8;

/** The stderr text: a count line, then the names no class was found for. */
export function formatLockdepSummary(s: LockdepSummary): string {
  const lines = [
    `lockorder: lockdep: ${plural(s.edges, 'runtime edge')} from ${plural(s.reports, 'report')}; ` +
      `${plural(s.confirmed, 'static cycle')} confirmed, ${plural(s.newCycles, 'cycle')} found only with runtime edges`,
  ];
  if (s.unmapped.length > 0) {
    lines.push(`lockorder: lockdep: ${plural(s.unmapped.length, 'lock name')} not matched to a lock in the sources (kept as lockdep:<name>):`);
    for (const { name, reason } of s.unmapped.slice(0, MAX_UNMAPPED_LISTED)) lines.push(`  ${name}: ${reason}`);
    if (s.unmapped.length > MAX_UNMAPPED_LISTED) lines.push(`  … and ${s.unmapped.length - MAX_UNMAPPED_LISTED} more`);
  }
  return lines.map((line) => `${line}\n`).join('');
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MiB` : `${bytes} bytes`;
}
