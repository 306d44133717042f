#!/usr/bin/env node
// Runs an extension's mocha suite inside code-server's extension host (a real VS Code workbench in
// headless Chromium) and exits 0 when it passed, 1 when it failed, timed out or could not start.
//
//   node scripts/e2e/run-code-server.mjs --extension <dir> --tests <index.js> --workspace <dir>
//        [--timeout <seconds>] [--grep <mocha pattern>] [--log <file>]
//
// How the result comes back: the workbench, when given an extensionTestsPath, calls
// window.codeAutomationExit(code) once the runner's run() settled, and forwards every log entry
// (the extension host's console included) to window.codeAutomationLog. See workbench.mjs.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchBrowser } from './browser.mjs';
import { startCodeServer } from './code-server.mjs';
import { exposeTestHooks, workbenchUrl } from './workbench.mjs';
import './lifetime.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const usage = 'usage: run-code-server.mjs --extension <dir> --tests <index.js> --workspace <dir> [--timeout s] [--grep re] [--log file]';

// Marker lines printed by test/e2e/index.ts around mocha's report.
const reportBegin = 'lockorder-e2e: report begins';
const reportEnd = /^lockorder-e2e: report ends: (\d+) passed, (\d+) failed/;
// A failure the workbench only shows as a notification, never calling codeAutomationExit.
const hopeless = /No extension host found that can launch the test runner/;

function parseOptions() {
  const { values } = parseArgs({
    options: {
      extension: { type: 'string' },
      tests: { type: 'string' },
      workspace: { type: 'string' },
      timeout: { type: 'string', default: '300' },
      grep: { type: 'string' },
      log: { type: 'string', default: join(repoRoot, 'out/e2e-logs/code-server-last-run.log') },
    },
  });
  const problems = [];
  if (!values.extension || !existsSync(join(values.extension, 'package.json'))) problems.push('--extension must be a directory with a package.json');
  if (!values.tests || !existsSync(values.tests)) problems.push('--tests must name an existing compiled test index');
  if (!values.workspace || !existsSync(values.workspace)) problems.push('--workspace must be an existing directory');
  if (!(Number(values.timeout) > 0)) problems.push('--timeout must be a positive number of seconds');
  if (problems.length) {
    console.error([...problems, usage].join('\n'));
    process.exit(2);
  }
  return values;
}

/**
 * Splits the workbench's log into mocha's report (printed live), the errors that follow it (such
 * as the reason run() rejected, printed), and everything else (kept for the log file).
 */
function createReportFilter() {
  const transcript = [];
  let phase = 'before'; // → 'report' → 'after'
  let counts;
  return {
    transcript,
    get sawReport() { return phase !== 'before'; },
    get counts() { return counts; },
    line(source, level, text) {
      transcript.push(`[${source}:${level}] ${text}`);
      if (source !== 'workbench') return;
      if (text === reportBegin) {
        phase = 'report';
      } else if (reportEnd.test(text)) {
        phase = 'after';
        const [, passed, failed] = reportEnd.exec(text).map(Number);
        counts = { passed, failed };
      } else if (phase === 'report') {
        console.log(text);
      } else if (phase === 'after' && level === 'error') {
        console.error(text);
      }
    },
  };
}

/**
 * The workbench's exit code alone is not enough: when a remote extension host dies (a crash, or
 * process.exit in a test) the workbench reports code 0. So a pass also needs the harness's closing
 * line, with at least one test and no failure.
 */
function judge(code, report) {
  const verdict = (ok, why) => {
    if (!ok) console.error(`e2e (code-server): ${why}`);
    return ok;
  };
  if (code !== 0) return verdict(false, `the test runner exited with code ${code}`);
  if (!report.sawReport) return verdict(false, 'the suite never started (is --tests the compiled test/e2e/index.js?)');
  if (!report.counts) return verdict(false, 'the extension host ended before the suite finished');
  if (report.counts.failed > 0) return verdict(false, `${report.counts.failed} test(s) failed`);
  return verdict(report.counts.passed > 0, 'no test ran');
}

function deadline(ms, what) {
  let timer;
  const promise = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  promise.catch(() => {}); // raced later; must not count as unhandled before that
  return { promise, cancel: () => clearTimeout(timer) };
}

async function runSuite(options, report, timeLimit) {
  const server = await startCodeServer({ env: options.grep ? { LOCKORDER_E2E_GREP: options.grep } : {} });
  let browser;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage();
    const { exitCode } = await exposeTestHooks(page, (level, text) => report.line('workbench', level, text));
    const failFast = new Promise((_, reject) => {
      page.on('console', (message) => {
        report.line('page', message.type(), message.text());
        if (hopeless.test(message.text())) reject(new Error(message.text()));
      });
      page.on('crash', () => reject(new Error('the workbench page crashed')));
    });
    failFast.catch(() => {}); // may reject after the race is decided, while closing
    await page.goto(
      workbenchUrl(server.url, {
        folder: resolve(options.workspace),
        extensionDevelopmentPath: resolve(options.extension),
        extensionTestsPath: resolve(options.tests),
      }),
    );
    return await Promise.race([exitCode, failFast, timeLimit]);
  } catch (err) {
    report.line('runner', 'error', `${err.message}\n--- code-server log (tail) ---\n${server.logTail()}`);
    throw err;
  } finally {
    await browser?.close();
    await server.stop();
  }
}

const options = parseOptions();
const report = createReportFilter();
const limit = deadline(Number(options.timeout) * 1000, 'the e2e suite');
let passed = false;
try {
  const code = await runSuite(options, report, limit.promise);
  if (!report.sawReport) {
    // The harness never started mocha: show what the workbench logged (the page's console repeats
    // the same entries, so it stays in the log file only).
    console.log(report.transcript.filter((line) => !line.startsWith('[page:')).join('\n'));
  }
  passed = judge(code, report);
} catch (err) {
  console.error(`e2e (code-server): ${err.message}`);
} finally {
  limit.cancel();
  mkdirSync(dirname(options.log), { recursive: true });
  writeFileSync(options.log, report.transcript.join('\n') + '\n');
  if (!passed) console.error(`e2e (code-server): FAILED; the whole workbench log is in ${options.log}`);
}
process.exit(passed ? 0 : 1);
