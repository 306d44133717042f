/**
 * Lock references cross from the engine worker to the main thread packed into numbers; hover looks
 * them up there. Packing must lose nothing: every range, class and kind, in order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReferencePacker, unpackReferences, type AnalysisSnapshot, type LockReference } from '../../server/src/lsp/engine/messages';
import { LockIndex } from '../../server/src/lsp/lockIndex';

const range = (line: number, from: number, endLine: number, to: number) => ({ start: { line, character: from }, end: { line: endLine, character: to } });

const REFERENCES: LockReference[] = [
  { range: range(3, 1, 3, 20), cls: 'dev.lock', kind: 'spinlock' },
  { range: range(7, 8, 7, 30), cls: 'dev.cfg_mutex', kind: 'mutex' },
  { range: range(7, 20, 7, 29), cls: 'dev.lock', kind: 'spinlock' },
  { range: range(12, 0, 14, 2), cls: 'big_a', kind: 'spinlock' },
  { range: range(70000, 4, 70000, 17), cls: 'dev.cfg_mutex', kind: 'mutex' },
];

function packed(refs: LockReference[]) {
  const packer = new ReferencePacker();
  for (const r of refs) packer.add(r.range, r.cls, r.kind);
  return packer.pack();
}

describe('packed lock references', () => {
  it('unpack to the references added, in order, each class and kind named once', () => {
    const refs = packed(REFERENCES);
    assert.deepEqual([...unpackReferences(refs)], REFERENCES);
    assert.deepEqual(refs.classes, ['dev.lock', 'dev.cfg_mutex', 'big_a']);
    assert.deepEqual(refs.kinds, ['spinlock', 'mutex']);
    assert.deepEqual([...unpackReferences(packed([]))], []);
  });

  it('survive the copy to another thread', () => {
    assert.deepEqual([...unpackReferences(structuredClone(packed(REFERENCES)))], REFERENCES);
  });

  it('give hover the innermost reference at a position', () => {
    const uri = 'file:///tmp/packed.c';
    const snapshot: AnalysisSnapshot = { generation: 1, findings: [], declaredOrders: [], references: { [uri]: packed(REFERENCES) }, locks: {}, fileCount: 1, lockdep: {} };
    const index = new LockIndex(snapshot);
    assert.equal(index.referenceAt(uri, { line: 7, character: 10 })?.cls, 'dev.cfg_mutex');
    assert.deepEqual(index.referenceAt(uri, { line: 7, character: 22 }), REFERENCES[2]);
    assert.equal(index.referenceAt(uri, { line: 13, character: 50 })?.cls, 'big_a');
    assert.equal(index.referenceAt(uri, { line: 70000, character: 5 })?.kind, 'mutex');
    assert.equal(index.referenceAt(uri, { line: 5, character: 0 }), undefined);
    assert.equal(index.referenceAt('file:///tmp/other.c', { line: 3, character: 2 }), undefined);
  });
});
