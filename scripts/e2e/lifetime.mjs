// Everything the e2e runners start must die with them: on success, on failure, on Ctrl-C and on
// SIGTERM. Each started server is the leader of its own process group (spawned `detached`), so one
// signal to the negative pid also reaches what it forked (code-server's extension host and pty
// host). Chromium is playwright's: it kills the browser on 'exit' by itself.

const groups = new Set();
const cleanups = new Set();
const cleanupGraceMs = 5_000;

/** Remembers a detached child's process group, to be killed if this process exits first. */
export function ownProcessGroup(pid) {
  groups.add(pid);
  return () => groups.delete(pid);
}

/** Signals a whole process group; a group that is already gone is not an error. */
export function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (err) {
    if (err.code === 'ESRCH') return false;
    throw err;
  }
}

/** Registers async cleanup (closing a browser, stopping a server) to run on SIGINT/SIGTERM. */
export function onInterrupt(cleanup) {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

// 'exit' handlers must be synchronous: SIGKILL whatever is still registered.
process.on('exit', () => {
  for (const pid of groups) signalGroup(pid, 'SIGKILL');
});

let interrupted = false;
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.on(signal, async () => {
    if (interrupted) process.exit(code); // a second signal: stop waiting, 'exit' still kills
    interrupted = true;
    console.error(`e2e: ${signal}, stopping what was started`);
    const grace = new Promise((resolve) => setTimeout(resolve, cleanupGraceMs).unref());
    await Promise.race([Promise.allSettled([...cleanups].map((cleanup) => cleanup())), grace]);
    process.exit(code);
  });
}
