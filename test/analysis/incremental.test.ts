/**
 * The incremental API the language server drives: files are set, replaced and removed one at a time
 * in a LockProgram, and each analyze() must equal what a fresh analysis of the same files gives.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { Finding } from '../../server/src/analysis/findings';
import { LockProgram, factsOf } from '../../server/src/analysis/program';
import { fixture } from './engineHelpers';

const HEADER = fixture('incremental/journal.h');
const COMMIT = fixture('incremental/commit.c');
const HANDLE = fixture('incremental/handle.c');
/** handle.c with the journal lock taken first: the same file key, fixed text. */
const HANDLE_FIXED = { file: HANDLE.file, text: fixture('incremental/handle_fixed.c').text };

function programOf(...inputs: { file: string; text: string }[]): LockProgram {
  const program = new LockProgram();
  for (const { file, text } of inputs) program.setFile(factsOf(file, text));
  return program;
}

/** Every file a finding is shown in: its own and those of its sites. */
function filesShowing(findings: Finding[]): string[] {
  return [...new Set(findings.flatMap((f) => [f.file, ...(f.sites ?? []).map((s) => s.file)]))].sort();
}

function edgeIds(program: LockProgram): string[] {
  return [...program.analyze().graph.edges()].map((e) => `${e.from} -> ${e.to}`).sort();
}

