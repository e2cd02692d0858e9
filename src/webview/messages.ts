/**
 * The one message contract between the DAG panel's host (src/extension/dagPanel.ts) and its
 * webview (./main.ts). Handshake: the webview posts `ready` once its script runs; only then does
 * the host post `render`. Everything crossing the boundary is plain JSON.
 */
export interface DagNodeRef {
  /** Mermaid node id as it appears in the diagram text. */
  id: string;
  /** group: several files drawn as one node (a grouper bundle). */
  kind: 'run' | 'file' | 'group' | 'claim';
  /** Absolute path of a file node (clicking opens it); the script for a run node. */
  path?: string;
  /** Session id of a run node (clicking shows the run). */
  sessionId?: string;
  /** Claim nodes: the manuscript line (clicking opens the manuscript there). */
  line?: number;
  label: string;
  /** verified | mismatch | missing | unknown | suspect (suspect: only something upstream failed). */
  verdict: string;
}

export interface DagEdgeRef {
  source: string;
  target: string;
}

export interface DagPayload {
  title: string;
  mermaid: string;
  nodes: DagNodeRef[];
  /** Node id → node id, as drawn; the webview uses them to focus on a node's up- or downstream. */
  edges: DagEdgeRef[];
  /** What the colours mean (from the engine's colour table); the webview draws it as the legend. */
  legend: { colour: string; meaning: string }[];
  /** What was asked for, so the host can redraw it when files or the store change (and after a reload). */
  source?: { folder: string; targetFile?: string; manuscript?: string };
}

export type HostToWebview = { type: 'render'; payload: DagPayload };

export type ExportFormat = 'svg' | 'png';

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'rendered'; nodeCount: number; fills: string[] }
  | { type: 'renderFailed'; message: string }
  /** Open a graph file; `reveal` shows it in the explorer instead. */
  | { type: 'openFile'; path: string; reveal?: boolean; line?: number }
  | { type: 'showRun'; sessionId: string }
  /** `data`: SVG text, or a PNG as base64 (no data: prefix). */
  | { type: 'export'; format: ExportFormat; data: string };

export function isWebviewToHost(value: unknown): value is WebviewToHost {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; path?: unknown; nodeCount?: unknown; message?: unknown };
  switch (m.type) {
    case 'ready':
      return true;
    case 'rendered':
      return typeof m.nodeCount === 'number';
    case 'renderFailed':
      return typeof m.message === 'string';
    case 'openFile':
      return typeof m.path === 'string';
    case 'showRun':
      return typeof (m as { sessionId?: unknown }).sessionId === 'string';
    case 'export': {
      const e = m as { format?: unknown; data?: unknown };
      return (e.format === 'svg' || e.format === 'png') && typeof e.data === 'string';
    }
    default:
      return false;
  }
}
