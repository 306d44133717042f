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
// Failures the workbench reports without ever calling codeAutomationExit.
const hopeless = /No extension host found that can launch the test runner|Cannot load test runner/;

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

/** Splits the workbench's log into mocha's report (printed live) and everything else (kept). */
function createReportFilter() {
  const transcript = [];
  let inReport = false;
  let sawReport = false;
  let counts;
  return {
    transcript,
    get sawReport() { return sawReport; },
    get counts() { return counts; },
    line(source, level, text) {
      transcript.push(`[${source}:${level}] ${text}`);
      if (text === reportBegin) {
        inReport = sawReport = true;
      } else if (reportEnd.test(text)) {
        inReport = false;
        const [, passed, failed] = reportEnd.exec(text).map(Number);
        counts = { passed, failed };
      } else if (inReport && source === 'workbench') {
        console.log(text);
      }
    },
  };
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
  // The exit code is the authority; the report's own count is a cross-check.
  passed = code === 0 && (report.counts === undefined || report.counts.failed === 0);
  if (!report.sawReport) {
    // Not our harness (or it died before mocha started): show everything that came back.
    console.log(report.transcript.join('\n'));
  }
  if (code !== 0) console.error(`e2e (code-server): the test runner exited with code ${code}`);
} catch (err) {
  console.error(`e2e (code-server): ${err.message}`);
} finally {
  limit.cancel();
  mkdirSync(dirname(options.log), { recursive: true });
  writeFileSync(options.log, report.transcript.join('\n') + '\n');
  if (!passed) console.error(`e2e (code-server): FAILED; the whole workbench log is in ${options.log}`);
}
process.exit(passed ? 0 : 1);
