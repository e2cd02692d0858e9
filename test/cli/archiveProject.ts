/**
 * A real project for the archive-fallback tests: a store made by `clew record` with two runs —
 * s1 writes a folder "out dir" (odd names inside), s2 reads one of them and writes final/r.txt —
 * and helpers to archive that folder with the real tar and delete it.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI } from '../support/repo';

export const OUT = 'out dir';
/** Spaces, quotes, unicode: each must survive tar's listing and the member argument. */
export const ODD = `it's "q" é.csv`;
export const SUB = 'sub/b [1].csv';

export interface Project {
  root: string;
  clew(...args: string[]): { code: number | null; out: string; err: string };
  clewEnv(env: NodeJS.ProcessEnv, ...args: string[]): { code: number | null; out: string; err: string };
  /** tar's create flags for the archive kind, run in the project root: `<OUT><ext>` of `members`. */
  archive(ext: '.tar.gz' | '.tar.xz' | '.tar', members?: string[]): string;
  file(rel: string): string;
}

const WRITE_S1 = `const fs=require('fs');fs.mkdirSync(${JSON.stringify(`${OUT}/sub`)},{recursive:true});fs.writeFileSync(${JSON.stringify(`${OUT}/${ODD}`)},'a,b\\n1,2\\n');fs.writeFileSync(${JSON.stringify(`${OUT}/${SUB}`)},'b\\n')`;
const WRITE_S2 = `const fs=require('fs');fs.mkdirSync('final',{recursive:true});fs.writeFileSync('final/r.txt',fs.readFileSync(${JSON.stringify(`${OUT}/${SUB}`)},'utf8')+'!')`;

export function makeProject(cleanup: string[]): Project {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'clew archive ü '));
  cleanup.push(root);
  fs.writeFileSync(path.join(root, 'pyproject.toml'), '');
  const clewEnv = (env: NodeJS.ProcessEnv, ...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...env, SCITEX_CLEW_DB_PATH: '' } });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const clew = (...args: string[]) => clewEnv(process.env, ...args);
  const rec1 = clew('record', '--session-id', 's1', '--output', `${OUT}/${ODD}`, '--output', `${OUT}/${SUB}`, '--', process.execPath, '-e', WRITE_S1);
  assert.equal(rec1.code, 0, rec1.err);
  const rec2 = clew('record', '--session-id', 's2', '--input', `${OUT}/${SUB}`, '--output', 'final/r.txt', '--', process.execPath, '-e', WRITE_S2);
  assert.equal(rec2.code, 0, rec2.err);
  const flags = { '.tar.gz': 'czf', '.tar.xz': 'cJf', '.tar': 'cf' } as const;
  return {
    root,
    clew,
    clewEnv,
    archive(ext, members = [OUT]) {
      const archive = path.join(root, OUT + ext);
      execFileSync('tar', [flags[ext], archive, '--', ...members], { cwd: root });
      fs.rmSync(path.join(root, OUT), { recursive: true, force: true });
      return archive;
    },
    file: (rel) => path.join(root, rel),
  };
}

/** sha256sum of the bytes tar extracts for `member` (what the fallback must agree with). */
export function sha256sumOfMember(archive: string, member: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clew extract '));
  try {
    execFileSync('tar', ['xf', archive, '-C', dir, '--', member]);
    return execFileSync('sha256sum', ['--', path.join(dir, member)]).toString().split(' ')[0];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
