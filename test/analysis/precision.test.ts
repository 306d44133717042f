import { analyzeTexts } from '../../server/src/analysis/program';
/**
 * The precision rules: code that looks like a bug to a naive analysis and is not. Each rule is
 * shown quiet on its fixture and, where a small edit makes it a real bug, loud on the edited copy.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyseEdited, analyseFixtures, assertOneInversion, describeFindings } from './engineHelpers';

describe('precision: lock order', () => {
  it('a trylock adds no order edge, but a lock held after a successful trylock orders what follows', () => {
    const result = analyseFixtures('precision/trylock_order.c');
    assert.deepEqual(result.findings, [], result.describe());
    assert.deepEqual(result.edgeSites('inode.i_lock', 'list_lru.lock'), [`lru_add:${result.line('lru_add', 'spin_lock(&lru->lock)')}`]);
    assert.equal(result.edge('list_lru.lock', 'inode.i_lock'), undefined);
    assert.deepEqual(result.edgeSites('inode.i_lock', 'bdi_writeback.list_lock'), [
      `inode_writeback:${result.line('inode_writeback', 'spin_lock(&wb->list_lock)')}`,
    ]);

    const blocking = analyseEdited('precision/trylock_order.c', [
      '\tif (!spin_trylock(&inode->i_lock)) {\n\t\tspin_unlock(&lru->lock);\n\t\treturn 0;\n\t}\n',
      '\tspin_lock(&inode->i_lock);\n',
    ]);
    assertOneInversion(blocking, ['lru_add', 'inode_evict'], ['inode.i_lock', 'list_lru.lock']);
  });

  it('a _nested subclass is its own class: parent then child is no self-cycle', () => {
    const result = analyseFixtures('precision/instances.c');
    assert.deepEqual(result.edges(), ['pipe_inode_info.mutex/1 -> pipe_inode_info.mutex/2', 'runqueue.lock -> runqueue.lock/1']);
  });

  it('two instances of one class locked in address order are neither a double lock nor an inversion', () => {
    const result = analyseFixtures('precision/instances.c');
    assert.deepEqual(result.findings, [], result.describe());
    // Both branches prove the same edge.
    assert.equal(result.edgeSites('runqueue.lock', 'runqueue.lock/1').length, 2);
  });

  it('a lock released on every path before the next acquisition adds no edge', () => {
    const result = analyseFixtures('precision/gates.c');
    assert.deepEqual(result.edgesIn('balance_node'), []);
    assert.deepEqual(result.in('balance_node'), []);

    // Released on one path only: the other still holds the zone lock when it takes the node lock.
    const leaky = analyseEdited('precision/gates.c', [
      '\tif (free > 1024)\n\t\tzone->free_pages = 1024;\n\tspin_unlock(&zone->lock);\n',
      '\tif (free > 1024) {\n\t\tzone->free_pages = 1024;\n\t\tspin_unlock(&zone->lock);\n\t}\n',
    ]);
    assert.deepEqual(leaky.edgesIn('balance_node'), ['zone.lock -> pglist_data.node_size_lock']);
  });

  it('both orders taken only under a common outer lock are not an inversion', () => {
    const result = analyseFixtures('precision/gates.c');
    assert.ok(result.edge('zone.lock', 'pglist_data.node_size_lock') && result.edge('pglist_data.node_size_lock', 'zone.lock'));
    assert.deepEqual(result.findings, [], result.describe());

    const ungated = analyseEdited(
      'precision/gates.c',
      ['\tmutex_lock(&mem_hotplug_lock);\n\tspin_lock(&pgdat->node_size_lock);', '\tspin_lock(&pgdat->node_size_lock);'],
      ['\tspin_unlock(&pgdat->node_size_lock);\n\tmutex_unlock(&mem_hotplug_lock);', '\tspin_unlock(&pgdat->node_size_lock);'],
    );
    assertOneInversion(ungated, ['online_pages', 'offline_pages'], ['pglist_data.node_size_lock', 'zone.lock']);
  });

  it('rwlock_t readers in opposite orders cannot deadlock; a writer on one side can', () => {
    const readers = analyseFixtures('precision/readers.c');
    assert.deepEqual(readers.edges(), ['fib_rule.lock -> fib_table.lock', 'fib_table.lock -> fib_rule.lock']);
    assert.deepEqual(readers.findings, [], readers.describe());

    const writer = analyseEdited('precision/readers.c', [
      '\tread_lock(&tb->lock);\n\tn = rule->pref - tb->entries;\n\tread_unlock(&tb->lock);',
      '\twrite_lock(&tb->lock);\n\tn = rule->pref - tb->entries;\n\twrite_unlock(&tb->lock);',
    ]);
    assertOneInversion(writer, ['fib_lookup', 'fib_rule_match'], ['fib_rule.lock', 'fib_table.lock']);
  });
});

describe('precision: lockorder-ignore', () => {
  const result = analyseFixtures('precision/ignore.c');

  it('silences every code on the same line', () => {
    assert.deepEqual(result.in('hid_poll_same_line'), []);
  });

  it('silences the listed code from the line before', () => {
    assert.deepEqual(result.in('hid_poll_line_before'), []);
  });

  it('silences each code of a comma-separated list', () => {
    assert.deepEqual(result.in('hid_open_twice'), []);
  });

  it('does not silence a code it does not list', () => {
    const finding = result.one('sleep-in-atomic', 'hid_poll_other_code');
    assert.equal(finding.range.start.line, result.line('hid_poll_other_code', 'msleep(1)'));
  });

  it('leaves other lines alone', () => {
    result.one('sleep-in-atomic', 'hid_poll_unsilenced');
    assert.equal(result.findings.length, 2, result.describe());
  });

  it('is what silences them: without the comments every function reports', () => {
    const bare = analyseEdited(
      'precision/ignore.c',
      ['msleep(1); /* lockorder-ignore */', 'msleep(1);'],
      ['/* lockorder-ignore: sleep-in-atomic */', '/* sleeps */'],
      ['// lockorder-ignore: unreleased-lock, double-lock', ''],
    );
    assert.deepEqual(
      bare.findings.map((f) => `${f.code}@${f.function}`),
      [
        'sleep-in-atomic@hid_poll_same_line',
        'sleep-in-atomic@hid_poll_line_before',
        'sleep-in-atomic@hid_poll_other_code',
        'double-lock@hid_open_twice',
        'sleep-in-atomic@hid_poll_unsilenced',
      ],
    );
  });
});

