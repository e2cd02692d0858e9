/**
 * `clew ingest` throughput: 200 handed-over stores (one session each, cloned from one store that
 * `clew record --spool` made) merged into a main store, in stores per second, against a bare
 * python3 sqlite3 script in the same run that ATTACHes each of the same stores and copies its rows
 * in one transaction (no integrity check, no lock, no schema discovery, no removal: the floor of
 * any out-of-process SQLite merge). The python3 start alone is printed too. Medians of 3
 * alternating rounds, fresh copies each round. No timing assertions.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cloneSpooled } from '../test/support/spoolStores';
import { SCALE } from './common';

/** The `clew` users run (bin/clew: the sh wrapper around dist/cli.js). */
const CLEW = path.resolve(__dirname, '../../bin/clew');
const STORES = Math.max(20, Math.round(200 * SCALE));
const ROUNDS = 3;
const INCOMING = path.join('.scitex', 'clew', 'runtime', 'incoming');
const STORE = path.join('.scitex', 'clew', 'runtime', 'clew.db');

const BARE_MERGE = String.raw`
import sqlite3, sys
main = sqlite3.connect(sys.argv[1], isolation_level=None)
main.execute("PRAGMA journal_mode = WAL")
for f in sys.argv[2:]:
    main.execute("ATTACH DATABASE ? AS src", (f,))
    main.execute("BEGIN IMMEDIATE")
    main.execute("INSERT INTO main.runs SELECT * FROM src.runs")
    main.execute("INSERT INTO main.file_hashes (session_id, file_path, hash, role, recorded_at, size_bytes, frozen, host) SELECT session_id, file_path, hash, role, recorded_at, size_bytes, frozen, host FROM src.file_hashes")
    main.execute("COMMIT")
    main.execute("DETACH DATABASE src")
main.close()
`;

function run(argv: string[], cwd: string): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { cwd, encoding: 'utf8', env: { ...process.env, SCITEX_CLEW_HOST: 'bench-host' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** A project whose main store holds one run, and a one-session spooled store to clone. */
function project(base: string, name: string): { root: string; template: string } {
  const root = path.join(base, name);
  fs.mkdirSync(path.join(root, '.git'), { recursive: true });
  fs.writeFileSync(path.join(root, 'in.txt'), 'data\n');
  run([CLEW, 'record', '--session-id', 'main-1', '--input', 'in.txt', '--output', 'out0.txt', '--', 'sh', '-c', 'cat in.txt > out0.txt'], root);
  run([CLEW, 'record', '--spool', '--session-id', 'template', '--input', 'in.txt', '--output', 'out1.txt', '--', 'sh', '-c', 'cat in.txt > out1.txt'], root);
  const [made] = fs.readdirSync(path.join(root, INCOMING)).filter((f) => f.endsWith('.clew.db'));
  const template = path.join(base, `${name}-template.db`);
  fs.renameSync(path.join(root, INCOMING, made), template);
  return { root, template };
}

function main(): void {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clew-bench-ingest-')));
  try {
    const { root, template } = project(base, 'proj');
    const pristine = path.join(base, 'main-pristine.db');
    // The main store folded to one file, so every round starts from the same bytes.
    run(['python3', '-c', 'import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nc.execute("PRAGMA wal_checkpoint(TRUNCATE)")\nc.execute("VACUUM INTO ?", (sys.argv[2],))', path.join(root, STORE), pristine], root);
    const bareDir = path.join(base, 'bare');
    const ours: number[] = [];
    const bare: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(root, STORE) + suffix, { force: true });
      fs.copyFileSync(pristine, path.join(root, STORE));
      cloneSpooled(template, path.join(root, INCOMING), `r${round}`, STORES);
      ours.push(run([CLEW, 'ingest'], root));
      const left = fs.readdirSync(path.join(root, INCOMING)).filter((f) => f.endsWith('.clew.db'));
      if (left.length > 0) throw new Error(`clew ingest left ${left.length} stores`);

      fs.rmSync(bareDir, { recursive: true, force: true });
      fs.mkdirSync(bareDir);
      fs.copyFileSync(pristine, path.join(bareDir, 'main.db'));
      cloneSpooled(template, path.join(bareDir, 'in'), `r${round}`, STORES);
      const files = fs.readdirSync(path.join(bareDir, 'in')).filter((f) => f.endsWith('.clew.db')).map((f) => path.join(bareDir, 'in', f));
      bare.push(run(['python3', '-c', BARE_MERGE, path.join(bareDir, 'main.db'), ...files], bareDir));
    }
    const pyStart = median([0, 1, 2, 3, 4].map(() => run(['python3', '-c', 'pass'], base)));
    const o = median(ours);
    const b = median(bare);
    const rate = (ms: number) => (STORES / (ms / 1000)).toFixed(0);
    console.log(
      `ingest of ${STORES} handed-over stores: clew ingest ${o.toFixed(0)} ms (${rate(o)} stores/s), bare python3 sqlite3 ATTACH+copy ${b.toFixed(0)} ms (${rate(b)} stores/s) → ${(o / b).toFixed(2)}× the bare merge's time; python3 start alone ${pyStart.toFixed(0)} ms`,
    );
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

main();
