/**
 * `clew stamp`, `clew list-stamps`, `clew check-stamp` as real child processes: upstream's text
 * and JSON on the Python-made stamp of seq-rerun, and the documented exit codes — 0 holds,
 * 12 changed / token invalid / file changed, 11 runs deleted, 1 not found or nothing to stamp,
 * 2 usage (bad backend, zenodo without a token). RFC 3161 end to end against a local TSA.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Materialised } from '../conformance/fixtures';
import { materialiseCopy, pythonSql } from '../engine/stamps/helpers';
import { startLocalTsa, type LocalTsa } from '../engine/stamps/localTsa';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

interface Ran {
  code: number | null;
  out: string;
  err: string;
}

/** Asynchronous, so an HTTP server living in this test process can answer the child. */
function clew(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, SCITEX_CLEW_DB_PATH: '', ZENODO_TOKEN: '', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, out: stdout, err: stderr });
    });
  });
}

const CLEW_EXTRAS = ['verdict', 'missing_sessions', 'token', 'files'];
function upstreamShape(json: string): Record<string, unknown> {
  const parsed = JSON.parse(json) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(parsed).filter(([k]) => !CLEW_EXTRAS.includes(k)));
}

describe('clew stamp commands on seq-rerun (Python-made stamp)', () => {
  let m: Materialised;
  before(() => {
    m = materialiseCopy('seq-rerun');
  });
  after(() => m.cleanup());

  test("list-stamps and check-stamp print what scitex-clew printed", async () => {
    let compared = 0;
    for (const answer of m.cli) {
      const argv = answer.argv.slice(1);
      if (!argv.some((a) => a === 'list-stamps' || a === 'check-stamp')) continue;
      const r = await clew(m.root, argv);
      assert.equal(r.code, answer.exit_code, `${argv.join(' ')}: ${r.err}`);
      if (argv.includes('--json') && argv.includes('check-stamp')) assert.deepEqual(upstreamShape(r.out), JSON.parse(answer.stdout));
      else assert.equal(r.out, answer.stdout, argv.join(' '));
      compared++;
    }
    assert.equal(compared, 4);
  });

  test('not found: exit 1, upstream JSON with --json, one line otherwise', async () => {
    const text = await clew(m.root, ['check-stamp', 'stamp_000000000000']);
    assert.equal(text.code, 1);
    assert.equal(text.err.trim().split('\n').length, 1);
    assert.match(text.err, /No stamps found/);
    const json = await clew(m.root, ['--json', 'check-stamp', 'stamp_000000000000']);
    assert.equal(json.code, 1);
    assert.deepEqual(JSON.parse(json.out), { status: 'not_found', message: 'No stamps found' });
  });
});

