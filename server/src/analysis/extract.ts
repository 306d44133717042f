/**
 * Syntax tree → lock facts. Statements are walked here in JavaScript; expressions are searched with
 * the parser's native `descendantsOfType`, which keeps the walk fast on kernel-sized files.
 *
 * tree-sitter recovers from macros in two ways this module must undo: `list_for_each_entry(…) { … }`
 * comes out as a call with a MISSING `;` followed by a block (a loop, here), and `scoped_guard(…)
 * { … }` the same way (a guarded scope). ERROR nodes are walked as plain sequences so that no lock
 * call inside them is lost, and their order is kept.
 */
import { allStatements, atomTexts, isTaskField, isTaskStore } from './functionFacts';
import type {
  CallStmt,
  Cond,
  Contracts,
  FileFacts,
  FunctionFacts,
  IgnoreDirectives,
  LockExpr,
  LockStmt,
  Stmt,
  StructDef,
  TypeRef,
} from './functionFacts';
import type { FunctionReuse, ReuseRound } from './functionReuse';
import { ATOMIC_OPS, DEFAULT_CATALOGUE, GUARD_TYPES, LOCK_TYPES, LockApiCatalogue, failsOnlyWhenInterrupted, isBugOnCall, isHeldAssertion, lockedWait, isNoReturnCall, isSleepingCall, isSparseAnnotation, sleepingGfp } from './lockApis';
import { ACCESS_PATH, lockExprOfNode, lockExprOfText, makeLockExpr, mentions, variableElement } from './lockExpr';
import { CALL_START, isLockWrapperMacro, macroFunctionsText, NOT_CALLS, type MacroDefinition } from './macroFunctions';
import { newObjectFlags } from './newObjects';
import { hasSyntaxErrors, LiteNode, liteTree, lineStarts as startsOfLines, normaliseLineBreaks, parseAndCopy, positionIn, type Deadline, type Pruning, type SyntaxTree } from './parser';
import { rangeOfSpan, spanAt, spanOf, type Position, type Range, type Span } from './sites';

export function rangeOf(node: { startPosition: { row: number; column: number }; endPosition: { row: number; column: number } }): Range {
  const s = node.startPosition;
  const e = node.endPosition;
  return { start: { line: s.row, character: s.column }, end: { line: e.row, character: e.column } };
}

/** A statement's site (see `Span`). */
function spanOfNode(node: { startPosition: { row: number; column: number }; endPosition: { row: number; column: number } }): Span {
  const s = node.startPosition;
  const e = node.endPosition;
  return spanAt(s.row, s.column, e.row, e.column);
}


const LOCK_TYPE_KIND: Record<string, string> = {
  spinlock_t: 'spinlock',
  raw_spinlock_t: 'raw_spinlock',
  rwlock_t: 'rwlock',
  mutex: 'mutex',
  rt_mutex: 'rt_mutex',
  rw_semaphore: 'rwsem',
  semaphore: 'semaphore',
  pthread_mutex_t: 'pthread_mutex',
  pthread_rwlock_t: 'pthread_rwlock',
  pthread_spinlock_t: 'pthread_spinlock',
  mtx_t: 'c11_mutex',
  KSPIN_LOCK: 'kspin_lock',
  FAST_MUTEX: 'fast_mutex',
  CRITICAL_SECTION: 'critical_section',
  SRWLOCK: 'srwlock',
};

const DEFINE_LOCK_MACRO =
  /\b(DEFINE_SPINLOCK|DEFINE_RAW_SPINLOCK|DEFINE_RWLOCK|DEFINE_MUTEX|DECLARE_RWSEM|DEFINE_SEMAPHORE|DEFINE_RT_MUTEX)\s*\(\s*([A-Za-z_]\w*)/g;

/** `static ` at the start of a line, before a `DEFINE_MUTEX(…)` on it. */
const STATIC_BEFORE = /^\s*static\s+$/;

const MACRO_KIND: Record<string, string> = {
  DEFINE_SPINLOCK: 'spinlock',
  DEFINE_RAW_SPINLOCK: 'raw_spinlock',
  DEFINE_RWLOCK: 'rwlock',
  DEFINE_MUTEX: 'mutex',
  DECLARE_RWSEM: 'rwsem',
  DEFINE_SEMAPHORE: 'semaphore',
  DEFINE_RT_MUTEX: 'rt_mutex',
};

const CONTRACT = /\b__(acquires|releases|must_hold|cond_acquires)\s*\(((?:[^()]|\([^()]*\))*)\)/g;

/** Loop-like macros: `list_for_each_entry(pos, head, member) { … }`, `skb_queue_walk_safe(q, skb, tmp) { … }`. */
const LOOP_MACRO = /for_each|foreach|_loop\b|^for_|^while_|_walk(?:_[a-z_]+)?$/;

/**
 * `for (i = 0; i < tbl->nr_pools; i++)`: a count from a start to a bound neither of which is the
 * counter, as text (`for(0;<;tbl->nr_pools)`). Two loops with one range run alike the first time,
 * both or neither, as two walks of one collection do (see the flow's `loop()`).
 */
function countedRange(init: LiteNode | null, cond: LiteNode | null, update: LiteNode | null): string | undefined {
  // `i = 0` or `int i = 0`
  const assigned = init?.type === 'declaration' ? init.childForFieldName('declarator') : init;
  let counter: LiteNode | null = null;
  let start: LiteNode | null = null;
  if (assigned?.type === 'init_declarator') [counter, start] = [assigned.childForFieldName('declarator'), assigned.childForFieldName('value')];
  else if (assigned?.type === 'assignment_expression' && assigned.childForFieldName('operator')?.text === '=') {
    [counter, start] = [assigned.childForFieldName('left'), assigned.childForFieldName('right')];
  }
  if (counter?.type !== 'identifier' || !start) return undefined;
  const name = counter.text;
  // `i < n`, `i <= n`, `i != n`
  const test = cond ? unwrap(cond) : null;
  const op = test?.type === 'binary_expression' ? test.childForFieldName('operator')?.text : undefined;
  const bound = test?.childForFieldName('right');
  if (!op || !['<', '<=', '!='].includes(op) || test!.childForFieldName('left')?.text !== name || !bound) return undefined;
  // `i++` or `++i`
  const step = update?.type === 'update_expression' ? update.text.replace(/\s+/g, '') : '';
  if (step !== `${name}++` && step !== `++${name}`) return undefined;
  if (mentions(start.text, name) || mentions(bound.text, name)) return undefined;
  return `for(${normalise(start.text)};${op};${normalise(bound.text)})`;
}

const IGNORE_DIRECTIVE = /lockorder-ignore(?::\s*([\w-]+(?:\s*,\s*[\w-]+)*))?/;
const DECLARED_ORDER = /lockorder:\s*([^\n*]*?->[^\n*]*?)\s*(?:\*\/|$)/gm;

export interface ExtractOptions {
  /** Past it, extraction stops with a `BudgetExceeded`. */
  deadline?: Deadline;
  /**
   * The functions of an earlier extraction of the same file: a function whose text and starting
   * column did not change is taken from it (moved to its new line) instead of being copied from the
   * tree and walked again; it is then told about this extraction's functions.
   */
  reuse?: FunctionReuse;
}

/**
 * The lock facts of one file. `tree` is the text's syntax tree where the caller keeps one (the
 * language server parses incrementally), or null to parse the text here (see `parseAndCopy`).
 */
export function extractFile(file: string, source: string, tree: SyntaxTree | null, catalogue: LockApiCatalogue, { deadline, reuse }: ExtractOptions = {}): FileFacts {
  const text = normaliseLineBreaks(source);
  const lineStarts = startsOfLines(text);
  const facts = noFacts(file, lineStarts.length);
  const reused = reuse?.begin(text, catalogue);
  const pruning: Pruning = reused
    ? { types: REUSABLE_OR_PRUNABLE_TYPES, test: (node) => reused.has(node) || prunable(node, text, catalogue) }
    : { types: PRUNABLE_TYPES, test: (node) => prunable(node, text, catalogue) };
  const { root, hasErrors } = tree === null ? parseAndCopy(text, pruning, deadline) : { root: liteTree(tree, text, pruning, deadline), hasErrors: hasSyntaxErrors(tree) };
  const errorNodes = hasErrors ? root.descendantsOfType('ERROR') : [];
  facts.errorNodes = errorNodes.length;
  const exported = exportedNames(text);
  const context: FileContext = { catalogue, text, lineStarts, reused, deadline, wrapperMacros: [], exported, errorNodes };
  collectTopLevel(root, facts, context);
  reused?.end();
  if (context.wrapperMacros!.length > 0) facts.functions.push(...macroWrappers(context.wrapperMacros!, facts.file, context));
  facts.functions = withExports(exported, facts.functions);
  if (text.includes('lockorder')) collectComments(root, facts);
  collectLockMacros(text, lineStarts, facts);
  return facts;
}

const EXPORT = /\bEXPORT_SYMBOL(?:_GPL)?(?:_NS(?:_GPL)?)?\s*\(\s*([A-Za-z_]\w*)/g;

/** Names given to `EXPORT_SYMBOL(name)`, `EXPORT_SYMBOL_GPL(name)`, `EXPORT_SYMBOL_NS(name, ns)`: functions other modules call. */
function exportedNames(text: string): ReadonlySet<string> | undefined {
  return text.includes('EXPORT_SYMBOL') ? new Set([...text.matchAll(EXPORT)].map((m) => m[1])) : undefined;
}

/** The functions with their export mark brought up to date: facts reused from an earlier extraction are copied where it changed. */
function withExports(exported: ReadonlySet<string> | undefined, functions: FunctionFacts[]): FunctionFacts[] {
  return functions.map((fn) => {
    const marked = isExported(fn, exported);
    if (marked === (fn.exported === true)) return fn;
    const { exported: _, ...rest } = fn;
    return marked ? { ...rest, exported: true } : rest;
  });
}

function isExported(fn: FunctionFacts, exported: ReadonlySet<string> | undefined): boolean {
  return !fn.isStatic && exported !== undefined && exported.has(fn.name);
}

/**
 * The facts of a text that holds nothing but preprocessor lines, comments and blank lines (register
 * headers of tens of megabytes of `#define mmFOO 0x1234` do), found without parsing it: such a text
 * has no function, declaration or type in it, only lock macros (`DEFINE_MUTEX`). Null for any other
 * text, and wherever the parser might read the text differently from a line-by-line look (a comment
 * running on past a directive's line, a condition with braces), so that those are parsed as usual.
 * A `lockorder` comment is read from the tree, so a text mentioning it is parsed too.
 */
export function preprocessorOnlyFacts(file: string, source: string, catalogue: LockApiCatalogue = DEFAULT_CATALOGUE): FileFacts | null {
  const text = normaliseLineBreaks(source);
  if (!onlyPreprocessorLines(text) || text.includes('lockorder') || definesLockWrapper(text, catalogue)) return null;
  const lineStarts = startsOfLines(text);
  const facts = noFacts(file, lineStarts.length);
  collectLockMacros(text, lineStarts, facts);
  return facts;
}

/** The facts of a file before anything is found in it. */
function noFacts(file: string, lineCount: number): FileFacts {
  return { file, functions: [], structs: [], typedefs: {}, globals: {}, lockDeclarations: [], declaredOrders: [], ignores: {}, lineCount, errorNodes: 0 };
}

const FUNCTION_LIKE_DEFINE = /^[ \t]*#[ \t]*define[ \t]+(\w+)\(/gm;

/** Whether a text defines a macro read as a function (see `wrapperMacro`): that text is parsed. */
function definesLockWrapper(text: string, catalogue: LockApiCatalogue): boolean {
  for (const match of text.matchAll(FUNCTION_LIKE_DEFINE)) {
    const from = match.index + match[0].length;
    const end = directiveEnd(text, match.index);
    if (isLockWrapperMacro(match[1], text.slice(from, end < 0 ? text.indexOf('\n', from) : end), catalogue)) return true;
  }
  return false;
}

/** Directives whose rest of line is a macro body, a name or a message: nothing the parser reads as code. */
const OPAQUE_DIRECTIVE = /^#[ \t]*(?:define|undef|include|ifdef|ifndef|endif|else|pragma|error|warning|line)\b/;
/** Directives whose rest of line the parser reads as an expression. */
const CONDITION_DIRECTIVE = /^#[ \t]*(?:if|elif)\b/;

function onlyPreprocessorLines(text: string): boolean {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    // Blank space between lines, and comments standing on their own.
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c || c === 0x0b) {
      i++;
      continue;
    }
    if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return false;
      i = end + 2;
      continue;
    }
    if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) {
      const end = text.indexOf('\n', i);
      if (end < 0) return true;
      if (text.charCodeAt(end - 1) === 0x5c || (text.charCodeAt(end - 1) === 0x0d && text.charCodeAt(end - 2) === 0x5c)) return false;
      i = end + 1;
      continue;
    }
    if (c !== 0x23) return false;
    const end = directiveEnd(text, i);
    if (end < 0) return false;
    const directive = text.slice(i, end);
    if (CONDITION_DIRECTIVE.test(directive)) {
      if (/[{};]/.test(directive)) return false;
    } else if (!OPAQUE_DIRECTIVE.test(directive)) return false;
    i = end;
  }
  return true;
}

