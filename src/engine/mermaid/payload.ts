/**
 * The DAG panel's (and standalone page's) payload from a diagram: its mermaid text plus the
 * node table the webview needs to make nodes clickable (file → path, run → session id).
 */
import { DIAGRAM_LEGEND, VERDICT_DIAGRAM_COLOUR, mermaidStyle } from '../present/colours';
import type { DagLayout, DagPayload, ProvenanceDiagram } from './types';
import { DIAGRAM_ICONS } from './upstreamStyle';

/**
 * The panel draws graphs whole up to this many nodes (the default of the `clew.dag.maxNodes`
 * setting; display callers pass it as `maxNodes`). Above it files collapse into their runs, then
 * only the nearest runs are kept. Large graphs are drawn by the webview's layered renderer, not
 * mermaid's layout (which overflows its stack on a 5,000-node chain): bench/render.ts.
 */
export const MAX_DIAGRAM_NODES = 10_000;

/** The most `clew.dag.maxNodes` may ask for: ~20,000 nodes already take seconds to draw. */
export const MAX_DIAGRAM_NODES_LIMIT = 20_000;

const LAYOUTS: readonly DagLayout[] = ['auto', 'mermaid', 'layered'];

/**
 * The DAG settings as the panel uses them: `clew.dag.maxNodes` (collapse above it; a whole number
 * from 10 to MAX_DIAGRAM_NODES_LIMIT, else the default) and `clew.dag.layout` (else `auto`).
 */
export function dagDisplaySettings(settings: { maxNodes?: unknown; layout?: unknown }): { maxNodes: number; layout: DagLayout } {
  const n = settings.maxNodes;
  const maxNodes = typeof n === 'number' && Number.isFinite(n) && n >= 10 ? Math.min(Math.floor(n), MAX_DIAGRAM_NODES_LIMIT) : MAX_DIAGRAM_NODES;
  const layout = LAYOUTS.find((l) => l === settings.layout) ?? 'auto';
  return { maxNodes, layout };
}

/**
 * The panel tells verdicts apart where upstream paints every failure red: a missing file, a node
 * that is only downstream of a change (amber: upstream's own, never used, `suspect` colour) and
 * one that cannot be checked (grey). Verified stays green and changed stays red, as upstream.
 */
export const VERDICT_CLASS_DEFS: Readonly<Record<string, string>> = {
  missing: mermaidStyle(VERDICT_DIAGRAM_COLOUR.missing),
  suspect: mermaidStyle(VERDICT_DIAGRAM_COLOUR.suspect),
  unknown: mermaidStyle(VERDICT_DIAGRAM_COLOUR.unknown),
};

/** Upstream's text plus one `class <id> clew_<verdict>` line per failed node whose verdict is finer. */
function withVerdictColours(diagram: ProvenanceDiagram): string {
  if (diagram.empty) return diagram.text;
  const lines = Object.entries(VERDICT_CLASS_DEFS).map(([verdict, style]) => `    classDef clew_${verdict} ${style}`);
  for (const n of diagram.nodes) {
    if (n.status === 'failed' && n.verdict in VERDICT_CLASS_DEFS) lines.push(`    class ${n.id} clew_${n.verdict}`);
  }
  return `${diagram.text}\n${lines.join('\n')}`;
}

const ICON_PATTERN = new RegExp(`"((?:[^\\s"]{1,2} )?)(?:${DIAGRAM_ICONS.map((i) => i.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')}) `, 'gu');

/**
 * What the panel and the HTML page draw: upstream's text without its file-type emoji, which a
 * browser without an emoji font (a server, a minimal Linux) draws as empty boxes. The node's shape
 * already tells a script from a file and the name carries its extension; the verdict glyphs
 * (✓ ✗ ○ …) are in every common text font. `clew mermaid` keeps upstream's text unchanged.
 */
export function withDisplayGlyphs(text: string): string {
  return text.replace(ICON_PATTERN, '"$1');
}

export function diagramPayload(diagram: ProvenanceDiagram, title: string): DagPayload {
  return {
    title: diagram.collapsed ? `${title} (${diagram.collapsed})` : diagram.empty ? `${title}: ${diagram.empty}` : title,
    mermaid: withDisplayGlyphs(withVerdictColours(diagram)),
    nodes: diagram.nodes.map((n) => ({
      id: n.id,
      kind: n.kind,
      label: n.name,
      verdict: n.verdict,
      ...(n.path ? { path: n.path } : {}),
      ...(n.sessionId ? { sessionId: n.sessionId } : {}),
      ...(n.line ? { line: n.line } : {}),
    })),
    edges: diagram.edges.map((e) => ({ source: e.source, target: e.target })),
    legend: DIAGRAM_LEGEND.map((l) => ({ ...l })),
  };
}
