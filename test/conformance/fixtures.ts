/**
 * Materialises an upstream fixture scenario (test/fixtures/upstream/<name>) into a writable copy,
 * either at the root it was recorded under (/tmp/clew-fixture/<name>) or relocated to a fresh
 * temp dir with the fixture's own tools/relocate.py, or moved: copied to a fresh temp dir with its
 * store untouched (still naming the recorded root, which is held absent meanwhile), as a project
 * copied off a cluster would be. Fixture files are never touched in place.
 * Scenarios are discovered from the folder, so new (unseen) ones are covered automatically.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/repo';

export const FIXTURES_DIR = path.join(REPO_ROOT, 'test/fixtures/upstream');

export function listScenarios(): string[] {
  return fs
    .readdirSync(FIXTURES_DIR)
    .filter((name) => fs.existsSync(path.join(FIXTURES_DIR, name, 'answers', 'api.json')))
    .sort();
}

export interface Materialised {
  scenario: string;
  root: string;
  recordedRoot: string;
  dbPath: string;
  /** Upstream answers with the recorded root replaced by `root`. */
  api: Record<string, unknown>;
  cli: { argv: string[]; exit_code: number; stdout: string; stderr: string }[];
  cleanup(): void;
}

const STORE_CANDIDATES = ['.scitex/clew/runtime/clew.db', '.scitex/clew/runtime/db.sqlite', '.scitex/clew/db.sqlite'];

export function findStoreFile(root: string): string {
  for (const rel of STORE_CANDIDATES) {
    const p = path.join(root, rel);
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`no store under ${root}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A cross-process lock on `folder` (an atomic mkdir of `<folder>.lock` holding the owner's pid),
 * waited for up to 10 minutes; a lock whose owner died is taken over. Returns the release.
 */
function lockFolder(folder: string): () => void {
  const lock = `${folder}.lock`;
  const owner = path.join(lock, 'pid');
  fs.mkdirSync(path.dirname(folder), { recursive: true });
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(owner, String(process.pid));
      return () => fs.rmSync(lock, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number(fs.existsSync(owner) ? fs.readFileSync(owner, 'utf8') : NaN);
    if (pid === process.pid) throw new Error(`${folder} is still materialised by this test process: clean it up first`);
    if (Number.isInteger(pid) && !processAlive(pid)) fs.rmSync(lock, { recursive: true, force: true });
    if (Date.now() > deadline) throw new Error(`${folder} stayed locked by another test for 10 minutes`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
}

function replaceRoot(text: string, from: string, to: string): string {
  return from === to ? text : text.split(from).join(to);
}

export function materialise(scenario: string, mode: 'recorded' | 'relocated' | 'moved'): Materialised {
  const dir = path.join(FIXTURES_DIR, scenario);
  const recordedRoot = (JSON.parse(fs.readFileSync(path.join(dir, 'scenario.json'), 'utf8')) as { root: string }).root;
  let root: string;
  let tempParent: string | undefined;
  let unlock = (): void => undefined;
  if (mode === 'recorded') {
    root = recordedRoot;
    // The recorded root is one fixed folder: test files running in parallel take turns.
    unlock = lockFolder(root);
    fs.rmSync(root, { recursive: true, force: true });
  } else {
    // A moved copy is only "moved" while nothing exists at the recorded root: hold it absent.
    if (mode === 'moved') {
      unlock = lockFolder(recordedRoot);
      fs.rmSync(recordedRoot, { recursive: true, force: true });
    }
    tempParent = fs.mkdtempSync(path.join(os.tmpdir(), 'clew conformance é '));
    root = path.join(fs.realpathSync(tempParent), scenario);
  }
  fs.mkdirSync(path.dirname(root), { recursive: true });
  fs.cpSync(path.join(dir, 'workspace'), root, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', root]);
  const dbPath = findStoreFile(root);
  if (mode === 'relocated') {
    execFileSync('python3', [path.join(FIXTURES_DIR, 'tools', 'relocate.py'), recordedRoot, root, dbPath]);
  }
  const api = JSON.parse(replaceRoot(fs.readFileSync(path.join(dir, 'answers', 'api.json'), 'utf8'), recordedRoot, root)) as Record<string, unknown>;
  const cliPath = path.join(dir, 'answers', 'cli.json');
  const cli = fs.existsSync(cliPath) ? (JSON.parse(replaceRoot(fs.readFileSync(cliPath, 'utf8'), recordedRoot, root)) as Materialised['cli']) : [];
  return {
    scenario,
    root,
    recordedRoot,
    dbPath,
    api,
    cli,
    cleanup: () => {
      fs.rmSync(tempParent ?? root, { recursive: true, force: true });
      unlock();
    },
  };
}

export interface Answer {
  ok: boolean;
  value?: unknown;
  error?: string;
}

/**
 * answers/api.json entries are either {ok,value} or {key: {ok,value}}. An absent key fails: every
 * scenario carries every answer the tests compare, so a missing one is a broken fixture, not a pass.
 */
export function entries(api: Record<string, unknown>, key: string): [string, Answer][] {
  const node = api[key] as Record<string, unknown> | undefined;
  if (!node) throw new Error(`answers/api.json has no '${key}' answers`);
  if ('ok' in node) return [['', node as unknown as Answer]];
  return Object.entries(node as Record<string, Answer>);
}
