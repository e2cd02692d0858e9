/**
 * Turns a verified DAG into the panel's payload: mermaid flowchart text (runs as boxes, their
 * input/output files as rounded nodes, coloured by verdict) plus the node → path table the
 * webview needs for clicks. Every label is escaped with mermaid entity codes and truncated, so
 * file names can never inject markup or break the diagram syntax.
 */
import * as path from 'node:path';
import type { DagVerification, VerificationStatus } from '../verify/types';
import type { DagNodeRef, DagPayload } from '../../webview/messages';

const MAX_LABEL = 60;

/** Mermaid-safe label text: entity codes for syntax/markup characters, one line, bounded length. */
export function mermaidLabel(text: string): string {
  const oneLine = text.replace(/[\r\n\t]+/g, ' ');
  const short = oneLine.length > MAX_LABEL ? `${oneLine.slice(0, MAX_LABEL - 1)}…` : oneLine;
  return short.replace(/[#"<>&`[\]{}()|;:]/g, (c) => `#${c.charCodeAt(0)};`);
}

const CLASS_DEFS = [
  'classDef verified fill:#1f7a3a,stroke:#14532d,color:#ffffff',
  'classDef mismatch fill:#b3261e,stroke:#7f1d1d,color:#ffffff',
  'classDef missing fill:#b58900,stroke:#7a5c00,color:#ffffff',
  'classDef suspect fill:#c2410c,stroke:#7c2d12,color:#ffffff',
  'classDef unknown fill:#6b7280,stroke:#374151,color:#ffffff',
];

/**
 * Above this many nodes mermaid's layout gets slow and, for deep chains, overflows its stack
 * (bench/render.ts: 5,000 nodes fail). Larger DAGs are drawn as runs only, and at most this many
 * runs — the ones nearest the targets — with the title saying what was left out.
 */
export const MAX_DIAGRAM_NODES = 1000;

function runsOnlyPayload(dag: DagVerification, title: string): DagPayload {
  const kept = dag.runs.slice(-MAX_DIAGRAM_NODES);
  const ids = new Map(kept.map((r, i) => [r.session_id, `r${i}`]));
  const lines = ['flowchart TD'];
  const nodes: DagNodeRef[] = [];
  for (const r of kept) {
    const id = ids.get(r.session_id) as string;
    const label = r.script_path ? path.basename(r.script_path) : r.session_id;
    lines.push(`  ${id}["${mermaidLabel(label)}"]:::${r.status}`);
    nodes.push({ id, kind: 'run', path: r.script_path ?? undefined, label });
  }
  for (const [parent, child] of dag.edges) {
    const from = ids.get(parent);
    const to = ids.get(child);
    if (from && to) lines.push(`  ${from} --> ${to}`);
  }
  lines.push(...CLASS_DEFS.map((c) => `  ${c}`));
  const note = kept.length < dag.runs.length ? `, showing the ${kept.length} runs nearest the targets of ${dag.runs.length}` : ', runs only';
  return { title: `${title}${note}`, mermaid: lines.join('\n'), nodes };
}

export function dagPayload(dag: DagVerification, title: string): DagPayload {
  const fileCount = new Set(dag.runs.flatMap((r) => r.files.filter((f) => f.role !== 'script').map((f) => f.path))).size;
  if (dag.runs.length + fileCount > MAX_DIAGRAM_NODES) return runsOnlyPayload(dag, title);
  const lines = ['flowchart TD'];
  const nodes: DagNodeRef[] = [];
  const fileIds = new Map<string, string>();
  const runIds = new Map<string, string>();
  const fileStatus = new Map<string, VerificationStatus>();
  dag.runs.forEach((r, i) => runIds.set(r.session_id, `r${i}`));
  for (const r of dag.runs) {
    const id = runIds.get(r.session_id) as string;
    const label = r.script_path ? path.basename(r.script_path) : r.session_id;
    lines.push(`  ${id}["${mermaidLabel(label)}"]:::${r.status}`);
    nodes.push({ id, kind: 'run', path: r.script_path ?? undefined, label });
    for (const f of r.files) {
      if (f.role === 'script') continue;
      let fid = fileIds.get(f.path);
      if (!fid) {
        fid = `f${fileIds.size}`;
        fileIds.set(f.path, fid);
        nodes.push({ id: fid, kind: 'file', path: f.path, label: path.basename(f.path) });
      }
      if (f.status !== 'verified' || !fileStatus.has(f.path)) fileStatus.set(f.path, f.status);
      lines.push(f.role === 'input' ? `  ${fid} --> ${id}` : `  ${id} --> ${fid}`);
    }
  }
  for (const [p, fid] of fileIds) lines.push(`  ${fid}(["${mermaidLabel(path.basename(p))}"]):::${fileStatus.get(p) ?? 'unknown'}`);
  lines.push(...CLASS_DEFS.map((c) => `  ${c}`));
  return { title, mermaid: lines.join('\n'), nodes };
}
