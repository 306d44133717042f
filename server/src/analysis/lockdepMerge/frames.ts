/**
 * Stack frames of a report, placed in the sources. `foo_dev_reset+0x2c/0x120 [foo_dev]` is the
 * program's function of that name; `snd_port_open+0x8b/0x2d0 sound/core/snd_port.c:187` also names
 * a line, in the program's file whose path ends that way. Where a lock was taken is found by walking
 * the stack out from the lock call to the first frame in the sources.
 */
import { isLockingFrame, type StackFrame } from '../lockdep';
import type { FunctionAnalysis } from '../program';
import type { Range } from '../sites';
import { baseClass, type Workspace } from './workspace';

export interface FrameTarget {
  /** The functions the frame may be: several only for same-named static functions no file tells apart. */
  functions: FunctionAnalysis[];
  /** `file.c:123` as a program file and 0-based line, when that line is inside one of its functions. */
  line?: { file: string; line: number };
}

/** A place in the sources, with the calls from it down to the acquisition. */
export interface SourceSite {
  file: string;
  function: string;
  site: Range;
  chain: string[];
}

/** `foo.isra.0`, `foo.constprop.0`, `foo.cold`: the compiler's copies of `foo`. */
function sourceFunctionName(frameFunction: string): string {
  const dot = frameFunction.indexOf('.');
  return dot > 0 ? frameFunction.slice(0, dot) : frameFunction;
}

export function frameTarget(ws: Workspace, frame: StackFrame): FrameTarget {
  const file = frame.file !== undefined ? ws.fileEndingWith(frame.file) : undefined;
  const lineFunction = file !== undefined && frame.line !== undefined ? ws.functionAt(file, frame.line - 1) : undefined;
  let functions = ws.functionsNamed(sourceFunctionName(frame.function));
  if (file !== undefined && functions.length > 1) {
    const inFile = functions.filter((fa) => fa.fn.file === file);
    if (inFile.length > 0) functions = inFile;
  }
  // The symbolizer's line outranks the name: the name may be a compiler-made copy or a macro's.
  if (lineFunction && !functions.includes(lineFunction)) functions = [lineFunction];
  const target: FrameTarget = { functions };
  if (lineFunction) target.line = { file: file!, line: frame.line! - 1 };
  return target;
}

/** Where a frame points in the sources: its line when printed, else the function's name. */
export function locateFrame(ws: Workspace, frame: StackFrame): SourceSite | undefined {
  const { functions, line } = frameTarget(ws, frame);
  if (functions.length !== 1) return undefined;
  const fa = functions[0];
  return { file: fa.fn.file, function: fa.fn.name, site: line ? lineSite(ws, fa, line.line) : fa.fn.nameRange, chain: [] };
}

/** The frame that asked for the lock: the first past the locking code. Inlined frames count, unsure ones do not. */
export function acquiringFrame(frames: StackFrame[]): StackFrame | undefined {
  return frames.find((f) => !f.unreliable && !isLockingFrame(f));
}

/**
 * Where the sources take `classId` on this stack: the first frame, from the acquiring one outwards,
 * that is a function of the program. In it, the acquisition of that class (the one on the printed
 * line first), else the call on the printed line, else the call to the frame below, else its name.
 */
export function acquisitionInSources(ws: Workspace, frames: StackFrame[], classId: string): SourceSite | undefined {
  const first = acquiringFrame(frames);
  if (!first) return undefined;
  let inner: string | undefined;
  for (const frame of frames.slice(frames.indexOf(first))) {
    if (frame.unreliable) continue;
    const target = frameTarget(ws, frame);
    if (target.functions.length === 1) return siteInFunction(ws, target.functions[0], classId, target.line, inner);
    inner = sourceFunctionName(frame.function);
  }
  return undefined;
}

function siteInFunction(ws: Workspace, fa: FunctionAnalysis, classId: string, line: FrameTarget['line'], inner: string | undefined): SourceSite {
  const at = (site: Range, chain: string[] = []): SourceSite => ({ file: fa.fn.file, function: fa.fn.name, site, chain });
  const base = baseClass(classId);
  const printedLine = line?.file === fa.fn.file ? line.line : undefined;
  const locks = ws.locksOf(fa).filter((l) => baseClass(l.classId) === base);
  const lock = locks.find((l) => l.site.start.line === printedLine) ?? locks[0];
  if (lock) return at(lock.site, lock.chain);
  if (printedLine !== undefined) {
    const call = ws.callOnLine(fa, printedLine);
    return call ? at(call.site, [call.name]) : at(lineSite(ws, fa, printedLine));
  }
  const call = inner !== undefined ? ws.callSite(fa, inner) : undefined;
  if (call) return at(call, [inner!]);
  return at(fa.fn.nameRange);
}

/** A lock or call starting on the line, else the line's start. */
function lineSite(ws: Workspace, fa: FunctionAnalysis, line: number): Range {
  const there = ws.locksOf(fa).find((l) => l.site.start.line === line) ?? ws.callOnLine(fa, line);
  return there?.site ?? { start: { line, character: 0 }, end: { line, character: 0 } };
}
