/**
 * Signatures across the two implementations: a manifest written and signed by the Python reference
 * (pythonReference.ts, RFC 8032 in pure Python) verifies in Clew; a manifest Clew signs with a key
 * Clew generated verifies in Python; and tampering with a pinned file, a pin, or the signature is
 * caught — by both sides where the signature is concerned. Enforcement follows signing.pub.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { manifestObject, readManifest, writeManifest } from '../../../src/engine/sources/manifest';
import { defaultPublicKeyPath, generateKeys, signManifestObject, verifyManifestObject } from '../../../src/engine/sources/signing';
import { loadSources, untrustedWarning } from '../../../src/engine/sources/state';
import { pythonKeys, pythonVerify, pythonWriteSigned } from './pythonReference';

const SEED = '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb';

function project(): { root: string; manifest: string; pub: string } {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clew-signing-')));
  fs.writeFileSync(path.join(root, 'pyproject.toml'), '');
  fs.mkdirSync(path.join(root, 'raw données'));
  fs.writeFileSync(path.join(root, 'raw données', 'a.csv'), 'x,y\n1,2\n');
  fs.writeFileSync(path.join(root, 'raw données', 'b.csv'), 'x,y\n3,4\n');
  return { root, manifest: path.join(root, '.scitex', 'clew', 'signed', 'sources.json'), pub: defaultPublicKeyPath(root) };
}

const load = (root: string) => loadSources({ cwd: root, env: {}, projectRoot: root });

test('a manifest signed by the Python reference verifies in Clew and anchors its files', async () => {
  const { root, manifest, pub } = project();
  fs.mkdirSync(path.dirname(pub), { recursive: true });
  pythonKeys(SEED, path.join(root, 'py.key'), pub);
  const xcheck = pythonWriteSigned(SEED, manifest, root, ['raw données/a.csv', 'raw données/b.csv']);
  if (xcheck !== null) assert.equal(xcheck, true, 'cryptography agrees with the pure-Python signer');
  const m = readManifest(manifest, root);
  assert.equal(verifyManifestObject(manifestObject(m), pub), true);
  const state = await load(root);
  assert.deepEqual([state.enforced, state.signature, state.trusted, state.active], [true, 'valid', true, true]);
  assert.deepEqual(state.anchors.map((e) => e.path), ['raw données/a.csv', 'raw données/b.csv']);
  // Clew also signs with the key Python wrote (PKCS8 PEM), and produces the same bytes: Ed25519 is deterministic.
  const again = signManifestObject(manifestObject(m), path.join(root, 'py.key'));
  assert.deepEqual(again, m.signature);
});

test("Clew's keygen and sign verify in the Python reference", async () => {
  const { root, manifest, pub } = project();
  const key = path.join(root, 'home', '.scitex', 'clew', 'signing.key');
  generateKeys(key, pub);
  assert.equal(fs.statSync(key).mode & 0o777, 0o600);
  assert.throws(() => generateKeys(key, pub), /refusing to overwrite/);
  const m = { file: manifest, root, entries: [{ path: 'raw données/a.csv', sha256: 'ab'.repeat(32), extra: { note: 'é\u2014"q"' } }], signature: null, extra: {} };
  writeManifest({ ...m, signature: signManifestObject(manifestObject(m), key) });
  const verdict = pythonVerify(pub, manifest);
  assert.deepEqual([verdict.signed, verdict.valid], [true, true]);
  if (verdict.xcheck !== null) assert.equal(verdict.xcheck, true);
});

test('tampering is caught: a pinned file, a pin, the signature', async () => {
  const { root, manifest, pub } = project();
  fs.mkdirSync(path.dirname(pub), { recursive: true });
  pythonKeys(SEED, path.join(root, 'py.key'), pub);
  pythonWriteSigned(SEED, manifest, root, ['raw données/a.csv', 'raw données/b.csv']);
  const pristine = fs.readFileSync(manifest, 'utf8');

  // 1. The file's bytes: the signature still holds (it covers the manifest), the entry no longer anchors.
  fs.appendFileSync(path.join(root, 'raw données', 'a.csv'), '9,9\n');
  let state = await load(root);
  assert.equal(state.signature, 'valid');
  assert.deepEqual(state.entries.map((e) => e.reason), ['TAMPERED', 'OK']);
  assert.deepEqual(state.anchors.map((e) => e.path), ['raw données/b.csv']);
  fs.writeFileSync(path.join(root, 'raw données', 'a.csv'), 'x,y\n1,2\n');

  // 2. A pin edited in the signed manifest: both sides reject the signature; nothing anchors; the warning is upstream's.
  const b = JSON.parse(pristine) as { sources: { sha256: string }[] };
  fs.writeFileSync(manifest, pristine.replace(b.sources[1].sha256, '0'.repeat(64)));
  state = await load(root);
  assert.deepEqual([state.signature, state.trusted, state.active, state.anchors.length], ['invalid', false, true, 0]);
  assert.equal(state.warning, untrustedWarning('invalid', pub));
  assert.match(state.warning ?? '', /^manifest has an INVALID signature \(tampered or wrong key\) under an enforcing signing\.pub \(.*\) — its anchors are UNTRUSTED and every claim will be unsourced until it is re-signed with `clew sign`\.$/);
  assert.equal(pythonVerify(pub, manifest).valid, false);

  // 3. The signature itself: one bit flipped.
  const obj = JSON.parse(pristine) as { signature: { sig: string } };
  const raw = Buffer.from(obj.signature.sig, 'base64');
  raw[10] ^= 1;
  fs.writeFileSync(manifest, pristine.replace(obj.signature.sig, raw.toString('base64')));
  state = await load(root);
  assert.equal(state.signature, 'invalid');
  assert.equal(pythonVerify(pub, manifest).valid, false);

  // 4. A wrong key: signed by another seed, checked against this signing.pub.
  pythonWriteSigned('11'.repeat(32), manifest, root, ['raw données/a.csv']);
  assert.equal((await load(root)).signature, 'invalid');

  // 5. Unsigned under enforcement: untrusted, and said so.
  fs.writeFileSync(manifest, JSON.stringify({ schema: 'sources-1.0', sources: [], signature: null }));
  state = await load(root);
  assert.deepEqual([state.signature, state.trusted, state.active], ['unsigned', false, true]);
  assert.match(state.warning ?? '', /^manifest is UNSIGNED under an enforcing signing\.pub/);

  // Back to pristine: valid again (the checks above were not stuck on).
  fs.writeFileSync(manifest, pristine);
  assert.equal((await load(root)).signature, 'valid');
});

test('no signing.pub: a signature is not checked and an unsigned manifest is trusted (enforcement is opt-in)', async () => {
  const { root, manifest } = project();
  pythonWriteSigned(SEED, manifest, root, ['raw données/a.csv']);
  const state = await load(root);
  assert.deepEqual([state.enforced, state.signature, state.trusted, state.warning], [false, 'unchecked', true, undefined]);
  // A garbled signature or a missing key file never throws: it is simply not valid.
  assert.equal(verifyManifestObject({ schema: 'sources-1.0', sources: [], signature: { algo: 'ed25519', sig: '!!' } }, path.join(root, 'nope.pub')), false);
  assert.equal(verifyManifestObject({ schema: 'sources-1.0', sources: [], signature: 'yes' }, path.join(root, 'nope.pub')), false);
});
