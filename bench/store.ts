/**
 * The store on a large project (issue #13): 100,000 runs / 1,000,000 file rows at scale 1, laid out
 * as 1,000 pipelines of 50 steps recorded twice (each step reads 5 outputs of the two steps before
 * it and writes 5 files), in a project folder (`proj/.scitex/clew/runtime/clew.db`) so the moved-
 * store check runs as it does for users. Every figure has a baseline from the same run:
 *   1. cold processes: `clew chain FILE --json` and `clew list --limit 10 --json` from process
 *      start to exit, vs python3 scripts opening the file with sqlite3 and running the same queries
 *      (target: under 2 s; python and `node -e 0` are shown for scale)
 *   2. in one process: snapshot load time and resident memory (target ≤ 3× the store size),
 *      then a chain query — the runs behind one file, walking parents to the roots, plus their run
 *      and file rows (everything `clew chain` asks the store) — first after opening, and in the
 *      steady state over 20 other files, vs python3's sqlite3 running the same queries on the same
 *      file (targets: < 10 ms once open, within 2× of python)
 *   3. the same store read as moved (a path map rewriting every path): load time and memory
 * The query plans are printed: every chain query is an index search on the existing indexes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createFileHasher } from '../src/engine/hash/fileHasher';
import { openStore } from '../src/engine/store/open';
import type { StoreView } from '../src/engine/store/types';
import { verifyChain } from '../src/engine/verify';
import { buildGraph, rootsFirstOrder } from '../src/engine/verify/graph';
import { filesOfSessions, getRun, newestProducer } from '../src/engine/verify/rows';
import { dataDir, report, SCALE, timed, UPSTREAM_SCHEMA_SQL } from './common';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const REPS = Number(process.env.CLEW_BENCH_REPS ?? '5') || 5;
const DEPTH = 50;
const RERUNS = 2;
const TARGETS = 20;
/** Steady state: passes over the targets after warm-up ones, the median pass (both sides alike). */
const WARM_PASSES = 3;
const PASSES = 5;

/** The upstream schema as bench/status.ts builds it; rows as a pipeline that was recorded twice. */
const MAKE_STORE = `
import sqlite3, sys, os, hashlib, datetime
start = datetime.datetime(2026, 1, 1)
db, projects, depth, reruns, root = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
tmp = db + ".tmp"
for p in (tmp, tmp + "-wal", tmp + "-shm"):
    if os.path.exists(p): os.remove(p)
con = sqlite3.connect(tmp)
con.execute("PRAGMA journal_mode=WAL")
con.executescript('''${UPSTREAM_SCHEMA_SQL}''')
n = 0
for r in range(reruns):
    for p in range(projects):
        for s in range(depth):
            sid = "2026Y-01M-01D-00h00m00s_%07d" % n
            ts = (start + datetime.timedelta(seconds=n)).isoformat(" ")
            con.execute("INSERT INTO runs VALUES (?, ?, NULL, ?, NULL, 'success', 0, NULL, NULL, NULL, 'tracked', NULL)", (sid, "%s/p%d/step%02d.py" % (root, p, s), ts))
            if s == 0: ins = ["%s/p%d/raw_%d.csv" % (root, p, k) for k in range(5)]
            elif s == 1: ins = ["%s/p%d/s%02d_%d.bin" % (root, p, s - 1, k) for k in range(5)]
            else: ins = ["%s/p%d/s%02d_%d.bin" % (root, p, s - 1, k) for k in range(3)] + ["%s/p%d/s%02d_%d.bin" % (root, p, s - 2, k) for k in (3, 4)]
            outs = ["%s/p%d/s%02d_%d.bin" % (root, p, s, k) for k in range(5)]
            con.executemany("INSERT INTO file_hashes (session_id, file_path, hash, role, recorded_at) VALUES (?, ?, ?, ?, ?)",
                [(sid, f, hashlib.sha256(("%s-%d" % (f, r)).encode()).hexdigest(), role, ts) for role, fs in (("input", ins), ("output", outs)) for f in fs])
            n += 1
con.commit(); con.execute("PRAGMA wal_checkpoint(TRUNCATE)"); con.close()
os.rename(tmp, db)
for p in (tmp + "-wal", tmp + "-shm"):
    if os.path.exists(p): os.remove(p)
`;

/**
 * The chain queries exactly as src/engine/verify runs them (verifyChain: newestProducer, buildGraph,
 * rootsFirstOrder, getRun per run, filesOfSessions), with python's sqlite3. `same`: our query shapes
 * (a path's output rows from the file_path index, the newest picked by the caller); `upstream`: the
 * newest producer asked as scitex-clew asks for it (ORDER BY recorded_at DESC, id DESC LIMIT 1).
 */
