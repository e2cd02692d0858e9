/**
 * The path-map rules on their own (engine/store/pathMap.ts, detectMove.ts): whole-segment
 * prefixes, the longest explicit mapping wins, detection picks the recorded root that makes the
 * most paths exist and never maps paths away from where they exist (filesystems faked by a set);
 * and a real store read through a map, its file untouched.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectMove } from '../../../src/engine/store/detectMove';
import { openStore } from '../../../src/engine/store/open';
import { mapPath, parsePathMapping, type PathMapReport } from '../../../src/engine/store/pathMap';
import { coreSchemaOps } from '../../../src/engine/store/schema';

const fsOf = (paths: string[]) => {
  const all = new Set<string>();
  for (const p of paths) for (let d = p; d !== '/'; d = d.slice(0, d.lastIndexOf('/')) || '/') all.add(d);
  return (p: string) => all.has(p);
};

test('mapPath maps whole path segments, the longest OLD first', () => {
  const maps = [
    { from: '/scratch/u/proj', to: '/home/me/proj' },
    { from: '/scratch/u/proj/data', to: '/mnt/data' },
  ];
  assert.equal(mapPath('/scratch/u/proj/a.py', maps), '/home/me/proj/a.py');
  assert.equal(mapPath('/scratch/u/proj', maps), '/home/me/proj');
  assert.equal(mapPath('/scratch/u/proj/data/x.csv', maps), '/mnt/data/x.csv');
  assert.equal(mapPath('/scratch/u/project2/a.py', maps), undefined, 'a prefix of a segment is not a match');
});

test('parsePathMapping: OLD must be absolute, NEW may be relative to the base', () => {
  assert.deepEqual(parsePathMapping('/old/root/=data', '/home/me/proj', '--map'), { from: '/old/root', to: '/home/me/proj/data' });
  assert.throws(() => parsePathMapping('old=/new', '/', '--map'), /absolute/);
  assert.throws(() => parsePathMapping('/old', '/', '--map'), /OLD=NEW/);
});

test('detectMove finds the recorded root whose tails exist under the current root', () => {
  const recorded = ['/scratch/u/proj/a.py', '/scratch/u/proj/out/b.csv', '/scratch/u/proj/out/c.csv', '/elsewhere/ref.csv'];
  const exists = fsOf(['/home/me/proj/a.py', '/home/me/proj/out/b.csv', '/home/me/proj/out/c.csv', '/home/me/proj/b.csv']);
  assert.deepEqual(detectMove(recorded, '/home/me/proj', exists), { from: '/scratch/u/proj', to: '/home/me/proj' });
});

test('detectMove maps nothing when the recorded paths exist as recorded, or nothing exists here', () => {
  const recorded = ['/scratch/u/proj/a.py', '/scratch/u/proj/out/b.csv'];
  const both = fsOf([...recorded, '/home/me/proj/a.py', '/home/me/proj/out/b.csv']);
  assert.equal(detectMove(recorded, '/home/me/proj', both), undefined, 'the original still exists');
  assert.equal(detectMove(recorded, '/home/me/proj', fsOf(['/home/me/proj/other.py'])), undefined);
  assert.equal(detectMove(['/home/me/proj/gone.csv'], '/home/me/proj', fsOf([])), undefined, 'paths under the current root are never mapped');
});

test('detectMove on a partial move still maps the root (missing files stay missing)', () => {
  const recorded = ['/scratch/u/proj/a.py', '/scratch/u/proj/out/b.csv', '/scratch/u/proj/out/gone.csv'];
  const exists = fsOf(['/home/me/proj/a.py', '/home/me/proj/out/b.csv']);
  assert.deepEqual(detectMove(recorded, '/home/me/proj', exists), { from: '/scratch/u/proj', to: '/home/me/proj' });
});

test('a snapshot read through a map: paths and replay info mapped in memory, the store file untouched', async () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clew-pathmap-')));
  const dbPath = path.join(dir, 'clew.db');
  const writer = await openStore(dbPath, { create: true });
  try {
    const metadata = JSON.stringify({ clew: { argv: ['python3', '/scratch/u/proj/a.py', '--fast'], cwd: '/scratch/u/proj', executable: '/usr/bin/python3', env: {} } });
    await writer.write([
      ...coreSchemaOps(),
      { sql: "INSERT INTO runs (session_id, script_path, started_at, status, metadata) VALUES ('s1', '/scratch/u/proj/a.py', 'now', 'success', ?)", params: [metadata] },
      { sql: "INSERT INTO file_hashes (session_id, file_path, hash, role) VALUES ('s1', '/scratch/u/proj/out.csv', 'h', 'output'), ('s1', '/scratch/u/projects/x.csv', 'h', 'input')" },
    ]);
  } finally {
    await writer.close();
  }
  const before = fs.readFileSync(dbPath);
  const reports: (PathMapReport | undefined)[] = [];
  const store = await openStore(dbPath, { readOnly: true, pathMap: { explicit: [{ from: '/scratch/u/proj', to: '/home/me/proj' }] }, onPathMap: (r) => reports.push(r) });
  try {
    const view = await store.snapshot();
    assert.deepEqual(view.all('SELECT file_path FROM file_hashes ORDER BY file_path').map((r) => r.file_path), ['/home/me/proj/out.csv', '/scratch/u/projects/x.csv']);
    const run = view.get<{ script_path: string; metadata: string }>('SELECT script_path, metadata FROM runs');
    assert.equal(run?.script_path, '/home/me/proj/a.py');
    assert.deepEqual(JSON.parse(run?.metadata ?? '{}'), { clew: { argv: ['python3', '/home/me/proj/a.py', '--fast'], cwd: '/home/me/proj', executable: '/usr/bin/python3', env: {} } });
    assert.equal(reports.length, 1);
    assert.equal(reports[0]?.rewritten, 2);
    assert.equal(await store.snapshot(), view, 'an unchanged store is not read (nor mapped) again');
  } finally {
    await store.close();
  }
  assert.ok(fs.readFileSync(dbPath).equals(before), 'store file unchanged');
  fs.rmSync(dir, { recursive: true, force: true });
});
