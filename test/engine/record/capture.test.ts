/**
 * Automatic capture: the LD_PRELOAD interposer must see exactly the files strace sees (the
 * reference) for a child process, C code calling open/fopen directly, a rename into place and a
 * file opened read+write; the fallback to strace is chosen with a reason (CLEW_CAPTURE=strace, a
 * statically linked program). Each case records the same step twice through the real CLI.
 */
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { straceAvailable } from '../../../src/engine/record/capture';
import { isStaticElf, parsePreloadLog } from '../../../src/engine/record/preload';
import { clew, newProject, tempBase, write } from '../../support/recordedProject';

const base = tempBase('clew-capture-');
after(() => fs.rmSync(base, { recursive: true, force: true }));

const hasCc = spawnSync('cc', ['--version'], { stdio: 'ignore' }).status === 0;
// CI must have a compiler: the interposer is the capture users get, so it must be tested there.
const noCc = process.env.CI === 'true' ? false : !hasCc && 'no C compiler (cc) here';
const noStrace = !straceAvailable() && 'strace cannot trace here';

interface Recorded {
  inputs: string[];
  outputs: string[];
  capture: string;
  captureReason?: string;
}

function record(root: string, cmd: string[], env: NodeJS.ProcessEnv = {}): Recorded {
  const r = clew(root, ['record', '--json', '--', ...cmd], env);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Recorded;
}

/** Records `cmd` with the interposer and with strace; both must capture the same sets. */
function sameAsStrace(root: string, cmd: string[]): Recorded {
  const fast = record(root, cmd);
  assert.equal(fast.capture, 'preload', fast.captureReason);
  const traced = record(root, cmd, { CLEW_CAPTURE: 'strace' });
  assert.equal(traced.capture, 'strace');
  assert.deepEqual([[...fast.inputs].sort(), [...fast.outputs].sort()], [[...traced.inputs].sort(), [...traced.outputs].sort()]);
  return fast;
}

function compile(root: string, name: string, source: string, extra: string[] = []): string {
  write(root, `${name}.c`, source);
  const r = spawnSync('cc', ['-O0', '-o', path.join(root, name), path.join(root, `${name}.c`), ...extra], { encoding: 'utf8' });
  assert.equal(r.status, 0, `cc failed: ${r.stderr ?? r.error?.message}`);
  return path.join(root, name);
}

describe('automatic capture: the interposer sees what strace sees', { skip: noCc || noStrace }, () => {
  test('a child process: `sort in.txt > out.txt` run from a Python step', () => {
    const root = newProject(base, 'child');
    write(root, 'in.txt', 'b\na\n');
    write(root, 'step.py', 'import subprocess\nsubprocess.run("sort in.txt > out.txt", shell=True, check=True)\n');
    const r = sameAsStrace(root, ['python3', 'step.py']);
    assert.deepEqual(r.inputs, [path.join(root, 'in.txt')]);
    assert.deepEqual(r.outputs, [path.join(root, 'out.txt')]);
  });

  test('C code calling open and fopen directly (also through openat with a directory descriptor)', () => {
    const root = newProject(base, 'c-code');
    write(root, 'a.txt', 'a');
    write(root, 'sub/b.txt', 'b');
    const program = compile(
      root,
      'prog',
      `#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int main(void) {
  char buf[16];
  int fd = open("a.txt", O_RDONLY); read(fd, buf, 1); close(fd);
  int dir = open("sub", O_RDONLY | O_DIRECTORY);
  int b = openat(dir, "b.txt", O_RDONLY); read(b, buf, 1); close(b);
  FILE *out = fopen("c.txt", "w"); fputs("c", out); fclose(out);
  int w = open("d.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644); write(w, "d", 1); close(w);
  return 0;
}
`,
    );
    const r = sameAsStrace(root, [program]);
    assert.deepEqual([...r.inputs].sort(), [path.join(root, 'a.txt'), path.join(root, 'sub/b.txt')]);
    assert.deepEqual([...r.outputs].sort(), [path.join(root, 'c.txt'), path.join(root, 'd.txt')]);
  });

  test('rename into place: the output is recorded, the temporary file is not', () => {
    const root = newProject(base, 'rename');
    write(root, 'step.py', 'import os\nwith open("result.tmp", "w") as f:\n    f.write("x")\nos.replace("result.tmp", "result.csv")\nos.rename(os.path.abspath("result.csv"), "final.csv")\n');
    const r = sameAsStrace(root, ['python3', 'step.py']);
    assert.deepEqual(r.outputs, [path.join(root, 'final.csv')]);
    assert.deepEqual(r.inputs, []);
  });

  test('a file opened read+write is an output, not an input', () => {
    const root = newProject(base, 'rdwr');
    write(root, 'counter.txt', '1');
    write(root, 'plain.txt', 'p');
    write(root, 'step.py', 'open("plain.txt").read()\nwith open("counter.txt", "r+") as f:\n    n = int(f.read()); f.seek(0); f.write(str(n + 1))\n');
    const r = sameAsStrace(root, ['python3', 'step.py']);
    assert.deepEqual(r.inputs, [path.join(root, 'plain.txt')]);
    assert.deepEqual(r.outputs, [path.join(root, 'counter.txt')]);
  });
});

