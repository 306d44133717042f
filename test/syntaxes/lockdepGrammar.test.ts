import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { IGrammar } from 'vscode-textmate';
import { grammarFile, loadGrammar, repoRoot, Tokenized } from './textmate';

const GRAMMAR = 'syntaxes/lockdep.tmLanguage.json';

function sample(name: string): string {
  return readFileSync(join(repoRoot(), 'test', 'fixtures', 'lockdep', name), 'utf8');
}

describe('lockdep grammar', () => {
  let grammar: IGrammar;
  before(async () => {
    grammar = await loadGrammar('source.lockdep', { 'source.lockdep': grammarFile(GRAMMAR) });
  });

  it('declares source.lockdep', () => {
    assert.equal(JSON.parse(grammarFile(GRAMMAR).json).scopeName, 'source.lockdep');
  });

  describe('current format with timestamps', () => {
    let t: Tokenized;
    before(() => {
      t = new Tokenized(grammar, sample('circular.dmesg.txt'));
    });

    it('dims timestamps and leaves unrelated lines plain', () => {
      const line = t.lineOf('reset complete');
      t.expect(line, '[   12.346010]', 'comment.other.timestamp.lockdep');
      assert.deepEqual(t.token(line, 'foo_dev 0000:00:05.0: reset complete').scopes, ['source.lockdep']);
    });

    it('marks the title as a heading', () => {
      const line = t.lineOf('WARNING: possible circular');
      t.expect(line, 'WARNING', 'keyword.other.severity.lockdep');
      t.expect(line, ' possible circular locking dependency detected', 'markup.heading.title.lockdep');
      t.expect(t.lineOf('====================================================='), '======================================================', 'comment.line.banner.lockdep');
    });

    it('marks the task, lock names, usage bits and wait types', () => {
      const task = t.lineOf('is trying to acquire lock:');
      t.expect(task, 'kworker/u8:3', 'entity.name.type.task.lockdep');
      t.expect(task, '245', 'constant.numeric.pid.lockdep');
      t.expect(task, 'is trying to acquire lock', 'keyword.other.section.lockdep');
      const lock = t.lineOf('ffff88810a2c4e18 (&dev->lock)');
      t.expect(lock, 'ffff88810a2c4e18', 'constant.numeric.address.lockdep');
      t.expect(lock, '&dev->lock', 'variable.other.lock.lockdep');
      t.expect(lock, '+.+.', 'constant.other.usage.lockdep');
      t.expect(lock, '3', 'constant.numeric.wait-type.lockdep', '-{');
      t.expect(lock, 'at', 'keyword.other.at.lockdep', '}, ');
      t.expect(t.lineOf('but task is already holding lock:'), 'but task is already holding lock', 'keyword.other.section.lockdep');
      t.expect(t.lineOf('] ffff88810a2c5130 (&foo->mutex/1)'), '&foo->mutex/1', 'variable.other.lock.lockdep');
    });

    it('marks chain entries and their frames', () => {
      const entry = t.lineOf('-> #1 (');
      t.expect(entry, '->', 'keyword.operator.arrow.lockdep');
      t.expect(entry, '1', 'constant.numeric.index.lockdep', '-> #');
      t.expect(entry, '&sb->s_type->i_mutex_key#3', 'variable.other.lock.lockdep');
      t.expect(entry, '++++', 'constant.other.usage.lockdep');
      const module = t.lineOf('foo_dev_create_node+0x48/0x130 [foo_dev]');
      t.expect(module, 'foo_dev_create_node', 'entity.name.function.lockdep');
      t.expect(module, '0x48', 'constant.numeric.offset.lockdep');
      t.expect(module, '0x130', 'constant.numeric.size.lockdep');
      t.expect(module, 'foo_dev', 'entity.name.namespace.module.lockdep', '0x130 [');
      const inline = t.lineOf('inode_lock include/linux/fs.h:804 [inline]');
      t.expect(inline, 'inode_lock', 'entity.name.function.lockdep');
      t.expect(inline, 'include/linux/fs.h', 'string.unquoted.path.lockdep');
      t.expect(inline, '804', 'constant.numeric.line.lockdep');
      t.expect(inline, '[inline]', 'storage.modifier.inline.lockdep');
      const withFile = t.lineOf('down_write+0x3b/0xd0 kernel/locking/rwsem.c:1573');
      t.expect(withFile, 'down_write', 'entity.name.function.lockdep');
      t.expect(withFile, 'kernel/locking/rwsem.c', 'string.unquoted.path.lockdep');
      t.expect(withFile, '1573', 'constant.numeric.line.lockdep');
    });

    it('marks the scenario table', () => {
      t.expect(t.lineOf('Possible unsafe locking scenario:'), 'Possible unsafe locking scenario', 'keyword.other.section.lockdep');
      const header = t.lineOf('CPU0                    CPU1');
      t.expect(header, 'CPU0', 'markup.heading.cpu.lockdep');
      t.expect(header, 'CPU1', 'markup.heading.cpu.lockdep');
      const cpu1 = t.lineOf('                               lock(&sb->s_type->i_mutex_key#3);');
      t.expect(cpu1, 'lock', 'entity.name.function.scenario.lockdep');
      t.expect(cpu1, '&sb->s_type->i_mutex_key#3', 'variable.other.lock.lockdep');
      t.expect(t.lineOf('*** DEADLOCK ***'), '*** DEADLOCK ***', 'keyword.control.deadlock.lockdep');
      const chain = t.lineOf('&dev->lock --> &sb');
      t.expect(chain, '&dev->lock', 'variable.other.lock.lockdep');
      t.expect(chain, '-->', 'keyword.operator.arrow.lockdep');
      t.expect(chain, '&foo->mutex/1', 'variable.other.lock.lockdep');
    });

    it('marks the held locks list', () => {
      const header = t.lineOf('3 locks held by');
      t.expect(header, '3', 'constant.numeric.count.lockdep', '] ');
      t.expect(header, 'locks held by', 'keyword.other.section.lockdep');
      t.expect(header, 'kworker/u8:3', 'entity.name.type.task.lockdep');
      const entry = t.lineOf(' #1: ffffc90000b2fe78');
      t.expect(entry, '1', 'constant.numeric.index.lockdep', '#');
      t.expect(entry, 'ffffc90000b2fe78', 'constant.numeric.address.lockdep');
      t.expect(entry, '(work_completion)(&foo->reset_work)', 'variable.other.lock.lockdep');
      t.expect(t.lineOf('((wq_completion)foo_wq)'), '(wq_completion)foo_wq', 'variable.other.lock.lockdep');
    });

    it('marks the backtrace', () => {
      t.expect(t.lineOf('stack backtrace:'), 'stack backtrace', 'keyword.other.section.lockdep');
      t.expect(t.lineOf('Call Trace:'), 'Call Trace', 'keyword.other.field.lockdep');
      const unreliable = t.lineOf('? __pfx_worker_thread');
      t.expect(unreliable, '?', 'comment.other.unreliable.lockdep');
      t.expect(unreliable, '__pfx_worker_thread', 'entity.name.function.lockdep');
    });
  });

  describe('syzbot format without timestamps', () => {
    it('marks frames, inline markers and locks from the first column', () => {
      const t = new Tokenized(grammar, sample('circular-syzbot.txt'));
      t.expect(t.lineOf('WARNING: possible circular'), 'WARNING', 'keyword.other.severity.lockdep');
      const lock = t.lineOf('ffffffff8e4a1c28 (lock1)');
      t.expect(lock, 'lock1', 'variable.other.lock.lockdep');
      t.expect(lock, 'sound/core/snd_port.c', 'string.unquoted.path.lockdep');
      t.expect(lock, '412', 'constant.numeric.line.lockdep');
      const inline = t.lineOf('       do_open fs/namei.c:3642 [inline]');
      t.expect(inline, 'do_open', 'entity.name.function.lockdep');
      t.expect(inline, '[inline]', 'storage.modifier.inline.lockdep');
      t.expect(t.lineOf('RIP: 0033:0x7f3b2c47dda9'), 'RIP: 0033:0x7f3b2c47dda9', 'source.lockdep');
    });
  });

  describe('legacy [ INFO: ] format', () => {
    it('marks the bracketed title, 6-character usage and addressed frames', () => {
      const t = new Tokenized(grammar, sample('circular-legacy.dmesg.txt'));
      const title = t.lineOf('[ INFO: possible circular');
      t.expect(title, '[ ', 'punctuation.definition.heading.lockdep', '] ');
      t.expect(title, 'INFO', 'keyword.other.severity.lockdep');
      t.expect(title, ' ]', 'punctuation.definition.heading.lockdep');
      const lock = t.lineOf(' (&sb->s_type->i_mutex_key#3){+.+.+.}, at:');
      t.expect(lock, '&sb->s_type->i_mutex_key#3', 'variable.other.lock.lockdep');
      t.expect(lock, '+.+.+.', 'constant.other.usage.lockdep');
      t.expect(lock, 'ffffffff811bd4c5', 'constant.numeric.address.lockdep');
      t.expect(lock, 'start_creating', 'entity.name.function.lockdep');
      const entry = t.lineOf('-> #0 (');
      t.expect(entry, '->', 'keyword.operator.arrow.lockdep');
      t.expect(entry, '+.+.+.', 'constant.other.usage.lockdep');
      const frame = t.lineOf('[<ffffffffa02a1288>] foo_dev_flush');
      t.expect(frame, 'foo_dev_flush', 'entity.name.function.lockdep');
      t.expect(frame, 'foo_dev', 'entity.name.namespace.module.lockdep', '0xe0 [');
      t.expect(t.lineOf(' #0:  (&foo->mutex/1)'), '&foo->mutex/1', 'variable.other.lock.lockdep');
    });
  });

  describe('other report kinds', () => {
    it('recursive locking, with printk caller ids', () => {
      const t = new Tokenized(grammar, sample('recursive.dmesg.txt'));
      const title = t.lineOf('possible recursive locking detected');
      t.expect(title, '[ T4321]', 'comment.other.caller.lockdep');
      t.expect(title, 'WARNING', 'keyword.other.severity.lockdep');
      t.expect(t.lineOf('May be due to missing lock nesting notation'), 'May be due to missing lock nesting notation', 'keyword.other.section.lockdep');
      t.expect(t.lineOf('  foo_dev_attach+0x5a/0x140 [foo_dev 3a9d'), '3a9d0c4e1b7f2a6c58e0d9b4c3a2f1e0d9c8b7a6', 'constant.numeric.build-id.lockdep');
    });

    it('inconsistent lock state', () => {
      const t = new Tokenized(grammar, sample('inconsistent.dmesg.txt'));
      t.expect(t.lineOf('WARNING: inconsistent lock state'), ' inconsistent lock state', 'markup.heading.title.lockdep');
      const transition = t.lineOf('inconsistent {HARDIRQ-ON-W}');
      t.expect(transition, 'HARDIRQ-ON-W', 'constant.language.usage-state.lockdep');
      t.expect(transition, 'IN-HARDIRQ-W', 'constant.language.usage-state.lockdep');
      const takes = t.lineOf('takes:');
      t.expect(takes, '[HC1[1]:SC0[0]:HE0:SE1]', 'constant.other.irq-context.lockdep');
      t.expect(takes, 'takes', 'keyword.other.section.lockdep');
      t.expect(t.lineOf('00000000c6f1d2a4 ('), '&(&priv->lock)->rlock', 'variable.other.lock.lockdep');
      t.expect(t.lineOf('<Interrupt>'), '<Interrupt>', 'keyword.control.interrupt.lockdep');
      t.expect(t.lineOf('    lock(&(&priv->lock)->rlock);'), '&(&priv->lock)->rlock', 'variable.other.lock.lockdep');
    });

    it('bad unlock balance', () => {
      const t = new Tokenized(grammar, sample('bad-unlock.dmesg.txt'));
      const release = t.lineOf('is trying to release lock');
      t.expect(release, '&foo->mutex', 'variable.other.lock.lockdep');
      t.expect(t.lineOf('bad unlock balance detected!'), ' bad unlock balance detected!', 'markup.heading.title.lockdep');
    });

    it('invalid wait context', () => {
      const t = new Tokenized(grammar, sample('invalid-wait-context.dmesg.txt'));
      t.expect(t.lineOf('[ BUG: Invalid wait context ]'), 'BUG', 'keyword.other.severity.lockdep');
      t.expect(t.lineOf('context-{4:4}'), 'context-{4:4}', 'keyword.other.section.lockdep');
      t.expect(t.lineOf('(rcu_read_lock)'), 'rcu_read_lock', 'variable.other.lock.lockdep');
      t.expect(t.lineOf('is trying to lock:'), 'irq/45-snd_port', 'entity.name.type.task.lockdep');
    });

    it('irq lock inversion', () => {
      const t = new Tokenized(grammar, sample('irq-inversion.txt'));
      t.expect(t.lineOf('just changed the state of lock'), 'just changed the state of lock', 'keyword.other.section.lockdep');
      const step = t.lineOf(' -> (&foo->list_lock)');
      t.expect(step, '->', 'keyword.operator.arrow.lockdep');
      t.expect(step, '&foo->list_lock', 'variable.other.lock.lockdep');
      t.expect(t.lineOf('    HARDIRQ-ON-W at:'), 'HARDIRQ-ON-W at', 'keyword.other.section.lockdep');
      t.expect(t.lineOf('local_irq_disable();'), 'local_irq_disable', 'entity.name.function.scenario.lockdep');
    });
  });

  describe('/proc files', () => {
    it('/proc/lockdep classes and dependencies', () => {
      const t = new Tokenized(grammar, sample('proc-lockdep.txt'));
      t.expect(0, 'all lock classes:', 'markup.heading.proc.lockdep');
      const cls = t.lineOf(': &dev->lock');
      t.expect(cls, '00000000c3d4e5f6', 'constant.numeric.address.lockdep');
      t.expect(cls, 'FD:', 'keyword.other.field.lockdep');
      t.expect(cls, '9', 'constant.numeric.count.lockdep', 'FD:');
      t.expect(cls, '+.+.', 'constant.other.usage.lockdep');
      t.expect(cls, '&dev->lock', 'variable.other.lock.lockdep');
      const dep = t.lineOf(': &dev->lock') + 2;
      t.expect(dep, '->', 'keyword.operator.arrow.lockdep');
      t.expect(dep, '00000000e1f2a3b4', 'constant.numeric.address.lockdep');
      t.expect(dep, '&(&priv->lock)->rlock', 'variable.other.lock.lockdep');
    });

    it('/proc/lockdep_chains', () => {
      const t = new Tokenized(grammar, sample('proc-lockdep-chains.txt'));
      t.expect(1, 'irq_context', 'keyword.other.field.lockdep');
      t.expect(1, '0', 'constant.other.irq-context.lockdep');
      t.expect(t.lineOf('(work_completion)(&foo->reset_work)'), '(work_completion)(&foo->reset_work)', 'variable.other.lock.lockdep');
    });
  });
});