describe('precision: control flow', () => {
  const result = analyseFixtures('precision/conditions.c');

  it('reports nothing on the whole fixture', () => {
    assert.deepEqual(result.findings, [], result.describe());
    assert.deepEqual(result.edges(), ['ep_item.mtx -> ep_item.lock']);
  });

  it('follows correlated conditions: `if (!locked) lock(); … if (!locked) unlock();`', () => {
    assert.deepEqual(result.acquired('ep_poll_maybe_locked'), ['mutex_lock:ep_item.mtx']);
    assert.deepEqual(result.acquired('ep_flags_locked'), ['spin_lock:ep_item.lock']);
    const uncorrelated = analyseEdited('precision/conditions.c', ['\tepi->nwait++;\n\tif (!locked)\n', '\tepi->nwait++;\n\tif (!epi->ready)\n']);
    assert.deepEqual(uncorrelated.in('ep_poll_maybe_locked').map((f) => f.code), ['unreleased-lock']);
  });

  it('follows a trylock result kept in a variable: `ret = mutex_trylock(&m); if (!ret) return;`', () => {
    assert.deepEqual(result.acquired('ep_try_scan'), ['mutex_trylock:ep_item.mtx']);
    const inverted = analyseEdited('precision/conditions.c', ['\tif (!ret)\n\t\treturn -EAGAIN;', '\tif (ret)\n\t\treturn -EAGAIN;']);
    const finding = inverted.one('unlock-unheld', 'ep_try_scan');
    assert.equal(finding.range.start.line, inverted.line('ep_try_scan', 'mutex_unlock(&epi->mtx)'));
  });

  it('follows both branches of `if (!spin_trylock(&l)) { … } else { … }`', () => {
    const inverted = analyseEdited('precision/conditions.c', ['\tif (!spin_trylock(&epi->lock)) {', '\tif (spin_trylock(&epi->lock)) {']);
    inverted.one('unlock-unheld', 'ep_try_ready');
  });

  it('follows `if (mutex_lock_interruptible(&m)) return -EINTR;`', () => {
    const inverted = analyseEdited('precision/conditions.c', ['\tif (mutex_lock_interruptible(&epi->mtx))', '\tif (!mutex_lock_interruptible(&epi->mtx))']);
    inverted.one('unlock-unheld', 'ep_modify');
  });

  it('follows goto error-label cleanup', () => {
    assert.deepEqual(result.in('ep_insert'), []);
    const forgetful = analyseEdited('precision/conditions.c', ['error_unlock:\n\tspin_unlock(&epi->lock);\n', 'error_unlock:\n']);
    const finding = forgetful.one('unreleased-lock', 'ep_insert');
    assert.equal(finding.range.start.line, forgetful.line('ep_insert', 'return error;'));
    assert.deepEqual(finding.locks, ['ep_item.lock']);
  });

  it('follows switch with break and fallthrough', () => {
    assert.deepEqual(result.in('ep_ctl'), []);
    const fallsThroughHolding = analyseEdited('precision/conditions.c', ['\t\tspin_unlock(&epi->lock);\n\t\tfallthrough;', '\t\tfallthrough;']);
    assert.deepEqual(fallsThroughHolding.in('ep_ctl').map((f) => f.code), ['unreleased-lock']);
  });

  it('takes `#ifdef … #else … #endif` as one side or the other, not both', () => {
    assert.deepEqual(result.acquired('ep_wake'), ['spin_lock:ep_item.lock', 'spin_lock_irqsave:ep_item.lock']);
    const unconditional = analyseEdited('precision/conditions.c', [
      '#ifdef CONFIG_PREEMPT_RT\n\tspin_lock(&epi->lock);\n#else\n',
      '\tspin_lock(&epi->lock);\n#ifdef CONFIG_PREEMPT_RT\n#else\n',
    ]);
    unconditional.one('double-lock', 'ep_wake');
  });
});

