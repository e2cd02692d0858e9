/**
 * The command table (src/extension/commandTable.ts, which needs no running VS Code) is exactly
 * what package.json contributes: ids, titles and category, in order.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMAND_CATEGORY, commandTable, type CommandHandlers } from '../../src/extension/commandTable';
import { REPO_ROOT } from '../support/repo';

test('the command table is exactly what package.json contributes', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { commands: { command: string; title: string; category: string }[] } };
  const noop = new Proxy({}, { get: () => () => undefined }) as CommandHandlers;
  const table = commandTable(noop).map((c) => ({ command: c.id, title: c.title, category: COMMAND_CATEGORY }));
  assert.ok(table.length > 0);
  assert.deepEqual(table, manifest.contributes.commands.map((c) => ({ command: c.command, title: c.title, category: c.category })));
});
