/**
 * `clew history FILE` on a file written by 3 runs with 2 different contents: 3 entries newest
 * first, 1 change, each with its hash and verdict. The same project exported as a crate keeps the
 * newest content as the file and the older one as an earlier version the first runs point at, so
 * the crate (same-second runs included) checks clean.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clew, newProject, recordSh, tempBase, write } from '../support/recordedProject';

interface History {
  file: string;
  versions: number;
  changes: number;
  entries: { session_id: string; role: string; hash: string; changed: boolean; verdict: string }[];
}

describe('clew history', () => {
  let base: string;
  let root: string;
  before(() => {
    base = tempBase('clew-history-');
    root = newProject(base, 'proj');
    write(root, 'make.sh', 'cat in.txt > result.txt\n');
    write(root, 'in.txt', 'first\n');
    recordSh(root, 'make.sh', ['in.txt'], ['result.txt'], 'H1');
    recordSh(root, 'make.sh', ['in.txt'], ['result.txt'], 'H2');
    write(root, 'in.txt', 'second\n');
    recordSh(root, 'make.sh', ['in.txt'], ['result.txt'], 'H3');
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  test('3 runs wrote the file with 2 contents: 3 entries, newest first, 1 change', () => {
    const r = clew(root, ['history', 'result.txt', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const h = JSON.parse(r.stdout) as History;
    assert.equal(h.file, path.join(root, 'result.txt'));
    assert.deepEqual(h.entries.map((e) => [e.session_id, e.role, e.changed]), [['H3', 'output', true], ['H2', 'output', false], ['H1', 'output', false]]);
    assert.equal(h.changes, 1);
    assert.equal(h.versions, 2);
    assert.notEqual(h.entries[0].hash, h.entries[1].hash);
    assert.equal(h.entries[1].hash, h.entries[2].hash);
    // The newest run's output is what is on disk now; the older runs' are not.
    assert.deepEqual(h.entries.map((e) => e.verdict), ['verified', 'mismatch', 'mismatch']);
    const text = clew(root, ['history', 'result.txt']);
    assert.match(text.stdout, /3 run\(s\), 2 version\(s\), 1 change\(s\)/);
    assert.equal((text.stdout.match(/bytes changed/g) ?? []).length, 1);
  });

  test('the input and the script have histories too; a file never recorded is an error', () => {
    const input = JSON.parse(clew(root, ['history', 'in.txt', '--json']).stdout) as History;
    assert.deepEqual(input.entries.map((e) => [e.role, e.changed]), [['input', true], ['input', false], ['input', false]]);
    const script = JSON.parse(clew(root, ['history', 'make.sh', '--json']).stdout) as History;
    assert.deepEqual(script.entries.map((e) => e.role), ['script', 'script', 'script']);
    assert.equal(script.changes, 0);
    const none = clew(root, ['history', 'nothing.txt']);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /no recorded run/);
  });

  test('exported, the newest content is the file and the older one an earlier version; the crate checks clean', () => {
    const crate = path.join(base, 'crate');
    assert.equal(clew(root, ['export', 'ro-crate', '-o', crate, '--include-data']).status, 0);
    const doc = JSON.parse(fs.readFileSync(path.join(crate, 'ro-crate-metadata.json'), 'utf8')) as { '@graph': { '@id': string; sha256?: string }[] };
    const versions = doc['@graph'].filter((e) => e['@id'] === 'result.txt' || e['@id'].startsWith('result.txt#sha256-'));
    const history = JSON.parse(clew(root, ['history', 'result.txt', '--json']).stdout) as History;
    assert.deepEqual(versions.find((e) => e['@id'] === 'result.txt')?.sha256, history.entries[0].hash);
    assert.equal(versions.length, 2);
    const check = clew(base, ['check-crate', crate]);
    assert.equal(check.status, 0, check.stdout);
  });
});
