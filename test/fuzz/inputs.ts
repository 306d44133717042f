/**
 * The fuzzer's inputs. Everyday kinds are small and make up almost every input; the heavy kinds
 * (a 1 MB line, 10,000 nested blocks, a 50 MB file) come on a fixed schedule, so a run of N inputs
 * always contains the same number of each and a short run stays short.
 */
import type { SeedFile } from './corpus';
import { Random, inputSeed } from './random';

export const EVERYDAY_KINDS = [
  'random-bytes',
  'random-utf8',
  'fixture-cut',
  'bracket-noise',
  'nul-bytes',
  'crlf',
  'unicode-identifiers',
] as const;

export const HEAVY_KINDS = ['long-line', 'deep-nesting', 'huge-file'] as const;

export type InputKind = (typeof EVERYDAY_KINDS)[number] | (typeof HEAVY_KINDS)[number];

export interface FuzzInput {
  kind: InputKind;
  /** What the engine is told the file is called. */
  file: string;
  text: string;
  /** The variant within the kind (which seed, which flavour of long line, ...), for reports. */
  detail: string;
}

export const LONG_LINE_CHARS = 1 << 20;
export const NESTING_DEPTH = 10_000;
export const HUGE_FILE_CHARS = 50 * (1 << 20);

/** Which kind input `index` is: heavy kinds at fixed places, everyday kinds drawn at random. */
export function kindAt(index: number, random: Random): InputKind {
  if (index % 1000 === 500) return 'huge-file';
  if (index % 100 === 50) return 'long-line';
  if (index % 100 === 99) return 'deep-nesting';
  return random.pick(EVERYDAY_KINDS);
}

/** Input `index` of the run seeded `runSeed`: rebuilt identically from those two numbers. */
export function inputAt(runSeed: number, index: number, corpus: readonly SeedFile[]): FuzzInput {
  const random = new Random(inputSeed(runSeed, index));
  return makeInput(kindAt(index, random), random, corpus);
}

export function makeInput(kind: InputKind, random: Random, corpus: readonly SeedFile[]): FuzzInput {
  const seed = random.pick(corpus);
  const make = (text: string, detail: string): FuzzInput => ({ kind, file: `fuzz/${kind}.c`, text, detail });
  switch (kind) {
    case 'random-bytes': {
      const bytes = Buffer.alloc(random.between(1, 4096));
      for (let i = 0; i < bytes.length; i++) bytes[i] = random.below(256);
      // latin1 keeps every byte as one character (NUL, lone CR, ...); utf8 turns bad sequences into U+FFFD.
      const encoding = random.pick(['latin1', 'utf8'] as const);
      return make(bytes.toString(encoding), `${bytes.length} bytes as ${encoding}`);
    }
    case 'random-utf8':
      return make(randomUnicode(random, random.between(1, 4096)), 'mixed code points');
    case 'fixture-cut': {
      // Cuts may split a surrogate pair or a CRLF: both are part of the test.
      const a = random.below(seed.text.length + 1);
      const b = random.below(seed.text.length + 1);
      const [from, to] = random.chance(0.5) ? [0, a] : [Math.min(a, b), Math.max(a, b)];
      return make(seed.text.slice(from, to), `${seed.name}[${from}, ${to})`);
    }
    case 'bracket-noise': {
      const edits = random.between(1, 20);
      return make(bracketNoise(seed.text, random, edits), `${seed.name} with ${edits} edits`);
    }
    case 'nul-bytes': {
      let text = seed.text;
      const count = random.between(1, 10);
      for (let i = 0; i < count; i++) text = insertAt(text, random.below(text.length + 1), '\0'.repeat(random.between(1, 3)));
      return make(text, `${seed.name} with ${count} NUL runs`);
    }
    case 'crlf': {
      const style = random.pick(['crlf', 'mixed', 'lone-cr'] as const);
      const lines = seed.text.split('\n');
      const breaks = { crlf: () => '\r\n', 'lone-cr': () => '\r', mixed: () => random.pick(['\n', '\r\n', '\r']) }[style];
      return make(lines.map((line, i) => (i === 0 ? line : breaks() + line)).join(''), `${seed.name} with ${style} line breaks`);
    }
    case 'unicode-identifiers':
      return make(unicodeIdentifiers(seed.text, random), seed.name);
    case 'long-line': {
      const flavour = random.pick(Object.keys(LONG_LINES) as (keyof typeof LONG_LINES)[]);
      return make(`${seed.text}\n${LONG_LINES[flavour]()}\n`, `${flavour} after ${seed.name}`);
    }
    case 'deep-nesting': {
      const flavour = random.pick(Object.keys(NESTINGS) as (keyof typeof NESTINGS)[]);
      return make(NESTINGS[flavour](), flavour);
    }
    case 'huge-file':
      return make(hugeFile(corpus), `${corpus.length} seeds repeated`);
  }
}

function insertAt(text: string, at: number, inserted: string): string {
  return text.slice(0, at) + inserted + text.slice(at);
}

