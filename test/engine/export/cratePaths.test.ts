/**
 * Paths inside an export: a recorded path becomes one relative crate path whatever its name, an
 * @id read back by check-crate can never leave the crate (or --data) folder, and PROV local names
 * stay valid PROV-N whatever the file name.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { cratePathOf, decodeCrateId, encodeCratePath } from '../../../src/engine/export/fileVersions';
import { provLocal } from '../../../src/engine/export/prov';

test('hostile names round-trip through a crate @id as one relative path', () => {
  for (const name of ['data/raw "ü" <script>.csv', 'a b/c#d?e%f.txt', "it's (1).png", 'データ/結果.json']) {
    const id = encodeCratePath(cratePathOf(`/proj/${name}`, '/proj'));
    assert.doesNotMatch(id, /[ #?"<>]/);
    assert.equal(decodeCrateId(id), name);
  }
  assert.equal(cratePathOf('/elsewhere/x.csv', '/proj'), '_external/elsewhere/x.csv');
});

test('an @id that would leave the crate is not a crate path', () => {
  for (const id of ['../etc/passwd', 'a/../../b', '%2e%2e/x', 'a%2F..%2F..%2Fb', '/etc/passwd', 'file:///etc/passwd', 'https://example.org/x', '#run-1', 'x.csv#sha256-00', 'a//b', 'a/%00b']) {
    assert.equal(decodeCrateId(id), undefined, id);
  }
});

test('PROV local names keep unreserved characters and %-escape the rest', () => {
  assert.equal(provLocal('2026Y-11M_ab.c'), '2026Y-11M_ab.c');
  assert.equal(provLocal('a b<"ü">'), 'a%20b%3C%22%C3%BC%22%3E');
  assert.match(provLocal("x'(y)@z/:"), /^[A-Za-z0-9_.%-]+$/);
});
