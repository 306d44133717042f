/**
 * The machine report: findings with 1-based positions plus the lock-order graph, unchanged.
 * docs/json-output.md is its contract; bump JSON_REPORT_VERSION when a field changes meaning or goes.
 */
import { compareFindings, type Finding, type FindingCode, type Severity } from '../analysis/findings';
import type { GraphJson } from '../analysis/graphJson';
import type { AnalysisResult } from './engineBoundary';
import { TOOL_NAME } from './toolInfo';

export const JSON_REPORT_VERSION = 1;

export interface JsonRelated {
  file: string;
  line: number;
  column: number;
  function: string;
  message: string;
}

export interface JsonFinding {
  code: FindingCode;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  /** The column just after the last character, as in SARIF. */
  endColumn: number;
  function: string;
  locks: string[];
  related: JsonRelated[];
  cycleId: string | null;
}

export interface JsonReport {
  version: typeof JSON_REPORT_VERSION;
  tool: { name: string; version: string };
  findings: JsonFinding[];
  graph: GraphJson;
}

export function toJsonReport(result: AnalysisResult, toolVersion: string): JsonReport {
  return {
    version: JSON_REPORT_VERSION,
    tool: { name: TOOL_NAME, version: toolVersion },
    findings: [...result.findings].sort(compareFindings).map(toJsonFinding),
    graph: result.graph,
  };
}

export function formatJson(result: AnalysisResult, toolVersion: string): string {
  return `${JSON.stringify(toJsonReport(result, toolVersion), null, 2)}\n`;
}

function toJsonFinding(finding: Finding): JsonFinding {
  const { start, end } = finding.range;
  return {
    code: finding.code,
    severity: finding.severity,
    message: finding.message,
    file: finding.file,
    line: start.line + 1,
    column: start.character + 1,
    endLine: end.line + 1,
    endColumn: end.character + 1,
    function: finding.function,
    locks: [...finding.locks],
    related: finding.related.map((r) => ({
      file: r.file,
      line: r.range.start.line + 1,
      column: r.range.start.character + 1,
      function: r.function,
      message: r.message,
    })),
    cycleId: finding.cycleId ?? null,
  };
}