describe('incremental analysis', () => {
  it('reports the cross-file inversion in both files', () => {
    const { findings } = programOf(HEADER, COMMIT, HANDLE).analyze();
    assert.deepEqual(findings.map((f) => f.code), ['lock-order-inversion']);
    assert.deepEqual(filesShowing(findings), [COMMIT.file, HANDLE.file]);
  });

  it('drops the inversion from both files when one file is replaced by a fixed version', () => {
    const program = programOf(HEADER, COMMIT, HANDLE);
    assert.equal(program.analyze().findings.length, 1);
    program.setFile(factsOf(HANDLE_FIXED.file, HANDLE_FIXED.text));
    const after = program.analyze();
    assert.deepEqual(after.findings, []);
    assert.deepEqual(after.cycles, []);
    assert.deepEqual(
      [...after.graph.edges()].map((e) => `${e.from} -> ${e.to} @ ${e.sites.map((s) => s.function).sort().join(',')}`),
      ['journal.j_state_lock -> transaction.t_handle_lock @ handle_start,journal_commit'],
    );
    // And back: putting the bug in again brings the inversion back.
    program.setFile(factsOf(HANDLE.file, HANDLE.text));
    assert.deepEqual(filesShowing(program.analyze().findings), [COMMIT.file, HANDLE.file]);
  });

  it('keeps the finding objects of a cycle whose sites did not change, and builds anew those of one whose sites did', () => {
    const unrelated = { file: 'unrelated.c', text: 'void unrelated(void)\n{\n}\n' };
    const program = programOf(HEADER, COMMIT, HANDLE, unrelated);
    const [before] = program.analyze().findings;
    program.setFile(factsOf(unrelated.file, 'void unrelated(void)\n{\n\tcount++;\n}\n'));
    assert.equal(program.analyze().findings[0], before, 'the same object');
    // A line added at the top of handle.c moves its site of the cycle.
    const moved = { file: HANDLE.file, text: `\n${HANDLE.text}` };
    program.setFile(factsOf(moved.file, moved.text));
    const after = program.analyze().findings;
    assert.notEqual(after[0], before);
    assert.deepEqual(after, programOf(HEADER, COMMIT, moved, unrelated).analyze().findings);
  });

  it('finds the cycles of a component again when an edit adds or removes one of its orders, and keeps them otherwise', () => {
    const locks = ['a', 'b', 'c'].map((l) => `static DEFINE_SPINLOCK(${l});`).join('\n');
    const nested = (name: string, outer: string, inner: string) =>
      `void ${name}(void) { spin_lock(&${outer}); spin_lock(&${inner}); spin_unlock(&${inner}); spin_unlock(&${outer}); }`;
    const versions = [
      // a → b → c → a: one cycle of three.
      [locks, nested('ab', 'a', 'b'), nested('bc', 'b', 'c'), nested('ca', 'c', 'a'), ''],
      // The same orders one line lower: the same component, the same cycle.
      ['', locks, nested('ab', 'a', 'b'), nested('bc', 'b', 'c'), nested('ca', 'c', 'a'), ''],
      // b → a too: a second, shorter cycle in the same component.
      ['', locks, nested('ab', 'a', 'b'), nested('bc', 'b', 'c'), nested('ca', 'c', 'a'), nested('ba', 'b', 'a'), ''],
      // c → a gone: only a ⇄ b is left.
      ['', locks, nested('ab', 'a', 'b'), nested('bc', 'b', 'c'), nested('ba', 'b', 'a'), ''],
    ].map((lines) => ({ file: 'cycles.c', text: lines.join('\n') }));
    const program = new LockProgram();
    const counts: number[] = [];
    for (const version of versions) {
      program.setFile(factsOf(version.file, version.text));
      const kept = program.analyze();
      const fresh = programOf(version).analyze();
      assert.deepEqual(kept.cycles, fresh.cycles, version.text);
      assert.deepEqual(kept.findings, fresh.findings, version.text);
      counts.push(kept.cycles.length);
    }
    assert.deepEqual(counts, [1, 1, 2, 1]);
  });

  it('drops a removed file’s edges and the findings they made', () => {
    const program = programOf(HEADER, COMMIT, HANDLE);
    assert.deepEqual(edgeIds(program), ['journal.j_state_lock -> transaction.t_handle_lock', 'transaction.t_handle_lock -> journal.j_state_lock']);
    program.removeFile(HANDLE.file);
    assert.deepEqual(program.fileNames().sort(), [COMMIT.file, HEADER.file].sort());
    assert.deepEqual(edgeIds(program), ['journal.j_state_lock -> transaction.t_handle_lock']);
    assert.deepEqual(program.analyze().findings, []);
  });

  it('still names the classes from the typed parameters after the header is removed', () => {
    const program = programOf(HEADER, COMMIT, HANDLE);
    program.removeFile(HEADER.file);
    assert.deepEqual(program.analyze().findings.map((f) => f.locks.slice().sort().join()), ['journal.j_state_lock,transaction.t_handle_lock']);
  });

  it('re-analyses unchanged callers when a callee in another file changes', () => {
    const header = fixture('codes/cross/blkdev.h');
    const program = programOf(header, fixture('codes/cross/genhd.c'), fixture('codes/cross/bdev.c'));
    assert.deepEqual(program.analyze().findings.map((f) => f.function).sort(), ['bdev_release']);
    // bdev_lock() stops locking: both its callers lose the bd_mutex, and the cycle is gone.
    const lockless = header.text.replace('\tmutex_lock(&bdev->bd_mutex);\n', '').replace('\tmutex_unlock(&bdev->bd_mutex);\n', '');
    assert.notEqual(lockless, header.text);
    program.setFile(factsOf(header.file, lockless));
    assert.deepEqual(program.analyze().findings, []);
    assert.deepEqual(edgeIds(program), []);
    program.setFile(factsOf(header.file, header.text));
    assert.equal(program.analyze().findings.length, 1);
  });

  it('re-reads the types when a header replaced by the editor changes them, and only then', () => {
    const header = 'typedef struct dev dev_t;\nstruct dev { spinlock_t lock; };\nstruct other { spinlock_t lock; };\n';
    const body = (first: string, second: string) => `\tspin_lock(&${first}->lock);\n\tspin_lock(&${second}->lock);\n\tspin_unlock(&${second}->lock);\n\tspin_unlock(&${first}->lock);\n`;
    const code = `#include "dev.h"\nvoid f(dev_t *d, struct other *o)\n{\n${body('d', 'o')}}\nvoid g(dev_t *d, struct other *o)\n{\n${body('o', 'd')}}\n`;
    const program = new LockProgram();
    program.setFile(factsOf('dev.h', header));
    program.setFile(factsOf('a.c', code));
    const locks = () => program.analyze().findings.map((f) => `${f.code} ${f.locks.join()}`);
    assert.deepEqual(locks(), ['lock-order-inversion dev.lock,other.lock']);
    const types = program.typeTable();
    // Moved down a line, same types: the table stands.
    program.setFile(factsOf('dev.h', `\n${header}`));
    assert.deepEqual(locks(), ['lock-order-inversion dev.lock,other.lock']);
    assert.equal(program.typeTable(), types);
    // `dev_t` now names the other struct: both functions take two `other` locks; a.c did not change.
    program.setFile(factsOf('dev.h', header.replace('typedef struct dev dev_t', 'typedef struct other dev_t')));
    assert.deepEqual(locks(), ['lock-order-inversion other.lock', 'lock-order-inversion other.lock']);
    assert.notEqual(program.typeTable(), types);
  });

  it('returns equal findings when re-analysing with nothing changed, or with a file set again unchanged', () => {
    const program = programOf(HEADER, COMMIT, HANDLE);
    const first = program.analyze().findings;
    assert.deepEqual(program.analyze().findings, first);
    program.setFile(factsOf(COMMIT.file, COMMIT.text));
    assert.deepEqual(program.analyze().findings, first);
  });

  it('gives the same result as a fresh program after any sequence of edits', () => {
    const program = programOf(HEADER, COMMIT, HANDLE);
    program.analyze();
    program.setFile(factsOf(HANDLE_FIXED.file, HANDLE_FIXED.text));
    program.analyze();
    program.removeFile(COMMIT.file);
    program.analyze();
    program.setFile(factsOf(COMMIT.file, COMMIT.text));
    program.setFile(factsOf(HANDLE.file, HANDLE.text));
    assert.deepEqual(program.analyze().findings, programOf(HEADER, COMMIT, HANDLE).analyze().findings);
  });
});