describe('precision: what callers hold', () => {
  const result = analyseFixtures('precision/contracts.c');

  it('__must_hold, __acquires, __releases and lockdep_assert_held report nothing', () => {
    assert.deepEqual(result.findings, [], result.describe());
  });

  it('__must_hold and lockdep_assert_held make the lock held on entry, ordering what the function takes', () => {
    assert.deepEqual(result.edgeSites('cfs_rq.lock', 'sched_entity.lock').filter((s) => !s.startsWith('cfs_tick:')), [
      `cfs_dequeue:${result.line('cfs_dequeue', 'spin_lock(&se->lock)')}`,
      `cfs_enqueue:${result.line('cfs_enqueue', 'spin_lock(&se->lock)')}`,
    ]);
    const uncontracted = analyseEdited('precision/contracts.c', ['\t__must_hold(&cfs->lock)\n', '']);
    assert.deepEqual(uncontracted.edgesIn('cfs_enqueue'), []);
  });

  it('a caller of the __acquires/__releases pair sees the lock held between them', () => {
    assert.deepEqual(result.edgeSites('cfs_rq.lock', 'sched_entity.lock').filter((s) => s.startsWith('cfs_tick:')), [
      `cfs_tick:${result.line('cfs_tick', 'cfs_enqueue(cfs, se)')}`,
      `cfs_tick:${result.line('cfs_tick', 'cfs_dequeue(cfs, se)')}`,
    ]);
  });

  it('dropping and retaking an asserted lock around a sleep is balanced and not atomic', () => {
    assert.deepEqual(result.in('cfs_throttle'), []);
  });
});

describe('precision: parameters', () => {
  const result = analyseFixtures('precision/params.c');

  it('a struct-typed lock helper takes the class of the argument: foo_lock(dev->child) is foo.lock', () => {
    assert.deepEqual(result.edgeSites('bar_dev.lock', 'foo.lock'), [`bar_update:${result.line('bar_update', 'foo_lock(dev->child)')}`]);
    assert.deepEqual(result.in('bar_update'), []);
  });

  it('a spinlock_t * helper takes the caller’s lock: my_lock(&a) and my_lock(&b) are a and b', () => {
    const inversion = assertOneInversion(result, ['ab', 'ba'], ['a', 'b']);
    assert.match(inversion.message, /via my_lock\(\)/);
    assert.deepEqual(result.edgeSites('a', 'b'), [`ab:${result.line('ab', 'my_lock(&b)')}`]);
    assert.deepEqual(result.edgeSites('b', 'a'), [`ba:${result.line('ba', 'my_lock(&a)')}`]);
    assert.equal(result.findings.length, 1, result.describe());
  });
});

describe('precision: recursion', () => {
  it('settles on mutually recursive functions and still finds the cycle through them', () => {
    const result = analyseFixtures('precision/recursion.c');
    const inversion = assertOneInversion(result, ['tree_walk_dir', 'cache_shrink'], ['dcache.lock', 'tree_node.lock']);
    const viaFile = (inversion.sites ?? []).find((s) => s.function === 'tree_walk_dir')!;
    assert.equal(viaFile.range.start.line, result.line('tree_walk_dir', 'tree_walk_file(node->child, cache)'));
    assert.match(viaFile.message, /via tree_walk_file\(\)/);
    assert.equal(result.findings.length, 1, result.describe());
  });

  // A group met callers first (its members reached by other paths before their callers) must still
  // settle: run before the release in end_report() is known, report_bad() looks like it returns
  // holding report_lock, and that wrong summary must not survive in the callers above it.
  const reportingGroup = `
static DEFINE_SPINLOCK(report_lock);
static DEFINE_MUTEX(cfg_lock);

static void end_report(unsigned long *flags)
{
	spin_unlock_irqrestore(&report_lock, *flags);
	dump_state();
}

static void start_report(unsigned long *flags)
{
	spin_lock_irqsave(&report_lock, *flags);
}

void report_bad(void *obj)
{
	unsigned long flags;

	start_report(&flags);
	end_report(&flags);
}

void dump_state(void)
{
	report_bad(NULL);
	check_free(NULL);
	slab_free_hook(NULL);
	free_obj(NULL);
}

bool check_free(void *obj)
{
	if (obj_is_bad(obj)) {
		report_bad(obj);
		return true;
	}
	return false;
}

bool slab_free_hook(void *obj)
{
	return check_free(obj);
}

void free_obj(void *obj)
{
	if (slab_free_hook(obj))
		return;
	release_pages(obj);
}

void configure(void *obj)
{
	free_obj(obj);
	mutex_lock(&cfg_lock);
	mutex_unlock(&cfg_lock);
}
`;

  it('settles a recursive group whatever order its members are met in: no lock left held by a wrapper pair', () => {
    const result = analyzeTexts([{ file: 'report.c', text: reportingGroup }]);
    const holding = result.analysis.functions
      .filter(({ result: r }) => r.summary.returnsHolding.length > 0 || r.summary.conditional.length > 0)
      .map(({ fn }) => fn.name);
    assert.deepEqual(holding, ['start_report']);
    assert.deepEqual(result.findings, [], describeFindings(result.findings));
  });

  it('still sees a lock a group member really leaves held', () => {
    const leaking = reportingGroup.replace('\tspin_unlock_irqrestore(&report_lock, *flags);\n', '');
    const result = analyzeTexts([{ file: 'report.c', text: leaking }]);
    const sleeps = result.findings.filter((f) => f.code === 'sleep-in-atomic' && f.function === 'configure');
    assert.equal(sleeps.length, 1, describeFindings(result.findings));
  });
});