/**
 * Where the directive starting at `start` ends: at the first line break not escaped by a backslash.
 * -1 where a comment inside it would leave the parser reading the rest some other way: one that runs
 * over a line break, or is followed by more than blank space on its line.
 */
function directiveEnd(text: string, start: number): number {
  let i = start;
  for (;;) {
    const lineEnd = text.indexOf('\n', i);
    const line = text.slice(i, lineEnd < 0 ? text.length : lineEnd);
    const comment = line.indexOf('/*');
    if (comment >= 0) {
      const close = line.indexOf('*/', comment + 2);
      if (close < 0 || line.slice(close + 2).trim() !== '') return -1;
    }
    if (lineEnd < 0) return text.length;
    const escaped = text.charCodeAt(lineEnd - 1) === 0x5c || (text.charCodeAt(lineEnd - 1) === 0x0d && text.charCodeAt(lineEnd - 2) === 0x5c);
    if (!escaped) return lineEnd + 1;
    i = lineEnd + 1;
  }
}

interface FileContext {
  catalogue: LockApiCatalogue;
  text: string;
  lineStarts: number[];
  /** Functions of the previous extraction, for an incremental one. */
  reused?: ReuseRound;
  deadline?: Deadline;
  /** Function-like macros met at the top level that wrap lock calls: read as functions afterwards. */
  wrapperMacros?: WrapperMacro[];
  /** The file's `EXPORT_SYMBOL` names. */
  exported?: ReadonlySet<string>;
  /** The tree's ERROR nodes in document order, when known: bodies count theirs among them. */
  errorNodes?: readonly LiteNode[];
}

/**
 * Every call and assignment in a function body, found by one native query and kept in document
 * order, so that an expression's events are a binary search away instead of a native call each.
 */
class ExpressionEvents {
  private readonly nodes: LiteNode[];
  private readonly starts: number[];

  constructor(root: LiteNode) {
    this.nodes = root.descendantsOfType(EXPRESSION_EVENTS);
    this.starts = this.nodes.map((n) => n.startIndex);
  }

  /** Every call in the body, in no particular order. */
  calls(): LiteNode[] {
    return this.nodes.filter((n) => n.type === 'call_expression');
  }

  /** Events inside [start, end), innermost calls first (C evaluates arguments before the call). */
  within(start: number, end: number): LiteNode[] {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] < start) lo = mid + 1;
      else hi = mid;
    }
    const out: { node: LiteNode; end: number }[] = [];
    for (let i = lo; i < this.nodes.length && this.starts[i] < end; i++) {
      const node = this.nodes[i];
      const nodeEnd = node.endIndex;
      if (nodeEnd <= end) out.push({ node, end: nodeEnd });
    }
    if (out.length > 1) out.sort((a, b) => a.end - b.end);
    return out.map((o) => o.node);
  }
}

/** Nodes through which definitions are still top-level: `#if` blocks and `extern "C" { … }`. */
export const TOP_LEVEL_CONTAINERS: ReadonlySet<string> = new Set([
  'translation_unit',
  'preproc_if',
  'preproc_ifdef',
  'preproc_elif',
  'preproc_else',
  'linkage_specification',
  'declaration_list',
]);

function collectTopLevel(node: LiteNode, facts: FileFacts, context: FileContext): void {
  const children = node.namedChildren;
  for (let i = 0; i < children.length; i++) {
    context.deadline?.check('extraction');
    const child = children[i];
    const macro = child.type === 'expression_statement' ? macroWithBody(child, children[i + 1], FUNCTION_MACRO) : null;
    if (macro) {
      const fn = macroFunction(macro.call, macro.name, children[i + 1], facts.file, context);
      if (fn) facts.functions.push(fn);
      i++;
      continue;
    }
    if (child.type === 'ERROR') {
      const fn = incompleteFunction(child, facts.file, context);
      if (fn) facts.functions.push(fn);
    }
    switch (child.type) {
      case 'function_definition': {
        const fn = context.reused?.take(child) ?? extractFunction(child, facts.file, context);
        if (fn) facts.functions.push(fn);
        if (fn) context.reused?.remember(child, fn);
        break;
      }
      case 'struct_specifier':
      case 'union_specifier':
        collectStruct(child, facts);
        break;
      case 'declaration': {
        const type = child.childForFieldName('type');
        if (type) collectStruct(type, facts);
        const isStatic = declaredStatic(child.namedChildren);
        for (const { name, type } of declaredNames(child)) {
          facts.globals[name] = type;
          if (isStatic) (facts.statics ??= []).push(name);
          const kind = LOCK_TYPE_KIND[type.name];
          if (kind && type.pointers === 0) {
            facts.lockDeclarations.push({ name, kind, file: facts.file, site: rangeOf(child) });
          }
        }
        break;
      }
      case 'type_definition':
        collectTypedef(child, facts);
        break;
      case 'preproc_function_def': {
        const macro = wrapperMacro(child, context);
        if (macro) context.wrapperMacros?.push(macro);
        const name = child.childForFieldName('name')?.text;
        if (!macro && name && /[a-z]/.test(name)) (facts.macros ??= []).push(name);
        break;
      }
      case 'ERROR':
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_elif':
      case 'preproc_else':
      case 'linkage_specification':
      case 'declaration_list':
        collectTopLevel(child, facts, context);
        break;
      default:
        break;
    }
  }
}

function collectTypedef(node: LiteNode, facts: FileFacts): void {
  const type = node.childForFieldName('type');
  if (!type) return;
  for (const declarator of node.childrenForFieldName('declarator')) {
    const name = declaratorName(declarator);
    if (!name) continue;
    const target = typeNameOf(type);
    // `typedef struct { … } foo_t;` names an anonymous struct: give the struct the typedef's name.
    if (isStructWithBody(type) && !type.childForFieldName('name')) {
      facts.structs.push(structDef(name, type, facts));
    } else if (target) {
      facts.typedefs[name] = target;
    }
  }
}

function isStructWithBody(node: LiteNode): boolean {
  return (node.type === 'struct_specifier' || node.type === 'union_specifier') && node.childForFieldName('body') !== null;
}

/** A named struct definition (`struct foo { … }`), wherever it stands in a declaration. */
function collectStruct(spec: LiteNode, facts: FileFacts): void {
  if (!isStructWithBody(spec)) return;
  const name = spec.childForFieldName('name');
  if (name) facts.structs.push(structDef(name.text, spec, facts));
}

/**
 * Fields of a struct; an anonymous inner struct becomes `outer.field`, a struct of its own, and a
 * named inner definition is collected too.
 */
function structDef(name: string, spec: LiteNode, facts: FileFacts): StructDef {
  const fields: Record<string, TypeRef> = {};
  const body = spec.childForFieldName('body');
  for (const member of fieldDeclarations(body)) {
    const type = member.childForFieldName('type');
    if (!type) continue;
    for (const declarator of member.childrenForFieldName('declarator')) {
      const fieldName = declaratorName(declarator);
      if (!fieldName) continue;
      if (isStructWithBody(type) && type.childForFieldName('name')) collectStruct(type, facts);
      if (isStructWithBody(type) && !type.childForFieldName('name')) {
        const inner = `${name}.${fieldName}`;
        facts.structs.push(structDef(inner, type, facts));
        fields[fieldName] = { name: inner, pointers: pointerDepth(declarator) };
      } else {
        const typeName = typeNameOf(type);
        if (typeName) {
          fields[fieldName] = { name: typeName, pointers: pointerDepth(declarator) };
          const kind = LOCK_TYPE_KIND[typeName];
          if (kind) facts.lockDeclarations.push({ name: `${name}.${fieldName}`, kind, file: facts.file, site: rangeOf(declarator) });
        }
      }
    }
  }
  return { name, fields };
}

/**
 * The field declarations of a struct body, those under `#ifdef CONFIG_…` in it included (a build
 * has one side or the other; a field is named the same on both) and those of an anonymous struct
 * or union member, whose fields are the struct's own.
 */
function fieldDeclarations(body: LiteNode | null): LiteNode[] {
  const out: LiteNode[] = [];
  for (const member of body?.namedChildren ?? []) {
    if (member.type === 'field_declaration') {
      const type = member.childForFieldName('type');
      const anonymous = type && isStructWithBody(type) && !type.childForFieldName('name') && member.childrenForFieldName('declarator').length === 0;
      if (anonymous) out.push(...fieldDeclarations(type.childForFieldName('body')));
      else out.push(member);
    } else if (TOP_LEVEL_CONTAINERS.has(member.type)) out.push(...fieldDeclarations(member));
  }
  return out;
}

function collectComments(root: LiteNode, facts: FileFacts): void {
  const ignores: IgnoreDirectives = facts.ignores;
  for (const comment of root.descendantsOfType('comment')) {
    const text = comment.text;
    if (!text.includes('lockorder')) continue;
    const ignore = IGNORE_DIRECTIVE.exec(text);
    if (ignore) {
      const codes = ignore[1] ? ignore[1].split(',').map((c) => c.trim()) : null;
      ignores[comment.startPosition.row] = codes;
    }
    for (const match of text.matchAll(DECLARED_ORDER)) {
      const locks = match[1].split('->').map((l) => l.trim()).filter((l) => l.length > 0);
      if (locks.length >= 2) facts.declaredOrders.push({ locks, file: facts.file, site: rangeOf(comment) });
    }
  }
}

function collectLockMacros(text: string, lineStarts: number[], facts: FileFacts): void {
  if (!text.includes('DEFINE_') && !text.includes('DECLARE_RWSEM')) return;
  for (const match of text.matchAll(DEFINE_LOCK_MACRO)) {
    const kind = MACRO_KIND[match[1]];
    const start = positionIn(lineStarts, match.index ?? 0);
    const end = positionIn(lineStarts, (match.index ?? 0) + match[0].length);
    facts.globals[match[2]] = { name: kind, pointers: 0 };
    if (STATIC_BEFORE.test(text.slice(lineStarts[start.line], match.index ?? 0))) (facts.statics ??= []).push(match[2]);
    facts.lockDeclarations.push({ name: match[2], kind, file: facts.file, site: { start, end } });
  }
}

