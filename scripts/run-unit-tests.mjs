// Runs every unit test bundle under out/test with node's own test runner.
// Node's runner prints the closing "# pass N / # fail N" lines CI reads.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
function list(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? list(full) : full.endsWith('.test.js') ? [full] : [];
  });
}
const filter = process.argv.slice(2);
const files = list(join(root, 'out/test')).filter((f) => filter.length === 0 || filter.some((p) => f.includes(p)));
if (files.length === 0) {
  console.error('no unit tests found under out/test (did the build run?)');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=300000', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
