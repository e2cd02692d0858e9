/**
 * The editor's model on a store that moved (issue #14), without VS Code: the folder's recorded
 * files are found under the folder and verified, the model says which map it read through, and
 * the setting clew.pathMappings reaches data kept outside the project.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClewModel } from '../../src/extension/model';
import { materialise } from '../conformance/fixtures';

test('a moved store: every recorded file verified under the folder, the map reported, the store unchanged', async () => {
  const m = materialise('seq-clean', 'moved');
  const outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clew-outside-')));
  const model = new ClewModel({ folder: m.root });
  try {
    const before = fs.readFileSync(m.dbPath);
    await model.refresh();
    assert.equal(model.lastError, undefined);
    assert.deepEqual(model.pathMap?.detected, { from: m.recordedRoot, to: m.root });
    assert.ok(model.files.size > 0);
    assert.deepEqual(model.counts(), { verified: model.files.size, mismatch: 0, missing: 0 });
    assert.ok(model.runs.every((r) => r.status === 'verified'), 'runs verified');
    assert.ok(fs.readFileSync(m.dbPath).equals(before), 'store file unchanged');

    // Data moved out of the project: missing until the setting maps it.
    fs.renameSync(path.join(m.root, '01_source_a_out'), path.join(outside, 'raw'));
    await model.refresh();
    assert.ok(model.runs.some((r) => r.status === 'missing'));
    await model.dispose();
    const mapped = new ClewModel({ folder: m.root, pathMappings: { [path.join(m.recordedRoot, '01_source_a_out')]: path.join(outside, 'raw') } });
    try {
      await mapped.refresh();
      assert.equal(mapped.lastError, undefined);
      assert.deepEqual(mapped.pathMap?.explicit, [{ from: path.join(m.recordedRoot, '01_source_a_out'), to: path.join(outside, 'raw') }]);
      assert.ok(mapped.runs.every((r) => r.status === 'verified'), mapped.runs.map((r) => r.status).join());
    } finally {
      await mapped.dispose();
    }
  } finally {
    await model.dispose();
    fs.rmSync(outside, { recursive: true, force: true });
    m.cleanup();
  }
});
