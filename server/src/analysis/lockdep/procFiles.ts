/**
 * /proc/lockdep and /proc/lockdep_chains.
 *
 * /proc/lockdep lists each class, then the classes taken directly under it:
 *   00000000c3d4e5f6 OPS:     412 FD:    9 BD:    2 +.+.: &dev->lock
 *    -> [0000000077aa88bb] &sb->s_type->i_mutex_key#3
 * (OPS: only with CONFIG_DEBUG_LOCKDEP). /proc/lockdep_chains lists the sets of classes held
 * together, outermost first, under an `irq_context:` line.
 */
import type { Range } from '../sites';
import { decodeUsage, normalizeLockName } from './lockName';
import type { LogLine } from './logLines';
import type { LockdepChain, LockdepClass } from './types';

const CLASS_LINE = /^([0-9a-f]{8,16})(?: OPS:\s*(\d+))? FD:\s*(\d+) BD:\s*(\d+) ([-+.?]{4,8}): (\S.*?)\s*$/;
const DEPENDENCY_LINE = /^ -> \[([0-9a-f]{8,16})\] (\S.*?)\s*$/;
const CHAIN_CONTEXT = /^irq_context: (\S+)\s*$/;
const CHAIN_LOCK = /^\[([0-9a-f]{8,16})\] (\S.*?)\s*$/;

/**
 * Reads the class or chain starting at `lines[at]`, if one does. Returns the index of the first
 * line after it, or undefined when the line starts neither.
 */
export function parseProcEntry(
  lines: LogLine[],
  at: number,
  into: { classes: LockdepClass[]; chains: LockdepChain[] },
): number | undefined {
  const first = lines[at];
  const cls = CLASS_LINE.exec(first.text);
  if (cls) {
    const [, key, ops, fd, bd, usage, name] = cls;
    const entry: LockdepClass = {
      key,
      name: normalizeLockName(name),
      nameRange: nameRange(first, name),
      line: first.index,
      forwardDeps: Number(fd),
      backwardDeps: Number(bd),
      usage,
      usageStates: decodeUsage(usage),
      dependencies: [],
    };
    if (ops !== undefined) entry.ops = Number(ops);
    into.classes.push(entry);
    let i = at + 1;
    for (let m; i < lines.length && (m = DEPENDENCY_LINE.exec(lines[i].text)); i++) {
      entry.dependencies.push({ key: m[1], name: normalizeLockName(m[2]), nameRange: nameRange(lines[i], m[2]), line: lines[i].index });
    }
    return i;
  }
  const ctx = CHAIN_CONTEXT.exec(first.text);
  if (ctx) {
    const chain: LockdepChain = { irqContext: ctx[1], line: first.index, locks: [] };
    into.chains.push(chain);
    let i = at + 1;
    for (let m; i < lines.length && (m = CHAIN_LOCK.exec(lines[i].text)); i++) {
      chain.locks.push({ key: m[1], name: normalizeLockName(m[2]), range: nameRange(lines[i], m[2]), line: lines[i].index });
    }
    return i;
  }
  return undefined;
}

/** The name ends these lines, so it starts where the trimmed line minus the name does. */
function nameRange(line: LogLine, name: string): Range {
  const start = line.column + line.text.trimEnd().length - name.length;
  return { start: { line: line.index, character: start }, end: { line: line.index, character: start + name.length } };
}