// ---------------------------------------------------------------------------------------------
// Declarations and types

function typeNameOf(type: LiteNode): string | null {
  switch (type.type) {
    case 'struct_specifier':
    case 'union_specifier':
    case 'enum_specifier':
      return type.childForFieldName('name')?.text ?? null;
    case 'type_identifier':
    case 'primitive_type':
    case 'sized_type_specifier':
      return type.text;
    default:
      return null;
  }
}

function pointerDepth(declarator: LiteNode): number {
  let depth = 0;
  let current: LiteNode | null = declarator;
  while (current) {
    if (current.type === 'pointer_declarator' || current.type === 'array_declarator' || current.type === 'abstract_pointer_declarator') depth++;
    current = current.childForFieldName('declarator');
  }
  return depth;
}

function declaratorName(declarator: LiteNode): string | null {
  let current: LiteNode | null = declarator;
  while (current) {
    if (current.type === 'identifier' || current.type === 'field_identifier' || current.type === 'type_identifier') return current.text;
    if (current.type === 'parenthesized_declarator') {
      current = current.firstNamedChild;
      continue;
    }
    current = current.childForFieldName('declarator');
  }
  return null;
}

function declaredNames(declaration: LiteNode): { name: string; type: TypeRef; init: LiteNode | null }[] {
  const type = declaration.childForFieldName('type');
  const typeName = type ? typeNameOf(type) : null;
  if (!typeName) return [];
  const out: { name: string; type: TypeRef; init: LiteNode | null }[] = [];
  for (const declarator of declaration.childrenForFieldName('declarator')) {
    if (declarator.type === 'function_declarator') continue;
    const inner = declarator.type === 'init_declarator' ? declarator.childForFieldName('declarator') : declarator;
    if (!inner || inner.type === 'function_declarator') continue;
    const name = declaratorName(inner);
    if (!name) continue;
    const init = declarator.type === 'init_declarator' ? declarator.childForFieldName('value') : null;
    out.push({ name, type: { name: typeName, pointers: pointerDepth(inner) }, init });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Functions

function functionDeclarator(node: LiteNode): LiteNode | null {
  let current = node.childForFieldName('declarator');
  while (current && current.type !== 'function_declarator') current = current.childForFieldName('declarator');
  return current;
}

function extractFunction(node: LiteNode, file: string, context: FileContext): FunctionFacts | null {
  const body = node.childForFieldName('body');
  const recovered = body ? recoveredHeader(node, body) : null;
  const declarator = recovered?.declarator ?? functionDeclarator(node);
  const nameNode = declarator?.childForFieldName('declarator');
  if (!declarator || !body || !nameNode || nameNode.type !== 'identifier') return null;
  const start = recovered?.start ?? node;
  const isStatic = recovered
    ? /\bstatic\b/.test(context.text.slice(recovered.start.startIndex, declarator.startIndex))
    : declaredStatic(node.namedChildren);
  const head = context.text.slice(start.startIndex, body.startIndex);
  const whole = { startPosition: start.startPosition, endPosition: node.endPosition };
  const fn = newFunction(nameNode.text, file, isStatic, whole, nameNode, parametersOf(declarator), contractsOf(head));
  if (isExported(fn, context.exported)) fn.exported = true;
  fn.body = functionBody(body, fn, context, body.namedChildren);
  const flags = newObjectFlags(context.text.slice(body.startIndex, body.endIndex), blankCommentsAndStrings);
  if (flags) fn.newObjectFlags = flags;
  return fn;
}

/**
 * Tree-sitter's error recovery can glue the tail of one function onto the next one's header:
 * `for_each_online_cpu(cpu) per_cpu(v, cpu).x = 0; } … static int next(…) { … }` comes out as a
 * definition of `per_cpu` whose real header sits in an ERROR just before the body. The last
 * function declarator there names the body; the macro must not (every `per_cpu()` call would reach it).
 */
function recoveredHeader(node: LiteNode, body: LiteNode): { declarator: LiteNode; start: LiteNode } | null {
  // The glued form starts with the loop macro read as a type; text being typed elsewhere in a
  // function can leave declarators in ERRORs too, and those name nothing.
  if (node.childForFieldName('type')?.type !== 'macro_type_specifier') return null;
  let found: { declarator: LiteNode; start: LiteNode } | null = null;
  for (const child of node.namedChildren) {
    if (child.type !== 'ERROR' || child.endIndex > body.startIndex) continue;
    const declarators = child.descendantsOfType('function_declarator');
    if (declarators.length > 0) found = { declarator: declarators[declarators.length - 1], start: child };
  }
  return found;
}

function parametersOf(declarator: LiteNode): FunctionFacts['params'] {
  const params: FunctionFacts['params'] = [];
  for (const param of declarator.childForFieldName('parameters')?.namedChildren ?? []) {
    if (param.type !== 'parameter_declaration') continue;
    const type = param.childForFieldName('type');
    const decl = param.childForFieldName('declarator');
    const typeName = type ? typeNameOf(type) : null;
    const name = decl ? declaratorName(decl) : null;
    params.push({ name: name ?? '', type: typeName && decl ? { name: typeName, pointers: pointerDepth(decl) } : null });
  }
  return params;
}

function newFunction(
  name: string,
  file: string,
  isStatic: boolean,
  whole: Parameters<typeof rangeOf>[0],
  nameNode: LiteNode,
  params: FunctionFacts['params'],
  contracts: Contracts,
): FunctionFacts {
  return { name, file, isStatic, range: rangeOf(whole), nameRange: rangeOf(nameNode), params, locals: {}, contracts, body: [], syntaxErrors: 0 };
}

/**
 * The statements of a body: walked when copied in full, else (pruned: no locking) its calls from
 * the text. A body nested deeper than the walker follows (machine-made code, fuzzing) also falls
 * back to its calls, marked as unreadable so that no path-dependent finding comes from it.
 */
function functionBody(body: LiteNode, fn: FunctionFacts, context: FileContext, statements: LiteNode[]): Stmt[] {
  const text = () => callsInText(context.text.slice(body.startIndex, body.endIndex), body.startIndex, context);
  if (body.children.length === 0) return text();
  fn.syntaxErrors = context.errorNodes ? countWithin(context.errorNodes, body) : body.descendantsOfType('ERROR').length;
  try {
    return withoutIdleAssignments(new BodyWalker(context.catalogue, fn, new ExpressionEvents(body), context).sequence(statements));
  } catch (error) {
    if (!(error instanceof TooDeep)) throw error;
    fn.syntaxErrors++;
    return text();
  }
}

/** Whether a declaration's specifiers (its children before the declarator) include `static`. */
function declaredStatic(specifiers: readonly LiteNode[]): boolean {
  return specifiers.some((c) => c.type === 'storage_class_specifier' && c.text === 'static');
}

/** How many of `nodes` (in document order) lie in the subtree of `root`. */
function countWithin(nodes: readonly LiteNode[], root: LiteNode): number {
  // The first node starting in `root`: starts do not decrease in document order.
  let lo = 0;
  let hi = nodes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (nodes[mid].startIndex < root.startIndex) lo = mid + 1;
    else hi = mid;
  }
  let count = 0;
  for (let i = lo; i < nodes.length && nodes[i].startIndex <= root.endIndex; i++) {
    for (let up: LiteNode | null = nodes[i]; up !== null; up = up.parent) {
      if (up === root) {
        count++;
        break;
      }
    }
  }
  return count;
}

/** Blocks nested deeper than this are not followed statement by statement. */
export const MAX_NESTING = 256;

class TooDeep extends Error {}

/**
 * Assignments matter only to variables that a condition reads (they undo what a path decided);
 * the rest are dropped so that facts stay small.
 */
function withoutIdleAssignments(body: Stmt[]): Stmt[] {
  const statements = allStatements(body);
  const read = statements.flatMap((s) => (s.t === 'if' ? atomTexts(s.cond) : s.t === 'loop' && s.cond ? atomTexts(s.cond) : []));
  const roots = new Set(statements.flatMap((s) => ((s.t === 'lock' || s.t === 'unlock') && s.lock ? [s.lock.root] : [])));
  // One search of all the texts read instead of one per text (a name holding the separator, which C
  // text does not, is looked for text by text).
  const allRead = read.join('\0');
  const mentioned = (v: string) => roots.has(v) || (read.length > 0 && (v.includes('\0') ? read.some((text) => text.includes(v)) : allRead.includes(v)));
  // A constant stored in a field (`path->skip_locking = 1`) may decide a callee's condition; any
  // value stored in a field of an object a call returned (a zeroed allocation) undoes its zero.
  const returned = new Set(statements.flatMap((s) => (s.t === 'call' && s.bind ? [s.bind] : [])));
  const fieldStore = (s: Stmt) => s.t === 'assign' && s.vars.some((v) => FIELD_PATH.test(v) && (s.value !== undefined || returned.has(/^\w+/.exec(v)?.[0] ?? '')));
  // A store to a field of the running task is news for callers, who may test it; a store through the
  // pointer it is given (`tr->tr_ip = ip; … current->journal_info = tr;`) shows that one is not NULL.
  const taskStored = new Set(statements.flatMap((s) => (s.t === 'assign' && s.stored ? [s.stored] : [])));
  const taskStore = (s: Stmt) => isTaskStore(s) || (s.t === 'assign' && taskStored.size > 0 && s.vars.some((v) => FIELD_PATH.test(v) && taskStored.has(/^\w+/.exec(v)![0])));
  const kept = (s: Stmt) => s.t !== 'assign' || s.vars.some(mentioned) || fieldStore(s) || s.deref || taskStore(s);
  // Lists and statements are copied only where something inside them was dropped.
  const prune = (stmts: Stmt[]): Stmt[] => {
    let out: Stmt[] | undefined;
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i];
      const after = kept(s) ? pruneInside(s) : undefined;
      if (after !== s && out === undefined) out = stmts.slice(0, i);
      if (out !== undefined && after !== undefined) out.push(after);
    }
    return out ?? stmts;
  };
  const pruneInside = (s: Stmt): Stmt => {
    switch (s.t) {
      case 'if': {
        const then = prune(s.then);
        const otherwise = prune(s.else);
        return then === s.then && otherwise === s.else ? s : { ...s, then, else: otherwise };
      }
      case 'loop':
      case 'scope': {
        const body = prune(s.body);
        return body === s.body ? s : { ...s, body };
      }
      case 'switch': {
        const cases = s.cases.map(prune);
        return cases.every((c, i) => c === s.cases[i]) ? s : { ...s, cases };
      }
      default:
        return s;
    }
  };
  return prune(body);
}

const FIELD_PATH = /^[A-Za-z_]\w*(?:->|\.)\w/;

/** `SYSCALL_DEFINE3(write, unsigned int, fd, …) { … }`: a macro that defines a function. */
const FUNCTION_MACRO = /^(?:COMPAT_)?SYSCALL_DEFINE\d$/;

function macroFunction(call: LiteNode, macro: string, body: LiteNode, file: string, context: FileContext): FunctionFacts | null {
  if (body.type !== 'compound_statement') return null;
  const argsNode = call.childForFieldName('arguments');
  if (!argsNode) return null;
  const args = splitArguments(context.text, argsNode.startIndex + 1).list;
  if (args.length === 0 || !/^\w+$/.test(args[0])) return null;
  const prefix = macro.startsWith('COMPAT_') ? 'compat_sys_' : 'sys_';
  const params: FunctionFacts['params'] = [];
  for (let i = 1; i + 1 < args.length; i += 2) params.push({ name: args[i + 1], type: typeRefOfText(args[i]) });
  const whole = { startPosition: call.startPosition, endPosition: body.endPosition };
  const fn: FunctionFacts = {
    ...newFunction(prefix + args[0], file, false, body, call, params, { acquires: [], releases: [], mustHold: [], condAcquires: [] }),
    range: rangeOf(whole),
  };
  fn.body = functionBody(body, fn, context, body.namedChildren);
  return fn;
}

