import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DEFAULT_MAX_BYTES, parseLockdepReport, type LockdepReport } from '../../../server/src/analysis/lockdep';
import type { Range } from '../../../server/src/analysis/sites';
import { fixture, fixtureNames, lineOf, parseOk, textAt } from './helpers';

const REPORT_FIXTURES = fixtureNames().filter((n) => !n.startsWith('proc-'));

describe('size limit', () => {
  it('refuses input over the limit with an error result', () => {
    const result = parseLockdepReport('x'.repeat(101), { maxBytes: 100 });
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.error.code === 'too-large');
    assert.match(!result.ok ? result.error.message : '', /100 bytes/);
    assert.ok(parseLockdepReport('x'.repeat(100), { maxBytes: 100 }).ok);
  });

  it('counts UTF-8 bytes, not characters', () => {
    const result = parseLockdepReport('é'.repeat(60), { maxBytes: 100 });
    assert.ok(!result.ok && result.error.code === 'too-large');
  });

  it('defaults to 8 MiB', () => {
    assert.equal(DEFAULT_MAX_BYTES, 8 * 1024 * 1024);
    const result = parseLockdepReport('\n'.repeat(DEFAULT_MAX_BYTES + 1));
    assert.ok(!result.ok && result.error.code === 'too-large');
    assert.match(!result.ok ? result.error.message : '', /8 MiB/);
  });
});

describe('bad input', () => {
  it('reports binary input instead of parsing it', () => {
    const elf = '\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0' + 'WARNING: possible recursive locking detected';
    const result = parseLockdepReport(elf);
    assert.ok(!result.ok && result.error.code === 'binary');
    const noise = Array.from({ length: 2000 }, (_, i) => String.fromCharCode((i * 7919) % 32)).join('');
    assert.ok(!parseLockdepReport(noise.replace(/\0/g, '\x01')).ok);
  });

  it('does not throw on a non-string from JavaScript callers', () => {
    const result = parseLockdepReport(undefined as unknown as string);
    assert.ok(!result.ok && result.error.code === 'binary');
  });

  it('returns nothing for empty and unrelated text', () => {
    for (const text of ['', '\n', '\r\n\r\n', 'hello\nworld', '[    1.000000] Booting Linux\n']) {
      assert.deepEqual(parseLockdepReport(text), { ok: true, splats: [], classes: [], chains: [] }, JSON.stringify(text));
    }
  });

  it('survives every truncation of every sample, flagging reports cut before their backtrace', () => {
    for (const name of REPORT_FIXTURES) {
      const lines = fixture(name).split('\n');
      const backtraceLabel = lines.findIndex((l) => l.includes('stack backtrace:'));
      const backtraceFrame = lines.findIndex((l, i) => i > backtraceLabel && /\+0x|\.c:\d/.test(l));
      for (let cut = 0; cut <= lines.length; cut++) {
        const report = parseOk(lines.slice(0, cut).join('\n'));
        assert.ok(report.splats.length <= 1, `${name} cut at ${cut}`);
        if (report.splats.length === 1) {
          assert.equal(report.splats[0].truncated, cut <= backtraceFrame, `${name} cut at ${cut}`);
          assertRangesInside(report, lines.slice(0, cut).join('\n'));
        }
      }
    }
  });

  it('survives random damage to every sample', () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (const name of fixtureNames()) {
      const original = fixture(name);
      for (let round = 0; round < 60; round++) {
        const chars = [...original];
        for (let edit = 0; edit < 25; edit++) {
          const at = random(chars.length);
          const kind = random(3);
          if (kind === 0) chars.splice(at, random(40));
          else if (kind === 1) chars.splice(at, 0, '(){}[]<>#/-:+\n '[random(15)]);
          else chars[at] = String.fromCharCode(32 + random(95));
        }
        const text = chars.join('');
        const result = parseLockdepReport(text);
        assert.ok(result.ok, `${name} round ${round}`);
        assertRangesInside(result, text);
      }
    }
  });
});

