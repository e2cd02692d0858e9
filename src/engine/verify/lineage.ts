/**
 * Questions about the shape of verified runs, answered the same way for the CLI and the editor:
 * which recorded files are final (no run reads them), and what changed upstream of a file.
 */
import type { RunVerification } from './types';
import type { FileVerdict } from './verdicts';

/** The final outputs: recorded outputs that no run reads, sorted (the default targets of a DAG). */
export function finalOutputs(runs: readonly RunVerification[]): string[] {
  const read = new Set(runs.flatMap((r) => r.files.filter((f) => f.role === 'input').map((f) => f.path)));
  return [...new Set(runs.flatMap((r) => r.files.filter((f) => f.role === 'output' && !read.has(f.path)).map((f) => f.path)))].sort();
}

/**
 * Impact: the first changed or missing file upstream of `filePath`, following from the newest run
 * that wrote it (runs are newest first) each input back to the newest run that wrote that; undefined
 * when the whole ancestry is intact. `current` gives a fresher verdict for a file than the one the
 * runs were verified with (the editor re-hashes single files between full verifications). Cycles are cut.
 */
export function firstChangedUpstream(
  runs: readonly RunVerification[],
  filePath: string,
  current: (path: string) => FileVerdict | undefined = () => undefined,
): string | undefined {
  const producer = new Map<string, RunVerification>();
  for (const r of runs) for (const f of r.files) if (f.role === 'output' && !producer.has(f.path)) producer.set(f.path, r);
  const seen = new Set<string>();
  const visit = (p: string): string | undefined => {
    const run = producer.get(p);
    if (!run || seen.has(run.session_id)) return undefined;
    seen.add(run.session_id);
    for (const f of run.files) {
      if (f.path === p) continue;
      const status = current(f.path) ?? f.status;
      if (status === 'mismatch' || status === 'missing') return f.path;
    }
    for (const f of run.files) if (f.role === 'input') {
      const hit = visit(f.path);
      if (hit) return hit;
    }
    return undefined;
  };
  return visit(filePath);
}
