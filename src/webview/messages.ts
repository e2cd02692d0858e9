/**
 * The one message contract between the DAG panel's host (src/extension/dagPanel.ts) and its
 * webview (./main.ts). Handshake: the webview posts `ready` once its script runs; only then does
 * the host post `render`. Every `render` carries a sequence number that the webview echoes in its
 * `rendered` / `renderFailed` report, so the host can tell the report of its latest render from
 * one of an earlier render still finishing (a settings change and a Show DAG can cross).
 * Everything crossing the boundary is plain JSON; the payload itself is the engine's diagram
 * contract (engine/mermaid/types.ts).
 */
import type { DagPayload } from '../engine/mermaid/types';

export type { DagEdgeRef, DagNodeRef, DagPayload, DagSource } from '../engine/mermaid/types';

export type HostToWebview = { type: 'render'; payload: DagPayload; seq: number };

export type ExportFormat = 'svg' | 'png';

export type WebviewToHost =
  | { type: 'ready' }
  /** `layout`: which renderer drew it (mermaid's layout or the layered renderer). */
  /** `seq`: the `render` this drew (0: a redraw from the webview's saved state). */
  | { type: 'rendered'; seq: number; nodeCount: number; fills: string[]; layout?: 'mermaid' | 'layered' }
  | { type: 'renderFailed'; seq: number; message: string }
  /** Open a graph file; `reveal` shows it in the explorer instead. */
  | { type: 'openFile'; path: string; reveal?: boolean; line?: number }
  | { type: 'showRun'; sessionId: string }
  /** Re-execute the run `sessionId`, or (without it) the DAG the panel shows. */
  | { type: 'rerun'; sessionId?: string }
  /** `data`: SVG text, or a PNG as base64 (no data: prefix). */
  | { type: 'export'; format: ExportFormat; data: string };

export function isWebviewToHost(value: unknown): value is WebviewToHost {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; path?: unknown; nodeCount?: unknown; message?: unknown };
  switch (m.type) {
    case 'ready':
      return true;
    case 'rendered':
      return typeof m.nodeCount === 'number' && typeof (m as { seq?: unknown }).seq === 'number';
    case 'renderFailed':
      return typeof m.message === 'string' && typeof (m as { seq?: unknown }).seq === 'number';
    case 'openFile':
      return typeof m.path === 'string';
    case 'showRun':
      return typeof (m as { sessionId?: unknown }).sessionId === 'string';
    case 'rerun': {
      const id = (m as { sessionId?: unknown }).sessionId;
      return id === undefined || typeof id === 'string';
    }
    case 'export': {
      const e = m as { format?: unknown; data?: unknown };
      return (e.format === 'svg' || e.format === 'png') && typeof e.data === 'string';
    }
    default:
      return false;
  }
}
