/**
 * The model as a Provenance Run Crate (RO-Crate 1.1 + Workflow Run Crate 0.5 profiles): one
 * CreateAction per run (instrument = its script, object = inputs, result = outputs), every file
 * version a File with sha256 and contentSize, the implicit workflow Clew recorded as a
 * ComputationalWorkflow whose steps are the scripts, claims as schema.org Claims about the file
 * version they rest on, and stamps with their root hash and RFC 3161 token. docs/export.md says
 * where the profiles left a choice and what Clew chose.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { CLEW_VERSION } from '../version';
import { FileVersions, type FileVersion } from './fileVersions';
import type { ExportModel, ExportRun, RecordedFile } from './model';
import { CLEW_NS, CLEW_TERMS, clewContext, RO_CRATE_CONTEXT_URL, RO_CRATE_SPEC, WFRUN_PROFILES, WORKFLOW_RUN_CONTEXT_URL } from './vocabulary';

export type JsonLdValue = string | number | boolean | null | { '@id': string } | JsonLdEntity | JsonLdValue[];
export interface JsonLdEntity {
  '@id': string;
  '@type'?: string | string[];
  [property: string]: JsonLdValue | undefined;
}

export interface RoCrateDocument {
  '@context': (string | Record<string, unknown>)[];
  '@graph': JsonLdEntity[];
}

export interface CrateFile {
  /** Path inside the crate. */
  cratePath: string;
  /** Where the bytes come from: a recorded file on disk, or bytes made by the export (a token). */
  source: { recordedPath: string } | { bytes: Uint8Array };
  sha256: string;
}

export interface BuiltCrate {
  document: RoCrateDocument;
  /** Data entities whose bytes a crate with data holds (tokens are always written). */
  files: CrateFile[];
  versions: FileVersions;
}

export interface CrateOptions {
  /** When the export was made (ISO), for datePublished. */
  now: string;
  /** Size of a script on disk when its bytes still match the recorded hash (scripts have no recorded size). */
  scriptSize?: (recordedPath: string, sha256: string) => number | null;
}

const ref = (id: string): { '@id': string } => ({ '@id': id });
const refs = (ids: Iterable<string>): { '@id': string }[] => [...new Set(ids)].map(ref);
const runId = (sessionId: string) => `#run-${encodeURIComponent(sessionId)}`;
const stepId = (n: number) => `#step-${n}`;
export const tokenCratePath = (stampId: string) => `stamps/${stampId}.tst`;

function actionStatus(status: string | null): { '@id': string } | undefined {
  if (status === 'success') return ref('http://schema.org/CompletedActionStatus');
  if (status === 'failed' || status === 'error') return ref('http://schema.org/FailedActionStatus');
  if (status === 'running') return ref('http://schema.org/ActiveActionStatus');
  return undefined;
}

/** Drops undefined and null properties, so absent facts are absent rather than `null` literals. */
function entity(e: Record<string, JsonLdValue | undefined>): JsonLdEntity {
  const out: Record<string, JsonLdValue> = {};
  for (const [k, v] of Object.entries(e)) if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) out[k] = v;
  return out as JsonLdEntity;
}