describe('logs as people paste them', () => {
  it('finds every report of a log holding all of them, in order', () => {
    const log = REPORT_FIXTURES.map(fixture).join('');
    const report = parseOk(log);
    const kinds = REPORT_FIXTURES.map((n) => parseOk(fixture(n)).splats[0].kind);
    assert.deepEqual(report.splats.map((s) => s.kind), kinds);
    assert.ok(report.splats.every((s) => !s.truncated));
  });

  it('reads syslog and journal prefixes, log levels and CRLF line ends', () => {
    const dmesg = fixture('recursive.dmesg.txt').split('\n');
    const syslog = dmesg.map((l) => 'Mar  4 09:12:01 testbox kernel: ' + l).join('\r\n');
    const journal = dmesg.map((l) => '2024-03-04T09:12:01.123456+01:00 testbox kernel: <4>' + l).join('\n');
    for (const text of [syslog, journal]) {
      const splat = parseOk(text).splats[0];
      assert.equal(splat.kind, 'recursive');
      assert.equal(splat.heldLocks.length, 2);
      assert.equal(splat.acquiring && textAt(text.replace(/\r/g, ''), splat.acquiring.range), '&foo->mutex');
      assert.deepEqual(splat.edges.map((e) => e.held.name.raw), ['&dev->mutex', '&foo->mutex']);
    }
  });

  it('skips lines other CPUs print in the middle of a report', () => {
    const text = fixture('circular.dmesg.txt').replace(
      '[   12.345701]        foo_dev_create_node',
      '[   12.345700] snd_port snd_port.0: xrun on port 1\n[   12.345701]        foo_dev_create_node',
    );
    const splat = parseOk(text).splats[0];
    assert.equal(splat.chain[1].frames.length, 9);
    assert.equal(splat.chain[1].frames[2].function, 'foo_dev_create_node');
    assert.equal(splat.edges.length, 5);
  });

  it('ends a report cut short by the log, and still finds the next one', () => {
    const circular = fixture('circular-syzbot.txt').split('\n');
    const cut = circular.slice(0, circular.findIndex((l) => l.startsWith('-> #0'))).join('\n');
    const noise = Array.from({ length: 200 }, (_, i) => `usb 1-1: reset high-speed USB device number ${i}`).join('\n');
    const text = `${cut}\n${noise}\n${fixture('bad-unlock.dmesg.txt')}`;
    const report = parseOk(text);
    assert.deepEqual(report.splats.map((s) => [s.kind, s.truncated]), [
      ['circular', true],
      ['bad-unlock', false],
    ]);
    const truncated = report.splats[0];
    assert.equal(truncated.endLine, lineOf(text, 'entry_SYSCALL_64_after_hwframe'), 'it ends with its last frame');
    assert.ok(truncated.endLine < lineOf(text, 'device number 0'), 'unrelated lines are not part of it');
    assert.deepEqual(truncated.chain.map((e) => e.index), [1]);
    // The header still proves the pair being taken now; half a chain adds no edge.
    assert.deepEqual(truncated.edges.map((e) => [e.evidence, e.held.name.raw, e.taken.name.raw, e.frames.length]), [
      ['held-while-acquiring', '&snd->open_mutex', 'lock1', 0],
    ]);
  });
});

function assertRangesInside(report: LockdepReport, text: string): void {
  const lines = text.split('\n');
  const check = (range: Range): void => {
    assert.ok(range.start.line >= 0 && range.start.line < lines.length, JSON.stringify(range));
    assert.ok(range.start.character >= 0 && range.end.character <= lines[range.start.line].length, JSON.stringify(range));
    assert.ok(range.start.character <= range.end.character);
  };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      if ('start' in o && 'end' in o && typeof (o.start as Range['start']).line === 'number') check(o as unknown as Range);
      else Object.values(o).forEach(visit);
    }
  };
  visit(report);
}
