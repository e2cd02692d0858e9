/**
 * The IRIs an export speaks in: the RO-Crate and Workflow Run Crate profiles it conforms to, and
 * Clew's own terms for what no published vocabulary has (an exit code, a combined hash, a stamp's
 * root hash). Clew's terms live in the RO-Crate ad-hoc namespace `https://w3id.org/ro/terms/clew#`
 * (RO-Crate 1.1, appendix "Choosing URLs for ad hoc terms"), and every crate defines the ones it uses.
 */
export const RO_CRATE_SPEC = 'https://w3id.org/ro/crate/1.1';
export const RO_CRATE_CONTEXT_URL = 'https://w3id.org/ro/crate/1.1/context';
export const WORKFLOW_RUN_CONTEXT_URL = 'https://w3id.org/ro/terms/workflow-run/context';
export const WFRUN_PROFILES = [
  { id: 'https://w3id.org/ro/wfrun/process/0.5', name: 'Process Run Crate', version: '0.5' },
  { id: 'https://w3id.org/ro/wfrun/workflow/0.5', name: 'Workflow Run Crate', version: '0.5' },
  { id: 'https://w3id.org/ro/wfrun/provenance/0.5', name: 'Provenance Run Crate', version: '0.5' },
  { id: 'https://w3id.org/workflowhub/workflow-ro-crate/1.0', name: 'Workflow RO-Crate', version: '1.0' },
] as const;

export const CLEW_NS = 'https://w3id.org/ro/terms/clew#';

/** Clew's ad-hoc terms: name → what it means (rdfs:comment of its definition in the crate). */
export const CLEW_TERMS: Readonly<Record<string, string>> = {
  Stamp: 'A timestamped root hash over recorded runs (clew stamp / scitex-clew stamp).',
  exitCode: 'The exit status of the recorded process.',
  runStatus: "The run's status word as the store recorded it (success, failed, running, error).",
  combinedHash: "SHA-256 over the run's recorded inputs, script and outputs (scitex-clew's combined hash).",
  provenanceLevel: "How the run's files were captured (scitex-clew's runs.provenance, e.g. tracked).",
  argv: 'The recorded command line, one item per argument, in order.',
  workingDirectory: 'The directory the recorded command ran in.',
  executable: 'The program the command line resolved to when it was recorded.',
  host: 'The host name the files were recorded on.',
  rerunStatus: "The verdict of the run's latest re-execution: reproduced or not-reproduced.",
  verificationLevel: "The level of the run's latest verification (cache or rerun).",
  verificationStatus: "The status of the run's latest verification.",
  verifiedAt: "When the run's latest verification happened.",
  rootHash: "The stamp's root hash: SHA-256 over the stamped runs' session ids and combined hashes.",
  stampBackend: 'Where the stamp was recorded: file, rfc3161 or zenodo.',
  runCount: 'How many runs the stamp covers.',
  claimType: 'The kind of manuscript claim (statistic, figure, table, text, value).',
  claimStatus: "The claim's status as the store recorded it.",
  lineNumber: 'The manuscript line the claim is on.',
};

/** The crate's own @context entry for Clew's terms (`argv` keeps its order as an RDF list). */
export function clewContext(): Record<string, string | { '@id': string; '@container': string }> {
  const context: Record<string, string | { '@id': string; '@container': string }> = {};
  for (const term of Object.keys(CLEW_TERMS)) context[term] = term === 'argv' ? { '@id': `${CLEW_NS}argv`, '@container': '@list' } : `${CLEW_NS}${term}`;
  return context;
}
