/**
 * `lockorder`: arguments → configuration → files → engine → report → exit status.
 *
 * Everything the run touches in the process (cwd, environment, the two streams) comes in through
 * `CliIo`, so the whole command can be driven from a test. Stdout carries only the report; every
 * message, skip notice, progress and the summary go to stderr.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applySeverityOverrides, CONFIG_FILE_NAME, DEFAULT_MAX_FILE_BYTES, parseConfig, type LockorderConfig } from '../config';
import { renderGraphHtml, type GraphAssets } from '../report/htmlReport';
import { parseArgs, USAGE, type CliOptions } from './args';
import { collectFiles } from './collectFiles';
import { runEngine, type AnalysisResult, type EngineResult, type SourceFile } from './engineBoundary';
import { EXIT_CLEAN, EXIT_USAGE_OR_INPUT, exitCodeFor } from './exitCode';
import { compileGlobs } from './glob';
import { formatJson } from './formatJson';
import { formatSarif } from './formatSarif';
import { formatSummary, formatText } from './formatText';
import { formatLockdepSummary, readLockdepReports } from './lockdepReports';
import { phaseClock, TIMINGS_VARIABLE, type PhaseClock } from './phaseTimes';
import { packageRoot, toolVersion } from './toolInfo';

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: OutputStream;
  stderr: OutputStream;
}

type Render = (result: AnalysisResult) => string;
type Engine = (...args: Parameters<typeof runEngine>) => EngineResult | Promise<EngineResult>;

/** Show progress only where someone is watching and the wait is long enough to wonder. */
const PROGRESS_MIN_FILES = 200;
/** Redrawing for every file of a kernel tree would cost more than the reading. */
const PROGRESS_EVERY = 16;