describe('precision: wrappers that change how a lock is held', () => {
  const source = `
struct rw_semaphore { int count; };
struct mm_struct { struct rw_semaphore mmap_lock; };
struct vm_area { unsigned long start; };
struct net_device { spinlock_t addr_list_lock; unsigned char nested_level; };

static inline void mmap_read_lock(struct mm_struct *mm) { down_read(&mm->mmap_lock); }
static inline void mmap_read_unlock(struct mm_struct *mm) { up_read(&mm->mmap_lock); }
static inline int mmap_write_lock_killable(struct mm_struct *mm) { return down_write_killable(&mm->mmap_lock); }
static inline void mmap_write_unlock(struct mm_struct *mm) { up_write(&mm->mmap_lock); }
static inline void mmap_write_downgrade(struct mm_struct *mm) { downgrade_write(&mm->mmap_lock); }

struct vm_area *grow_stack(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area *vma;

	mmap_read_unlock(mm);
	if (mmap_write_lock_killable(mm))
		return NULL;
	vma = find_area(mm, addr);
	if (!vma) {
		mmap_write_unlock(mm);
		return NULL;
	}
	mmap_write_downgrade(mm);
	return vma;
}

int handle_fault(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area *vma;

	mmap_read_lock(mm);
	vma = find_area(mm, addr);
	if (!vma) {
		vma = grow_stack(mm, addr);
		if (!vma)
			return -1;
	}
	fix_page(vma, addr);
	mmap_read_unlock(mm);
	return 0;
}

static inline void netif_addr_lock_bh(struct net_device *dev)
{
	local_bh_disable();
	spin_lock_nested(&dev->addr_list_lock, dev->nested_level);
}
static inline void netif_addr_unlock_bh(struct net_device *dev) { spin_unlock_bh(&dev->addr_list_lock); }

void sync_addresses(struct net_device *dev)
{
	netif_addr_lock_bh(dev);
	copy_addresses(dev);
	netif_addr_unlock_bh(dev);
}
`;

  it('a downgrade inside a wrapper leaves the caller holding the lock for read', () => {
    const result = analyzeTexts([{ file: 'fault.c', text: source }]);
    assert.deepEqual(result.findings, [], describeFindings(result.findings));
  });

  it('a real mismatch after such a wrapper is still reported', () => {
    const wrong = source.replace('\tfix_page(vma, addr);\n\tmmap_read_unlock(mm);', '\tfix_page(vma, addr);\n\tmmap_write_unlock(mm);');
    assert.notEqual(wrong, source);
    const result = analyzeTexts([{ file: 'fault.c', text: wrong }]);
    const mismatched = result.findings.filter((f) => f.code === 'mismatched-unlock' && f.function === 'handle_fault');
    assert.ok(mismatched.length > 0, describeFindings(result.findings));
  });
});

describe('precision: a lock result returned directly', () => {
  const source = `
struct dev { struct mutex lock; int count; };

static int dev_lock_interruptible(struct dev *d)
{
	return mutex_lock_interruptible(&d->lock);
}

static int dev_trylock(struct dev *d)
{
	return (mutex_trylock(&d->lock));
}

int dev_bump(struct dev *d)
{
	if (dev_lock_interruptible(d))
		return -EINTR;
	d->count++;
	mutex_unlock(&d->lock);
	return 0;
}

int dev_poll(struct dev *d)
{
	if (!dev_trylock(d))
		return -EBUSY;
	d->count++;
	mutex_unlock(&d->lock);
	return 0;
}
`;
  const summaries = (text: string) =>
    new Map(analyzeTexts([{ file: 'dev.c', text }]).analysis.functions.map(({ fn, result }) => [fn.name, result.summary]));

  it('is held on the outcome the API gives for success, as when stored in a variable first', () => {
    const byName = summaries(source);
    assert.deepEqual(byName.get('dev_lock_interruptible')!.conditional.map((c) => `${c.lock.cls.id}:${c.success}`), ['dev.lock:zero']);
    assert.deepEqual(byName.get('dev_lock_interruptible')!.returnsHolding, []);
    assert.deepEqual(byName.get('dev_trylock')!.conditional.map((c) => `${c.lock.cls.id}:${c.success}`), ['dev.lock:nonzero']);
    // Its callers take and release the lock themselves: nothing is left for their callers.
    for (const caller of ['dev_bump', 'dev_poll']) assert.deepEqual(byName.get(caller)!.releasesOnEntry, [], caller);
    assert.deepEqual(analyzeTexts([{ file: 'dev.c', text: source }]).findings, []);
  });
});

