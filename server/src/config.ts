/**
 * The `.lockorder.json` configuration: its validated shape, the parser that checks a file against it,
 * and the severity overrides it asks for. Shared by the CLI and the language server, so nothing here
 * touches the file system: callers read the file and hand over its text.
 */
import { FINDING_CODES, SEVERITY_RANK, type Finding, type FindingCode, type Severity } from './analysis/findings';

export type LockApiRole = 'acquire' | 'release' | 'trylock';
export type LockMode = 'read' | 'write';

/** A project-specific locking function, e.g. `{ name: "xfs_ilock", kind: "rwsem", role: "acquire" }`. */
export interface LockApiEntry {
  name: string;
  /** The lock's kind, as the engine names kinds: spinlock, mutex, rwsem, ... */
  kind: string;
  role: LockApiRole;
  /** Which argument (0-based) is the lock; the engine's default applies when absent. */
  lockArg?: number;
  mode?: LockMode;
}

export interface LockorderConfig {
  lockApis?: LockApiEntry[];
  /** Globs (`**`, `*`, `?`) of paths to leave out, relative to the working directory. */
  ignore?: string[];
  severity?: Partial<Record<FindingCode, Severity | 'off'>>;
  /** Files larger than this are skipped, with a message. */
  maxFileBytes?: number;
  /** Orders the project promises to follow, each written `a -> b -> c`. */
  declaredOrders?: string[];
}

export type ConfigParseResult = { ok: true; config: LockorderConfig } | { ok: false; errors: string[] };

export const CONFIG_FILE_NAME = '.lockorder.json';
export const MAX_CONFIG_BYTES = 1024 * 1024;
export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024;

const TOP_LEVEL_KEYS = ['lockApis', 'ignore', 'severity', 'maxFileBytes', 'declaredOrders'] as const;
const LOCK_API_KEYS = ['name', 'kind', 'role', 'lockArg', 'mode'] as const;
const ROLES: readonly LockApiRole[] = ['acquire', 'release', 'trylock'];
const MODES: readonly LockMode[] = ['read', 'write'];
const SEVERITY_SETTINGS: readonly (Severity | 'off')[] = [...(Object.keys(SEVERITY_RANK) as Severity[]), 'off'];

/**
 * Checks a configuration file's text. Every problem is reported (not just the first), each as one
 * line starting with `source`, so a user can fix the file in one pass. Any problem rejects the whole
 * file: a half-applied configuration would silently change what is reported. Never throws.
 */
export function parseConfig(text: string, source: string): ConfigParseResult {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_CONFIG_BYTES) {
    return { ok: false, errors: [`${source}: file is ${size} bytes; a configuration may be at most ${MAX_CONFIG_BYTES} bytes`] };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [`${source}: not valid JSON: ${(e as Error).message}`] };
  }
  const errors: string[] = [];
  const report = (where: string, problem: string) => errors.push(`${source}: ${where}: ${problem}`);
  if (!isPlainObject(value)) {
    return { ok: false, errors: [`${source}: the configuration must be a JSON object, not ${describe(value)}`] };
  }

  const config: LockorderConfig = {};
  checkKeys(value, TOP_LEVEL_KEYS, '', report);
  if ('lockApis' in value) config.lockApis = parseLockApis(value.lockApis, report);
  if ('ignore' in value) config.ignore = parseStringList(value.ignore, 'ignore', report);
  if ('severity' in value) config.severity = parseSeverity(value.severity, report);
  if ('maxFileBytes' in value) {
    const bytes = value.maxFileBytes;
    if (typeof bytes === 'number' && Number.isSafeInteger(bytes) && bytes > 0) config.maxFileBytes = bytes;
    else report('maxFileBytes', `expected a positive whole number of bytes, got ${describe(bytes)}`);
  }
  if ('declaredOrders' in value) {
    const orders = parseStringList(value.declaredOrders, 'declaredOrders', report);
    orders.forEach((order, i) => {
      const names = order.split('->').map((n) => n.trim());
      if (names.length < 2 || names.some((n) => n === '')) {
        report(`declaredOrders[${i}]`, `expected "a -> b" (two or more lock names joined by "->"), got ${JSON.stringify(order)}`);
      }
    });
    config.declaredOrders = orders;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config };
}

