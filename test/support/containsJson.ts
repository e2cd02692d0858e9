/**
 * The conformance tests' comparison of Clew's JSON with upstream's recorded JSON: `expected` must
 * be contained in `actual` (same scalars, same array lengths, every key present), extra keys
 * allowed where `allowExtra` says so. `sortDag` reads a DAG's independent runs as a set (their
 * order comes from a Python set upstream, spec §13.1).
 */
import * as assert from 'node:assert/strict';

export function assertContains(actual: unknown, expected: unknown, where: string, allowExtra: (key: string) => boolean = () => true): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected an array`);
    assert.equal(actual.length, expected.length, `${where}: length`);
    expected.forEach((e, i) => assertContains(actual[i], e, `${where}[${i}]`, allowExtra));
  } else if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object' && !Array.isArray(actual), `${where}: expected an object`);
    const a = actual as Record<string, unknown>;
    for (const [k, v] of Object.entries(expected)) {
      assert.ok(k in a, `${where}: missing key ${k}`);
      assertContains(a[k], v, `${where}.${k}`, allowExtra);
    }
    for (const k of Object.keys(a)) if (!(k in expected)) assert.ok(allowExtra(k), `${where}: unexpected key ${k}`);
  } else {
    assert.deepEqual(actual, expected, where);
  }
}

/** Runs and topological_order by session id (rule dagOrder of the CLI conformance test). */
export function sortDag(value: unknown): unknown {
  const v = value as { runs?: { session_id: string }[]; topological_order?: string[] };
  if (v === null || typeof v !== 'object' || !Array.isArray(v.topological_order)) return value;
  const sorted: Record<string, unknown> = { ...v, topological_order: [...v.topological_order].sort() };
  if (Array.isArray(v.runs)) sorted.runs = [...v.runs].sort((a, b) => a.session_id.localeCompare(b.session_id));
  return sorted;
}
