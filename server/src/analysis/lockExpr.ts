/**
 * Normalising lock expressions: `&(dev)->queues[i].lock`, `&dev->queues[j].lock` and
 * `dev->queues[0].lock` are one instance shape, `dev->queues[].lock`.
 */
import type { LockExpr } from './functionFacts';
import type { NodeLike } from './parser';

export function makeLockExpr(root: string, steps: string[]): LockExpr {
  return { root, steps, text: root + steps.join('') };
}

/** From a syntax node; null for literals and other expressions that cannot name a lock. */
export function lockExprOfNode(node: NodeLike): LockExpr | null {
  const steps: string[] = [];
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
        current = current.childForFieldName('argument');
        continue;
      case 'identifier':
        return makeLockExpr(current.text, steps.reverse());
      case 'call_expression': {
        // `&get_dev(x)->lock`: the root is a call; keep its callee so the text stays recognisable.
        const callee = current.childForFieldName('function');
        if (!callee || callee.type !== 'identifier') return null;
        return makeLockExpr(`${callee.text}()`, steps.reverse());
      }
      default:
        return null;
    }
  }
  return null;
}

const TEXT_STEP = /^(->|\.)\s*([A-Za-z_]\w*)|^\[[^\]]*\]/;

/**
 * From text, for annotations that tree-sitter does not parse (`__acquires(&dev->lock)`) and for
 * lockdep's class names. Returns null when the text is not an access path.
 */
export function lockExprOfText(raw: string): LockExpr | null {
  let text = raw.trim();
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
  while (rest.length > 0) {
    const step = TEXT_STEP.exec(rest);
    if (!step) return null;
    steps.push(step[1] ? `${step[1]}${step[2]}` : '[]');
    rest = rest.slice(step[0].length).trim();
  }
  return makeLockExpr(root[0], steps);
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
  return makeLockExpr(replacement.root, [...replacement.steps, ...expr.steps]);
}
