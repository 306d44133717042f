/**
 * Normalising lock expressions: `&(dev)->queues[i].lock`, `&dev->queues[j].lock` and
 * `dev->queues[0].lock` are one instance shape, `dev->queues[].lock`.
 */
import type { LockExpr } from './functionFacts';
import type { NodeLike } from './parser';

export function makeLockExpr(root: string, steps: string[], indices?: string[]): LockExpr {
  const expr: LockExpr = { root, steps, text: root + steps.join('') };
  if (indices && indices.length > 0 && indices.length === steps.filter((s) => s === '[]').length) expr.indices = indices;
  return expr;
}

/** A constant index: numbers and upper-case macro or enum names, with operators (`N_TX_RINGS - 1`). */
const CONSTANT_INDEX = /^(?:\s|0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|[A-Z_][A-Z0-9_]*|[-+*/%()<>|&~^])+$/;

function isConstantIndex(index: string): boolean {
  return CONSTANT_INDEX.test(index) && /[A-Z0-9]/.test(index);
}

/**
 * `x[A]` and `x[B]` where both index texts are known and differ somewhere: not shown to be one
 * element. With `constantsOnly`, only two different constants count (`x[0]` and `x[N]` are two
 * elements; `x[i]` may be either).
 */
export function otherElement(a: LockExpr, b: LockExpr, constantsOnly = false): boolean {
  if (!a.indices || !b.indices || a.indices.length !== b.indices.length) return false;
  return a.indices.some((index, i) => index !== b.indices![i] && (!constantsOnly || (isConstantIndex(index) && isConstantIndex(b.indices![i]))));
}

/**
 * Two members of one object, never one lock whatever the pointers hold: the same root and path up
 * to a step that names two different members, and no pointer followed after it
 * (`tbl->large_pool.lock` and `tbl->pools[i].lock`).
 */
export function distinctMembers(a: LockExpr, b: LockExpr): boolean {
  if (a.root !== b.root) return false;
  let k = 0;
  while (k < a.steps.length && k < b.steps.length && a.steps[k] === b.steps[k]) k++;
  if (k === a.steps.length || k === b.steps.length || a.steps[k] === '[]' || b.steps[k] === '[]') return false;
  // (`.iq` and `->iq` name one member, reached through an address or a pointer.)
  const member = (step: string) => step.replace(/^(->|\.)/, '');
  if (member(a.steps[k]) === member(b.steps[k])) return false;
  const followsPointer = (steps: string[]) => steps.slice(k + 1).some((step) => step.startsWith('->'));
  return !followsPointer(a.steps) && !followsPointer(b.steps);
}

/** `p`, `dev->port`, `tbl->large_pool.lock`: a variable and the fields reached from it, nothing else. */
export const ACCESS_PATH = /^[A-Za-z_]\w*(?:(?:->|\.)[A-Za-z_]\w*)*$/;

/** Whether `text` reads the variable `variable` (`dev` in `dev->lock`, not in `ndev` or `p->dev`). */
export function mentions(text: string, variable: string): boolean {
  let from = 0;
  for (;;) {
    const at = text.indexOf(variable, from);
    if (at < 0) return false;
    const before = at === 0 ? '' : text[at - 1];
    const after = text[at + variable.length] ?? '';
    if (!/[\w.>]/.test(before) && !/\w/.test(after)) return true;
    from = at + 1;
  }
}

/** An element named by a variable index (`x[i]`): which one it is changes as the code runs. */
export function variableElement(expr: LockExpr): boolean {
  return (expr.indices ?? []).some((index) => !isConstantIndex(index));
}

/** The instance text with its indices spelled out where known: `cp->stat_lock[0]`. */
export function elementText(expr: LockExpr): string {
  if (!expr.indices) return expr.text;
  let next = 0;
  return expr.root + expr.steps.map((s) => (s === '[]' ? `[${expr.indices![next++]}]` : s)).join('');
}

function indexText(node: NodeLike | null): string {
  return (node?.text ?? '').replace(/\s+/g, ' ').trim();
}

