import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv-draft-04';
import { FINDING_CODES } from '../../server/src/analysis/findings';
import { fingerprint, toSarif } from '../../server/src/cli/formatSarif';
import { finding, related, repoRoot, sampleResult, site, SAMPLE_GRAPH } from './helpers';

const cwd = path.resolve('/work/kernel');
interface Location {
  physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: Record<string, number> };
  logicalLocations?: { name: string; kind: string }[];
}
interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; rules: { id: string; helpUri: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: Location[];
      relatedLocations: (Location & { id: number; message: { text: string } })[];
      partialFingerprints: Record<string, string>;
    }[];
  }[];
}

const sarif = toSarif(sampleResult(), { cwd, toolVersion: '1.2.3' }) as SarifLog;
const run = sarif.runs[0];

function sarifValidator() {
  const schemaPath = path.join(repoRoot(), 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  // The schema's language pattern is not valid with the `u` flag ajv uses by default.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  // The schema uses these formats; ajv-formats is not installed, so check them here.
  const isUri = (s: string) => URL.canParse(s);
  ajv.addFormat('uri', isUri);
  ajv.addFormat('uri-reference', (s: string) => !/\s/.test(s) && URL.canParse(s, 'file:///base/'));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
}

test('the log is valid against the SARIF 2.1.0 schema (and the validator does reject a bad log)', () => {
  const validate = sarifValidator();
  assert.equal(validate(sarif), true, JSON.stringify(validate.errors, null, 2));
  const broken = structuredClone(sarif);
  broken.runs[0].results[0].level = 'fatal';
  assert.equal(validate(broken), false);
  const empty = toSarif({ findings: [], graph: SAMPLE_GRAPH }, { cwd, toolVersion: '1.2.3' });
  assert.equal(validate(empty), true, JSON.stringify(validate.errors, null, 2));
});

test('one rule per finding code, in FINDING_CODES order, each pointing at its README section', () => {
  const rules = run.tool.driver.rules;
  assert.deepEqual(rules.map((r) => r.id), [...FINDING_CODES]);
  const doubleLock = rules.find((r) => r.id === 'double-lock')!;
  assert.match(doubleLock.helpUri, /README\.md#double-lock$/);
  assert.equal(doubleLock.defaultConfiguration.level, 'error');
  assert.ok(!rules.some((r) => r.shortDescription.text.includes('`')));
  assert.deepEqual([run.tool.driver.name, run.tool.driver.version], ['lockorder', '1.2.3']);
});

test('results: rule, level, 1-based region, relative URI under %SRCROOT%, related locations with messages', () => {
  assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, `${pathToFileURL(cwd).href}/`);
  assert.deepEqual(run.results.map((r) => [r.ruleId, r.level]), [
    ['lock-order-inversion', 'warning'],
    ['lock-order-inversion', 'warning'],
    ['double-lock', 'error'],
    ['unlock-unheld', 'note'],
  ]);
  const inversion = run.results[1];
  assert.equal(inversion.ruleIndex, FINDING_CODES.indexOf('lock-order-inversion'));
  assert.deepEqual(inversion.locations, [
    {
      physicalLocation: {
        artifactLocation: { uri: 'src/abba.c', uriBaseId: '%SRCROOT%' },
        region: { startLine: 16, startColumn: 2, endLine: 16, endColumn: 11 },
      },
      logicalLocations: [{ name: 'backward', kind: 'function' }],
    },
  ]);
  assert.deepEqual(inversion.relatedLocations.map((r) => [r.id, r.physicalLocation.region.startLine, r.message.text]), [
    [1, 15, 'dev.b_lock taken here'],
    [2, 8, 'forward() takes dev.b_lock while holding dev.a_lock'],
  ]);
});

test('URIs are percent-encoded; a finding outside any function has no logical location', () => {
  const odd = run.results[3];
  assert.equal(odd.locations[0].physicalLocation.artifactLocation.uri, 'src/odd%20n%C3%A4me.c');
  assert.equal(odd.locations[0].logicalLocations, undefined);
});

test('files outside the working directory get absolute file: URIs without a base', () => {
  const outside = path.resolve(cwd, '../elsewhere/x.c');
  const log = toSarif(
    { findings: [finding('double-lock', 'error', site(outside, 0, 0, 'f'), 'm', ['l'], [related('../elsewhere/y.c', 1, 0, 'f', 'first')])], graph: SAMPLE_GRAPH },
    { cwd, toolVersion: '1' },
  ) as SarifLog;
  const result = log.runs[0].results[0];
  assert.deepEqual(result.locations[0].physicalLocation.artifactLocation, { uri: pathToFileURL(outside).href });
  assert.deepEqual(result.relatedLocations[0].physicalLocation.artifactLocation, { uri: pathToFileURL(path.resolve(cwd, '../elsewhere/y.c')).href });
});

test('fingerprints ignore position but not code, function or locks', () => {
  const [first, second] = sampleResult().findings;
  const moved = { ...first, range: { start: { line: 99, character: 4 }, end: { line: 99, character: 9 } }, file: 'renamed.c' };
  assert.equal(fingerprint(moved), fingerprint(first));
  assert.notEqual(fingerprint({ ...first, function: 'other' }), fingerprint(first));
  assert.notEqual(fingerprint({ ...first, locks: ['dev.b_lock'] }), fingerprint(first));
  assert.notEqual(fingerprint({ ...first, code: 'unreleased-lock' }), fingerprint(first));
  assert.notEqual(fingerprint(first), fingerprint(second));
  assert.match(run.results[2].partialFingerprints['lockorder/v1'], /^[0-9a-f]{32}$/);
  assert.equal(run.results[2].partialFingerprints['lockorder/v1'], fingerprint(first));
});
