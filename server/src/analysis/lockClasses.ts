/**
 * Lock classes, the way lockdep thinks of them: a lock reached through a typed pointer is its struct
 * type and field (`&dev->lock` with `struct snd_port *dev` is `snd_port.lock`), whatever variable
 * names it; a global or static lock is its name. Only when no type is known does a class fall back
 * to the expression text, and such classes are marked unresolved so reports on them stay quiet.
 */
import type { FileFacts, FunctionFacts, LockExpr, StructDef, TypeRef } from './functionFacts';
import { LOCK_TYPES } from './lockApis';
import { makeLockExpr } from './lockExpr';

export interface LockClass {
  /** The class id and display name: `snd_port.lock`, `lock1`, `inode.i_rwsem/1`. */
  id: string;
  /** False when the class is only the expression text: two such may be different locks. */
  resolved: boolean;
  /** Set when the lock is one of the function's parameters (or reached from one without a type). */
  param?: { index: number; steps: string[] };
  /**
   * The `_nested` subclass is the function's parameter of this index (`IWRITE_LOCK(ip, subclass)`):
   * a caller's argument names it. `base` is the class without a subclass.
   */
  subclassParam?: { index: number; base: string };
  /** For a class taken with a `_nested` subclass (`inode.i_rwsem/1`): the class without it (`inode.i_rwsem`). */
  base?: string;
}

/**
 * A class with every field of `LockClass` there, in one order, the optional ones undefined: all
 * classes share one hidden class, and the flow reading them stays optimised (spread together with
 * only the fields each needed, they came in over a hundred shapes on fs/).
 */
export function lockClass(c: LockClass): LockClass {
  return { id: c.id, resolved: c.resolved, param: c.param, subclassParam: c.subclassParam, base: c.base };
}

/** Structs, typedefs and globals of the whole program (every analysed file, headers included). */
export class TypeTable {
  private readonly structs = new Map<string, StructDef>();
  private readonly typedefs = new Map<string, string>();
  private readonly globals = new Map<string, TypeRef>();
  /** How many files declare each global name. */
  private readonly declaredIn = new Map<string, number>();
  private readonly staticsByFile = new Map<string, Set<string>>();

  static of(files: Iterable<FileFacts>): TypeTable {
    const table = new TypeTable();
    for (const file of files) table.add(file);
    return table;
  }

  add(file: FileFacts): void {
    for (const def of file.structs) {
      const known = this.structs.get(def.name);
      // Forward declarations and per-config variants: merge fields, first definition wins per field.
      if (known) this.structs.set(def.name, { name: def.name, fields: { ...def.fields, ...known.fields } });
      else this.structs.set(def.name, def);
    }
    for (const [alias, target] of Object.entries(file.typedefs)) if (!this.typedefs.has(alias)) this.typedefs.set(alias, target);
    for (const [name, type] of Object.entries(file.globals)) {
      if (!this.globals.has(name)) this.globals.set(name, type);
      this.declaredIn.set(name, (this.declaredIn.get(name) ?? 0) + 1);
    }
    if (file.statics) this.staticsByFile.set(file.file, new Set(file.statics));
  }

  /**
   * Whether `name`, in `file`, is the file's own static object while another file declares one of
   * the same name (`static DEFINE_MUTEX(register_mutex);` in two drivers): two locks, not one.
   */
  ownStatic(name: string, file: string): boolean {
    return (this.declaredIn.get(name) ?? 0) > 1 && this.staticsByFile.get(file)?.has(name) === true;
  }

  /** `foo_t` → `foo` through typedef chains (bounded, typedef loops exist in broken code). */
  canonical(name: string): string {
    let current = name;
    for (let i = 0; i < 8; i++) {
      const next = this.typedefs.get(current);
      if (!next || next === current) break;
      current = next;
    }
    return current;
  }

  field(struct: string, field: string): TypeRef | undefined {
    return this.structs.get(struct)?.fields[field];
  }

  global(name: string): TypeRef | undefined {
    return this.globals.get(name);
  }

  /** The members of a struct whose type is a lock, by name. */
  lockMembers(struct: string): string[] {
    const fields = this.structs.get(struct)?.fields ?? {};
    return Object.keys(fields).filter((name) => fields[name].pointers === 0 && LOCK_TYPES.has(this.canonical(fields[name].name)));
  }

  hasStruct(name: string): boolean {
    return this.structs.has(name);
  }
}

/** Kernel variables that are macros, with the type they stand for: `current` is the running task. */
const IMPLICIT_VARIABLES: Readonly<Record<string, TypeRef>> = { current: { name: 'task_struct', pointers: 1 } };

const PRIMITIVE = /^(void|char|short|int|long|unsigned|signed|float|double|bool|_Bool|u8|u16|u32|u64|s8|s16|s32|s64|size_t)$/;

/** Resolves lock expressions to classes inside one function. */
export class ClassResolver {
  /**
   * Types learned in the function from a typed local set to an access path: `struct inode *inode =
   * dentry->d_inode` says `dentry->d_inode`, and any `dentry.d_inode` field, points to an `inode`,
   * for structs outside the analysed files and `void *` fields. By path text, and by `struct.field`.
   */
  private readonly learnedPaths = new Map<string, string>();
  private readonly learnedFields = new Map<string, string>();

  constructor(
    private readonly types: TypeTable,
    private readonly fn: FunctionFacts,
  ) {}

  resolve(expr: LockExpr, subclass?: string): LockClass {
    const base = this.resolveBase(expr);
    return subclass ? this.withSubclass(base, subclass) : base;
  }

