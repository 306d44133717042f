/** Recognises the title line that opens each kind of lockdep report, in both layouts. */
import type { SplatFormat, SplatKind } from './types';

export interface SplatHeader {
  kind: SplatKind;
  format: SplatFormat;
  /** The title without the legacy brackets: `WARNING: inconsistent lock state`. */
  text: string;
  /** The irq class named in `HARDIRQ-safe -> HARDIRQ-unsafe` titles. */
  irqClass?: string;
}

// Current: `WARNING: possible recursive locking detected`. Legacy: `[ INFO: possible ... ]`.
const TITLE = /^(\[ )?((?:WARNING|INFO|BUG): (.+?))(?: \])?\s*$/;

const KINDS: [RegExp, SplatKind][] = [
  [/^possible circular locking dependency detected$/, 'circular'],
  [/^possible recursive locking detected$/, 'recursive'],
  [/^inconsistent lock state$/, 'inconsistent'],
  [/^bad unlock balance detected!$/, 'bad-unlock'],
  [/^Invalid wait context$/, 'invalid-wait-context'],
  [/^possible irq lock inversion dependency detected$/, 'irq-inversion'],
  [/^([A-Z_]+)-(?:irq-)?safe -> \1-(?:irq-)?unsafe lock order detected$/, 'irq-safe-unsafe'],
];

export function matchSplatHeader(text: string): SplatHeader | undefined {
  const title = TITLE.exec(text);
  if (!title) return undefined;
  for (const [pattern, kind] of KINDS) {
    const m = pattern.exec(title[3]);
    if (!m) continue;
    const bracketed = title[1] !== undefined;
    const header: SplatHeader = {
      kind,
      format: bracketed && kind !== 'invalid-wait-context' ? 'legacy' : 'current',
      text: title[2],
    };
    if (m[1] !== undefined) header.irqClass = m[1];
    return header;
  }
  return undefined;
}
