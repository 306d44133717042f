import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySeverityOverrides, MAX_CONFIG_BYTES, parseConfig, type LockorderConfig } from '../server/src/config';
import { finding, site } from './cli/helpers';

function errorsOf(text: string): string[] {
  const result = parseConfig(text, 'cfg.json');
  assert.equal(result.ok, false, `expected errors for ${text}`);
  return (result as { errors: string[] }).errors;
}

function configOf(text: string): LockorderConfig {
  const result = parseConfig(text, 'cfg.json');
  assert.ok(result.ok, JSON.stringify(result));
  return result.config;
}

test('a full, valid configuration comes back as written', () => {
  const config = {
    lockApis: [
      { name: 'xfs_ilock', kind: 'rwsem', role: 'acquire', lockArg: 0, mode: 'write' },
      { name: 'xfs_iunlock', kind: 'rwsem', role: 'release' },
      { name: 'my_trylock', kind: 'spinlock', role: 'trylock', lockArg: 1 },
    ],
    ignore: ['drivers/staging/**', '*.mod.c'],
    severity: { 'sleep-in-atomic': 'error', 'unlock-unheld': 'off', 'double-lock': 'hint' },
    maxFileBytes: 1000000,
    declaredOrders: ['inode.i_rwsem -> mm.mmap_lock', 'a->b->c'],
  };
  assert.deepEqual(configOf(JSON.stringify(config)), config);
});

test('an empty object is a valid (empty) configuration', () => {
  assert.deepEqual(configOf('{}'), {});
});

test('not JSON, not an object, or too large: one clear error', () => {
  const [notJson] = errorsOf('{ "ignore": [ }');
  assert.match(notJson, /^cfg\.json: not valid JSON: /);
  assert.deepEqual(errorsOf('[]'), ['cfg.json: the configuration must be a JSON object, not an array']);
  assert.deepEqual(errorsOf('null'), ['cfg.json: the configuration must be a JSON object, not null']);
  const huge = JSON.stringify({ ignore: ['x'.repeat(MAX_CONFIG_BYTES)] });
  assert.deepEqual(errorsOf(huge), [`cfg.json: file is ${huge.length} bytes; a configuration may be at most 1048576 bytes`]);
});

test('the size limit counts UTF-8 bytes, not characters', () => {
  const text = `{"ignore":["${'é'.repeat(MAX_CONFIG_BYTES / 2)}"]}`;
  assert.ok(text.length < MAX_CONFIG_BYTES);
  assert.match(errorsOf(text)[0], /a configuration may be at most 1048576 bytes/);
});

test('every problem is reported, each with where it is', () => {
  const errors = errorsOf(
    JSON.stringify({
      lockAPIs: [],
      ignore: ['ok/**', 7, ''],
      severity: { 'double-lok': 'error', 'double-lock': 'fatal', 'sleep-in-atomic': 3 },
      maxFileBytes: -1,
      declaredOrders: ['a -> b', 'just_one', 'a -> -> b'],
    }),
  );
  assert.deepEqual(errors, [
    'cfg.json: lockAPIs: unknown key (allowed: lockApis, ignore, severity, maxFileBytes, declaredOrders)',
    'cfg.json: ignore[1]: expected a non-empty string, got number 7',
    'cfg.json: ignore[2]: expected a non-empty string, got string ""',
    'cfg.json: severity.double-lok: unknown finding code (known codes: lock-order-inversion, declared-order-violation, double-lock, unreleased-lock, unlock-unheld, mismatched-unlock, sleep-in-atomic)',
    'cfg.json: severity.double-lock: expected one of error, warning, information, hint, off, got string "fatal"',
    'cfg.json: severity.sleep-in-atomic: expected one of error, warning, information, hint, off, got number 3',
    'cfg.json: maxFileBytes: expected a positive whole number of bytes, got number -1',
    'cfg.json: declaredOrders[1]: expected "a -> b" (two or more lock names joined by "->"), got "just_one"',
    'cfg.json: declaredOrders[2]: expected "a -> b" (two or more lock names joined by "->"), got "a -> -> b"',
  ]);
});

test('lock API entries: required fields, allowed values, unknown keys', () => {
  const errors = errorsOf(
    JSON.stringify({
      lockApis: [
        { name: 'ok', kind: 'mutex', role: 'acquire' },
        { kind: 'mutex', role: 'lock' },
        { name: 'x', kind: '', role: 'release', lockArg: 1.5, mode: 'shared', flavour: 'irq' },
        'spin_lock',
      ],
    }),
  );
  assert.deepEqual(errors, [
    'cfg.json: lockApis[1].name: missing (required)',
    'cfg.json: lockApis[1].role: expected one of acquire, release, trylock, got string "lock"',
    'cfg.json: lockApis[2].flavour: unknown key (allowed: name, kind, role, lockArg, mode)',
    'cfg.json: lockApis[2].kind: expected a non-empty string, got string ""',
    'cfg.json: lockApis[2].mode: expected one of read, write, got string "shared"',
    'cfg.json: lockApis[2].lockArg: expected a 0-based argument index, got number 1.5',
    'cfg.json: lockApis[3]: expected an object, got string "spin_lock"',
  ]);
  assert.deepEqual(errorsOf('{"lockApis":[{"name":"f","kind":"mutex"}]}'), [
    'cfg.json: lockApis[0].role: missing (required: one of acquire, release, trylock)',
  ]);
  assert.deepEqual(errorsOf('{"lockApis":{"acquire":[]}}'), [
    'cfg.json: lockApis: expected an array of { name, kind, role, lockArg?, mode? }, got an object',
  ]);
});

test('wrong container types are reported, not thrown', () => {
  assert.deepEqual(errorsOf('{"ignore":"*.h","severity":[],"declaredOrders":null,"maxFileBytes":"4M"}'), [
    'cfg.json: ignore: expected an array of strings, got string "*.h"',
    'cfg.json: severity: expected an object mapping finding codes to a severity, got an array',
    'cfg.json: maxFileBytes: expected a positive whole number of bytes, got string "4M"',
    'cfg.json: declaredOrders: expected an array of strings, got null',
  ]);
});

test('severity overrides: a new severity replaces the default, off drops the code, others are untouched', () => {
  const findings = [
    finding('double-lock', 'error', site('a.c', 1, 0, 'f'), 'm', ['l']),
    finding('unlock-unheld', 'warning', site('a.c', 2, 0, 'f'), 'm', ['l']),
    finding('sleep-in-atomic', 'warning', site('a.c', 3, 0, 'f'), 'm', ['l']),
  ];
  const out = applySeverityOverrides(findings, { severity: { 'unlock-unheld': 'off', 'sleep-in-atomic': 'error', 'double-lock': 'error' } });
  assert.deepEqual(out.map((f) => [f.code, f.severity]), [['double-lock', 'error'], ['sleep-in-atomic', 'error']]);
  assert.equal(findings[2].severity, 'warning', 'the input is not modified');
  assert.equal(out[0], findings[0], 'an unchanged finding is passed through as is');
  assert.deepEqual(applySeverityOverrides(findings, {}), findings);
});
