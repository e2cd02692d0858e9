/**
 * The DAG panel's (and standalone page's) payload from a diagram: its mermaid text plus the
 * node table the webview needs to make nodes clickable (file → path, run → session id).
 */
import type { DagPayload } from '../../webview/messages';
import type { ProvenanceDiagram } from './provenanceDiagram';

/**
 * Above this many nodes mermaid's layout gets slow and, for deep chains, overflows its stack
 * (bench/render.ts: a 5,000-node chain fails). Display callers pass it as `maxNodes`.
 */
export const MAX_DIAGRAM_NODES = 1000;

export function diagramPayload(diagram: ProvenanceDiagram, title: string): DagPayload {
  return {
    title: diagram.collapsed ? `${title} (${diagram.collapsed})` : diagram.empty ? `${title}: ${diagram.empty}` : title,
    mermaid: diagram.text,
    nodes: diagram.nodes.map((n) => ({
      id: n.id,
      kind: n.kind,
      label: n.name,
      verdict: n.verdict,
      ...(n.path ? { path: n.path } : {}),
      ...(n.sessionId ? { sessionId: n.sessionId } : {}),
    })),
    edges: diagram.edges.map((e) => ({ source: e.source, target: e.target })),
  };
}