interface WrapperMacro {
  definition: MacroDefinition;
  /** The whole `#define`, and its name. */
  range: Range;
  nameRange: Range;
}

/** `#define node_lock(p) spin_lock(&(p)->lock)`: a macro read as a function (see macroFunctions.ts); null for other macros. */
function wrapperMacro(node: LiteNode, context: FileContext): WrapperMacro | null {
  const name = node.childForFieldName('name');
  const value = node.childForFieldName('value');
  const params = node.childForFieldName('parameters');
  if (!name || !value || !params || !isLockWrapperMacro(name.text, value.text, context.catalogue)) return null;
  const paramNames = params.children.flatMap((c) => (c.type === 'identifier' ? [c.text] : c.type === '...' ? ['__VA_ARGS__'] : []));
  const definition = { name: name.text, params: paramNames, body: value.text, bodyStart: value.startIndex };
  return { definition, range: rangeOf(node), nameRange: rangeOf(name) };
}

/**
 * The wrapper macros of a file as functions: their bodies are parsed together as C functions, each
 * named for its macro and taking the macro's parameters (untyped: a caller's argument gives the
 * class), every position moved back to the macro's text. Static: a macro is seen by the files that
 * include its own.
 */
function macroWrappers(macros: WrapperMacro[], file: string, context: FileContext): FunctionFacts[] {
  const { text, origin } = macroFunctionsText(macros.map((m) => m.definition));
  const lineStarts = startsOfLines(text);
  const { root } = parseAndCopy(text, { types: PRUNABLE_TYPES, test: (node) => prunable(node, text, context.catalogue) }, context.deadline);
  const inner: FileContext = { catalogue: context.catalogue, text, lineStarts, deadline: context.deadline };
  const fileOffset = (p: Position, end: boolean): Position => {
    const at = Math.min(lineStarts[p.line] + p.character, origin.length);
    return positionIn(context.lineStarts, end ? (at > 0 ? origin[at - 1] + 1 : 0) : origin[Math.min(at, origin.length - 1)]);
  };
  const move = (r: Range): Range => ({ start: fileOffset(r.start, false), end: fileOffset(r.end, true) });
  // Functions come out in the order of their macros; one the parser could not read is missing.
  let next = 0;
  const out: FunctionFacts[] = [];
  for (const node of root.namedChildren) {
    if (node.type !== 'function_definition') continue;
    const fn = extractFunction(node, file, inner);
    const index = fn ? macros.findIndex((m, i) => i >= next && m.definition.name === fn.name) : -1;
    if (!fn || index < 0) continue;
    next = index + 1;
    const macro = macros[index];
    out.push({
      ...fn,
      isStatic: true,
      range: macro.range,
      nameRange: macro.nameRange,
      params: macro.definition.params.map((name) => ({ name, type: null })),
      body: relocated(fn.body, move),
    });
  }
  return out;
}

/** A copy of statements with every site in them (see `Span`) moved. */
function relocated<T>(value: T, move: (r: Range) => Range): T {
  if (Array.isArray(value)) return value.map((v) => relocated(v, move)) as T;
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) out[key] = key === 'site' ? spanOf(move(rangeOfSpan(record[key] as Span))) : relocated(record[key], move);
  return out as T;
}

/** `struct bar __user *` → `bar`, one pointer; qualifiers and annotations are skipped. */
function typeRefOfText(text: string): TypeRef | null {
  const words = text.replace(/\*/g, ' ').split(/\s+/).filter((w) => w && !/^(const|volatile|struct|union|enum|unsigned|signed|__\w+)$/.test(w));
  const name = words[words.length - 1];
  return name ? { name, pointers: (text.match(/\*/g) ?? []).length } : null;
}

/**
 * A function being typed: tree-sitter leaves its head and the statements so far loose in an ERROR
 * node. Its statements after the `{` are followed as far as they go; it is marked incomplete.
 */
function incompleteFunction(error: LiteNode, file: string, context: FileContext): FunctionFacts | null {
  const children = error.children;
  const declaratorIndex = children.findIndex((c) => c.type === 'function_declarator');
  if (declaratorIndex < 0) return null;
  const open = children.findIndex((c, i) => i > declaratorIndex && c.type === '{');
  if (open < 0) return null;
  const declarator = children[declaratorIndex];
  const nameNode = declarator.childForFieldName('declarator');
  if (!nameNode || nameNode.type !== 'identifier') return null;
  const isStatic = declaredStatic(children.slice(0, declaratorIndex));
  const fn = newFunction(nameNode.text, file, isStatic, error, nameNode, parametersOf(declarator), { acquires: [], releases: [], mustHold: [], condAcquires: [] });
  fn.incomplete = true;
  fn.syntaxErrors = 1;
  const statements = children.slice(open + 1).filter((c) => c.isNamed);
  fn.body = new BodyWalker(context.catalogue, fn, new ExpressionEvents(error), context).sequence(statements);
  return fn;
}

/** `__acquires(x)` and friends sit between the declarator and the body, where tree-sitter mis-parses them. */
function contractsOf(head: string): Contracts {
  const contracts: Contracts = { acquires: [], releases: [], mustHold: [], condAcquires: [] };
  if (!head.includes('__')) return contracts;
  for (const match of head.matchAll(CONTRACT)) {
    const expr = lockExprOfText(match[2]);
    if (!expr) continue;
    if (match[1] === 'acquires') contracts.acquires.push(expr);
    else if (match[1] === 'releases') contracts.releases.push(expr);
    else if (match[1] === 'must_hold') contracts.mustHold.push(expr);
    else contracts.condAcquires.push(expr);
  }
  return contracts;
}

const EXPRESSION_EVENTS = ['call_expression', 'assignment_expression', 'update_expression'];

/** Walks one function body into statements. */
class BodyWalker {
  private readonly locals: Record<string, TypeRef>;
  private readonly params: ReadonlySet<string>;

  constructor(
    private readonly catalogue: LockApiCatalogue,
    fn: FunctionFacts,
    private readonly events: ExpressionEvents,
    private readonly context: FileContext,
  ) {
    this.locals = fn.locals;
    this.params = new Set(fn.params.map((p) => p.name));
  }

  block(node: LiteNode): Stmt[] {
    return this.sequence(node.namedChildren);
  }

  /** A statement in a branch or loop body, as a list. */
  body(node: LiteNode | null): Stmt[] {
    if (!node) return [];
    const out: Stmt[] = [];
    this.statement(node, out);
    return out;
  }

  sequence(nodes: LiteNode[]): Stmt[] {
    const out: Stmt[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      const macro = node.type === 'expression_statement' ? macroWithBody(node, nodes[i + 1]) : null;
      if (macro) {
        this.macroBlock(macro.call, macro.name, nodes[i + 1], out);
        i++;
        continue;
      }
      if (i + 1 < nodes.length && this.elseAcrossEndif(node, nodes[i + 1], out)) {
        i++;
        continue;
      }
      this.statement(node, out);
    }
    return out;
  }

  private ifStatement(node: LiteNode, elseNode: LiteNode | null, out: Stmt[]): void {
    const cond = this.condition(node.childForFieldName('condition'), out);
    out.push({ t: 'if', cond, then: this.body(node.childForFieldName('consequence')), else: this.body(elseNode) });
  }

  /**
   * `#ifdef X  if (a) { … } else  #endif  { … }`: the block after `#endif` is the `else` of the
   * last `if` when X is compiled, and runs on its own when it is not. Tree-sitter closes the `if`
   * before the directive and leaves the `else` an error, which would run the block after either branch.
   */
  private elseAcrossEndif(node: LiteNode, next: LiteNode, out: Stmt[]): boolean {
    if ((node.type !== 'preproc_if' && node.type !== 'preproc_ifdef') || node.childForFieldName('alternative')) return false;
    const condition = node.childForFieldName('condition') ?? node.childForFieldName('name');
    const inner = node.namedChildren.filter((c) => c !== condition && c.type !== 'comment');
    const dangling = inner[inner.length - 1];
    const lastIf = inner[inner.length - 2];
    if (dangling?.type !== 'ERROR' || dangling.text.trim() !== 'else' || lastIf?.type !== 'if_statement' || lastIf.childForFieldName('alternative')) return false;
    const notCompiled = this.body(next);
    if (isDebugOnly(directiveOf(node), condition?.text ?? '')) {
      out.push(...notCompiled);
      return true;
    }
    const compiled = this.sequence(inner.slice(0, -2));
    this.ifStatement(lastIf, next, compiled);
    out.push({ t: 'if', cond: { op: 'atom', text: normalise(directiveText(node, condition)) }, then: compiled, else: notCompiled });
    return true;
  }

  /** `list_for_each_entry(…) { … }` → a loop; `scoped_guard(type, &l) { … }` → a guarded scope. */
  private macroBlock(call: LiteNode, name: string, bodyNode: LiteNode, out: Stmt[]): void {
    if (name === 'scoped_guard' || name === 'scoped_cond_guard') {
      const guard = this.guardStmt(call, name === 'scoped_guard' ? 1 : 2);
      const body = this.body(bodyNode);
      out.push({ t: 'scope', body: guard ? [guard, ...body] : body });
      return;
    }
    this.expression(call, out);
    if (!LOOP_MACRO.test(name)) {
      this.statement(bodyNode, out);
      return;
    }
    const loop: Stmt = { t: 'loop', cond: macroLoopCondition(call), body: this.loopBody(bodyNode), bodyFirst: false };
    // The cursor and index are the function's locals among the arguments, wherever the macro puts
    // them (`idr_for_each_entry(&c->devs, dev, id)`, `hash_for_each(table, bkt, obj, node)`); failing
    // those, the first argument named (`list_for_each_entry(pos, …)` with `pos` not declared here).
    const args = call.childForFieldName('arguments')?.namedChildren ?? [];
    const named = args.filter((a) => a.type === 'identifier').map((a) => a.text);
    const locals = named.filter((a) => this.locals[a] !== undefined);
    const iterators = locals.length > 0 ? locals : args[0]?.type === 'identifier' ? [args[0].text] : [];
    if (iterators.length > 0) loop.iterators = iterators;
    const walked = args.filter((a) => !iterators.includes(a.text)).map((a) => normalise(a.text));
    if (walked.length > 0) loop.collection = `${name}(${walked.join(',')})`;
    out.push(loop);
  }

  private depth = 0;
  /** How many loop bodies the statement being read is inside. */
  private loopDepth = 0;

  private loopBody(node: LiteNode | null): Stmt[] {
    this.loopDepth++;
    try {
      return this.body(node);
    } finally {
      this.loopDepth--;
    }
  }

  statement(node: LiteNode, out: Stmt[]): void {
    if (++this.depth > MAX_NESTING) throw new TooDeep();
    try {
      this.statementAt(node, out);
    } finally {
      this.depth--;
    }
  }

