/**
 * Lock classes, lockdep-style: one class per struct type and field whatever the variable, per
 * global name, per `_nested` subclass; and distinct classes for same-named fields of different structs.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyseFixtures, assertOneInversion } from './engineHelpers';

describe('lock classes', () => {
  const classes = analyseFixtures('classes/classes.c');

  it('names a lock reached through a typed pointer by struct and field, across files and variable names', () => {
    const result = analyseFixtures('classes/cross/snd.h', 'classes/cross/client.c', 'classes/cross/port.c');
    // `port->lock` in one file and `p->lock` in the other are both snd_port.lock.
    assert.deepEqual(result.acquired('snd_port_subscribe'), ['mutex_lock:snd_client.ioctl_mutex', 'mutex_lock:snd_port.lock']);
    assert.deepEqual(result.acquired('snd_port_notify'), ['mutex_lock:snd_port.lock', 'mutex_lock:snd_client.ioctl_mutex']);
    const inversion = assertOneInversion(result, ['snd_port_subscribe', 'snd_port_notify'], ['snd_client.ioctl_mutex', 'snd_port.lock']);
    const files = new Set((inversion.sites ?? []).map((s) => s.file));
    assert.deepEqual([...files].sort(), ['test/fixtures/engine/classes/cross/client.c', 'test/fixtures/engine/classes/cross/port.c']);
    assert.equal(result.findings.length, 1, result.describe());
  });

  it('names the class from the parameter type even when the struct definition is not analysed', () => {
    const result = analyseFixtures('classes/cross/client.c', 'classes/cross/port.c');
    assert.deepEqual(result.acquired('snd_port_notify'), ['mutex_lock:snd_port.lock', 'mutex_lock:snd_client.ioctl_mutex']);
    assert.equal(result.of('lock-order-inversion').length, 1, result.describe());
  });

  it('names an array element lock by the element struct: priv->queues[i].lock is tx_ring.lock', () => {
    assert.deepEqual(classes.acquired('nic_xmit_all'), ['spin_lock:tx_ring.lock', 'spin_lock:tx_ring.lock']);
    assert.ok(classes.acquisitions('nic_xmit_all').every((a) => a.resolved));
  });

  it('follows a local pointer initialised to an element (`ring = &priv->queues[0]`)', () => {
    assert.deepEqual(classes.acquired('nic_register'), ['mutex_lock:registry_mutex', 'spin_lock:nic_list_lock', 'spin_lock:tx_ring.lock']);
  });

  it('names globals by their name, defined by macro or declared plainly', () => {
    assert.deepEqual(classes.edgesIn('nic_register'), ['nic_list_lock -> tx_ring.lock', 'registry_mutex -> nic_list_lock', 'registry_mutex -> tx_ring.lock']);
  });

  it('names typedef structs: anonymous (`kcache_t`) by the typedef, aliases (`inode_t`) by the struct', () => {
    assert.deepEqual(classes.acquired('kcache_grow'), ['mutex_lock:kcache_t.lock', 'mutex_lock:inode.i_mutex']);
  });

  it('gives a _nested(…, SINGLE_DEPTH_NESTING) acquisition its own class, /1', () => {
    assert.deepEqual(classes.acquired('inode_rename'), ['mutex_lock:inode.i_mutex', 'mutex_lock_nested:inode.i_mutex/1']);
    assert.deepEqual(classes.edgesIn('inode_rename'), ['inode.i_mutex -> inode.i_mutex/1']);
    assert.deepEqual(classes.findings, [], classes.describe());
  });

  it('keeps same-named fields of different structs apart: no false cycle', () => {
    const result = analyseFixtures('classes/same_field.c');
    assert.deepEqual(result.edges(), ['sk_child.lock -> sk_timer.lock', 'sk_parent.lock -> sk_child.lock']);
    assert.deepEqual(result.findings, [], result.describe());
  });
});

describe('lock classes through members under #ifdef and in anonymous unions', () => {
  const result = analyseFixtures('classes/config_fields.c');

  it('a member declared under #ifdef CONFIG_… has its type: the lock through it and through a copy of it is one', () => {
    assert.deepEqual(result.acquired('xmacsec_add'), ['mutex_lock:xmacsec.lock']);
    assert.deepEqual(result.in('xmacsec_add'), [], result.describe());
  });

  it('a member of an anonymous union\'s struct is the struct\'s own', () => {
    assert.deepEqual(result.acquired('xpriv_count'), ['spin_lock:xstats.lock']);
    assert.equal(result.findings.length, 0, result.describe());
  });
});