describe('precision: bodies that mention no locking', () => {
  // hid_hw_request() mentions no lock, so its calls are read from its text: the fallback after the
  // test of the method sleeps, but is not made on every path; and `ops->request()` is no call to
  // some function that happens to be named `request`.
  const source = `
struct ll_driver { void (*request)(struct hid_device *h, int r); };
struct hid_device { struct ll_driver *ll_driver; };
struct ent { spinlock_t report_lock; struct hid_device *hid; };

int __hid_request(struct hid_device *hid, int report)
{
	char *buf = kmalloc(16, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	kfree(buf);
	return 0;
}

void request(struct hid_device *hid, int report)
{
	msleep(10);
}

void hid_hw_request(struct hid_device *hdev, int report)
{
	if (hdev->ll_driver->request)
		return hdev->ll_driver->request(hdev, report);

	__hid_request(hdev, report);
}

void play(struct ent *e)
{
	unsigned long flags;

	spin_lock_irqsave(&e->report_lock, flags);
	hid_hw_request(e->hid, 1);
	spin_unlock_irqrestore(&e->report_lock, flags);
}
`;

  it('a callee that sleeps only after a branch, or through a method pointer, is no sleep on every path', () => {
    const result = analyzeTexts([{ file: 'hid.c', text: source }]);
    assert.deepEqual(result.findings, [], describeFindings(result.findings));
  });

  it('the same callee called on every path is reported', () => {
    const straight = source.replace('\tif (hdev->ll_driver->request)\n\t\treturn hdev->ll_driver->request(hdev, report);\n', '');
    assert.notEqual(straight, source);
    const result = analyzeTexts([{ file: 'hid.c', text: straight }]);
    assert.deepEqual(result.findings.map((f) => `${f.code} ${f.function}`), ['sleep-in-atomic play'], describeFindings(result.findings));
  });
});

describe('precision: a result variable that tells whether the lock is held', () => {
  const source = `
static DECLARE_RWSEM(helper_sem);
static int disabled;

int helper_read_trylock(void)
{
	int ret = 0;

	down_read(&helper_sem);
	for (;;) {
		if (!disabled)
			break;
		if (disabled == 2)
			ret = -EAGAIN;
		up_read(&helper_sem);
		if (ret)
			break;
		schedule();
		down_read(&helper_sem);
	}
	return ret;
}
`;

  it('0 returned holding, an error returned after releasing: a conditional acquisition, not a leak', () => {
    const result = analyzeTexts([{ file: 'umh.c', text: source }]);
    assert.deepEqual(result.findings, [], describeFindings(result.findings));
    const summary = result.analysis.functions.find(({ fn }) => fn.name === 'helper_read_trylock')!.result.summary;
    assert.deepEqual(summary.conditional.map((c) => `${c.lock.cls.id}:${c.success}`), ['helper_sem:zero']);
  });

  it('an error returned still holding it is a leak', () => {
    const leaking = source.replace('\t\tup_read(&helper_sem);\n', '\t\tif (disabled == 3)\n\t\t\treturn -EBUSY;\n\t\tup_read(&helper_sem);\n');
    assert.notEqual(leaking, source);
    const result = analyzeTexts([{ file: 'umh.c', text: leaking }]);
    const busyLine = leaking.split('\n').findIndex((line) => line.includes('return -EBUSY'));
    const leaks = result.findings.filter((f) => f.code === 'unreleased-lock');
    assert.ok(leaks.some((f) => f.range.start.line === busyLine), describeFindings(result.findings));
  });
});

describe('precision: held only on success, for a partner that releases', () => {
  // A reload_down()/reload_up() pair: down returns 0 holding the lock, errors without it, and one
  // path returns what a callee says, so the value alone cannot prove a conditional acquisition.
  const source = `
static DEFINE_MUTEX(cfg_mutex);

int dev_reload_down(struct dev *d, int action)
{
	int rc = 0;

	switch (action) {
	case 1:
		mutex_lock(&cfg_mutex);
		if (d->busy) {
			mutex_unlock(&cfg_mutex);
			return -EBUSY;
		}
		rc = dev_unregister(d);
		if (rc) {
			mutex_unlock(&cfg_mutex);
			break;
		}
		break;
	case 2:
		return dev_live_activate(d);
	default:
		rc = -EOPNOTSUPP;
	}
	return rc;
}

void dev_reload_up(struct dev *d)
{
	dev_register(d);
	mutex_unlock(&cfg_mutex);
}
`;

  it('is a mention, not a warning', () => {
    const result = analyzeTexts([{ file: 'reload.c', text: source }]);
    const leaks = result.findings.filter((f) => f.code === 'unreleased-lock');
    assert.deepEqual(leaks.map((f) => `${f.function}:${f.severity}`), ['dev_reload_down:information'], describeFindings(result.findings));
  });

  it('0 returned holding on a path that also returns an error while holding stays a warning (with no partner in the file)', () => {
    const edited = source.replace('\t\t\treturn -EBUSY;', '\t\t\treturn -EBUSY;\n\t\t}\n\t\tif (d->dead) {\n\t\t\treturn -ENODEV;');
    const leaking = edited.slice(0, edited.indexOf('void dev_reload_up'));
    assert.notEqual(leaking, source);
    const result = analyzeTexts([{ file: 'reload.c', text: leaking }]);
    const leaks = result.findings.filter((f) => f.code === 'unreleased-lock');
    assert.ok(leaks.length > 0 && leaks.every((f) => f.severity === 'warning'), describeFindings(result.findings));
  });
});

