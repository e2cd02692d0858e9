/**
 * The sealed sandbox, as root and as an ordinary user: a rerun that writes a sibling folder of the
 * project, /var/tmp, /opt, /etc, another user's home and (through a symlink in the project) a folder
 * outside it changes none of them, names what it wrote in side_effects, and cannot reach a server
 * on 127.0.0.1 — until --network lets it out.
 */
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { RerunDagResult } from '../../../src/engine/rerun/types';
import { clew, CLI, newProject, write } from '../../support/recordedProject';
import { chownTree, runAs, userOrSkip, type TestUser } from '../../support/unprivileged';

// Not under /tmp: /tmp is private to a rerun, so the sibling and outside folders must be elsewhere.
const baseParent = fs.existsSync('/srv') && process.getuid?.() === 0 ? '/srv' : (process.env.HOME ?? '/tmp');
const base = fs.mkdtempSync(path.join(baseParent, 'clew-sealed-'));
fs.chmodSync(base, 0o755);
const stamp = `${process.pid}-${Date.now()}`;
const planted: string[] = [];
after(() => {
  fs.rmSync(base, { recursive: true, force: true });
  for (const p of planted) fs.rmSync(p, { recursive: true, force: true });
});

const STEP = `sort in.txt > out.txt
python3 - <<'PY'
import socket
try:
    port = int(open('port.txt').read())
    socket.create_connection(('127.0.0.1', port), timeout=3).close()
    result = 'reached'
except Exception:
    result = 'refused'
open('net.txt', 'w').write(result + '\\n')
PY
if [ -e go ]; then
  while read -r target; do mkdir -p "$(dirname "$target")" 2>/dev/null; (echo "written by the rerun" > "$target") 2>/dev/null || true; done < targets.txt
fi
exit 0
`;

interface Scenario {
  root: string;
  targets: string[];
  /** Paths the run can write for real as this user (so they must show up as side effects). */
  writable: string[];
}

function scenario(name: string, user: TestUser | undefined, otherHome: string): Scenario {
  // The user's own tree (as ~/projects would be), in a folder of root's.
  const tree = path.join(base, `${name}-tree`);
  fs.mkdirSync(tree);
  const root = newProject(tree, name);
  const sibling = path.join(tree, `${name}-sibling`);
  const outside = path.join(tree, `${name}-outside`);
  fs.mkdirSync(sibling);
  fs.mkdirSync(outside);
  fs.symlinkSync(outside, path.join(root, 'link'));
  write(root, 'in.txt', 'b\na\n');
  write(root, 'step.sh', STEP);
  const viaLink = path.join(outside, 'through-link.txt');
  const reachable = [path.join(sibling, 'f.txt'), `/var/tmp/clew-sealed-${name}-${stamp}`, viaLink];
  const rootOnly = [`/opt/clew-sealed-${name}-${stamp}/f`, `/etc/clew-sealed-${name}-${stamp}`, path.join(otherHome, `clew-sealed-${name}-${stamp}`)];
  const targets = [...reachable, ...rootOnly];
  planted.push(...targets, path.dirname(rootOnly[0]));
  // The script names the symlinked one through the project's link, as a script would.
  write(root, 'targets.txt', targets.map((t) => (t === viaLink ? path.join(root, 'link', 'through-link.txt') : t)).join('\n') + '\n');
  if (user) chownTree(tree, user);
  return { root, targets, writable: user ? reachable : targets };
}

function run(user: TestUser | undefined, cwd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  if (!user) return clew(cwd, args);
  const r = runAs(user, cwd, [process.execPath, CLI, ...args]);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function snapshot(paths: readonly string[]): Map<string, string | null> {
  return new Map(paths.map((p) => [p, fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : null]));
}

async function withServer<T>(fn: (port: number, connections: () => number) => T): Promise<T> {
  let count = 0;
  const server = net.createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const result = fn(port, () => count);
    // Let the loop accept what the kernel queued while spawnSync blocked it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    return result;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

async function check(name: string, user: TestUser | undefined, otherHome: string): Promise<void> {
  const s = scenario(name, user, otherHome);
  const recorded = run(user, s.root, ['record', '--session-id', `sealed-${name}`, '--input', 'in.txt', '--output', 'out.txt', '--output', 'net.txt', '--', 'sh', 'step.sh']);
  assert.equal(recorded.status, 0, recorded.stderr);
  assert.equal(fs.readFileSync(path.join(s.root, 'net.txt'), 'utf8'), 'refused\n', 'no server while recording');
  fs.writeFileSync(path.join(s.root, 'go'), '');
  if (user) fs.chownSync(path.join(s.root, 'go'), user.uid, user.gid);
  const before = snapshot(s.targets);

  const closed = await withServer((port, connections) => {
    fs.writeFileSync(path.join(s.root, 'port.txt'), String(port));
    const r = run(user, s.root, ['rerun-dag', '--json']);
    return { r, connections };
  });
  assert.equal(closed.r.status, 0, closed.r.stderr + closed.r.stdout);
  const dag = JSON.parse(closed.r.stdout) as RerunDagResult;
  const info = dag.runs[0].rerun;
  assert.equal(info.sandbox, user ? 'userns-overlay' : 'overlay', closed.r.stderr);
  assert.equal(info.network, false);
  assert.equal(dag.runs[0].status, 'verified', 'the connection was refused, as while recording');
  assert.equal(closed.connections(), 0, 'the server saw no connection');
  assert.deepEqual(snapshot(s.targets), before, 'every path outside the sandbox is as before');
  for (const p of s.writable) assert.ok(info.side_effects.includes(p), `side_effects names ${p}: ${info.side_effects.join(', ')}`);
  assert.ok(!info.side_effects.some((p) => p.endsWith('/out.txt') || p.endsWith('/net.txt')), 'recorded outputs are not side effects');
  const text = run(user, s.root, ['rerun-dag']);
  assert.match(text.stdout, new RegExp(`also wrote ${s.writable[1].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(discarded\\)`));

  const open = await withServer((port, connections) => {
    fs.writeFileSync(path.join(s.root, 'port.txt'), String(port));
    const r = run(user, s.root, ['rerun-dag', '--network', '--json']);
    return { r, connections };
  });
  const openDag = JSON.parse(open.r.stdout) as RerunDagResult;
  assert.equal(openDag.runs[0].rerun.network, true);
  assert.ok(open.connections() >= 1, 'with --network the server is reached');
  assert.equal(openDag.runs[0].status, 'mismatch', 'net.txt now says reached');
  assert.deepEqual(snapshot(s.targets), before, 'still nothing changed outside');
}

describe('the sealed sandbox', () => {
  const isRoot = process.getuid?.() === 0;
  test('as root: writes anywhere are discarded and listed, the network is off unless asked', { skip: isRoot ? false : 'not running as root' }, async () => {
    const user = userOrSkip();
    await check('root', undefined, 'skip' in user ? '/home' : user.home);
  });

  const user = isRoot ? userOrSkip() : { skip: 'not running as root (cannot create a user)' };
  test('as an ordinary user: the same on the user-namespace path', { skip: 'skip' in user ? user.skip : false }, async () => {
    if ('skip' in user) return;
    await check('user', user, '/root');
  });
});
