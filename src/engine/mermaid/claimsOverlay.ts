/**
 * Claims drawn on a provenance diagram: one hexagon per manuscript claim (`paper.tex:L12`), fed by
 * the file node of its source. Upstream's claims diagram shows only the runs behind the claims'
 * sources; the panel adds the claims themselves so a reader sees which sentence hangs on which
 * data. A source no run produced (a hand-written file) appears as an `file_unsourced` node,
 * upstream's own class for it. A claim's status is live, decided by engine/claims/liveStatus.ts
 * from what the diagram knows: its source node's own verdict and any changed node upstream of it.
 */
import * as path from 'node:path';
import type { Claim } from '../claims/claims';
import { liveClaimStatus, type ClaimSourceFacts } from '../claims/liveStatus';
import { claimFacts, type ClaimSourceState } from '../claims/sourceFacts';
import { VERDICT_DIAGRAM_COLOUR, mermaidStyle } from '../present/colours';
import { VERDICT_GLYPH } from '../present/icons';
import type { ClaimStatus } from '../verify/verdicts';
import type { DiagramEdge, DiagramNode, ProvenanceDiagram } from './types';
import { UPSTREAM_CLASS_DEFS, fullPathFileId, iconFor, idPart, labelText } from './upstreamStyle';

/** Claim colours (engine/present/colours.ts), drawn with a heavier outline than files. */
export const CLAIM_CLASS_DEFS: Readonly<Record<string, string>> = {
  claim_verified: mermaidStyle(VERDICT_DIAGRAM_COLOUR.verified, { strokeWidth: '2px' }),
  claim_failed: mermaidStyle(VERDICT_DIAGRAM_COLOUR.mismatch, { strokeWidth: '2px' }),
  claim_suspect: mermaidStyle(VERDICT_DIAGRAM_COLOUR.suspect, { strokeWidth: '2px' }),
  claim_registered: mermaidStyle(VERDICT_DIAGRAM_COLOUR.registered, { strokeWidth: '2px' }),
  claim_unsourced: mermaidStyle(VERDICT_DIAGRAM_COLOUR.unsourced, { strokeWidth: '2px' }),
};

function claimClass(status: ClaimStatus): string {
  if (status === 'verified') return 'claim_verified';
  if (status === 'suspect') return 'claim_suspect';
  if (status === 'unsourced') return 'claim_unsourced';
  if (status === 'mismatch' || status === 'missing') return 'claim_failed';
  return 'claim_registered';
}

/** The first node upstream of `start` (against the edges) that failed on its own, by path. */
function changedAncestor(start: DiagramNode, nodes: ReadonlyMap<string, DiagramNode>, parents: ReadonlyMap<string, string[]>): string | undefined {
  const seen = new Set([start.id]);
  const queue = [...(parents.get(start.id) ?? [])];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head];
    if (seen.has(id)) continue;
    seen.add(id);
    const n = nodes.get(id);
    if (n && (n.verdict === 'mismatch' || n.verdict === 'missing')) return n.path ?? n.members?.[0] ?? n.name;
    queue.push(...(parents.get(id) ?? []));
  }
  return undefined;
}

/**
 * What is known about a claim's source: its state as hashed now when the caller gives it (as
 * `clew verify` judges, also for a hand-written file), else what the diagram's node says (a node
 * Clew added for a file no run produced says nothing of its bytes).
 */
function sourceFacts(
  claim: Claim,
  source: DiagramNode | undefined,
  nodes: ReadonlyMap<string, DiagramNode>,
  parents: ReadonlyMap<string, string[]>,
  state: ClaimSourceState | undefined,
): ClaimSourceFacts {
  const unsourced = !source || source.className === 'file_unsourced';
  const own = !unsourced && (source.verdict === 'mismatch' || source.verdict === 'missing' || source.verdict === 'verified') ? { source: source.verdict } : {};
  const changed = unsourced ? undefined : changedAncestor(source, nodes, parents);
  return { ...own, ...claimFacts(claim, state, changed) };
}

