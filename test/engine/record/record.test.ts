/**
 * Recording through the real CLI (`node dist/cli.js record`): rows a Python reader sees exactly
 * as upstream writes them, automatic capture for python, shell and node commands, parent links,
 * failing commands and odd names.
 */
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { straceAvailable } from '../../../src/engine/record/capture';
import { combinedHash } from '../../../src/engine/record/session';
import { clew, query } from '../../support/recordedProject';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-record-'));
after(() => fs.rmSync(base, { recursive: true, force: true }));

function project(name: string): string {
  const root = path.join(fs.realpathSync(base), name);
  fs.mkdirSync(path.join(root, '.git'), { recursive: true });
  return root;
}
interface FileRow {
  session_id: string;
  file_path: string;
  role: string;
  hash: string;
  host: string;
  size_bytes: number;
  recorded_at: string;
}
interface RunRow {
  session_id: string;
  script_path: string;
  script_hash: string | null;
  status: string;
  exit_code: number;
  parent_session: string | null;
  combined_hash: string;
  started_at: string;
  finished_at: string;
}

describe('clew record', () => {
  test('declared files: rows in upstream formats, readable by python, combined hash per spec §2.6', () => {
    const root = project('declared');
    fs.writeFileSync(path.join(root, 'in put.csv'), 'a,b\n');
    fs.writeFileSync(path.join(root, 'step.py'), 'open("out ü.txt","w").write(open("in put.csv").read())\n');
    const r = clew(root, ['record', '--input', 'in put.csv', '--output', 'out ü.txt', '--session-id', 'sess-1', '--', 'python3', 'step.py']);
    assert.equal(r.status, 0, r.stderr);
    const [run] = query<RunRow>(root, 'select * from runs');
    assert.equal(run.session_id, 'sess-1');
    assert.equal(run.script_path, path.join(root, 'step.py'));
    assert.equal(run.status, 'success');
    assert.equal(run.exit_code, 0);
    assert.match(run.started_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/);
    const files = query<FileRow>(root, 'select * from file_hashes order by id');
    assert.deepEqual(files.map((f) => [f.role, f.file_path]), [['input', path.join(root, 'in put.csv')], ['output', path.join(root, 'out ü.txt')]]);
    assert.ok(files.every((f) => f.host === 'test-host' && /^[0-9a-f]{64}$/.test(f.hash) && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(f.recorded_at)));
    const expected = combinedHash(new Map([[files[0].file_path, files[0].hash]]), run.script_hash, new Map([[files[1].file_path, files[1].hash]]));
    assert.equal(run.combined_hash, expected);
    const status = clew(root, ['status', '--json']);
    assert.equal(status.status, 0, status.stdout + status.stderr);
  });

  test('combined hash matches the spec worked example', () => {
    const h = combinedHash(
      new Map(),
      'a555236e6e0cfa32bdf934c6ac27a1aa29f496a0b5dd47eba21753d6d691280e',
      new Map([
        ['/tmp/clew-fixture/seq-clean/01_source_a_out/source_A.csv', '2da556cf77d8aff08f56e0cc72784f7955d3241eae676cedbe9ec6c4d1a01828'],
        ['/tmp/clew-fixture/seq-clean/01_source_a_out/config_A.json', '8cb839638ab155baf66e674bcf2b72802f08573c75482f792ed8a0e8ad5f2b21'],
      ]),
    );
    assert.equal(h, '4d93309fd08e92633827bc866751b6e241acfa60c6cb3455d09749c4708438d3');
  });

  test('a failing command is recorded as failed with its exit code, which clew returns', () => {
    const root = project('failing');
    const r = clew(root, ['record', '--session-id', 'bad', '--', 'sh', '-c', 'exit 7']);
    assert.equal(r.status, 7);
    const [run] = query<RunRow>(root, 'select * from runs');
    assert.deepEqual([run.status, run.exit_code], ['failed', 7]);
  });

  test('a command that cannot start is a clear error', () => {
    const root = project('nostart');
    const r = clew(root, ['record', '--', 'definitely-not-a-program-xyz']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /cannot run 'definitely-not-a-program-xyz'/);
  });

  test('no command is a usage error', () => {
    const r = clew(project('usage'), ['record', '--input', 'x']);
    assert.equal(r.status, 2);
  });

  test('automatic capture: python, shell and node steps; two-step pipeline gets its parent link', { skip: !straceAvailable() && 'strace cannot trace here' }, () => {
    const root = project('auto');
    fs.writeFileSync(path.join(root, 'raw data.csv'), '1,2\n');
    fs.writeFileSync(path.join(root, 'step1.py'), 'import os\nos.makedirs("out", exist_ok=True)\nopen("out/clean.csv","w").write(open("raw data.csv").read().upper())\n');
    fs.writeFileSync(path.join(root, 'step3.js'), 'const fs=require("fs");fs.writeFileSync("out/final.txt", fs.readFileSync("out/count.txt","utf8")+"!");\n');
    assert.equal(clew(root, ['record', '--session-id', 's1', '--', 'python3', 'step1.py']).status, 0);
    assert.equal(clew(root, ['record', '--session-id', 's2', '--', 'sh', '-c', 'wc -l < out/clean.csv > out/count.txt']).status, 0);
    assert.equal(clew(root, ['record', '--session-id', 's3', '--', 'node', 'step3.js']).status, 0);
    const rows = query<FileRow>(root, 'select session_id, role, file_path from file_hashes order by session_id, role, file_path');
    const got = rows.map((r) => `${r.session_id} ${r.role} ${path.relative(root, r.file_path)}`);
    assert.deepEqual(got, [
      's1 input raw data.csv',
      's1 output out/clean.csv',
      's2 input out/clean.csv',
      's2 output out/count.txt',
      's3 input out/count.txt',
      's3 output out/final.txt',
    ]);
    const runs = query<RunRow>(root, 'select session_id, parent_session, script_path from runs order by session_id');
    assert.deepEqual(runs.map((r) => [r.session_id, r.parent_session]), [['s1', null], ['s2', 's1'], ['s3', 's2']]);
    assert.equal(runs[0].script_path, path.join(root, 'step1.py'));
    assert.equal(runs[2].script_path, path.join(root, 'step3.js'));
    const parents = query<{ session_id: string; parent_session: string }>(root, 'select session_id, parent_session from session_parents order by session_id');
    assert.deepEqual(parents.map((p) => [p.session_id, p.parent_session]), [['s2', 's1'], ['s3', 's2']]);
    const chain = clew(root, ['chain', 'out/final.txt', '--json']);
    assert.equal(chain.status, 0, chain.stdout);
    assert.deepEqual((JSON.parse(chain.stdout) as { runs: { session_id: string }[] }).runs.map((r) => r.session_id), ['s1', 's2', 's3']);
  });
});