  private statementAt(node: LiteNode, out: Stmt[]): void {
    switch (node.type) {
      case 'compound_statement':
        out.push({ t: 'scope', body: this.block(node) });
        return;
      case 'expression_statement': {
        const expr = node.firstNamedChild;
        if (expr && !this.bugOn(expr, out) && !this.lockOutcome(expr, out)) this.expression(expr, out);
        return;
      }
      case 'declaration':
        if (!this.macroLoopDeclaration(node, out)) this.declaration(node, out);
        return;
      case 'function_definition':
        this.macroBlockDefinition(node, out);
        return;
      case 'if_statement': {
        const alternative = node.childForFieldName('alternative');
        this.ifStatement(node, alternative?.type === 'else_clause' ? alternative.firstNamedChild : alternative, out);
        return;
      }
      case 'while_statement': {
        const cond = this.condition(node.childForFieldName('condition'), out);
        out.push({ t: 'loop', cond, body: this.loopBody(node.childForFieldName('body')), bodyFirst: false });
        return;
      }
      case 'do_statement': {
        const body = this.loopBody(node.childForFieldName('body'));
        const cond = this.condition(node.childForFieldName('condition'), body);
        out.push({ t: 'loop', cond, body, bodyFirst: true });
        return;
      }
      case 'for_statement': {
        const init = node.childForFieldName('initializer');
        if (init) {
          if (init.type === 'declaration') this.declaration(init, out);
          else this.expression(init, out);
        }
        const condNode = node.childForFieldName('condition');
        const cond = condNode ? this.condition(condNode, out) : null;
        const body = this.loopBody(node.childForFieldName('body'));
        const update = node.childForFieldName('update');
        if (update) this.expression(update, body);
        const range = countedRange(init, condNode, update);
        out.push({ t: 'loop', cond, body, bodyFirst: false, ...(range ? { collection: range } : {}) });
        return;
      }
      case 'switch_statement':
        this.switchStatement(node, out);
        return;
      case 'return_statement': {
        const value = node.firstNamedChild;
        // `return mutex_lock_interruptible(&d->lock);`: the result tells the caller whether the lock
        // is held, as `ret = …; return ret;` does; named so, the flow follows both outcomes.
        const result = value && this.mayFailLock(value) ? RETURNED_RESULT : undefined;
        if (value) this.expression(value, out, result);
        out.push({ t: 'return', value: result ?? (value ? normalise(value.text) : null), site: spanOfNode(node) });
        return;
      }
      case 'goto_statement': {
        const label = node.childForFieldName('label');
        if (label) out.push({ t: 'goto', label: label.text, site: spanOfNode(node) });
        return;
      }
      case 'labeled_statement': {
        const label = node.childForFieldName('label');
        if (label) out.push({ t: 'label', name: label.text });
        const inner = node.namedChildren.find((c) => c.type !== 'statement_identifier' && c.type !== 'comment');
        if (inner) this.statement(inner, out);
        return;
      }
      case 'break_statement':
        out.push({ t: 'break' });
        return;
      case 'continue_statement':
        out.push({ t: 'continue' });
        return;
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_elif':
      case 'preproc_elifdef':
      case 'preproc_else':
        this.preprocessorBranch(node, out);
        return;
      case 'comment':
        return;
      default:
        if (node.type === 'ERROR' || node.type.endsWith('_statement')) {
          out.push(...this.sequence(node.namedChildren));
        } else {
          this.expression(node, out);
        }
    }
  }

  /**
   * `for_each_possible_cpu(cpu) { … }` inside a body reads to tree-sitter like an old-style function
   * definition: the macro is the type, `(cpu)` the declarator. The block is a loop (or a scope).
   */
  private macroBlockDefinition(node: LiteNode, out: Stmt[]): void {
    const name = node.childForFieldName('type')?.text ?? '';
    const body = LOOP_MACRO.test(name) ? this.loopBody(node.childForFieldName('body')) : this.body(node.childForFieldName('body'));
    if (LOOP_MACRO.test(name)) out.push({ t: 'loop', cond: macroLoopCondition(node), body, bodyFirst: false });
    else out.push({ t: 'scope', body });
  }

  /**
   * `for_each_online_cpu(cpu) stats_flush_cpu(cpu);` reads like a declaration with the macro as its
   * type. Its statement is recovered from the text: the calls after the macro's arguments.
   */
  private macroLoopDeclaration(node: LiteNode, out: Stmt[]): boolean {
    const type = node.childForFieldName('type');
    const macro = type?.type === 'macro_type_specifier' ? type.firstNamedChild?.text ?? '' : '';
    if (!type || !LOOP_MACRO.test(macro)) return false;
    const rest = this.context.text.slice(type.endIndex, node.endIndex);
    out.push({ t: 'loop', cond: macroLoopCondition(type), body: callsInText(rest, type.endIndex, this.context), bodyFirst: false });
    return true;
  }

  /**
   * `#ifdef X … #else … #endif` inside a body: exactly one side is compiled. It becomes an `if` on
   * the directive's text, so two blocks under the same `#ifdef` are taken together.
   */
  private preprocessorBranch(node: LiteNode, out: Stmt[]): void {
    const alternative = node.childForFieldName('alternative');
    const condition = node.childForFieldName('condition') ?? node.childForFieldName('name');
    const inner = node.namedChildren.filter((c) => c !== alternative && c !== condition);
    if (node.type === 'preproc_else') {
      out.push(...this.sequence(inner));
      return;
    }
    const directive = directiveOf(node);
    const text = directiveText(node, condition);
    const elseBody: Stmt[] = [];
    if (alternative) this.preprocessorBranch(alternative, elseBody);
    // Debug-only code (`#ifdef DEBUG`, `#if defined(FOO_DEBUG)`) is not in the builds people run.
    if (isDebugOnly(directive, condition?.text ?? '')) {
      out.push(...elseBody);
      return;
    }
    out.push({ t: 'if', cond: { op: 'atom', text: normalise(text) }, then: this.sequence(inner), else: elseBody });
  }

  private switchStatement(node: LiteNode, out: Stmt[]): void {
    const cond = node.childForFieldName('condition');
    if (cond) this.expression(cond, out);
    const cases: Stmt[][] = [];
    let hasDefault = false;
    const labels = new Set<string>();
    const caseLabels: (string | null)[] = [];
    for (const child of node.childForFieldName('body')?.namedChildren ?? []) {
      if (child.type !== 'case_statement') {
        // Statements before the first label are unreachable; anything else joins the last case.
        if (cases.length > 0) this.statement(child, cases[cases.length - 1]);
        continue;
      }
      if (!child.childForFieldName('value')) hasDefault = true;
      const value = child.childForFieldName('value');
      if (value) labels.add(normalise(value.text));
      caseLabels.push(value ? normalise(value.text) : null);
      cases.push(this.sequence(child.namedChildren.filter((c) => c !== value)));
    }
    if (!hasDefault && cond && casesCoverEveryValue(node, cond, labels)) hasDefault = true;
    const subject = cond ? normalise(unwrap(cond).text) : '';
    // A variable or a field (`mode`, `dev->state`) is a subject a second switch may test again.
    out.push({ t: 'switch', cases, hasDefault, ...(ACCESS_PATH.test(subject) ? { subject, labels: caseLabels } : {}) });
  }

  /** `BUG_ON(cond);` as `if (cond) BUG();`: calls in the condition are tested, not just made. False when `expr` is something else. */
  private bugOn(expr: LiteNode, out: Stmt[]): boolean {
    const call = unwrap(expr);
    const name = directCallName(call);
    if (name === undefined || !isBugOnCall(name)) return false;
    const args = call.childForFieldName('arguments')?.namedChildren ?? [];
    if (args.length === 0) return false;
    // `f2fs_bug_on(sbi, cond)`: a subsystem's form may name its context object first; a message
    // comes after the condition (`mlog_bug_on_msg(cond, "…")`).
    const contextFirst = args.length > 1 && args[0].type === 'identifier' && args[1].type !== 'string_literal' && args[1].type !== 'concatenated_string';
    const condIndex = contextFirst ? 1 : 0;
    const cond = this.condition(args[condIndex], out);
    args.forEach((arg, i) => i !== condIndex && this.expression(arg, out));
    out.push({ t: 'if', cond, then: [{ t: 'stop', site: spanOfNode(call) }], else: [] });
    return true;
  }

  private declaration(node: LiteNode, out: Stmt[]): void {
    for (const { name, type, init } of declaredNames(node)) {
      this.locals[name] = type;
      if (!init) continue;
      const constant = constantTruth(init);
      const before = out.length;
      if (constant !== undefined) out.push({ t: 'assign', vars: [name], value: constant });
      if (type.pointers > 0 && LOCK_TYPES.has(type.name)) {
        const lock = lockExprOfNode(init);
        if (lock) out.push({ t: 'alias', name, lock });
      } else if (type.pointers > 0) {
        const target = objectTarget(init);
        if (target) out.push({ t: 'points', name, ...target });
      }
      // In a loop's body any other value is a store too: the local names another object on each
      // pass (`struct intel_dp *dp = to_dp(encoder); mutex_unlock(&dp->lock);`), and what the last
      // pass knew of it (a lock released through it) is forgotten. (Dropped where nothing reads it.)
      if (out.length === before && this.loopDepth > 0) out.push({ t: 'assign', vars: [name], declared: true });
      this.expression(init, out, name);
    }
  }

  /** Events of an expression, innermost calls first. `bind` names the variable its value lands in. */
  expression(node: LiteNode, out: Stmt[], bind?: string): void {
    const events = this.events.within(node.startIndex, node.endIndex);
    if (events.length === 0) return;
    const direct = unwrap(node);
    const waits = events.filter(isCommandWait);
    for (const event of events) {
      // The commands of a wait run around its sleep, not before it as arguments of a call do.
      if (waits.some((w) => w !== event && w.startIndex <= event.startIndex && event.endIndex <= w.endIndex)) continue;
      if (waits.includes(event)) this.commandWait(event, out);
      else if (event.type === 'call_expression') this.call(event, out, event === direct ? bind : undefined);
      else this.assignment(event, out);
    }
  }

  /**
   * `wait_event_cmd(wq, cond, cmd1, cmd2)`: until `cond` holds, runs `cmd1`, sleeps and runs `cmd2`;
   * raid5 drops its spinlocks in `cmd1` and takes them back in `cmd2`. Read as one pass of the loop:
   * `if (!cond) { cmd1; sleep; cmd2; }`.
   */
  private commandWait(node: LiteNode, out: Stmt[]): void {
    const [, cond, before, after] = node.childForFieldName('arguments')!.namedChildren;
    const waiting: Stmt[] = [];
    this.expression(before, waiting);
    waiting.push({ t: 'sleep', what: `${directCallName(node)}()`, site: spanOfNode(node) });
    this.expression(after, waiting);
    out.push({ t: 'if', cond: { op: 'not', arg: { op: 'atom', text: normalise(cond.text) } }, then: waiting, else: [] });
  }

  private assignment(node: LiteNode, out: Stmt[]): void {
    const target = node.childForFieldName('left') ?? node.childForFieldName('argument');
    if (!target) return;
    const lock = lockExprOfNode(target);
    if (!lock) return;
    const right = node.childForFieldName('right');
    const operator = node.childForFieldName('operator')?.type;
    const constant = node.type === 'assignment_expression' && operator === '=' && right ? constantTruth(right) : undefined;
    const deref = node.type === 'assignment_expression' && lock.steps.length === 0 && target.type === 'pointer_expression' && target.text.startsWith('*');
    const stored = constant === undefined && operator === '=' && right && isTaskField(lock.text) ? storedName(right) : undefined;
    const handsOut = deref && operator === '=' && right ? this.lockHandedOut(right) : null;
    out.push({
      t: 'assign',
      vars: [lock.text],
      ...(constant !== undefined ? { value: constant } : {}),
      ...(deref ? { deref } : {}),
      ...(stored ? { stored } : {}),
      ...(handsOut ? { handsOut } : {}),
    });
    // `*irqflags = flags;` after `spin_lock_irqsave(&l, flags)`: the caller is given the saved state to restore.
    if (deref && operator === '=' && right?.type === 'identifier' && this.savedFlags().has(right.text)) out.push({ t: 'atomic', op: 'irq_handed_out', site: spanOfNode(node) });
    if (node.type !== 'assignment_expression' || lock.steps.length > 0) return;
    const local = this.locals[lock.root];
    if (right && local && local.pointers > 0 && LOCK_TYPES.has(local.name)) {
      const target = lockExprOfNode(right);
      if (target) out.push({ t: 'alias', name: lock.root, lock: target });
    } else if (right && local && local.pointers > 0 && operator === '=') {
      const target = objectTarget(right);
      if (target) out.push({ t: 'points', name: lock.root, ...target });
    }
    // `ret = spin_trylock(&l)` binds the call's result: the call itself is visited as an event and
    // finds its binding through the assignment's left side.
  }

