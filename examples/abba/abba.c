// SPDX-License-Identifier: GPL-2.0
/*
 * The classic ABBA deadlock: two paths take the same two locks in opposite orders.
 * If thread 1 holds lock1 in abba_thread1() while thread 2 holds lock2 in abba_thread2(),
 * each waits forever for the lock the other holds.
 */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/mutex.h>

static DEFINE_MUTEX(lock1);
static DEFINE_MUTEX(lock2);
static int shared_count;

static int abba_thread1(void *data)
{
	mutex_lock(&lock1);
	mutex_lock(&lock2);
	shared_count++;
	mutex_unlock(&lock2);
	mutex_unlock(&lock1);
	return 0;
}

static int abba_thread2(void *data)
{
	mutex_lock(&lock2);
	mutex_lock(&lock1);
	shared_count--;
	mutex_unlock(&lock1);
	mutex_unlock(&lock2);
	return 0;
}

static int __init abba_init(void)
{
	kthread_run(abba_thread1, NULL, "abba1");
	kthread_run(abba_thread2, NULL, "abba2");
	return 0;
}

static void __exit abba_exit(void)
{
}

module_init(abba_init);
module_exit(abba_exit);
MODULE_LICENSE("GPL");
