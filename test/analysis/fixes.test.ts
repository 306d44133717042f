import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { CodeFix, examineFixes, fixesFor } from '../../server/src/analysis/fixes';
import type { Candidate, FixContext } from '../../server/src/analysis/fixes/candidate';
import { LineIndex } from '../../server/src/analysis/fixes/text';
import { Verifier } from '../../server/src/analysis/fixes/verify';
import type { Finding } from '../../server/src/analysis/findings';
import { DEFAULT_CATALOGUE } from '../../server/src/analysis/lockApis';
import { parseC } from '../../server/src/analysis/parser';
import {
  analyzeOne,
  applyFix,
  cFilesUnder,
  errorCount,
  findingIn,
  functionSpans,
  functionText,
  lockCalls,
  readRepoFile,
} from './fixHelpers';

const FIXTURES = 'test/fixtures/fixes';

function fixture(name: string): { file: string; text: string; findings: Finding[] } {
  const file = `${FIXTURES}/${name}`;
  const text = readRepoFile(file);
  return { file, text, findings: analyzeOne(file, text) };
}

function onlyFix(fixes: CodeFix[], kind: CodeFix['kind']): CodeFix {
  const ofKind = fixes.filter((f) => f.kind === kind);
  assert.equal(ofKind.length, 1, `expected one ${kind} fix, got ${JSON.stringify(fixes.map((f) => f.title))}`);
  return ofKind[0];
}

/**
 * Applies the fix for the finding in `fn`; returns the edited file and function, and what the
 * engine still reports in that function.
 */
function fixIn(name: string, code: string, fn: string, kind: CodeFix['kind']) {
  const { file, text, findings } = fixture(name);
  const fix = onlyFix(fixesFor(file, text, findingIn(findings, code, fn), analyzeOne), kind);
  const edited = applyFix(text, fix);
  const after = analyzeOne(file, edited).filter((f) => [f, ...(f.sites ?? [])].some((s) => s.function === fn));
  return { fix, edited, fnText: functionText(edited, fn), after };
}

describe('reorder fix', () => {
  it('turns abba_thread2 into the fixed example and removes the inversion', () => {
    const file = 'examples/abba/abba.c';
    const text = readRepoFile(file);
    const [inversion, ...rest] = analyzeOne(file, text);
    assert.equal(inversion.code, 'lock-order-inversion');
    assert.deepEqual(rest, []);
    const preferred = fixesFor(file, text, inversion, analyzeOne).filter((f) => f.isPreferred);
    assert.equal(preferred.length, 1);
    assert.equal(preferred[0].kind, 'reorder');
    assert.equal(preferred[0].title, 'Acquire lock1 before lock2, as in 1 other place');
    const edited = applyFix(text, preferred[0]);
    const fixed = readRepoFile('examples/abba-fixed/abba.c');
    assert.equal(functionText(edited, 'abba_thread2'), functionText(fixed, 'abba_thread2'));
    assert.equal(functionText(edited, 'abba_thread1'), functionText(text, 'abba_thread1'));
    assert.deepEqual(analyzeOne(file, edited), []);
  });

  it('moves statements with their trailing comments past comments and inert declarations', () => {
    const { fix, fnText, after } = fixIn('reorder.c', 'lock-order-inversion', 'fix_small_then_big', 'reorder');
    assert.equal(fix.title, 'Acquire big_lock before small_lock, as in 2 other places');
    assert.ok(fix.isPreferred);
    assert.equal(
      fnText,
      [
        'static int fix_small_then_big(int delta)',
        '{',
        '\tint old;',
        '',
        '\tmutex_lock(&big_lock);',
        '\t/* then the big one */',
        '\tint unused;',
        '\tmutex_lock(&small_lock); /* the small one first: wrong */',
        '\told = counter;',
        '\tcounter += delta;',
        '\tmutex_unlock(&small_lock); /* done */',
        '\tmutex_unlock(&big_lock);',
        '\treturn old;',
        '}\n',
      ].join('\n'),
    );
    assert.deepEqual(after, []);
  });

  it('swaps only the acquisitions when the outer lock is already released last', () => {
    const { fnText, after } = fixIn('reorder.c', 'lock-order-inversion', 'fix_item_then_list', 'reorder');
    assert.match(fnText, /\tspin_lock\(&list_lock\);\n\tspin_lock\(&item_lock\);\n\tcounter\+\+;\n\tspin_unlock\(&item_lock\);\n\tcounter\+\+;\n\tspin_unlock\(&list_lock\);/);
    assert.deepEqual(after, []);
  });

  it('works inside a nested block, leaving the early exit releasing both', () => {
    const { fnText, after } = fixIn('reorder.c', 'lock-order-inversion', 'fix_stat_then_cfg', 'reorder');
    assert.match(fnText, /\t\tmutex_lock\(&cfg_lock\);\n\t\tmutex_lock\(&stat_lock\);\n/);
    assert.match(fnText, /\t\tcounter = 0;\n\t\tmutex_unlock\(&stat_lock\);\n\t\tmutex_unlock\(&cfg_lock\);\n/);
    assert.deepEqual(after, []);
  });

  it('follows a declared order and names the declaration', () => {
    const { fix, fnText, after } = fixIn('declared.c', 'declared-order-violation', 'port_kick', 'reorder');
    assert.equal(fix.title, 'Acquire hub.lock before port.lock, as declared (declared.c:11)');
    assert.match(fnText, /\tspin_lock\(&hub->lock\);\n\tspin_lock\(&port->lock\);\n/);
    assert.match(fnText, /\tspin_unlock\(&port->lock\);\n\tspin_unlock\(&hub->lock\);\n/);
    assert.deepEqual(after, []);
  });

  it('is not offered when the reorder could change what the code does', () => {
    const { file, text, findings } = fixture('reorder-unsafe.c');
    const why: Record<string, string> = {};
    for (const finding of findings.filter((f) => f.function.startsWith('unsafe_'))) {
      assert.deepEqual(fixesFor(file, text, finding, analyzeOne).filter((f) => f.kind === 'reorder'), [], finding.function);
      for (const o of examineFixes(file, text, finding, analyzeOne)) if (o.outcome === 'declined' && o.kind === 'reorder') why[finding.function] = o.reason;
    }
    assert.deepEqual(why, {
      unsafe_return_between: 'jump-between',
      unsafe_goto_between: 'jump-between',
      unsafe_different_blocks: 'different-blocks',
      unsafe_code_between: 'code-between',
      unsafe_call_in_declaration: 'code-between',
      unsafe_code_between_releases: 'code-between-releases',
      unsafe_irq_context: 'irq-context-differs',
    });
  });
});