/** Code points from every part of the range that matters: C punctuation, BMP, astral, lone surrogates, controls. */
function randomUnicode(random: Random, length: number): string {
  const parts: string[] = [];
  while (parts.length < length) {
    const choice = random.below(8);
    if (choice === 0) parts.push(random.pick(['{', '}', '(', ')', ';', '/*', '*/', '//', '"', "'", '#', '\\', '\n', '\r\n', '\r', '\t', '\0']));
    else if (choice === 1) parts.push(random.pick(['spin_lock(&a);', 'mutex_unlock(&m);', 'void f(void)', 'struct s {', 'return;']));
    else if (choice === 2) parts.push(String.fromCharCode(0xd800 + random.below(0x800))); // a lone surrogate
    else if (choice === 3) parts.push(String.fromCodePoint(0x10000 + random.below(0x100000)));
    else if (choice === 4) parts.push(String.fromCharCode(random.below(0x20)));
    else parts.push(String.fromCharCode(0x20 + random.below(0xd800 - 0x20)));
  }
  return parts.join('');
}

const NOISE = ['{', '}', '(', ')', '/*', '*/', '//', '"', "'", '#if 0\n', '#endif\n', '\\\n', ';', '[', ']'];
const BRACKETS = /[{}()[\]]|\/\*|\*\//g;

/** Random insertions of brackets and comment openers, and deletions of existing ones. */
function bracketNoise(text: string, random: Random, edits: number): string {
  for (let i = 0; i < edits; i++) {
    if (random.chance(0.5) || text.length === 0) {
      text = insertAt(text, random.below(text.length + 1), random.pick(NOISE));
      continue;
    }
    const found = [...text.matchAll(BRACKETS)];
    if (found.length === 0) continue;
    const victim = random.pick(found);
    text = text.slice(0, victim.index) + text.slice(victim.index! + victim[0].length);
  }
  return text;
}

const NON_ASCII = ['é', 'ß', 'ü', 'Ж', 'замок', '锁', 'λ', '𝔊', '😀', 'ⅸ', '\u00a0', '\u200b'];

/**
 * Renames a few identifiers of a seed consistently with non-ASCII letters (astral ones too, which
 * are two UTF-16 units each), and adds a function-like macro with a non-ASCII name that takes a
 * lock, used twice: findings then sit on lines whose columns differ in bytes, code points and
 * UTF-16 units.
 */
function unicodeIdentifiers(text: string, random: Random): string {
  const identifiers = [...new Set(text.match(/\b[a-z_][a-z0-9_]{2,}\b/g) ?? [])].filter((name) => !/lock|mutex|sem|include|define/.test(name));
  for (let i = random.between(1, 5); i > 0 && identifiers.length > 0; i--) {
    const name = random.pick(identifiers);
    const renamed = `${name}_${random.pick(NON_ASCII)}${random.pick(NON_ASCII)}`;
    text = text.replace(new RegExp(`\\b${name}\\b`, 'g'), renamed);
  }
  const letter = random.pick(NON_ASCII);
  const macro = `#define VERROU_${letter}(x) spin_lock(&(x)->lock_${letter})\n`;
  const use = `void f_${letter}(struct s_${letter} *x)\n{\n\t/* ${random.pick(NON_ASCII)} */ VERROU_${letter}(x); spin_lock(&x->lock_${letter}); spin_lock(&x->lock_${letter});\n}\n`;
  return macro + text + use;
}

/** One line of about 1 MB (plus a short prefix), in several shapes the parser and extraction see differently. */
const LONG_LINES = {
  identifier: () => `int ${'a'.repeat(LONG_LINE_CHARS)};`,
  string: () => `const char *s = "${'x'.repeat(LONG_LINE_CHARS)}";`,
  comment: () => `/* ${'*'.repeat(LONG_LINE_CHARS)} */`,
  expression: () => `void long_expr(void) { int x = ${'1+'.repeat(LONG_LINE_CHARS / 2)}1; }`,
  'lock-calls': () => `void long_calls(void) { ${'spin_lock(&a); spin_unlock(&a); '.repeat(LONG_LINE_CHARS / 32)}}`,
  'unclosed-comment': () => `/* ${'x'.repeat(LONG_LINE_CHARS)}`,
};

/** NESTING_DEPTH nested constructs inside one function, with a lock call at the bottom. */
const NESTINGS = {
  braces: () => `void deep(void)\n{${'{'.repeat(NESTING_DEPTH)}spin_lock(&a);${'}'.repeat(NESTING_DEPTH)}}\n`,
  parentheses: () => `void deep(void)\n{\n\tspin_lock(${'('.repeat(NESTING_DEPTH)}&a${')'.repeat(NESTING_DEPTH)});\n}\n`,
  'if-blocks': () => `void deep(int c)\n{\n${'if (c) {\n'.repeat(NESTING_DEPTH)}spin_lock(&a);\n${'}\n'.repeat(NESTING_DEPTH)}}\n`,
  'unclosed-braces': () => `void deep(void)\n{${'{ spin_lock(&a);'.repeat(NESTING_DEPTH)}\n`,
  preprocessor: () => `void deep(void)\n{\n${'#ifdef X\n'.repeat(NESTING_DEPTH)}spin_lock(&a);\n${'#endif\n'.repeat(NESTING_DEPTH)}}\n`,
  'do-while-macros': () => `void deep(void)\n{\n${'do { '.repeat(NESTING_DEPTH)}spin_lock(&a);${' } while (0);'.repeat(NESTING_DEPTH)}\n}\n`,
};

/** The seed corpus repeated up to HUGE_FILE_CHARS: real-looking C, far over any size limit. */
function hugeFile(corpus: readonly SeedFile[]): string {
  const round = corpus.map((seed) => seed.text).join('\n');
  return round.repeat(Math.ceil(HUGE_FILE_CHARS / round.length)).slice(0, HUGE_FILE_CHARS);
}
