/**
 * A layered (Sugiyama-style) layout for large DAGs, top to bottom, in linear-ish time and without
 * recursion, so 5,000-node chains do not overflow the stack as mermaid's dagre does. Pure: no DOM.
 *   1. cycles are broken by reversing DFS back edges (drawn with their arrow as recorded);
 *   2. ranks: longest path from the sources, then sources moved down next to their first consumer;
 *   3. edges spanning several ranks get dummy vertices (up to a budget; beyond it they are straight);
 *   4. order within ranks: barycenter sweeps, keeping the order with the fewest crossings;
 *   5. x: each rank placed as near its neighbours as the spacing allows (exact least squares by
 *      pool-adjacent-violators), alternating downward, upward and both-way passes.
 */

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
}

export interface LayoutEdge {
  source: string;
  target: string;
}

export interface Point {
  x: number;
  y: number;
}

/** A node's centre and size. */
export interface PlacedNode extends LayoutNode, Point {
  rank: number;
}

/** An edge as drawn, from its source's bottom to its target's top (through its dummies). */
export interface RoutedEdge extends LayoutEdge {
  points: Point[];
}

export interface Layout {
  nodes: PlacedNode[];
  edges: RoutedEdge[];
  width: number;
  height: number;
}

export interface LayeredOptions {
  /** Horizontal space between nodes of a rank. */
  nodeGap?: number;
  /** Vertical space between ranks. */
  rankGap?: number;
  margin?: number;
  /** Most dummy vertices created for long edges; longer edges beyond it are drawn straight. */
  maxDummies?: number;
  /** Ordering sweeps (each one down or up). */
  sweeps?: number;
}

/** Pool adjacent violators: the non-decreasing sequence nearest `target` (least squares). */
function isotonic(target: readonly number[]): number[] {
  const sums: number[] = [];
  const counts: number[] = [];
  for (const t of target) {
    sums.push(t);
    counts.push(1);
    while (sums.length > 1 && sums[sums.length - 2] / counts[counts.length - 2] > sums[sums.length - 1] / counts[counts.length - 1]) {
      const s = sums.pop() as number;
      const c = counts.pop() as number;
      sums[sums.length - 1] += s;
      counts[counts.length - 1] += c;
    }
  }
  const out: number[] = [];
  for (let b = 0; b < sums.length; b++) {
    const mean = sums[b] / counts[b];
    for (let k = 0; k < counts[b]; k++) out.push(mean);
  }
  return out;
}

/** Crossings between two adjacent ranks, by counting inversions with a Fenwick tree. */
function bilayerCrossings(upper: readonly number[], down: readonly (readonly number[])[], pos: ArrayLike<number>, lowerSize: number): number {
  const targets: number[] = [];
  for (const u of upper) {
    const ends = down[u].map((v) => pos[v]).sort((a, b) => a - b);
    for (const e of ends) targets.push(e);
  }
  const tree = new Array<number>(lowerSize + 1).fill(0);
  let crossings = 0;
  for (let i = 0; i < targets.length; i++) {
    // Edges seen so far that end to the right of this one cross it.
    let seenAtOrLeft = 0;
    for (let k = targets[i] + 1; k > 0; k -= k & -k) seenAtOrLeft += tree[k];
    crossings += i - seenAtOrLeft;
    for (let k = targets[i] + 1; k <= lowerSize; k += k & -k) tree[k] += 1;
  }
  return crossings;
}

