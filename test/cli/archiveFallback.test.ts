/**
 * Issue #14, spec §3.2: a recorded output folder archived beside itself and deleted still
 * verifies — from the member's bytes — in status, run and chain, for .tar, .tar.gz and .tar.xz;
 * an edited member is a mismatch, an absent member or a corrupt archive leaves the file missing
 * (with a note, no crash), a frozen file found in an archive is verified.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeProject, ODD, OUT, SUB } from './archiveProject';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

interface FileJson {
  path: string;
  status: string;
  archive?: string;
  error?: string;
}
interface RunJson {
  status: string;
  files: FileJson[];
}

const byPath = (run: RunJson, p: string) => run.files.find((f) => f.path === p);

for (const ext of ['.tar.gz', '.tar.xz', '.tar'] as const) {
  test(`a recorded folder archived to ${ext} and deleted verifies from the archive (status, run, chain)`, () => {
    const p = makeProject(dirs);
    const archive = p.archive(ext);
    assert.ok(!fs.existsSync(p.file(OUT)));

    const status = p.clew('status', '--json');
    assert.equal(status.code, 0, status.out + status.err);
    const s = JSON.parse(status.out) as { verified_count: number; from_archive: { path: string; archive: string }[] };
    assert.equal(s.verified_count, 2);
    assert.deepEqual(new Set(s.from_archive.map((f) => f.path)), new Set([p.file(`${OUT}/${ODD}`), p.file(`${OUT}/${SUB}`)]));
    assert.ok(s.from_archive.every((f) => f.archive === archive));
    assert.match(p.clew('status').out, /Checked from archives: 2 recorded files no longer on disk/);

    const run = p.clew('run', 's1', '--json');
    assert.equal(run.code, 0, run.err);
    const r = JSON.parse(run.out) as RunJson;
    for (const rel of [`${OUT}/${ODD}`, `${OUT}/${SUB}`]) assert.deepEqual([byPath(r, p.file(rel))?.status, byPath(r, p.file(rel))?.archive], ['verified', archive]);
    const text = p.clew('run', 's1');
    assert.ok(text.out.includes(`${p.file(`${OUT}/${ODD}`)}  (from archive ${archive})`), text.out);

    // s2's input is inside the archive, its output on disk: the whole chain verifies.
    const chain = p.clew('chain', 'final/r.txt', '--json');
    assert.equal(chain.code, 0, chain.out + chain.err);
    const c = JSON.parse(chain.out) as { status: string; runs: RunJson[] };
    assert.equal(c.status, 'verified');
    assert.equal(c.runs.length, 2);
    assert.equal(byPath(c.runs[1], p.file(`${OUT}/${SUB}`))?.archive, archive);
  });
}

test('an edited member is a mismatch, from the archive; downstream runs become suspect', () => {
  const p = makeProject(dirs);
  fs.writeFileSync(p.file(`${OUT}/${SUB}`), 'edited\n');
  const archive = p.archive('.tar.gz');
  const run = p.clew('run', 's1', '--json');
  assert.equal(run.code, 12, run.err);
  const f = byPath(JSON.parse(run.out) as RunJson, p.file(`${OUT}/${SUB}`));
  assert.deepEqual([f?.status, f?.archive], ['mismatch', archive]);
  assert.equal(p.clew('status').code, 12);
  const chain = JSON.parse(p.clew('chain', 'final/r.txt', '--json').out) as { runs: RunJson[] };
  assert.equal(chain.runs[1].status, 'suspect');
});

test('a member absent from the archive stays missing', () => {
  const p = makeProject(dirs);
  p.archive('.tar.gz', [`${OUT}/${ODD}`]);
  const r = JSON.parse(p.clew('run', 's1', '--json').out) as RunJson;
  assert.equal(r.status, 'missing');
  assert.equal(byPath(r, p.file(`${OUT}/${ODD}`))?.status, 'verified');
  const absent = byPath(r, p.file(`${OUT}/${SUB}`));
  assert.deepEqual([absent?.status, absent?.archive, absent?.error], ['missing', undefined, undefined]);
});

test('a corrupt archive leaves the files missing with a note, promptly, without a crash', () => {
  const p = makeProject(dirs);
  fs.rmSync(p.file(OUT), { recursive: true });
  fs.writeFileSync(p.file(`${OUT}.tar.gz`), 'this is not gzip');
  fs.writeFileSync(p.file(`${OUT}.tar`), Buffer.alloc(700, 7));
  const started = Date.now();
  const run = p.clew('run', 's1', '--json');
  assert.equal(run.code, 11, run.err);
  const f = byPath(JSON.parse(run.out) as RunJson, p.file(`${OUT}/${SUB}`));
  assert.equal(f?.status, 'missing');
  assert.match(f?.error ?? '', /cannot read archive .*out dir\.tar\.gz/);
  assert.match(f?.error ?? '', /cannot read archive .*out dir\.tar\b/);
  assert.ok(Date.now() - started < 30_000);
  const text = p.clew('status');
  assert.equal(text.code, 11);
  assert.match(text.out, /missing: .*b \[1\]\.csv \(cannot read archive/);
});

test('a frozen file is verified when found in an archive, missing when not', () => {
  const p = makeProject(dirs);
  // Frozen: trusted as recorded, whatever the bytes; a wrong stored hash proves it was not compared.
  execFileSync('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE file_hashes SET frozen=1, hash=? WHERE file_path=?", ("0"*64, sys.argv[2])); c.commit()', p.file('.scitex/clew/runtime/clew.db'), p.file(`${OUT}/${SUB}`)]);
  const archive = p.archive('.tar.xz');
  const r = JSON.parse(p.clew('run', 's1', '--json').out) as RunJson;
  const f = byPath(r, p.file(`${OUT}/${SUB}`));
  assert.deepEqual([r.status, f?.status, f?.archive], ['verified', 'verified', archive]);
  fs.rmSync(archive);
  fs.mkdirSync(p.file(OUT));
  fs.writeFileSync(p.file(`${OUT}/other.txt`), 'x');
  p.archive('.tar.xz');
  assert.equal(byPath(JSON.parse(p.clew('run', 's1', '--json').out) as RunJson, p.file(`${OUT}/${SUB}`))?.status, 'missing');
});

test('.tar.xz without the xz program: missing, with a note that says so', () => {
  const p = makeProject(dirs);
  p.archive('.tar.xz');
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'clew no xz '));
  dirs.push(bin);
  fs.symlinkSync(execFileSync('which', ['tar']).toString().trim(), path.join(bin, 'tar'));
  const run = p.clewEnv({ ...process.env, PATH: bin }, 'run', 's1', '--json');
  assert.equal(run.code, 11, run.err);
  const f = byPath(JSON.parse(run.out) as RunJson, p.file(`${OUT}/${SUB}`));
  assert.match(f?.error ?? '', /needs the xz program, which is not installed/);
});
