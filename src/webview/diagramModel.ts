/**
 * The mermaid text Clew's engine writes (engine/mermaid/diagramText.ts, claimsOverlay.ts), read
 * back into nodes, edges and class styles for the panel's own renderer of large graphs, and the
 * choice between that renderer and mermaid. Only the engine's small subset of the flowchart
 * grammar is read: `id["…"]`, `id[("…")]`, `id{{"…"}}`, `id[/"…"\]`, each with an optional
 * `:::class`; `a --> b`; `class id name`; `classDef name k:v,…`. Pure: no DOM.
 */
import type { DagLayout } from '../engine/mermaid/types';

export type NodeShape = 'rect' | 'cylinder' | 'hexagon' | 'trapezoid';

export interface ModelNode {
  id: string;
  shape: NodeShape;
  /** Label lines as plain text (mermaid's `#NN;` entity codes decoded, `<br/>` split). */
  lines: string[];
  /** Mermaid classes in the order applied (`:::` first, then `class` statements). */
  classes: string[];
}

export interface DiagramModel {
  nodes: ModelNode[];
  edges: { source: string; target: string }[];
  /** classDef name → CSS properties (`fill`, `stroke`, `stroke-width`, `color`, …). */
  classDefs: Map<string, Map<string, string>>;
}

const SHAPES: readonly [NodeShape, RegExp][] = [
  ['cylinder', /^\s*(\w+)\[\("(.*)"\)\](?::::(\w+))?\s*$/],
  ['hexagon', /^\s*(\w+)\{\{"(.*)"\}\}(?::::(\w+))?\s*$/],
  ['trapezoid', /^\s*(\w+)\[\/"(.*)"\\\](?::::(\w+))?\s*$/],
  ['rect', /^\s*(\w+)\["(.*)"\](?::::(\w+))?\s*$/],
];

/** `#34;` → `"`: how the engine writes characters that would be markup (upstreamStyle.labelText). */
export function decodeLabel(label: string): string[] {
  return label.split('<br/>').map((line) => line.replace(/#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code))));
}

export function parseDiagram(text: string): DiagramModel {
  const nodes: ModelNode[] = [];
  const byId = new Map<string, ModelNode>();
  const edges: DiagramModel['edges'] = [];
  const classDefs = new Map<string, Map<string, string>>();
  const lateClasses: [string, string][] = [];
  const node = (id: string): ModelNode => {
    let found = byId.get(id);
    if (!found) {
      // Mermaid draws a node that is only named in an edge as a box labelled with its id.
      found = { id, shape: 'rect', lines: [id], classes: [] };
      byId.set(id, found);
      nodes.push(found);
    }
    return found;
  };
  for (const line of text.split('\n')) {
    const edge = /^\s*(\w+) --> (\w+)\s*$/.exec(line);
    if (edge) {
      node(edge[1]);
      node(edge[2]);
      edges.push({ source: edge[1], target: edge[2] });
      continue;
    }
    const classed = /^\s*class (\w+) (\w+)\s*$/.exec(line);
    if (classed) {
      lateClasses.push([classed[1], classed[2]]);
      continue;
    }
    const def = /^\s*classDef (\w+) (.+?)\s*$/.exec(line);
    if (def) {
      const props = new Map<string, string>();
      for (const pair of def[2].split(',')) {
        const colon = pair.indexOf(':');
        if (colon > 0) props.set(pair.slice(0, colon).trim(), pair.slice(colon + 1).trim());
      }
      classDefs.set(def[1], props);
      continue;
    }
    for (const [shape, pattern] of SHAPES) {
      const m = pattern.exec(line);
      if (!m) continue;
      const existing = byId.get(m[1]);
      const target = existing ?? node(m[1]);
      target.shape = shape;
      target.lines = decodeLabel(m[2]);
      if (m[3]) target.classes.push(m[3]);
      break;
    }
  }
  for (const [id, cls] of lateClasses) byId.get(id)?.classes.push(cls);
  return { nodes, edges, classDefs };
}

/** The CSS of a node: its classes' classDefs merged, later classes winning. */
export function nodeStyle(model: DiagramModel, node: ModelNode): Map<string, string> {
  const style = new Map<string, string>();
  for (const cls of node.classes) for (const [k, v] of model.classDefs.get(cls) ?? []) style.set(k, v);
  return style;
}

/**
 * Mermaid lays out and draws node by node, measuring each label in the DOM: ~6 ms a node here
 * (bench/render.ts), so 500 nodes take ~3 s and its dagre layout overflows the stack on 5,000.
 * Above this many nodes the panel draws with its own layered layout (webview/layered.ts).
 */
export const MERMAID_MAX_NODES = 150;

/** Mermaid's layout is drawn on request up to this many nodes (~6 s); above, never. */
export const MERMAID_ON_REQUEST_MAX = 1000;

/**
 * `auto` (the default): mermaid up to MERMAID_MAX_NODES nodes, the layered renderer above;
 * `mermaid` only up to MERMAID_ON_REQUEST_MAX nodes.
 */
export function rendererFor(nodeCount: number, choice: DagLayout = 'auto'): 'mermaid' | 'layered' {
  if (choice === 'layered') return 'layered';
  return nodeCount > (choice === 'mermaid' ? MERMAID_ON_REQUEST_MAX : MERMAID_MAX_NODES) ? 'layered' : 'mermaid';
}