describe('precision: two objects of one class held together', () => {
  const result = analyseFixtures('precision/instance_order.c');

  it('taken in the order the caller passed them: a warning naming both', () => {
    const [finding] = result.in('transfer');
    assert.equal(result.in('transfer').length, 1, result.describe());
    assert.equal(finding.code, 'lock-order-inversion');
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.range.start.line, result.line('transfer', 'mutex_lock(&to->lock)'));
    assert.deepEqual(finding.locks, ['account.lock']);
    assert.deepEqual(finding.related.map((r) => r.range.start.line), [result.line('transfer', 'mutex_lock(&from->lock)')]);
  });

  it('ordered by a comparison of the two, or the second only tried: nothing', () => {
    assert.deepEqual(result.in('transfer_ordered'), [], result.describe());
    assert.deepEqual(result.in('transfer_try'), [], result.describe());
  });

  it('a subclass given here, an object reached through the other, or one looked up here: nothing, or a mention', () => {
    assert.deepEqual(result.in('conn_accept'), [], result.describe());
    assert.deepEqual(result.in('conn_pair'), [], result.describe());
    assert.deepEqual(result.in('conn_link').map((f) => `${f.code}:${f.severity}`), ['lock-order-inversion:information'], result.describe());
    assert.deepEqual(result.in('settle').map((f) => `${f.code}:${f.severity}`), ['lock-order-inversion:information'], result.describe());
    assert.equal(result.findings.length, 3, result.describe());
  });
});

describe('precision: objects locked through, and list cursors', () => {
  const result = analyseFixtures('precision/object_tests.c');

  it('a path that locked through an object knows it is not NULL, until the cursor moves on', () => {
    assert.deepEqual(result.in('bucket_insert'), [], result.describe());
    assert.deepEqual(result.in('item_update'), [], result.describe());
  });
});

describe('precision: debug-only blocks', () => {
  const source = (directive: string) => `
struct nic { spinlock_t tx_lock; spinlock_t misc_lock; };
static void nic_isr(struct nic *n) { spin_lock(&n->misc_lock); spin_unlock(&n->misc_lock); }
static void nic_config(struct nic *n)
{
	spin_lock(&n->misc_lock);
	spin_lock(&n->tx_lock);
	spin_unlock(&n->tx_lock);
	spin_unlock(&n->misc_lock);
}
static void nic_timeout(struct nic *n)
{
	spin_lock(&n->tx_lock);
${directive}
	nic_isr(n);
#endif
	spin_unlock(&n->tx_lock);
}
`;
  const inversions = (directive: string) =>
    analyzeTexts([{ file: 'nic.c', text: source(directive) }]).findings.filter((f) => f.code === 'lock-order-inversion');

  it('ignores code under #ifdef DEBUG and #if defined(FOO_DEBUG): debug builds are not what people run', () => {
    assert.deepEqual(inversions('#ifdef DEBUG'), []);
    assert.deepEqual(inversions('#if defined(NIC_DEBUG)'), []);
  });

  it('still follows other conditional blocks, CONFIG_ options included', () => {
    assert.equal(inversions('#ifdef CONFIG_NIC_POLL').length, 1);
    assert.equal(inversions('#ifdef CONFIG_DEBUG_NIC').length, 1);
  });
});