  /** `ptl` (a lock pointer local) or `&dev->lock` stored through a pointer (`*ptlp = ptl;`): the lock handed over. */
  private lockHandedOut(right: LiteNode): LockExpr | null {
    const value = unwrap(right);
    if (value.type === 'pointer_expression' && value.text.startsWith('&')) return lockExprOfNode(value);
    const local = value.type === 'identifier' ? this.locals[value.text] : undefined;
    return local && local.pointers > 0 && LOCK_TYPES.has(local.name) ? lockExprOfNode(value) : null;
  }

  /**
   * `ret = busy || !spin_trylock(&l);`: a variable set to a test that tries a lock records whether
   * it was taken. It reads as `if (busy || !spin_trylock(&l)) ret = true; else ret = false;`, so a
   * later `if (ret)` follows the attempt's outcome (a plain `ret = spin_trylock(&l)` binds directly).
   */
  private lockOutcome(node: LiteNode, out: Stmt[]): boolean {
    const left = node.type === 'assignment_expression' ? node.childForFieldName('left') : null;
    const right = node.childForFieldName('right');
    if (left?.type !== 'identifier' || node.childForFieldName('operator')?.type !== '=' || !right) return false;
    const test = unwrap(right);
    const logical = (test.type === 'binary_expression' && /^(\|\||&&)$/.test(test.childForFieldName('operator')?.type ?? '')) || (test.type === 'unary_expression' && test.childForFieldName('operator')?.type === '!');
    if (!logical || !test.descendantsOfType(['call_expression']).some((call) => this.mayFailLock(call))) return false;
    const cond = this.condition(test, out);
    const name = left.text;
    out.push({ t: 'if', cond, then: [{ t: 'assign', vars: [name], value: true }], else: [{ t: 'assign', vars: [name], value: false }] });
    return true;
  }

  /** A call of `mutex_lock_interruptible()`, `down_killable()`: see `failsOnlyWhenInterrupted`. */
  private interruptibleLock(node: LiteNode): boolean {
    const name = node.type === 'call_expression' ? directCallName(node) : undefined;
    const api = name === undefined ? undefined : this.catalogue.get(name);
    return api !== undefined && failsOnlyWhenInterrupted(api);
  }

  /** A trylock, or a lock that can be interrupted or killed, called directly (parentheses aside). */
  private mayFailLock(node: LiteNode): boolean {
    const name = directCallName(unwrap(node));
    return name !== undefined && this.catalogue.get(name)?.success !== undefined;
  }

  private call(node: LiteNode, out: Stmt[], bind?: string): void {
    const stmt = this.callStmt(node, bind ?? assignedVariable(node));
    if (stmt) out.push(...stmt);
    // `read_buf(…, &bp)`: the callee may store a new object in `bp`.
    const outParams = (node.childForFieldName('arguments')?.namedChildren ?? [])
      .filter((a) => a.type === 'pointer_expression' && a.firstNamedChild?.type === 'identifier' && a.text.startsWith('&'))
      .map((a) => a.firstNamedChild!.text);
    if (outParams.length > 0 && stmt?.[0]?.t === 'call') out.push({ t: 'assign', vars: outParams });
  }

  /** One call as statements: a lock operation, an atomic-context change, a sleep, or a plain call. */
  private callStmt(node: LiteNode, bind?: string): Stmt[] | null {
    const callee = node.childForFieldName('function');
    if (!callee) return null;
    if (callee.type === 'call_expression') {
      // `guard(mutex)(&lock)`: the inner call names the guard type.
      const inner = callee.childForFieldName('function');
      if (inner?.text === 'guard') {
        const guard = this.guardStmt(node, 0, callee);
        return guard ? [guard] : null;
      }
      return null;
    }
    // Calls through pointers contribute nothing: we never guess a target. One named for unlocking
    // (`fiq->ops->wake_pending_and_unlock(fiq)`) releases a lock of the object it is given.
    if (callee.type === 'field_expression') return this.indirectUnlock(node, callee);
    if (callee.type !== 'identifier') return null;
    const name = callee.text;
    const args = node.childForFieldName('arguments')?.namedChildren ?? [];
    const site = spanOfNode(node);
    const api = this.catalogue.get(name);
    if (api) {
      const handleArg = api.handleArg !== undefined ? args[api.handleArg] : undefined;
      const handle = handleArg ? normalise(handleArg.text).replace(/^&/, '') : undefined;
      if (api.role === 'release' && handle !== undefined) return [{ t: 'unlock', api: name, handle, site }];
      const lockNode = args[api.lockArg];
      const lock = api.global ? lockExprOfText(api.global) : lockNode ? lockExprOfNode(lockNode) : null;
      if (!lock) return null;
      if (api.role === 'release') return [{ t: 'unlock', api: name, lock, site }];
      const stmt: LockStmt = { t: 'lock', api: name, lock, site };
      if (api.subclassArg !== undefined && args[api.subclassArg]) stmt.subclass = normalise(args[api.subclassArg].text);
      if (handle !== undefined) stmt.handle = handle;
      if (bind) stmt.bind = bind;
      return [stmt];
    }
    const atomic = ATOMIC_OPS[name];
    if (atomic) return [{ t: 'atomic', op: atomic, site }];
    if (isHeldAssertion(name)) {
      const lock = args[0] ? lockExprOfNode(args[0]) : null;
      return lock ? [{ t: 'assume', lock, site, ...(isSparseAnnotation(name) ? { annotation: true } : {}) }] : null;
    }
    if (isNoReturnCall(name)) return [{ t: 'stop', site }];
    if (isSleepingCall(name)) {
      const wait = lockedWait(name);
      const named = wait?.lockArg !== undefined ? args[wait.lockArg] : undefined;
      const queue = wait && wait.lockArg === undefined && args[0] ? lockExprOfNode(args[0]) : null;
      const dropped = named ? lockExprOfNode(named) : queue ? makeLockExpr(queue.root, [...queue.steps, '.lock']) : null;
      return [{ t: 'sleep', what: `${name}()`, site, ...(wait && dropped ? { drops: { lock: dropped, irq: wait.irq } } : {}) }];
    }
    const out: Stmt[] = [];
    const gfp = allocates(name) ? args.find((a) => sleepingGfp(a.text)) : undefined;
    if (gfp) out.push({ t: 'sleep', what: `${name}(…, ${normalise(gfp.text)})`, site, callee: name });
    const call: CallStmt = { t: 'call', name, args: args.map(argumentText), site };
    const constants = constantArguments(args, constantTruth);
    if (constants) call.constants = constants;
    if (bind) call.bind = bind;
    out.push(call);
    // Saved interrupt state handed to a callee by value is good for nothing but restoring it
    // (`spin_unlock(&l); finish_wake(rdp, flags);`): the callee turns interrupts back on.
    if (args.some((a) => a.type === 'identifier' && this.savedFlags().has(a.text))) out.push({ t: 'atomic', op: 'irq_restore', site });
    return out;
  }

  private savedFlagsOfBody: Set<string> | undefined;

  /** Variables this body saves the interrupt state in: `spin_lock_irqsave(&l, flags)`, `local_irq_save(flags)`. */
  private savedFlags(): Set<string> {
    if (this.savedFlagsOfBody) return this.savedFlagsOfBody;
    const saved = new Set<string>();
    for (const call of this.events.calls()) {
      const name = directCallName(call);
      if (name === undefined) continue;
      const api = this.catalogue.get(name);
      const args = call.childForFieldName('arguments')?.namedChildren ?? [];
      const flags = api?.ctx === 'irqsave' && api.role !== 'release' ? args[api.lockArg + 1] : ATOMIC_OPS[name] === 'irq_save' ? args[0] : undefined;
      if (flags?.type === 'identifier') saved.add(flags.text);
    }
    this.savedFlagsOfBody = saved;
    return saved;
  }

  private indirectUnlock(node: LiteNode, callee: LiteNode): Stmt[] | null {
    const member = callee.childForFieldName('field')?.text ?? '';
    if (!INDIRECT_UNLOCK.test(member)) return null;
    const object = node.childForFieldName('arguments')?.firstNamedChild;
    const lock = object ? lockExprOfNode(object) : null;
    return lock ? [{ t: 'unlock', api: 'release', lock, inside: true, site: spanOfNode(node) }] : null;
  }

  private guardStmt(node: LiteNode, lockArgIndex: number, typeCall?: LiteNode): LockStmt | null {
    const args = node.childForFieldName('arguments')?.namedChildren ?? [];
    const typeNode = typeCall ? typeCall.childForFieldName('arguments')?.firstNamedChild : args[0];
    const api = typeNode ? GUARD_TYPES[typeNode.text] : undefined;
    const lockNode = args[lockArgIndex];
    const lock = lockNode ? lockExprOfNode(lockNode) : null;
    if (!api || !lock) return null;
    return { t: 'lock', api, lock, scoped: true, site: spanOfNode(node) };
  }

