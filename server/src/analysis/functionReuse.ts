/**
 * Incremental extraction for an open document: after a keystroke, the functions whose text did
 * not change are not copied from the tree nor walked again; their facts from the previous
 * extraction are moved to their new line instead.
 *
 * A function's facts depend only on its own text, its first line and its starting column (the
 * columns on its first line): the same text at the same column yields the same facts, every
 * position moved by the difference in lines. Only function definitions that extraction reaches as
 * top-level definitions (possibly inside `#if` blocks or `extern "C"`) are reused, and only those
 * whose tree had no ERROR node and whose text has no `lockorder` directive, so that what the file
 * counts or collects outside its functions (error nodes, directives in comments) is the same
 * whether a function was reused or extracted.
 */
import { TOP_LEVEL_CONTAINERS } from './extract';
import type { FunctionFacts, Stmt } from './functionFacts';
import { spanMovedBy, type Range, type Span } from './sites';
import type { LockApiCatalogue } from './lockApis';
import type { LiteNode } from './parser';

interface Remembered {
  facts: FunctionFacts;
  line: number;
}

/** The functions of one document's last extraction, keyed by starting column and text. */
export class FunctionReuse {
  private remembered = new Map<string, Remembered>();
  private catalogue: LockApiCatalogue | undefined;

  /** Starts an extraction of the document's current text. */
  begin(text: string, catalogue: LockApiCatalogue): ReuseRound {
    // Facts depend on the lock APIs: with other APIs, nothing is reused.
    if (catalogue !== this.catalogue) this.remembered = new Map();
    this.catalogue = catalogue;
    return new ReuseRound(text, this.remembered, (next) => (this.remembered = next));
  }
}

/** One extraction: what it may take from the last one, and what it leaves for the next. */
export class ReuseRound {
  /** The functions skipped, with their keys (a key is the function's whole text: made once). */
  private readonly pruned = new Map<LiteNode, string>();
  private readonly next = new Map<string, Remembered>();

  constructor(
    private readonly text: string,
    private readonly previous: ReadonlyMap<string, Remembered>,
    private readonly finish: (next: Map<string, Remembered>) => void,
  ) {}

  /** Whether the tree copy may skip this node's subtree: a function whose facts are remembered. */
  has(node: LiteNode): boolean {
    if (node.type !== 'function_definition' || !isTopLevel(node)) return false;
    const key = keyOf(node);
    if (!this.previous.has(key)) return false;
    this.pruned.set(node, key);
    return true;
  }

  /** The remembered facts of a skipped function, moved to where it is now. */
  take(node: LiteNode): FunctionFacts | undefined {
    const key = this.pruned.get(node);
    if (key === undefined) return undefined;
    const { facts, line } = this.previous.get(key)!;
    return movedBy(facts, node.startPosition.row - line);
  }

  /** Keeps a top-level function's facts for the next extraction, when they can be reused. */
  remember(node: LiteNode, facts: FunctionFacts): void {
    if (!isTopLevel(node)) return;
    const key = this.pruned.get(node);
    if (key === undefined) {
      if (this.text.slice(node.startIndex, node.endIndex).includes('lockorder')) return;
      if (node.descendantsOfType('ERROR').length > 0) return;
    }
    this.next.set(key ?? keyOf(node), { facts, line: node.startPosition.row });
  }

  /** Makes this extraction's functions the ones the next extraction may reuse. */
  end(): void {
    this.finish(this.next);
  }
}

function isTopLevel(node: LiteNode): boolean {
  for (let up = node.parent; up; up = up.parent) if (!TOP_LEVEL_CONTAINERS.has(up.type)) return false;
  return true;
}

function keyOf(node: LiteNode): string {
  return `${node.startPosition.column}\u0000${node.text}`;
}

/**
 * A copy of the facts with every position `delta` lines further down; the facts themselves when
 * they did not move (so that the program knows the function for the same one).
 *
 * The body, where nearly all positions are, is copied on first use only: a function that only moved
 * keeps its analysis (see movedFunctions.ts), so nothing reads its body until it is analysed again or
 * a request looks into it, and a line added at the top of a big file would otherwise copy every body
 * below it on every keystroke. Moved again before that, it is still copied once, from the first body.
 */
