/**
 * `clew check-crate` with no store anywhere near: a crate of a recorded project, moved to another
 * folder, verifies (exit 0) with its data inside, as a zip, and — exported without data — against
 * the moved project under --data. One data file edited: mismatch naming it (12); one deleted:
 * missing (11); its metadata edited after export (a hash and the bytes swapped together, a run
 * removed, the root hash rewritten): the stamp check fails (12). An RFC 3161 stamp's token ships
 * in the crate and is re-verified offline against --tsa-cert.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startLocalTsa, type LocalTsa } from '../engine/stamps/localTsa';
import { CLEAN, FIGURE, recordExportProject } from '../support/exportProject';
import { CLI, clew, tempBase } from '../support/recordedProject';
import { REPO_ROOT } from '../support/repo';

interface Checked {
  status: string;
  exit_code: number;
  files: { path: string; status: string }[];
  stamps: { stamp_id: string; backend: string; verdict: string; missing_runs: string[]; altered_runs: string[]; token?: { status: string; trusted?: boolean } }[];
}

function checkJson(cwd: string, args: string[]): { code: number | null; result: Checked; stdout: string } {
  const r = clew(cwd, ['check-crate', ...args, '--json']);
  return { code: r.status, result: JSON.parse(r.stdout) as Checked, stdout: r.stdout };
}

/** Asynchronous, so the TSA living in this test process can answer the child. */
function clewAsync(cwd: string, args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, SCITEX_CLEW_DB_PATH: '' } }, (err, _stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, err: stderr });
    });
  });
}

function editMetadata(crate: string, edit: (graph: Record<string, unknown>[]) => Record<string, unknown>[]): void {
  const file = path.join(crate, 'ro-crate-metadata.json');
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { '@graph': Record<string, unknown>[] };
  doc['@graph'] = edit(doc['@graph']);
  fs.writeFileSync(file, JSON.stringify(doc, null, 2));
}

describe('clew check-crate', () => {
  let base: string;
  let root: string;
  let elsewhere: string;
  before(() => {
    base = tempBase('clew-check-crate-');
    root = recordExportProject(base);
    const made = clew(root, ['export', 'ro-crate', '-o', path.join(base, 'crate'), '--include-data']);
    assert.equal(made.status, 0, made.stderr);
    elsewhere = path.join(base, 'elsewhere');
    fs.mkdirSync(elsewhere);
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  const copyCrate = (name: string): string => {
    const dest = path.join(elsewhere, name);
    fs.cpSync(path.join(base, 'crate'), dest, { recursive: true });
    return dest;
  };

  test('a crate with its data, moved to another folder, verifies: files and stamp', () => {
    const crate = copyCrate('intact');
    const { code, result } = checkJson(elsewhere, [crate]);
    assert.equal(code, 0);
    assert.equal(result.status, 'verified');
    assert.ok(result.files.length >= 5 && result.files.every((f) => f.status === 'verified'));
    assert.deepEqual(result.stamps.map((s) => s.verdict), ['holds']);
    const text = clew(elsewhere, ['check-crate', crate]);
    assert.equal(text.status, 0);
    assert.match(text.stdout, /verified — \d+ file\(s\): \d+ verified, 0 mismatch, 0 missing/);
  });

  test('one data file edited: mismatch naming it, exit 12', () => {
    const crate = copyCrate('edited');
    fs.appendFileSync(path.join(crate, ...CLEAN.split('/')), 'tampered\n');
    const text = clew(elsewhere, ['check-crate', crate]);
    assert.equal(text.status, 12);
    assert.match(text.stdout, new RegExp(`mismatch +${CLEAN.replace('.', '\\.')}`));
    const { result } = checkJson(elsewhere, [crate]);
    assert.deepEqual(result.files.filter((f) => f.status !== 'verified'), [{ ...result.files.find((f) => f.path === CLEAN), status: 'mismatch' }]);
  });

  test('one data file deleted: missing, exit 11', () => {
    const crate = copyCrate('deleted');
    fs.rmSync(path.join(crate, FIGURE));
    const { code, result } = checkJson(elsewhere, [crate]);
    assert.equal(code, 11);
    assert.equal(result.status, 'missing');
    assert.deepEqual(result.files.filter((f) => f.status !== 'verified').map((f) => [f.path, f.status]), [[FIGURE, 'missing']]);
  });

  test('metadata edited after export: a hash and the bytes swapped together fail the stamp, exit 12', () => {
    const crate = copyCrate('swapped');
    const forged = 'forged rows\n';
    fs.writeFileSync(path.join(crate, ...CLEAN.split('/')), forged);
    const forgedHash = createHash('sha256').update(forged).digest('hex');
    editMetadata(crate, (graph) => graph.map((e) => (e['@id'] === CLEAN.split('/').map(encodeURIComponent).join('/') ? { ...e, sha256: forgedHash } : e)));
    const { code, result } = checkJson(elsewhere, [crate]);
    assert.ok(result.files.every((f) => f.status === 'verified'), 'the bytes match the edited metadata');
    assert.equal(result.stamps[0].verdict, 'changed');
    assert.deepEqual(result.stamps[0].altered_runs.sort(), ['S1-clean', 'S2-plot']);
    assert.equal(code, 12);
  });

  test('metadata edited after export: a run removed fails the stamp, exit 12', () => {
    const crate = copyCrate('run-removed');
    editMetadata(crate, (graph) => graph.filter((e) => e['@id'] !== '#run-S1-clean'));
    const { code, result } = checkJson(elsewhere, [crate]);
    assert.equal(result.stamps[0].verdict, 'runs-missing');
    assert.deepEqual(result.stamps[0].missing_runs, ['S1-clean']);
    assert.equal(code, 12);
  });

  test('a zipped crate verifies; a crate without data verifies against the moved project under --data', () => {
    const zip = path.join(elsewhere, 'crate.zip');
    assert.equal(clew(root, ['export', 'ro-crate', '-o', zip]).status, 0);
    // Without --include-data the zip holds only the metadata: its files are missing until --data names them.
    assert.equal(checkJson(elsewhere, [zip]).code, 11);
    const withData = path.join(elsewhere, 'with-data.zip');
    assert.equal(clew(root, ['export', 'ro-crate', '-o', withData, '--include-data']).status, 0);
    assert.equal(checkJson(elsewhere, [withData]).code, 0);

    const bare = path.join(base, 'bare');
    assert.equal(clew(root, ['export', 'ro-crate', '-o', bare]).status, 0);
    const moved = path.join(elsewhere, 'moved-project');
    fs.cpSync(root, moved, { recursive: true });
    const { code, result } = checkJson(elsewhere, [bare, '--data', moved]);
    assert.equal(code, 0, JSON.stringify(result.files.filter((f) => f.status !== 'verified')));
  });

  test('a store scitex-clew recorded, read from another folder: its crate verifies and its stamp holds', () => {
    // Combined hashes cover the paths as recorded; the crate must carry those, not the mapped ones.
    const copy = path.join(base, 'seq-rerun');
    fs.cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'upstream', 'seq-rerun', 'workspace'), copy, { recursive: true });
    execFileSync('chmod', ['-R', 'u+w', copy]);
    const crate = path.join(elsewhere, 'seq-rerun-crate');
    const made = clew(copy, ['export', 'ro-crate', '-o', crate, '--include-data']);
    assert.equal(made.status, 0, made.stderr);
    assert.match(made.stderr, /store recorded under \/tmp\/clew-fixture\/seq-rerun/);
    const { code, result } = checkJson(elsewhere, [crate]);
    assert.deepEqual(result.stamps.map((s) => [s.backend, s.verdict]), [['file', 'holds']]);
    assert.equal(code, 0);
  });

  test('refuses to write a crate into a folder that holds other things', () => {
    fs.writeFileSync(path.join(elsewhere, 'keep.txt'), 'mine');
    const r = clew(root, ['export', 'ro-crate', '-o', elsewhere]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /not empty/);
  });
});