  /** The class `base` taken with a `_nested` subclass (one of this function's parameters, maybe). */
  withSubclass(base: LockClass, subclass: string): LockClass {
    const sub = normaliseSubclass(subclass);
    if (sub === '0') return base;
    const index = this.fn.params.findIndex((p) => p.name === sub);
    return lockClass({ ...base, id: `${base.id}/${sub}`, base: base.id, subclassParam: index >= 0 ? { index, base: base.id } : undefined });
  }

  private resolveBase(expr: LockExpr): LockClass {
    // From the longest learned prefix: `sb` set to `fc->root->d_sb` types `fc->root->d_sb->s_umount`.
    for (let k = this.learnedPaths.size > 0 ? expr.steps.length - 1 : 0; k >= 1; k--) {
      const type = this.learnedPaths.get(expr.root + expr.steps.slice(0, k).join(''));
      if (type !== undefined) return lockClass({ id: this.walk(this.types.canonical(type), expr.steps.slice(k)), resolved: true });
    }
    const paramIndex = this.fn.params.findIndex((p) => p.name === expr.root);
    const local = this.fn.locals[expr.root];
    const declared = paramIndex >= 0 ? this.fn.params[paramIndex].type : (local ?? IMPLICIT_VARIABLES[expr.root]);
    // A `void *data` parameter or local set to a typed local (`struct dlm_ctxt *dlm = data;`) has that type.
    const learned = expr.steps.length > 0 && (paramIndex >= 0 || local) && (!declared || PRIMITIVE.test(this.types.canonical(declared.name))) ? this.learnedPaths.get(expr.root) : undefined;
    if (learned !== undefined) return lockClass({ id: this.walk(this.types.canonical(learned), expr.steps), resolved: true });
    if (declared) {
      const typeName = this.types.canonical(declared.name);
      if (expr.steps.length > 0 && !PRIMITIVE.test(typeName)) {
        return lockClass({ id: this.walk(typeName, expr.steps), resolved: true });
      }
      // The parameter is itself the lock (`spinlock_t *l`): its class is the caller's argument's.
      if (paramIndex >= 0) return lockClass({ id: `${this.fn.name}(${expr.text})`, resolved: false, param: { index: paramIndex, steps: expr.steps } });
      // A lock on the stack: one class per function.
      return lockClass({ id: `${this.fn.name}:${expr.text}`, resolved: true });
    }
    if (paramIndex >= 0) {
      return lockClass({ id: `${this.fn.name}(${expr.text})`, resolved: false, param: { index: paramIndex, steps: expr.steps } });
    }
    const global = this.types.global(expr.root);
    if (global) {
      // Static objects are keyed by address in lockdep: each global lock is its own class. A file's
      // static one is named with the file when another file has one of the same name.
      if (this.types.ownStatic(expr.root, this.fn.file)) return lockClass({ id: `${this.fn.file.slice(this.fn.file.lastIndexOf('/') + 1)}:${expr.text}`, resolved: true });
      return lockClass({ id: expr.text, resolved: true });
    }
    // Unknown roots: a bare name is a global declared elsewhere; a path from an unknown variable is only text.
    return lockClass({ id: expr.text, resolved: expr.steps.length === 0 && !expr.root.endsWith('()') });
  }

  /** The object `path` reaches (`dentry->d_inode`) has type `type`. */
  learnType(path: LockExpr, type: string): void {
    if (PRIMITIVE.test(type)) return;
    this.learnedPaths.set(path.text, type);
    if (path.steps.length === 0) return;
    const field = this.resolveBase(path);
    if (field.resolved && /^\w+\.\w+$/.test(field.id)) this.learnedFields.set(field.id, type);
  }

  /** The lock inside the object a variable points to (`fiq` → `fiq->lock`) when its struct has exactly one. */
  onlyLockOf(object: LockExpr): LockExpr | null {
    if (object.steps.length > 0) return null;
    const param = this.fn.params.find((p) => p.name === object.root);
    const declared = param ? param.type : this.fn.locals[object.root];
    if (!declared || declared.pointers !== 1) return null;
    const members = this.types.lockMembers(this.types.canonical(declared.name));
    return members.length === 1 ? makeLockExpr(object.root, [`->${members[0]}`]) : null;
  }

  /** `snd_port` + `->queues`,`[]`,`.lock` → `snd_queue.lock`, following field types as far as known. */
  private walk(struct: string, steps: string[]): string {
    let current = struct;
    const fields = steps.filter((s) => s !== '[]').map((s) => s.replace(/^(->|\.)/, ''));
    for (let i = 0; i < fields.length - 1; i++) {
      // (A `void *private_data` is no type: what the function stored it in says which.)
      const declared = this.types.field(current, fields[i]);
      const learned = declared === undefined || PRIMITIVE.test(declared.name) ? this.learnedFields.get(`${current}.${fields[i]}`) : undefined;
      const type = learned !== undefined ? { name: learned, pointers: 1 } : declared;
      if (!type || PRIMITIVE.test(type.name)) {
        // The struct is not in the analysed files: the path from the typed root still names one class.
        return `${current}.${fields.slice(i).join('.')}`;
      }
      current = this.types.canonical(type.name);
    }
    const arraySuffix = steps[steps.length - 1] === '[]' ? '[]' : '';
    return `${current}.${fields[fields.length - 1]}${arraySuffix}`;
  }
}

/** `SINGLE_DEPTH_NESTING` is lockdep's 1; other names and numbers stand as written. */
function normaliseSubclass(text: string): string {
  if (text === 'SINGLE_DEPTH_NESTING') return '1';
  return text.replace(/^\((.*)\)$/, '$1');
}