  /** A condition as a boolean tree; calls inside atoms are emitted to `pre` first. */
  condition(node: LiteNode | null, pre: Stmt[]): Cond {
    if (!node) return { op: 'atom', text: '1' };
    switch (node.type) {
      case 'parenthesized_expression':
      case 'condition_clause': {
        const inner = node.childForFieldName('value') ?? node.firstNamedChild;
        return inner ? this.condition(inner, pre) : { op: 'atom', text: '1' };
      }
      case 'unary_expression': {
        const operator = node.childForFieldName('operator');
        const arg = node.childForFieldName('argument');
        if (operator?.type === '!' && arg) return { op: 'not', arg: this.condition(arg, pre) };
        break;
      }
      case 'binary_expression': {
        const operator = node.childForFieldName('operator')?.type;
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (!left || !right) break;
        if (operator === '&&' || operator === '||') {
          return { op: operator === '&&' ? 'and' : 'or', left: this.condition(left, pre), right: this.condition(right, pre) };
        }
        // `x == 0`, `x != 0`, `x < 0` (an error code): compare the truth of `x`. A parameter tested
        // `< 0` is the caller's value checked for range (`if (timeout < 0) return -EINVAL;`): one
        // that passes may be zero or not, so the test is a comparison of its own.
        const rangeChecked = operator === '<' && left.type === 'identifier' && this.params.has(left.text);
        if (isZero(right) && (operator === '==' || operator === '!=' || (operator === '<' && !rangeChecked))) {
          const inner = this.condition(left, pre);
          return operator === '==' ? { op: 'not', arg: inner } : inner;
        }
        // `mutex_lock_interruptible(&m) == -EINTR`: an acquisition a signal can interrupt fails with
        // -EINTR and nothing else, so the test is whether it failed.
        if ((operator === '==' || operator === '!=') && right.text.replace(/\s+/g, '') === '-EINTR' && this.interruptibleLock(left)) {
          const failed = this.condition(left, pre);
          return operator === '==' ? failed : { op: 'not', arg: failed };
        }
        if (operator && COMPARISONS.has(operator)) {
          this.expression(node, pre);
          return comparison(left, operator, right);
        }
        break;
      }
      case 'call_expression': {
        const name = directCallName(node) ?? '';
        // These return their (first) argument's truth: `if (WARN_ON_ONCE(down_read_trylock(&s)))`.
        if (CONDITION_PASSTHROUGH.has(name)) {
          const arg = node.childForFieldName('arguments')?.firstNamedChild;
          if (arg) return this.condition(arg, pre);
        }
        if (name === '__cond_lock') {
          const args = node.childForFieldName('arguments')?.namedChildren ?? [];
          const lock = args[0] ? lockExprOfNode(args[0]) : null;
          if (args[1]) this.expression(args[1], pre);
          if (lock) return { op: 'lock', stmt: { t: 'lock', api: '__cond_lock', lock, site: spanOfNode(node) } };
        }
        // Arguments are evaluated before the call that is the condition.
        for (const arg of node.childForFieldName('arguments')?.namedChildren ?? []) this.expression(arg, pre);
        const stmts = this.callStmt(node);
        const last = stmts?.[stmts.length - 1];
        if (stmts && last && (last.t === 'lock' || last.t === 'call')) {
          pre.push(...stmts.slice(0, -1));
          return last.t === 'lock' ? { op: 'lock', stmt: last } : { op: 'call', stmt: last };
        }
        if (stmts) pre.push(...stmts);
        return { op: 'atom', text: normalise(node.text) };
      }
      case 'assignment_expression': {
        // `if ((ret = mutex_lock_interruptible(&m)))`: the value is the right side.
        this.expression(node, pre);
        const left = node.childForFieldName('left');
        return { op: 'atom', text: normalise(left?.text ?? node.text) };
      }
      default:
        break;
    }
    this.expression(node, pre);
    return { op: 'atom', text: normalise(node.text) };
  }
}

/**
 * Words that mark a function as worth following statement by statement: lock and sleep API stems.
 * A false hit costs time only; a miss would lose events, so the stems are broad.
 */