describe('clew check-crate with an RFC 3161 stamp', () => {
  let tsa: LocalTsa;
  let base: string;
  let crate: string;
  let root: string;
  before(async () => {
    tsa = await startLocalTsa();
    base = tempBase('clew-check-crate-tsa-');
    root = recordExportProject(base);
    const stamped = await clewAsync(root, ['stamp', '--backend', 'rfc3161', '--service-url', tsa.url, '--tsa-cert', tsa.caFile]);
    assert.equal(stamped.code, 0, stamped.err);
    crate = path.join(base, 'crate');
    assert.equal(clew(root, ['export', 'ro-crate', '-o', crate, '--include-data']).status, 0);
  });
  after(async () => {
    await tsa.close();
    fs.rmSync(base, { recursive: true, force: true });
  });

  test('the token ships in the crate and re-verifies offline against the TSA certificate', () => {
    const { code, result } = checkJson(base, [crate, '--tsa-cert', tsa.caFile]);
    const rfc = result.stamps.find((s) => s.backend === 'rfc3161');
    assert.equal(rfc?.verdict, 'holds');
    assert.deepEqual(rfc?.token, { ...rfc?.token, status: 'valid', trusted: true });
    assert.ok(result.files.some((f) => f.path.startsWith('stamps/') && f.path.endsWith('.tst') && f.status === 'verified'));
    assert.equal(code, 0);
  });

  test('exported without data and checked in place under --data, the token still comes from the crate', () => {
    const bare = path.join(base, 'bare');
    assert.equal(clew(root, ['export', 'ro-crate', '-o', bare]).status, 0);
    const { code, result } = checkJson(base, [bare, '--data', root, '--tsa-cert', tsa.caFile]);
    assert.equal(result.stamps.find((s) => s.backend === 'rfc3161')?.verdict, 'holds');
    assert.equal(code, 0, JSON.stringify(result.files.filter((f) => f.status !== 'verified')));
  });

  test('a root hash rewritten to match edited metadata no longer matches the signed token', () => {
    const copy = path.join(base, 'rewritten');
    fs.cpSync(crate, copy, { recursive: true });
    editMetadata(copy, (graph) => graph.map((e) => (Array.isArray(e['@type']) && e['@type'].includes('Stamp') && e.stampBackend === 'rfc3161' ? { ...e, rootHash: '0'.repeat(64) } : e)));
    const { code, result } = checkJson(base, [copy, '--tsa-cert', tsa.caFile]);
    const rfc = result.stamps.find((s) => s.backend === 'rfc3161');
    assert.equal(rfc?.verdict, 'changed');
    assert.equal(rfc?.token?.status, 'invalid');
    assert.equal(code, 12);
  });
});
