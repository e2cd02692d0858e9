/**
 * bin/clew, the `clew` command: found through symlinks as `npm link` makes them, prints what
 * `node dist/cli.js` prints, moves NODE_EXTRA_CA_CERTS aside for `status` only, and dist/cli.js
 * hands it back to anything it starts. Real sh, real node processes, a real store.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { materialise } from '../conformance/fixtures';

const ROOT = path.resolve(__dirname, '../../..');
const LAUNCHER = path.join(ROOT, 'bin', 'clew');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const posix = process.platform !== 'win32';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clew launcher ü '));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * A --require'd probe that writes what the node process saw of the variable before any clew code
 * ran. Only the first writer counts: worker threads run it too, after the main thread restored it.
 */
const probe = path.join(dir, 'probe.js');
fs.writeFileSync(probe, `try { require('fs').writeFileSync(process.env.CLEW_PROBE_OUT, JSON.stringify({ extra: process.env.NODE_EXTRA_CA_CERTS ?? null, moved: process.env.CLEW_MOVED_NODE_EXTRA_CA_CERTS ?? null }), { flag: 'wx' }); } catch {}`);

/** The test's own environment without NODE_EXTRA_CA_CERTS (this machine may set it), plus `env`. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; out: string; err: string } {
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.NODE_EXTRA_CA_CERTS;
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...base, ...env }, cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function seen(args: string[]): { extra: string | null; moved: string | null } {
  const out = path.join(dir, `seen-${Math.random()}.json`);
  const r = run(LAUNCHER, args, { NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt', NODE_OPTIONS: `--require ${JSON.stringify(probe)}`, CLEW_PROBE_OUT: out });
  assert.ok(fs.existsSync(out), r.err);
  return JSON.parse(fs.readFileSync(out, 'utf8')) as { extra: string | null; moved: string | null };
}

test('through an npm-style chain of symlinks, clew prints what node dist/cli.js prints, exit code included', { skip: !posix }, () => {
  const m = materialise('seq-mismatch', 'relocated');
  try {
    const binDir = path.join(dir, 'node_modules', '.bin');
    fs.mkdirSync(binDir, { recursive: true });
    fs.symlinkSync(path.relative(binDir, LAUNCHER), path.join(binDir, 'clew'));
    const outer = path.join(dir, 'clew');
    fs.symlinkSync(path.join(binDir, 'clew'), outer);
    for (const args of [['--db', m.dbPath, 'status', '--json'], ['--db', m.dbPath, 'status'], ['--db', m.dbPath, '--json', 'list'], ['--version']]) {
      const direct = run(process.execPath, [CLI, ...args]);
      for (const via of [LAUNCHER, outer]) assert.deepEqual(run(via, args), direct, `${via} ${args.join(' ')}`);
    }
    assert.equal(run(outer, ['--db', m.dbPath, 'status']).code, 12, 'a mismatch still exits 12 through the launcher');
  } finally {
    m.cleanup();
  }
});

test('NODE_EXTRA_CA_CERTS is moved aside for status only, whatever the global options before it', { skip: !posix }, () => {
  const m = materialise('seq-clean', 'relocated');
  try {
    for (const args of [['status'], ['--db', m.dbPath, 'status', '--json'], [`--db=${m.dbPath}`, '--json', '--map', '/a=/b', 'status']]) {
      assert.deepEqual(seen(args), { extra: null, moved: '/etc/ssl/certs/ca-certificates.crt' }, args.join(' '));
    }
    for (const args of [['--db', m.dbPath, 'list'], ['--db', 'status', 'list'], ['stamps', 'list'], ['--version']]) {
      assert.deepEqual(seen(args), { extra: '/etc/ssl/certs/ca-certificates.crt', moved: null }, args.join(' '));
    }
  } finally {
    m.cleanup();
  }
});

test('dist/cli.js gives the moved variable back to what it starts', () => {
  const r = run(process.execPath, [CLI, 'record', '--', process.execPath, '-e', 'process.stdout.write(JSON.stringify([process.env.NODE_EXTRA_CA_CERTS ?? null, process.env.CLEW_MOVED_NODE_EXTRA_CA_CERTS ?? null]))'], {
    CLEW_MOVED_NODE_EXTRA_CA_CERTS: '/some/ca.pem',
  });
  // Either recorded or refused for want of a store, the child's own output comes first.
  assert.match(r.out, /\["\/some\/ca\.pem",null\]/, `${r.out}\n${r.err}`);
});
