// Runs every benchmark bundle under out/bench (built by `npm run build`) one after the other.
// Each prints ratios against a baseline measured in the same run. CLEW_BENCH_SCALE scales data.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, 'out', 'bench');
if (!existsSync(dir)) {
  console.error('no benchmarks under out/bench: run `npm run build` first');
  process.exit(1);
}
const only = process.argv.slice(2);
let failed = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.js') && f !== 'common.js' && (only.length === 0 || only.some((o) => f.includes(o))))) {
  console.log(`\n=== bench ${file} ===`);
  const r = spawnSync(process.execPath, [join(dir, file)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
