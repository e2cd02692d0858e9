/**
 * The MCP servers the extension offers agents: one per folder with a store, the bundled CLI
 * started with that folder's store; the provider id and the setting are what package.json
 * contributes; and a server so defined really starts and answers (run here as VS Code would).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { MCP_PROVIDER_ID, mcpServerSpecs } from '../../src/extension/mcpDefinitions';
import { materialise } from '../conformance/fixtures';
import { REPO_ROOT } from '../support/repo';

interface Manifest {
  contributes: { mcpServerDefinitionProviders: { id: string; label: string }[]; configuration: { properties: Record<string, { type: string; default: unknown; markdownDescription?: string }> } };
}

test('package.json contributes the provider id the extension registers, and clew.mcp.enabled (default on)', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
  assert.deepEqual(manifest.contributes.mcpServerDefinitionProviders, [{ id: MCP_PROVIDER_ID, label: 'Clew' }]);
  const setting = manifest.contributes.configuration.properties['clew.mcp.enabled'];
  assert.equal(setting.type, 'boolean');
  assert.equal(setting.default, true);
  assert.match(setting.markdownDescription ?? '', /MCP/);
});

test('one server per folder with a store, started from the bundled CLI with that store', () => {
  const folders = [
    { folder: '/w/analysis', dbPath: '/w/analysis/.scitex/clew/runtime/clew.db', hasStore: true },
    { folder: '/w/notes', dbPath: '/w/notes/.scitex/clew/runtime/clew.db', hasStore: false },
    { folder: '/w/paper', dbPath: '/elsewhere/clew.db', hasStore: true },
  ];
  const specs = mcpServerSpecs(folders, '/ext', '/usr/bin/node');
  assert.deepEqual(
    specs.map((s) => [s.label, s.command, s.args, s.cwd]),
    [
      ['Clew (analysis)', '/usr/bin/node', ['/ext/dist/cli.js', '--db', '/w/analysis/.scitex/clew/runtime/clew.db', 'mcp', 'start'], '/w/analysis'],
      ['Clew (paper)', '/usr/bin/node', ['/ext/dist/cli.js', '--db', '/elsewhere/clew.db', 'mcp', 'start'], '/w/paper'],
    ],
  );
  assert.equal(specs[0].env.ELECTRON_RUN_AS_NODE, '1');
  assert.deepEqual(mcpServerSpecs([folders[0]], '/ext', 'node')[0].label, 'Clew');
  assert.deepEqual(mcpServerSpecs([folders[1]], '/ext', 'node'), []);
});

test('the offered definition starts a server that answers from the folder’s store', async () => {
  const m = materialise('seq-mismatch', 'relocated');
  try {
    const [spec] = mcpServerSpecs([{ folder: m.root, dbPath: m.dbPath, hasStore: true }], REPO_ROOT, process.execPath);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    const transport = new StdioClientTransport({ command: spec.command, args: spec.args, cwd: spec.cwd, env: { ...env, ...spec.env, SCITEX_CLEW_DB_PATH: '' }, stderr: 'ignore' });
    const client = new Client({ name: 'editor', version: '1' });
    await client.connect(transport);
    try {
      const result = await client.callTool({ name: 'clew_stats', arguments: {} });
      assert.equal((result.structuredContent as { db_path: string }).db_path, m.dbPath);
    } finally {
      await client.close();
    }
  } finally {
    m.cleanup();
  }
});