const LOCKING_WORDS =
  /lock|mutex|sem|guard|irq|bh_|preempt|sleep|schedule|wait|GFP_|_user|vmalloc|vzalloc|vfree|synchronize_|flush_|cancel_|kthread_stop|Critical|SRW|Acquire|Release|Mutex|WaitFor|\b(?:down|up)(?:_\w+)?\s*\(/;

/** A store to a field of the running task (`current->journal_info = …`), which callers may test. */
const TASK_STORE = /\bcurrent->\w+\s*=[^=]/;

function mentionsLocking(text: string, catalogue: LockApiCatalogue): boolean {
  return LOCKING_WORDS.test(text) || TASK_STORE.test(text) || catalogue.hasCustomEntries(text);
}

/**
 * `if (!ctx) { ctx = get_ctx(…); …` with `ctx` a parameter: what the function calls depends on what
 * its caller passed, which only a walked body records (a caller holding the object's lock passes it,
 * and the lookup, locking as it goes, is not made). Its calls read from the text would all count.
 */
function looksUpIfNull(body: string, head: string): boolean {
  const found = LOOKUP_IF_NULL.exec(body);
  return found !== null && new RegExp(`\\b${found[1]}\\s*[,)]`).test(head);
}

const LOOKUP_IF_NULL = /\bif\s*\(\s*!\s*([A-Za-z_]\w*)\s*\)\s*\{?\s*\1\s*=\s*[A-Za-z_]\w*\s*\(/;

/** The node types `prunable` may say yes to. */
const PRUNABLE_TYPES: ReadonlySet<string> = new Set(['compound_statement', 'initializer_list', 'string_literal']);
/** With an earlier extraction to reuse, an unchanged function definition is skipped whole. */
const REUSABLE_OR_PRUNABLE_TYPES: ReadonlySet<string> = new Set([...PRUNABLE_TYPES, 'function_definition']);

/**
 * Subtrees extraction never enters, so the tree copy skips them: the body of a function that
 * mentions no locking (its calls come from the text), and initialiser tables outside functions.
 */
function prunable(node: LiteNode, text: string, catalogue: LockApiCatalogue): boolean {
  if (node.type === 'compound_statement' && node.field === 'body' && node.parent?.type === 'function_definition') {
    const body = text.slice(node.startIndex, node.endIndex);
    // (The definition's own span is known only once it is copied; its first child's is already read.)
    const headStart = node.parent.children[0]?.startIndex ?? -1;
    return !mentionsLocking(body, catalogue) && !(headStart >= 0 && looksUpIfNull(body, text.slice(headStart, node.startIndex)));
  }
  if (node.type === 'initializer_list' && node.parent?.type === 'init_declarator') {
    const declaration = node.parent.parent;
    return declaration?.type === 'declaration' && declaration.parent?.type !== 'compound_statement';
  }
  return node.type === 'string_literal';
}

/**
 * `current_gfp_context(GFP_KERNEL)` and friends compute a mask from one; they allocate nothing. The
 * xarray's `__xa_*()` calls are made with `xa_lock` held and drop it while they allocate (`__xas_nomem()`).
 */
function allocates(name: string): boolean {
  return !/gfp/i.test(name) && !name.startsWith('__xa_');
}

const CONDITION_PASSTHROUGH = new Set(['likely', 'unlikely', '__builtin_expect', 'WARN_ON', 'WARN_ON_ONCE', 'WARN', 'WARN_ONCE']);
/** The variable a directly returned lock result is bound to (reserved-looking, so no C file uses it). */
const RETURNED_RESULT = '__lockorder_result';

/**
 * A function that touches no lock and nothing that sleeps matters to others only through what it
 * calls, in any order: its facts are its calls, found in the text without building syntax nodes.
 * Comments and strings are blanked first so that nothing inside them looks like a call.
 */
function callsInText(bodyText: string, offset: number, context: FileContext): Stmt[] {
  const code = blankCommentsAndStrings(bodyText);
  const out: Stmt[] = [];
  // Calls after the first branch may not be made on every path (`if (ops->request) return
  // ops->request(…); fallback(…);`): a callee that always sleeps does not make this one always sleep.
  const branchAt = firstBranch(code);
  for (const match of code.matchAll(CALL_START)) {
    const name = match[1];
    if (NOT_CALLS.has(name)) continue;
    const at = match.index ?? 0;
    // `dev->ops->request(…)`: a call through a pointer contributes nothing, as in `callStmt`.
    if (MEMBER_BEFORE.test(code.slice(Math.max(0, at - 3), at))) continue;
    const open = at + match[0].length;
    const args = splitArguments(code, open);
    const start = positionIn(context.lineStarts, offset + at);
    const end = positionIn(context.lineStarts, offset + (args.end ?? open));
    const stmts = textCallStmts(name, args.list, spanOf({ start, end }), context.catalogue);
    const last = stmts[stmts.length - 1];
    const bind = last?.t === 'call' ? assignedInText(code, at) : undefined;
    if (last?.t === 'call' && bind) last.bind = bind;
    if (last?.t === 'call' && at > branchAt) last.someOnly = true;
    out.push(...stmts);
  }
  return out;
}

const MEMBER_BEFORE = /(?:->|\.)\s*$/;
const BRANCH = /\b(?:if|switch|while|for|do|goto|break|continue)\b|\w*for_?each\w*|\?|&&|\|\|/;
/** Where the first statement that may skip what follows starts (a `return` before the end counts). */
function firstBranch(code: string): number {
  const branch = BRANCH.exec(code)?.index ?? code.length;
  const early = /\breturn\b[^;]*;\s*[^\s}]/.exec(code)?.index ?? code.length;
  return Math.min(branch, early);
}

/** `x = f(`, `*pp = f(` or `struct foo *x = f(` just before a call found in text: the variable its result lands in. */
const ASSIGNED_BEFORE = /(?:^|[^\w>.])(\*?\s*[A-Za-z_]\w*(?:\s*(?:->|\.)\s*[A-Za-z_]\w*)*)\s*=\s*\(?\s*$/;

function assignedInText(code: string, callStart: number): string | undefined {
  const window = code.slice(Math.max(0, callStart - 120), callStart);
  // The end `ASSIGNED_BEFORE` needs, looked for first: most calls are not assigned, and the pattern
  // is tried at every offset of the window before it fails.
  let end = window.trimEnd();
  if (end.endsWith('(')) end = end.slice(0, -1).trimEnd();
  if (!end.endsWith('=')) return undefined;
  const before = ASSIGNED_BEFORE.exec(window);
  if (!before) return undefined;
  // `struct foo *x = f(`: a pointer declared, not a store through one (`*pp = f(`).
  const declared = before[1].startsWith('*') && DECLARED_TYPE_BEFORE.test(window.slice(0, before.index + before[0].indexOf('*')));
  return normalise(declared ? before[1].slice(1) : before[1]);
}

/** A type name just before a declarator's `*` (not a keyword that can start a statement). */
const DECLARED_TYPE_BEFORE = /(?<![\w>.])(?!(?:return|else|do|case|goto)\s*$)[A-Za-z_]\w*\s*$/;

/** A call known only as text, classified the way `BodyWalker.callStmt` classifies nodes. */
function textCallStmts(name: string, args: string[], site: Span, catalogue: LockApiCatalogue): Stmt[] {
  const api = catalogue.get(name);
  if (api) {
    const argument = api.global ?? args[api.lockArg];
    const lock = argument !== undefined ? lockExprOfText(argument) : null;
    if (!lock) return [];
    return api.role === 'release' ? [{ t: 'unlock', api: name, lock, site }] : [{ t: 'lock', api: name, lock, site }];
  }
  if (ATOMIC_OPS[name]) return [{ t: 'atomic', op: ATOMIC_OPS[name], site }];
  if (isSleepingCall(name)) return [{ t: 'sleep', what: `${name}()`, site }];
  const out: Stmt[] = [];
  const gfp = allocates(name) ? args.find((a) => sleepingGfp(a)) : undefined;
  if (gfp) out.push({ t: 'sleep', what: `${name}(…, ${normalise(gfp)})`, site, callee: name });
  const call: CallStmt = { t: 'call', name, args: args.map((a) => (lockExprOfText(a) ? normalise(a) : null)), site };
  // As for a call read from nodes: `dis_vsi(vsi, true)` passes its callee's flag decided.
  const constants = constantArguments(args, constantTruthOfText);
  if (constants) call.constants = constants;
  out.push(call);
  return out;
}

/** Top-level comma-separated arguments from just after `(`; `end` is just after the matching `)`. */
function splitArguments(code: string, open: number): { list: string[]; end: number | undefined } {
  const list: string[] = [];
  let depth = 0;
  let from = open;
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) {
        if (i > from || list.length > 0) list.push(code.slice(from, i).trim());
        return { list, end: i + 1 };
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      list.push(code.slice(from, i).trim());
      from = i + 1;
    }
  }
  return { list, end: undefined };
}

/** Replaces comments and string/char literals with spaces, keeping every offset. */
function blankCommentsAndStrings(text: string): string {
  if (!/["'/]/.test(text)) return text;
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, (m) => m.replace(/[^\n]/g, ' '));
}

/** `f` for a call `f(…)` of a function named directly; undefined for anything else. */
function directCallName(node: LiteNode): string | undefined {
  const callee = node.type === 'call_expression' ? node.childForFieldName('function') : null;
  return callee?.type === 'identifier' ? callee.text : undefined;
}

function unwrap(node: LiteNode): LiteNode {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.firstNamedChild) current = current.firstNamedChild;
  return current;
}

/**
 * `&dev->port`, `dentry->d_parent`, `other`: an object a pointer local is set to, reached by a plain
 * access path (no call, no cast, no variable index, no constant), so that the local and the path
 * name one object until either is assigned again. `address`: the path names the object itself (`&x`).
 */
function objectTarget(node: LiteNode): { target: LockExpr; address: boolean } | null {
  let current = unwrap(node);
  const address = current.type === 'pointer_expression' && current.text.startsWith('&');
  if (address) current = unwrap(current.childForFieldName('argument') ?? current);
  if (!isAccessPath(current)) return null;
  const target = lockExprOfNode(current);
  if (!target || /^[A-Z_][A-Z0-9_]*$/.test(target.root) || variableElement(target)) return null;
  return { target, address };
}

function isAccessPath(node: LiteNode): boolean {
  switch (node.type) {
    case 'identifier':
      return true;
    case 'parenthesized_expression':
      return node.firstNamedChild !== null && isAccessPath(node.firstNamedChild);
    case 'field_expression':
    case 'subscript_expression': {
      const argument = node.childForFieldName('argument');
      return argument !== null && isAccessPath(argument);
    }
    default:
      return false;
  }
}

/** `x = f(…)` or `x = (f(…))`: the variable the call's result is stored in. */
function assignedVariable(call: LiteNode): string | undefined {
  let node = call;
  let parent = node.parent;
  while (parent && parent.type === 'parenthesized_expression') {
    node = parent;
    parent = parent.parent;
  }
  if (parent?.type === 'assignment_expression' && parent.childForFieldName('right') === node) {
    const left = parent.childForFieldName('left');
    return left ? normalise(left.text) : undefined;
  }
  return undefined;
}

/**
 * `int stage = 1; if (…) stage = 2; switch (stage) { case 1: … case 2: … }`: a switch without
 * `default:` over a local that is only ever given constants its labels list always runs one case.
 * Any other write (`stage++`, `&stage`, a computed value) or a parameter keeps the no-case path.
 */
function casesCoverEveryValue(switchNode: LiteNode, condition: LiteNode, labels: Set<string>): boolean {
  const tested = unwrap(condition.type === 'condition_clause' ? (condition.firstNamedChild ?? condition) : condition);
  if (tested.type !== 'identifier' || labels.size === 0) return false;
  const name = tested.text;
  let body: LiteNode | null = null;
  for (let up = switchNode.parent; up; up = up.parent) if (up.type === 'compound_statement') body = up;
  if (!body) return false;
  const isConstant = (value: LiteNode | null) =>
    value !== null && (value.type === 'number_literal' || value.type === 'identifier') && labels.has(normalise(value.text));
  let declared = false;
  for (const node of body.descendantsOfType(['init_declarator', 'declaration', 'assignment_expression', 'update_expression', 'pointer_expression'])) {
    if (node.type === 'declaration') {
      if (node.childrenForFieldName('declarator').some((d) => d.type === 'identifier' && d.text === name)) declared = true;
      continue;
    }
    const target = node.childForFieldName(node.type === 'init_declarator' ? 'declarator' : node.type === 'assignment_expression' ? 'left' : 'argument');
    if (!target || unwrap(target).type !== 'identifier' || unwrap(target).text !== name) continue;
    if (node.type === 'init_declarator') declared = true;
    if (node.type === 'update_expression') return false;
    if (node.type === 'pointer_expression') {
      if (node.text.startsWith('&')) return false;
      continue;
    }
    const operator = node.type === 'assignment_expression' ? node.childForFieldName('operator')?.type : '=';
    if (operator !== '=' || !isConstant(node.childForFieldName('value') ?? node.childForFieldName('right'))) return false;
  }
  return declared;
}

/** `#ifdef`, `#ifndef` or `#if` (`#elif` reads as one). */
function directiveOf(node: LiteNode): string {
  return node.type === 'preproc_ifdef' ? node.child(0)?.text ?? '' : '#if';
}

/** `#ifdef X`, `#ifndef X`, `#if X`: the text a branch on the directive is known by. */
function directiveText(node: LiteNode, condition: LiteNode | null): string {
  const directive = directiveOf(node);
  return `${directive.startsWith('#') ? directive : `#${directive}`} ${condition?.text ?? ''}`;
}

/** `#ifdef DEBUG`, `#if defined(DEBUG)`, `#ifdef XYZ_DEBUG`: blocks only debug builds compile. */
function isDebugOnly(directive: string, condition: string): boolean {
  const debugMacro = /^(?:defined\s*\(?\s*)?([A-Z0-9_]*_)?DEBUG\s*\)?$/.test(condition.trim()) && !/CONFIG_/.test(condition);
  return debugMacro && (directive === '#ifdef' || directive === '#if');
}

/**
 * A `for_each` macro loop ends when its list does: an unknown condition, tested before each pass,
 * unique to this loop so that it is never correlated with another test. It is named by the loop's
 * offset in its top-level definition, not in the file, so that a function's facts do not change
 * when text before it does (incremental extraction reuses them).
 */
function macroLoopCondition(node: LiteNode): Cond {
  let definition = node;
  while (definition.parent && !TOP_LEVEL_CONTAINERS.has(definition.parent.type)) definition = definition.parent;
  return { op: 'atom', text: `for_each@${node.startIndex - definition.startIndex}` };
}

/** `name(…)` + MISSING `;` followed by a block: a macro that takes a block (loop or guard). */
function macroWithBody(stmt: LiteNode, next: LiteNode | undefined, pattern: RegExp = BLOCK_MACRO): { call: LiteNode; name: string } | null {
  if (!next || (next.type !== 'compound_statement' && !next.type.endsWith('_statement'))) return null;
  const last = stmt.lastChild;
  if (!last || !last.isMissing) return null;
  const call = stmt.firstNamedChild;
  const name = call ? directCallName(call) : undefined;
  return call && name !== undefined && pattern.test(name) ? { call, name } : null;
}

/** Macros inside a body that take a block: guards and loops. */
const BLOCK_MACRO = new RegExp(`^scoped_(cond_)?guard$|${LOOP_MACRO.source}`);

/** An argument that could name a lock, as normalised text; null for literals and arithmetic. */
function argumentText(node: LiteNode): string | null {
  switch (node.type) {
    case 'identifier':
    case 'field_expression':
    case 'pointer_expression':
    case 'subscript_expression':
    case 'parenthesized_expression':
    case 'cast_expression':
      return lockExprOfNode(node) ? normalise(node.text) : null;
    default:
      return null;
  }
}

/** `tr`, `(void *)tr`, `&ti`, `ti->ti_save`, `get_handle()`: a value stored written as a name, an address, a field or a call; undefined for anything else (a value computed with operators). */
function storedName(node: LiteNode): string | undefined {
  let value = unwrap(node);
  while (value.type === 'cast_expression' && value.childForFieldName('value')) value = unwrap(value.childForFieldName('value')!);
  if (value.type === 'identifier') return value.text;
  if (value.type === 'field_expression' || value.type === 'call_expression') return normalise(value.text);
  if (value.type === 'pointer_expression' && value.text.startsWith('&')) return normalise(value.text);
  return undefined;
}

/** Constants that mean 0 or "no": `0`, `NULL`, `false`, `thrd_success`, `WAIT_OBJECT_0`, `STATUS_SUCCESS`. */
/**
 * `0`, `false`, `NULL` → false; other number literals, `true` and a negated error number (`-EINTR`,
 * `-1`: `ret = -EINTR; break;` before `if (ret) goto out;`) → true; anything else unknown.
 */
function constantTruth(node: LiteNode): boolean | undefined {
  if (node.type === 'number_literal') return !ZERO_NUMBER.test(node.text);
  if (node.type === 'true') return true;
  if (node.type === 'false' || node.text === 'NULL') return false;
  if (node.type === 'unary_expression' && NEGATED_ERROR.test(node.text)) return true;
  if (node.type === 'parenthesized_expression' && node.namedChildren.length === 1) return constantTruth(node.namedChildren[0]);
  return undefined;
}

/** `-EINTR`, `- ENOMEM`, `-1`: an error number negated, never zero. */
const NEGATED_ERROR = /^-\s*(?:E[A-Z0-9_]+|[1-9]\d*)$/;

/** `0`, `0x0`, `0UL`: a number literal that is zero. */
const ZERO_NUMBER = /^0[xX]?0*[uUlL]*$/;
const NUMBER_TEXT = /^(?:0[xX][0-9a-fA-F]+|\d+)[uUlL]*$/;

/** `constantTruth` for an argument known only as text (a body read for its calls alone). */
function constantTruthOfText(arg: string): boolean | undefined {
  if (NUMBER_TEXT.test(arg)) return !ZERO_NUMBER.test(arg);
  if (NEGATED_ERROR.test(arg)) return true;
  if (arg === 'true') return true;
  if (arg === 'false' || arg === 'NULL') return false;
  return undefined;
}

/** The truth of each argument written as a constant, by position; undefined when none is. */
function constantArguments<T>(args: readonly T[], truthOf: (arg: T) => boolean | undefined): Record<number, boolean> | undefined {
  let out: Record<number, boolean> | undefined;
  args.forEach((arg, i) => {
    const truth = truthOf(arg);
    if (truth !== undefined) (out ??= {})[i] = truth;
  });
  return out;
}

/** Function-pointer members named for releasing their argument's lock: `unlock`, `wake_and_unlock`. */
const INDIRECT_UNLOCK = /(?:^|_)unlock$/;

const COMPARISONS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);
/** The comparison each of these negates: `a != b` is `!(a == b)`. */
const NEGATED_COMPARISONS: Readonly<Record<string, string>> = { '!=': '==', '>=': '<', '>': '<=' };

/**
 * A comparison in one canonical form, so that tests of one relation written two ways are one
 * condition: `cnt >= max` is `!(cnt < max)`, `gfp != GFP_ATOMIC` is `!(gfp == GFP_ATOMIC)`, and a
 * pre-increment compares the variable's new value (`++cnt < max` tests `cnt < max`).
 */
function comparison(left: LiteNode, operator: string, right: LiteNode): Cond {
  const side = (node: LiteNode) => normalise(node.text).replace(/^(?:\+\+|--)\s*(?=[A-Za-z_]\w*$)/, '');
  const negated = NEGATED_COMPARISONS[operator];
  const atom: Cond = { op: 'atom', text: `${side(left)} ${negated ?? operator} ${side(right)}` };
  return negated ? { op: 'not', arg: atom } : atom;
}

function isZero(node: LiteNode): boolean {
  if (node.type === 'number_literal') return /^0[uUlL]*$/.test(node.text);
  return ZERO_CONSTANTS.has(node.text);
}

const ZERO_CONSTANTS = new Set(['NULL', 'false', 'thrd_success', 'WAIT_OBJECT_0', 'STATUS_SUCCESS', 'ERROR_SUCCESS', 'S_OK']);

export function normalise(text: string): string {
  // Most texts (`inode`, `sb->s_lock`) hold no blank: nothing to take out.
  if (!/\s/.test(text)) return text;
  return text.replace(/\s+/g, ' ').replace(/\s*(->|\.|\(|\)|\[|\]|,)\s*/g, '$1').trim();
}

/** `wait_event_cmd(wq, cond, cmd1, cmd2)` and its exclusive form, written out in full. */
function isCommandWait(node: LiteNode): boolean {
  if (node.type !== 'call_expression') return false;
  const name = directCallName(node);
  return (name === 'wait_event_cmd' || name === 'wait_event_exclusive_cmd') && node.childForFieldName('arguments')?.namedChildren.length === 4;
}
