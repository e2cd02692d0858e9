/**
 * What recording costs (issue 22): `clew record -- CMD` (automatic capture, nothing declared)
 * against the bare CMD, timed in alternating pairs in this run, on
 *   1. a file-heavy Python step: reads 2,000 small files three times, writes 500;
 *   2. a compute-bound Python step of about a second.
 * Both sides are spawned the same way (the real `clew`, bin/clew, pays its Node start). The
 * interpreter is the real python3 binary, not a version manager's shim (pyenv's costs ~0.4 s per
 * start and would hide the overhead in the baseline). The floor is printed too: a bare `node`
 * start, which no Node CLI can avoid. The captured input/output sets are checked against the
 * strace capture (CLEW_CAPTURE=strace) of the same step: a faster capture that sees other files
 * fails the bench. No timing assertions.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SCALE } from './common';

/** The `clew` users run (bin/clew: a POSIX sh wrapper around dist/cli.js with the node on PATH). */
const CLEW = path.resolve(__dirname, '../../bin/clew');
const PAIRS = 5;

const HEAVY = `import os
total = 0
for _ in range(3):
    for i in range(${Math.max(50, Math.round(2000 * SCALE))}):
        with open(f"data/f{i:04d}.txt") as f:
            total += len(f.read())
os.makedirs("out", exist_ok=True)
for i in range(${Math.max(10, Math.round(500 * SCALE))}):
    with open(f"out/o{i:03d}.txt", "w") as f:
        f.write(str(total + i))
`;

/** Calibrated below to about a second of arithmetic on this machine. */
const compute = (n: number) => `s = 0
for i in range(${n}):
    s = (s * 31 + i) % 1000003
open("c.txt", "w").write(str(s))
`;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function run(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { ms: number; stdout: string } {
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

/** Wall time of a command with exactly this environment (run() adds to this process's). */
function spawnTime(argv: string[], cwd: string, env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { cwd, env });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status})`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

interface Captured {
  inputs: string[];
  outputs: string[];
  capture: string;
}

function record(cwd: string, cmd: string[], env: NodeJS.ProcessEnv = {}): Captured & { ms: number } {
  const r = run([CLEW, 'record', '--json', '--', ...cmd], cwd, env);
  const parsed = JSON.parse(r.stdout) as Captured;
  return { ...parsed, ms: r.ms };
}

function sameSets(a: Captured, b: Captured, what: string): void {
  const key = (c: Captured) => JSON.stringify([[...c.inputs].sort(), [...c.outputs].sort()]);
  if (key(a) !== key(b)) {
    throw new Error(`${what}: ${a.capture} captured ${a.inputs.length} inputs / ${a.outputs.length} outputs, ${b.capture} ${b.inputs.length} / ${b.outputs.length}:\n${key(a).slice(0, 2000)}\n${key(b).slice(0, 2000)}`);
  }
}

function bench(name: string, root: string, cmd: string[], target: string): void {
  // Warm both (page cache, the interposer's compiled cache) before timing.
  run(cmd, root);
  const fast = record(root, cmd);
  const traced = record(root, cmd, { CLEW_CAPTURE: 'strace' });
  sameSets(fast, traced, name);
  const bare: number[] = [];
  const recorded: number[] = [];
  const straced: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    bare.push(run(cmd, root).ms);
    recorded.push(record(root, cmd).ms);
    straced.push(record(root, cmd, { CLEW_CAPTURE: 'strace' }).ms);
  }
  const b = median(bare);
  const r = median(recorded);
  const s = median(straced);
  console.log(
    `${name}: bare ${b.toFixed(0)} ms, clew record [${fast.capture}] ${r.toFixed(0)} ms → ${(r / b).toFixed(2)}× (${target}), +${(r - b).toFixed(0)} ms; ` +
      `[strace] ${s.toFixed(0)} ms → ${(s / b).toFixed(2)}×; same sets as strace: ${fast.inputs.length} inputs, ${fast.outputs.length} outputs`,
  );
}

function main(): void {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clew-bench-record-')));
  fs.mkdirSync(path.join(root, '.git'));
  fs.mkdirSync(path.join(root, 'data'));
  try {
    const python = run(['python3', '-c', 'import sys; print(sys.executable)'], root).stdout.trim();
    for (let i = 0; i < Math.max(50, Math.round(2000 * SCALE)); i++) fs.writeFileSync(path.join(root, 'data', `f${String(i).padStart(4, '0')}.txt`), `line ${i}\n`.repeat(5));
    fs.writeFileSync(path.join(root, 'heavy.py'), HEAVY);
    // Calibrate: three million iterations timed (less the interpreter's start), scaled to about a second.
    fs.writeFileSync(path.join(root, 'compute.py'), compute(3_000_000));
    const probe = run([python, 'compute.py'], root).ms - run([python, '-c', '0'], root).ms;
    fs.writeFileSync(path.join(root, 'compute.py'), compute(Math.round((3_000_000 * 1000 * SCALE) / Math.max(50, probe))));

    const nodeStart = median([0, 1, 2, 3, 4].map(() => run([process.execPath, '-e', '0'], root).ms));
    // What bin/clew pays for `record`: it moves NODE_EXTRA_CA_CERTS aside (see there).
    const leanEnv = { ...process.env };
    delete leanEnv.NODE_EXTRA_CA_CERTS;
    const leanStart = median([0, 1, 2, 3, 4].map(() => spawnTime([process.execPath, '-e', '0'], root, leanEnv)));
    const straceAlone = median([0, 1, 2].map(() => run(['strace', '-f', '-qq', '--seccomp-bpf', '-e', 'trace=open,openat,creat,rename,renameat,renameat2,execve', '-o', '/dev/null', '--', python, 'heavy.py'], root).ms));
    const heavyBare = median([0, 1, 2].map(() => run([python, 'heavy.py'], root).ms));
    console.log(`python: ${python}; ${os.cpus().length} cores; floor: bare node start ${nodeStart.toFixed(0)} ms (${leanStart.toFixed(0)} ms without NODE_EXTRA_CA_CERTS, as clew record starts); strace alone on the file-heavy step ${(straceAlone / heavyBare).toFixed(2)}× (${straceAlone.toFixed(0)} vs ${heavyBare.toFixed(0)} ms)`);
    bench('file-heavy step (reads 2000 files ×3, writes 500)', root, [python, 'heavy.py'], 'target ≤ 1.5×');
    bench('compute-bound step (~1 s)', root, [python, 'compute.py'], 'target ≤ 1.05×');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main();
