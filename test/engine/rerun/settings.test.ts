/** Rerun settings from .scitex/clew/config.{yaml,yml,json}: found like upstream, checked, always a judge. */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findClewConfig } from '../../../src/engine/config/clewConfig';
import { ClewError } from '../../../src/engine/errors';
import { rerunSettings } from '../../../src/engine/rerun/settings';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-rerun-settings-'));
after(() => fs.rmSync(base, { recursive: true, force: true }));

/** A project folder with a config file (or none) and a subfolder to run from. */
function project(name: string, files: Record<string, string> = {}): string {
  const root = path.join(base, name);
  fs.mkdirSync(path.join(root, '.scitex', 'clew'), { recursive: true });
  fs.mkdirSync(path.join(root, 'analysis', 'deep'), { recursive: true });
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(root, '.scitex', 'clew', file), text);
  return root;
}

const YAML = `# project settings
grouper: session_bundle
rerun:
  python: /opt/env/bin/python3
  equivalence:
    - glob: "results/*.csv"
      tolerance: {abs: 1e-9}
    - path: logs/run.log
      name: timestamps
      ignore_lines: ['^# generated at ']
`;

const b = (text: string): Buffer => Buffer.from(text);

test('no config file: no python, and a judge that explains every mismatch and accepts none', () => {
  const root = project('none');
  const s = rerunSettings(root, path.join(root, 'analysis'));
  assert.equal(s.python, undefined);
  assert.equal(s.file, undefined);
  assert.equal(s.judge.equivalent('results/a.csv', b('x\n1\n'), b('x\n1.0000000001\n')), undefined);
  assert.deepEqual(s.judge.explain(path.join(root, 'a.csv'), b('x\n1\n'), b('x\n2\n')).cells, [{ row: 2, column: 'x', recorded: '1', rerun: '2', delta: 1 }]);
});

test('a YAML config: python, and rules that match by glob and by path and report their names', () => {
  const root = project('yaml', { 'config.yaml': YAML });
  const s = rerunSettings(root, path.join(root, 'analysis', 'deep'));
  assert.equal(s.file, path.join(root, '.scitex', 'clew', 'config.yaml'));
  assert.equal(s.python, '/opt/env/bin/python3');
  assert.deepEqual(s.judge.equivalent('results/a.csv', b('x\n1\n'), b('x\n1.0000000001\n')), { rule: 'results/*.csv: tolerance abs=1e-9', note: '1 number differs within tolerance abs=1e-9 (largest |Δ| 1e-10)' });
  assert.equal(s.judge.equivalent('results/a.csv', b('x\n1\n'), b('x\n1.1\n')), undefined);
  assert.equal(s.judge.equivalent('logs/run.log', b('# generated at 1\nok\n'), b('# generated at 2\nok\n'))?.rule, 'timestamps');
  assert.equal(s.judge.equivalent('logs/other.log', b('# generated at 1\nok\n'), b('# generated at 2\nok\n')), undefined);
});

test('.yml and .json are read the same way; config.yaml wins over the others in one folder', () => {
  const yml = project('yml', { 'config.yml': 'rerun:\n  equivalence:\n    - {glob: "**/*.txt", sort_lines: true, name: any-order}\n' });
  assert.equal(rerunSettings(yml, yml).judge.equivalent('a/b.txt', b('1\n2\n'), b('2\n1\n'))?.rule, 'any-order');
  const json = project('json', { 'config.json': JSON.stringify({ rerun: { python: 'python3.11', equivalence: [{ glob: '*.log', ignore_lines: ['^t='] }] } }) });
  const s = rerunSettings(json, json);
  assert.equal(s.python, 'python3.11');
  assert.equal(s.judge.equivalent('x.log', b('t=1\nok\n'), b('t=2\nok\n'))?.rule, '*.log: ignore_lines /^t=/');
  const both = project('both', { 'config.json': '{"rerun": {"python": "from-json"}}', 'config.yaml': 'rerun:\n  python: from-yaml\n' });
  assert.equal(rerunSettings(both, both).python, 'from-yaml');
  assert.equal(findClewConfig(path.join(both, 'analysis'))?.file, path.join(both, '.scitex', 'clew', 'config.yaml'));
});