describe('clew stamp / check-stamp on a seq-clean copy', () => {
  let m: Materialised;
  before(() => {
    m = materialiseCopy('seq-clean');
  });
  after(() => m.cleanup());

  test('stamp --json prints the record; check-stamp holds (0), then --files sees an edit (12)', async () => {
    const made = await clew(m.root, ['stamp', '--json']);
    assert.equal(made.code, 0, made.err);
    const record = JSON.parse(made.out) as { stamp_id: string; backend: string; run_count: number; metadata: { session_ids: string[] } };
    assert.deepEqual(Object.keys(record), ['stamp_id', 'root_hash', 'timestamp', 'backend', 'service_url', 'response_token', 'run_count', 'metadata']);
    assert.equal(record.backend, 'file');
    const held = await clew(m.root, ['check-stamp', record.stamp_id]);
    assert.equal(held.code, 0, held.out);
    assert.match(held.out, /^matches:    True$/m);
    const edited = path.join(m.root, '08_analyze_out', 'report.json');
    fs.appendFileSync(edited, ' ');
    const files = await clew(m.root, ['check-stamp', record.stamp_id, '--files']);
    assert.equal(files.code, 12, files.out);
    assert.match(files.out, new RegExp(`changed\\s+output\\s+${edited.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const listed = JSON.parse((await clew(m.root, ['list-stamps', '--json', '--limit', '1'])).out) as { count: number; stamps: { stamp_id: string }[] };
    assert.equal(listed.count, 1);
    assert.equal(listed.stamps[0].stamp_id, record.stamp_id);
    // The same commands as one group: stamps list|check|create.
    const grouped = JSON.parse((await clew(m.root, ['stamps', 'list', '--json', '--limit', '1'])).out) as typeof listed;
    assert.deepEqual(grouped, listed);
    assert.equal((await clew(m.root, ['stamps', 'check', record.stamp_id, '--files'])).code, 12);
    const unknown = await clew(m.root, ['stamps', 'verify']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown stamps command 'verify' \(create, list or check\)/);
  });

  test('a rewritten run exits 12, deleted runs exit 11', async () => {
    const record = JSON.parse((await clew(m.root, ['--json', 'stamp'])).out) as { stamp_id: string; metadata: { session_ids: string[] } };
    const [first] = record.metadata.session_ids;
    pythonSql(m.dbPath, "UPDATE runs SET combined_hash = 'x' WHERE session_id = ?", [first]);
    const changed = await clew(m.root, ['check-stamp', record.stamp_id]);
    assert.equal(changed.code, 12);
    assert.match(changed.out, /^matches:    False$/m);
    assert.match(changed.out, /Root hash CHANGED since stamp at/);
    pythonSql(m.dbPath, 'DELETE FROM runs');
    const gone = await clew(m.root, ['--json', 'check-stamp', record.stamp_id]);
    assert.equal(gone.code, 11);
    assert.equal((JSON.parse(gone.out) as { current_root_hash: null }).current_root_hash, null);
    const none = await clew(m.root, ['stamp']);
    assert.equal(none.code, 1);
    assert.match(none.err, /No runs to stamp/);
  });

  test('usage errors exit 2: unknown backend, --tsa-cert without rfc3161, zenodo without ZENODO_TOKEN', async () => {
    const bad = await clew(m.root, ['stamp', '--backend', 'scitex_cloud']);
    assert.equal(bad.code, 2);
    assert.equal((await clew(m.root, ['stamp', '--tsa-cert', 'ca.pem'])).code, 2, '--tsa-cert with the file backend');
    const zen = await clew(m.root, ['stamp', '--backend', 'zenodo', '--service-url', 'http://127.0.0.1:9']);
    assert.equal(zen.code, 2);
    assert.match(zen.err, /ZENODO_TOKEN/);
    assert.equal(zen.err.trim().split('\n').length, 1);
  });
});

describe('clew stamp --backend rfc3161 end to end', () => {
  let m: Materialised;
  let tsa: LocalTsa;
  before(async () => {
    tsa = await startLocalTsa();
    m = materialiseCopy('seq-clean');
  });
  after(async () => {
    await tsa.close();
    m.cleanup();
  });

  test('stamp with --tsa-cert, check with the anchor (0) and with another CA (12)', async () => {
    const made = await clew(m.root, ['stamp', '--backend', 'rfc3161', '--service-url', tsa.url, '--tsa-cert', tsa.caFile]);
    assert.equal(made.code, 0, made.err);
    const id = /\[STAMPED\] (stamp_[0-9a-f]{12})/.exec(made.out)?.[1] ?? '';
    assert.ok(fs.existsSync(path.join(m.root, '.scitex', 'clew', 'runtime', 'stamps', `${id}.tsr`)));
    const ok = await clew(m.root, ['check-stamp', id, '--tsa-cert', tsa.caFile]);
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /RFC 3161 token valid: signed by .*chains to the given trust anchor/);
    const foreign = await clew(m.root, ['check-stamp', id, '--tsa-cert', tsa.otherCaFile]);
    assert.equal(foreign.code, 12);
    assert.match(foreign.out, /RFC 3161 token invalid: the TSA certificate does not chain to the given trust anchor/);
    const missingCert = await clew(m.root, ['check-stamp', id, '--tsa-cert', path.join(os.tmpdir(), 'no-such-ca.pem')]);
    assert.equal(missingCert.code, 2);
  });
});
