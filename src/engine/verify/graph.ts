/**
 * The query-time provenance DAG (spec §3.6): parents(S) = newest producer of each of S's inputs,
 * built breadth-first from the leaves, and a deterministic roots-first order (spec §3.7).
 */
import type { StoreView } from '../store/types';
import { newestProducer } from './rows';

export const MAX_DAG_DEPTH = 50;

export interface ProvenanceGraph {
  /** child → parents, in BFS visiting order; every node has an entry. */
  adjacency: Map<string, string[]>;
}

function inputsOf(view: StoreView, sessionId: string): string[] {
  return view
    .all<{ file_path: string }>(`SELECT file_path FROM file_hashes WHERE session_id = ? AND +role = 'input' ORDER BY id`, [sessionId])
    .map((r) => r.file_path);
}

export function parentsOf(view: StoreView, sessionId: string): string[] {
  const parents: string[] = [];
  for (const input of inputsOf(view, sessionId)) {
    const producer = newestProducer(view, input, sessionId);
    if (producer !== undefined && !parents.includes(producer)) parents.push(producer);
  }
  return parents;
}

export function buildGraph(view: StoreView, leaves: readonly string[]): ProvenanceGraph {
  const adjacency = new Map<string, string[]>();
  const queue: { id: string; depth: number }[] = [];
  for (const leaf of leaves) {
    if (!adjacency.has(leaf)) {
      adjacency.set(leaf, []);
      queue.push({ id: leaf, depth: 0 });
    }
  }
  const expanded = new Set<string>();
  let head = 0;
  while (head < queue.length) {
    const { id, depth } = queue[head++];
    if (expanded.has(id)) continue;
    expanded.add(id);
    if (depth >= MAX_DAG_DEPTH) continue;
    const parents = parentsOf(view, id);
    adjacency.set(id, parents);
    for (const parent of parents) {
      if (!adjacency.has(parent)) adjacency.set(parent, []);
      if (!expanded.has(parent)) queue.push({ id: parent, depth: depth + 1 });
    }
  }
  return { adjacency };
}

/**
 * Deterministic Kahn (spec §3.7, also used for `dag`, fixing §13.1): the initial queue holds the
 * zero-in-degree sessions sorted by id; children are released in the order they were found while
 * scanning the adjacency; any cyclic remainder is appended sorted by id.
 */
export function rootsFirstOrder(graph: ProvenanceGraph): { order: string[]; cyclic: string[] } {
  const inDegree = new Map<string, number>();
  const children = new Map<string, string[]>();
  for (const [child, parents] of graph.adjacency) {
    inDegree.set(child, parents.length);
    for (const parent of parents) {
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent)?.push(child);
    }
  }
  const queue = [...inDegree].filter(([, d]) => d === 0).map(([id]) => id).sort(compareIds);
  const order: string[] = [];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head];
    order.push(id);
    for (const child of children.get(id) ?? []) {
      const d = (inDegree.get(child) ?? 0) - 1;
      inDegree.set(child, d);
      if (d === 0) queue.push(child);
    }
  }
  const placed = new Set(order);
  const cyclic = [...graph.adjacency.keys()].filter((id) => !placed.has(id)).sort(compareIds);
  return { order: [...order, ...cyclic], cyclic };
}

/** Python string order (code points), not locale order. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function edgesOf(graph: ProvenanceGraph): [string, string][] {
  const edges: [string, string][] = [];
  for (const [child, parents] of graph.adjacency) for (const parent of parents) edges.push([parent, child]);
  return edges;
}