/** Applies the configuration's `severity` table: a new severity, or `off` to drop the code entirely. */
export function applySeverityOverrides(findings: readonly Finding[], config: LockorderConfig): Finding[] {
  const overrides = config.severity ?? {};
  const kept: Finding[] = [];
  for (const finding of findings) {
    const setting = overrides[finding.code];
    if (setting === undefined) kept.push(finding);
    else if (setting !== 'off') kept.push(setting === finding.severity ? finding : { ...finding, severity: setting });
  }
  return kept;
}

type Reporter = (where: string, problem: string) => void;

function parseLockApis(value: unknown, report: Reporter): LockApiEntry[] {
  if (!Array.isArray(value)) {
    report('lockApis', `expected an array of { name, kind, role, lockArg?, mode? }, got ${describe(value)}`);
    return [];
  }
  const entries: LockApiEntry[] = [];
  value.forEach((item, i) => {
    const where = `lockApis[${i}]`;
    if (!isPlainObject(item)) {
      report(where, `expected an object, got ${describe(item)}`);
      return;
    }
    checkKeys(item, LOCK_API_KEYS, `${where}.`, report);
    const name = requireString(item, 'name', where, report);
    const kind = requireString(item, 'kind', where, report);
    const role = requireChoice(item, 'role', ROLES, where, report, true);
    const mode = requireChoice(item, 'mode', MODES, where, report, false);
    let lockArg: number | undefined;
    if ('lockArg' in item) {
      if (typeof item.lockArg === 'number' && Number.isSafeInteger(item.lockArg) && item.lockArg >= 0) lockArg = item.lockArg;
      else report(`${where}.lockArg`, `expected a 0-based argument index, got ${describe(item.lockArg)}`);
    }
    if (name !== undefined && kind !== undefined && role !== undefined) {
      entries.push({ name, kind, role, ...(lockArg !== undefined && { lockArg }), ...(mode !== undefined && { mode }) });
    }
  });
  return entries;
}

function parseSeverity(value: unknown, report: Reporter): Partial<Record<FindingCode, Severity | 'off'>> {
  const table: Partial<Record<FindingCode, Severity | 'off'>> = {};
  if (!isPlainObject(value)) {
    report('severity', `expected an object mapping finding codes to a severity, got ${describe(value)}`);
    return table;
  }
  for (const [code, setting] of Object.entries(value)) {
    if (!(FINDING_CODES as readonly string[]).includes(code)) {
      report(`severity.${code}`, `unknown finding code (known codes: ${FINDING_CODES.join(', ')})`);
    } else if (typeof setting !== 'string' || !SEVERITY_SETTINGS.includes(setting as Severity | 'off')) {
      report(`severity.${code}`, `expected one of ${SEVERITY_SETTINGS.join(', ')}, got ${describe(setting)}`);
    } else {
      table[code as FindingCode] = setting as Severity | 'off';
    }
  }
  return table;
}

function parseStringList(value: unknown, where: string, report: Reporter): string[] {
  if (!Array.isArray(value)) {
    report(where, `expected an array of strings, got ${describe(value)}`);
    return [];
  }
  const strings: string[] = [];
  value.forEach((item, i) => {
    if (typeof item === 'string' && item.trim() !== '') strings.push(item);
    else report(`${where}[${i}]`, `expected a non-empty string, got ${describe(item)}`);
  });
  return strings;
}

function requireString(obj: Record<string, unknown>, key: string, where: string, report: Reporter): string | undefined {
  const value = obj[key];
  if (typeof value === 'string' && value.trim() !== '') return value;
  report(`${where}.${key}`, value === undefined ? 'missing (required)' : `expected a non-empty string, got ${describe(value)}`);
  return undefined;
}

function requireChoice<T extends string>(
  obj: Record<string, unknown>,
  key: string,
  choices: readonly T[],
  where: string,
  report: Reporter,
  required: boolean,
): T | undefined {
  const value = obj[key];
  if (value === undefined && !required) return undefined;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  report(`${where}.${key}`, value === undefined ? `missing (required: one of ${choices.join(', ')})` : `expected one of ${choices.join(', ')}, got ${describe(value)}`);
  return undefined;
}

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], prefix: string, report: Reporter): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) report(`${prefix}${key}`, `unknown key (allowed: ${allowed.join(', ')})`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}
