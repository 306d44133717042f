/**
 * `LOCKORDER_TIMINGS=1`: how long each phase of a run took, on stderr, for finding where the time
 * of a large run goes. CPU time is the whole process's (worker threads included), so during
 * extraction it may exceed the wall time.
 */

/** Called as each phase ends, with the phase's name. */
export type PhaseClock = (phase: string) => void;

export const TIMINGS_VARIABLE = 'LOCKORDER_TIMINGS';

/** A clock that writes one line per phase to `stderr`, or does nothing without one. */
export function phaseClock(stderr: { write(text: string): unknown } | undefined): PhaseClock {
  if (!stderr) return () => {};
  let wallAt = performance.now();
  let cpuAt = process.cpuUsage();
  return (phase) => {
    const wall = (performance.now() - wallAt) / 1000;
    const cpu = process.cpuUsage(cpuAt);
    stderr.write(`lockorder: timing: ${phase} ${wall.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s cpu\n`);
    wallAt = performance.now();
    cpuAt = process.cpuUsage();
  };
}
