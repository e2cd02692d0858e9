/**
 * Upstream's mermaid diagram (spec §7): the same modes, run order, node ids, shapes, labels and
 * classes as scitex-clew's `mermaid()`, as text plus a node/edge model the panel and `--format
 * json` use. Fixed deliberately (spec §13.7/§13.8; `upstreamQuirks: true` reproduces each one,
 * which is how the conformance test proves these are the only differences):
 *   1. failure colour reaches every descendant, whatever the render order (upstream: one pass);
 *   2. two different files with the same basename get different nodes (upstream: one node);
 *   3. the no-files form draws the real edges between runs (upstream: a fake linear chain);
 *   4. file hashes compare as verification does, so legacy 32-character hashes are not red;
 *   5. a cycle in the primary-parent chain ends the walk (upstream: endless loop).
 * Always (not a quirk): ids carry only [A-Za-z0-9_] and labels are escaped and bounded.
 */
import { createHash } from 'node:crypto';
import type { RunVerification, FileVerification, VerificationStatus } from '../verify/types';
import { verifyChain, verifyDag, type VerifyContext } from '../verify/verify';
import { verifyRuns } from '../verify/runVerify';
import { getRun, recentRuns, type RunRow } from '../verify/rows';
import { parentsOf } from '../verify/graph';
import {
  UPSTREAM_CLASS_DEFS,
  basenameFileId,
  displayName,
  fullPathFileId,
  iconFor,
  labelText,
  sessionNodeId,
  shortRunId,
  type PathMode,
} from './upstreamStyle';

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

export type Grouper = { type: 'identity' } | { type: 'drop_all_files' } | { type: 'session_bundle'; maxFiles: number };

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

const ALL_RUNS_LIMIT = 500;

/** Spec §3.11: [S, parent(S), parent(parent(S)), …] along runs.parent_session. */
function primaryParentChain(ctx: VerifyContext, sessionId: string, quirks: boolean): RunRow[] {
  const chain: RunRow[] = [];
  const seen = new Set<string>();
  let current = getRun(ctx.view, sessionId);
  // Upstream has no cycle guard; even in quirk mode we stop, at a bound, rather than hang.
  const bound = quirks ? 10_000 : Number.POSITIVE_INFINITY;
  while (current && !seen.has(current.session_id) && chain.length < bound) {
    chain.push(current);
    seen.add(current.session_id);
    current = current.parent_session ? getRun(ctx.view, current.parent_session) : undefined;
  }
  return chain;
}

function verifiedFromScratch(ctx: VerifyContext, sessionIds: readonly string[]): Set<string> {
  const scratch = new Set<string>();
  if (!ctx.view.hasTable('verification_results')) return scratch;
  for (const id of sessionIds) {
    const newest = ctx.view.get<{ level: string; status: string }>(
      'SELECT level, status FROM verification_results WHERE session_id = ? ORDER BY verified_at DESC, id DESC LIMIT 1',
      [id],
    );
    if (newest?.level === 'rerun' && newest.status === 'verified') scratch.add(id);
  }
  return scratch;
}

async function selectRuns(ctx: VerifyContext, request: DiagramRequest): Promise<SelectedRuns> {
  const quirks = Boolean(request.upstreamQuirks);
  if ((request.targetFiles && request.targetFiles.length > 0) || request.claims) {
    const dag = await verifyDag(ctx, request.claims ? { claims: true } : { targets: request.targetFiles });
    return { mode: request.claims ? 'claims' : 'targets', runs: dag.runs, scratch: new Set(), edges: dag.edges };
  }
  let mode: DiagramMode;
  let runs: RunVerification[];
  if (request.targetFile !== undefined) {
    mode = 'target';
    runs = (await verifyChain(ctx, request.targetFile)).runs;
  } else if (request.sessionId !== undefined) {
    mode = 'session';
    runs = await verifyRuns(ctx.view, ctx.hasher, primaryParentChain(ctx, request.sessionId, quirks), { ...ctx, propagate: true });
  } else {
    mode = 'all';
    runs = await verifyRuns(ctx.view, ctx.hasher, recentRuns(ctx.view, ALL_RUNS_LIMIT), { ...ctx, propagate: true });
  }
  const listed = new Set(runs.map((r) => r.session_id));
  const edges: [string, string][] = [];
  for (const run of runs) for (const parent of parentsOf(ctx.view, run.session_id)) if (listed.has(parent)) edges.push([parent, run.session_id]);
  return { mode, runs, scratch: verifiedFromScratch(ctx, runs.map((r) => r.session_id)), edges };
}

/** Builds the diagram for a request: runs are verified through `ctx` (hashes, cache) first. */
export async function provenanceDiagram(ctx: VerifyContext, request: DiagramRequest = {}): Promise<ProvenanceDiagram> {
  const selected = await selectRuns(ctx, request);
  return renderDiagram(selected, { ...request, cwd: ctx.cwd });
}

