/** docs/configuration.md lists every setting package.json contributes, with its default. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

interface Setting {
  default?: unknown;
  markdownDescription?: string;
  description?: string;
}

test('every contributed setting has a markdownDescription and a row in docs/configuration.md', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, Setting> } | { properties: Record<string, Setting> }[] } };
  const sections = Array.isArray(manifest.contributes.configuration) ? manifest.contributes.configuration : [manifest.contributes.configuration];
  const doc = fs.readFileSync(path.join(root, 'docs/configuration.md'), 'utf8');
  const settings = sections.flatMap((s) => Object.entries(s.properties));
  assert.ok(settings.length >= 10);
  for (const [key, setting] of settings) {
    assert.ok(setting.markdownDescription, `${key} has a markdownDescription`);
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${key}\` |`));
    assert.ok(row, `${key} is documented`);
    if ('default' in setting) assert.ok(row.includes(`\`${JSON.stringify(setting.default)}\``), `${key}'s default in the table`);
  }
});
