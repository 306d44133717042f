// The extension-host side of the e2e suite. VS Code loads this module (extensionTestsPath) inside
// the extension host, next to the extension under test, and awaits run(): resolving means the suite
// passed. Every compiled `*.e2e.js` under suite/ is a mocha file (bdd: describe/it).
//
// The runner (scripts/e2e/run-code-server.mjs) receives the extension host's console through the
// workbench; the two marker lines let it tell mocha's report apart from the workbench's own log.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

// scripts/e2e/run-code-server.mjs looks for exactly these lines.
const reportBegin = 'lockorder-e2e: report begins';
const reportEnd = 'lockorder-e2e: report ends';

function findSuiteFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.e2e.js'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: 20_000,
    grep: process.env.LOCKORDER_E2E_GREP,
  });
  const suiteDir = path.join(__dirname, 'suite');
  const files = findSuiteFiles(suiteDir);
  if (files.length === 0) throw new Error(`no *.e2e.js files under ${suiteDir}`);
  for (const file of files) mocha.addFile(file);

  console.log(reportBegin);
  const stats = await new Promise<Mocha.Stats | undefined>((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats));
  });
  console.log(`${reportEnd}: ${stats?.passes ?? 0} passed, ${stats?.failures ?? 0} failed`);
  if (!stats || stats.failures > 0) throw new Error(`${stats?.failures ?? 'all'} e2e test(s) failed`);
  if (stats.passes === 0) throw new Error('no e2e test ran (check --grep)');
}
