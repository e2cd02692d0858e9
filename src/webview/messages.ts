/**
 * The one message contract between the DAG panel's host (src/extension/dagPanel.ts) and its
 * webview (./main.ts). Handshake: the webview posts `ready` once its script runs; only then does
 * the host post `render`. Everything crossing the boundary is plain JSON.
 */
export interface DagNodeRef {
  /** Mermaid node id as it appears in the diagram text. */
  id: string;
  kind: 'run' | 'file';
  /** Absolute path of a file node (clicking opens it); the script for a run node. */
  path?: string;
  label: string;
}

export interface DagPayload {
  title: string;
  mermaid: string;
  nodes: DagNodeRef[];
}

export type HostToWebview = { type: 'render'; payload: DagPayload };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'rendered'; nodeCount: number; fills: string[] }
  | { type: 'renderFailed'; message: string }
  | { type: 'openFile'; path: string };

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
    default:
      return false;
  }
}