export function layeredLayout(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], options: LayeredOptions = {}): Layout {
  const nodeGap = options.nodeGap ?? 30;
  const rankGap = options.rankGap ?? 50;
  const margin = options.margin ?? 8;
  const sweeps = options.sweeps ?? 6;
  const n = nodes.length;
  const maxDummies = options.maxDummies ?? Math.max(20_000, 4 * n);
  const index = new Map<string, number>();
  nodes.forEach((node, i) => index.set(node.id, i));

  // Edges by index; duplicates, self-loops and unknown ends are not drawn.
  const edgeEnds: [number, number][] = [];
  const kept: LayoutEdge[] = [];
  const seen = new Set<string>();
  for (const e of edges) {
    const u = index.get(e.source);
    const v = index.get(e.target);
    if (u === undefined || v === undefined || u === v) continue;
    const key = `${u}:${v}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edgeEnds.push([u, v]);
    kept.push({ source: e.source, target: e.target });
  }
  const outEdges: number[][] = Array.from({ length: n }, () => []);
  edgeEnds.forEach(([u], i) => outEdges[u].push(i));

  // 1. Break cycles: iterative DFS; an edge to a vertex still on the stack is reversed.
  const reversed = new Uint8Array(edgeEnds.length);
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  for (let start = 0; start < n; start++) {
    if (state[start] !== 0) continue;
    const stack: [number, number][] = [[start, 0]];
    state[start] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [u, next] = top;
      if (next < outEdges[u].length) {
        top[1] += 1;
        const e = outEdges[u][next];
        const v = edgeEnds[e][1];
        if (state[v] === 1) reversed[e] = 1;
        else if (state[v] === 0) {
          state[v] = 1;
          stack.push([v, 0]);
        }
      } else {
        state[u] = 2;
        stack.pop();
      }
    }
  }
  const from = (e: number) => (reversed[e] ? edgeEnds[e][1] : edgeEnds[e][0]);
  const to = (e: number) => (reversed[e] ? edgeEnds[e][0] : edgeEnds[e][1]);

  // 2. Ranks: longest path (Kahn's order), then sources pulled down to just above their consumers.
  const succ: number[][] = Array.from({ length: n }, () => []);
  const indegree = new Uint32Array(n);
  for (let e = 0; e < edgeEnds.length; e++) {
    succ[from(e)].push(to(e));
    indegree[to(e)] += 1;
  }
  const rank = new Int32Array(n);
  const topo: number[] = [];
  const remaining = Uint32Array.from(indegree);
  for (let v = 0; v < n; v++) if (remaining[v] === 0) topo.push(v);
  for (let i = 0; i < topo.length; i++) {
    const u = topo[i];
    for (const v of succ[u]) {
      if (rank[u] + 1 > rank[v]) rank[v] = rank[u] + 1;
      if (--remaining[v] === 0) topo.push(v);
    }
  }
  for (let i = topo.length - 1; i >= 0; i--) {
    const v = topo[i];
    if (indegree[v] !== 0 || succ[v].length === 0) continue;
    let nearest = Infinity;
    for (const w of succ[v]) nearest = Math.min(nearest, rank[w]);
    rank[v] = nearest - 1;
  }
  let maxRank = 0;
  for (let v = 0; v < n; v++) maxRank = Math.max(maxRank, rank[v]);

  // 3. Vertices: the nodes, then dummies along long edges (budget permitting).
  const vRank: number[] = Array.from(rank);
  const vWidth: number[] = nodes.map((node) => node.width);
  const up: number[][] = Array.from({ length: n }, () => []);
  const down: number[][] = Array.from({ length: n }, () => []);
  const chains: number[][] = new Array<number[]>(edgeEnds.length);
  let dummies = 0;
  for (let e = 0; e < edgeEnds.length; e++) {
    const a = from(e);
    const b = to(e);
    const span = rank[b] - rank[a];
    const chain = [a];
    if (span > 1 && dummies + span - 1 <= maxDummies) {
      for (let r = rank[a] + 1; r < rank[b]; r++) {
        const d = vRank.length;
        vRank.push(r);
        vWidth.push(0);
        up.push([]);
        down.push([]);
        chain.push(d);
      }
      dummies += span - 1;
    }
    chain.push(b);
    chains[e] = chain;
    // Only links between adjacent ranks steer the ordering; a straight long edge does not.
    for (let k = 0; k + 1 < chain.length; k++) {
      if (vRank[chain[k + 1]] - vRank[chain[k]] !== 1) continue;
      down[chain[k]].push(chain[k + 1]);
      up[chain[k + 1]].push(chain[k]);
    }
  }
  const total = vRank.length;
  const isDummy = (v: number) => v >= n;

  // 4. Order within ranks: barycenter sweeps from the input order.
  const layers: number[][] = Array.from({ length: maxRank + 1 }, () => []);
  for (let v = 0; v < total; v++) layers[vRank[v]].push(v);
  const pos = new Float64Array(total);
  const place = () => layers.forEach((layer) => layer.forEach((v, i) => (pos[v] = i)));
  place();
  const crossings = () => {
    let sum = 0;
    for (let r = 0; r < maxRank; r++) sum += bilayerCrossings(layers[r], down, pos, layers[r + 1].length);
    return sum;
  };
  let best = layers.map((l) => [...l]);
  let bestCrossings = maxRank > 0 ? crossings() : 0;
  for (let s = 0; s < sweeps && bestCrossings > 0; s++) {
    const downward = s % 2 === 0;
    for (let step = 1; step <= maxRank; step++) {
      const r = downward ? step : maxRank - step;
      const layer = layers[r];
      const key = new Map<number, number>();
      for (const v of layer) {
        const neighbours = downward ? up[v] : down[v];
        if (neighbours.length === 0) key.set(v, pos[v]);
        else {
          let sum = 0;
          for (const w of neighbours) sum += pos[w];
          key.set(v, sum / neighbours.length);
        }
      }
      layer.sort((a, b) => (key.get(a) as number) - (key.get(b) as number) || pos[a] - pos[b]);
      layer.forEach((v, i) => (pos[v] = i));
    }
    const now = crossings();
    if (now < bestCrossings) {
      bestCrossings = now;
      best = layers.map((l) => [...l]);
    }
  }
  best.forEach((layer, r) => (layers[r] = layer));
  place();

  // 5. x: spacing-preserving least-squares placement next to the neighbours.
  const x = new Float64Array(total);
  const gapAfter = (a: number, b: number) => (vWidth[a] + vWidth[b]) / 2 + (isDummy(a) || isDummy(b) ? nodeGap / 2 : nodeGap);
  for (const layer of layers) {
    let at = 0;
    layer.forEach((v, i) => {
      if (i > 0) at += gapAfter(layer[i - 1], v);
      x[v] = at;
    });
  }
  const passes: ('up' | 'down' | 'both')[] = ['up', 'down', 'up', 'both', 'both'];
  for (const pass of passes) {
    const order = pass === 'down' ? layers.map((_, r) => maxRank - r) : layers.map((_, r) => r);
    for (const r of order) {
      const layer = layers[r];
      if (layer.length === 0) continue;
      const offsets: number[] = [0];
      for (let i = 1; i < layer.length; i++) offsets.push(offsets[i - 1] + gapAfter(layer[i - 1], layer[i]));
      const target = layer.map((v, i) => {
        const neighbours = pass === 'up' ? up[v] : pass === 'down' ? down[v] : [...up[v], ...down[v]];
        if (neighbours.length === 0) return x[v] - offsets[i];
        let sum = 0;
        for (const w of neighbours) sum += x[w];
        return sum / neighbours.length - offsets[i];
      });
      isotonic(target).forEach((y, i) => (x[layer[i]] = y + offsets[i]));
    }
  }
  let left = Infinity;
  let right = -Infinity;
  for (let v = 0; v < total; v++) {
    left = Math.min(left, x[v] - vWidth[v] / 2);
    right = Math.max(right, x[v] + vWidth[v] / 2);
  }
  if (total === 0) left = right = 0;
  const shift = margin - left;

  // y: each rank as tall as its tallest node.
  const rankHeight = new Array<number>(maxRank + 1).fill(0);
  for (let v = 0; v < n; v++) rankHeight[rank[v]] = Math.max(rankHeight[rank[v]], nodes[v].height);
  const rankTop: number[] = [];
  let y = margin;
  for (let r = 0; r <= maxRank; r++) {
    rankTop.push(y);
    y += rankHeight[r] + (r < maxRank ? rankGap : 0);
  }

  const placed: PlacedNode[] = nodes.map((node, v) => ({ ...node, rank: rank[v], x: x[v] + shift, y: rankTop[rank[v]] + rankHeight[rank[v]] / 2 }));
  const routed: RoutedEdge[] = kept.map((edge, e) => {
    const chain = chains[e];
    const a = chain[0];
    const b = chain[chain.length - 1];
    const points: Point[] = [{ x: placed[a].x, y: placed[a].y + nodes[a].height / 2 }];
    for (let k = 1; k + 1 < chain.length; k++) {
      const d = chain[k];
      const r = vRank[d];
      points.push({ x: x[d] + shift, y: rankTop[r] }, { x: x[d] + shift, y: rankTop[r] + rankHeight[r] });
    }
    points.push({ x: placed[b].x, y: placed[b].y - nodes[b].height / 2 });
    return { ...edge, points: reversed[e] ? points.reverse() : points };
  });
  return { nodes: placed, edges: routed, width: right - left + 2 * margin, height: y + margin };
}