/**
 * `sources`: the claims' sources as hashed now (engine/claims/sourceFacts.ts claimSourceStates);
 * `grounded`: claim id → the registered-source gate's answer (engine/sources/grounding.ts), when a gate is active.
 */
export function withClaims(
  diagram: ProvenanceDiagram,
  claims: readonly Claim[],
  sources: ReadonlyMap<string, ClaimSourceState> = new Map(),
  grounded?: ReadonlyMap<string, boolean>,
): ProvenanceDiagram {
  if (claims.length === 0) return diagram;
  const nodes: DiagramNode[] = [...diagram.nodes];
  const edges: DiagramEdge[] = [...diagram.edges];
  const lines: string[] = [];
  const byPath = new Map<string, DiagramNode>();
  for (const n of diagram.nodes) {
    if (n.kind === 'file' && n.path) byPath.set(n.path, n);
    for (const member of n.members ?? []) byPath.set(member, n);
  }
  const nodeById = new Map(diagram.nodes.map((n) => [n.id, n]));
  const parents = new Map<string, string[]>();
  for (const e of diagram.edges) parents.set(e.target, [...(parents.get(e.target) ?? []), e.source]);
  for (const claim of claims) {
    let source = claim.source_file ? byPath.get(claim.source_file) : undefined;
    if (claim.source_file && !source) {
      source = {
        id: fullPathFileId(claim.source_file),
        kind: 'file',
        name: path.basename(claim.source_file),
        path: claim.source_file,
        className: 'file_unsourced',
        status: 'verified',
        verdict: 'unknown',
        hash: claim.source_hash,
      };
      nodes.push(source);
      byPath.set(claim.source_file, source);
      lines.push(`    ${source.id}[("${labelText(`? ${iconFor(claim.source_file)} ${source.name}`)}<br/>${labelText('(no recorded run)')}")]:::file_unsourced`);
    }
    const gate = grounded?.get(claim.claim_id);
    const facts = sourceFacts(claim, source, nodeById, parents, claim.source_file ? sources.get(claim.source_file) : undefined);
    const { status } = liveClaimStatus(claim, { ...facts, ...(gate === undefined ? {} : { grounded: gate }) });
    const className = claimClass(status);
    const where = `${path.basename(claim.file_path)}${claim.line_number ? `:L${claim.line_number}` : ''}`;
    const id = `claim_${idPart(claim.claim_id)}`;
    const parts = [`${VERDICT_GLYPH[status]} 📝 ${where}`, ...(claim.claim_value ? [`= ${claim.claim_value}`] : [])];
    lines.push(`    ${id}{{"${parts.map(labelText).join('<br/>')}"}}:::${className}`);
    nodes.push({
      id,
      kind: 'claim',
      name: where,
      path: claim.file_path,
      line: claim.line_number ?? undefined,
      className,
      status: className === 'claim_verified' ? 'verified' : 'failed',
      // A node's verdict speaks the run/file vocabulary: an unsourced claim is amber there, like suspect.
      verdict: status === 'registered' || status === 'superseded' ? 'unknown' : status === 'unsourced' ? 'suspect' : status,
      hash: claim.source_hash,
    });
    if (source) {
      edges.push({ source: source.id, target: id, type: 'claim' });
      lines.push(`    ${source.id} --> ${id}`);
    }
  }
  const classDefs = Object.entries(CLAIM_CLASS_DEFS).map(([name, style]) => `    classDef ${name} ${style}`);
  const base = diagram.empty ? ['graph TD', '', ...UPSTREAM_CLASS_DEFS.map((c) => `    ${c}`)].join('\n') : diagram.text;
  const result: ProvenanceDiagram = { ...diagram, nodes, edges, text: [base, ...lines, ...classDefs].join('\n') };
  delete result.empty;
  return result;
}