/** From a syntax node; null for literals and other expressions that cannot name a lock. */
export function lockExprOfNode(node: NodeLike): LockExpr | null {
  const steps: string[] = [];
  const indices: string[] = [];
  let current: NodeLike | null = node;
  while (current) {
    switch (current.type) {
      case 'parenthesized_expression':
        current = current.firstNamedChild;
        continue;
      case 'cast_expression':
        current = current.childForFieldName('value');
        continue;
      case 'pointer_expression':
        // `&x` and `*x` name the same lock for our purposes.
        current = current.childForFieldName('argument');
        continue;
      case 'field_expression': {
        const field = current.childForFieldName('field');
        const operator = current.childForFieldName('operator');
        if (!field) return null;
        steps.push(`${operator?.type === '.' ? '.' : '->'}${field.text}`);
        current = current.childForFieldName('argument');
        continue;
      }
      case 'subscript_expression':
        steps.push('[]');
        indices.push(indexText(current.childForFieldName('index')));
        current = current.childForFieldName('argument');
        continue;
      case 'identifier':
        return makeLockExpr(current.text, steps.reverse(), indices.reverse());
      case 'call_expression': {
        // `&get_dev(x)->lock`: the root is a call; keep its callee so the text stays recognisable.
        const callee = current.childForFieldName('function');
        if (!callee || callee.type !== 'identifier') return null;
        const accessed = privateAccess(current, callee.text);
        if (accessed) {
          steps.push(`->${accessed.member}`);
          current = accessed.object;
          continue;
        }
        return makeLockExpr(`${callee.text}()`, steps.reverse(), indices.reverse());
      }
      default:
        return null;
    }
  }
  return null;
}

/** The kernel's `ACCESS_PRIVATE(p, member)` is `(p)->member` (marked for sparse): the object and the member. */
function privateAccess(call: NodeLike, callee: string): { object: NodeLike; member: string } | null {
  if (callee !== 'ACCESS_PRIVATE') return null;
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  return args.length === 2 && args[1].type === 'identifier' ? { object: args[0], member: args[1].text } : null;
}

const TEXT_STEP = /^(->|\.)\s*([A-Za-z_]\w*)|^\[[^\]]*\]/;

/**
 * From text, for annotations that tree-sitter does not parse (`__acquires(&dev->lock)`) and for
 * lockdep's class names. Returns null when the text is not an access path.
 */
export function lockExprOfText(raw: string): LockExpr | null {
  let text = raw.trim().replace(/\bACCESS_PRIVATE\s*\(\s*([^(),]+?)\s*,\s*([A-Za-z_]\w*)\s*\)/g, '($1)->$2');
  for (;;) {
    const before = text;
    text = text.replace(/^[&*]\s*/, '');
    // `(&x)->rlock` and `(x)`: drop one level of parentheses around the head.
    const head = /^\(\s*([^()]*)\s*\)/.exec(text);
    if (head) text = head[1] + text.slice(head[0].length);
    if (text === before) break;
  }
  const root = /^[A-Za-z_]\w*/.exec(text);
  if (!root) return null;
  let rest = text.slice(root[0].length).trim();
  const steps: string[] = [];
  const indices: string[] = [];
  while (rest.length > 0) {
    const step = TEXT_STEP.exec(rest);
    if (!step) return null;
    steps.push(step[1] ? `${step[1]}${step[2]}` : '[]');
    if (!step[1]) indices.push(step[0].slice(1, -1).replace(/\s+/g, ' ').trim());
    rest = rest.slice(step[0].length).trim();
  }
  return makeLockExpr(root[0], steps, indices);
}

/** The last field name, or the root for a bare variable: what a lock is called in prose. */
export function lastName(expr: LockExpr): string {
  for (let i = expr.steps.length - 1; i >= 0; i--) {
    const step = expr.steps[i];
    if (step !== '[]') return step.replace(/^(->|\.)/, '');
  }
  return expr.root;
}

/** Re-roots a callee's lock expression at the caller's argument: `f->lock` with `f` := `dev->child`. */
export function substituteRoot(expr: LockExpr, replacement: LockExpr): LockExpr {
  const known = (e: LockExpr) => (e.steps.includes('[]') ? e.indices : []);
  const [outer, inner] = [known(replacement), known(expr)];
  return makeLockExpr(replacement.root, [...replacement.steps, ...expr.steps], outer && inner ? [...outer, ...inner] : undefined);
}