describe('release fix', () => {
  it('braces an unbraced if around the release and the return', () => {
    const { fix, fnText, after } = fixIn('unreleased.c', 'unreleased-lock', 'leak_unbraced', 'release');
    assert.equal(fix.title, 'Release `&dev->io_lock` before returning');
    assert.match(fnText, /\tif \(stop\) \{\n\t\tmutex_unlock\(&dev->io_lock\);\n\t\treturn;\n\t\}\n\tdev->state\+\+;/);
    assert.deepEqual(after, []);
  });

  it('splits a one-line if, keeping the trailing comment with the return', () => {
    const { fnText, after } = fixIn('unreleased.c', 'unreleased-lock', 'leak_one_line', 'release');
    assert.match(fnText, /\tif \(stop\) \{\n\t\tmutex_unlock\(&dev->io_lock\);\n\t\treturn ret; \/\* early \*\/\n\t\}\n/);
    assert.deepEqual(after, []);
  });

  it('passes the saved flags to spin_unlock_irqrestore', () => {
    const { fnText, after } = fixIn('unreleased.c', 'unreleased-lock', 'leak_irqsave', 'release');
    assert.match(fnText, /\t\tdev->state = -1;\n\t\tspin_unlock_irqrestore\(&dev->irq_lock, flags\);\n\t\treturn;\n/);
    assert.deepEqual(after, []);
  });

  it('releases before the closing brace when the function falls off its end', () => {
    const { fnText, after } = fixIn('unreleased.c', 'unreleased-lock', 'leak_at_end', 'release');
    assert.match(fnText, /\tdev->state\+\+;\n\tmutex_unlock\(&dev->io_lock\);\n\}\n$/);
    assert.deepEqual(after, []);
  });

  it('releases before a return in a switch case', () => {
    const { fnText, after } = fixIn('unreleased.c', 'unreleased-lock', 'leak_in_case', 'release');
    assert.match(fnText, /\tcase 1:\n\t\tmutex_unlock\(&dev->io_lock\);\n\t\treturn;\n/);
    assert.deepEqual(after, []);
  });

  it('writes CRLF line breaks into a CRLF file', () => {
    const file = `${FIXTURES}/unreleased.c`;
    const text = readRepoFile(file).replace(/\n/g, '\r\n');
    const finding = findingIn(analyzeOne(file, text), 'unreleased-lock', 'leak_unbraced');
    const edited = applyFix(text, onlyFix(fixesFor(file, text, finding, analyzeOne), 'release'));
    assert.match(edited, /\tif \(stop\) \{\r\n\t\tmutex_unlock\(&dev->io_lock\);\r\n\t\treturn;\r\n\t\}\r\n/);
    assert.doesNotMatch(edited, /[^\r]\n/);
  });

  const releaseOutcome = (fn: string) => {
    const { file, text, findings } = fixture('unreleased.c');
    const outcomes = examineFixes(file, text, findingIn(findings, 'unreleased-lock', fn), analyzeOne);
    const release = outcomes.find((o) => (o.outcome === 'declined' ? o.kind : o.fix.kind) === 'release');
    return release && (release.outcome === 'verified' ? 'verified' : `${release.outcome}: ${release.reason}`);
  };

  it('is not offered where a path may reach the return without taking the lock', () => {
    assert.equal(releaseOutcome('leak_shared_exit'), 'declined: label-between');
    assert.equal(releaseOutcome('leak_conditional'), 'declined: not-held-on-every-path');
  });

  it('has nothing to fix in a conditional lock wrapper (it takes the lock and does no work under it)', () => {
    const findings = fixture('unreleased.c').findings.filter((f) => f.function === 'dev_lock_unless_dying');
    assert.deepEqual(findings, []);
  });

  it('is not offered after a call that may release the lock', () => {
    assert.equal(releaseOutcome('leak_after_park'), 'declined: callee-may-release');
    assert.equal(releaseOutcome('leak_after_handover'), 'declined: callee-may-release');
  });

  it('is not offered when the lock is released by another name', () => {
    assert.equal(releaseOutcome('leak_through_alias'), 'declined: released-through-alias');
  });

  it('has nothing to fix where the lock is handed to the caller through an out parameter: it is no leak', () => {
    const { findings } = fixture('unreleased.c');
    assert.deepEqual(findings.filter((f) => f.function === 'dev_claim'), []);
  });

  it('is not offered after a call to a function of this file that releases the lock', () => {
    // The engine follows dev_finish_unlock() and reports nothing; a finding that missed it would
    // still get no fix.
    const { file, text } = fixture('unreleased.c');
    const lines = text.split('\n');
    const header = lines.findIndex((l) => l.startsWith('static void leak_via_helper('));
    const lineOf = (needle: string) => header + lines.slice(header).findIndex((l) => l.includes(needle));
    const at = (line: number, needle: string) => {
      const character = lines[line].indexOf(needle);
      return { start: { line, character }, end: { line, character: character + needle.length } };
    };
    const taken = at(lineOf('mutex_lock('), 'mutex_lock(&dev->io_lock)');
    const finding: Finding = {
      code: 'unreleased-lock',
      severity: 'warning',
      message: 'test',
      file,
      range: at(lineOf('return;'), 'return;'),
      function: 'leak_via_helper',
      locks: ['dev.io_lock'],
      related: [{ file, range: taken, function: 'leak_via_helper', message: 'taken here' }],
      detail: { kind: 'unreleased', lockText: 'dev->io_lock', releaseCall: 'mutex_unlock' },
    };
    const release = examineFixes(file, text, finding, analyzeOne).find((o) => o.outcome === 'declined' && o.kind === 'release');
    assert.deepEqual(release, { outcome: 'declined', kind: 'release', reason: 'callee-may-release' });
  });

  it('is rejected when a path to the return released the lock already', () => {
    assert.equal(releaseOutcome('leak_partly_released'), 'rejected: new-finding');
  });
});