describe('capture fallback', () => {
  test('CLEW_CAPTURE=strace chooses strace and says so', { skip: noStrace }, () => {
    const root = newProject(base, 'override');
    write(root, 'step.sh', 'cat in.txt > out.txt\n');
    write(root, 'in.txt', 'x');
    const r = record(root, ['sh', 'step.sh'], { CLEW_CAPTURE: 'strace' });
    assert.equal(r.capture, 'strace');
    assert.equal(r.captureReason, 'CLEW_CAPTURE=strace');
    assert.deepEqual(r.outputs, [path.join(root, 'out.txt')]);
  });

  test('a statically linked program falls back to strace with the reason', { skip: noCc || noStrace }, () => {
    const root = newProject(base, 'static');
    write(root, 'in.txt', 'x');
    const src = `#include <stdio.h>
int main(void) { char b[4]; FILE *i = fopen("in.txt", "r"); fread(b, 1, 1, i); fclose(i); FILE *o = fopen("out.txt", "w"); fputs("y", o); fclose(o); return 0; }
`;
    write(root, 'static.c', src);
    const built = spawnSync('cc', ['-static', '-o', path.join(root, 'static'), path.join(root, 'static.c')], { encoding: 'utf8' });
    if (built.status !== 0) {
      // Static libc is an optional package; without it there is no static program to test with.
      assert.notEqual(process.env.CI, 'true', `cc -static failed in CI: ${built.stderr}`);
      return;
    }
    const r = clew(root, ['record', '--json', '--', './static']);
    assert.equal(r.status, 0, r.stderr);
    const parsed = JSON.parse(r.stdout) as Recorded;
    assert.equal(parsed.capture, 'strace');
    assert.match(parsed.captureReason ?? '', /statically linked/);
    assert.match(r.stderr, /capturing with strace: .*statically linked/);
    assert.deepEqual([parsed.inputs, parsed.outputs], [[path.join(root, 'in.txt')], [path.join(root, 'out.txt')]]);
  });

  test('no compiler: strace is chosen with the reason', { skip: noStrace }, () => {
    const root = newProject(base, 'no-cc');
    write(root, 'in.txt', 'x');
    const r = record(root, ['sh', '-c', 'cat in.txt > out.txt'], { CC: '/nonexistent/cc', CLEW_CACHE_DIR: path.join(root, 'empty-cache') });
    assert.equal(r.capture, 'strace');
    assert.match(r.captureReason ?? '', /no C compiler/);
  });
});

describe('preload log and ELF parsing', () => {
  test('records: read, write, read+write, rename target; first access decides an input', () => {
    const log = Buffer.from('r/p/a\0r/p/b\0w/p/b\0u/p/c\0n/p/d\0r/p/./a\0', 'utf8');
    assert.deepEqual(parsePreloadLog(log), { inputs: ['/p/a'], outputs: ['/p/b', '/p/c', '/p/d'], executed: [] });
  });

  test('a truncated last record is ignored', () => {
    assert.deepEqual(parsePreloadLog(Buffer.from('r/p/a\0r/p/b', 'utf8')).inputs, ['/p/a']);
  });

  test('static and dynamic executables are told apart', () => {
    const head = (file: string) => fs.readFileSync(file).subarray(0, 4096);
    assert.equal(isStaticElf(head(process.execPath)), false);
    assert.equal(isStaticElf(Buffer.from('#!/bin/sh\n')), false);
  });
});