describe('precision: counting semaphores', () => {
  const result = analyseFixtures('precision/semaphores.c');
  const severities = (fn: string) => result.in(fn).map((f) => `${f.code}:${f.severity}`).sort();

  it('one down() per slot and one up() per slot, in loops, or a down() a partner function ups: information only', () => {
    for (const fn of ['cmd_set_mode', 'cmd_flush', 'vf_reset_prepare']) {
      assert.ok(result.in(fn).length > 0, `${fn}(): the unbalanced-looking paths are still mentioned`);
      assert.ok(result.in(fn).every((f) => f.severity === 'information'), result.describe());
    }
    assert.deepEqual(result.in('vf_reset_done'), []);
  });

  it('a second down() of a held semaphore is no certain deadlock', () => {
    assert.deepEqual(severities('vf_wait_twice'), ['double-lock:information']);
    assert.doesNotMatch(result.one('double-lock', 'vf_wait_twice').message, /: this deadlocks$/);
  });

  it('the lock order of a semaphore is kept', () => {
    assert.deepEqual(result.edges(), ['cmd_if.slots -> cmd_if.pages_sem', 'vf_dev.reset_sem -> vf_dev.stat_lock']);
  });

  it('an rw_semaphore used the same way is still reported', () => {
    const rwsem = analyseEdited(
      'precision/semaphores.c',
      ['\t\tdown(&vf->reset_sem);\n\t\tif', '\t\tdown_write(&vf->cfg_sem);\n\t\tif'],
      ['\t\tup(&vf->reset_sem);\n\t}', '\t\tup_write(&vf->cfg_sem);\n\t}'],
      ['\tdown(&vf->reset_sem);\n\tvf->state = 1;\n\tdown(&vf->reset_sem);', '\tdown_write(&vf->cfg_sem);\n\tvf->state = 1;\n\tdown_write(&vf->cfg_sem);'],
    );
    assert.equal(rwsem.one('unreleased-lock', 'vf_reset_prepare').severity, 'warning');
    assert.equal(rwsem.one('double-lock', 'vf_wait_twice').severity, 'error');
  });
});

describe('precision: elements of a lock array', () => {
  const result = analyseFixtures('precision/array_elements.c');

  it('x[N] then x[0], then x[i] in a loop, is no double lock; releases pair with their own elements', () => {
    assert.deepEqual(result.findings, [], result.describe());
    // Elements of one array are one class: no edge between them without a subclass.
    assert.deepEqual(result.edgesIn('nic_get_stats'), []);
    assert.deepEqual(result.edgesIn('nic_swap_totals'), ['nic.stat_lock[] -> nic.stat_lock[]/1']);
  });

  it('the same constant element taken twice is still a double lock', () => {
    const twice = analyseEdited('precision/array_elements.c', [
      '\tspin_lock(&np->stat_lock[0]);\n\tnp->stats[N_RINGS].errors',
      '\tspin_lock(&np->stat_lock[N_RINGS]);\n\tnp->stats[N_RINGS].errors',
    ]);
    assert.equal(twice.one('double-lock', 'nic_get_stats').severity, 'error');
    const sameVariable = analyseEdited('precision/array_elements.c', [
      '\t\tspin_lock(&np->stat_lock[i]);\n\t\tnp->stats[N_RINGS].packets',
      '\t\tspin_lock(&np->stat_lock[i]);\n\t\tspin_lock(&np->stat_lock[i]);\n\t\tnp->stats[N_RINGS].packets',
    ]);
    assert.equal(sameVariable.one('double-lock', 'nic_get_stats').severity, 'error');
  });

  it('a callee taking another constant element of a held array is no double lock; the same element is', () => {
    assert.deepEqual(result.in('nic_fold_ring0'), []);
    const same = analyseEdited('precision/array_elements.c', [
      '\tspin_lock(&np->stat_lock[0]);\n\tnic_add_totals',
      '\tspin_lock(&np->stat_lock[N_RINGS]);\n\tnic_add_totals',
    ]);
    assert.equal(same.one('double-lock', 'nic_fold_ring0').severity, 'error');
  });

  it('releasing one constant element twice is still reported', () => {
    const again = analyseEdited('precision/array_elements.c', ['\tspin_unlock(&np->tx_lock[1]);\n', '\tspin_unlock(&np->tx_lock[0]);\n']);
    assert.equal(again.one('unlock-unheld', 'nic_unlock_pair').severity, 'warning');
  });
});

describe('precision: sparse annotations take nothing', () => {
  const result = analyseFixtures('precision/sparse_annotations.c');

  it('__acquires(l) __releases(l) on a function that takes l itself is no double lock, and releases nothing of its caller', () => {
    assert.deepEqual(result.in('sta_flush'), [], result.describe());
    assert.deepEqual(result.in('sta_remove'), [], result.describe());
  });

  it('__acquire(l) just before the real lock call is no double lock', () => {
    assert.deepEqual(result.in('sta_reset'), [], result.describe());
  });

  it('two real acquisitions are still a double lock', () => {
    assert.deepEqual(result.in('sta_twice').map((f) => f.code), ['double-lock'], result.describe());
  });

  it('__releases(l) on a function that drops l first is believed: a path that skips the release and takes l again is a double lock', () => {
    assert.deepEqual(result.in('sta_xmote').map((f) => f.code), ['double-lock'], result.describe());
  });
});