export function movedBy(facts: FunctionFacts, delta: number): FunctionFacts {
  if (delta === 0) return facts;
  // Moved again before its body was read: moved from the facts whose body it would copy, by both moves.
  const last = bodies.get(facts);
  const from = last?.from ?? facts;
  const lines = (last?.from ? last.lines : 0) + delta;
  // Only the ranges and the body hold positions (parameters, locals and contracts are names and types).
  const moved = {
    name: from.name,
    file: from.file,
    isStatic: from.isStatic,
    range: movedRange(from.range, lines),
    nameRange: movedRange(from.nameRange, lines),
    params: from.params,
    locals: from.locals,
    contracts: from.contracts,
  } as FunctionFacts;
  // One getter for all (a getter written in the literal would make each object a slow dictionary).
  Object.defineProperty(moved, 'body', MOVED_BODY);
  moved.syntaxErrors = from.syntaxErrors;
  if (from.incomplete !== undefined) moved.incomplete = from.incomplete;
  if (from.newObjectFlags !== undefined) moved.newObjectFlags = from.newObjectFlags;
  bodies.set(moved, { from, lines, body: undefined });
  origins.set(moved, { facts, delta });
  // Only the last move is asked about (the program and the snapshot know the facts moved from, not
  // those before): without this, every version of a function that kept moving would stay reachable.
  origins.delete(facts);
  return moved;
}

function movedRange(range: Range, lines: number): Range {
  return { start: { line: range.start.line + lines, character: range.start.character }, end: { line: range.end.line + lines, character: range.end.character } };
}

/**
 * The body of moved facts: until it is first read, the facts whose body it copies (`from`) and how
 * many lines below them it is; then the copy.
 */
const bodies = new WeakMap<FunctionFacts, { from: FunctionFacts | undefined; lines: number; body: Stmt[] | undefined }>();

const MOVED_BODY: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: FunctionFacts): Stmt[] {
    const moved = bodies.get(this)!;
    if (moved.body === undefined) {
      moved.body = copyMovedBy(moved.from!.body, moved.lines) as Stmt[];
      moved.from = undefined;
    }
    return moved.body;
  },
};

/** Facts made by `movedBy`, with what they were made from, until they are moved again. */
const origins = new WeakMap<FunctionFacts, { facts: FunctionFacts; delta: number }>();

/**
 * The facts these were moved from by `movedBy`, and by how many lines; undefined for facts it did not
 * make, and for facts moved again since.
 */
export function movedFrom(facts: FunctionFacts): { facts: FunctionFacts; delta: number } | undefined {
  return origins.get(facts);
}

/**
 * Facts are plain data without cycles (the CLI's workers send them as JSON), so the copy is a tree
 * walk; objects with no position inside (lock expressions, types, conditions) are shared with the
 * old facts rather than copied.
 */
function copyMovedBy(value: unknown, delta: number): unknown {
  const copy = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const moved = copy(value[i]);
        if (moved !== value[i]) (out ??= value.slice())[i] = moved;
      }
      return out ?? value;
    }
    const source = value as Record<string, unknown>;
    if (isPosition(source)) return { line: source.line + delta, character: source.character };
    let out: Record<string, unknown> | undefined;
    for (const key in source) {
      // A statement's site is a number (see `Span`), known by its key.
      const moved = key === 'site' ? spanMovedBy(source[key] as Span, delta) : copy(source[key]);
      if (moved !== source[key]) (out ??= { ...source })[key] = moved;
    }
    return out ?? source;
  };
  return copy(value);
}

/** `{ line, character }` and nothing else. */
function isPosition(value: Record<string, unknown>): value is { line: number; character: number } {
  if (typeof value.line !== 'number' || typeof value.character !== 'number') return false;
  let keys = 0;
  for (const _ in value) keys++;
  return keys === 2;
}
