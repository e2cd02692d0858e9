/**
 * Rerun costs, each against a baseline measured in the same run:
 *   1. sandbox overhead per run: `rerun` of one recorded run (sandbox set-up, scratch store,
 *      execution, output comparison, verification row) vs executing the same command directly;
 *   2. parallel speed-up of `rerun-dag --jobs 2` over `--jobs 1` on independent CPU-bound runs.
 * The runs are recorded with the real CLI; reruns go through the engine API in this process, so
 * neither side pays a Node start.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createFileHasher } from '../src/engine/hash/fileHasher';
import { rerun, rerunDag } from '../src/engine/rerun/rerun';
import { sandboxCapability } from '../src/engine/rerun/sandbox';
import { openStore } from '../src/engine/store/open';
import { SCALE, timed } from './common';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const INDEPENDENT_RUNS = 6;
const REPEATS = 5;

/** A CPU-bound step of roughly a quarter second at scale 1: shell arithmetic, then its output. */
function busyScript(iterations: number, out: string): string {
  return `i=0; s=0\nwhile [ $i -lt ${iterations} ]; do i=$((i+1)); s=$(((s*31+i)%1000003)); done\necho "$s" > ${out}\n`;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-bench-rerun-'));
  fs.mkdirSync(path.join(root, '.git'));
  const iterations = Math.max(10_000, Math.round(150_000 * SCALE));
  try {
    for (let k = 0; k < INDEPENDENT_RUNS; k++) {
      fs.writeFileSync(path.join(root, `step${k}.sh`), busyScript(iterations, `out${k}.txt`));
      execFileSync(process.execPath, [CLI, 'record', '--session-id', `bench-${k}`, '--output', `out${k}.txt`, '--', 'sh', `step${k}.sh`], { cwd: root, stdio: 'pipe' });
    }
    const dbPath = path.join(root, '.scitex/clew/runtime/clew.db');
    const store = await openStore(dbPath);
    const hasher = createFileHasher({ useCache: false });
    try {
      const ctx = { store, view: await store.snapshot(), hasher, cwd: root, projectRoot: root };
      console.log(`sandbox: ${sandboxCapability().kind}; ${INDEPENDENT_RUNS} runs of ${iterations} shell iterations; ${os.cpus().length} cores`);

      const direct: number[] = [];
      const sandboxed: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        direct.push((await timed(() => spawnSync('sh', ['step0.sh'], { cwd: root, stdio: 'ignore' }))).ms);
        const r = await timed(() => rerun(ctx, ['bench-0'], { record: false }));
        if (r.value[0].status !== 'verified') throw new Error(`rerun did not verify: ${JSON.stringify(r.value[0].rerun)}`);
        sandboxed.push(r.ms);
      }
      const d = median(direct);
      const s = median(sandboxed);
      console.log(`rerun one run: direct ${d.toFixed(1)} ms, sandboxed rerun ${s.toFixed(1)} ms → overhead ${(s - d).toFixed(1)} ms per run, ${(s / d).toFixed(2)}× the direct run (target: overhead well under the run itself for real pipeline steps)`);

      const serial = await timed(() => rerunDag(ctx, {}, { jobs: 1, record: false }));
      const parallel = await timed(() => rerunDag(ctx, {}, { jobs: 2, record: false }));
      for (const r of [serial.value, parallel.value]) if (r.status !== 'verified') throw new Error(`rerun-dag did not verify: ${r.status}`);
      console.log(`rerun-dag of ${INDEPENDENT_RUNS} independent runs: --jobs 1 ${serial.ms.toFixed(1)} ms, --jobs 2 ${parallel.ms.toFixed(1)} ms → ${(serial.ms / parallel.ms).toFixed(2)}× speed-up (target ≥ 1.6× on 2 cores)`);
    } finally {
      await hasher.dispose();
      await store.close();
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
