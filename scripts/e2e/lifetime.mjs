// Everything the e2e runners start must die with them: on success, on failure, on Ctrl-C and on
// SIGTERM. Each started process is the leader of its own process group (spawned `detached`), so one
// signal to the negative pid reaches its children too (code-server forks an extension host and a
// pty host).

const groups = new Set();
const cleanups = [];

/** Remembers a detached child's process group so that it is killed when this process exits. */
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
  cleanups.push(cleanup);
  return () => cleanups.splice(cleanups.indexOf(cleanup), 1);
}

// 'exit' handlers must be synchronous: SIGKILL whatever is still registered.
process.on('exit', () => {
  for (const pid of groups) signalGroup(pid, 'SIGKILL');
});

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.on(signal, async () => {
    console.error(`e2e: ${signal}, stopping what was started`);
    await Promise.allSettled(cleanups.map((cleanup) => cleanup()));
    process.exit(code);
  });
}
