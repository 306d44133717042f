/**
 * What the lockdep import commands tell the user, without the editor: which documents can be
 * imported as they are, how an import's source is named, and the message for the server's answer.
 */
import type { ImportLockdepResult } from '../../../server/src/lsp/protocol';

/** Documents that may hold a kernel log: the lockdep language, and the plain-text kinds logs open as. */
const REPORT_LANGUAGES = new Set(['lockdep', 'plaintext', 'log']);

export function mayHoldReport(languageId: string): boolean {
  return REPORT_LANGUAGES.has(languageId);
}

/**
 * Clipboard imports are numbered (`clipboard`, `clipboard-2`, …) so that a second paste adds to the
 * first instead of replacing it; the server replaces an import only from the same source.
 */
export function clipboardSource(imported: number): string {
  return imported === 0 ? 'clipboard' : `clipboard-${imported + 1}`;
}

export interface ImportMessage {
  level: 'info' | 'warning';
  message: string;
}

/** `from` names the source as the user chose it: `the clipboard`, `dmesg.txt`. */
export function describeImport(result: ImportLockdepResult, from: string): ImportMessage {
  if (result.error !== undefined) return { level: 'warning', message: `Lockorder could not import the lockdep report from ${from}: ${result.error}` };
  const parts = [
    `${plural(result.edges, 'runtime edge')} added to the lock graph`,
    `${plural(result.confirmed, 'static cycle')} confirmed`,
  ];
  if (result.newCycles > 0) parts.push(`${plural(result.newCycles, 'cycle')} found only with runtime edges`);
  let message = `Lockorder imported the lockdep report from ${from}: ${parts.join(', ')}.`;
  const unmapped = result.unmapped.length;
  if (unmapped > 0) message += ` ${plural(unmapped, 'lock name')} ${unmapped === 1 ? 'matches' : 'match'} no lock in the sources (listed in the Lockorder output).`;
  return { level: 'info', message };
}

export function describeClear(cleared: number): string {
  return cleared === 0 ? 'Lockorder: no lockdep reports were imported.' : `Lockorder forgot ${plural(cleared, 'imported lockdep report')}.`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
