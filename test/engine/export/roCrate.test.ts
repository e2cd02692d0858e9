/**
 * The exported crate is JSON-LD a consumer with a cached context reads: Debian's rdflib parses it
 * with no network (the contexts Clew ships fed in place of their URLs) into the triples the store
 * says — every run a CreateAction whose object / result sets are its recorded inputs / outputs,
 * every file's sha256 the store's, the profiles in conformsTo — and every term it uses is defined
 * by those offline contexts.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OFFLINE_CONTEXTS, RO_CRATE_11_TERMS, WORKFLOW_RUN_TERMS } from '../../../src/engine/export/contexts';
import { clewContext, WFRUN_PROFILES } from '../../../src/engine/export/vocabulary';
import { pythonModulesMissing, python, recordExportProject, RAW } from '../../support/exportProject';
import { clew, query, tempBase } from '../../support/recordedProject';

const RDFLIB_READ = `
import json, sys, rdflib
doc = json.load(open(sys.argv[1], encoding='utf-8'))
contexts = json.load(open(sys.argv[2], encoding='utf-8'))
doc['@context'] = [contexts[c]['@context'] if isinstance(c, str) else c for c in doc['@context']]
g = rdflib.Graph()
g.parse(data=json.dumps(doc), format='json-ld', base='file:///crate/')
S = rdflib.Namespace('http://schema.org/')
WR = rdflib.Namespace('https://w3id.org/ro/terms/workflow-run#')
CLEW = rdflib.Namespace('https://w3id.org/ro/terms/clew#')
def sha(node):
    v = g.value(node, WR.sha256)
    return None if v is None else str(v)
actions = {}
for a in g.subjects(rdflib.RDF.type, S.CreateAction):
    ident = g.value(a, S.identifier)
    if ident is None:
        continue
    argv_head = g.value(a, CLEW.argv)
    actions[str(ident)] = {
        'object': sorted(sha(o) for o in g.objects(a, S.object)),
        'result': sorted(sha(o) for o in g.objects(a, S.result)),
        'instrument': sha(g.value(a, S.instrument)),
        'exitCode': None if g.value(a, CLEW.exitCode) is None else int(g.value(a, CLEW.exitCode)),
        'argv': [] if argv_head is None else [str(x) for x in rdflib.collection.Collection(g, argv_head)],
        'status': str(g.value(a, S.actionStatus)),
    }
files = {}
for f in g.subjects(rdflib.RDF.type, S.MediaObject):
    if '#' in str(f) or sha(f) is None:
        continue
    files[str(g.value(f, S.alternateName))] = {'sha256': sha(f), 'iri': str(f), 'size': None if g.value(f, S.contentSize) is None else str(g.value(f, S.contentSize))}
root = rdflib.URIRef('file:///crate/')
print(json.dumps({
    'triples': len(g),
    'actions': actions,
    'files': files,
    'conformsTo': sorted(str(o) for o in g.objects(root, rdflib.URIRef('http://purl.org/dc/terms/conformsTo'))),
    'descriptorConformsTo': sorted(str(o) for o in g.objects(rdflib.URIRef('file:///crate/ro-crate-metadata.json'), rdflib.URIRef('http://purl.org/dc/terms/conformsTo'))),
    'claims': len(list(g.subjects(rdflib.RDF.type, S.Claim))),
}))
`;

interface Parsed {
  triples: number;
  actions: Record<string, { object: string[]; result: string[]; instrument: string | null; exitCode: number | null; argv: string[]; status: string }>;
  files: Record<string, { sha256: string; iri: string; size: string | null }>;
  conformsTo: string[];
  descriptorConformsTo: string[];
  claims: number;
}

const missing = pythonModulesMissing(['rdflib']);

describe('clew export ro-crate read back by rdflib, offline', () => {
  let base: string;
  let root: string;
  let crate: string;
  let contextsFile: string;
  before(() => {
    base = tempBase('clew-crate-');
    root = recordExportProject(base);
    crate = path.join(base, 'crate');
    const r = clew(root, ['export', 'ro-crate', '-o', crate]);
    assert.equal(r.status, 0, r.stderr);
    contextsFile = path.join(base, 'contexts.json');
    fs.writeFileSync(contextsFile, JSON.stringify(OFFLINE_CONTEXTS));
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  test('every run is a CreateAction with its recorded inputs as object and outputs as result; every sha256 is the store\'s', { skip: missing }, () => {
    const parsed = python<Parsed>(RDFLIB_READ, [path.join(crate, 'ro-crate-metadata.json'), contextsFile]);
    const runs = query<{ session_id: string; script_hash: string; exit_code: number }>(root, 'SELECT session_id, script_hash, exit_code FROM runs ORDER BY session_id');
    const rows = query<{ session_id: string; file_path: string; hash: string; role: string }>(root, 'SELECT session_id, file_path, hash, role FROM file_hashes ORDER BY recorded_at, id');
    assert.deepEqual(Object.keys(parsed.actions).sort(), runs.map((r) => r.session_id));
    for (const run of runs) {
      const action = parsed.actions[run.session_id];
      const of = (role: string) => rows.filter((r) => r.session_id === run.session_id && r.role === role).map((r) => r.hash).sort();
      assert.deepEqual(action.object, of('input'), `${run.session_id} object`);
      assert.deepEqual(action.result, of('output'), `${run.session_id} result`);
      assert.equal(action.instrument, run.script_hash);
      assert.equal(action.exitCode, run.exit_code);
      assert.equal(action.status, 'http://schema.org/CompletedActionStatus');
      assert.equal(action.argv[0], 'sh', 'the replay command line survives as an ordered list');
    }
    const newest = new Map<string, string>();
    for (const r of rows) newest.set(r.file_path, r.hash);
    for (const [file, hash] of newest) assert.equal(parsed.files[file]?.sha256, hash, file);
    const raw = parsed.files[path.join(root, RAW)];
    assert.equal(decodeURIComponent(raw.iri), `file:///crate/${RAW}`, 'a hostile name stays one relative path inside the crate');
    assert.equal(raw.size, String(Buffer.byteLength('a,b\n1,2\n3,4\n')));
    assert.deepEqual(parsed.conformsTo, WFRUN_PROFILES.map((p) => p.id).sort());
    assert.deepEqual(parsed.descriptorConformsTo, ['https://w3id.org/ro/crate/1.1']);
    assert.equal(parsed.claims, 1);
  });

  test('every term and type the crate uses is defined by the contexts Clew ships', () => {
    const doc = JSON.parse(fs.readFileSync(path.join(crate, 'ro-crate-metadata.json'), 'utf8')) as { '@graph': Record<string, unknown>[] };
    const known = new Set([...Object.keys(RO_CRATE_11_TERMS), ...Object.keys(WORKFLOW_RUN_TERMS), ...Object.keys(clewContext())]);
    const unknown = new Set<string>();
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          if (k === '@type') for (const t of Array.isArray(v) ? v : [v]) if (typeof t === 'string' && !t.includes(':') && !known.has(t)) unknown.add(t);
          if (!k.startsWith('@') && !k.includes(':') && !known.has(k)) unknown.add(k);
          visit(v);
        }
      }
    };
    visit(doc['@graph']);
    assert.deepEqual([...unknown], []);
  });
});
