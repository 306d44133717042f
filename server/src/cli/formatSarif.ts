/**
 * SARIF 2.1.0, for GitHub code scanning and other SARIF viewers. One rule per finding code (all of
 * them, so rule indices are stable from run to run), one result per finding. File URIs are relative
 * to the working directory under the `%SRCROOT%` base, so that a report made in CI maps onto any
 * checkout; files outside the working directory keep an absolute file: URI.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CODE_SUMMARY, DEFAULT_SEVERITY, FINDING_CODES, compareFindings, type Finding, type Severity } from '../analysis/findings';
import type { Range } from '../analysis/sites';
import type { AnalysisResult } from './engineBoundary';
import { README_URL, TOOL_NAME } from './toolInfo';

export interface SarifOptions {
  /** The directory `%SRCROOT%` stands for. */
  cwd: string;
  toolVersion: string;
}

type SarifLevel = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };
const SRCROOT = '%SRCROOT%';
/** Renaming this key makes every viewer treat all results as new; change it only with the hashed fields. */
const FINGERPRINT_KEY = 'lockorder/v1';

export function toSarif(result: AnalysisResult, options: SarifOptions): object {
  const artifact = (file: string) => artifactLocation(file, options.cwd);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: options.toolVersion,
            informationUri: README_URL,
            rules: FINDING_CODES.map((code) => ({
              id: code,
              shortDescription: { text: CODE_SUMMARY[code].replace(/`/g, ''), markdown: CODE_SUMMARY[code] },
              helpUri: `${README_URL}#${code}`,
              defaultConfiguration: { level: LEVEL[DEFAULT_SEVERITY[code]] },
            })),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: `${pathToFileURL(options.cwd).href.replace(/\/$/, '')}/` } },
        columnKind: 'utf16CodeUnits',
        results: [...result.findings].sort(compareFindings).map((finding) => ({
          ruleId: finding.code,
          ruleIndex: FINDING_CODES.indexOf(finding.code),
          level: LEVEL[finding.severity],
          message: { text: finding.message },
          locations: [
            {
              physicalLocation: { artifactLocation: artifact(finding.file), region: region(finding.range) },
              ...(finding.function !== '' && { logicalLocations: [{ name: finding.function, kind: 'function' }] }),
            },
          ],
          relatedLocations: finding.related.map((related, i) => ({
            id: i + 1,
            physicalLocation: { artifactLocation: artifact(related.file), region: region(related.range) },
            message: { text: related.message },
          })),
          partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(finding) },
        })),
      },
    ],
  };
}

export function formatSarif(result: AnalysisResult, options: SarifOptions): string {
  return `${JSON.stringify(toSarif(result, options), null, 2)}\n`;
}

/**
 * What identifies a finding across edits: its code, its function and its locks, but not its line,
 * so that code moving around a file does not make an old finding look new.
 */
export function fingerprint(finding: Finding): string {
  return createHash('sha256')
    .update([finding.code, finding.function, ...finding.locks].join('\0'))
    .digest('hex')
    .slice(0, 32);
}

function artifactLocation(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  const absolute = path.resolve(cwd, file);
  const relative = path.relative(cwd, absolute);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    return { uri: pathToFileURL(absolute).href };
  }
  return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

/** SARIF regions are 1-based, and endColumn is the column just past the last character. */
function region(range: Range) {
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}
