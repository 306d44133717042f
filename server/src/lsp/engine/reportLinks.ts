/**
 * Links from a lockdep report into the sources:
 *   - a frame's function (`foo_dev_reset+0x2c/0x120`) → where that function takes the lock its
 *     stack took (the acquisition, or the call that leads to it), else the function's definition;
 *   - a frame's `sound/core/snd_port.c:27` → that line of the program's file ending that way;
 *   - a lock name (`&dev->lock`) → the first acquisition of its class.
 * Nothing is linked that the sources do not settle: a function defined twice, a path two files
 * end with, a name no class matches.
 */
import type { LockdepReport, StackFrame } from '../../analysis/lockdep';
import { acquisitionInSources, locateFrame, type SourceSite } from '../../analysis/lockdepMerge';
import { baseClass } from '../../analysis/lockdepMerge/workspace';
import type { ProgramAnalysis } from '../../analysis/program';
import type { Range } from '../../analysis/sites';
import { baseNameOfUri as baseName } from '../uris';
import type { ReportLink } from './messages';
import { framesOf, namedLocks, type LockNames } from './reportParts';

export function reportLinks(report: LockdepReport, analysis: ProgramAnalysis, names: LockNames): ReportLink[] {
  const links = new Map<string, ReportLink>();
  const add = (range: Range, file: string, target: Range, tooltip: string) => {
    const key = `${range.start.line}:${range.start.character}`;
    if (!links.has(key)) links.set(key, { range, file, target, tooltip });
  };

  for (const { frame, lock } of framesOf(report)) {
    const site = (lock && acquisitionInSources(names.ws, [frame], names.map(lock).classId)) ?? locateFrame(names.ws, frame);
    if (site) add(frame.functionRange, site.file, site.site, `${site.function}()${via(site)} in ${baseName(site.file)}:${site.site.start.line + 1}`);
    const line = printedLine(names, frame);
    if (line) add(frame.fileRange!, line.file, line.range, `${baseName(line.file)}:${line.range.start.line + 1}`);
  }

  const firstSites = firstAcquisitions(analysis);
  for (const { name, range } of namedLocks(report)) {
    const mapping = names.map(name);
    if (mapping.rule === undefined) continue;
    const first = firstSites.get(mapping.classId) ?? firstSites.get(baseClass(mapping.classId));
    if (first) add(range, first.file, first.site, `${mapping.classId}: first taken in ${first.function}() in ${baseName(first.file)}:${first.site.start.line + 1}`);
  }
  return [...links.values()];
}

function via(site: SourceSite): string {
  return site.chain.length > 0 ? ` via ${site.chain.join('() → ')}()` : '';
}

/** The start of the frame's `file.c:123` line, in the one program file whose path ends that way. */
function printedLine(names: LockNames, frame: StackFrame): { file: string; range: Range } | undefined {
  if (frame.file === undefined || frame.line === undefined || frame.line < 1 || !frame.fileRange) return undefined;
  const file = names.ws.fileEndingWith(frame.file);
  if (file === undefined) return undefined;
  const at = { line: frame.line - 1, character: 0 };
  return { file, range: { start: at, end: at } };
}

interface Acquisition {
  file: string;
  function: string;
  site: Range;
}

/** Per class id, and per class id without its `/N` subclass: the acquisition first in file and line order. */
function firstAcquisitions(analysis: ProgramAnalysis): Map<string, Acquisition> {
  const first = new Map<string, Acquisition>();
  const keep = (id: string, candidate: Acquisition) => {
    const known = first.get(id);
    if (!known || comesBefore(candidate, known)) first.set(id, candidate);
  };
  for (const { fn, result } of analysis.functions) {
    for (const a of result.acquisitions) {
      if (!a.cls.resolved) continue;
      const candidate = { file: fn.file, function: fn.name, site: a.site };
      keep(a.cls.id, candidate);
      keep(baseClass(a.cls.id), candidate);
    }
  }
  return first;
}

function comesBefore(a: Acquisition, b: Acquisition): boolean {
  if (a.file !== b.file) return a.file < b.file;
  const [x, y] = [a.site.start, b.site.start];
  return x.line < y.line || (x.line === y.line && x.character < y.character);
}
