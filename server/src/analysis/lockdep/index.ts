/**
 * Reads lockdep's output: the reports it prints to the kernel log (dmesg, syzbot, serial
 * consoles) and the /proc/lockdep and /proc/lockdep_chains files. Pure: text in, data out.
 */
import { splitLogLines } from './logLines';
import { parseProcEntry } from './procFiles';
import { parseSplat } from './splat';
import { matchSplatHeader } from './splatHeader';
import type { LockdepParseOptions, LockdepParseResult, LockdepReport } from './types';

export * from './types';
export { normalizeLockName, decodeUsage } from './lockName';
export { parseFrame, isLockingFrame, acquisitionSite } from './frames';

export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

export function parseLockdepReport(text: string, options: LockdepParseOptions = {}): LockdepParseResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (typeof text !== 'string') return failure('binary', 'The input is not text.');
  const bytes = utf8Length(text, maxBytes);
  if (bytes > maxBytes) {
    return failure('too-large', `The log is larger than the ${formatSize(maxBytes)} limit; open a smaller excerpt around the report.`);
  }
  if (looksBinary(text)) return failure('binary', 'The input looks binary, not a kernel log.');

  const report: LockdepReport = { ok: true, splats: [], classes: [], chains: [] };
  const lines = splitLogLines(text);
  for (let i = 0; i < lines.length; ) {
    const header = matchSplatHeader(lines[i].text);
    if (header) {
      const { splat, next } = parseSplat(lines, i, header);
      report.splats.push(splat);
      i = next;
      continue;
    }
    i = parseProcEntry(lines, i, report) ?? i + 1;
  }
  return report;
}

function failure(code: 'too-large' | 'binary', message: string): LockdepParseResult {
  return { ok: false, error: { code, message } };
}

/** UTF-8 size of `text`, counted only until it passes `limit`. */
function utf8Length(text: string, limit: number): number {
  // Every UTF-16 unit takes at least one byte.
  if (text.length > limit) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** NUL bytes, or a start full of control characters or undecodable bytes. */
function looksBinary(text: string): boolean {
  if (text.includes('\0')) return true;
  const head = text.slice(0, 4096);
  const odd = head.match(/[\x01-\x08\x0e-\x1a\x1c-\x1f\ufffd]/g);
  return odd !== null && odd.length > head.length / 10;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MiB` : `${bytes} bytes`;
}
