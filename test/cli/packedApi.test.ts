/**
 * The Node API is a real package entry: `npm pack` of this repository, unpacked as
 * node_modules/clew in another folder, answers `require('clew')` with the engine (dist/api.js and
 * its assets from the tarball alone) and verifies a store recorded by the Python reference.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { materialise } from '../conformance/fixtures';
import { REPO_ROOT } from '../support/repo';

const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clew-packed-')));
after(() => fs.rmSync(work, { recursive: true, force: true }));

test('require("clew") from the packed tarball opens a store and verifies it', () => {
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: REPO_ROOT, encoding: 'utf8' })) as { filename: string; files: { path: string }[] }[];
  const names = packed[0].files.map((f) => f.path);
  assert.ok(names.includes('dist/api.js') && names.includes('dist/sql-wasm.wasm') && names.includes('dist/clew_writer.py'), names.join(', '));
  assert.ok(!names.some((n) => n.startsWith('src/') || n.startsWith('test/')), 'only what the API and CLI need');
  const consumer = path.join(work, 'consumer');
  const target = path.join(consumer, 'node_modules', 'clew');
  fs.mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(work, packed[0].filename), '-C', target, '--strip-components=1']);
  const m = materialise('seq-mismatch', 'relocated');
  after(() => m.cleanup());
  const script = `
    const clew = require('clew');
    (async () => {
      const store = await clew.openStore(process.argv[1], { readOnly: true });
      const hasher = clew.createFileHasher({ useCache: false });
      const { status } = await clew.verifyStatus({ view: await store.snapshot(), hasher, cwd: process.argv[2] });
      await hasher.dispose();
      await store.close();
      console.log(JSON.stringify({ verified: status.verified_count, mismatch: status.mismatch_count, api: ['rerun', 'rerunDag', 'stamp', 'checkStamp'].every((n) => typeof clew[n] === 'function') }));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const out = execFileSync(process.execPath, ['-e', script, m.dbPath, m.root], { cwd: consumer, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } });
  const answer = JSON.parse(out) as { verified: number; mismatch: number; api: boolean };
  const expected = (m.api.status as { value: { verified_count: number; mismatch_count: number } }).value;
  assert.deepEqual(answer, { verified: expected.verified_count, mismatch: expected.mismatch_count, api: true });
  // The `clew` command as npm installs it: the packed launcher, linked from node_modules/.bin.
  assert.ok(names.includes('bin/clew'), 'package.json "bin" is packed');
  if (process.platform !== 'win32') {
    const binDir = path.join(consumer, 'node_modules', '.bin');
    fs.mkdirSync(binDir, { recursive: true });
    fs.symlinkSync('../clew/bin/clew', path.join(binDir, 'clew'));
    const viaBin = spawnSync(path.join(binDir, 'clew'), ['--db', m.dbPath, 'status', '--json'], { cwd: consumer, encoding: 'utf8' });
    const direct = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), '--db', m.dbPath, 'status', '--json'], { encoding: 'utf8' });
    assert.equal(viaBin.status, direct.status, viaBin.stderr);
    assert.equal(viaBin.stdout, direct.stdout);
  }
});
