/**
 * What the engine worker sends after a keystroke: findings that did not change go by id alone (the
 * main thread keeps them), those that did come in full, and together they are a fresh analysis.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeTexts } from '../../server/src/analysis/program';
import type { FromEngine, SnapshotMessage } from '../../server/src/lsp/engine/messages';
import { EngineSession } from '../../server/src/lsp/engine/session';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';

const SOURCE = [
  'static DEFINE_SPINLOCK(a);',
  'static DEFINE_SPINLOCK(b);',
  'static DEFINE_MUTEX(c);',
  'static DEFINE_MUTEX(d);',
  'void a_then_b(void) { spin_lock(&a); spin_lock(&b); spin_unlock(&b); spin_unlock(&a); }',
  'void b_then_a(void) { spin_lock(&b); spin_lock(&a); spin_unlock(&a); spin_unlock(&b); }',
  'void c_then_d(void) { mutex_lock(&c); mutex_lock(&d); mutex_unlock(&d); mutex_unlock(&c); }',
  'void d_then_c(void) { mutex_lock(&d); mutex_lock(&c); mutex_unlock(&c); mutex_unlock(&d); }',
  '',
].join('\n');

/** A session with `text` open, its first snapshot, and a way to wait for the next one. */
function sessionOf(uri: string, text: string): { session: EngineSession; first: Promise<SnapshotMessage>; next: () => Promise<SnapshotMessage> } {
  let waiting: ((snapshot: SnapshotMessage) => void) | undefined;
  const session = new EngineSession((message: FromEngine) => {
    if (message.type === 'snapshot') waiting?.(message.snapshot);
    if (message.type === 'log' && message.level === 'error') assert.fail(message.message);
  });
  const next = () => new Promise<SnapshotMessage>((resolve) => (waiting = resolve));
  session.handle({ type: 'configure', settings: { ...DEFAULT_SETTINGS.engine, debounceMs: 0 } });
  const first = next();
  session.handle({ type: 'open', uri, version: 1, text, language: 'c' });
  return { session, first, next };
}

describe('engine snapshots', () => {
  it('name the locks of an edited document where a fresh session does, after lines are added twice and a release renamed', async () => {
    const uri = 'file:///tmp/lockorder-snapshots/refs.c';
    const { session, first, next } = sessionOf(uri, SOURCE);
    await first;
    const edits = [
      { range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }, text: '\n\n' },
      // Every function below moves again: its locks are where both moves put them.
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' },
      // `spin_unlock(&a)` in b_then_a becomes `spin_unlock(&b)`.
      { range: { start: { line: 8, character: 65 }, end: { line: 8, character: 66 } }, text: 'b' },
    ];
    let text = SOURCE;
    for (const [i, change] of edits.entries()) {
      const snapshot = next();
      session.handle({ type: 'change', uri, version: i + 2, changes: [change] });
      const lines = text.split('\n');
      const { line, character } = change.range.start;
      lines[line] = `${lines[line].slice(0, character)}${change.text}${lines[line].slice(change.range.end.character)}`;
      text = lines.join('\n');
      const edited = await snapshot;
      assert.deepEqual(edited.references, (await sessionOf(uri, text).first).references, `after edit ${i + 1}:\n${text}`);
    }
    assert.match(text.split('\n')[8], /spin_lock\(&a\); spin_unlock\(&b\)/);
  });

  it('send the findings of an edit in full and the others by id', async () => {
    const uri = 'file:///tmp/lockorder-snapshots/two.c';
    const opened = sessionOf(uri, SOURCE);
    const { session, next } = opened;
    const first = await opened.first;
    assert.equal(first.findings.length, 2);
    assert.ok(first.findings.every((e) => e.finding !== undefined), 'the first snapshot sends every finding');
    const [ab, cd] = first.findings;
    assert.deepEqual(ab.finding!.locks, ['a', 'b']);
    assert.deepEqual(cd.finding!.locks, ['c', 'd']);

    // A space before `mutex_lock(&d)` in c_then_d moves one site of the c/d cycle only.
    const line = 6;
    const column = SOURCE.split('\n')[line].indexOf('mutex_lock(&d)');
    const snapshot = next();
    session.handle({ type: 'change', uri, version: 2, changes: [{ range: { start: { line, character: column }, end: { line, character: column } }, text: ' ' }] });
    const second = await snapshot;
    const text = SOURCE.split('\n').map((l, i) => (i === line ? `${l.slice(0, column)} ${l.slice(column)}` : l)).join('\n');
    const fresh = analyzeTexts([{ file: uri, text }]).findings;
    assert.deepEqual(second.findings[0], { id: ab.id }, 'the a/b finding goes by its id alone');
    assert.notEqual(second.findings[1].id, cd.id);
    assert.deepEqual(second.findings[1].finding, fresh[1], 'the c/d finding comes anew, as a fresh analysis has it');
    assert.deepEqual(ab.finding, fresh[0], 'and the kept one is still what a fresh analysis gives');
  });
});
