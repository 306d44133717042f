/**
 * Benchmark, not a test: parses a synthetic kernel log of about 5 MB (every sample report,
 * interleaved with ordinary driver messages) and prints the time.
 *   node out/test/analysis/lockdep/lockdepParse.bench.js [megabytes]
 */
import { parseLockdepReport } from '../../../server/src/analysis/lockdep';
import { fixture, fixtureNames } from './helpers';

function syntheticLog(targetBytes: number): string {
  const reports = fixtureNames().map(fixture);
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < targetBytes; i++) {
    const seconds = (i * 0.0371).toFixed(6).padStart(12);
    for (let n = 0; n < 40; n++) {
      const noise = `[${seconds}] snd_port snd_port.${n % 4}: period elapsed, hw_ptr=${i * 40 + n} avail=${(n * 97) % 4096}\n`;
      parts.push(noise);
      size += noise.length;
    }
    const report = reports[i % reports.length];
    parts.push(report);
    size += report.length;
  }
  return parts.join('');
}

const megabytes = Number(process.argv[2] ?? 5);
const log = syntheticLog(megabytes * 1024 * 1024);
const times: number[] = [];
let splats = 0;
let edges = 0;
for (let run = 0; run < 7; run++) {
  const start = process.hrtime.bigint();
  const result = parseLockdepReport(log, { maxBytes: 64 * 1024 * 1024 });
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  if (!result.ok) throw new Error(result.error.message);
  splats = result.splats.length;
  edges = result.splats.reduce((sum, s) => sum + s.edges.length, 0);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const mb = log.length / 1024 / 1024;
console.log(
  `lockdep parse: ${mb.toFixed(1)} MB, ${log.split('\n').length} lines, ${splats} reports, ${edges} edges: ` +
    `median ${median.toFixed(0)} ms (min ${times[0].toFixed(0)}, max ${times[times.length - 1].toFixed(0)}), ` +
    `${(mb / (median / 1000)).toFixed(1)} MB/s`,
);
