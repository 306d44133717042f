/**
 * One lock named two ways: through a pointer local set to an access path and through the path
 * itself (`inode = n->inode` … `n->inode->i_lock`, `cxt = &the_ctx` … `the_ctx.lock`). Each case is
 * quiet on its fixture and loud where a small edit makes the two names two objects, or drops a release.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyseEdited, analyseFixtures } from './engineHelpers';

const file = 'precision/pointer_aliases.c';

describe('precision: a pointer local and the path it was set from name one lock', () => {
  const result = analyseFixtures(file);

  it("a callee's release through its local (`inode = n->inode`) releases the caller's `n->inode->i_lock`", () => {
    assert.deepEqual(result.in('xnode_drop'), [], result.describe());
    const unlink = result.analysis.functions.find((f) => f.fn.name === 'xnode_unlink_inode')!.result.summary;
    assert.deepEqual(unlink.releasesOnEntry.map((l) => `${l.expr.text}:${l.paramIndex}:${l.cls.id}`).sort(), ['n->inode->i_lock:0:xinode.i_lock', 'n->lock:0:xnode.lock']);
    const kept = analyseEdited(file, ['\tspin_unlock(&inode->i_lock);\n\txinode_put(inode);', '\txinode_put(inode);']);
    assert.match(kept.one('unreleased-lock', 'xnode_drop').message, /xinode\.i_lock/);
  });

  it('a global taken through a local set to its address is released by its own name', () => {
    assert.deepEqual(result.in('xreg_register'), [], result.describe());
    const leaked = analyseEdited(file, ['\txreg_cxt.info = NULL;\n\tmutex_unlock(&xreg_cxt.info_lock);', '\txreg_cxt.info = NULL;']);
    // The global's own class, as when it is named directly.
    assert.match(leaked.one('unreleased-lock', 'xreg_register').message, /`xreg_cxt\.info_lock`/);
  });

  it('a lock taken through the path is released through a local set to it afterwards', () => {
    assert.deepEqual(result.in('xsec_add'), [], result.describe());
    // The release through `sec` is the one the other paths make: a path that skips it leaks.
    const early = analyseEdited(file, ['\t\terr = -EBUSY;\n\t\tgoto out;', '\t\treturn -EBUSY;']);
    assert.match(early.one('unreleased-lock', 'xsec_add').message, /still held/);
  });

  it('a local still equal to the field it was read from (`buf == of->prealloc_buf`) takes the same branch as the test that locked', () => {
    assert.deepEqual(result.in('xof_read'), [], result.describe());
    const other = analyseEdited(file, ['\tif (buf == of->prealloc_buf)', '\tif (buf == of->other_buf)']);
    assert.ok(other.of('unreleased-lock', 'xof_read').length > 0, other.describe());
  });

  it('a pointer through which a lock is held is not NULL: the put after the loop always runs', () => {
    assert.deepEqual(result.in('xbusy_clear'), [], result.describe());
    const unput = analyseEdited(file, ['\tif (pag)\n\t\txbusy_put_pag(pag);\n}', '\tif (pag && agno != 0)\n\t\txbusy_put_pag(pag);\n}']);
    assert.ok(unput.of('unreleased-lock', 'xbusy_clear').length > 0, unput.describe());
  });

  it('a local set through a parameter the function reassigns keeps its own name: the caller’s lock is dropped and taken back, not released', () => {
    assert.deepEqual(result.in('xw_op_stop'), [], result.describe());
    const stop = result.analysis.functions.find((f) => f.fn.name === 'xw_core_stop')!.result.summary;
    assert.deepEqual(stop.releasesOnEntry, []);
  });

  it('a `void *` stored in a typed local gives the lock its struct class and keeps it the parameter’s', () => {
    const handler = result.analysis.functions.find((f) => f.fn.name === 'xctx_handler')!.result;
    assert.deepEqual(handler.acquisitions.map((a) => `${a.cls.id}:${a.cls.resolved}:${a.text}`), ['xctx.lock:true:spin_lock(ctx->lock)']);
    assert.deepEqual(handler.summary.acquires.map((l) => `${l.expr.text}:${l.paramIndex}`), ['data->lock:0']);
  });
});

describe('precision: a cursor set to a parameter and compared with it', () => {
  it('the first pass, where the cursor is the start node, does not take the start node lock again', () => {
    const result = analyseFixtures('precision/tree_walk.c');
    assert.deepEqual(result.findings, [], result.describe());
    const walk = result.analysis.functions.find((f) => f.fn.name === 'tnode_start_gp')!.result.summary;
    assert.deepEqual(walk.acquires.map((l) => `${l.expr.text}:${l.paramIndex ?? 'local'}`), ['rnp->lock:local']);
  });
});