/** Runs the command and returns its exit status. Never throws. Tests pass their own `engine`. */
export async function main(argv: readonly string[], io: CliIo, engine: Engine = runEngine): Promise<number> {
  try {
    return await run(argv, io, engine);
  } catch (e) {
    io.stderr.write(`lockorder: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT_USAGE_OR_INPUT;
  }
}

/** The entry point `bin/lockorder.js` calls. */
export function runFromProcess(): void {
  // `lockorder … | head` closes the pipe early; that is not an error worth a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? EXIT_CLEAN);
    throw e;
  });
  void main(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
  }).then((status) => {
    process.exitCode = status;
  });
}

async function run(argv: readonly string[], io: CliIo, engine: Engine): Promise<number> {
  const parsed = parseArgs(argv);
  switch (parsed.kind) {
    case 'help':
      io.stdout.write(USAGE);
      return EXIT_CLEAN;
    case 'version':
      io.stdout.write(`lockorder ${toolVersion()}\n`);
      return EXIT_CLEAN;
    case 'usage':
      io.stderr.write(`lockorder: ${parsed.message}\nTry 'lockorder --help' for more information.\n`);
      return EXIT_USAGE_OR_INPUT;
  }
  const options = parsed.options;
  const inputError = (messages: readonly string[]) => {
    for (const message of messages) io.stderr.write(`lockorder: ${message}\n`);
    return EXIT_USAGE_OR_INPUT;
  };

  // Everything that can be wrong with the request is checked before the (possibly long) analysis.
  const render = chooseRenderer(options, io);
  if (typeof render === 'string') return inputError([render]);
  const loaded = loadConfig(options.config, io.cwd);
  if (!loaded.ok) return inputError(loaded.errors);
  const config = loaded.config;
  const badLockdep = options.lockdepFiles.flatMap((file) => {
    const problem = regularFileProblem(path.resolve(io.cwd, file));
    return problem === undefined ? [] : [`cannot read lockdep report ${file}: ${problem}`];
  });
  if (badLockdep.length > 0) return inputError(badLockdep);
  const lockdep = readLockdepReports(options.lockdepFiles, io.cwd);
  if (!lockdep.ok) return inputError(lockdep.errors);
  for (const note of lockdep.notes) io.stderr.write(`lockorder: ${note}\n`);

  let skipped = 0;
  let progressOnScreen = false;
  // The progress line is erased before anything else is written to stderr.
  const clearProgress = () => {
    if (progressOnScreen) io.stderr.write('\r\x1b[K');
    progressOnScreen = false;
  };
  const clock = phaseClock(io.env[TIMINGS_VARIABLE] ? io.stderr : undefined);
  const phaseEnded: PhaseClock = (phase) => {
    clearProgress();
    clock(phase);
  };
  const onSkip = (file: string, reason: string) => {
    skipped++;
    clearProgress();
    io.stderr.write(`lockorder: skipping ${file}: ${reason}\n`);
  };
  const collected = collectFiles(options.paths, {
    cwd: io.cwd,
    maxFileBytes: config.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    isIgnored: compileGlobs(config.ignore ?? []),
    onSkip,
  });
  if (collected.inputErrors.length > 0) return inputError(collected.inputErrors);
  phaseEnded('files');

  // The engine reads the files, on every core when there are many.
  const sources: SourceFile[] = collected.files.map((file, i) => ({ file, path: path.resolve(io.cwd, file), bytes: collected.bytes[i] }));
  const showProgress = io.stderr.isTTY === true && sources.length > PROGRESS_MIN_FILES;
  const onProgress = (done: number, total: number) => {
    if (done % PROGRESS_EVERY !== 0 && done !== total) return;
    io.stderr.write(`\r[${done}/${total}] files`);
    progressOnScreen = true;
  };
  const raw = await engine(sources, config, options.jobs, lockdep.reports, phaseEnded, showProgress ? onProgress : undefined);
  for (const { file, reason } of raw.skipped ?? []) onSkip(file, reason);
  if (raw.lockdep) io.stderr.write(formatLockdepSummary(raw.lockdep));
  const result: AnalysisResult = { findings: applySeverityOverrides(raw.findings, config), graph: raw.graph, skipped: raw.skipped };
  const report = render(result);
  if (options.output === undefined) {
    io.stdout.write(report);
  } else {
    try {
      fs.writeFileSync(path.resolve(io.cwd, options.output), report);
    } catch (e) {
      return inputError([`cannot write ${options.output}: ${(e as Error).message}`]);
    }
  }
  phaseEnded('report');
  io.stderr.write(`${formatSummary(result.findings, raw.filesRead ?? sources.length, skipped)}\n`);
  return exitCodeFor(result.findings, options.failOn);
}

function chooseRenderer(options: CliOptions, io: CliIo): Render | string {
  switch (options.format) {
    case 'text': {
      const color = options.color && options.output === undefined && io.stdout.isTTY === true && !io.env.NO_COLOR;
      return (result) => formatText(result, { color });
    }
    case 'json':
      return (result) => formatJson(result, toolVersion());
    case 'sarif':
      return (result) => formatSarif(result, { cwd: io.cwd, toolVersion: toolVersion() });
    case 'html':
      return htmlRenderer(options.paths);
  }
}

/**
 * The HTML report is the graph page (built separately into out/webview/) with the graph inlined, so
 * its assets are read here, before the analysis, and their absence is a clear error.
 */
function htmlRenderer(paths: readonly string[]): Render | string {
  const assetsDir = path.join(packageRoot(), 'out', 'webview');
  let assets: GraphAssets;
  try {
    assets = {
      script: fs.readFileSync(path.join(assetsDir, 'graph.js'), 'utf8'),
      css: fs.readFileSync(path.join(assetsDir, 'graph.css'), 'utf8'),
    };
  } catch (e) {
    return `html format not available: ${(e as Error).message} (the graph page is built by scripts/build-webview.mjs)`;
  }
  return (result) => renderGraphHtml(result.graph, assets, { title: `Lock order: ${paths.join(' ')}` });
}

type LoadedConfig = { ok: true; config: LockorderConfig } | { ok: false; errors: string[] };

/** `--config FILE` must exist; without it, `.lockorder.json` in the working directory is used if present. */
function loadConfig(explicit: string | undefined, cwd: string): LoadedConfig {
  const file = explicit ?? CONFIG_FILE_NAME;
  const absolute = path.resolve(cwd, file);
  if (explicit === undefined && !fs.existsSync(absolute)) return { ok: true, config: {} };
  const problem = regularFileProblem(absolute);
  if (problem !== undefined) return { ok: false, errors: [`cannot read config ${file}: ${problem}`] };
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch (e) {
    return { ok: false, errors: [`cannot read config ${file}: ${(e as Error).message}`] };
  }
  return parseConfig(text, file);
}

/** Why `file` cannot be read as a regular file, or undefined if it can (devices and FIFOs never end). */
function regularFileProblem(file: string): string | undefined {
  try {
    const stats = fs.statSync(file);
    if (!stats.isFile()) return stats.isDirectory() ? 'is a directory' : 'not a regular file';
    fs.accessSync(file, fs.constants.R_OK);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
  }
}