/** Which end of the list is nearest the targets, per mode (kept when runs must be cut). */
function nearestRuns(selected: SelectedRuns, keep: number): RunVerification[] {
  const newestFirst = selected.mode === 'all' || selected.mode === 'session';
  return newestFirst ? selected.runs.slice(0, keep) : selected.runs.slice(-keep);
}

/** Files per side above which a large diagram bundles them (upstream's session_bundle default). */
const PANEL_BUNDLE_SIZE = 3;

/** How many file and bundle nodes a session_bundle grouper would draw. */
function bundledNodeCount(runs: readonly RunVerification[], maxFiles: number): number {
  const ids = new Set<string>();
  for (const run of runs) {
    for (const role of ['input', 'output'] as const) {
      const files = dataFiles(run, role);
      if (files.length > maxFiles) ids.add(`group:${membersRoot(files.map((f) => f.expected_hash))}`);
      else for (const f of files) ids.add(f.path);
    }
  }
  return ids.size;
}

/** Pure: the diagram of already verified runs. */
export function renderDiagram(selected: SelectedRuns, options: RenderOptions = {}): ProvenanceDiagram {
  if (selected.runs.length === 0) {
    return { mode: selected.mode, nodes: [], edges: [], empty: 'No runs found', text: 'graph TD\n    empty["No runs found"]' };
  }
  const resolved: ResolvedOptions = {
    ...(options.grouper ? { grouper: options.grouper } : {}),
    showHashes: Boolean(options.showHashes),
    pathMode: options.pathMode ?? 'name',
    quirks: Boolean(options.upstreamQuirks),
    cwd: options.cwd ?? process.cwd(),
  };
  let showFiles = options.showFiles !== false;
  let shown = selected;
  let collapsed: string | undefined;
  const max = options.maxNodes;
  if (max !== undefined) {
    const fileCount = new Set(selected.runs.flatMap((r) => r.files.filter((f) => f.role !== 'script').map((f) => f.path))).size;
    if (showFiles && !resolved.grouper && selected.runs.length + fileCount > max) {
      // First try upstream's grouper idea: bundle a run's files when it has many.
      const bundled = bundledNodeCount(selected.runs, PANEL_BUNDLE_SIZE);
      if (selected.runs.length + bundled <= max) {
        resolved.grouper = { type: 'session_bundle', maxFiles: PANEL_BUNDLE_SIZE };
        collapsed = `runs with more than ${PANEL_BUNDLE_SIZE} inputs or outputs show them as one bundle`;
      } else {
        showFiles = false;
        collapsed = `${fileCount} files collapsed into their runs`;
      }
    }
    if (selected.runs.length > max) {
      const runs = nearestRuns(selected, max);
      const kept = new Set(runs.map((r) => r.session_id));
      shown = { ...selected, runs, edges: selected.edges?.filter(([p, c]) => kept.has(p) && kept.has(c)) };
      collapsed = `showing the ${max} runs nearest the targets of ${selected.runs.length}, files collapsed`;
    }
  }
  const diagram = showFiles ? detailedDiagram(shown, resolved) : simpleDiagram(shown, resolved);
  return collapsed ? { ...diagram, collapsed } : diagram;
}

interface ResolvedOptions {
  grouper?: Grouper;
  showHashes: boolean;
  pathMode: PathMode;
  quirks: boolean;
  cwd: string;
}

function finish(mode: DiagramMode, lines: string[], nodes: DiagramNode[], edges: DiagramEdge[]): ProvenanceDiagram {
  lines.push('', ...UPSTREAM_CLASS_DEFS.map((c) => `    ${c}`));
  return { mode, nodes, edges, text: lines.join('\n') };
}

function dataFiles(run: RunVerification, role: 'input' | 'output'): FileVerification[] {
  return run.files.filter((f) => f.role === role);
}

/** Upstream compares exactly (and skips frozen files); fixed: the verification verdict. */
function fileFails(file: FileVerification, quirks: boolean): boolean {
  if (quirks) return !file.frozen && (file.current_hash === null || file.current_hash !== file.expected_hash);
  return file.status === 'mismatch' || file.status === 'missing';
}

/** Paths that fail, then the outputs of every run reading a failed path (spec §7.2 steps 1–2). */
function failedPaths(runs: readonly RunVerification[], quirks: boolean): Set<string> {
  const failed = new Set<string>();
  for (const run of runs) for (const f of run.files) if (f.role !== 'script' && fileFails(f, quirks)) failed.add(f.path);
  const spread = (): boolean => {
    let grew = false;
    for (const run of runs) {
      if (!dataFiles(run, 'input').some((f) => failed.has(f.path))) continue;
      for (const out of dataFiles(run, 'output')) {
        if (!failed.has(out.path)) {
          failed.add(out.path);
          grew = true;
        }
      }
    }
    return grew;
  };
  if (quirks) spread();
  else while (spread());
  return failed;
}

