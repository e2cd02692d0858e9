/**
 * The upstream commands the fixtures' answers/cli.json never ran (they change the store or
 * need options the recording did not use): claim add|remove|supersede|register-intermediate,
 * the claims gate's verify.severity config, hash-file/hash-directory options and export-claims.
 * Expectations come from spec §5, §8.2 and §11.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { materialise, type Materialised } from '../conformance/fixtures';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

describe("scitex-clew's writing commands on seq-clean", () => {
  let m: Materialised;
  let home: string;
  const clew = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: m.root, encoding: 'utf8', env: { ...process.env, SCITEX_CLEW_DB_PATH: '', SCITEX_DIR: home, NO_COLOR: '1', ...env } });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const claimCount = (extra: string[] = []) => (JSON.parse(clew(['--json', 'claim', 'list', ...extra]).out) as { count: number }).count;

  before(() => {
    m = materialise('seq-clean', 'relocated');
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-upstream-write-home-'));
  });
  after(() => {
    m.cleanup();
    fs.rmSync(home, { recursive: true, force: true });
  });

  test('claim add: --dry-run writes nothing; a real add returns the claim; no-lineage warning unless silenced', () => {
    const before = claimCount();
    const dry = clew(['--json', 'claim', 'add', '--file-path', 'paper.tex', '--type', 'value', '--line-number', '40', '--value', 'x = 1', '--dry-run']);
    assert.equal(dry.code, 0, dry.err);
    assert.deepEqual((JSON.parse(dry.out) as { dry_run: boolean; claim: { line_number: number } }).claim.line_number, 40);
    assert.equal(claimCount(), before);

    const add = clew(['--json', 'claim', 'add', '--file-path', 'paper.tex', '--type', 'value', '--line-number', '40', '--value', 'x = 1', '--source-file', 'data/hand_values.json', '--claim-id', 'hand-x']);
    assert.equal(add.code, 0, add.err);
    const claim = JSON.parse(add.out) as Record<string, unknown>;
    assert.deepEqual([claim.claim_id, claim.file_path, claim.line_number, claim.status, claim.source_session], ['hand-x', path.join(m.root, 'paper.tex'), 40, 'registered', null]);
    assert.match(add.err, /no owning @stx\.session run/);
    assert.equal(claimCount(), before + 1);

    const quiet = clew(['claim', 'add', '--file-path', 'paper.tex', '--type', 'value', '--line-number', '41', '--source-file', 'data/hand_values.json'], { SCITEX_CLEW_WARN_NO_LINEAGE: '0' });
    assert.equal(quiet.code, 0, quiet.err);
    assert.equal(quiet.err, '');
    assert.match(quiet.out, /^\[ADDED\] claim claim_[0-9a-f]{12}\n {2}type: {5}value\n {2}location: .*paper\.tex:L41\n {2}value: {4}\(none\)\n {2}source: {3}.*hand_values\.json$/m);

    const session = clew(['--json', 'claim', 'add', '--file-path', 'paper.tex', '--type', 'table', '--line-number', '42', '--source-file', '07_merge_out/final.csv', '--source-session', 'my-session']);
    assert.equal((JSON.parse(session.out) as { source_session: string }).source_session, 'my-session');
    assert.equal(clew(['claim', 'add', '--file-path', 'paper.tex', '--type', 'opinion']).code, 2, 'a bad --type is a usage error');
  });

  test('claim list --file-path-prefix, remove (-y, --dry-run, not found), supersede', () => {
    assert.equal(claimCount(['--file-path-prefix', m.root]), claimCount());
    assert.equal(claimCount(['--file-path-prefix', path.join(m.root, 'nowhere')]), 0);

    const refused = clew(['claim', 'remove', 'hand-x']);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /^ERROR: permanently deleting claim 'hand-x' is destructive/);
    const dry = clew(['claim', 'remove', 'hand-x', '--dry-run']);
    assert.deepEqual([dry.code, dry.out.trim()], [0, "[DRY RUN] Would remove claim 'hand-x'."]);
    const n = claimCount();
    assert.deepEqual(JSON.parse(clew(['--json', 'claim', 'remove', 'hand-x', '-y']).out), { removed: true, claim_id_or_location: 'hand-x' });
    assert.equal(claimCount(), n - 1);
    assert.equal(clew(['claim', 'remove', 'hand-x', '-y']).code, 1, 'gone now');

    const sup = clew(['claim', 'supersede', 'final-n']);
    assert.deepEqual([sup.code, sup.out.trim()], [0, "[SUPERSEDED] claim 'final-n'."]);
    assert.equal(claimCount(), n - 2);
    assert.equal(claimCount(['--include-superseded']), n - 1);
    const bulk = clew(['claim', 'supersede', '--file-path-prefix', m.root]);
    assert.equal(bulk.code, 1, 'a bulk supersede needs -y');
    assert.equal(clew(['claim', 'remove', 'a', '--file-path-prefix', m.root]).code, 1, 'an id and a prefix together are refused');
  });

  test('claim register-intermediate: needs a session; stores the repr of the value', () => {
    const none = clew(['claim', 'register-intermediate', '--name', 'n', '--value', '3'], { SCITEX_SESSION_ID: '' });
    assert.equal(none.code, 1);
    const r = clew(['--json', 'claim', 'register-intermediate', '--name', 'n_rows', '--value', '3', '--supports', 'final-n', '--session-id', 'sess-1']);
    assert.equal(r.code, 0, r.err);
    const claim = JSON.parse(r.out) as { claim_value: string; source_session: string; claim_type: string };
    assert.deepEqual([claim.claim_value, claim.source_session, claim.claim_type], ['{"name": "n_rows", "supports": ["final-n"], "value": "\'3\'"}', 'sess-1', 'value']);
  });

  test('verify: verify.severity from --config, from the project (.git root), and bad config exits 1 naming the file', () => {
    const plain = clew(['verify']);
    assert.equal(plain.code, 10);
    const cfg = path.join(home, 'lenient.yaml');
    fs.writeFileSync(cfg, 'verify:\n  severity:\n    unverified: warning\n');
    const lenient = clew(['verify', '--config', cfg]);
    assert.equal(lenient.code, 0, lenient.out);
    assert.match(lenient.out, /^\[OK\] verify claims: /);
    assert.match(lenient.out, /^ {2}warnings \(tolerated\): UNVERIFIED/m);
    assert.match(lenient.out, /UNVERIFIED .* \[warning\]$/m);
    assert.equal((JSON.parse(clew(['verify', '--config', cfg, '--json']).out) as { severities: Record<string, string> }).severities.unverified, 'warning');

    // --strict forces no_lineage to error whatever the config says (upstream).
    fs.writeFileSync(cfg, 'verify:\n  severity:\n    unverified: ignore\n    no_lineage: ignore\n');
    const strict = JSON.parse(clew(['verify', '--strict', '--config', cfg, '--json']).out) as { exit_code: number; severities: Record<string, string> };
    assert.deepEqual([strict.exit_code, strict.severities.no_lineage], [13, 'error']);

    fs.mkdirSync(path.join(m.root, '.git'));
    fs.mkdirSync(path.join(m.root, '.scitex', 'clew', 'config'), { recursive: true });
    fs.writeFileSync(path.join(m.root, '.scitex', 'clew', 'config', '50-gate.yml'), 'verify:\n  severity:\n    UNVERIFIED: warning\n');
    assert.equal(clew(['verify']).code, 0, 'project scope (config/*.yml) applies');
    fs.writeFileSync(path.join(m.root, '.scitex', 'clew', 'config', '60-bad.yml'), 'verify:\n  severity:\n    unverified: fatal\n');
    const bad = clew(['verify']);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /60-bad\.yml|\.scitex\/clew.*unverified.*error, warning or ignore/);
    fs.rmSync(path.join(m.root, '.scitex', 'clew', 'config'), { recursive: true });
    fs.rmSync(path.join(m.root, '.git'), { recursive: true });
  });

  test('hash-file --algorithm/--chunk-size and hash-directory --pattern/--no-recursive with relative keys', () => {
    const file = path.join(m.root, '07_merge_out/final.csv');
    const md5 = createHash('md5').update(fs.readFileSync(file)).digest('hex');
    const r = clew(['hash-file', '07_merge_out/final.csv', '--algorithm', 'md5', '--chunk-size', '7']);
    assert.deepEqual([r.code, r.out.trim()], [0, md5]);
    const missing = clew(['hash-file', 'nope.csv']);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /^ERROR: /);

    const sha = (rel: string) => createHash('sha256').update(fs.readFileSync(path.join(m.root, rel))).digest('hex');
    const top = clew(['hash-directory', '.', '--pattern', '*.py', '--no-recursive']);
    const lines = top.out.trim().split('\n');
    assert.ok(lines.length >= 9);
    assert.equal(lines[0], `${sha('01_source_a.py')}  01_source_a.py`);
    const deep = JSON.parse(clew(['--json', 'hash-directory', '.', '--pattern', '*.csv']).out) as { hashes: Record<string, string>; recursive: boolean; pattern: string };
    assert.equal(deep.hashes['07_merge_out/final.csv'], sha('07_merge_out/final.csv'));
    assert.ok(Object.keys(deep.hashes).every((k) => k.endsWith('.csv') && !path.isAbsolute(k)));
    assert.deepEqual([deep.recursive, deep.pattern], [true, '*.csv']);
    assert.equal(clew(['hash-directory', '07_merge_out/final.csv']).code, 1, 'not a folder');
  });

  test('export-claims: per-claim and --unified, read-only, --dry-run writes nothing', () => {
    const out = path.join(home, 'claims.json');
    const dry = clew(['export-claims', '--path', out, '--dry-run']);
    assert.equal(dry.code, 0);
    assert.ok(!fs.existsSync(out));
    const r = JSON.parse(clew(['--json', 'export-claims', '--path', out]).out) as { path: string; unified: boolean };
    assert.deepEqual(r, { path: out, unified: false });
    assert.equal(fs.statSync(out).mode & 0o777, 0o444);
    assert.equal((JSON.parse(fs.readFileSync(out, 'utf8')) as { schema_version: string }).schema_version, '1.4');
    const unified = clew(['export-claims', '--unified', '--path', out, '--no-read-only']);
    assert.equal(unified.out.trim(), `[EXPORTED] unified render feed -> ${out}`);
    const feed = JSON.parse(fs.readFileSync(out, 'utf8')) as { schema_version: string; claims: { status: string; claim_type: string }[]; attestation: { counts: { total: number } } };
    assert.equal(feed.schema_version, '1.6-unified');
    assert.equal(feed.attestation.counts.total, feed.claims.length);
    assert.ok(feed.claims.every((c) => ['verified', 'suspect', 'failed', 'exception'].includes(c.status)));
    assert.equal(fs.statSync(out).mode & 0o777, 0o644);
  });
});
