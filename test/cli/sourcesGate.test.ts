/**
 * The gate deciding a run: with only computed claims and a hand-written one left, `clew verify`
 * and `clew claims verify` exit 17 (UNSOURCED, the reference sentence); without a manifest the
 * verdict is unchanged; a malformed manifest is an error naming it before the store is touched;
 * re-signing after a rewrite restores trust; bad input to every command is a clear error.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { materialise } from '../conformance/fixtures';
import { CLI } from '../support/repo';

const UNSOURCED_REASON = 'a claim is link-hash-verified but its provenance chain reaches no registered source (ungrounded) \u2014 register the source or ground the chain';
const m = materialise('seq-clean', 'relocated');
const home = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clew-home-')));
after(() => {
  m.cleanup();
  fs.rmSync(home, { recursive: true, force: true });
});

function clew(...args: string[]): { code: number | null; out: string; err: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, SCITEX_DIR: path.join(home, '.scitex'), NO_COLOR: '1', SCITEX_CLEW_DB_PATH: '', SCITEX_CLEW_AUTO_EXPORT_CLAIMS: '0' };
  delete env.SCITEX_CLEW_SOURCES;
  delete env.SCITEX_CLEW_SIGNING_KEY;
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: m.root, encoding: 'utf8', env });
  assert.doesNotMatch(r.stderr, /internal error/, r.stderr);
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('bad input: clear errors, no crash', () => {
  assert.deepEqual(clew('register-source'), { code: 1, out: '', err: 'Error: no sources given \u2014 pass FILE(s) and/or --from-list <file>.\n' });
  assert.match(clew('register-source', 'nope.csv').err, /source file not found: nope\.csv/);
  assert.match(clew('register-source', '--from-list', 'nope.txt').err, /--from-list file not found/);
  assert.equal(clew('list-sources').out, 'no registered sources (gate inactive)\n');
  assert.match(clew('sign').err, /no sources manifest at .*signed\/sources\.json/);
  assert.equal(clew('grounding', 'no-such-claim').code, 1);
  assert.equal(clew('grounding').code, 2);
  assert.equal(clew('gate-completeness').code, 2);
  fs.writeFileSync(path.join(m.root, 'sub.json'), '["q1"]');
  assert.match(clew('gate-completeness', '--submission', 'sub.json').err, /submission sub\.json item 0 has no string question_id\/claim_id/);
  assert.equal(clew('verify-signatures', 'nope.json').code, 1);
});

test('no manifest: verify unchanged (4/6, exit 10); grounding says the gate is inactive', () => {
  const r = clew('verify', '--json');
  assert.equal(r.code, 10);
  const v = JSON.parse(r.out) as { verified: number; counts: Record<string, number> };
  assert.equal(v.verified, 4);
  assert.equal(v.counts.UNSOURCED, undefined);
  assert.deepEqual(JSON.parse(clew('grounding', 'final-n', '--json').out).reason, 'no_registered_sources');
});

test('exit 17 when the gate decides; claims verify agrees; --from-list; re-sign restores trust', () => {
  // Leave only claims with a source: the three computed ones and the hand-written L33.
  for (const id of ['claim_776e14a0f146', 'claim_e844449e154c']) assert.equal(clew('claim', 'remove', id, '-y').code, 0);
  fs.writeFileSync(path.join(m.root, 'raw.txt'), '# the raw data\n\n01_source_a_out/source_A.csv\n03_source_b_out/source_B.csv\n');
  const reg = clew('register-source', '--from-list', 'raw.txt', '--json');
  assert.equal(reg.code, 0);
  assert.equal((JSON.parse(reg.out) as { registered: number }).registered, 2);

  const text = clew('verify');
  assert.equal(text.code, 17);
  assert.equal(text.out.split('\n')[0], '[FAIL] verify claims: 3/4 verified -> UNSOURCED (exit 17)');
  assert.equal(text.out.split('\n')[1], `  reason: ${UNSOURCED_REASON}`);
  assert.match(text.out, /\[!!\] UNSOURCED {6}.*paper\.tex:L33 = p = 0\.003/);
  const json = JSON.parse(clew('verify', '--json').out) as { exit_code: number; exit_name: string; reason: string; errors: string[]; claims: { claim_id: string; status: string; details: string[] }[] };
  assert.deepEqual([json.exit_code, json.exit_name, json.reason, json.errors], [17, 'UNSOURCED', UNSOURCED_REASON, ['UNSOURCED']]);
  const l33 = json.claims.find((c) => c.claim_id === 'claim_2d9355049b6a');
  assert.equal(l33?.status, 'unsourced');
  assert.ok(l33?.details.includes('Provenance reaches no registered source'));
  assert.equal(clew('claims', 'verify').code, 17);
  // The severity map applies to the new pattern like any other.
  fs.mkdirSync(path.join(m.root, 'cfg'));
  fs.writeFileSync(path.join(m.root, 'cfg', 'config.yaml'), 'verify:\n  severity:\n    unsourced: warning\n');
  const tolerated = clew('verify', '--config', 'cfg/config.yaml');
  assert.equal(tolerated.code, 0, tolerated.out + tolerated.err);

  // Registering the hand-written file grounds its claim: all four pass.
  assert.equal(clew('register-source', 'data/hand_values.json').code, 0);
  assert.equal(clew('verify').code, 0);

  // Under an enforcing key the rewritten (unsigned) manifest anchors nothing until re-signed.
  assert.equal(clew('keygen').code, 0);
  const unsigned = clew('verify');
  assert.equal(unsigned.code, 17);
  assert.match(unsigned.err, /^clew: manifest is UNSIGNED under an enforcing signing\.pub/);
  assert.equal(unsigned.err.split('\n').filter(Boolean).length, 1, 'one warning per command');
  assert.equal(clew('sign').code, 0);
  const signed = clew('verify');
  assert.deepEqual([signed.code, signed.err], [0, '']);
});

test('a malformed manifest stops verify with an error naming the file, before any status is written', () => {
  const manifest = path.join(m.root, '.scitex/clew/signed/sources.json');
  const keep = fs.readFileSync(manifest, 'utf8');
  fs.writeFileSync(manifest, '{"schema": "sources-1.0", "sources": [{"path": "x"}]}');
  try {
    const r = clew('verify');
    assert.equal(r.code, 1);
    assert.equal(r.err, `clew: malformed sources manifest ${manifest}: sources[0] has no "sha256"\n`);
    assert.equal(r.out, '');
    assert.match(clew('list-sources').err, /malformed sources manifest/);
    assert.match(clew('register-source', 'data/hand_values.json').err, /malformed sources manifest/);
    assert.equal(fs.readFileSync(manifest, 'utf8'), '{"schema": "sources-1.0", "sources": [{"path": "x"}]}', 'never overwritten');
  } finally {
    fs.writeFileSync(manifest, keep);
  }
});
