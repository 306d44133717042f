/**
 * Classes lockdep splits by key: a struct field whose instances get different lock_class_keys is
 * several lockdep classes, so a cycle through it in our one class cannot be confirmed and is not
 * reported; the same code without the split reports it. A lock lockdep does not validate is the same.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyseEdited, analyseFixtures, assertOneInversion } from './engineHelpers';

describe('precision: lockdep keys', () => {
  it('a class keyed per level (an array of keys) is split: its cycle is not reported', () => {
    const result = analyseFixtures('precision/lockdep_key_levels.c');
    assert.deepEqual(result.edges().sort(), ['tree_cache.lock -> tree_node.lock', 'tree_node.lock -> tree_cache.lock']);
    assert.deepEqual(result.of('lock-order-inversion'), [], result.describe());
    assert.match(result.analysis.keys.unconfirmable('tree_node.lock') ?? '', /varies/);
    assert.equal(result.analysis.keys.unconfirmable('tree_cache.lock'), null);

    // A key computed from the level (`keys + level`) varies as well.
    const computed = analyseEdited('precision/lockdep_key_levels.c', ['&tree_node_keys[level]', 'tree_node_keys + level']);
    assert.deepEqual(computed.of('lock-order-inversion'), [], computed.describe());
  });

  it('the same code without the key split reports the cycle', () => {
    const unkeyed = analyseEdited('precision/lockdep_key_levels.c', ['\tlockdep_set_class(&node->lock, &tree_node_keys[level]);\n', '']);
    assertOneInversion(unkeyed, ['tree_cache_flush', 'tree_split'], ['tree_cache.lock', 'tree_node.lock']);
    // One static key for every node, set right after the init, is one class: the init's default key is replaced.
    const oneKey = analyseEdited('precision/lockdep_key_levels.c', ['&tree_node_keys[level]', '&tree_node_keys']);
    assertOneInversion(oneKey, ['tree_cache_flush', 'tree_split'], ['tree_cache.lock', 'tree_node.lock']);
  });

  it('a key set on one kind of instance while others keep the default key splits the class', () => {
    const result = analyseFixtures('precision/lockdep_key_instance.c');
    assert.ok(result.edges().includes('fs_inode.lock -> range_tree.lock'), result.edges().join('\n'));
    assert.ok(result.edges().includes('range_tree.lock -> fs_inode.lock'), result.edges().join('\n'));
    assert.deepEqual(result.of('lock-order-inversion'), [], result.describe());
    assert.match(result.analysis.keys.unconfirmable('range_tree.lock') ?? '', /2 keys/);

    const unkeyed = analyseEdited('precision/lockdep_key_instance.c', ['\tlockdep_set_class(&inode->extent_tree.lock, &extent_tree_class);\n', '']);
    assertOneInversion(unkeyed, ['fs_inode_writeback', 'range_tree_evict'], ['fs_inode.lock', 'range_tree.lock']);
  });

  it('a key set after the init only under a condition splits the class; set on every path, it replaces the default', () => {
    const moved = (setKey: string) =>
      analyseEdited(
        'precision/lockdep_key_instance.c',
        ['\tlockdep_set_class(&inode->extent_tree.lock, &extent_tree_class);\n', ''],
        ['\tspin_lock_init(&tree->lock);\n', `\tspin_lock_init(&tree->lock);\n${setKey}`],
      );
    const conditional = moved('\tif (tree->start == 0)\n\t\tlockdep_set_class(&tree->lock, &extent_tree_class);\n');
    assert.match(conditional.analysis.keys.unconfirmable('range_tree.lock') ?? '', /2 keys/);
    assert.deepEqual(conditional.of('lock-order-inversion'), [], conditional.describe());

    const always = moved('\tlockdep_set_class(&tree->lock, &extent_tree_class);\n');
    assert.equal(always.analysis.keys.unconfirmable('range_tree.lock'), null);
    assertOneInversion(always, ['fs_inode_writeback', 'range_tree_evict'], ['fs_inode.lock', 'range_tree.lock']);
  });

  it('an init wrapper that passes its key parameter on gives each caller’s static key: the class is split', () => {
    const result = analyseFixtures('precision/lockdep_key_wrapper.c');
    assert.ok(result.edges().includes('ext_rwsem.internal_rwsem -> segment.journal_rwsem'), result.edges().join('\n'));
    assert.ok(result.edges().includes('segment.journal_rwsem -> ext_rwsem.internal_rwsem'), result.edges().join('\n'));
    assert.deepEqual(result.of('lock-order-inversion'), [], result.describe());

    // The wrapper's init with the default key: one class, and the cycle is reported.
    const plain = analyseEdited('precision/lockdep_key_wrapper.c', ['__init_rwsem(&sem->internal_rwsem, name, key);', 'init_rwsem(&sem->internal_rwsem);']);
    assertOneInversion(plain, ['ext_write_checkpoint', 'ext_flush_journal'], ['ext_rwsem.internal_rwsem', 'segment.journal_rwsem']);
  });

  it('a key in a struct field is one key per field, unless it is registered as a dynamic key', () => {
    const result = analyseFixtures('precision/lockdep_key_field.c');
    assert.equal(result.analysis.keys.unconfirmable('vfs_inode.i_lock'), null);
    assertOneInversion(result, ['layout_attach', 'layout_return'], ['layout_owner.cl_lock', 'vfs_inode.i_lock']);

    // lockdep_register_key(): the key lives in each object, so each object is its own lockdep class.
    const dynamic = analyseEdited('precision/lockdep_key_field.c', ['\ttype->name = "vfs";\n', '\ttype->name = "vfs";\n\tlockdep_register_key(&type->i_lock_key);\n']);
    assert.match(dynamic.analysis.keys.unconfirmable('vfs_inode.i_lock') ?? '', /varies/);
    assert.deepEqual(dynamic.of('lock-order-inversion'), [], dynamic.describe());
  });

  it('a lock lockdep does not validate makes no reported cycle', () => {
    const result = analyseFixtures('precision/lockdep_novalidate.c');
    assert.deepEqual(result.edges().sort(), ['bus_type.lock -> device.mutex', 'device.mutex -> bus_type.lock']);
    assert.deepEqual(result.of('lock-order-inversion'), [], result.describe());
    assert.match(result.analysis.keys.unconfirmable('device.mutex') ?? '', /does not validate/);

    const validated = analyseEdited('precision/lockdep_novalidate.c', ['\tlockdep_set_novalidate_class(&dev->mutex);\n', '']);
    assertOneInversion(validated, ['bus_probe_device', 'device_release_driver'], ['bus_type.lock', 'device.mutex']);
  });
});
