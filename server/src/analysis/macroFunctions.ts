/**
 * Function-like macros that wrap lock calls, read as functions of their parameters:
 *
 *     #define node_lock_irqsave(p, flags) do { spin_lock_irqsave(&(p)->lock, flags); } while (0)
 *
 * takes `p->lock` for its caller as `static inline void node_lock_irqsave(…)` would. tree-sitter
 * keeps a macro's body as text; here each wrapper's body becomes the body of a C function, in one
 * text per file that is parsed on its own, with the place in the file each character came from so
 * that what is found in it points at the macro.
 */
import type { LockApiCatalogue } from './lockApis';

export interface MacroDefinition {
  name: string;
  /** Parameter names; `...` is `__VA_ARGS__`. */
  params: string[];
  /** The replacement text, line continuations included. */
  body: string;
  /** Offset of `body` in the file. */
  bodyStart: number;
}

/** A name followed by `(`: a call, unless the name is one of `NOT_CALLS`. */
export const CALL_START = /\b([A-Za-z_]\w*)\s*\(/g;

/** Words of C followed by `(` that are not calls. */
export const NOT_CALLS: ReadonlySet<string> = new Set(['if', 'while', 'for', 'switch', 'return', 'sizeof', 'typeof', '__typeof__', 'defined', 'do', 'case', 'alignof', '_Alignof', 'offsetof']);

/**
 * Whether a macro is read as a function: it calls a lock API, or is named for unlocking and calls a
 * function (`#define shm_unlock(shp) ipc_unlock(&(shp)->shm_perm)`, whose callee's summary says what
 * it releases); it is not a lock API itself; and its body is a statement or an expression of its own.
 * (One named for locking that calls a helper is left unread: helpers that take a lock often hand it
 * out through a pointer as well, `pte_alloc_map_lock(…, &ptl)`, which one more level of macro hides.)
 * A body that returns or jumps acts on its caller's flow (`if (!x) return -EINVAL;`), and one that
 * pastes tokens builds code: those stay unread.
 */
export function isLockWrapperMacro(name: string, body: string, catalogue: LockApiCatalogue): boolean {
  if (catalogue.get(name) || body.includes('#')) return false;
  if (/\b(?:return|goto)\b/.test(body)) return false;
  const unlockNamed = UNLOCK_NAMED.test(name);
  for (const match of body.matchAll(CALL_START)) if (catalogue.get(match[1]) || (unlockNamed && !NOT_CALLS.has(match[1]))) return true;
  return false;
}

/** `shm_unlock`, `dev_unlock_irq`, `unlock_page`: a macro name with `unlock` as a word of it. */
const UNLOCK_NAMED = /(?:^|_)unlock(?:_|$)/;

/** Text built from pieces of a file, with the file offset each character came from. */
class MappedText {
  text = '';
  readonly origin: number[] = [];

  /** Text of our own, standing at file offset `at`. */
  insert(text: string, at: number): void {
    this.text += text;
    for (let i = 0; i < text.length; i++) this.origin.push(at);
  }

  /** `text` as found at file offset `at`. */
  copy(text: string, at: number): void {
    this.text += text;
    for (let i = 0; i < text.length; i++) this.origin.push(at + i);
  }
}

/**
 * One C function per macro, `int NAME(void) { … }`, in a text whose characters each know their
 * offset in the file. The parameters are the macro's (the caller names them); the body is:
 * - `do { … } while (0)`, `{ … }` or statements: as written, ended by `;`;
 * - `({ …; last; })`: its statements, then `return last;` (the value the macro gives);
 * - an expression: `return expression;`.
 */
export function macroFunctionsText(macros: readonly MacroDefinition[]): { text: string; origin: number[] } {
  const out = new MappedText();
  for (const macro of macros) {
    // A backslash ending a line joins it to the next; as C text it is a blank.
    const body = macro.body.replace(/\\(?=\r?\n)/g, ' ').replace(/\s+$/, '');
    const start = macro.bodyStart;
    out.insert(`\nint ${macro.name}(void)\n{\n`, start);
    const trimmedStart = body.length - body.trimStart().length;
    // Braces and semicolons are counted in the code alone, comments and strings blanked.
    const code = body.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, (m) => ' '.repeat(m.length));
    const inner = statementExpressionInner(code);
    if (inner) {
      const last = lastStatementStart(code, inner.from, inner.to);
      out.copy(body.slice(inner.from, last), start + inner.from);
      out.insert('return ', start + last);
      out.copy(body.slice(last, inner.to), start + last);
    } else if (/^\s*(?:do\b|\{)/.test(code) || hasTopLevelSemicolon(code)) {
      out.copy(body, start);
      out.insert(';', start + body.length);
    } else {
      out.insert('return ', start + trimmedStart);
      out.copy(body, start);
      out.insert(';', start + body.length);
    }
    out.insert('\n}\n', start + body.length);
  }
  return { text: out.text, origin: out.origin };
}

/** `({ … })`: the offsets just inside the braces; null for any other body. */
function statementExpressionInner(body: string): { from: number; to: number } | null {
  const open = /^\s*\(\s*\{/.exec(body);
  const close = /\}\s*\)\s*$/.exec(body);
  if (!open || !close || close.index < open[0].length) return null;
  if (matchingClose(body, open[0].length - 1) !== close.index) return null;
  return { from: open[0].length, to: close.index };
}

/** Where the last statement between `from` and `to` starts: after the last `;` or `}` at the top level before its own end. */
function lastStatementStart(body: string, from: number, to: number): number {
  let end = to;
  while (end > from && /\s/.test(body[end - 1])) end--;
  if (body[end - 1] === ';') end--;
  let depth = 0;
  let start = from;
  for (let i = from; i < end; i++) {
    const c = body[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0 && c === '}') start = i + 1;
    } else if (c === ';' && depth === 0) start = i + 1;
  }
  while (start < end && /\s/.test(body[start])) start++;
  return start;
}

function hasTopLevelSemicolon(body: string): boolean {
  let depth = 0;
  for (const c of body) {
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ';' && depth === 0) return true;
  }
  return false;
}

function matchingClose(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
