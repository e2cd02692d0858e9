/**
 * The path-map rules on their own (engine/store/pathMap.ts, detectMove.ts): whole-segment
 * prefixes, the longest explicit mapping wins, detection picks the recorded root that makes the
 * most paths exist and never maps paths away from where they exist. Filesystems are faked by a set.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { detectMove } from '../../../src/engine/store/detectMove';
import { mapPath, parsePathMapping } from '../../../src/engine/store/pathMap';

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
