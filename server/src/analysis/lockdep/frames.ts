/**
 * Stack frames in the shapes kernels and their symbolizers print:
 *   foo_dev_reset+0x2c/0x120 [foo_dev]               %pS, from a module
 *   foo_dev_reset+0x2c/0x120 [foo_dev 5f3c...]       with CONFIG_STACKTRACE_BUILD_ID
 *   [<ffffffff810b5c8d>] lock_acquire+0x9d/0x220     kernels before 4.14
 *   ? check_usage_backwards+0x110/0x110              a return address the unwinder is unsure of
 *   __mutex_lock+0x175/0x9c0 kernel/locking/mutex.c:752       syzbot
 *   inode_lock include/linux/fs.h:804 [inline]       syzbot, an inlined call
 *   foo_dev_reset (drivers/misc/foo_dev.c:211) foo_dev        scripts/decode_stacktrace.sh
 */
import type { Range } from '../sites';
import type { StackFrame } from './types';

const HEAD = /^(\s*)(\[<([0-9a-f]+)>\]\s*)?(\?\s+)?([A-Za-z_][\w.$]*)(?:\+0x([0-9a-f]+)(?:\/0x([0-9a-f]+))?)?/;
const SOURCE_FILE = String.raw`[^\s():[\]]*\.[A-Za-z]\w*`;
const TAIL_PART = new RegExp(
  String.raw`\s+(?:(\[inline\])|\[([\w-]+)(?:\s+([0-9a-f]{8,}))?\]|\((${SOURCE_FILE}):(\d+)(?:\s+\(discriminator \d+\))?\)|(${SOURCE_FILE}):(\d+)|([\w-]+))`,
  'y',
);

/**
 * Parses `text` (one line's message, starting at `column` of line `line`) as a frame. Returns
 * undefined unless the whole text is a frame with an offset or a source position, so prose such
 * as `Call Trace:` or `lock(&dev->lock);` is never taken for one.
 */
export function parseFrame(text: string, line: number, column: number): StackFrame | undefined {
  const head = HEAD.exec(text);
  if (!head) return undefined;
  const [, indent, addressPart, address, question, name, offset, size] = head;
  const functionStart = column + indent.length + (addressPart?.length ?? 0) + (question?.length ?? 0);
  const end = trimmedLength(text);
  const frame: StackFrame = {
    function: name,
    inline: false,
    unreliable: question !== undefined,
    range: span(line, column + indent.length, column + end),
    functionRange: span(line, functionStart, functionStart + name.length),
  };
  if (address !== undefined) frame.address = address;
  if (offset !== undefined) frame.offset = parseInt(offset, 16);
  if (size !== undefined) frame.size = parseInt(size, 16);

  let at = head[0].length;
  while (at < end) {
    TAIL_PART.lastIndex = at;
    const part = TAIL_PART.exec(text);
    if (!part) return undefined;
    const [whole, inline, module, buildId, parenFile, parenLine, file, fileLine, bareWord] = part;
    if (inline !== undefined) frame.inline = true;
    else if (module !== undefined) {
      frame.module = module;
      if (buildId !== undefined) frame.buildId = buildId;
    } else if (parenFile !== undefined || file !== undefined) {
      const fileText = parenFile ?? file;
      const lineText = parenLine ?? fileLine;
      const fileStart = column + at + whole.indexOf(fileText);
      frame.file = fileText;
      frame.line = Number(lineText);
      frame.fileRange = span(line, fileStart, fileStart + fileText.length + 1 + lineText.length);
    } else if (bareWord !== undefined && frame.file !== undefined && frame.module === undefined) {
      // decode_stacktrace.sh names the module after the source position, without brackets.
      frame.module = bareWord;
    } else return undefined;
    at += whole.length;
  }
  if (frame.offset === undefined && frame.file === undefined) return undefined;
  return frame;
}

function trimmedLength(text: string): number {
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
  return end;
}

function span(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

/**
 * Functions of lockdep itself, of the stack dumper, and of the lock primitives and their wrappers:
 * the frames an edge's call site is not in. Compiler suffixes (`.isra.0`, `.part.37`) are ignored.
 */
const LOCKING_FUNCTION = new RegExp(
  '^(?:' +
    [
      '_*lock_acquire[d]?',
      '_*lock_release',
      'lock_contended',
      'lockdep_\\w+',
      'validate_chain',
      'check_prevs?_add',
      'check_noncircular',
      'check_deadlock',
      'check_irq_usage',
      'check_usage_\\w+',
      'check_wait_context',
      'print_\\w+',
      'mark_lock\\w*',
      'mark_usage',
      'mark_irqflags',
      'valid_state',
      'dump_stack\\w*',
      '_*dump_stack',
      'show_stack',
      '_*(?:raw_)?(?:spin|read|write)_(?:un)?lock\\w*',
      '_*raw_(?:spin|read|write)_(?:un)?lock\\w*',
      '_*mutex_(?:un)?lock\\w*',
      'mutex_trylock\\w*',
      '_*down(?:_\\w+)?',
      '_*up(?:_read|_write)?',
      '_*rwsem_\\w+',
      '_*rt_(?:mutex|spin)_\\w+',
      '_*ww_mutex_\\w+',
      '_*percpu_(?:down|up)_\\w+',
      'rcu_lock_acquire',
      'lock_map_acquire\\w*',
      'lock_sock_nested',
      '_*flush_work(?:queue)?',
      'start_flush_work',
      'touch_w(?:q|ork)_lockdep_map',
    ].join('|') +
    ')(?:\\.[\\w.]*)?$',
);

export function isLockingFrame(frame: StackFrame): boolean {
  return LOCKING_FUNCTION.test(frame.function);
}

/** The call that took the lock: the first frame that is neither inlined, unreliable nor locking code. */
export function acquisitionSite(frames: StackFrame[]): StackFrame | undefined {
  return frames.find((f) => !f.inline && !f.unreliable && !isLockingFrame(f));
}
