/**
 * Rendering verified runs as upstream's mermaid text (spec §7.2–§7.4) and as the node/edge model:
 * the detailed diagram (scripts, files, grouper groups) and the no-files one. Pure.
 */
import { createHash } from 'node:crypto';
import type { RunVerification, FileVerification, VerificationStatus } from '../verify/types';
import type { DiagramEdge, DiagramMode, DiagramNode, Grouper, ProvenanceDiagram, SelectedRuns } from './types';
import { applyGrouper, isGroup, type FileGroup, type Grouped } from './groupers';
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

export interface ResolvedOptions {
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

export function dataFiles(run: RunVerification, role: 'input' | 'output'): FileVerification[] {
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

export function detailedDiagram(selected: SelectedRuns, options: ResolvedOptions): ProvenanceDiagram {
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

    const rerunOutputs = selected.scratch.has(run.session_id) && run.is_verified;
    for (const role of ['input', 'output'] as const) {
      // A node is drawn the first time its id appears; later appearances only add edges.
      const place = (id: string, make: () => DrawnNode): void => {
        if (!seenFiles.has(id)) {
          seenFiles.add(id);
          const drawn = make();
          nodes.push(drawn.node);
          lines.push(drawn.line);
        }
        if (role === 'input') addEdge(id, scriptId, 'input');
        else addEdge(scriptId, id, 'output');
      };
      const files = dataFiles(run, role);
      const items: Grouped<FileVerification>[] = options.grouper ? applyGrouper(options.grouper, role, files) : files;
      for (const item of items) {
        if (isGroup(item)) {
          const group = groupNode(item, failed, role === 'output' && rerunOutputs, options);
          place(group.node.id, () => group);
          continue;
        }
        const id = fileId(item.path);
        place(id, () => fileNode(id, item, failed.has(item.path), role === 'output' && rerunOutputs, options));
      }
    }
  });
  return finish(selected.mode, lines, nodes, edges);
}

/** A node of the model and its line in the text. */
interface DrawnNode {
  node: DiagramNode;
  line: string;
}

/**
 * A grouper's group (spec §7.4): one trapezoid; id = the first 12 hex of sha256 over the sorted
 * member hashes' bytes, so the same set of files read by one run and written by another is one
 * node. ⚠ when any member failed; as for single files, a rerun-verified run's outputs are ✓✓ and
 * frozen members (trusted, not re-hashed) are said to be.
 */
function groupNode(group: FileGroup<FileVerification>, failed: ReadonlySet<string>, rerunOutput: boolean, options: ResolvedOptions): DrawnNode {
  const members = group.members;
  const root = membersRoot(members.map((m) => m.expected_hash));
  const bad = members.some((m) => failed.has(m.path) || fileFails(m, options.quirks));
  const frozen = !options.quirks && members.some((m) => m.frozen);
  const className = bad ? 'file_bad' : frozen ? 'file_frozen' : rerunOutput && !options.quirks ? 'file_rerun' : 'file_ok';
  const badge = bad ? '⚠' : className === 'file_rerun' ? '✓✓' : '✓';
  const parts = [
    `${badge} 🗂️ ${group.label}`,
    ...(options.showHashes ? [`root=${root.slice(0, 8)}...`] : []),
    ...(className === 'file_frozen' ? ['(frozen members, not re-hashed)'] : []),
  ];
  const ownFailure = members.find((m) => m.status === 'mismatch' || m.status === 'missing');
  return {
    node: {
      id: `group_${root.slice(0, 12)}`,
      kind: 'group',
      name: group.label,
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

export function membersRoot(hashes: readonly string[]): string {
  const sha = createHash('sha256');
  // Upstream decodes each hex hash to bytes; a corrupt non-hex value is hashed as text instead.
  for (const h of [...hashes].sort()) sha.update(/^([0-9a-f]{2})*$/i.test(h) ? Buffer.from(h, 'hex') : Buffer.from(h, 'utf8'));
  return sha.digest('hex');
}

function badgeOf(fileClass: string): string {
  return fileClass === 'file_bad' ? '✗' : fileClass === 'file_rerun' ? '✓✓' : '✓';
}

function fileNode(id: string, file: FileVerification, inFailed: boolean, rerunOutput: boolean, options: ResolvedOptions): DrawnNode {
  const bad = inFailed || fileFails(file, options.quirks);
  const className = bad ? 'file_bad' : file.frozen ? 'file_frozen' : rerunOutput ? 'file_rerun' : 'file_ok';
  const ownFailure = file.status === 'mismatch' || file.status === 'missing';
  const verdict: VerificationStatus = ownFailure ? file.status : bad ? 'suspect' : file.status;
  const name = displayName(file.path, options.pathMode, options.cwd);
  const suffix = [...hashSuffix(file.expected_hash, options.showHashes), ...(className === 'file_frozen' ? ['(frozen, not re-hashed)'] : [])];
  return {
    node: { id, kind: 'file', name, path: file.path, className, status: bad ? 'failed' : 'verified', verdict, hash: file.expected_hash || null },
    line: `    ${id}[("${label([`${badgeOf(className)} ${iconFor(file.path)} ${name}`, ...suffix])}")]:::${className}`,
  };
}

/**
 * Spec §7.3: one node per run, in list order. Fixed: outside session mode the edges are the real
 * parent → child links between the listed runs, and a run below a failed run is drawn failed.
 */
export function simpleDiagram(selected: SelectedRuns, options: ResolvedOptions): ProvenanceDiagram {
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

