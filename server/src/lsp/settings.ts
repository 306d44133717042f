/**
 * The `lockorder.*` editor settings, as the server reads them through `workspace/configuration`.
 * Each setting is checked with the same validator as the `.lockorder.json` file the CLI reads, one
 * setting at a time: a mistake in one (say a malformed lock API entry) is reported and that setting
 * falls back to its default, while the others still apply.
 */
import { FINDING_CODES, type FindingCode, type Severity } from '../analysis/findings';
import { DEFAULT_MAX_FILE_BYTES, parseConfig, type LockApiEntry, type LockorderConfig } from '../config';

/** What the analysis itself depends on; the engine worker gets these. */
export interface EngineSettings {
  lockApis: LockApiEntry[];
  declaredOrders: string[];
  ignore: string[];
  maxFileBytes: number;
  /**
   * Quiet time after a keystroke before the document is re-analysed. 0: as soon as the engine is
   * idle; keystrokes that arrive while it works are taken together into the next analysis.
   */
  debounceMs: number;
}

/** A severity setting: `default` keeps the engine's own choice (quieter for uncertain findings). */
export type SeveritySetting = Severity | 'off' | 'default';

export interface ServerSettings {
  engine: EngineSettings;
  /** Only the codes whose setting is not `default`. */
  severity: Partial<Record<FindingCode, Severity | 'off'>>;
  /** Publish diagnostics for every analysed file, not only the open ones. */
  workspaceDiagnostics: boolean;
}

/**
 * Latency is counted from the keystroke: a wait of its own would add to every one. Coalescing the
 * keystrokes that arrive during an analysis is what keeps fast typing from queueing analyses.
 */
export const DEFAULT_DEBOUNCE_MS = 0;
const MAX_DEBOUNCE_MS = 10_000;

export const DEFAULT_SETTINGS: ServerSettings = {
  engine: { lockApis: [], declaredOrders: [], ignore: [], maxFileBytes: DEFAULT_MAX_FILE_BYTES, debounceMs: DEFAULT_DEBOUNCE_MS },
  severity: {},
  workspaceDiagnostics: false,
};

/**
 * Turns the `lockorder` section (nested objects, as VS Code returns dotted keys) into settings.
 * Never throws; every problem goes to `report` as one line naming the setting.
 */
export function readSettings(section: unknown, report: (problem: string) => void): ServerSettings {
  const raw = isObject(section) ? section : {};
  const checked = <K extends keyof LockorderConfig>(key: K): LockorderConfig[K] | undefined => {
    if (raw[key] === undefined || raw[key] === null) return undefined;
    const result = parseConfig(JSON.stringify({ [key]: raw[key] }), 'settings');
    if (result.ok) return result.config[key];
    for (const error of result.errors) report(`${error.replace(/^settings: /, 'lockorder.')} (using the default)`);
    return undefined;
  };
  const defaults = DEFAULT_SETTINGS.engine;
  return {
    engine: {
      lockApis: checked('lockApis') ?? defaults.lockApis,
      declaredOrders: checked('declaredOrders') ?? defaults.declaredOrders,
      ignore: checked('ignore') ?? defaults.ignore,
      maxFileBytes: checked('maxFileBytes') ?? defaults.maxFileBytes,
      debounceMs: readDebounce(raw.debounceMs, report),
    },
    severity: readSeverity(raw.severity, report),
    workspaceDiagnostics: isObject(raw.diagnostics) && raw.diagnostics.workspace === true,
  };
}

function readSeverity(value: unknown, report: (problem: string) => void): ServerSettings['severity'] {
  if (!isObject(value)) return {};
  const explicit: Record<string, unknown> = {};
  for (const code of FINDING_CODES) {
    if (value[code] !== undefined && value[code] !== 'default') explicit[code] = value[code];
  }
  const result = parseConfig(JSON.stringify({ severity: explicit }), 'settings');
  if (result.ok) return result.config.severity ?? {};
  for (const error of result.errors) report(`${error.replace(/^settings: /, 'lockorder.')} (using the default)`);
  return {};
}

function readDebounce(value: unknown, report: (problem: string) => void): number {
  if (value === undefined || value === null) return DEFAULT_DEBOUNCE_MS;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_DEBOUNCE_MS) return value;
  report(`lockorder.debounceMs: expected a whole number of milliseconds from 0 to ${MAX_DEBOUNCE_MS}, got ${JSON.stringify(value)} (using the default)`);
  return DEFAULT_DEBOUNCE_MS;
}

/** Whether a change of settings means every file must be read and extracted again. */
export function needsReindex(before: EngineSettings, after: EngineSettings): boolean {
  return (
    JSON.stringify(before.lockApis) !== JSON.stringify(after.lockApis) ||
    JSON.stringify(before.ignore) !== JSON.stringify(after.ignore) ||
    before.maxFileBytes !== after.maxFileBytes
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
