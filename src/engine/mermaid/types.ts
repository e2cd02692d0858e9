/**
 * The diagram contracts, in a file of their own: what the engine draws (nodes, edges, the request
 * and the rendered diagram) and what crosses to the DAG panel's webview (the payload). Imported by
 * the engine, the extension and the webview (src/webview/messages.ts builds its messages on these),
 * so no front end's types flow back into the engine. Types only: nothing here runs.
 */
import type { RunVerification, VerificationStatus } from '../verify/types';
import type { PathMode } from './upstreamStyle';

/** Which runs to draw (upstream's modes) and how. */
export interface DiagramRequest extends Omit<RenderOptions, 'cwd'> {
  /** Single mode: this run and its primary-parent chain. */
  sessionId?: string;
  /** Single mode: the chain() behind this file. */
  targetFile?: string;
  /** Multi mode: the DAG behind these files. */
  targetFiles?: readonly string[];
  /** Multi mode: the DAG behind every claim's source. */
  claims?: boolean;
}

/** Upstream's groupers (spec §7.4) with their options in camelCase; `custom` (Python code) is refused. */
export type Grouper =
  | { type: 'identity' }
  | { type: 'drop_all_files' }
  | { type: 'session_bundle'; maxFiles: number }
  | { type: 'pattern'; regex: string; placeholder: string }
  | { type: 'directory'; minSize: number; depth: number }
  | { type: 'auto'; patternRegexes: string[]; directoryMin: number; bundleMax: number }
  | { type: 'compose'; steps: Grouper[] };

export type DiagramMode = 'all' | 'session' | 'target' | 'targets' | 'claims';

export interface DiagramNode {
  id: string;
  kind: 'run' | 'file' | 'group' | 'claim';
  /** Group nodes: the files they stand for. */
  members?: string[];
  /** Claim nodes: the manuscript line. */
  line?: number;
  /** Plain text (unescaped): script or file name as shown. */
  name: string;
  /** Script path of a run node, file path of a file node (as recorded). */
  path: string | null;
  sessionId?: string;
  /** Mermaid class, one of upstream's (`verified`, `failed`, `file_ok`, `file_bad`, …). */
  className: string;
  /** upstream's two-valued status. */
  status: 'verified' | 'failed';
  /** Clew's verdict: the node's own verification, or `suspect` when only something upstream failed. */
  verdict: VerificationStatus;
  hash: string | null;
}

export interface DiagramEdge {
  source: string;
  target: string;
  type: 'input' | 'output' | 'parent' | 'claim';
}

export interface ProvenanceDiagram {
  mode: DiagramMode;
  nodes: DiagramNode[];
  edges: DiagramEdge[];
  /** Set when there is nothing to draw (`No runs found`). */
  empty?: string;
  /** Set when `maxNodes` made the diagram leave something out; says what. */
  collapsed?: string;
  /** The mermaid text, lines joined with `\n`, no trailing newline (as upstream). */
  text: string;
}

/** The runs a diagram shows, already verified: the input of the pure renderer. */
export interface SelectedRuns {
  mode: DiagramMode;
  /** In upstream's list order (before the detailed diagram reverses it). */
  runs: RunVerification[];
  /** Runs whose newest rerun verdict is `verified` (single modes only). */
  scratch: ReadonlySet<string>;
  /** parent → child links between the listed runs (not needed in session mode). */
  edges?: [string, string][];
}

export interface RenderOptions {
  /** Default true; false draws one node per run. */
  showFiles?: boolean;
  showHashes?: boolean;
  pathMode?: PathMode;
  /** Reproduce upstream's known defects exactly (for comparing with scitex-clew's output). */
  upstreamQuirks?: boolean;
  /** Upstream's groupers (spec §7.4) that Clew implements; with one, file ids hash the full path. */
  grouper?: Grouper;
  /** Directory `relative` names are computed from. */
  cwd?: string;
  /**
   * For display: above this many nodes files are collapsed (one node per run), and above it in
   * runs only the runs nearest the targets are kept. `collapsed` in the result says what happened.
   */
  maxNodes?: number;
}

/** A diagram node as the webview needs it: what to open or show when it is clicked. */
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

/** What a diagram was drawn for, so it can be redrawn from fresh data (also after a reload). */
export interface DagSource {
  folder: string;
  targetFile?: string;
  manuscript?: string;
}

/**
 * How the webview draws: `mermaid`'s own layout, Clew's `layered` renderer (fast on thousands of
 * nodes), or `auto`: mermaid for small graphs, layered above webview/diagramModel.MERMAID_MAX_NODES.
 */
export type DagLayout = 'auto' | 'mermaid' | 'layered';

/** Everything the webview (panel or standalone page) draws: plain JSON. */
export interface DagPayload {
  title: string;
  mermaid: string;
  nodes: DagNodeRef[];
  /** Node id → node id, as drawn; the webview uses them to focus on a node's up- or downstream. */
  edges: DagEdgeRef[];
  /** What the colours mean (from the engine's colour table); the webview draws it as the legend. */
  legend: { colour: string; meaning: string }[];
  source?: DagSource;
  /** Set by the editor's panel in a trusted workspace: offer Rerun DAG / Rerun Run (never in the standalone page). */
  canRerun?: boolean;
  /** Default `auto`; the `clew.dag.layout` setting. The panel's layout button overrides it. */
  layout?: DagLayout;
}
