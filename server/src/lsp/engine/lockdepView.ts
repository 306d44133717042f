/**
 * One analysis with the lockdep reports merged in (`applyLockdep`): the findings, graph and cycles
 * the editor shows, and, per report, its notes, its links and what importing it did. The workspace
 * lookups the links and notes need are built once per analysis, on first use.
 */
import type { LockdepReport } from '../../analysis/lockdep';
import { applyLockdep, Workspace, type LockdepApplied, type LockdepInput, type RuntimeEdge } from '../../analysis/lockdepMerge';
import { observationsOf } from '../../analysis/lockdepMerge/observations';
import type { ProgramAnalysis } from '../../analysis/program';
import type { ImportLockdepResult } from '../protocol';
import type { Report } from './lockdepReports';
import type { CycleSummary, ReportLink, ReportNote } from './messages';
import { reportLinks } from './reportLinks';
import { reportNotes } from './reportNotes';
import { LockNames } from './reportParts';

export class LockdepView {
  readonly applied: LockdepApplied;
  /** The analysis with the runtime edges in its graph, cycles and findings. */
  readonly merged: ProgramAnalysis;
  private names: LockNames | undefined;
  private readonly parsed: LockdepReport[];

  constructor(
    readonly analysis: ProgramAnalysis,
    private readonly reports: readonly Report[],
  ) {
    const inputs: LockdepInput[] = [];
    for (const report of reports) {
      const parsed = report.parse();
      if (parsed.ok) inputs.push({ file: report.key, report: parsed.report });
    }
    this.parsed = inputs.map((i) => i.report);
    this.applied = applyLockdep(analysis, inputs);
    const { findings, graph, cycles, toJson } = this.applied;
    this.merged = { ...analysis, findings, graph, cycles, toJson };
  }

  /** What lockdep says of a cycle of `merged`. */
  cycleState(cycle: string[]): CycleSummary['lockdep'] {
    const key = cycle.join('\u0000');
    if (this.applied.confirmations.some((c) => c.cycle.join('\u0000') === key)) return 'confirmed';
    if (this.applied.newCycles.some((c) => c.cycle.join('\u0000') === key)) return 'observed';
    return undefined;
  }

  /** The notes of the open reports, by URI: an import is shown nowhere. */
  notes(): Record<string, ReportNote[]> {
    const notes: Record<string, ReportNote[]> = {};
    for (const report of this.reports) if (report.isOpen) notes[report.key] = reportNotes(report, this.analysis, () => this.lockNames());
    return notes;
  }

  links(report: Report): ReportLink[] {
    const parsed = report.parse();
    return parsed.ok ? reportLinks(parsed.report, this.analysis, this.lockNames()) : [];
  }

  /** What the report adds to the analysis; `error` when it adds nothing because it cannot. */
  summary(report: Report): ImportLockdepResult {
    const empty = { key: report.key, splats: 0, edges: 0, confirmed: 0, newCycles: 0, unmapped: [] };
    const parsed = report.parse();
    if (!parsed.ok) return { ...empty, error: parsed.reason };
    const { splats, classes, chains } = parsed.report;
    if (splats.length + classes.length + chains.length === 0) return { ...empty, error: 'no lockdep report, /proc/lockdep or /proc/lockdep_chains content in it' };
    const fromThis = (edge: RuntimeEdge) => edge.report.file === report.key;
    const names = this.lockNames();
    const printed = observationsOf(parsed.report).flatMap((o) => [o.held, o.taken]);
    return {
      key: report.key,
      splats: splats.length,
      edges: this.applied.runtimeEdges.filter(fromThis).length,
      confirmed: this.applied.confirmations.filter((c) => c.edges.some(fromThis)).length,
      newCycles: this.applied.newCycles.filter((c) => c.edges.some(fromThis)).length,
      unmapped: [...new Set(printed.filter((n) => names.map(n).rule === undefined).map((n) => n.raw))].sort(),
    };
  }

  private lockNames(): LockNames {
    this.names ??= new LockNames(new Workspace(this.analysis), this.parsed);
    return this.names;
  }
}
