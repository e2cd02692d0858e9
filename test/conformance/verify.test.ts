/**
 * Conformance: every verification answer upstream gave on the fixtures, replayed through our engine
 * at the recorded root, relocated, and moved (copied elsewhere with the store untouched, read
 * through the detected path map: the same answers, and the store file byte for byte as before). Deviations allowed are only the documented fixes:
 *   - dag topological_order: any valid roots-first order (ours is deterministic, spec §13.1);
 *   - status: extra `other`/`other_count` keys so counts add up (spec §13.10).
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { openStore } from '../../src/engine/store/open';
import { recordedPaths, type PathMapReport } from '../../src/engine/store/pathMap';
import { createFileHasher } from '../../src/engine/hash/fileHasher';
import { listRuns, stats, verifyChain, verifyDag, verifyDagStrict, verifyRun, verifyStatus } from '../../src/engine/verify';
import type { VerifyContext } from '../../src/engine/verify';
import { entries, listScenarios, materialise, type Materialised } from './fixtures';

function parseDagKey(key: string): { targets?: string[]; claims?: boolean } {
  if (key === 'claims=True') return { claims: true };
  const m = /^targets=(.*)$/.exec(key);
  assert.ok(m, `unexpected dag answer key ${key}`);
  return { targets: JSON.parse(m[1]) as string[] };
}

function assertTopologicalOrder(order: string[], edges: [string, string][], expected: string[]): void {
  assert.deepEqual([...order].sort(), [...expected].sort(), 'same sessions in the order');
  const position = new Map(order.map((id, i) => [id, i]));
  for (const [parent, child] of edges) {
    assert.ok((position.get(parent) ?? -1) < (position.get(child) ?? -1), `${parent} before ${child}`);
  }
}

/** Compares every answer and returns how many it compared. */
async function checkScenario(m: Materialised, moved: boolean): Promise<number> {
  const reports: PathMapReport[] = [];
  const store = await openStore(m.dbPath, moved ? { pathMap: { currentRoot: m.root }, onPathMap: (r) => r && reports.push(r) } : {});
  const view = await store.snapshot();
  const hasher = createFileHasher({ useCache: false });
  const ctx: VerifyContext = { view, hasher, cwd: m.root };
  let compared = 0;
  // Counts each answer compared, so a fixture that silently compares nothing fails.
  const ok = (a: { ok: boolean }): boolean => {
    if (a.ok) compared++;
    return a.ok;
  };
  // A store that records no paths (legacy-real-schema0) has nothing to map.
  if (moved && recordedPaths(view).length > 0) {
    assert.deepEqual(reports.map((r) => r.detected), [{ from: m.recordedRoot, to: m.root }], 'one detected move, told once');
    assert.ok(reports[0].rewritten > 0);
  }
  try {
    for (const [, a] of entries(m.api, 'stats')) {
      if (ok(a)) assert.deepEqual({ ...stats(view), db_path: '' }, { ...(a.value as object), db_path: '' });
    }
    for (const [, a] of entries(m.api, 'list_runs')) if (ok(a)) assert.deepEqual(listRuns(view), a.value);
    for (const [, a] of entries(m.api, 'status')) {
      if (!ok(a)) continue;
      const { status } = await verifyStatus(ctx);
      const { other, other_count, ...upstreamShape } = status;
      assert.deepEqual(upstreamShape, a.value);
      assert.equal(other.length, other_count);
    }
    for (const [kind, propagate] of [['run', true], ['run_no_propagate', false]] as const) {
      for (const [id, a] of entries(m.api, kind)) {
        if (ok(a)) assert.deepEqual(await verifyRun(ctx, id, { propagate }), a.value, `${kind} ${id}`);
      }
    }
    for (const [target, a] of entries(m.api, 'run_by_target')) {
      if (ok(a)) assert.deepEqual(await verifyRun(ctx, target), a.value, `run_by_target ${target}`);
    }
    for (const [target, a] of entries(m.api, 'chain')) {
      if (ok(a)) assert.deepEqual(await verifyChain(ctx, target), a.value, `chain ${target}`);
    }
    for (const [key, a] of entries(m.api, 'dag')) {
      if (!ok(a)) continue;
      const expected = a.value as { topological_order: string[]; runs: { session_id: string }[] };
      const ours = await verifyDag(ctx, parseDagKey(key));
      assertTopologicalOrder(ours.topological_order, ours.edges, expected.topological_order);
      const byId = (runs: { session_id: string }[]) => [...runs].sort((x, y) => (x.session_id < y.session_id ? -1 : 1));
      assert.deepEqual(
        { ...ours, runs: byId(ours.runs), topological_order: [] },
        { ...(a.value as object), runs: byId(expected.runs), topological_order: [] },
        `dag ${key}`,
      );
    }
    for (const [key, a] of entries(m.api, 'dag_strict')) {
      if (!ok(a)) continue;
      const expected = a.value as { topological_order: string[] };
      const ours = await verifyDagStrict(ctx, parseDagKey(key));
      assert.deepEqual([...ours.topological_order].sort(), [...expected.topological_order].sort());
      assert.deepEqual({ ...ours, topological_order: [] }, { ...(a.value as object), topological_order: [] }, `dag_strict ${key}`);
    }
  } finally {
    await hasher.dispose();
    await store.close();
  }
  return compared;
}

for (const scenario of listScenarios()) {
  describe(`conformance: ${scenario}`, { concurrency: false }, () => {
    for (const mode of ['recorded', 'relocated', 'moved'] as const) {
      test(`verification answers match upstream (${mode})`, async (t) => {
        // Cleaned up at once: the moved copy holds the recorded root absent, which the recorded copy occupies.
        const m = materialise(scenario, mode);
        let compared: number;
        try {
          const before = fs.readFileSync(m.dbPath);
          compared = await checkScenario(m, mode === 'moved');
          // Reading through a path map never writes the user's store.
          if (mode === 'moved') assert.ok(fs.readFileSync(m.dbPath).equals(before), 'store file unchanged');
        } finally {
          m.cleanup();
        }
        t.diagnostic(`${scenario} (${mode}): compared ${compared} answers`);
        // Every fixture answers stats, list_runs, status and runs, chains and DAGs of several targets.
        assert.ok(compared >= 20, `${scenario}: only ${compared} verification answers compared`);
      });
    }
  });
}