const PY_CHAIN = `
import sqlite3, sys, time, json
def producer_upstream(con, path, exclude=""):
    r = con.execute("SELECT session_id FROM file_hashes WHERE file_path = ? AND +role = 'output' AND session_id != ? ORDER BY recorded_at DESC, id DESC LIMIT 1", (path, exclude)).fetchone()
    return None if r is None else r[0]
def producer_same(con, path, exclude=""):
    best = None
    for sid, at, rid in con.execute("SELECT session_id, recorded_at, id FROM file_hashes WHERE file_path = ? AND +role = 'output' AND session_id != ?", (path, exclude)):
        key = (at is not None, at or "", rid)
        if best is None or key > best[0]: best = (key, sid)
    return None if best is None else best[1]
def inputs(con, sid):
    return [r[0] for r in con.execute("SELECT file_path FROM file_hashes WHERE session_id = ? AND +role = 'input' ORDER BY id", (sid,))]
def files(con, ids):
    return con.execute("SELECT session_id, file_path, hash, role, frozen FROM file_hashes WHERE session_id IN (%s) AND +role IN ('input', 'output') ORDER BY CASE role WHEN 'input' THEN 0 ELSE 1 END, id" % ",".join("?" * len(ids)), ids).fetchall()
def chain(con, target, shape):
    producer = producer_same if shape == "same" else producer_upstream
    leaf = producer(con, target)
    if leaf is None: return [], 0
    adjacency, queue, expanded, head = {leaf: []}, [(leaf, 0)], set(), 0
    while head < len(queue):
        sid, depth = queue[head]; head += 1
        if sid in expanded: continue
        expanded.add(sid)
        if depth >= ${DEPTH}: continue
        parents = []
        for inp in inputs(con, sid):
            p = producer(con, inp, sid)
            if p is not None and p not in parents: parents.append(p)
        adjacency[sid] = parents
        for p in parents:
            adjacency.setdefault(p, [])
            if p not in expanded: queue.append((p, depth + 1))
    indeg, children = {}, {}
    for child, parents in adjacency.items():
        indeg[child] = len(parents)
        for p in parents: children.setdefault(p, []).append(child)
    order = sorted(s for s, d in indeg.items() if d == 0)
    i = 0
    while i < len(order):
        for c in children.get(order[i], []):
            indeg[c] -= 1
            if indeg[c] == 0: order.append(c)
        i += 1
    placed = set(order)
    order += sorted(s for s in adjacency if s not in placed)
    runs = [con.execute("SELECT session_id, script_path, script_hash, started_at, status, parent_session, combined_hash, provenance, exception_reason FROM runs WHERE session_id = ?", (s,)).fetchone() for s in order]
    rows = 0
    for i in range(0, len(order), 500):
        rows += len(files(con, order[i:i + 500]))
    return order, rows
mode, db, targets = sys.argv[1], sys.argv[2], sys.argv[3:]
if mode == "cli":
    con = sqlite3.connect(db)
    order, rows = chain(con, targets[0], "same")
    print(json.dumps({"chain_length": len(order), "rows": rows, "order": order}))
    sys.exit(0)
out = {}
for name in ("same", "upstream"):
    t0 = time.perf_counter(); con = sqlite3.connect(db)
    order, rows = chain(con, targets[0], name)
    first = (time.perf_counter() - t0) * 1000
    for _ in range(${WARM_PASSES}):
        for t in targets[1:]: chain(con, t, name)
    passes = []
    for _ in range(${PASSES}):
        t1 = time.perf_counter()
        for t in targets[1:]: chain(con, t, name)
        passes.append((time.perf_counter() - t1) * 1000 / max(1, len(targets) - 1))
    steady = sorted(passes)[len(passes) // 2]
    out[name] = {"first_ms": first, "steady_ms": steady, "chain_length": len(order), "rows": rows, "order": order}
    con.close()
print(json.dumps(out))
`;

const PY_LIST = `
import sqlite3, sys, json
con = sqlite3.connect(sys.argv[1])
cols = [d[1] for d in con.execute("PRAGMA table_info(runs)")]
print(json.dumps([dict(zip(cols, r)) for r in con.execute("SELECT * FROM runs ORDER BY started_at DESC LIMIT 10")], indent=2))
`;

interface PyChain {
  first_ms: number;
  steady_ms: number;
  chain_length: number;
  rows: number;
  order: string[];
}

