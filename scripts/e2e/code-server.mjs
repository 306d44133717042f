// Starts and stops one code-server (the VS Code workbench served to a browser) for a test run.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ownProcessGroup, signalGroup } from './lifetime.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Installs code-server into the cache if needed (a no-op when already there); returns its directory. */
export function ensureCodeServer() {
  const setup = spawnSync('bash', [join(repoRoot, 'scripts/setup-code-server.sh')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (setup.status !== 0) throw new Error('scripts/setup-code-server.sh failed');
  return setup.stdout.trim().split('\n').pop();
}

// Any gallery request goes to the discard port on loopback and is refused at once.
const offlineGallery = JSON.stringify({
  serviceUrl: 'http://127.0.0.1:9/gallery',
  itemUrl: 'http://127.0.0.1:9/item',
  resourceUrlTemplate: 'http://127.0.0.1:9/resource/{publisher}/{name}/{version}/{path}',
});

// A workbench that does not reach out, recommend, or open welcome pages over the editor under test.
const quietSettings = {
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
};

/**
 * Starts code-server on 127.0.0.1 with a free port, no auth and fresh profile directories, and
 * resolves once its HTTP server answers. `env` is added to the server's environment, which the
 * extension host inherits.
 */
export async function startCodeServer({ env = {}, startTimeoutMs = 60_000 } = {}) {
  const installDir = ensureCodeServer();
  const scratch = mkdtempSync(join(tmpdir(), 'lockorder-code-server-'));
  const userDataDir = join(scratch, 'user-data');
  const extensionsDir = join(scratch, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir);
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(quietSettings, null, 2));
  // An explicit config file keeps code-server from writing one into ~/.config.
  const configFile = join(scratch, 'config.yaml');
  writeFileSync(configFile, 'auth: none\n');
  const logFile = join(scratch, 'code-server.log');
  const log = createWriteStream(logFile);

  const child = spawn(
    process.execPath,
    [
      join(installDir, 'entry.js'),
      '--config', configFile,
      '--bind-addr', '127.0.0.1:0', // the port is read back from the server's log
      '--auth', 'none',
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
    ],
    {
      detached: true, // own process group, see lifetime.mjs
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, EXTENSIONS_GALLERY: offlineGallery, ...env },
    },
  );
  const disown = ownProcessGroup(child.pid);
  child.stderr.pipe(log);

  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })));
  const server = {
    pid: child.pid,
    url: undefined,
    userDataDir,
    extensionsDir,
    logFile,
    /** The last lines code-server logged, for failure reports. */
    logTail(lines = 40) {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    },
    async stop() {
      if (signalGroup(child.pid, 'SIGTERM')) {
        const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }
      // The leader is gone; make sure no forked extension host outlives it.
      signalGroup(child.pid, 'SIGKILL');
      disown();
      log.end();
      rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
    },
  };

  try {
    server.url = await waitForListening(child, log, exited, startTimeoutMs);
    await waitForHealthy(server.url, exited, startTimeoutMs);
    return server;
  } catch (err) {
    const tail = server.logTail();
    await server.stop();
    throw new Error(`${err.message}\n--- code-server log ---\n${tail}`);
  }
}

/** Resolves with the base URL from code-server's "HTTP server listening on ..." line. */
function waitForListening(child, log, exited, timeoutMs) {
  return new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not listen within ${timeoutMs} ms`)), timeoutMs);
    let pending = '';
    child.stdout.on('data', (chunk) => {
      log.write(chunk);
      pending += chunk;
      const match = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(pending);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited early (code ${code}, signal ${signal})`));
    });
  });
}

/** Polls /healthz until the server answers, the process dies, or time runs out. */
async function waitForHealthy(baseUrl, exited, timeoutMs) {
  let dead = false;
  exited.then(() => (dead = true));
  const deadline = Date.now() + timeoutMs;
  for (let delay = 20; !dead && Date.now() < deadline; delay = Math.min(delay * 2, 500)) {
    try {
      const response = await fetch(new URL('healthz', baseUrl));
      if (response.ok) return;
    } catch {
      // not accepting connections yet
    }
    await new Promise((r) => setTimeout(r, delay));
  }
  throw new Error(dead ? 'code-server exited while starting' : `code-server not healthy within ${timeoutMs} ms`);
}
