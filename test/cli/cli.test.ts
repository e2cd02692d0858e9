/**
 * The `clew` command line as a real child process on fixture copies: JSON shapes equal to the
 * upstream answers, text without colour when not on a terminal, documented exit codes, and
 * one-line errors for bad input.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { entries, materialise, type Materialised } from '../conformance/fixtures';
import { CLI } from '../support/repo';

function clew(cwd: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, SCITEX_CLEW_DB_PATH: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('clew CLI on seq-mismatch', () => {
  let m: Materialised;
  before(() => {
    m = materialise('seq-mismatch', 'relocated');
  });
  after(() => m.cleanup());

  test('status --json: upstream shape plus the documented extras; exit 12 (a mismatch)', () => {
    const r = clew(m.root, 'status', '--json');
    assert.equal(r.code, 12, r.err);
    const ours = JSON.parse(r.out) as Record<string, unknown>;
    const [[, expected]] = entries(m.api, 'status');
    const { other, other_count, hashes_from_cache, ...shape } = ours;
    assert.deepEqual(shape, expected.value);
    assert.deepEqual([other, other_count, hashes_from_cache], [[], 0, true]);
  });

  test('status text says where hashes came from, and has no colour codes off a terminal', () => {
    const r = clew(m.root, 'status');
    assert.match(r.out, /stat cache/);
    assert.match(r.out, /06_preprocess_c_out\/clean_C\.csv/);
    assert.doesNotMatch(r.out, /\x1b\[/);
    assert.match(clew(m.root, 'status', '--rehash').out, /every file re-read/);
  });

  test('chain --json carries the upstream API chain answer; dag --json the same edges (as {parent, child})', () => {
    const target = path.join(m.root, '08_analyze_out/report.json');
    const chain = clew(m.root, 'chain', target, '--json');
    assert.equal(chain.code, 12);
    const expected = entries(m.api, 'chain').find(([k]) => k === target)?.[1].value as { runs: Record<string, unknown>[] } & Record<string, unknown>;
    // The CLI object is a superset: upstream's CLI keys (chain_length, failed_runs_count, per-run
    // mismatched_files/missing_files) next to every API key with the API's value.
    const ours = JSON.parse(chain.out) as { runs: Record<string, unknown>[] } & Record<string, unknown>;
    for (const [k, v] of Object.entries(expected)) if (k !== 'runs') assert.deepEqual(ours[k], v, k);
    assert.equal(ours.runs.length, expected.runs.length);
    expected.runs.forEach((run, i) => {
      for (const [k, v] of Object.entries(run)) assert.deepEqual(ours.runs[i][k], v, `runs[${i}].${k}`);
    });
    const dag = clew(m.root, '--json', 'dag', '08_analyze_out/report.json', '08_analyze_out/stats_by_source.csv');
    const expectedDag = entries(m.api, 'dag').find(([k]) => k.startsWith('targets=["'))?.[1].value as { edges: [string, string][] };
    assert.deepEqual((JSON.parse(dag.out) as { edges: unknown[] }).edges, expectedDag.edges.map(([parent, child]) => ({ parent, child })));
  });

  test('run: verified run exits 0, suspect 10, unknown 10 with a one-line message', () => {
    const runs = entries(m.api, 'run');
    const verified = runs.find(([, a]) => (a.value as { status: string }).status === 'verified')?.[0] as string;
    const suspect = runs.find(([, a]) => (a.value as { status: string }).status === 'suspect')?.[0] as string;
    assert.equal(clew(m.root, 'run', verified).code, 0);
    assert.equal(clew(m.root, 'run', suspect).code, 10);
    const unknown = clew(m.root, 'run', 'no-such-session');
    assert.equal(unknown.code, 10);
    assert.equal(unknown.err.trim().split('\n').length, 1);
  });

  test('mermaid --upstream-quirks prints exactly what scitex-clew printed (single modes)', () => {
    let compared = 0;
    for (const [key, answer] of entries(m.api, 'mermaid')) {
      let args: string[] | undefined;
      if (key === 'default()') args = [];
      else if (key.startsWith('session_id=')) args = ['--session', key.slice('session_id='.length)];
      else if (/^target_file=[^,]*$/.test(key)) args = [key.slice('target_file='.length)];
      else if (/^target_file=.*,show_hashes=True$/.test(key)) args = [key.slice('target_file='.length, -',show_hashes=True'.length), '--hashes'];
      if (!args) continue;
      const r = clew(m.root, 'mermaid', '--upstream-quirks', ...args);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, `${String(answer.value)}\n`, `clew mermaid ${args.join(' ')}`);
      compared++;
    }
    assert.equal(compared, 4);
  });

  test('mermaid: fixed diagram, print-mermaid alias, JSON nodes with verdicts, html page, bad options', () => {
    const text = clew(m.root, 'mermaid', '08_analyze_out/report.json');
    assert.equal(text.code, 0);
    assert.match(text.out, /^graph TD\n/);
    assert.match(text.out, /file_report_json_76a84217\[\("✗ 📋 report\.json"\)\]:::file_bad/, 'red reaches the grandchild (fix)');
    const multi = clew(m.root, 'print-mermaid', '--no-files', '--target', '08_analyze_out/report.json', '--target', '08_analyze_out/stats_by_source.csv');
    assert.equal(multi.code, 0, multi.err);
    assert.equal(multi.out.split('\n').filter((l) => / --> /.test(l)).length, 7, 'the real 7 edges of the DAG, not a chain');
    const payload = JSON.parse(clew(m.root, 'mermaid', '--format', 'json').out) as { mermaid: string; nodes: { kind: string; verdict: string; name: string }[]; edges: unknown[] };
    assert.equal(payload.nodes.filter((n) => n.kind === 'run').length, 9);
    assert.equal(payload.nodes.find((n) => n.name === 'clean_C.csv')?.verdict, 'mismatch');
    assert.equal(payload.nodes.find((n) => n.name === 'final.csv')?.verdict, 'suspect');
    assert.ok(payload.edges.length > 0);
    const out = path.join(m.root, 'dag page.html');
    assert.equal(clew(m.root, 'mermaid', '-f', 'html', '-o', out).code, 0);
    assert.match(fs.readFileSync(out, 'utf8'), /Content-Security-Policy/);
    assert.equal(clew(m.root, 'mermaid', '-f', 'svg').code, 2);
    assert.equal(clew(m.root, 'mermaid', '--path-mode', 'weird').code, 2);
    assert.equal(clew(m.root, 'mermaid', '-f', 'html').code, 2, 'html needs -o');
    const targets = ['--target', '08_analyze_out/report.json', '--target', '08_analyze_out/stats_by_source.csv'];
    const quirky = clew(m.root, 'print-mermaid', '--upstream-quirks', '--grouper', 'session_bundle:1', ...targets);
    assert.match(quirky.out, /\n {4}group_f134246bef48\[\/"✓ 🗂️ output bundle \(×2\)"\\\]:::file_ok\n/, 'upstream leaves the bundle green');
    const grouped = clew(m.root, 'mermaid', '--grouper', 'session_bundle:1', ...targets);
    assert.match(grouped.out, /\n {4}group_f134246bef48\[\/"⚠ 🗂️ output bundle \(×2\)"\\\]:::file_bad\n/, 'fixed: computed from changed data');
    assert.equal(clew(m.root, 'mermaid', '--grouper', 'auto').code, 0);
    const custom = clew(m.root, 'mermaid', '--grouper', '{"type": "custom", "import": "lab.groupers:mine"}');
    assert.equal(custom.code, 2);
    assert.match(custom.err, /custom grouper imports a Python function \(lab\.groupers:mine\), which Clew cannot run/);
    assert.match(clew(m.root, 'mermaid', '--grouper', 'pattern').err, /pattern grouper needs a 'regex'/);
    // directory:1 groups every folder, however few files: 08_analyze's two outputs become one
    // node named after their folder (red, since this project's data changed upstream of them).
    const byFolder = clew(m.root, 'mermaid', '--grouper', 'directory:1', ...targets);
    assert.equal(byFolder.code, 0);
    assert.match(byFolder.out, /\[\/"⚠ 🗂️ 08_analyze_out\/ \(×2\)"\\\]:::file_bad\n/);
    // Upstream's default grouper from the project's config file; --grouper none ignores it.
    const config = path.join(m.root, '.scitex/clew/config.yaml');
    fs.writeFileSync(config, 'grouper:\n  type: session_bundle\n  max_files: 1\n');
    try {
      assert.match(clew(m.root, 'print-mermaid', '--upstream-quirks', ...targets).out, /group_f134246bef48\[\/"✓ 🗂️ output bundle/);
      assert.doesNotMatch(clew(m.root, 'print-mermaid', '--grouper', 'none', ...targets).out, /group_/);
    } finally {
      fs.rmSync(config);
    }
    const missing = clew(m.root, 'mermaid', 'no/such/file.csv');
    assert.equal(missing.code, 0);
    assert.equal(missing.out, 'graph TD\n    empty["No runs found"]\n');
  });

  test('list and stats', () => {
    const list = JSON.parse(clew(m.root, 'list', '--json', '-n', '3').out) as { count: number };
    assert.equal(list.count, 3);
    const stats = JSON.parse(clew(m.root, 'stats', '--json').out) as { total_runs: number };
    assert.equal(stats.total_runs, 9);
  });
});

describe('clew CLI: bad input gets one clear line and a documented exit code', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clew cli "odd" '));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cases: [string, string[], number, RegExp][] = [
    ['unknown command', ['frobnicate'], 2, /unknown command 'frobnicate'/],
    ['unknown option', ['status', '--bogus'], 2, /bogus/],
    ['bad --limit', ['list', '--limit', 'abc'], 2, /--limit must be a whole number/],
    ['no store', ['status'], 3, /no Clew store at/],
    ['chain of a missing file', ['chain', 'nope.csv'], 1, /file not found: nope\.csv/],
  ];
  for (const [name, args, code, message] of cases) {
    test(name, () => {
      const r = clew(dir, ...args);
      assert.equal(r.code, code, r.err);
      assert.match(r.err, message);
      assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
    });
  }

  test('a corrupt store named with quotes and <script> is refused, not modified', () => {
    const db = path.join(dir, 'x "<script>".db');
    fs.writeFileSync(db, 'not a database at all'.repeat(20));
    const before = fs.readFileSync(db);
    const r = clew(dir, '--db', db, 'status');
    assert.equal(r.code, 3);
    assert.match(r.err, /is not an SQLite database/);
    assert.deepEqual(fs.readFileSync(db), before);
  });
});

describe('clew hash', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clew hash '));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('files and folders, matching openssl; missing paths exit 1 with one line each', () => {
    fs.writeFileSync(path.join(dir, 'a b.txt'), 'abc');
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'ü.txt'), '');
    const r = clew(dir, 'hash', 'a b.txt', 'sub');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.out.trim().split('\n'), [
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a b.txt',
      `e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  ${path.join('sub', 'ü.txt')}`,
    ]);
    const missing = clew(dir, 'hash', 'a b.txt', 'gone.csv', '--json');
    assert.equal(missing.code, 1);
    assert.equal((JSON.parse(missing.out) as unknown[]).length, 1);
    assert.match(missing.err, /file not found: gone\.csv/);
  });
});
