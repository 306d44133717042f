import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SETTINGS, needsReindex, readSettings } from '../../server/src/lsp/settings';

describe('settings', () => {
  it('reads the lockorder section as VS Code nests dotted keys', () => {
    const problems: string[] = [];
    const settings = readSettings(
      {
        lockApis: [{ name: 'xfs_ilock', kind: 'rwsem', role: 'acquire', mode: 'write' }],
        ignore: ['tools/**'],
        severity: { 'lock-order-inversion': 'error', 'double-lock': 'default', 'sleep-in-atomic': 'off' },
        diagnostics: { workspace: true },
        maxFileBytes: 1000,
        declaredOrders: ['a -> b'],
        debounceMs: 0,
      },
      (p) => problems.push(p),
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, {
      engine: {
        lockApis: [{ name: 'xfs_ilock', kind: 'rwsem', role: 'acquire', mode: 'write' }],
        declaredOrders: ['a -> b'],
        ignore: ['tools/**'],
        maxFileBytes: 1000,
        debounceMs: 0,
      },
      severity: { 'lock-order-inversion': 'error', 'sleep-in-atomic': 'off' },
      workspaceDiagnostics: true,
    });
  });

  it('falls back per setting, naming each mistake', () => {
    const problems: string[] = [];
    const settings = readSettings(
      {
        lockApis: [{ name: 'my_lock', role: 'acquire' }],
        ignore: ['ok/**'],
        severity: { 'double-lock': 'loud' },
        maxFileBytes: -1,
        declaredOrders: ['just-one'],
        debounceMs: 'soon',
      },
      (p) => problems.push(p),
    );
    assert.deepEqual(settings.engine, { ...DEFAULT_SETTINGS.engine, ignore: ['ok/**'] });
    assert.deepEqual(settings.severity, {});
    assert.deepEqual(problems, [
      'lockorder.lockApis[0].kind: missing (required) (using the default)',
      'lockorder.declaredOrders[0]: expected "a -> b" (two or more lock names joined by "->"), got "just-one" (using the default)',
      'lockorder.maxFileBytes: expected a positive whole number of bytes, got number -1 (using the default)',
      'lockorder.debounceMs: expected a whole number of milliseconds from 0 to 10000, got "soon" (using the default)',
      'lockorder.severity.double-lock: expected one of error, warning, information, hint, off, got string "loud" (using the default)',
    ]);
  });

  it('takes no section as the defaults', () => {
    assert.deepEqual(readSettings(null, () => assert.fail('no problems expected')), DEFAULT_SETTINGS);
  });

  it('re-indexes only for what changes extraction or the file set', () => {
    const base = DEFAULT_SETTINGS.engine;
    assert.equal(needsReindex(base, { ...base, debounceMs: 5 }), false);
    assert.equal(needsReindex(base, { ...base, declaredOrders: ['a -> b'] }), false);
    assert.equal(needsReindex(base, { ...base, ignore: ['x'] }), true);
    assert.equal(needsReindex(base, { ...base, maxFileBytes: 1 }), true);
    assert.equal(needsReindex(base, { ...base, lockApis: [{ name: 'l', kind: 'mutex', role: 'acquire' }] }), true);
  });
});