describe('matching-release fix', () => {
  it('switches to _irqrestore with the flags of the acquisition', () => {
    const { fix, fnText, after } = fixIn('mismatch.c', 'mismatched-unlock', 'ring_push', 'matching-release');
    assert.equal(fix.title, 'Release with `spin_unlock_irqrestore`');
    assert.match(fnText, /\tspin_unlock_irqrestore\(&ring->lock, flags\);\n/);
    assert.deepEqual(after, []);
  });

  it('renames the call when the arguments stay', () => {
    assert.match(fixIn('mismatch.c', 'mismatched-unlock', 'ring_reset', 'matching-release').fnText, /\tspin_unlock_bh\(&ring->lock\);\n/);
    assert.match(fixIn('mismatch.c', 'mismatched-unlock', 'ring_lookup', 'matching-release').fnText, /\tread_unlock\(&ring->table_lock\);\n/);
  });

  const irqText = [
    'void f(spinlock_t *l, unsigned long flags)',
    '{',
    '\tspin_lock_irq(l);',
    '\tspin_unlock_irqrestore(l, flags);',
    '}',
    '',
  ].join('\n');
  const mismatchAt = (line: number, from: number, to: number, expectedRelease: string, related: Finding['related'] = []): Finding => {
    const range = { start: { line, character: from }, end: { line, character: to } };
    return {
      code: 'mismatched-unlock',
      severity: 'warning',
      message: 'test',
      file: 'f.c',
      range,
      function: 'f',
      locks: ['l'],
      related,
      detail: { kind: 'mismatch', expectedRelease, releaseRange: range, calleeRange: range },
    };
  };

  it('drops the flags when leaving _irqrestore', () => {
    const fix = onlyFix(fixesFor('f.c', irqText, mismatchAt(3, 1, 33, 'spin_unlock_irq'), analyzeOne), 'matching-release');
    assert.equal(applyFix(irqText, fix).split('\n')[3], '\tspin_unlock_irq(l);');
  });

  it('is not offered when the flags cannot be found', () => {
    // The release names the lock through an alias, so no irqsave acquisition of `lock` is seen.
    const text = [
      'void f(struct dev *dev)',
      '{',
      '\tspinlock_t *lock = &dev->lock;',
      '\tunsigned long flags;',
      '\tspin_lock_irqsave(&dev->lock, flags);',
      '\tspin_unlock(lock);',
      '}',
      '',
    ].join('\n');
    const outcomes = examineFixes('f.c', text, mismatchAt(5, 1, 18, 'spin_unlock_irqrestore'), analyzeOne);
    assert.deepEqual(
      outcomes.filter((o) => o.outcome === 'declined'),
      [{ outcome: 'declined', kind: 'matching-release', reason: 'flags-unknown' }],
    );
  });

  it('has nothing to fix in hand-over-hand code that passes the context from lock to lock: it is no mismatch', () => {
    // The irqsave/_bh state taken with one lock is restored with the release of the next (__mod_timer, t3_l2t_update).
    const { findings } = fixture('mismatch.c');
    assert.deepEqual(findings.filter((f) => f.function.startsWith('ring_handover')), []);
  });

  it('has nothing to fix when a flag says which release pairs with which acquisition', () => {
    // `retry` is set to constants and guards the lock calls, so each release is followed on its own path.
    const { findings } = fixture('mismatch.c');
    assert.deepEqual(findings.filter((f) => f.function === 'ring_scan'), []);
  });
});

