/**
 * The sources-1.0 manifest on real files: where it is found (explicit, env, then signed/,
 * user_definitions/, the legacy file), every entry re-hashed (OK / TAMPERED / MISSING), each kind
 * of malformed manifest an error naming the file, the canonical bytes byte-equal to Python's
 * json.dumps, and whether the gate is active.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClewError } from '../../../src/engine/errors';
import { canonicalJson, signedBytes, type ManifestJson } from '../../../src/engine/sources/canonical';
import { checkEntries, locateManifest, manifestRoot, readManifest, writeManifest } from '../../../src/engine/sources/manifest';
import { pinsFor, withoutPaths, withPins } from '../../../src/engine/sources/registry';
import { loadSources } from '../../../src/engine/sources/state';
import { pythonCanonical } from './pythonReference';

function project(): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clew-sources-')));
  fs.writeFileSync(path.join(root, 'pyproject.toml'), '');
  fs.mkdirSync(path.join(root, 'raw'));
  fs.writeFileSync(path.join(root, 'raw', 'a.csv'), 'x,y\n1,2\n');
  fs.writeFileSync(path.join(root, 'raw', 'b.csv'), 'x,y\n3,4\n');
  return root;
}

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

function write(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

const manifestText = (sources: unknown[]): string => JSON.stringify({ schema: 'sources-1.0', sources, signature: null });

test('location: --sources-path, then $SCITEX_CLEW_SOURCES, then signed/, user_definitions/, legacy; a new one goes to signed/', () => {
  const root = project();
  const clew = path.join(root, '.scitex', 'clew');
  const at = (env: NodeJS.ProcessEnv = {}, explicit?: string) => locateManifest({ explicit, cwd: root, env, projectRoot: root });
  assert.deepEqual(at(), { file: path.join(clew, 'signed', 'sources.json'), source: 'new', exists: false });
  write(path.join(clew, 'sources.json'), manifestText([]));
  assert.equal(at().source, 'legacy');
  write(path.join(clew, 'user_definitions', 'sources.json'), manifestText([]));
  assert.equal(at().source, 'user_definitions');
  write(path.join(clew, 'signed', 'sources.json'), manifestText([]));
  assert.equal(at().file, path.join(clew, 'signed', 'sources.json'));
  assert.equal(at({ SCITEX_CLEW_SOURCES: 'elsewhere.json' }).file, path.join(root, 'elsewhere.json'));
  assert.equal(at({ SCITEX_CLEW_SOURCES: 'elsewhere.json' }, 'x/m.json').file, path.join(root, 'x', 'm.json'));
  // Entries resolve three folders above .scitex/clew/<dir>/, else against the project root.
  assert.equal(manifestRoot(path.join(clew, 'signed', 'sources.json'), '/somewhere'), root);
  assert.equal(manifestRoot(path.join(clew, 'sources.json'), '/somewhere'), '/somewhere');
});

test('every entry re-hashed: OK, TAMPERED after an edit, MISSING after a delete', async () => {
  const root = project();
  const file = write(path.join(root, '.scitex', 'clew', 'signed', 'sources.json'), manifestText([
    { path: 'raw/a.csv', sha256: sha('x,y\n1,2\n') },
    { path: 'raw/b.csv', sha256: sha('x,y\n3,4\n') },
    { path: 'raw/c.csv', sha256: sha('gone') },
  ]));
  const m = readManifest(file, manifestRoot(file, root));
  fs.appendFileSync(path.join(root, 'raw', 'b.csv'), '5,6\n');
  const checked = await checkEntries(m);
  assert.deepEqual(checked.map((e) => [e.path, e.reason, e.valid]), [['raw/a.csv', 'OK', true], ['raw/b.csv', 'TAMPERED', false], ['raw/c.csv', 'MISSING', false]]);
  assert.equal(checked[0].abspath, path.join(root, 'raw', 'a.csv'));
});

test('a malformed manifest is an error naming the file, never an empty manifest', () => {
  const root = project();
  const cases: [string, RegExp][] = [
    ['{not json', /not JSON/],
    ['[]', /not a JSON object/],
    [JSON.stringify({ schema: 'sources-0.9', sources: [] }), /schema is "sources-0\.9"/],
    [JSON.stringify({ sources: [] }), /schema is null/],
    [JSON.stringify({ schema: 'sources-1.0', sources: {} }), /"sources" is not a list/],
    [JSON.stringify({ schema: 'sources-1.0', sources: [{ sha256: 'ab' }] }), /sources\[0\] has no "path"/],
    [JSON.stringify({ schema: 'sources-1.0', sources: [{ path: 'raw/a.csv' }] }), /sources\[0\] has no "sha256"/],
    [JSON.stringify({ schema: 'sources-1.0', sources: ['raw/a.csv'] }), /sources\[0\] is not an object/],
  ];
  for (const [text, why] of cases) {
    const file = write(path.join(root, 'bad.json'), text);
    assert.throws(() => readManifest(file, root), (err: unknown) => err instanceof ClewError && err.message.includes(file) && why.test(err.message), text);
  }
});

test('canonical bytes equal Python json.dumps(indent=2, sort_keys=True, ensure_ascii=False), signature removed', () => {
  const obj: { [key: string]: ManifestJson } = {
    schema: 'sources-1.0',
    sources: [
      { path: 'données/été.csv', sha256: 'ab'.repeat(32), note: 'tab\there "quoted" back\\slash \u0001 \u2028' },
      { path: 'emoji/\u{1F600}.csv', sha256: 'cd'.repeat(32), z: [], y: {}, n: 3, f: true },
    ],
    '\u{1F600}': 'astral key sorts after', é: 'bmp key', Z: null,
    signature: { algo: 'ed25519', sig: 'AAAA' },
  };
  const python = pythonCanonical(obj);
  assert.equal(signedBytes(obj).toString('utf8'), python);
  assert.ok(!python.includes('signature'));
  assert.ok(!python.endsWith('\n'));
  // And the whole object, signature included, as sign writes the file back.
  const { signature: _s, ...rest } = obj;
  assert.equal(canonicalJson(rest), python);
});

test('register, re-register and unregister keep order, update hashes, drop the signature', async () => {
  const root = project();
  const file = path.join(root, '.scitex', 'clew', 'signed', 'sources.json');
  const base = { file, root, entries: [], signature: { algo: 'ed25519', sig: 'x' }, extra: { owner: 'lab' } };
  const first = withPins(base, await pinsFor(['raw/a.csv', path.join(root, 'raw', 'b.csv')], root, root));
  assert.deepEqual(first.entries.map((e) => e.path), ['raw/a.csv', 'raw/b.csv']);
  assert.equal(first.signature, null);
  writeManifest(first);
  fs.writeFileSync(path.join(root, 'raw', 'a.csv'), 'changed\n');
  const again = withPins(readManifest(file, root), await pinsFor(['raw/a.csv'], root, root));
  assert.deepEqual(again.entries.map((e) => [e.path, e.sha256]), [['raw/a.csv', sha('changed\n')], ['raw/b.csv', sha('x,y\n3,4\n')]]);
  assert.deepEqual(again.extra, { owner: 'lab' }, 'keys another tool wrote survive a rewrite');
  const { manifest, removed } = withoutPaths(again, ['raw/a.csv', 'raw/nope.csv']);
  assert.equal(removed, 1);
  assert.deepEqual(manifest.entries.map((e) => e.path), ['raw/b.csv']);
  await assert.rejects(pinsFor(['raw/nope.csv'], root, root), /source file not found: raw\/nope\.csv/);
  await assert.rejects(pinsFor(['raw'], root, root), /directory/);
});

test('the gate: inactive without a manifest or with no entries; on with entries even when all are tampered', async () => {
  const root = project();
  const load = () => loadSources({ cwd: root, env: {}, projectRoot: root });
  assert.equal((await load()).active, false);
  const file = write(path.join(root, '.scitex', 'clew', 'signed', 'sources.json'), manifestText([]));
  assert.equal((await load()).active, false);
  write(file, manifestText([{ path: 'raw/a.csv', sha256: sha('something else') }]));
  const state = await load();
  // Deliberate difference: upstream switches the gate off here (no valid entry), passing every claim.
  assert.equal(state.active, true);
  assert.deepEqual(state.anchors, []);
  assert.equal(state.warning, undefined, 'no signing.pub: nothing to warn about');
});
