/**
 * scitex-clew's registered-source gate replayed through real `node dist/cli.js` processes on a
 * relocated copy of the seq-clean fixture: the reference's transcript (spec extras §4.5) step by
 * step — exit codes, JSON, sentences, stderr warnings — with HOME a scratch folder. The one
 * deliberate difference (gate-completeness agrees with grounding) is asserted as ours, with the
 * reference's answer beside it.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { materialise } from '../conformance/fixtures';
import { CLI } from '../support/repo';

const RECORDED = '/tmp/clew-fixture/seq-clean';
const m = materialise('seq-clean', 'relocated');
const home = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clew-home-')));
after(() => {
  m.cleanup();
  fs.rmSync(home, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function clew(...args: string[]): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, SCITEX_DIR: path.join(home, '.scitex'), NO_COLOR: '1', SCITEX_CLEW_DB_PATH: '' };
  delete env.SCITEX_CLEW_SOURCES;
  delete env.SCITEX_CLEW_SIGNING_KEY;
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: m.root, encoding: 'utf8', env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The reference's text with its recorded root replaced by this copy's. */
const here = (text: string): string => text.split(RECORDED).join(m.root);
const manifest = path.join(m.root, '.scitex/clew/signed/sources.json');
const pub = path.join(m.root, '.scitex/clew/signed/signing.pub');
const WARN_INVALID = here(`clew: manifest has an INVALID signature (tampered or wrong key) under an enforcing signing.pub (${RECORDED}/.scitex/clew/signed/signing.pub) \u2014 its anchors are UNTRUSTED and every claim will be unsourced until it is re-signed with \`clew sign\`.\n`);
const WARN_UNSIGNED = here(`clew: manifest is UNSIGNED under an enforcing signing.pub (${RECORDED}/.scitex/clew/signed/signing.pub) \u2014 its anchors are UNTRUSTED and every claim will be unsourced until it is re-signed with \`clew sign\`.\n`);
const LIST = '  OK        01_source_a_out/source_A.csv  2da556cf77d8...\n  OK        03_source_b_out/source_B.csv  2e5c457b9e2a...\n';

/** In JSON the root is escaped as Python's ensure_ascii does (the relocated root holds an é). */
const rootInJson = m.root.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function expect(r: Run, code: number, out: string | RegExp, err = '', json = false): void {
  assert.equal(r.code, code, `exit (stderr: ${r.err})`);
  if (typeof out === 'string') assert.equal(r.out, json ? out.split(RECORDED).join(rootInJson) : here(out));
  else assert.match(r.out, out);
  assert.equal(r.err, err);
}

