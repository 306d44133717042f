/**
 * Parses one lockdep report, from its title to the end of its stack backtrace.
 *
 * Lockdep prints its reports in labelled sections (see kernel/locking/lockdep.c): a label line
 * such as `but task is already holding lock:` says what the next lines are. The builder below
 * keeps that expectation as state and reads one line at a time. Lines it does not recognise are
 * skipped, since other CPUs keep logging while a report is printed.
 */
import type { Range } from '../sites';
import { deriveEdges } from './edges';
import { parseFrame } from './frames';
import { decodeUsage, findLockToken, normalizeLockName } from './lockName';
import type { LogLine } from './logLines';
import { matchSplatHeader, type SplatHeader } from './splatHeader';
import type { ChainEntry, IrqDependencyStep, LockdepSplat, LockOccurrence, LockScenario, StackFrame } from './types';

/** After this many lines with nothing lockdep prints, the report is over (a truncated log). */
const MAX_QUIET_LINES = 40;

const SEPARATOR = /^(?:=+|-+)$/;
/** The release, version and taint line under the title: `6.6.30-foo #1 Not tainted`. */
const KERNEL_IDENT = /^\d+\.\d+\S* /;
const END_OF_TRACE = /^-+\[ (?:end trace|cut here)/;

const TASK_ACTION =
  /^(.+)\/(\d+)(?: \[\S*\])? (?:is trying to acquire lock|is trying to acquire|is trying to lock|takes|just changed the state of lock):\s*$/;
const TASK_RELEASE = /^(.+)\/(\d+) is trying to release lock \((.+)\) at:\s*$/;
const ALREADY_HOLDING = /^(?:but task is already holding lock|and this task is already holding):$/;
const IRQ_OTHER = /^but this lock (?:took another, (\S+)-unsafe|was taken by another, (\S+)-safe) lock in the past:$/;
const NEW_DEPENDENCY = /^which would create a new lock dependency:$/;
const USAGE_TRANSITION = /^inconsistent \{([A-Z_-]+)\} -> \{([A-Z_-]+)\} usage\.$/;
const WAIT_CONTEXT = /^context-\{(\d+):(\d+)\}$/;
const CHAIN_ENTRY = /^\s*-> #(\d+) /;
const IRQ_PATH_ENTRY = /^(\s*)-> (?=\()/;
const CHAIN_EXISTS = /^Chain exists of:$/;
const SCENARIO_TITLE = /^(Possible .*scenario.*):$/;
const CPU_HEADER = /^\s+CPU\d+(?:\s+CPU\d+)*\s*$/;
const CPU_RULE = /^\s+-{4}(?:\s+-{4})*\s*$/;
const SCENARIO_STEP = /^(\s*)(?:(<Interrupt>)|([A-Za-z_]\w*)\((.*)\);)\s*$/;
const DEADLOCK = /^\*\*\* DEADLOCK \*\*\*$/;
const HELD_HEADER = /^(?:(\d+) locks? held by (.+)\/(\d+):|no locks held by (.+)\/(\d+)\.)$/;
const HELD_ENTRY = /^\s*#(\d+):/;
const SHORTEST_PATH = /^the shortest dependencies between 2nd lock and 1st lock:$/;
const STACK_BACKTRACE = /^stack backtrace:$/;
const TRACE_LABEL = /^(.*\S) at:$/;
const KNOWN_PROSE = new RegExp(
  '^(?:' +
    [
      'which lock already depends on the new lock\\.',
      'the existing dependency chain \\(in reverse order\\) is:',
      'other info that might help us debug this:',
      'and interrupts could create inverse lock ordering between them\\.',
      'but there are no more locks to release!',
      'May be due to missing lock nesting notation',
      'but this new dependency connects a \\S+ lock:',
      'to a \\S+ lock:',
      'irq event stamp: \\d+',
      '(?:hard|soft)irqs last\\s+(?:en|dis)abled at .*',
      '\\.\\.\\. key\\s+at: .*',
      '\\}',
      '\\*\\*\\* DEADLOCK \\*\\*\\*',
    ].join('|') +
    ')$',
);
/** What the stack dumper prints around the frames: the task line, registers, context markers. */
const BACKTRACE_DETAIL =
  /^(?:CPU: \d+|Hardware name:|Workqueue:|Call Trace:|Code: |Modules linked in:|<\/?(?:TASK|IRQ|NMI|SOFTIRQ|EOI)>$|[A-Z][A-Z0-9_]{1,7}: |(?:[0-9a-f]{16}\s*){1,4}$)/;

/** `used` lines belong to the report; `blank` ones (empty, banners) neither count nor end it. */
type Verdict = 'used' | 'blank' | 'noise' | 'end' | 'last';

type Section = 'body' | 'scenario' | 'held-locks' | 'irq-path' | 'backtrace';

type LockSlot = 'acquiring' | 'held' | 'other' | 'new-dependency';

export interface ParsedSplat {
  splat: LockdepSplat;
  /** The first line after the report. */
  next: number;
}

export function parseSplat(lines: LogLine[], titleIndex: number, header: SplatHeader): ParsedSplat {
  const title = lines[titleIndex];
  const before = lines[titleIndex - 1];
  const startLine = before && /^=+$/.test(before.text.trim()) ? before.index : title.index;
  const builder = new SplatBuilder(header, title.index, startLine);
  let lastUsed = titleIndex;
  let quiet = 0;
  for (let i = titleIndex + 1; i < lines.length; i++) {
    const line = lines[i];
    if (matchSplatHeader(line.text) || END_OF_TRACE.test(line.text)) break;
    const verdict = builder.feed(line);
    if (verdict === 'end') break;
    if (verdict === 'noise') {
      if (++quiet > MAX_QUIET_LINES) break;
      continue;
    }
    if (verdict === 'blank') continue;
    quiet = 0;
    lastUsed = i;
    if (verdict === 'last') break;
  }
  return { splat: builder.finish(lines[lastUsed].index), next: lastUsed + 1 };
}

class SplatBuilder {
  private readonly splat: LockdepSplat;
  private section: Section = 'body';
  private expectKernel = true;
  private pendingLock?: LockSlot;
  /** The lock just read into a slot, which syzbot may print again for an inlined caller. */
  private lastSlotLock?: LockOccurrence;
  private awaitingReleaseFrame = false;
  private awaitingChainExists = false;
  private chainExists?: LockScenario['chainExists'];
  /** Where frame lines go now, if anywhere. */
  private frames?: StackFrame[];
  private cpuColumns: number[] = [];
  private interruptedCpus = new Set<number>();
  private irqStep?: IrqDependencyStep;

  constructor(header: SplatHeader, titleLine: number, startLine: number) {
    this.splat = {
      kind: header.kind,
      format: header.format,
      title: { text: header.text, line: titleLine },
      startLine,
      endLine: titleLine,
      chain: [],
      heldLocks: [],
      irqDependencyPath: [],
      traces: [],
      backtrace: [],
      edges: [],
      truncated: true,
    };
    if (header.irqClass !== undefined) this.splat.irqClass = header.irqClass;
  }

  finish(endLine: number): LockdepSplat {
    this.splat.endLine = endLine;
    this.splat.truncated = this.splat.backtrace.length === 0;
    this.splat.edges = deriveEdges(this.splat);
    return this.splat;
  }

  feed(line: LogLine): Verdict {
    const trimmed = line.text.trim();
    if (trimmed === '') return this.blankLine();
    if (this.expectKernel) {
      this.expectKernel = false;
      if (KERNEL_IDENT.test(trimmed)) {
        this.splat.kernel = trimmed;
        return 'used';
      }
    }
    if (SEPARATOR.test(trimmed)) return 'blank';
    if (this.section === 'backtrace') return this.backtraceLine(line, trimmed);
    if (this.frames) {
      const frame = parseFrame(line.text, line.index, line.column);
      if (frame) {
        this.frames.push(frame);
        return 'used';
      }
    }
    return (
      this.expectedLine(line) ?? (this.section === 'scenario' ? this.scenarioLine(line, trimmed) : undefined) ?? this.bodyLine(line, trimmed)
    );
  }

  private blankLine(): Verdict {
    if (this.section === 'backtrace' && this.splat.backtrace.length > 0) return 'end';
    this.frames = undefined;
    this.pendingLock = undefined;
    this.lastSlotLock = undefined;
    return 'blank';
  }

  /** The line a label announced: a lock, the frame of a release, the `Chain exists of:` names. */
  private expectedLine(line: LogLine): Verdict | undefined {
    if (this.pendingLock) return this.lockLine(line, this.pendingLock);
    if (this.lastSlotLock) {
      const repeat = lockOccurrence(line, 0);
      if (repeat && absorbInlinedRepeat(this.lastSlotLock, repeat)) return 'used';
    }
    if (this.awaitingReleaseFrame) {
      const frame = parseFrame(line.text, line.index, line.column);
      if (!frame) return undefined;
      this.awaitingReleaseFrame = false;
      if (this.splat.releasing) this.splat.releasing.at = frame;
      return 'used';
    }
    if (this.awaitingChainExists) {
      this.awaitingChainExists = false;
      this.chainExists = [];
      for (const m of line.text.matchAll(/\S+/g)) {
        if (m[0] === '-->') continue;
        const start = line.column + (m.index ?? 0);
        this.chainExists.push({ name: normalizeLockName(m[0]), range: span(line.index, start, start + m[0].length) });
      }
      return 'used';
    }
    return undefined;
  }

  private lockLine(line: LogLine, slot: LockSlot): Verdict | undefined {
    const lock = lockOccurrence(line, 0);
    if (!lock) return undefined;
    this.pendingLock = undefined;
    if (slot === 'new-dependency') {
      const endOfFirst = lock.range.end.character - line.column;
      const taken = lockOccurrence(line, endOfFirst);
      if (taken) this.splat.newDependency = { held: lock, taken };
    } else {
      this.splat[slot] = lock;
      this.lastSlotLock = lock;
    }
    return 'used';
  }

  private scenarioLine(line: LogLine, trimmed: string): Verdict | undefined {
    const scenario = this.splat.scenario;
    if (!scenario) return undefined;
    if (CPU_HEADER.test(line.text)) {
      for (const m of line.text.matchAll(/CPU\d+/g)) {
        scenario.cpus.push(m[0]);
        this.cpuColumns.push(m.index ?? 0);
      }
      return 'used';
    }
    if (CPU_RULE.test(line.text)) return 'used';
    if (DEADLOCK.test(trimmed)) {
      this.section = 'body';
      return 'used';
    }
    const m = SCENARIO_STEP.exec(line.text);
    if (!m) {
      this.section = 'body';
      return undefined;
    }
    const [, indent, interrupt, action, argument] = m;
    const cpu = this.nearestCpu(indent.length);
    const step: LockScenario['steps'][number] = {
      cpu,
      action: interrupt ?? action,
      inInterrupt: this.interruptedCpus.has(cpu),
      line: line.index,
    };
    if (interrupt) this.interruptedCpus.add(cpu);
    else if (argument.trim() !== '') {
      const start = line.column + indent.length + action.length + 1;
      step.lock = { name: normalizeLockName(argument), range: span(line.index, start, start + argument.length) };
    }
    scenario.steps.push(step);
    return 'used';
  }

  /** The scenario table puts each CPU's steps under its `CPUn` heading, give or take the indent. */
  private nearestCpu(column: number): number {
    let best = 0;
    this.cpuColumns.forEach((c, i) => {
      if (Math.abs(c - column) < Math.abs(this.cpuColumns[best] - column)) best = i;
    });
    return best;
  }

  private bodyLine(line: LogLine, trimmed: string): Verdict {
    const { frames, lastSlotLock } = this;
    // A recognised line ends the stack being read, unless it is a label that starts another.
    this.frames = undefined;
    this.lastSlotLock = undefined;
    if (this.structuralLine(line, trimmed)) return 'used';
    // Another CPU's message in the middle of the report: carry on as if it were not there.
    this.frames = frames;
    this.lastSlotLock = lastSlotLock;
    return 'noise';
  }

  /** Reads a line lockdep prints in the body of a report; false if it is none of them. */
  private structuralLine(line: LogLine, trimmed: string): boolean {
    const text = line.text;
    const splat = this.splat;
    let m: RegExpExecArray | null;
    if ((m = TASK_ACTION.exec(text))) {
      splat.task = { comm: m[1], pid: Number(m[2]), line: line.index };
      this.pendingLock = 'acquiring';
    } else if ((m = TASK_RELEASE.exec(text))) {
      splat.task = { comm: m[1], pid: Number(m[2]), line: line.index };
      const nameStart = text.indexOf('release lock (') + 'release lock ('.length;
      const nameEnd = nameStart + m[3].length;
      splat.releasing = {
        name: normalizeLockName(m[3]),
        range: span(line.index, line.column + nameStart, line.column + nameEnd),
      };
      this.awaitingReleaseFrame = true;
    } else if (ALREADY_HOLDING.test(trimmed)) {
      this.pendingLock = 'held';
    } else if ((m = IRQ_OTHER.exec(trimmed))) {
      splat.irqDirection = m[1] !== undefined ? 'forwards' : 'backwards';
      splat.irqClass = m[1] ?? m[2];
      this.pendingLock = 'other';
    } else if (NEW_DEPENDENCY.test(trimmed)) {
      this.pendingLock = 'new-dependency';
    } else if ((m = USAGE_TRANSITION.exec(trimmed))) {
      splat.usageTransition = { from: m[1], to: m[2] };
    } else if ((m = WAIT_CONTEXT.exec(trimmed))) {
      splat.context = { outer: Number(m[1]), inner: Number(m[2]) };
    } else if ((m = CHAIN_ENTRY.exec(text))) {
      const lock = lockOccurrence(line, m[0].length);
      if (!lock) return false;
      const entry: ChainEntry = { index: Number(m[1]), lock, frames: [], line: line.index };
      splat.chain.push(entry);
      this.frames = entry.frames;
    } else if (this.section === 'irq-path' && (m = IRQ_PATH_ENTRY.exec(text))) {
      const lock = lockOccurrence(line, m[0].length);
      if (!lock) return false;
      this.irqStep = { lock, depth: m[1].length, usageTraces: [], acquiredAt: [] };
      splat.irqDependencyPath.push(this.irqStep);
    } else if (CHAIN_EXISTS.test(trimmed)) {
      this.awaitingChainExists = true;
    } else if ((m = SCENARIO_TITLE.exec(trimmed))) {
      splat.scenario = { title: m[1], cpus: [], steps: [] };
      if (this.chainExists) splat.scenario.chainExists = this.chainExists;
      this.section = 'scenario';
    } else if ((m = HELD_HEADER.exec(trimmed))) {
      splat.heldBy = { comm: m[2] ?? m[4], pid: Number(m[3] ?? m[5]), line: line.index };
      this.section = 'held-locks';
    } else if (this.section === 'held-locks' && (m = HELD_ENTRY.exec(text))) {
      const lock = lockOccurrence(line, m[0].length);
      if (!lock) return false;
      const index = Number(m[1]);
      const previous = splat.heldLocks[splat.heldLocks.length - 1];
      if (previous?.index === index && absorbInlinedRepeat(previous.lock, lock)) return true;
      splat.heldLocks.push({ index, lock, line: line.index });
    } else if (SHORTEST_PATH.test(trimmed)) {
      this.section = 'irq-path';
    } else if (STACK_BACKTRACE.test(trimmed)) {
      this.section = 'backtrace';
    } else if ((m = TRACE_LABEL.exec(trimmed))) {
      this.frames = this.traceFor(m[1], line.index);
    } else if (!KNOWN_PROSE.test(trimmed) && !findLockToken(text)) {
      return false;
    }
    return true;
  }

  /** Where the frames under `<label> at:` go. */
  private traceFor(label: string, line: number): StackFrame[] {
    const step = this.section === 'irq-path' ? this.irqStep : undefined;
    if (step && label === '... acquired') return step.acquiredAt;
    const trace = { label, line, frames: [] };
    if (step) step.usageTraces.push(trace);
    else this.splat.traces.push(trace);
    return trace.frames;
  }

  private backtraceLine(line: LogLine, trimmed: string): Verdict {
    const frame = parseFrame(line.text, line.index, line.column);
    if (frame) {
      this.splat.backtrace.push(frame);
      return 'used';
    }
    if (trimmed === '</TASK>') return 'last';
    if (BACKTRACE_DETAIL.test(trimmed)) return 'used';
    return this.splat.backtrace.length > 0 ? 'end' : 'noise';
  }
}

/** The first `(name){usage}` token of the line at or after `from`, with its address and `at:` frame. */
function lockOccurrence(line: LogLine, from: number): LockOccurrence | undefined {
  const text = line.text;
  const token = findLockToken(text, from);
  if (!token) return undefined;
  const lock: LockOccurrence = {
    name: normalizeLockName(token.name),
    range: span(line.index, line.column + token.nameStart, line.column + token.nameEnd),
    usage: token.usage,
    usageStates: decodeUsage(token.usage),
  };
  if (token.waitType) lock.waitType = token.waitType;
  const instance = text.slice(from, token.nameStart - 1).trim();
  if (/^\S+$/.test(instance)) lock.instance = instance;
  const at = /^, at: /.exec(text.slice(token.end));
  if (at) {
    const frameStart = token.end + at[0].length;
    const frame = parseFrame(text.slice(frameStart), line.index, line.column + frameStart);
    if (frame) lock.at = frame;
  }
  return lock;
}

/** Folds a repeated lock line (same lock, same address) whose predecessor stopped at an `[inline]` frame. */
function absorbInlinedRepeat(lock: LockOccurrence, repeat: LockOccurrence): boolean {
  if (!lock.at?.inline || repeat.name.raw !== lock.name.raw || repeat.instance !== lock.instance) return false;
  lock.inlinedAt = [...(lock.inlinedAt ?? []), lock.at];
  if (repeat.at) lock.at = repeat.at;
  else delete lock.at;
  return true;
}

function span(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}
