/**
 * The human report, in the shape gcc gives its diagnostics so editors, `make` output parsers and
 * Emacs' compilation mode all pick it up:
 *
 *   file:line:col: warning: message [code]
 *     file:line:col: note: related message
 *
 * Lines and columns are 1-based; columns count UTF-16 code units, as the engine does.
 */
import { compareFindings, type Finding, type Severity } from '../analysis/findings';
import type { Site } from '../analysis/sites';
import type { AnalysisResult } from './engineBoundary';

export interface TextOptions {
  /** ANSI colours, in gcc's scheme. */
  color: boolean;
}

type Label = 'error' | 'warning' | 'note';

const LABEL: Record<Severity, Label> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';
const LABEL_COLOR: Record<Label, string> = { error: '\x1b[1;31m', warning: '\x1b[1;35m', note: '\x1b[1;36m' };

export function formatText(result: AnalysisResult, options: TextOptions): string {
  const paint = (codes: string, text: string) => (options.color ? `${codes}${text}${RESET}` : text);
  const line = (site: Site, label: Label, message: string) =>
    `${paint(BOLD, `${locus(site)}:`)} ${paint(LABEL_COLOR[label], `${label}:`)} ${message}`;

  const lines: string[] = [];
  for (const finding of [...result.findings].sort(compareFindings)) {
    const label = LABEL[finding.severity];
    lines.push(`${line(finding, label, finding.message)} ${paint(LABEL_COLOR[label], `[${finding.code}]`)}`);
    for (const related of finding.related) lines.push(`  ${line(related, 'note', related.message)}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

/** `3 findings (1 error, 2 warnings) in 12 files`, for stderr after any report. */
export function formatSummary(findings: readonly Finding[], analyzedFiles: number, skippedFiles: number): string {
  const count = { error: 0, warning: 0, note: 0 };
  for (const finding of findings) count[LABEL[finding.severity]]++;
  const parts = [plural(count.error, 'error'), plural(count.warning, 'warning')];
  if (count.note > 0) parts.push(plural(count.note, 'note'));
  const skipped = skippedFiles > 0 ? `, ${skippedFiles} skipped` : '';
  return `${plural(findings.length, 'finding')} (${parts.join(', ')}) in ${plural(analyzedFiles, 'file')}${skipped}`;
}

function locus(site: Site): string {
  return `${site.file}:${site.range.start.line + 1}:${site.range.start.character + 1}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
