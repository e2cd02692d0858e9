/**
 * Claims drawn on a provenance diagram: one hexagon per manuscript claim (`paper.tex:L12`), fed by
 * the file node of its source. Upstream's claims diagram shows only the runs behind the claims'
 * sources; the panel adds the claims themselves so a reader sees which sentence hangs on which
 * data. A source no run produced (a hand-written file) appears as an `file_unsourced` node,
 * upstream's own class for it. A claim's verdict is live: its source's verdict when that failed,
 * else the status last stored by verification.
 */
import * as path from 'node:path';
import type { Claim } from '../claims/claims';
import type { VerificationStatus } from '../verify/types';
import type { DiagramEdge, DiagramNode, ProvenanceDiagram } from './provenanceDiagram';
import { UPSTREAM_CLASS_DEFS, fullPathFileId, iconFor, idPart, labelText } from './upstreamStyle';

/** Claim colours: verified green, failed red, downstream-of-a-change amber, not yet verified grey. */
export const CLAIM_CLASS_DEFS: Readonly<Record<string, string>> = {
  claim_verified: 'fill:#2da44e,stroke:#1a6b32,stroke-width:2px',
  claim_failed: 'fill:#cf222e,stroke:#8b1a1a,stroke-width:2px',
  claim_suspect: 'fill:#d29922,stroke:#8a5c00,stroke-width:2px',
  claim_registered: 'fill:#6e7781,stroke:#424a53,stroke-width:2px,color:#ffffff',
};

function claimVerdict(claim: Claim, source: DiagramNode | undefined): VerificationStatus | 'registered' {
  if (source && source.status === 'failed') return source.verdict;
  if (claim.status === 'verified') return 'verified';
  if (claim.status === 'mismatch' || claim.status === 'missing' || claim.status === 'suspect') return claim.status;
  return 'registered';
}

function claimClass(verdict: VerificationStatus | 'registered'): string {
  if (verdict === 'verified') return 'claim_verified';
  if (verdict === 'suspect') return 'claim_suspect';
  if (verdict === 'registered' || verdict === 'unknown') return 'claim_registered';
  return 'claim_failed';
}

export function withClaims(diagram: ProvenanceDiagram, claims: readonly Claim[]): ProvenanceDiagram {
  if (claims.length === 0) return diagram;
  const nodes: DiagramNode[] = [...diagram.nodes];
  const edges: DiagramEdge[] = [...diagram.edges];
  const lines: string[] = [];
  const byPath = new Map<string, DiagramNode>();
  for (const n of diagram.nodes) {
    if (n.kind === 'file' && n.path) byPath.set(n.path, n);
    for (const member of n.members ?? []) byPath.set(member, n);
  }
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
    const verdict = claimVerdict(claim, source);
    const className = claimClass(verdict);
    const where = `${path.basename(claim.file_path)}${claim.line_number ? `:L${claim.line_number}` : ''}`;
    const id = `claim_${idPart(claim.claim_id)}`;
    const badge = className === 'claim_verified' ? '✓' : className === 'claim_registered' ? '○' : '✗';
    const parts = [`${badge} 📝 ${where}`, ...(claim.claim_value ? [`= ${claim.claim_value}`] : [])];
    lines.push(`    ${id}{{"${parts.map(labelText).join('<br/>')}"}}:::${className}`);
    nodes.push({
      id,
      kind: 'claim',
      name: where,
      path: claim.file_path,
      line: claim.line_number ?? undefined,
      className,
      status: className === 'claim_verified' ? 'verified' : 'failed',
      verdict: verdict === 'registered' ? 'unknown' : verdict,
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
