// Runs the rerun suite again as an ordinary user (useradd'ed here when missing), because the
// sandbox takes another path without root (an unprivileged user namespace) and shared temp folders
// behave differently. Needs root to create the user; under CI=true anything that stops it fails.
// The built tree is copied (hard links where possible) to a folder the user can read, so a
// checkout under /root works too. Prints node's own `ℹ pass N / ℹ fail N` lines for test-all.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, chmodSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const user = 'clew-test-user';
const strict = process.env.CI === 'true';

function stop(reason) {
  console.log(`unit-as-user: ${reason}`);
  if (strict) {
    console.log('ℹ pass 0\nℹ fail 1');
    process.exit(1);
  }
  console.log('ℹ pass 0\nℹ fail 0');
  process.exit(0);
}

if (process.getuid?.() !== 0) stop('skipped: not root, so no test user can be created (CI runs as root)');
if (spawnSync('id', ['-u', user]).status !== 0) {
  const made = spawnSync('useradd', ['-m', '-s', '/bin/sh', user], { encoding: 'utf8' });
  if (made.status !== 0) stop(`useradd failed: ${made.stderr || made.error?.message}`);
}

const copy = mkdtempSync('/tmp/clew-as-user-');
chmodSync(copy, 0o755);
for (const part of ['package.json', 'dist', 'out', 'node_modules', 'test/fixtures', 'test/support', 'src/engine/store/clew_writer.py']) {
  const from = join(root, part);
  if (!existsSync(from)) continue;
  cpSync(from, join(copy, part), { recursive: true, verbatimSymlinks: true });
}
function openUp(p) {
  const st = statSync(p, { throwIfNoEntry: false });
  if (!st) return;
  chmodSync(p, st.isDirectory() ? 0o755 : (st.mode & 0o111 ? 0o755 : 0o644));
  if (st.isDirectory()) for (const name of readdirSync(p)) openUp(join(p, name));
}
openUp(join(copy, 'out'));
openUp(join(copy, 'dist'));
openUp(join(copy, 'test'));

const testDir = join(copy, 'out/test/engine/rerun');
const files = readdirSync(testDir).filter((f) => f.endsWith('.test.js') && !f.startsWith('slurm')).map((f) => join(testDir, f));
const home = `/home/${user}`;
const env = ['HOME=' + home, 'USER=' + user, 'PATH=' + (process.env.PATH ?? '/usr/bin:/bin'), 'CI=' + (process.env.CI ?? '')];
const r = spawnSync('runuser', ['-u', user, '--', 'env', '-i', ...env, process.execPath, '--test', '--test-concurrency=2', '--test-timeout=300000', '--test-reporter=spec', ...files], { cwd: copy, stdio: 'inherit' });
rmSync(copy, { recursive: true, force: true });
process.exit(r.status ?? 1);
