/**
 * Upstream's mermaid diagram (spec §7): the same modes, run order, node ids, shapes, labels and
 * classes as scitex-clew's `mermaid()`, as text plus a node/edge model the panel and `--format
 * json` use. Fixed deliberately (spec §13.7/§13.8; `upstreamQuirks: true` reproduces 1–4,
 * which is how the conformance test proves these are the only differences):
 *   1. failure colour reaches every descendant, whatever the render order (upstream: one pass);
 *   2. two different files with the same basename get different nodes (upstream: one node);
 *   3. the no-files form draws the real edges between runs (upstream: a fake linear chain);
 *   4. file hashes compare as verification does, so legacy 32-character hashes are not red;
 *   5. a cycle in the primary-parent chain ends the walk (upstream: endless loop; in both modes).
 * Always (not a quirk): ids carry only [A-Za-z0-9_] and labels are escaped and bounded.
 */
import type { RunVerification } from '../verify/types';
import type { VerifyContext } from '../verify/verify';
import { dataFiles, detailedDiagram, membersRoot, simpleDiagram, type ResolvedOptions } from './diagramText';
import { applyGrouper, isGroup } from './groupers';
import { selectRuns } from './selectRuns';
import type { DiagramRequest, Grouper, ProvenanceDiagram, RenderOptions, SelectedRuns } from './types';

export type { DiagramEdge, DiagramMode, DiagramNode, DiagramRequest, Grouper, ProvenanceDiagram, RenderOptions, SelectedRuns } from './types';

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

/** How many file and group nodes `grouper` would draw (groups are one node per member set). */
function groupedNodeCount(runs: readonly RunVerification[], grouper: Grouper): number {
  const ids = new Set<string>();
  for (const run of runs) {
    for (const role of ['input', 'output'] as const) {
      for (const item of applyGrouper(grouper, role, dataFiles(run, role))) ids.add(isGroup(item) ? `group:${membersRoot(item.members.map((f) => f.expected_hash))}` : item.path);
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
      const bundles: Grouper = { type: 'session_bundle', maxFiles: PANEL_BUNDLE_SIZE };
      if (selected.runs.length + groupedNodeCount(selected.runs, bundles) <= max) {
        resolved.grouper = bundles;
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