test("the reference's seq-clean transcript, step by step", () => {
  expect(clew('register-source', '01_source_a_out/source_A.csv', '03_source_b_out/source_B.csv', '-y'), 0, `[OK] registered 2 source(s) -> ${RECORDED}/.scitex/clew/signed/sources.json\n${LIST}`);
  expect(clew('list-sources'), 0, LIST);

  expect(
    clew('verify'),
    10,
    [
      '[FAIL] verify claims: 3/6 verified -> UNVERIFIED (exit 10)',
      '  reason: claims registered but not verified (verified_at is null / no computation behind the source) \u2014 possible fabrication',
      `  [!!] UNVERIFIED     ${RECORDED}/09_register_claims.py = {"name": "n_sources", "supports": ["claim_020edd2eb751"], "value": "3"}`,
      `  [OK] OK             ${RECORDED}/paper.tex:L12 = overall mean = 71.1627`,
      `  [OK] OK             ${RECORDED}/paper.tex:L20 = Table 1`,
      `  [!!] UNVERIFIED     ${RECORDED}/paper.tex:L25 = all three sources were merged`,
      `  [OK] OK             ${RECORDED}/paper.tex:L30 = n = 108`,
      `  [!!] UNSOURCED      ${RECORDED}/paper.tex:L33 = p = 0.003`,
      '',
    ].join('\n'),
  );

  const grounded = clew('grounding', 'final-n', '--json');
  expect(grounded, 0, /^\{\n {2}"grounded": true,/);
  assert.deepEqual(JSON.parse(grounded.out), {
    grounded: true,
    claim_id: 'final-n',
    matched_source: { path: '03_source_b_out/source_B.csv', sha256: '2e5c457b9e2affe5cf84e9ab3e5d14ee70445b244ac5e8b9025f4a6f415dd036' },
    reason: 'grounded',
    fix_hint: '',
  });
  expect(clew('grounding', 'paper.tex:L33'), 0, "[NOT GROUNDED] claim_2d9355049b6a \u2014 no_chain_match\n  fix: register a source for this claim's input chain (clew register-source ...)\n");

  // Deliberate difference: upstream answers missing {q1: final-n, q2: claim_aca6cd358199} with an
  // empty grounded set, contradicting its own `grounding final-n`. Ours asks the same rule as
  // `grounding`: both answers are grounded, and the third grounded claim (L20) is an orphan.
  fs.writeFileSync(path.join(m.root, 'answers.json'), JSON.stringify({ q1: 'final-n', q2: 'claim_aca6cd358199' }));
  const gate = clew('gate-completeness', '--submission', 'answers.json', '--json');
  assert.equal(gate.code, 1);
  const g = JSON.parse(gate.out) as Record<string, unknown>;
  assert.deepEqual(g, {
    ok: false,
    missing: {},
    orphan: ['claim_020edd2eb751'],
    duplicate_claims: {},
    grounded: ['claim_aca6cd358199', 'claim_020edd2eb751', 'final-n'],
    report: "submission-completeness FAILED \u2014 the submission is not a strict 1:1 correspondence with clew's grounded claims:\n  orphan (1): grounded claim(s) no answer uses \u2014\n    claim_id='claim_020edd2eb751'",
  });
  assert.match(gate.out, /\\u2014/, 'JSON escapes non-ASCII as upstream (ensure_ascii)');

  expect(
    clew('keygen'),
    0,
    `[OK] private key -> ~/.scitex/clew/signing.key (mode 0600 \u2014 keep OFF-TREE + BACK UP)\n[OK] public key  -> ${RECORDED}/.scitex/clew/signed/signing.pub (COMMIT this; the gate verifies against it)\nNext: \`clew sign\` your sources.json, then commit signing.pub.\n`,
  );
  assert.equal(fs.statSync(path.join(home, '.scitex/clew/signing.key')).mode & 0o777, 0o600);
  assert.ok(fs.existsSync(pub));
  expect(clew('keygen'), 2, '', `clew: refusing to overwrite ${path.join(home, '.scitex/clew/signing.key')} (pass --force to replace the key)\n`);

  expect(clew('verify-signatures'), 1, `[FAIL] unsigned manifest: ${RECORDED}/.scitex/clew/signed/sources.json\n`);
  expect(clew('sign', '--json'), 0, `{\n  "signed": "${RECORDED}/.scitex/clew/signed/sources.json",\n  "algo": "ed25519"\n}\n`, '', true);
  expect(clew('verify-signatures', '--json'), 0, `{\n  "manifest": "${RECORDED}/.scitex/clew/signed/sources.json",\n  "signed": true,\n  "valid": true\n}\n`, '', true);
  expect(clew('list-sources'), 0, LIST);

  // (edited one pinned hash in the signed manifest)
  fs.writeFileSync(manifest, fs.readFileSync(manifest, 'utf8').replace('2da556cf77d8aff08f56e0cc72784f7955d3241eae676cedbe9ec6c4d1a01828', '0'.repeat(64)));
  expect(clew('verify-signatures'), 1, `[FAIL] signature INVALID (tampered or wrong key): ${RECORDED}/.scitex/clew/signed/sources.json\n`);

  const v = clew('verify', '--json');
  assert.equal(v.code, 10);
  assert.equal(v.err, WARN_INVALID, 'warned once, in the reference words');
  const verdict = JSON.parse(v.out) as { exit_code: number; exit_name: string; claims: { location: string; outcome: string; source_file: string | null; source_session: string | null }[] };
  assert.deepEqual([verdict.exit_code, verdict.exit_name], [10, 'UNVERIFIED']);
  for (const c of verdict.claims) {
    // Every claim with a chain (a source to verify) is now UNSOURCED; the two without stay UNVERIFIED.
    assert.equal(c.outcome, c.source_file ? 'UNSOURCED' : 'UNVERIFIED', c.location);
  }
  assert.equal(verdict.claims.filter((c) => c.outcome === 'UNSOURCED').length, 4);

  // (appended a line to 03_source_b_out/source_B.csv)
  fs.appendFileSync(path.join(m.root, '03_source_b_out/source_B.csv'), '99,99\n');
  const listed = clew('list-sources', '--json');
  assert.equal(listed.code, 0);
  assert.equal(listed.err, WARN_INVALID);
  assert.deepEqual(JSON.parse(listed.out), {
    count: 2,
    sources: [
      { path: '01_source_a_out/source_A.csv', sha256: '0'.repeat(64), abspath: `${m.root}/01_source_a_out/source_A.csv`, valid: false, reason: 'TAMPERED' },
      { path: '03_source_b_out/source_B.csv', sha256: '2e5c457b9e2affe5cf84e9ab3e5d14ee70445b244ac5e8b9025f4a6f415dd036', abspath: `${m.root}/03_source_b_out/source_B.csv`, valid: false, reason: 'TAMPERED' },
    ],
  });

  // Rewriting drops the signature; the warning describes the manifest as written (UNSIGNED), as the reference's does.
  expect(clew('unregister-source', '01_source_a_out/source_A.csv', '-y'), 0, `[OK] unregistered 1 source(s) -> ${RECORDED}/.scitex/clew/signed/sources.json\n`, WARN_UNSIGNED);
  expect(clew('verify-signatures'), 1, `[FAIL] unsigned manifest: ${RECORDED}/.scitex/clew/signed/sources.json\n`);
});
