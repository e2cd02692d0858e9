/**
 * Upstream's groupers (spec §7.4): which files each one groups, the labels and the order the
 * mermaid text draws them in, the spec forms they are read from, and the clear errors for specs
 * Clew cannot draw (custom Python callables, unknown options, bad regexes).
 */
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyGrouper, isGroup, pythonRegex, type Grouped } from '../../../src/engine/mermaid/groupers';
import { grouperFromOption, grouperFromSpec } from '../../../src/engine/mermaid/grouperSpec';
import { renderDiagram } from '../../../src/engine/mermaid/provenanceDiagram';
import type { Grouper } from '../../../src/engine/mermaid/types';
import type { FileVerification, RunVerification } from '../../../src/engine/verify/types';

interface Entry {
  path: string;
}

const entries = (...paths: string[]): Entry[] => paths.map((path) => ({ path }));

/** Each item as text: a path, or `[label: member, member]`. */
function shape(items: Grouped<Entry>[]): string[] {
  return items.map((i) => (isGroup(i) ? `[${i.label}: ${i.members.map((m) => m.path).join(', ')}]` : i.path));
}

function grouper(spec: unknown): Grouper {
  const g = grouperFromSpec(spec);
  if (typeof g === 'string') throw new Error(g);
  return g;
}

test('pattern: files whose names agree once the regex is replaced, singles first', () => {
  // The whole match is replaced (upstream's docstring says P{X}_effect.png; its code gives {X}_…).
  const files = entries('/r/P02_effect.png', '/r/summary.csv', '/r/P01_effect.png', '/r/P10_effect.png', '/r/P03_alone.png');
  assert.deepEqual(shape(applyGrouper(grouper({ type: 'pattern', regex: 'P\\d+' }), 'output', files)), [
    '/r/summary.csv',
    '[{X}_effect.png (×3): /r/P01_effect.png, /r/P02_effect.png, /r/P10_effect.png]',
    '/r/P03_alone.png',
  ]);
  // Only the basename is compared; a custom placeholder with a group reference.
  const dated = entries('/a/2024-01-02_run.log', '/b/2024-03-04_run.log');
  const g = grouper({ type: 'pattern', regex: '(\\d{4})-\\d{2}-\\d{2}', placeholder: '\\g<1>-MM-DD' });
  assert.deepEqual(shape(applyGrouper(g, 'input', dated)), ['[2024-MM-DD_run.log (×2): /a/2024-01-02_run.log, /b/2024-03-04_run.log]']);
});

test('directory: min_size files of one folder become one node labelled with depth trailing folders', () => {
  const files = entries('/p/data/raw/a.csv', '/p/data/raw/b.csv', '/p/other.txt', '/p/data/raw/c.csv');
  assert.deepEqual(shape(applyGrouper(grouper({ type: 'directory', min_size: 3 }), 'input', files)), [
    '[raw/ (×3): /p/data/raw/a.csv, /p/data/raw/b.csv, /p/data/raw/c.csv]',
    '/p/other.txt',
  ]);
  assert.equal(shape(applyGrouper(grouper({ type: 'directory', min_size: 3, depth: 2 }), 'input', files))[0].split(':')[0], '[data/raw/ (×3)');
  // Default min_size 10: nothing is grouped, but files come out folder by folder, as upstream's.
  assert.deepEqual(shape(applyGrouper(grouper('directory'), 'input', files)), ['/p/data/raw/a.csv', '/p/data/raw/b.csv', '/p/data/raw/c.csv', '/p/other.txt']);
});

test('session_bundle, identity and drop_all_files', () => {
  const files = entries('/x/b', '/x/a', '/x/c', '/x/d');
  assert.deepEqual(shape(applyGrouper(grouper('session_bundle'), 'output', files)), ['[output bundle (×4): /x/a, /x/b, /x/c, /x/d]']);
  assert.deepEqual(shape(applyGrouper(grouper({ type: 'session_bundle', max_files: 4 }), 'output', files)), ['/x/b', '/x/a', '/x/c', '/x/d']);
  assert.deepEqual(shape(applyGrouper(grouper('identity'), 'output', files)), ['/x/b', '/x/a', '/x/c', '/x/d']);
  assert.deepEqual(applyGrouper(grouper('drop_all_files'), 'output', files), []);
});

test('auto: patterns, then folders of 10, then a bundle of what is still single; compose keeps groups first', () => {
  const folds = Array.from({ length: 5 }, (_, i) => `/p/cv/fold_${i}.npy`);
  const shards = Array.from({ length: 12 }, (_, i) => `/p/shards/part${String.fromCharCode(97 + i)}.bin`);
  const rest = ['/p/notes.txt', '/p/params.yaml', '/p/model.pkl', '/p/log.txt'];
  const items = applyGrouper(grouper('auto'), 'input', entries(...rest, ...folds, ...shards));
  assert.deepEqual(
    items.map((i) => (isGroup(i) ? i.label : i.path)),
    ['{X}.npy (×5)', 'shards/ (×12)', 'input bundle (×4)'],
  );
  const composed = grouper({ type: 'compose', steps: [{ type: 'session_bundle', max_files: 1 }, { type: 'pattern', regex: 'fold_\\d+' }] });
  assert.deepEqual(shape(applyGrouper(composed, 'output', entries('/z/fold_1', '/z/fold_2'))), ['[output bundle (×2): /z/fold_1, /z/fold_2]']);
  const later = grouper({ type: 'compose', steps: [{ type: 'pattern', regex: 'fold_\\d+' }, 'session_bundle'] });
  assert.deepEqual(shape(applyGrouper(later, 'output', entries('/z/a', '/z/fold_1', '/z/fold_2'))), ['[{X} (×2): /z/fold_1, /z/fold_2]', '/z/a']);
});