function quoteArg(a: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`;
}

export function buildRoCrate(model: ExportModel, options: CrateOptions): BuiltCrate {
  const versions = new FileVersions(model);
  const graph: JsonLdEntity[] = [];
  const files: CrateFile[] = [];
  const hasPart: string[] = [];
  const projectName = path.basename(model.projectRoot) || model.projectRoot;

  const scripts = [...new Set(model.runs.map((r) => r.scriptPath).filter((p): p is string => p !== null))];
  const stepOfScript = new Map(scripts.map((s, i) => [s, stepId(i + 1)]));
  const version = (f: RecordedFile): FileVersion => versions.get(f.path, f.sha256);
  const scriptVersion = (run: ExportRun): FileVersion | undefined => (run.scriptPath && run.scriptHash ? versions.get(run.scriptPath, run.scriptHash) : undefined);
  const scriptVersionIds = new Set(model.runs.map((r) => scriptVersion(r)?.id).filter((id): id is string => id !== undefined));

  // File versions: data entities (current) and contextual ones (older bytes of the same path).
  for (const v of versions.all()) {
    const isScript = scriptVersionIds.has(v.id);
    const size = v.size ?? (isScript ? options.scriptSize?.(v.recordedPath, v.sha256) ?? null : null);
    graph.push(entity({
      '@id': v.id,
      '@type': isScript ? ['File', 'SoftwareSourceCode'] : 'File',
      name: path.posix.basename(v.cratePath),
      alternateName: v.originalPath,
      sha256: v.sha256,
      contentSize: size === null ? undefined : String(size),
      description: v.current ? undefined : `An earlier version of ${v.cratePath}, no longer at that path`,
    }));
    if (v.current) {
      hasPart.push(v.id);
      files.push({ cratePath: v.cratePath, source: { recordedPath: v.recordedPath }, sha256: v.sha256 });
    }
  }

  // One CreateAction per run, with a ControlAction tying it to its step of the implicit workflow.
  const controlActions: string[] = [];
  for (const run of model.runs) {
    const script = scriptVersion(run);
    const instrument = script?.id ?? `#tool-${encodeURIComponent(run.sessionId)}`;
    if (!script) {
      graph.push(entity({ '@id': instrument, '@type': 'SoftwareApplication', name: run.replay?.argv[0] ?? run.scriptPath ?? 'unrecorded program', description: 'The program of a run that recorded no script hash' }));
    }
    const envIds = Object.keys(run.replay?.env ?? {}).sort().map((name) => `${runId(run.sessionId)}-env-${encodeURIComponent(name)}`);
    const v = run.latestVerification;
    graph.push(entity({
      '@id': runId(run.sessionId),
      '@type': 'CreateAction',
      identifier: run.sessionId,
      name: `Run ${run.sessionId}${run.scriptPath ? ` of ${path.basename(run.scriptPath)}` : ''}`,
      description: run.replay ? run.replay.argv.map(quoteArg).join(' ') : run.scriptPath ?? undefined,
      instrument: ref(instrument),
      object: refs(run.inputs.map((f) => version(f).id)),
      result: refs(run.outputs.map((f) => version(f).id)),
      startTime: run.startedAt ?? undefined,
      endTime: run.finishedAt ?? undefined,
      actionStatus: actionStatus(run.status),
      error: run.exceptionReason ?? undefined,
      exitCode: run.exitCode ?? undefined,
      runStatus: run.status ?? undefined,
      combinedHash: run.combinedHash ?? undefined,
      provenanceLevel: run.provenance ?? undefined,
      host: [...new Set([...run.inputs, ...run.outputs].map((f) => f.host).filter((h): h is string => h !== null))],
      argv: run.replay?.argv,
      workingDirectory: run.replay?.cwd,
      executable: run.replay?.executable ?? undefined,
      environment: refs(envIds),
      verificationLevel: v?.level,
      verificationStatus: v?.status,
      verifiedAt: v?.verified_at ?? undefined,
      rerunStatus: v?.level === 'rerun' ? (v.status === 'verified' ? 'reproduced' : 'not-reproduced') : undefined,
    }));
    for (const [i, name] of Object.keys(run.replay?.env ?? {}).sort().entries()) {
      graph.push({ '@id': envIds[i], '@type': 'PropertyValue', name, value: run.replay?.env[name] ?? '' });
    }
    const control = `#control-${encodeURIComponent(run.sessionId)}`;
    controlActions.push(control);
    const step = run.scriptPath ? stepOfScript.get(run.scriptPath) : undefined;
    graph.push(entity({ '@id': control, '@type': 'ControlAction', name: `Orchestrate run ${run.sessionId}`, instrument: step ? ref(step) : undefined, object: ref(runId(run.sessionId)) }));
  }

  // The implicit workflow: Clew infers the pipeline from the files runs share, it has no workflow file.
  const producedInside = new Set(model.runs.flatMap((r) => r.outputs.map((f) => version(f).id)));
  const readInside = new Set(model.runs.flatMap((r) => r.inputs.map((f) => version(f).id)));
  const externalInputs = model.runs.flatMap((r) => r.inputs.map((f) => version(f).id)).filter((id) => !producedInside.has(id));
  const finalOutputs = model.runs.flatMap((r) => r.outputs.map((f) => version(f).id)).filter((id) => !readInside.has(id));
  const scriptIds = scripts.map((s) => versions.all().find((v) => v.current && v.recordedPath === s)?.id).filter((id): id is string => id !== undefined);
  graph.push(entity({
    '@id': '#workflow',
    '@type': ['SoftwareSourceCode', 'ComputationalWorkflow', 'HowTo'],
    name: `Pipeline of ${projectName} as recorded by Clew`,
    description: 'The implicit workflow: runs connected through the files one writes and another reads. Its steps are the recorded scripts.',
    hasPart: refs(scriptIds),
    step: scripts.map((_, i) => ref(stepId(i + 1))),
    programmingLanguage: ref('#clew-recording'),
  }));
  graph.push({ '@id': '#clew-recording', '@type': 'ComputerLanguage', name: 'Clew recorded runs', url: ref('https://github.com/scitex-ai/scitex-clew') });
  scripts.forEach((s, i) => {
    const current = versions.all().find((v) => v.current && v.recordedPath === s);
    graph.push(entity({ '@id': stepId(i + 1), '@type': 'HowToStep', name: path.basename(s), position: i + 1, workExample: current ? ref(current.id) : undefined }));
  });
  const starts = model.runs.map((r) => r.startedAt).filter((t): t is string => t !== null).sort();
  const ends = model.runs.map((r) => r.finishedAt).filter((t): t is string => t !== null).sort();
  graph.push(entity({
    '@id': '#workflow-run',
    '@type': 'CreateAction',
    name: `The recorded pipeline of ${projectName}`,
    instrument: ref('#workflow'),
    object: refs(externalInputs),
    result: refs(finalOutputs),
    startTime: starts[0],
    endTime: ends[ends.length - 1],
    actionStatus: model.runs.every((r) => r.status === 'success') ? ref('http://schema.org/CompletedActionStatus') : ref('http://schema.org/FailedActionStatus'),
  }));
  graph.push({ '@id': '#clew', '@type': 'SoftwareApplication', name: 'Clew', softwareVersion: CLEW_VERSION, description: 'Hash-based provenance for pipelines (reads and writes the scitex-clew store)' });
  graph.push(entity({ '@id': '#clew-organize', '@type': 'OrganizeAction', name: 'Clew recording the pipeline', instrument: ref('#clew'), object: refs(controlActions), result: ref('#workflow-run') }));

  // Claims: what the manuscript says, about the exact file version it rests on.
  for (const c of model.claims) {
    const source = c.sourceFile && c.sourceHash ? versions.find(c.sourceFile, c.sourceHash) : undefined;
    graph.push(entity({
      '@id': `#claim-${encodeURIComponent(c.claimId)}`,
      '@type': 'Claim',
      identifier: c.claimId,
      name: `${c.claimType} claim on line ${c.lineNumber ?? '?'} of ${path.basename(c.manuscript)}`,
      text: c.claimValue ?? undefined,
      claimType: c.claimType,
      claimStatus: c.status,
      lineNumber: c.lineNumber ?? undefined,
      appearance: ref(`#manuscript-${encodeURIComponent(c.manuscript)}`),
      about: source ? ref(source.id) : undefined,
      isBasedOn: c.sourceSession && model.runs.some((r) => r.sessionId === c.sourceSession) ? ref(runId(c.sourceSession)) : undefined,
      dateCreated: c.registeredAt ?? undefined,
    }));
  }
  for (const manuscript of new Set(model.claims.map((c) => c.manuscript))) {
    graph.push({ '@id': `#manuscript-${encodeURIComponent(manuscript)}`, '@type': 'CreativeWork', name: path.basename(manuscript), alternateName: manuscript });
  }

  // Stamps, with the RFC 3161 token as a file of the crate.
  for (const s of model.stamps) {
    const sessionIds = (s.metadata?.session_ids as string[] | undefined) ?? [];
    let tokenId: string | undefined;
    if (s.backend === 'rfc3161' && s.response_token && /^([0-9a-f]{2})+$/i.test(s.response_token)) {
      const tokenPath = tokenCratePath(s.stamp_id);
      const sha256 = createHash('sha256').update(Buffer.from(s.response_token, 'hex')).digest('hex');
      tokenId = tokenPath;
      hasPart.push(tokenPath);
      graph.push({ '@id': tokenPath, '@type': 'File', name: `${s.stamp_id}.tst`, description: "RFC 3161 TimeStampToken (DER) over the stamp's root hash (its 32 bytes): openssl ts -verify -token_in -in FILE -data ROOT_HASH_BYTES -CAfile TSA.pem", sha256 });
      files.push({ cratePath: tokenPath, source: { bytes: new Uint8Array(Buffer.from(s.response_token, 'hex')) }, sha256 });
    }
    graph.push(entity({
      '@id': `#stamp-${encodeURIComponent(s.stamp_id)}`,
      '@type': ['CreativeWork', 'Stamp'],
      identifier: s.stamp_id,
      name: `Stamp ${s.stamp_id} (${s.backend})`,
      dateCreated: s.timestamp,
      rootHash: s.root_hash,
      stampBackend: s.backend,
      runCount: s.run_count ?? undefined,
      url: s.service_url && /^https?:\/\//.test(s.service_url) ? s.service_url : undefined,
      about: refs(sessionIds.map(runId)),
      hasPart: tokenId ? ref(tokenId) : undefined,
    }));
  }

  // Clew's ad-hoc terms, defined where they are used (RO-Crate 1.1 appendix).
  for (const [term, comment] of Object.entries(CLEW_TERMS)) {
    graph.push({ '@id': `${CLEW_NS}${term}`, '@type': term === 'Stamp' ? 'rdfs:Class' : 'rdf:Property', 'rdfs:label': term, 'rdfs:comment': comment });
  }
  for (const p of WFRUN_PROFILES) graph.push({ '@id': p.id, '@type': 'CreativeWork', name: p.name, version: p.version });

  const root = entity({
    '@id': './',
    '@type': 'Dataset',
    name: `Provenance of ${projectName}`,
    description: `${model.runs.length} recorded run(s)${model.targets.length > 0 ? ` behind ${model.targets.map((t) => path.basename(t)).join(', ')}` : ''}, exported by Clew ${CLEW_VERSION} from its provenance store.`,
    datePublished: options.now,
    conformsTo: WFRUN_PROFILES.map((p) => ref(p.id)),
    mainEntity: ref('#workflow'),
    hasPart: refs(hasPart),
    mentions: [ref('#workflow-run'), ...model.runs.map((r) => ref(runId(r.sessionId)))],
  });
  const descriptor = { '@id': 'ro-crate-metadata.json', '@type': 'CreativeWork', conformsTo: ref(RO_CRATE_SPEC), about: ref('./') };
  return {
    document: { '@context': [RO_CRATE_CONTEXT_URL, WORKFLOW_RUN_CONTEXT_URL, clewContext()], '@graph': [descriptor, root, ...graph] },
    files,
    versions,
  };
}

export { runId as crateRunId };
