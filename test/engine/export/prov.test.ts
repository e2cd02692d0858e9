/**
 * `clew export prov` read back by Debian's python3-prov: the PROV-JSON loads with prov.read and
 * serialises to PROV-N, with one activity per run, one entity per file version (plus the claim and
 * the stamp's bundle entity), one `used` per recorded input and one `wasGeneratedBy` per output;
 * the stamp is a bundle. The PROV-O JSON-LD parses with rdflib offline (inline context), and
 * Clew's own PROV-N names every record the JSON has.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pythonModulesMissing, python, recordExportProject } from '../../support/exportProject';
import { clew, query, tempBase } from '../../support/recordedProject';

const PROV_READ = `
import json, sys, prov
from prov.model import ProvActivity, ProvEntity, ProvUsage, ProvGeneration, ProvDerivation, ProvAssociation, ProvAgent
doc = prov.read(sys.argv[1], format='json')
provn = doc.get_provn()
count = lambda cls: len(list(doc.get_records(cls)))
print(json.dumps({
    'activities': count(ProvActivity), 'entities': count(ProvEntity), 'agents': count(ProvAgent),
    'used': count(ProvUsage), 'generated': count(ProvGeneration), 'derived': count(ProvDerivation), 'associations': count(ProvAssociation),
    'bundles': len(list(doc.bundles)), 'provn_lines': len(provn.splitlines()),
}))
`;

const RDF_READ = `
import json, sys, rdflib
g = rdflib.ConjunctiveGraph()
g.parse(sys.argv[1], format='json-ld')
P = rdflib.Namespace('http://www.w3.org/ns/prov#')
print(json.dumps({
    'activities': len(set(g.subjects(rdflib.RDF.type, P.Activity))),
    'used': len(list(g.triples((None, P.used, None)))),
    'generated': len(list(g.triples((None, P.wasGeneratedBy, None)))),
    'plans': len(list(g.triples((None, P.hadPlan, None)))),
}))
`;

describe('clew export prov', () => {
  let base: string;
  let root: string;
  const missing = pythonModulesMissing(['prov', 'rdflib']);
  before(() => {
    base = tempBase('clew-prov-');
    root = recordExportProject(base);
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  test('PROV-JSON is read by python prov and written as PROV-N, with the expected counts', { skip: missing }, () => {
    const out = path.join(base, 'prov.json');
    const r = clew(root, ['export', 'prov', '-o', out]);
    assert.equal(r.status, 0, r.stderr);
    const counts = python<Record<string, number>>(PROV_READ, [out]);
    const runs = query<{ n: number }>(root, 'SELECT COUNT(*) AS n FROM runs')[0].n;
    const inputs = query<{ n: number }>(root, "SELECT COUNT(*) AS n FROM file_hashes WHERE role = 'input'")[0].n;
    const outputs = query<{ n: number }>(root, "SELECT COUNT(*) AS n FROM file_hashes WHERE role = 'output'")[0].n;
    const versions = query<{ n: number }>(root, 'SELECT COUNT(*) AS n FROM (SELECT file_path, hash FROM file_hashes UNION SELECT script_path, script_hash FROM runs)')[0].n;
    assert.equal(counts.activities, runs);
    assert.equal(counts.used, inputs);
    assert.equal(counts.generated, outputs);
    // File versions, the claim, and the stamp's bundle entity (its proof lives inside the bundle).
    assert.equal(counts.entities, versions + 1 + 1);
    assert.equal(counts.associations, runs);
    assert.equal(counts.derived, 2 + 1, 'each output from its run\'s input, and the claim from its source');
    assert.equal(counts.bundles, 1);
    assert.ok(counts.provn_lines > 10);
  });

  test('PROV-O JSON-LD parses offline with rdflib into the same activities, usages and generations', { skip: missing }, () => {
    const out = path.join(base, 'prov.jsonld');
    assert.equal(clew(root, ['export', 'prov', '-f', 'jsonld', '-o', out]).status, 0);
    const counts = python<Record<string, number>>(RDF_READ, [out]);
    assert.deepEqual(counts, { activities: 2, used: 2, generated: 2, plans: 2 });
  });

  test('PROV-N from Clew names each run, file version and relation, with hostile names escaped', () => {
    const r = clew(root, ['export', 'prov', '-f', 'provn']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^document\n/);
    assert.match(r.stdout, /endDocument\n?$/);
    assert.equal((r.stdout.match(/^ {2}activity\(/gm) ?? []).length, 2);
    assert.equal((r.stdout.match(/^ {2}used\(/gm) ?? []).length, 2);
    assert.match(r.stdout, /file:data\/raw%20%22%C3%BC%22%20%3Cscript%3E\.csv@[0-9a-f]{64}/);
    assert.match(r.stdout, /^ {2}bundle stamp:stamp_[0-9a-f]+$/m);
    assert.equal(clew(root, ['export', 'prov', '-f', 'xml']).status, 2);
  });
});