/** Everything verifyChain asks the store, in its order; returns the runs (roots first) and file rows read. */
function chainQueries(view: StoreView, target: string): { order: string[]; rows: number } {
  const leaf = newestProducer(view, target);
  if (leaf === undefined) return { order: [], rows: 0 };
  const { order } = rootsFirstOrder(buildGraph(view, [leaf]));
  for (const id of order) getRun(view, id);
  let rows = 0;
  for (const list of filesOfSessions(view, order).values()) rows += list.length;
  return { order, rows };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall time of a whole process (spawn to exit), REPS times; the last stdout is returned. */
function wall(cmd: string, args: readonly string[]): { ms: number; stdout: string } {
  const times: number[] = [];
  let stdout = '';
  for (let i = 0; i < REPS; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (r.error) throw r.error;
    stdout = r.stdout;
  }
  return { ms: median(times), stdout };
}

function ensureStore(projects: number): { db: string; root: string } {
  const root = path.join(dataDir(`chain-${projects}`), 'proj');
  const db = path.join(root, '.scitex', 'clew', 'runtime', 'clew.db');
  if (!fs.existsSync(db)) {
    fs.mkdirSync(path.dirname(db), { recursive: true });
    execFileSync('python3', ['-c', MAKE_STORE, db, String(projects), String(DEPTH), String(RERUNS), root]);
  }
  return { db, root };
}

function coldProcesses(db: string, target: string): void {
  const nodeFloor = wall(process.execPath, ['-e', '0']);
  const ours = wall(process.execPath, [CLI, '--db', db, 'chain', target, '--json']);
  const py = wall('python3', ['-c', PY_CHAIN, 'cli', db, target]);
  const oursOrder = (JSON.parse(ours.stdout) as { runs: { session_id: string }[] }).runs.map((r) => r.session_id);
  const pyOrder = (JSON.parse(py.stdout) as { order: string[] }).order;
  console.log(`cold process, medians of ${REPS}; node -e 0 takes ${nodeFloor.ms.toFixed(0)} ms here`);
  report(`  open + first answer: clew chain FILE --json (${oursOrder.length} runs; same runs as python: ${JSON.stringify(oursOrder) === JSON.stringify(pyOrder)})`, ours.ms, py.ms, 'python3 sqlite3 process, same queries', 'target < 2000 ms');
  const list = wall(process.execPath, [CLI, '--db', db, 'list', '--limit', '10', '--json']);
  const pyList = wall('python3', ['-c', PY_LIST, db]);
  report('  open + first answer: clew list --limit 10 --json (the newest runs)', list.ms, pyList.ms, 'python3 sqlite3 process, same query', 'target < 2000 ms');
}

async function inProcess(db: string, targets: readonly string[]): Promise<void> {
  const storeBytes = fs.statSync(db).size;
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const open = await timed(async () => {
    const store = await openStore(db, { readOnly: true, pathMap: { currentRoot: path.dirname(path.dirname(path.dirname(path.dirname(db)))) } });
    return { store, view: await store.snapshot() };
  });
  const { store, view } = open.value;
  const rssAfter = process.memoryUsage().rss;
  const peak = process.resourceUsage().maxRSS * 1024;
  const first = await timed(() => chainQueries(view, targets[0]));
  for (let i = 0; i < WARM_PASSES; i++) for (const t of targets.slice(1)) chainQueries(view, t);
  const passes: number[] = [];
  for (let i = 0; i < PASSES; i++) passes.push((await timed(() => targets.slice(1).map((t) => chainQueries(view, t)))).ms / Math.max(1, targets.length - 1));
  const steadyMs = median(passes);
  const py = JSON.parse(execFileSync('python3', ['-c', PY_CHAIN, 'bench', db, ...targets]).toString()) as Record<'same' | 'upstream', PyChain>;
  const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
  console.log(
    `in one process: store ${mb(storeBytes)}; open + snapshot ${open.ms.toFixed(0)} ms; RSS +${mb(rssAfter - rssBefore)} after it (${((rssAfter - rssBefore) / storeBytes).toFixed(2)}× the store, target ≤ 3×), peak +${mb(peak - rssBefore)} (${((peak - rssBefore) / storeBytes).toFixed(2)}×)`,
  );
  const same = (o: readonly string[]) => JSON.stringify(o) === JSON.stringify(first.value.order);
  console.log(`  ${first.value.order.length} runs / ${first.value.rows} file rows; python finds the same runs in the same order: ${same(py.same.order)} (upstream's query shape: ${same(py.upstream.order)})`);
  report('  chain query, first after open (this process\'s first SQLite work: V8 compiles the WASM it runs)', first.ms, py.same.first_ms, 'python3 connect + same queries', 'target within 2× (ratio ≥ 0.5)');
  report(`  chain query, steady state (${targets.length - 1} other files, median of ${PASSES} passes after ${WARM_PASSES})`, steadyMs, py.same.steady_ms, 'python3 sqlite3, same queries', 'target < 10 ms and within 2× (ratio ≥ 0.5)');
  report('  the same, against upstream\'s query shape', steadyMs, py.upstream.steady_ms, 'python3 sqlite3, ORDER BY … LIMIT 1 per input', 'for reference');
  const hasher = createFileHasher({ useCache: false, concurrency: 1 });
  const whole = await timed(() => verifyChain({ view, hasher }, targets[1]));
  console.log(`  whole verifyChain incl. checking its ${whole.value.runs.reduce((n, r) => n + r.files.length, 0)} (missing) files: ${whole.ms.toFixed(1)} ms`);
  await hasher.dispose();
  console.log('  query plans (existing indexes only):');
  for (const [sql, params] of [
    ["SELECT session_id, recorded_at, id FROM file_hashes WHERE file_path = ? AND +role = 'output' AND session_id != ?", ['', '']],
    ["SELECT file_path FROM file_hashes WHERE session_id = ? AND +role = 'input' ORDER BY id", ['']],
    ['SELECT session_id FROM runs WHERE session_id = ?', ['']],
    ["SELECT session_id, file_path, hash, role, frozen FROM file_hashes WHERE session_id IN (?, ?) AND +role IN ('input', 'output') ORDER BY CASE role WHEN 'input' THEN 0 ELSE 1 END, id", ['', '']],
  ] as const) {
    const plan = view.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params).map((r) => r.detail);
    console.log(`    ${sql.slice(0, 60)}… → ${plan.join('; ')}`);
  }
  await store.close();
  // As in the editor after the store changed: a fresh snapshot (cold SQLite cache) in a process that has run queries before.
  const again = await openStore(db, { readOnly: true });
  const fresh = await again.snapshot();
  const firstFresh = await timed(() => chainQueries(fresh, targets[0]));
  report('  chain query, first on a fresh snapshot in a warm process (the editor after a store change)', firstFresh.ms, py.same.first_ms, 'python3 connect + same queries', 'target < 10 ms and within 2× (ratio ≥ 0.5)');
  await again.close();
}