describe('ignore fix', () => {
  it('appends the directive to the finding line', () => {
    const { fix, edited, after } = fixIn('mismatch.c', 'mismatched-unlock', 'ring_reset', 'ignore');
    assert.equal(fix.isPreferred, false);
    assert.match(edited, /\tspin_unlock\(&ring->lock\); \/\* lockorder-ignore: mismatched-unlock \*\/\n/);
    assert.deepEqual(after, []);
  });

  it('puts the directive on its own line when the line ends in a comment', () => {
    const { edited, after } = fixIn('ignore.c', 'mismatched-unlock', 'node_clear', 'ignore');
    assert.match(edited, /\tn->value = 0;\n\t\/\* lockorder-ignore: mismatched-unlock \*\/\n\tspin_unlock_bh\(&n->lock\); \/\* bottom halves/);
    assert.deepEqual(after, []);
  });

  it('silences an inversion at its primary site', () => {
    const { edited, after } = fixIn('reorder.c', 'lock-order-inversion', 'fix_small_then_big', 'ignore');
    assert.match(edited, /\tmutex_lock\(&big_lock\); \/\* lockorder-ignore: lock-order-inversion \*\/\n/);
    assert.deepEqual(after, []);
  });
});

describe('verification', () => {
  const text = readRepoFile('examples/abba/abba.c');
  const file = 'examples/abba/abba.c';
  const root = parseC(text).rootNode;
  const ctx: FixContext = { file, text, lines: new LineIndex(text), root, catalogue: DEFAULT_CATALOGUE };
  const thread2 = root.descendantsOfType('function_definition').find((f) => f.text.includes('abba_thread2'))!;
  const candidate = (edits: CodeFix['edits'], change: Partial<Candidate> = {}): Candidate => ({
    fix: { title: 't', isPreferred: false, kind: 'reorder', edits },
    fn: thread2,
    removedCalls: [],
    addedCalls: [],
    stillReported: () => false,
    ...change,
  });
  const at = (line: number, from: number, to = from) => ({ start: { line, character: from }, end: { line, character: to } });
  const verdict = (c: Candidate) => {
    const v = new Verifier(ctx, analyzeOne).verify(c);
    return v.ok ? 'ok' : v.reason;
  };

  it('accepts a harmless edit inside the function', () => {
    assert.equal(verdict(candidate([{ range: at(28, 1), newText: '/* x */ ' }])), 'ok');
  });

  it('rejects an edit outside the function', () => {
    assert.equal(verdict(candidate([{ range: at(12, 0), newText: '/* x */\n' }])), 'changed-outside-function');
  });

  it('rejects an edit that breaks the parse', () => {
    assert.equal(verdict(candidate([{ range: at(28, 1), newText: 'if ( ' }])), 'more-syntax-errors');
  });

  it('rejects an edit that drops a lock call it did not announce', () => {
    assert.equal(verdict(candidate([{ range: at(30, 1, 22), newText: ';' }])), 'lock-calls-changed');
  });

  it('rejects a fix whose finding remains', () => {
    assert.equal(verdict(candidate([], { stillReported: () => true })), 'finding-remains');
  });

  it('rejects overlapping edits', () => {
    assert.equal(verdict(candidate([{ range: at(28, 1, 5), newText: 'a' }, { range: at(28, 3, 8), newText: 'b' }])), 'overlapping-edits');
  });
});

