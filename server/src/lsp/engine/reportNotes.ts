/**
 * What the editor says on a lockdep report: one note per splat, on its title line, naming the locks
 * as the sources call them and how much of it the static analysis knows:
 *   possible circular locking dependency: `a.lock` → `b.lock` → `a.lock`; statically known: partly (1 of 2 edges)
 * one per /proc file with its dependency counts, one per lock name that matches no lock in the
 * sources, and one when the report is unusable or has nothing lockdep printed in it.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LockName, LockdepReport, LockdepSplat } from '../../analysis/lockdep';
import { observationsOf, type Observation } from '../../analysis/lockdepMerge/observations';
import type { ProgramAnalysis } from '../../analysis/program';
import type { Range } from '../../analysis/sites';
import type { Report } from './lockdepReports';
import type { ReportNote } from './messages';
import { splatLockNames, type LockNames } from './reportParts';

/** Unmapped lock names noted per report; a console log can hold hundreds. */
const MAX_UNMAPPED_NOTES = 50;

const START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function reportNotes(report: Report, analysis: ProgramAnalysis, names: () => LockNames): ReportNote[] {
  const parsed = report.parse();
  if (!parsed.ok) return [note(START, 'warning', 'lockdep-unusable', `Lockorder cannot use this lockdep report: ${parsed.reason}`)];
  const { splats, classes, chains } = parsed.report;
  if (splats.length === 0 && classes.length === 0 && chains.length === 0) {
    return [note(START, 'information', 'lockdep-unusable', 'No lockdep report, /proc/lockdep or /proc/lockdep_chains content here: nothing to add to the lock graph.')];
  }
  const lockNames = names();
  return [
    ...splats.map((splat) => splatNote(splat, report.document, analysis, lockNames)),
    ...procNotes(parsed.report, analysis, lockNames),
    ...unmappedNotes(splats, lockNames),
  ];
}

interface MappedEdge {
  held: LockName;
  taken: LockName;
  from: string;
  to: string;
  /** Both ends are classes of the sources (not `lockdep:<name>`). */
  mapped: boolean;
}

function splatNote(splat: LockdepSplat, document: TextDocument, analysis: ProgramAnalysis, names: LockNames): ReportNote {
  // A circular report's own cycle is its dependency chain; the locks the task held besides are context.
  const edges = (splat.kind === 'circular' ? splat.edges.filter((e) => e.evidence === 'dependency-chain') : splat.edges).map(
    (e): MappedEdge => {
      const [from, to] = [names.map(e.held.name), names.map(e.taken.name)];
      return { held: e.held.name, taken: e.taken.name, from: from.classId, to: to.classId, mapped: from.rule !== undefined && to.rule !== undefined };
    },
  );
  const title = splat.title.text.replace(/^(?:WARNING|INFO|BUG): /, '').replace(/ detected!?$/, '');
  const locks = edges.length > 0 ? orderText(edges, splat.held?.name, names) : involvedLocks(splat, names);
  let message = locks ? `${title}: ${locks}` : title;

  // An edge from a class to itself is a recursion, which the lock graph has no edge for.
  const ordering = edges.filter((e) => e.from !== e.to);
  const related: ReportNote['related'] = [];
  if (ordering.length > 0) {
    const known = ordering.filter((e) => e.mapped && analysis.graph.edge(e.from, e.to) !== undefined);
    const verdict = known.length === ordering.length ? 'yes' : known.length === 0 ? 'no' : 'partly';
    message += `; statically known: ${verdict} (${known.length} of ${plural(ordering.length, 'edge')})`;
    for (const e of known) {
      const site = analysis.graph.edge(e.from, e.to)!.sites[0];
      related.push({ file: site.file, range: site.site, message: `${code(e.to)} taken while holding ${code(e.from)} in ${site.function}()` });
    }
  }
  if (splat.truncated) message += '; the report is cut short before its stack backtrace';
  return { ...note(titleRange(splat, document), 'warning', 'lockdep-report', message), related };
}

/** `a → b → c → a` when the edges make one cycle from the held lock, else `a → b, c → d`. */
function orderText(edges: MappedEdge[], held: LockName | undefined, names: LockNames): string {
  const next = new Map(edges.map((e) => [e.held.raw, e]));
  const start = held && next.has(held.raw) ? held : edges[0].held;
  const walk = [start];
  for (let at = next.get(start.raw); at && walk.length <= edges.length; at = next.get(at.taken.raw)) {
    walk.push(at.taken);
    if (at.taken.raw === start.raw) break;
  }
  const closed = walk.length === edges.length + 1 && walk[walk.length - 1].raw === start.raw;
  if (closed) return walk.map((n) => code(names.label(n))).join(' → ');
  return edges.map((e) => `${code(names.label(e.held))} → ${code(names.label(e.taken))}`).join(', ');
}

/** The locks of a report with no order in it: the one taken or released, and the one held. */
function involvedLocks(splat: LockdepSplat, names: LockNames): string {
  const labels = [splat.acquiring, splat.releasing, splat.held, splat.other].flatMap((l) => (l ? [code(names.label(l.name))] : []));
  return [...new Set(labels)].join(', ');
}

function titleRange(splat: LockdepSplat, document: TextDocument): Range {
  const line = splat.title.line;
  const text = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  const column = Math.max(0, text.indexOf(splat.title.text));
  return { start: { line, character: column }, end: { line, character: column + splat.title.text.length } };
}

/** /proc/lockdep and /proc/lockdep_chains: how many of their dependencies are between locks of the sources. */
function procNotes(report: LockdepReport, analysis: ProgramAnalysis, names: LockNames): ReportNote[] {
  const observations = observationsOf(report);
  const notes: ReportNote[] = [];
  const summarise = (what: string, evidence: Observation['evidence'], at: Range | undefined) => {
    if (!at) return;
    const seen = observations.filter((o) => o.evidence === evidence);
    const mapped = seen.filter((o) => names.map(o.held).rule !== undefined && names.map(o.taken).rule !== undefined);
    const known = mapped.filter((o) => analysis.graph.edge(names.map(o.held).classId, names.map(o.taken).classId) !== undefined);
    notes.push(
      note(at, 'information', 'lockdep-report', `${what}: ${plural(seen.length, 'lock dependency', 'lock dependencies')}, ${mapped.length} between locks of the sources, ${known.length} of them statically known`),
    );
  };
  summarise('/proc/lockdep', 'proc-lockdep', report.classes[0]?.nameRange);
  summarise('/proc/lockdep_chains', 'proc-lockdep-chains', report.chains[0]?.locks[0]?.range);
  return notes;
}

/** Each splat lock name that matches no lock class, once, where it is first printed. */
function unmappedNotes(splats: LockdepSplat[], names: LockNames): ReportNote[] {
  const first = new Map<string, { name: LockName; range: Range }>();
  const printed = splats.flatMap(splatLockNames).sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  for (const lock of printed) if (!first.has(lock.name.raw)) first.set(lock.name.raw, lock);
  const notes: ReportNote[] = [];
  for (const { name, range } of first.values()) {
    const mapping = names.map(name);
    if (mapping.rule !== undefined) continue;
    notes.push(note(range, 'information', 'lockdep-unmapped-lock', `${code(name.raw)} matches no lock in the sources: ${mapping.reason}`));
    if (notes.length === MAX_UNMAPPED_NOTES) break;
  }
  return notes;
}

function note(range: Range, severity: ReportNote['severity'], kind: ReportNote['code'], message: string): ReportNote {
  return { range, severity, code: kind, message, related: [] };
}

function code(text: string): string {
  return `\`${text}\``;
}

function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}
