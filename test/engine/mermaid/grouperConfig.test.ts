/** The default grouper from the nearest .scitex/clew/config.{yaml,yml,json} (spec §7.1). */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findGrouperConfig } from '../../../src/engine/mermaid/grouperConfig';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-grouper-'));
after(() => fs.rmSync(base, { recursive: true, force: true }));

function project(name: string, file: string, text: string): string {
  const root = path.join(base, name);
  fs.mkdirSync(path.join(root, '.scitex', 'clew'), { recursive: true });
  fs.mkdirSync(path.join(root, 'deep', 'er'), { recursive: true });
  fs.writeFileSync(path.join(root, '.scitex', 'clew', file), text);
  return root;
}

test('the three YAML forms, JSON, and walking up from a subdirectory', () => {
  const cases: [string, string, unknown][] = [
    ['config.yaml', 'verify:\n  severity: warn\ngrouper: session_bundle  # bundles\n', { type: 'session_bundle', maxFiles: 3 }],
    ['config.yml', 'grouper: {type: session_bundle, max_files: 2}\n', { type: 'session_bundle', maxFiles: 2 }],
    ['config.yaml', 'grouper:\n  type: "session_bundle"\n  max_files: 1\nother: x\n', { type: 'session_bundle', maxFiles: 1 }],
    ['config.json', '{"grouper": {"type": "drop_all_files"}}', { type: 'drop_all_files' }],
    ['config.yaml', "grouper: 'identity'\n", { type: 'identity' }],
  ];
  cases.forEach(([file, text, expected], i) => {
    const root = project(`p${i}`, file, text);
    const found = findGrouperConfig(path.join(root, 'deep', 'er'));
    assert.equal(found?.file, path.join(root, '.scitex', 'clew', file));
    assert.deepEqual(found?.grouper, expected, `${file}: ${text}`);
  });
});

test('no grouper key, an unsupported grouper and a broken file are told apart', () => {
  assert.equal(findGrouperConfig(project('none', 'config.yaml', 'verify:\n  severity: warn\n'))?.grouper, undefined);
  assert.match(findGrouperConfig(project('custom', 'config.yaml', 'verify: {}\ngrouper: {type: custom, import: "lab:g"}\n'))?.problem ?? '', /^line 2: the custom grouper imports a Python function \(lab:g\)/);
  assert.match(findGrouperConfig(project('broken', 'config.json', '{not json'))?.problem ?? '', /config\.json line 1, column 2: not valid JSON/);
});

test('nested specs: compose steps as YAML lists, auto with its options', () => {
  const yaml = 'grouper:\n  type: compose\n  steps:\n    - {type: pattern, regex: "P\\\\d{2}"}\n    - type: directory\n      depth: 2\n      min_size: 10\n';
  assert.deepEqual(findGrouperConfig(project('compose', 'config.yaml', yaml))?.grouper, {
    type: 'compose',
    steps: [{ type: 'pattern', regex: 'P\\d{2}', placeholder: '{X}' }, { type: 'directory', minSize: 10, depth: 2 }],
  });
  assert.deepEqual(findGrouperConfig(project('auto', 'config.yaml', 'grouper: {type: auto, bundle_max: 5}\n'))?.grouper, {
    type: 'auto', patternRegexes: ['P\\d+', '\\d{4}-\\d{2}-\\d{2}', 'fold_\\d+'], directoryMin: 10, bundleMax: 5,
  });
});