test('Python regex syntax: named groups, backreferences, \\A and a leading flag group', () => {
  assert.equal('ab-ab'.replace(pythonRegex('(?P<w>ab)-(?P=w)'), 'X'), 'X');
  assert.equal('Fold_3'.replace(pythonRegex('(?i)\\Afold_\\d\\Z'), 'X'), 'X');
});

test('specs Clew cannot draw are refused with a sentence naming what is wrong', () => {
  const problems: [unknown, RegExp][] = [
    [{ type: 'custom', import: 'lab.groupers:mine' }, /custom grouper imports a Python function \(lab\.groupers:mine\), which Clew cannot run; use pattern/],
    ['pattern', /pattern grouper needs a 'regex'/],
    [{ type: 'pattern', regex: '(unclosed' }, /'\(unclosed' is not a valid regular expression/],
    [{ type: 'directory', min_size: 'ten' }, /min_size must be a whole number, got "ten"/],
    [{ type: 'directory', size: 3 }, /unknown option 'size' for the directory grouper \(its options: min_size, depth\)/],
    [{ type: 'identity', max_files: 2 }, /takes no options/],
    [{ type: 'session_bundle', max_files: -1 }, /0 or more/],
    [{ type: 'galaxy' }, /unknown grouper type "galaxy"/],
    [{ max_files: 2 }, /needs a 'type'/],
    [['auto'], /a name or a mapping/],
    [{ type: 'compose', steps: [{ type: 'directory' }, { type: 'custom', import: 'x' }] }, /custom grouper/],
    [{ type: 'auto', pattern_regexes: 'P\\d+' }, /must be a list/],
  ];
  for (const [spec, expected] of problems) {
    const result = grouperFromSpec(spec);
    assert.equal(typeof result, 'string', JSON.stringify(spec));
    assert.match(result as string, expected);
  }
});

test('the CLI option: names, short forms and JSON specs', () => {
  assert.deepEqual(grouperFromOption('session_bundle:5'), { type: 'session_bundle', maxFiles: 5 });
  assert.deepEqual(grouperFromOption('pattern:P\\d+:x'), { type: 'pattern', regex: 'P\\d+:x', placeholder: '{X}' });
  assert.deepEqual(grouperFromOption('directory:20:2'), { type: 'directory', minSize: 20, depth: 2 });
  assert.deepEqual(grouperFromOption('auto'), { type: 'auto', patternRegexes: ['P\\d+', '\\d{4}-\\d{2}-\\d{2}', 'fold_\\d+'], directoryMin: 10, bundleMax: 3 });
  assert.deepEqual(grouperFromOption('{"type":"compose","steps":[{"type":"directory","min_size":2}]}'), { type: 'compose', steps: [{ type: 'directory', minSize: 2, depth: 1 }] });
  assert.match(grouperFromOption('{"type":') as string, /not valid JSON/);
  assert.match(grouperFromOption('auto:3') as string, /only session_bundle:N, pattern:REGEX and directory/);
  assert.match(grouperFromOption('session_bundle:x') as string, /whole number/);
});

function verified(path: string, role: string, hash: string, status: FileVerification['status'] = 'verified'): FileVerification {
  return { path, role, expected_hash: hash, current_hash: status === 'verified' ? hash : null, status, frozen: false, is_verified: status === 'verified' };
}

test('groups are drawn as upstream draws them: trapezoid, root hash id, ⚠ on a failed member, escaped labels', () => {
  const h = (n: number) => n.toString(16).padStart(2, '0').repeat(32);
  const outputs = [verified('/p/out/P1_"<b>".png', 'output', h(1)), verified('/p/out/P2_"<b>".png', 'output', h(2), 'missing'), verified('/p/out/table.csv', 'output', h(3))];
  const run: RunVerification = {
    session_id: '2025Y-11M-01D-10h00m00s_AbCd', script_path: '/p/plot.py', status: 'missing', files: [verified('/p/plot.py', 'script', h(9)), ...outputs],
    combined_hash_expected: null, combined_hash_current: null, level: 'cache', provenance: 'tracked', exception_reason: null, is_verified: false, is_verified_from_scratch: false,
  };
  const diagram = renderDiagram({ mode: 'session', runs: [run], scratch: new Set() }, { grouper: grouper({ type: 'pattern', regex: 'P\\d' }), showHashes: true });
  const root = createHash('sha256').update(Buffer.concat([h(1), h(2)].sort().map((x) => Buffer.from(x, 'hex')))).digest('hex');
  const line = diagram.text.split('\n').find((l) => l.includes('group_'));
  assert.ok(line, diagram.text);
  assert.ok(line.startsWith(`    group_${root.slice(0, 12)}[/"⚠ 🗂️ {X}_`), line);
  assert.ok(line.endsWith(`(×2)<br/>root=${root.slice(0, 8)}..."\\]:::file_bad`), line);
  assert.doesNotMatch(line.slice(line.indexOf('"') + 1, line.lastIndexOf('"')).replace(/<br\/>/g, ''), /[<>"]/, 'file name markup is escaped');
  const group = diagram.nodes.find((n) => n.kind === 'group');
  assert.deepEqual(group?.members, ['/p/out/P1_"<b>".png', '/p/out/P2_"<b>".png']);
  assert.equal(group?.verdict, 'missing');
  assert.ok(diagram.text.includes(`script_0 --> group_${root.slice(0, 12)}`));
  assert.ok(diagram.nodes.some((n) => n.kind === 'file' && n.path === '/p/out/table.csv'), 'the single file stays a file node');
});
