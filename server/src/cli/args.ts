/**
 * The command line, parsed without a library. Long options take their value either as the next
 * argument or after `=`; `--` ends the options. Parsing never exits: the caller turns a `usage`
 * result into exit code 2.
 */

export const OUTPUT_FORMATS = ['text', 'json', 'sarif', 'html'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const FAIL_ON_LEVELS = ['error', 'warning', 'never'] as const;
export type FailOn = (typeof FAIL_ON_LEVELS)[number];

export interface CliOptions {
  format: OutputFormat;
  /** Where the report goes; stdout when absent. */
  output?: string;
  config?: string;
  failOn: FailOn;
  /** lockdep reports (`/proc/lockdep` dumps or splats) whose edges are merged into the graph. */
  lockdepFiles: string[];
  /** Accepted so scripts can pass it already; the engine is single-threaded for now. */
  jobs?: number;
  color: boolean;
  paths: string[];
}

export type ParsedArgs =
  | { kind: 'run'; options: CliOptions }
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'usage'; message: string };

export const USAGE = `Usage: lockorder [options] PATH...

Finds lock-ordering bugs in C sources. Each PATH is a file or a directory; directories are
searched for .c and .h files.

Options:
  --format text|json|sarif|html  report format (default: text)
  -o, --output FILE              write the report to FILE instead of stdout
  --config FILE                  configuration file (default: ./.lockorder.json if present)
  --fail-on error|warning|never  exit with status 1 when a finding is at least this severe
                                 (default: warning, so that CI fails on warnings too)
  --lockdep FILE                 merge lock-order edges from a lockdep report (repeatable)
  --jobs N                       threads that parse and extract (default: one per core, at most 8)
  --no-color                     never colour the text report (NO_COLOR is honoured too)
  -h, --help                     show this help
  --version                      show the version

Exit status: 0 no finding at or above --fail-on, 1 some finding at or above it,
2 usage or input error (bad option or configuration, missing PATH, unwritable output).
`;

type ValueOption = 'format' | 'output' | 'config' | 'fail-on' | 'lockdep' | 'jobs';

const VALUE_OPTIONS: Record<string, ValueOption> = {
  '--format': 'format',
  '-o': 'output',
  '--output': 'output',
  '--config': 'config',
  '--fail-on': 'fail-on',
  '--lockdep': 'lockdep',
  '--jobs': 'jobs',
};

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const options: CliOptions = { format: 'text', failOn: 'warning', lockdepFiles: [], color: true, paths: [] };
  let wantsHelp = false;
  let wantsVersion = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      options.paths.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      options.paths.push(arg);
      continue;
    }
    if (arg === '-h' || arg === '--help') {
      wantsHelp = true;
      continue;
    }
    if (arg === '--version') {
      wantsVersion = true;
      continue;
    }
    if (arg === '--no-color') {
      options.color = false;
      continue;
    }

    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const option = VALUE_OPTIONS[flag];
    if (option === undefined) return usage(`unknown option '${flag}'`);
    let value: string;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else if (i + 1 < argv.length) {
      value = argv[++i];
    } else {
      return usage(`option '${flag}' needs a value`);
    }
    if (value === '') return usage(`option '${flag}' needs a non-empty value`);

    const problem = applyValue(options, option, flag, value);
    if (problem !== undefined) return usage(problem);
  }

  if (wantsHelp) return { kind: 'help' };
  if (wantsVersion) return { kind: 'version' };
  if (options.paths.length === 0) return usage('no PATH given');
  return { kind: 'run', options };
}

function applyValue(options: CliOptions, option: ValueOption, flag: string, value: string): string | undefined {
  switch (option) {
    case 'format':
      if (!isOneOf(OUTPUT_FORMATS, value)) return `invalid ${flag} '${value}' (expected ${OUTPUT_FORMATS.join(', ')})`;
      options.format = value;
      return undefined;
    case 'fail-on':
      if (!isOneOf(FAIL_ON_LEVELS, value)) return `invalid ${flag} '${value}' (expected ${FAIL_ON_LEVELS.join(', ')})`;
      options.failOn = value;
      return undefined;
    case 'jobs': {
      const jobs = /^[0-9]+$/.test(value) ? Number(value) : NaN;
      if (!(jobs >= 1 && jobs <= 1024)) return `invalid ${flag} '${value}' (expected a whole number from 1 to 1024)`;
      options.jobs = jobs;
      return undefined;
    }
    case 'output':
      options.output = value;
      return undefined;
    case 'config':
      options.config = value;
      return undefined;
    case 'lockdep':
      options.lockdepFiles.push(value);
      return undefined;
  }
}

function isOneOf<T extends string>(choices: readonly T[], value: string): value is T {
  return (choices as readonly string[]).includes(value);
}

function usage(message: string): ParsedArgs {
  return { kind: 'usage', message };
}