/**
 * Every fix offered on every C file of the fixtures and examples, checked independently of the
 * verifier: the parse is no worse, the lock calls change only as the fix kind allows, the finding
 * is gone from the function, and nothing outside that function changed.
 */
describe('every offered fix, on every fixture', () => {
  const files = cFilesUnder('test/fixtures', 'examples');
  let offered = 0;
  const kinds = new Set<string>();

  for (const file of files) {
    it(file, () => {
      const text = readRepoFile(file);
      const before = analyzeOne(file, text);
      for (const finding of before) {
        for (const fix of fixesFor(file, text, finding, analyzeOne)) {
          offered++;
          kinds.add(fix.kind);
          checkFix(file, text, before, finding, fix);
        }
      }
    });
  }

  it('covered every kind of fix', () => {
    assert.ok(offered >= 25, `only ${offered} fixes offered`);
    assert.deepEqual([...kinds].sort(), ['ignore', 'matching-release', 'release', 'reorder']);
  });
});

function checkFix(file: string, text: string, before: Finding[], finding: Finding, fix: CodeFix): void {
  const label = `${fix.kind} for ${finding.code} in ${finding.function}()`;
  const edited = applyFix(text, fix);
  assert.ok(errorCount(edited) <= errorCount(text), `${label}: parse got worse`);

  const firstLine = Math.min(...fix.edits.map((e) => e.range.start.line));
  const lastLine = Math.max(...fix.edits.map((e) => e.range.end.line));
  const fn = functionSpans(text).find((s) => s.startLine <= firstLine && lastLine <= s.endLine);
  assert.ok(fn, `${label}: edits outside any function`);
  const lines = text.split('\n');
  const editedLines = edited.split('\n');
  const tail = lines.length - fn.endLine;
  assert.deepEqual(editedLines.slice(0, fn.startLine), lines.slice(0, fn.startLine), `${label}: changed before the function`);
  assert.deepEqual(editedLines.slice(editedLines.length - tail), lines.slice(lines.length - tail), `${label}: changed after the function`);

  const was = lockCalls(text);
  const now = lockCalls(edited);
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  if (fix.kind === 'reorder' || fix.kind === 'ignore') assert.deepEqual(now, was, `${label}: lock calls changed`);
  if (fix.kind === 'release') assert.equal(total(now), total(was) + 1, `${label}: not exactly one release more`);
  if (fix.kind === 'matching-release') {
    assert.equal(total(now), total(was), `${label}: lock call count changed`);
    const changed = [...new Set([...was.keys(), ...now.keys()])].filter((k) => was.get(k) !== now.get(k));
    assert.equal(changed.length, 2, `${label}: more than one call changed: ${changed.join(' ')}`);
  }

  const inFunction = (findings: Finding[]) =>
    findings.filter(
      (f) =>
        f.code === finding.code &&
        [...f.locks].sort().join() === [...finding.locks].sort().join() &&
        [f, ...(f.sites ?? [])].some((s) => s.file === file && s.function === fn.name),
    ).length;
  const after = analyzeOne(file, edited);
  assert.ok(inFunction(after) < inFunction(before), `${label}: finding still reported in ${fn.name}()`);
}
