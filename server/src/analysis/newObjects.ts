/**
 * Constructors read from a function body's text: what a caller may know of the flag bits of the new
 * object it gets back, when the allocation that zeroed it is out of sight (a call through an
 * operations table, `ld->alloc_layout_hdr(…)`, behind a helper).
 *
 *     lo = alloc_hdr(ino, gfp);
 *     if (!lo)
 *             return NULL;
 *     refcount_set(&lo->refcount, 1);
 *     lo->flags |= 1 << HDR_INVALID;
 *     return lo;
 *
 * The object is new: the function starts its reference count at one, which no function does to an
 * object others already hold. ORing a bit into a field it never stored only makes sense if the field
 * started at zero, so after the constructor the field holds the bits ORed (or set with `set_bit()`) in
 * it and no other: a later test of another bit of it (`if (test_bit(HDR_HASHED, &lo->flags))`) fails.
 *
 * Only the plainest shape is read, the one whose every use of the object can be checked in the text:
 * the object comes from one call, every return gives it back or NULL, and the object itself goes
 * nowhere else (not passed to a call, not stored), so that nothing out of sight set another bit. Its
 * other fields may be used freely; the flags field only read, ORed with constant bits and `set_bit()`.
 */
import type { NewObjectFlags } from './functionFacts';

/**
 * The flags fields of the new object a constructor returns, each with the bits it may have set;
 * undefined when the body is not a constructor of that shape. `blank` blanks comments and strings.
 */
export function newObjectFlags(body: string, blank: (text: string) => string): NewObjectFlags[] | undefined {
  if (!mayConstruct(body)) return undefined;
  const code = blank(body);
  const name = returnedObject(code);
  if (!name) return undefined;
  // Made by one call and never assigned again (`struct foo *lo = alloc(…);` or `lo = (struct foo *)alloc(…);`).
  const assignments = [...code.matchAll(new RegExp(`(?<![\\w.>])${name}\\s*=(?!=)`, 'g'))];
  if (assignments.length !== 1) return undefined;
  const assignment = assignments[0];
  const afterAssignment = (assignment.index ?? 0) + assignment[0].length;
  if (!/^\s*(?:\(\s*[\w\s]+\*+\s*\)\s*)?[A-Za-z_]\w*(?:\s*(?:->|\.)\s*\w+)*\s*\(/.test(code.slice(afterAssignment))) return undefined;
  if (!new RegExp(`\\b(?:(?:refcount|atomic|atomic_long)_set\\s*\\(\\s*&\\s*${name}\\s*->[\\w.>\\s-]+,\\s*1\\s*\\)|kref_init\\s*\\(\\s*&\\s*${name}\\s*->[\\w.>\\s-]+\\))`).test(code)) return undefined;
  // Uses of the object that are neither of its fields nor its declaration, the assignment, the returns and tests of it: it goes elsewhere.
  const allowed = code
    .replace(new RegExp(`\\bsizeof\\s*\\(?\\s*\\*\\s*${name}\\s*\\)?`, 'g'), ' ')
    .replace(new RegExp(`(?<=\\w\\s*\\*+\\s*)${name}\\s*(?=[;,])`, 'g'), ' ')
    .replace(new RegExp(`\\breturn\\s+\\(?\\s*${name}\\s*\\)?\\s*;`, 'g'), ' ')
    .replace(new RegExp(`(?<![\\w.>])${name}\\s*=(?!=)`, 'g'), ' ')
    .replace(new RegExp(`\\b(?:if|unlikely|likely)\\s*\\(\\s*!?\\s*${name}\\s*\\)`, 'g'), ' ')
    .replace(new RegExp(`(?<![\\w.>])${name}\\s*[!=]=\\s*NULL\\b|\\bNULL\\s*[!=]=\\s*${name}\\b`, 'g'), ' ');
  if (new RegExp(`(?<![\\w.>])${name}\\b(?!\\s*->)`).test(allowed)) return undefined;
  const fields = new Map<string, string[] | null>();
  const disqualify = (field: string) => fields.set(field, null);
  const addBits = (field: string, bits: string[] | null) => {
    const known = fields.get(field);
    if (known === null) return;
    if (bits === null) disqualify(field);
    else fields.set(field, [...(known ?? []), ...bits]);
  };
  for (const use of code.matchAll(new RegExp(`(&\\s*)?(?<![\\w.>])${name}\\s*->\\s*(\\w+)`, 'g'))) {
    const field = use[2];
    const at = (use.index ?? 0) + use[0].length;
    const after = code.slice(at, at + 200);
    const or = /^\s*\|=\s*([^;]+);/.exec(after);
    if (or) addBits(field, orredBits(or[1]));
    else if (use[1]) {
      // `set_bit(B, &lo->flags)` sets B; any other call given the field's address may store anything.
      const setBit = /(?:^|[^\w.>])(?:__)?set_bit\s*\(\s*(\w+)\s*,\s*$/.exec(code.slice(Math.max(0, (use.index ?? 0) - 80), use.index));
      if (setBit && /^\s*\)/.test(after)) addBits(field, [setBit[1]]);
      else disqualify(field);
    } else if (/^\s*(?:[.[]|(?:[-+*/%^&|]|<<|>>)?=(?!=)|\+\+|--)/.test(after) || /(?:\+\+|--)\s*$/.test(code.slice(Math.max(0, (use.index ?? 0) - 3), use.index))) {
      // Stored (or a member of it is): its value is no longer what the ORs left.
      disqualify(field);
    }
  }
  const out: NewObjectFlags[] = [];
  for (const [field, bits] of fields) if (bits !== null && bits.length > 0) out.push({ field, bits: [...new Set(bits)] });
  return out.length > 0 ? out : undefined;
}

/** A constructor ORs or sets a bit, starts a count and returns. */
function mayConstruct(body: string): boolean {
  return (body.includes('|=') || body.includes('set_bit')) && COUNT_START.test(body) && body.includes('return');
}

const COUNT_START = /\b(?:refcount_set|atomic_set|atomic_long_set|kref_init)\b/;

/** The one variable every return gives back (the others returning NULL); null if there is none. */
function returnedObject(code: string): string | null {
  let object: string | null = null;
  for (const match of code.matchAll(/\breturn\b\s*([^;]*);/g)) {
    const value = match[1].trim().replace(/^\((.*)\)$/, '$1').trim();
    if (value === 'NULL') continue;
    if (!/^[A-Za-z_]\w*$/.test(value) || (object !== null && object !== value)) return null;
    object = value;
  }
  return object;
}

/** `1 << B`, `BIT(B) | BIT(C)`: the bits named; null when a term is not a bit number shifted (a mask names no bit). */
function orredBits(expression: string): string[] | null {
  const bits: string[] = [];
  for (const term of expression.split(/\|(?![^()]*\))/)) {
    const match = /^1[UuLl]*\s*<<\s*([A-Za-z_]\w*)$/.exec(unparenthesised(term)) ?? /^BIT(?:_ULL)?\s*\(\s*([A-Za-z_]\w*)\s*\)$/.exec(unparenthesised(term));
    if (!match) return null;
    bits.push(match[1]);
  }
  return bits;
}

/** `((1 << B))` → `1 << B`, `1 << (B)` → `1 << B`. */
function unparenthesised(term: string): string {
  let text = term.trim();
  while (/^\([^()]*\)$/.test(text)) text = text.slice(1, -1).trim();
  return text.replace(/<<\s*\(\s*(\w+)\s*\)$/, '<< $1');
}