/**
 * The same store read as one carried to another machine: a path map rewrites every recorded path
 * of the snapshot (--map OLD=NEW). Measured in a process of its own, so the first snapshot's
 * memory is not in the figure.
 */
function movedStore(db: string, root: string): void {
  const r = spawnSync(process.execPath, [__filename, 'moved-child', db, root], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`moved-store child failed: ${r.stderr}`);
  const m = JSON.parse(r.stdout) as { ms: number; rss: number; peak: number; bytes: number; sample: string };
  console.log(
    `read as moved (every path rewritten by --map): open + snapshot ${m.ms.toFixed(0)} ms; RSS +${(m.rss / 1e6).toFixed(0)} MB (${(m.rss / m.bytes).toFixed(2)}× the store, target ≤ 3×), peak +${(m.peak / 1e6).toFixed(0)} MB (${(m.peak / m.bytes).toFixed(2)}×); a path reads ${m.sample}`,
  );
}

async function movedChild(db: string, root: string): Promise<void> {
  const rssBefore = process.memoryUsage().rss;
  const open = await timed(async () => {
    const store = await openStore(db, { readOnly: true, pathMap: { explicit: [{ from: root, to: '/elsewhere/project' }] } });
    return { store, view: await store.snapshot() };
  });
  const sample = open.value.view.all<{ file_path: string }>('SELECT file_path FROM file_hashes LIMIT 1')[0]?.file_path ?? '';
  const rss = process.memoryUsage().rss - rssBefore;
  const peak = process.resourceUsage().maxRSS * 1024 - rssBefore;
  process.stdout.write(JSON.stringify({ ms: open.ms, rss, peak, bytes: fs.statSync(db).size, sample }));
  await open.value.store.close();
}

async function main(): Promise<void> {
  if (process.argv[2] === 'moved-child') return movedChild(process.argv[3], process.argv[4]);
  const projects = Math.max(2, Math.round(1000 * SCALE));
  const { db, root } = ensureStore(projects);
  const step = Math.max(1, Math.floor(projects / TARGETS));
  const targets = Array.from({ length: Math.min(TARGETS + 1, projects) }, (_, i) => path.join(root, `p${(i * step) % projects}`, `s${String(DEPTH - 1).padStart(2, '0')}_0.bin`));
  console.log(`store: ${projects * DEPTH * RERUNS} runs / ${projects * DEPTH * RERUNS * 10} file rows; chains of ${DEPTH} runs`);
  coldProcesses(db, targets[0]);
  await inProcess(db, targets);
  movedStore(db, root);
}

void main();
