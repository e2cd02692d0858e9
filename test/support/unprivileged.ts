/**
 * An ordinary user for the tests that behave differently without root (the rerun sandbox's
 * userns path, shared temp folders). Created with `useradd` when the tests run as root; under
 * CI=true a machine where that is impossible fails the test instead of skipping it.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const TEST_USER = 'clew-test-user';

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** The test user, made if need be; a string says why there is none. */
export function ensureTestUser(): TestUser | string {
  if (process.getuid?.() !== 0) return 'not running as root (cannot create a user)';
  const look = () => spawnSync('id', ['-u', TEST_USER], { encoding: 'utf8' });
  if (look().status !== 0) {
    const made = spawnSync('useradd', ['-m', '-s', '/bin/sh', TEST_USER], { encoding: 'utf8' });
    if (made.status !== 0 && look().status !== 0) return `useradd failed: ${(made.stderr || made.error?.message || '').trim()}`;
  }
  if (spawnSync('runuser', ['--help'], { encoding: 'utf8' }).error) return 'runuser (util-linux) is not installed';
  const uid = Number(spawnSync('id', ['-u', TEST_USER], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', TEST_USER], { encoding: 'utf8' }).stdout.trim());
  const home = path.join('/home', TEST_USER);
  fs.mkdirSync(home, { recursive: true });
  fs.chownSync(home, uid, gid);
  return { name: TEST_USER, uid, gid, home };
}

/** Skip reason for node:test, or a thrown failure under CI=true. */
export function userOrSkip(): TestUser | { skip: string } {
  const user = ensureTestUser();
  if (typeof user !== 'string') return user;
  if (process.env.CI === 'true') throw new Error(`CI=true: the unprivileged-user tests must run, but ${user}`);
  return { skip: user };
}

/** Runs argv as the user with a clean, user-owned environment (HOME, no root's caches). */
export function runAs(user: TestUser, cwd: string, argv: readonly string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const envArgs = Object.entries({ HOME: user.home, USER: user.name, PATH: process.env.PATH ?? '/usr/bin:/bin', SCITEX_CLEW_HOST: 'test-host', ...env }).map(([k, v]) => `${k}=${v ?? ''}`);
  return spawnSync('runuser', ['-u', user.name, '--', 'env', '-i', ...envArgs, ...argv], { cwd, encoding: 'utf8', timeout: 240_000 });
}

/** Gives a folder tree to the user (the project the user records and reruns). */
export function chownTree(dir: string, user: TestUser): void {
  fs.chownSync(dir, user.uid, user.gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, user);
    else fs.lchownSync(p, user.uid, user.gid);
  }
}
