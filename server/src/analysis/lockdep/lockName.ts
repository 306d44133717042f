/**
 * Lock names as lockdep prints them, and the `(name){usage}-{outer:inner}` token around them.
 *
 * A lockdep class name is the stringified argument of the init macro, plus decorations:
 *   &dev->lock                   mutex_init(&dev->lock)
 *   &(&priv->lock)->rlock        spin_lock_init(&priv->lock) before 5.7: the raw lock inside spinlock_t
 *   &sb->s_type->i_mutex_key#3   `#N` tells apart classes whose names collide (different keys)
 *   &foo->mutex/1                `/N` is the subclass of mutex_lock_nested(..., 1)
 *   (wq_completion)events        a lockdep_map of a workqueue, tagged with its family
 */
import type { LockName, UsageState, WaitType } from './types';

export function normalizeLockName(raw: string): LockName {
  let rest = raw.trim();
  let subclass: number | undefined;
  let version: number | undefined;
  const sub = /\/(\d+)$/.exec(rest);
  if (sub) {
    subclass = Number(sub[1]);
    rest = rest.slice(0, sub.index);
  }
  const ver = /#(\d+)$/.exec(rest);
  if (ver) {
    version = Number(ver[1]);
    rest = rest.slice(0, ver.index);
  }
  let tag: string | undefined;
  const tagged = /^\((\w+)\)(?=[^-.\s])/.exec(rest);
  if (tagged) {
    tag = tagged[1];
    rest = rest.slice(tagged[0].length);
  }
  const accessPath = toAccessPath(rest);
  const name: LockName = { raw, accessPath, field: lastField(accessPath) };
  if (version !== undefined) name.version = version;
  if (subclass !== undefined) name.subclass = subclass;
  if (tag !== undefined) name.tag = tag;
  return name;
}

/** `&(&priv->lock)->rlock` → `priv->lock`; `(&x)->y` → `x.y`; `&dev->lock` → `dev->lock`. */
function toAccessPath(expr: string): string {
  let e = expr.trim();
  while (e.startsWith('&')) e = e.slice(1);
  if (!e.startsWith('(')) return e;
  const close = matchingParen(e, 0);
  if (close < 0) return e;
  const inner = e.slice(1, close).trim();
  const member = e.slice(close + 1);
  const base = toAccessPath(inner);
  if (member === '') return base;
  const takesAddress = inner.startsWith('&');
  // spinlock_t only wraps a raw_spinlock_t named rlock: the C lock is the spinlock_t itself.
  if (takesAddress && member === '->rlock') return base;
  if (takesAddress && member.startsWith('->')) return `${base}.${member.slice(2)}`;
  return base + member;
}

function lastField(path: string): string {
  const parts = path.split(/->|\./);
  const last = parts[parts.length - 1].replace(/\[[^\]]*\]$/, '');
  return last === '' ? path : last;
}

/** Index of the parenthesis closing the one at `open`, or -1. */
function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

const USAGE_STATES: UsageState['state'][] = ['HARDIRQ', 'SOFTIRQ', 'RECLAIM_FS'];

/** Decodes `+.-?`: two characters (write, read) per irq state, in HARDIRQ, SOFTIRQ, RECLAIM_FS order. */
export function decodeUsage(usage: string): UsageState[] {
  const states: UsageState[] = [];
  for (let i = 0; i < usage.length && i < 2 * USAGE_STATES.length; i++) {
    const c = usage[i];
    states.push({
      state: USAGE_STATES[Math.floor(i / 2)],
      read: i % 2 === 1,
      usedInContext: c === '-' || c === '?',
      usedWithContextEnabled: c === '+' || c === '?',
    });
  }
  return states;
}

export interface LockToken {
  name: string;
  /** Columns of the name inside `text`, without its parentheses. */
  nameStart: number;
  nameEnd: number;
  usage: string;
  waitType?: WaitType;
  /** Column just past the token. */
  end: number;
}

const USAGE_SUFFIX = /\)\{([-+.?]{4,8})\}(?:-\{(\d+):(\d+)\})?/g;

/**
 * Finds the next `(name){usage}` token at or after `from`. The name may itself contain balanced
 * parentheses, so the token is found by its `){usage}` end and walked back to its opening one.
 */
export function findLockToken(text: string, from = 0): LockToken | undefined {
  USAGE_SUFFIX.lastIndex = from;
  for (let m = USAGE_SUFFIX.exec(text); m; m = USAGE_SUFFIX.exec(text)) {
    const open = openingParen(text, m.index, from);
    if (open < 0) continue;
    const token: LockToken = {
      name: text.slice(open + 1, m.index),
      nameStart: open + 1,
      nameEnd: m.index,
      usage: m[1],
      end: m.index + m[0].length,
    };
    if (m[2] !== undefined) token.waitType = { outer: Number(m[2]), inner: Number(m[3]) };
    return token;
  }
  return undefined;
}

function openingParen(text: string, close: number, floor: number): number {
  let depth = 0;
  for (let i = close; i >= floor; i--) {
    if (text[i] === ')') depth++;
    else if (text[i] === '(' && --depth === 0) return i;
  }
  return -1;
}