/** Fixed ids: the upstream id unless two different paths in this diagram share the basename. */
function fileIdAssigner(runs: readonly RunVerification[], quirks: boolean): (filePath: string) => string {
  if (quirks) return basenameFileId;
  const pathsById = new Map<string, Set<string>>();
  for (const run of runs) {
    for (const f of run.files) {
      if (f.role === 'script') continue;
      const id = basenameFileId(f.path);
      const paths = pathsById.get(id) ?? new Set<string>();
      paths.add(f.path);
      pathsById.set(id, paths);
    }
  }
  return (filePath) => {
    const id = basenameFileId(filePath);
    return (pathsById.get(id)?.size ?? 0) > 1 ? fullPathFileId(filePath) : id;
  };
}

function label(parts: readonly string[]): string {
  return parts.map(labelText).join('<br/>');
}

function hashSuffix(hash: string | null, show: boolean): string[] {
  return show && hash ? [`${hash.slice(0, 8)}...`] : [];
}

function detailedDiagram(selected: SelectedRuns, options: ResolvedOptions): ProvenanceDiagram {
  const runs = [...selected.runs].reverse();
  const failed = failedPaths(runs, options.quirks);
  const fileId = options.grouper ? fullPathFileId : fileIdAssigner(runs, options.quirks);
  const lines = ['graph TD'];
  const nodes: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];
  const seenFiles = new Set<string>();
  const seenEdges = new Set<string>();
  const addEdge = (source: string, target: string, type: DiagramEdge['type']): void => {
    const key = `${source}\u0000${target}`;
    if (seenEdges.has(key)) return;
    seenEdges.add(key);
    edges.push({ source, target, type });
    lines.push(`    ${source} --> ${target}`);
  };

  runs.forEach((run, i) => {
    const scriptId = `script_${i}`;
    const hasFailedInput = dataFiles(run, 'input').some((f) => failed.has(f.path));
    const scratch = selected.scratch.has(run.session_id) && run.is_verified && !hasFailedInput;
    const verified = run.is_verified && !hasFailedInput;
    const isException = run.provenance === 'exception';
    const className = hasFailedInput ? 'failed' : scratch ? 'verified_scratch' : verified ? (isException ? 'exception' : 'verified') : 'failed';
    const name = displayName(run.script_path, options.pathMode, options.cwd);
    const scriptHash = run.files.find((f) => f.role === 'script')?.expected_hash ?? null;
    const parts = [`${scratch ? '✓✓' : verified ? '✓' : '✗'} ${iconFor(run.script_path ?? '')} ${name}`, `(RUN: ${shortRunId(run.session_id)})`];
    parts.push(...hashSuffix(scriptHash, options.showHashes));
    if (isException) parts.push(`[exception: ${run.exception_reason || 'no reason given'}]`);
    lines.push(`    ${scriptId}["${label(parts)}"]:::${className}`);
    const runVerdict: VerificationStatus = run.is_verified && hasFailedInput ? 'suspect' : run.status;
    nodes.push({ id: scriptId, kind: 'run', name, path: run.script_path, sessionId: run.session_id, className, status: verified ? 'verified' : 'failed', verdict: runVerdict, hash: scriptHash });

    for (const role of ['input', 'output'] as const) {
      const files = options.grouper?.type === 'drop_all_files' ? [] : dataFiles(run, role);
      if (options.grouper?.type === 'session_bundle' && files.length > options.grouper.maxFiles) {
        const group = groupNode(role, files, failed, options);
        if (!seenFiles.has(group.node.id)) {
          seenFiles.add(group.node.id);
          nodes.push(group.node);
          lines.push(group.line);
        }
        if (role === 'input') addEdge(group.node.id, scriptId, 'input');
        else addEdge(scriptId, group.node.id, 'output');
        continue;
      }
      for (const file of files) {
        const id = fileId(file.path);
        if (!seenFiles.has(id)) {
          seenFiles.add(id);
          const node = fileNode(id, file, failed.has(file.path), role === 'output' && selected.scratch.has(run.session_id) && run.is_verified, options);
          nodes.push(node);
          const suffix = [...hashSuffix(file.expected_hash, options.showHashes), ...(node.className === 'file_frozen' ? ['(frozen, not re-hashed)'] : [])];
          lines.push(`    ${id}[("${label([`${badgeOf(node.className)} ${iconFor(file.path)} ${node.name}`, ...suffix])}")]:::${node.className}`);
        }
        if (role === 'input') addEdge(id, scriptId, 'input');
        else addEdge(scriptId, id, 'output');
      }
    }
  });
  return finish(selected.mode, lines, nodes, edges);
}