describe('precision: calls that do not return', () => {
  const result = analyseFixtures('precision/noreturn.c');

  it('BUG() and panic() end the path: nothing after them is reported', () => {
    assert.deepEqual(result.in('erase_pending'), [], result.describe());
    assert.deepEqual(result.in('erase_check'), [], result.describe());
  });

  it('BUG_ON(cond), x_bug_on_msg(cond, …) and x_bug_on(ctx, cond) go on only when cond is false', () => {
    assert.deepEqual(result.in('erase_clear'), [], result.describe());
    assert.deepEqual(result.in('erase_clear2'), [], result.describe());
    assert.deepEqual(result.in('erase_clear3'), [], result.describe());
  });

  it('WARN_ON(cond) returns: the path without the mutex goes on', () => {
    assert.deepEqual(result.in('erase_clear_warn').map((f) => f.code), ['unlock-unheld'], result.describe());
  });

  it('without BUG() the path goes on and sleeps under the spinlock', () => {
    const edited = analyseEdited('precision/noreturn.c', ['\t\t\tBUG();\n', '\t\t\tc->erasing = 1;\n']);
    assert.ok(edited.in('erase_pending').some((f) => f.code === 'sleep-in-atomic'), edited.describe());
  });
});

describe('precision: wait_event_*_locked*() drop the queue lock while they sleep', () => {
  const result = analyseFixtures('precision/locked_waits.c');

  it('sleeping in a _locked wait under the queue lock only is not atomic', () => {
    assert.deepEqual(result.in('tick_read'), [], result.describe());
    assert.deepEqual(result.in('tick_wait'), [], result.describe());
  });

  it('another spinlock held across the wait is still reported', () => {
    const found = result.in('tick_read_stats');
    assert.deepEqual(found.map((f) => f.code), ['sleep-in-atomic'], result.describe());
    assert.deepEqual(found[0].locks, ['tick_ctx.stats_lock']);
  });

  it('a _locked wait without _irq keeps interrupts off while it sleeps', () => {
    assert.deepEqual(result.in('tick_wait_irqoff').map((f) => f.code), ['sleep-in-atomic'], result.describe());
  });

  it('wait_event_lock_irq() and its forms drop the lock they are given, and only that one', () => {
    assert.deepEqual(result.in('req_get'), [], result.describe());
    const found = result.in('req_get_counted');
    assert.deepEqual(found.map((f) => `${f.code} ${f.locks.join()}`), ['sleep-in-atomic req_queue.stat_lock'], result.describe());
  });

  it('a helper that waits dropping its caller\'s lock does not sleep under that lock, but under any other', () => {
    assert.deepEqual(result.in('req_send'), [], result.describe());
    assert.deepEqual(result.in('req_send_counted').map((f) => `${f.code} ${f.locks.join()}`), ['sleep-in-atomic req_queue.stat_lock'], result.describe());
  });
});

describe('precision: a downgrade deep in a callee, behind a flag', () => {
  const source = `
struct mm { struct rw_semaphore lock; };
static inline void mm_downgrade(struct mm *mm) { downgrade_write(&mm->lock); }
int unmap_range(struct mm *mm, int downgrade)
{
	if (downgrade)
		mm_downgrade(mm);
	return 0;
}
int unmap(struct mm *mm) { return unmap_range(mm, 0); }
int map_fixed(struct mm *mm)
{
	down_write(&mm->lock);
	unmap(mm);
	up_write(&mm->lock);
	return 0;
}
`;

  it('leaves the mode unknown: releasing it for writing is no mismatch', () => {
    const result = analyzeTexts([{ file: 'mm.c', text: source }]);
    assert.deepEqual(result.findings, [], describeFindings(result.findings));
  });

  it('a callee that downgrades in its own body still leaves it read-held', () => {
    const direct = source.replace('\tunmap(mm);\n', '\tmm_downgrade(mm);\n');
    const result = analyzeTexts([{ file: 'mm.c', text: direct }]);
    assert.deepEqual(result.findings.map((f) => `${f.code}:${f.function}`), ['mismatched-unlock:map_fixed'], describeFindings(result.findings));
  });
});

describe('precision: a lock handed to a partner function of the file', () => {
  const source = `
static DEFINE_MUTEX(cmd_mutex);

int cmd_pre_doit(struct cmd *c)
{
	if (c->flags & NEED_LOCK)
		mutex_lock(&cmd_mutex);
	if (c->bad) {
		if (c->flags & NEED_LOCK)
			mutex_unlock(&cmd_mutex);
		return -EINVAL;
	}
	return 0;
}

void cmd_post_doit(struct cmd *c)
{
	if (c->flags & NEED_LOCK)
		mutex_unlock(&cmd_mutex);
}
`;

  it('is a mention naming the partner', () => {
    const result = analyzeTexts([{ file: 'cmd.c', text: source }]);
    const leaks = result.findings.filter((f) => f.code === 'unreleased-lock');
    assert.ok(leaks.length > 0, describeFindings(result.findings));
    assert.ok(leaks.every((f) => f.severity === 'information' && f.message.includes('cmd_post_doit()')), describeFindings(result.findings));
  });

  it('without the partner it stays a warning', () => {
    const alone = source.slice(0, source.indexOf('void cmd_post_doit'));
    const result = analyzeTexts([{ file: 'cmd.c', text: alone }]);
    const leaks = result.findings.filter((f) => f.code === 'unreleased-lock');
    assert.ok(leaks.length > 0 && leaks.every((f) => f.severity === 'warning'), describeFindings(result.findings));
  });
});
