/**
 * The DAG panel's layered layout for large graphs (src/webview/layered.ts): ranks follow the
 * edges, nodes of a rank never overlap, long edges bend around through dummy points, crossings
 * are removed where a reorder can, cycles do not break it, and a 5,000-node chain (which
 * overflows mermaid's dagre) lays out.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { layeredLayout, type Layout, type LayoutEdge, type LayoutNode } from '../../../src/webview/layered';

const box = (id: string, width = 100, height = 40): LayoutNode => ({ id, width, height });
const edge = (source: string, target: string): LayoutEdge => ({ source, target });

function byId(layout: Layout) {
  return new Map(layout.nodes.map((n) => [n.id, n]));
}

/** No two nodes of one rank overlap (with the default 30 px gap, at least 30 px apart). */
function assertNoOverlap(layout: Layout): void {
  const ranks = new Map<number, Layout['nodes']>();
  for (const n of layout.nodes) ranks.set(n.rank, [...(ranks.get(n.rank) ?? []), n]);
  for (const nodes of ranks.values()) {
    const sorted = [...nodes].sort((a, b) => a.x - b.x);
    for (let i = 1; i < sorted.length; i++) {
      const gap = sorted[i].x - sorted[i].width / 2 - (sorted[i - 1].x + sorted[i - 1].width / 2);
      assert.ok(gap >= 30 - 1e-6, `${sorted[i - 1].id} and ${sorted[i].id} are ${gap} px apart`);
    }
  }
}

test('every edge points down a rank, sources sit just above their consumer, nodes stay inside the canvas', () => {
  // raw is only read by c (rank 2): it is drawn at rank 1, not at the top.
  const layout = layeredLayout([box('a'), box('b'), box('c'), box('raw'), box('d', 200, 60)], [edge('a', 'b'), edge('b', 'c'), edge('raw', 'c'), edge('a', 'd')]);
  const at = byId(layout);
  assert.deepEqual(['a', 'b', 'c', 'raw', 'd'].map((id) => at.get(id)?.rank), [0, 1, 2, 1, 1]);
  for (const e of layout.edges) {
    const [s, t] = [at.get(e.source), at.get(e.target)];
    assert.ok(s && t && t.y > s.y, `${e.source} → ${e.target} goes down`);
    assert.deepEqual(e.points[0], { x: s.x, y: s.y + s.height / 2 }, 'starts at the bottom of its source');
    assert.deepEqual(e.points[e.points.length - 1], { x: t.x, y: t.y - t.height / 2 }, 'ends at the top of its target');
  }
  assertNoOverlap(layout);
  for (const n of layout.nodes) {
    assert.ok(n.x - n.width / 2 >= 0 && n.x + n.width / 2 <= layout.width, `${n.id} inside the width`);
    assert.ok(n.y - n.height / 2 >= 0 && n.y + n.height / 2 <= layout.height, `${n.id} inside the height`);
  }
});

test('an edge across several ranks passes through a dummy point per rank it crosses', () => {
  const layout = layeredLayout([box('a'), box('b'), box('c'), box('d')], [edge('a', 'b'), edge('b', 'c'), edge('c', 'd'), edge('a', 'd')]);
  const long = layout.edges.find((e) => e.source === 'a' && e.target === 'd');
  // start, end, and an entry and exit point in each of ranks 1 and 2
  assert.equal(long?.points.length, 6);
  const short = layout.edges.find((e) => e.source === 'a' && e.target === 'b');
  assert.equal(short?.points.length, 2);
  // The dummies take room in their ranks: the long edge does not run through b or c.
  const at = byId(layout);
  for (const id of ['b', 'c']) {
    const n = at.get(id);
    const through = long?.points.slice(1, -1).some((p) => n && Math.abs(p.x - n.x) < n.width / 2 && Math.abs(p.y - n.y) <= n.height / 2);
    assert.ok(!through, `the long edge avoids ${id}`);
  }
});

test('a crossing that a reorder removes is removed', () => {
  // Input order a, b over c, d with a → d and b → c crosses; swapping c and d does not.
  const layout = layeredLayout([box('a'), box('b'), box('c'), box('d')], [edge('a', 'd'), edge('b', 'c')]);
  const at = byId(layout);
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => at.get(id)?.x ?? NaN);
  assert.equal(a < b, d < c, `x: a ${a}, b ${b}, c ${c}, d ${d}`);
});

test('a cycle is drawn, its back edge keeping the recorded direction', () => {
  const layout = layeredLayout([box('a'), box('b'), box('c')], [edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('a', 'a'), edge('a', 'b'), edge('a', 'missing')]);
  assert.equal(layout.nodes.length, 3);
  assert.deepEqual(layout.edges.map((e) => `${e.source}>${e.target}`), ['a>b', 'b>c', 'c>a'], 'self-loops, duplicates and unknown ends are dropped');
  const at = byId(layout);
  const back = layout.edges[2];
  const [c, a] = [at.get('c'), at.get('a')];
  assert.ok(c && a && c.rank > a.rank, 'c is below a');
  assert.deepEqual(back.points[0], { x: c.x, y: c.y - c.height / 2 }, 'the back edge leaves c');
  assert.deepEqual(back.points[back.points.length - 1], { x: a.x, y: a.y + a.height / 2 }, 'and arrives at a');
});

test('a 5,000-node chain with side inputs lays out without recursion', () => {
  const nodes: LayoutNode[] = [];
  const edges: LayoutEdge[] = [];
  for (let i = 0; i < 5000; i++) {
    nodes.push(box(`n${i}`, 80 + (i % 7) * 10));
    if (i > 0) edges.push(edge(`n${i - 1}`, `n${i}`));
    if (i > 4) edges.push(edge(`n${i - 5}`, `n${i}`));
  }
  const start = process.hrtime.bigint();
  const layout = layeredLayout(nodes, edges);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  assert.equal(layout.nodes.length, 5000);
  assert.equal(layout.edges.length, edges.length);
  const at = byId(layout);
  assert.equal(at.get('n4999')?.rank, 4999, 'a chain: one rank per node');
  for (const e of layout.edges) assert.ok((at.get(e.target)?.y ?? 0) > (at.get(e.source)?.y ?? 0));
  assertNoOverlap(layout);
  // A guard against quadratic behaviour, not a benchmark (bench/render.ts measures the panel).
  assert.ok(ms < 5000, `took ${ms.toFixed(0)} ms`);
});

test('beyond the dummy budget long edges are drawn straight rather than filling memory', () => {
  const nodes = [box('top'), ...Array.from({ length: 50 }, (_, i) => box(`c${i}`))];
  const edges = [edge('top', 'c0'), ...nodes.slice(2).map((n, i) => edge(`c${i}`, n.id)), edge('top', 'c49')];
  const bounded = layeredLayout(nodes, edges, { maxDummies: 10 });
  assert.equal(bounded.edges.find((e) => e.target === 'c49' && e.source === 'top')?.points.length, 2);
  const full = layeredLayout(nodes, edges);
  assert.equal(full.edges.find((e) => e.target === 'c49' && e.source === 'top')?.points.length, 2 + 2 * 49);
});

test('empty and single-node graphs', () => {
  assert.deepEqual(layeredLayout([], []).nodes, []);
  const one = layeredLayout([box('only', 120, 50)], []);
  assert.equal(one.nodes[0].x, 8 + 60);
  assert.equal(one.width, 120 + 16);
  assert.equal(one.height, 50 + 16);
});