/**
 * Upstream's session_bundle group (spec §7.4): one trapezoid for a run's inputs (or outputs) when
 * there are more than max_files; id = the first 12 hex of sha256 over the sorted member hashes'
 * bytes, so the same set of files read by one run and written by another is one node.
 */
function groupNode(role: 'input' | 'output', members: readonly FileVerification[], failed: ReadonlySet<string>, options: ResolvedOptions): { node: DiagramNode; line: string } {
  const root = membersRoot(members.map((m) => m.expected_hash));
  const bad = members.some((m) => failed.has(m.path) || fileFails(m, options.quirks));
  const className = bad ? 'file_bad' : 'file_ok';
  const name = `${role} bundle (×${members.length})`;
  const parts = [`${bad ? '⚠' : '✓'} 🗂️ ${name}`, ...(options.showHashes ? [`root=${root.slice(0, 8)}...`] : [])];
  const ownFailure = members.find((m) => m.status === 'mismatch' || m.status === 'missing');
  return {
    node: {
      id: `group_${root.slice(0, 12)}`,
      kind: 'group',
      name,
      path: null,
      members: members.map((m) => m.path),
      className,
      status: bad ? 'failed' : 'verified',
      verdict: ownFailure ? ownFailure.status : bad ? 'suspect' : 'verified',
      hash: root,
    },
    line: `    group_${root.slice(0, 12)}[/"${label(parts)}"\\]:::${className}`,
  };
}

function membersRoot(hashes: readonly string[]): string {
  const sha = createHash('sha256');
  // Upstream decodes each hex hash to bytes; a corrupt non-hex value is hashed as text instead.
  for (const h of [...hashes].sort()) sha.update(/^([0-9a-f]{2})*$/i.test(h) ? Buffer.from(h, 'hex') : Buffer.from(h, 'utf8'));
  return sha.digest('hex');
}

function badgeOf(fileClass: string): string {
  return fileClass === 'file_bad' ? '✗' : fileClass === 'file_rerun' ? '✓✓' : '✓';
}

function fileNode(id: string, file: FileVerification, inFailed: boolean, rerunOutput: boolean, options: ResolvedOptions): DiagramNode {
  const bad = inFailed || fileFails(file, options.quirks);
  const className = bad ? 'file_bad' : file.frozen ? 'file_frozen' : rerunOutput ? 'file_rerun' : 'file_ok';
  const ownFailure = file.status === 'mismatch' || file.status === 'missing';
  const verdict: VerificationStatus = ownFailure ? file.status : bad ? 'suspect' : file.status;
  return {
    id,
    kind: 'file',
    name: displayName(file.path, options.pathMode, options.cwd),
    path: file.path,
    className,
    status: bad ? 'failed' : 'verified',
    verdict,
    hash: file.expected_hash || null,
  };
}

/**
 * Spec §7.3: one node per run, in list order. Fixed: outside session mode the edges are the real
 * parent → child links between the listed runs, and a run below a failed run is drawn failed.
 */
function simpleDiagram(selected: SelectedRuns, options: ResolvedOptions): ProvenanceDiagram {
  const runs = selected.runs;
  const pairs: [string, string][] = [];
  if (options.quirks || selected.mode === 'session') {
    for (let i = 0; i + 1 < runs.length; i++) pairs.push([runs[i + 1].session_id, runs[i].session_id]);
  } else {
    pairs.push(...(selected.edges ?? []));
  }
  const failed = new Set(runs.filter((r) => !r.is_verified).map((r) => r.session_id));
  if (!options.quirks) {
    let grew = true;
    while (grew) {
      grew = false;
      for (const [parent, child] of pairs) {
        if (failed.has(parent) && !failed.has(child)) {
          failed.add(child);
          grew = true;
        }
      }
    }
  }
  const lines = ['graph TD'];
  const nodes: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];
  for (const run of runs) {
    const id = sessionNodeId(run.session_id);
    const name = displayName(run.script_path, options.pathMode, options.cwd);
    const isFailed = failed.has(run.session_id);
    const className = isFailed ? 'failed' : 'verified';
    lines.push(`    ${id}["${labelText(name)}"]:::${className}`);
    const scriptHash = run.files.find((f) => f.role === 'script')?.expected_hash ?? null;
    const verdict: VerificationStatus = isFailed && run.is_verified ? 'suspect' : run.status;
    nodes.push({ id, kind: 'run', name, path: run.script_path, sessionId: run.session_id, className, status: isFailed ? 'failed' : 'verified', verdict, hash: scriptHash });
  }
  for (const [parent, child] of pairs) {
    const source = sessionNodeId(parent);
    const target = sessionNodeId(child);
    edges.push({ source, target, type: 'parent' });
    lines.push(`    ${source} --> ${target}`);
  }
  return finish(selected.mode, lines, nodes, edges);
}