test('the nearest config wins walking up; a cwd outside the project falls back to the project root', () => {
  const outer = project('outer', { 'config.yaml': 'rerun:\n  python: outer\n' });
  const inner = path.join(outer, 'analysis');
  fs.mkdirSync(path.join(inner, '.scitex', 'clew'), { recursive: true });
  fs.writeFileSync(path.join(inner, '.scitex', 'clew', 'config.json'), '{"rerun": {"python": "inner"}}');
  assert.equal(rerunSettings(outer, path.join(inner, 'deep')).python, 'inner');
  assert.equal(rerunSettings(outer, outer).python, 'outer');
  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-elsewhere-'));
  after(() => fs.rmSync(elsewhere, { recursive: true, force: true }));
  assert.equal(rerunSettings(outer, elsewhere).python, 'outer');
});

test('a config without a rerun section, or an empty one, still gives a judge', () => {
  for (const [name, text] of [['config.yaml', 'grouper: identity\n'], ['config.yaml', ''], ['config.json', '{}']]) {
    const root = project(`plain-${name}-${text.length}`, { [name]: text });
    const s = rerunSettings(root, root);
    assert.equal(s.file, path.join(root, '.scitex', 'clew', name));
    assert.equal(s.judge.explain('a.bin', Buffer.from([0, 1]), Buffer.from([0, 2])).kind, 'binary');
  }
});

/** The ClewError rerunSettings throws for a config, checked for code and message. */
function refused(files: Record<string, string>, message: RegExp): void {
  const root = project(`bad-${Math.random().toString(36).slice(2)}`, files);
  assert.throws(() => rerunSettings(root, root), (err: unknown) => {
    assert.ok(err instanceof ClewError, String(err));
    assert.equal(err.code, 'usage');
    assert.equal(err.exitCode, 2);
    assert.ok(err.message.startsWith(path.join(root, '.scitex', 'clew', Object.keys(files)[0])), err.message);
    assert.match(err.message, message);
    return true;
  });
}

test('malformed YAML or JSON is refused with the file and the line', () => {
  refused({ 'config.yaml': 'rerun:\n  python: x\n  equivalence: [\n' }, /config\.yaml line \d+: not valid YAML/);
  refused({ 'config.yaml': 'rerun:\n  python: a\n  python: b\n' }, /config\.yaml line 3: not valid YAML \(Map keys must be unique/);
  refused({ 'config.json': '{\n  "rerun": {\n    "python": "x",\n  }\n}' }, /config\.json line 4, column 3: not valid JSON/);
});

test('a wrong rerun section is refused with the file, the line and the key', () => {
  refused({ 'config.yaml': YAML.replace('{abs: 1e-9}', '{abs: "tiny"}') }, /config\.yaml line 7: rerun\.equivalence\[0\]\.tolerance\.abs must be a non-negative number, got "tiny"/);
  refused({ 'config.yaml': YAML.replace("'^# generated at '", "'^# generated (at '") }, /line 10: rerun\.equivalence\[1\]\.ignore_lines\[0\] is not a valid regular expression/);
  refused({ 'config.yaml': YAML.replace('      name: timestamps\n', '      name: timestamps\n      ignore_line: []\n') }, /line 10: rerun\.equivalence\[1\]\.ignore_line is not a rule key/);
  refused({ 'config.yaml': YAML.replace('  equivalence:', '  equivalance:') }, /line 5: rerun\.equivalance is not a rerun setting \(known: python, equivalence, network, executor, slurm\)/);
  refused({ 'config.yaml': 'rerun:\n  python: 3\n' }, /line 2: rerun\.python must be an interpreter path or name/);
  refused({ 'config.yaml': 'rerun: [python]\n' }, /line 1: rerun must be a mapping/);
  refused({ 'config.yaml': '- a\n- b\n' }, /line 1: the top level must be a mapping/);
  refused({ 'config.json': '{"rerun": {"equivalence": [{"glob": "a", "sort_lines": 1}]}}' }, /config\.json line 1: rerun\.equivalence\[0\]\.sort_lines must be true or false/);
});
