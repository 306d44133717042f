/**
 * What merging lockdep reports asks of an analysed program: functions by name, files by the tail of
 * their path, the locks each function takes (itself or through its callees), and the lock classes
 * by their last field and by the expression that names them.
 */
import type { Cond, Stmt } from '../functionFacts';
import type { FunctionAnalysis, ProgramAnalysis } from '../program';
import { rangeOfSpan, type Range } from '../sites';

/** A lock a function takes, in that function's terms. */
export interface FunctionLock {
  classId: string;
  /** The instance as the engine normalises it: `dev->queues[].lock`. */
  instance: string;
  /** In the function's own file: the acquisition, or the call that leads to it. */
  site: Range;
  /** Calls from the function down to the acquisition; empty when the function takes it itself. */
  chain: string[];
}

export class Workspace {
  private readonly byName = new Map<string, FunctionAnalysis[]>();
  private readonly byFile = new Map<string, FunctionAnalysis[]>();
  /** Last path segment → file keys. */
  private readonly filesByBaseName = new Map<string, string[]>();
  private readonly locks = new Map<FunctionAnalysis, FunctionLock[]>();
  /** Resolved class ids without their `/N` subclass, and their kinds. */
  readonly classes = new Map<string, string>();
  private readonly classesByField = new Map<string, Set<string>>();
  private readonly classesByInstance = new Map<string, Set<string>>();

  constructor(analysis: ProgramAnalysis) {
    for (const fa of analysis.functions) {
      push(this.byName, fa.fn.name, fa);
      if (!this.byFile.has(fa.fn.file)) push(this.filesByBaseName, pathSegments(fa.fn.file).pop() ?? '', fa.fn.file);
      push(this.byFile, fa.fn.file, fa);
      for (const a of fa.result.acquisitions) {
        if (!a.cls.resolved) continue;
        const base = baseClass(a.cls.id);
        if (!this.classes.has(base)) this.classes.set(base, a.kind);
        if (isMemberClass(base)) addTo(this.classesByField, classField(base), base);
        addTo(this.classesByInstance, instanceOf(a.text), base);
      }
    }
  }

  functionsNamed(name: string): FunctionAnalysis[] {
    return this.byName.get(name) ?? [];
  }

  /** The program's file whose path ends with `reported` (`drivers/misc/foo.c`), when only one does. */
  fileEndingWith(reported: string): string | undefined {
    const tail = pathSegments(reported);
    const candidates = (this.filesByBaseName.get(tail[tail.length - 1]) ?? []).filter((file) => endsWithSegments(pathSegments(file), tail));
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  /** The function of `file` whose definition covers the 0-based `line`. */
  functionAt(file: string, line: number): FunctionAnalysis | undefined {
    return (this.byFile.get(file) ?? []).find((fa) => line >= fa.fn.range.start.line && line <= fa.fn.range.end.line);
  }

  /** Direct acquisitions first, then locks taken in callees (from the function's summary). */
  locksOf(fa: FunctionAnalysis): FunctionLock[] {
    let list = this.locks.get(fa);
    if (list) return list;
    list = [];
    for (const a of fa.result.acquisitions) {
      if (a.cls.resolved) list.push({ classId: a.cls.id, instance: instanceOf(a.text), site: a.site, chain: [] });
    }
    for (const l of fa.result.summary.acquires) {
      if (l.chain.length === 0 || !l.cls.resolved) continue;
      list.push({ classId: l.cls.id, instance: l.expr.text, site: this.callSite(fa, l.chain[0]) ?? fa.fn.nameRange, chain: l.chain });
    }
    this.locks.set(fa, list);
    return list;
  }

  /** The first call to `callee` in the function, in source order. */
  callSite(fa: FunctionAnalysis, callee: string): Range | undefined {
    return firstCall(fa.fn.body, (name) => name === callee)?.site;
  }

  /** A call that starts on the 0-based `line`. */
  callOnLine(fa: FunctionAnalysis, line: number): { name: string; site: Range } | undefined {
    return firstCall(fa.fn.body, (_, site) => site.start.line === line);
  }

  /** Struct member classes (`snd_port.lock`) whose last field is `field`. */
  classesWithField(field: string): string[] {
    return [...(this.classesByField.get(field) ?? [])].sort();
  }

  classesWithInstance(instance: string): string[] {
    return [...(this.classesByInstance.get(instance) ?? [])].sort();
  }
}

/** `foo.mutex/1` → `foo.mutex`. */
export function baseClass(id: string): string {
  return id.replace(/\/[^/]*$/, '');
}

/** `snd_port.lock`, not a global (`lock1`) or a lock on some function's stack (`fn:lock`). */
function isMemberClass(base: string): boolean {
  return /^[A-Za-z_]\w*\./.test(base) && !base.includes(':');
}

/** `snd_queue.lock[]` → `lock`; `lock1` → `lock1`; `fn:dev->lock` → `lock`. */
export function classField(base: string): string {
  const parts = base.split(/->|\.|:/);
  return parts[parts.length - 1].replace(/\[\]$/, '');
}

/** The lock expression of an acquisition's text: `mutex_lock(dev->lock)` → `dev->lock`. */
function instanceOf(text: string): string {
  const open = text.indexOf('(');
  return open >= 0 && text.endsWith(')') ? text.slice(open + 1, -1) : text;
}

function firstCall(stmts: Stmt[], wanted: (name: string, site: Range) => boolean): { name: string; site: Range } | undefined {
  for (const s of stmts) {
    let found: { name: string; site: Range } | undefined;
    switch (s.t) {
      case 'call':
        if (wanted(s.name, rangeOfSpan(s.site))) found = { name: s.name, site: rangeOfSpan(s.site) };
        break;
      case 'if':
        found = callInCond(s.cond, wanted) ?? firstCall(s.then, wanted) ?? firstCall(s.else, wanted);
        break;
      case 'loop':
        found = (s.cond && callInCond(s.cond, wanted)) || firstCall(s.body, wanted);
        break;
      case 'switch':
        for (const body of s.cases) if ((found = firstCall(body, wanted))) break;
        break;
      case 'scope':
        found = firstCall(s.body, wanted);
        break;
      default:
        break;
    }
    if (found) return found;
  }
  return undefined;
}

function callInCond(cond: Cond, wanted: (name: string, site: Range) => boolean): { name: string; site: Range } | undefined {
  switch (cond.op) {
    case 'and':
    case 'or':
      return callInCond(cond.left, wanted) ?? callInCond(cond.right, wanted);
    case 'not':
      return callInCond(cond.arg, wanted);
    case 'call':
      return wanted(cond.stmt.name, rangeOfSpan(cond.stmt.site)) ? { name: cond.stmt.name, site: rangeOfSpan(cond.stmt.site) } : undefined;
    default:
      return undefined;
  }
}

/** Path segments of a file key, which is a path (CLI) or a `file:` URI (language server). */
function pathSegments(key: string): string[] {
  let text = key;
  if (/^file:\/\//i.test(text)) {
    text = text.replace(/^file:\/\/[^/]*/i, '');
    try {
      text = decodeURIComponent(text);
    } catch {
      // A malformed escape: compare the text as it is.
    }
  }
  return text.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
}

function endsWithSegments(path: string[], tail: string[]): boolean {
  if (tail.length > path.length) return false;
  return tail.every((segment, i) => path[path.length - tail.length + i] === segment);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}
