/**
 * The model as W3C PROV: each run an activity, each file version (path@sha256) an entity it used
 * or generated, outputs derived from the inputs of the run that wrote them, the script as the
 * plan of the run's association with the host it ran on, claims as entities derived from the file
 * version they rest on, and each stamp as a bundle. Built once as a list of records; provFormats.ts
 * writes it as PROV-JSON, PROV-N or PROV-O JSON-LD.
 */
import * as path from 'node:path';
import { CLEW_VERSION } from '../version';
import { FileVersions } from './fileVersions';
import type { ExportModel } from './model';
import { CLEW_NS } from './vocabulary';

/** A literal: text, a number, a date-time, or a qualified name. */
export type ProvValue = string | number | { dateTime: string } | { qname: string };

export type ProvKind = 'entity' | 'activity' | 'agent' | 'used' | 'wasGeneratedBy' | 'wasDerivedFrom' | 'wasAssociatedWith' | 'wasInfluencedBy';

export interface ProvRecord {
  kind: ProvKind;
  /** Element id (entity, activity, agent); relations get a generated one when serialised. */
  id?: string;
  /** The relation's positional arguments by PROV-JSON name (prov:activity, prov:entity …); undefined: `-`. */
  args?: Record<string, string | undefined>;
  /** startTime / endTime of an activity. */
  startTime?: string;
  endTime?: string;
  attributes: [string, ProvValue][];
}

export interface ProvBundle {
  id: string;
  records: ProvRecord[];
}

export interface ProvDocument {
  prefixes: Record<string, string>;
  records: ProvRecord[];
  bundles: ProvBundle[];
}

export const PROV_PREFIXES: Readonly<Record<string, string>> = {
  clew: CLEW_NS,
  run: 'urn:clew:run:',
  file: 'urn:clew:file:',
  host: 'urn:clew:host:',
  claim: 'urn:clew:claim:',
  stamp: 'urn:clew:stamp:',
};

/** Above this many input × output pairs a run's derivations are left implied by used + wasGeneratedBy. */
export const MAX_DERIVATIONS_PER_RUN = 10_000;

/** A local name valid in PROV-N (PN_LOCAL) and as an IRI tail: unreserved characters kept, the rest %-escaped. */
export function provLocal(text: string): string {
  return Array.from(new TextEncoder().encode(text), (b) => {
    const c = String.fromCharCode(b);
    return /[A-Za-z0-9_.-]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;
/** A store timestamp as xsd:dateTime (`T` between date and time), or undefined when it is not one. */
export function provTime(t: string | null): string | undefined {
  if (t === null || !ISO_DATE_TIME.test(t)) return undefined;
  return t.replace(' ', 'T');
}

export function fileVersionId(cratePath: string, sha256: string): string {
  return `file:${cratePath.split('/').map(provLocal).join('/')}@${provLocal(sha256)}`;
}

export function buildProv(model: ExportModel): ProvDocument {
  const versions = new FileVersions(model);
  const records: ProvRecord[] = [];
  const declared = new Set<string>();
  const declare = (r: ProvRecord) => {
    if (r.id !== undefined) {
      if (declared.has(r.id)) return;
      declared.add(r.id);
    }
    records.push(r);
  };
  const versionId = (p: string, sha256: string): string => {
    const v = versions.get(p, sha256);
    const id = fileVersionId(v.cratePath, v.sha256);
    declare({ kind: 'entity', id, attributes: [['prov:label', `${v.cratePath}@${v.sha256.slice(0, 12)}`], ['prov:location', v.originalPath], ['clew:sha256', v.sha256], ...(v.size === null ? [] : [['clew:contentSize', v.size] as [string, ProvValue]])] });
    return id;
  };
  const runIdOf = (sessionId: string) => `run:${provLocal(sessionId)}`;

  for (const run of model.runs) {
    const activity = runIdOf(run.sessionId);
    const attrs: [string, ProvValue][] = [['prov:label', run.scriptPath ? `${path.basename(run.scriptPath)} (${run.sessionId})` : run.sessionId], ['clew:sessionId', run.sessionId]];
    if (run.status !== null) attrs.push(['clew:runStatus', run.status]);
    if (run.exitCode !== null) attrs.push(['clew:exitCode', run.exitCode]);
    if (run.combinedHash !== null) attrs.push(['clew:combinedHash', run.combinedHash]);
    if (run.replay) attrs.push(['clew:command', run.replay.argv.join(' ')], ['clew:workingDirectory', run.replay.cwd]);
    const v = run.latestVerification;
    if (v?.level === 'rerun') attrs.push(['clew:rerunStatus', v.status === 'verified' ? 'reproduced' : 'not-reproduced']);
    declare({ kind: 'activity', id: activity, startTime: provTime(run.startedAt), endTime: provTime(run.finishedAt), attributes: attrs });

    const hosts = [...new Set([...run.inputs, ...run.outputs].map((f) => f.host).filter((h): h is string => h !== null))];
    const agents = (hosts.length > 0 ? hosts : ['unknown']).map((h) => {
      const id = `host:${provLocal(h)}`;
      declare({ kind: 'agent', id, attributes: [['prov:type', { qname: 'prov:SoftwareAgent' }], ['prov:label', h === 'unknown' ? 'host not recorded' : `host ${h}`]] });
      return id;
    });
    let plan: string | undefined;
    if (run.scriptPath && run.scriptHash) {
      plan = versionId(run.scriptPath, run.scriptHash);
      const planRecord = records.find((r) => r.id === plan);
      if (planRecord && !planRecord.attributes.some(([k]) => k === 'prov:type')) planRecord.attributes.push(['prov:type', { qname: 'prov:Plan' }]);
    }
    for (const agent of agents) records.push({ kind: 'wasAssociatedWith', args: { 'prov:activity': activity, 'prov:agent': agent, 'prov:plan': plan }, attributes: [] });

    const used = [...new Set(run.inputs.map((f) => versionId(f.path, f.sha256)))];
    const generated = [...new Set(run.outputs.map((f) => versionId(f.path, f.sha256)))];
    for (const e of used) records.push({ kind: 'used', args: { 'prov:activity': activity, 'prov:entity': e }, attributes: [] });
    for (const e of generated) records.push({ kind: 'wasGeneratedBy', args: { 'prov:entity': e, 'prov:activity': activity }, attributes: [] });
    if (used.length * generated.length <= MAX_DERIVATIONS_PER_RUN) {
      for (const out of generated) for (const inp of used) records.push({ kind: 'wasDerivedFrom', args: { 'prov:generatedEntity': out, 'prov:usedEntity': inp, 'prov:activity': activity }, attributes: [] });
    }
  }

  for (const c of model.claims) {
    const id = `claim:${provLocal(c.claimId)}`;
    const attrs: [string, ProvValue][] = [['prov:label', `${c.claimType} claim, ${path.basename(c.manuscript)} line ${c.lineNumber ?? '?'}`], ['clew:claimType', c.claimType], ['clew:claimStatus', c.status], ['clew:manuscript', c.manuscript]];
    if (c.claimValue !== null) attrs.push(['prov:value', c.claimValue]);
    if (c.lineNumber !== null) attrs.push(['clew:lineNumber', c.lineNumber]);
    declare({ kind: 'entity', id, attributes: attrs });
    if (c.sourceFile && c.sourceHash) records.push({ kind: 'wasDerivedFrom', args: { 'prov:generatedEntity': id, 'prov:usedEntity': versionId(c.sourceFile, c.sourceHash) }, attributes: [] });
  }

  const bundles: ProvBundle[] = [];
  for (const s of model.stamps) {
    const bundleId = `stamp:${provLocal(s.stamp_id)}`;
    declare({ kind: 'entity', id: bundleId, attributes: [['prov:type', { qname: 'prov:Bundle' }], ['prov:label', `stamp ${s.stamp_id} (${s.backend})`], ['clew:rootHash', s.root_hash]] });
    const proof = `${bundleId}/root`;
    const inner: ProvRecord[] = [{ kind: 'entity', id: proof, attributes: [['prov:label', `root hash of stamp ${s.stamp_id}`], ['clew:rootHash', s.root_hash], ['clew:stampBackend', s.backend], ['clew:timestamp', { dateTime: s.timestamp }], ...(s.run_count === null ? [] : [['clew:runCount', s.run_count] as [string, ProvValue]])] }];
    for (const sid of (s.metadata?.session_ids as string[] | undefined) ?? []) inner.push({ kind: 'wasInfluencedBy', args: { 'prov:influencee': proof, 'prov:influencer': runIdOf(sid) }, attributes: [] });
    bundles.push({ id: bundleId, records: inner });
  }
  records.unshift({ kind: 'agent', id: 'clew:Clew', attributes: [['prov:type', { qname: 'prov:SoftwareAgent' }], ['prov:label', `Clew ${CLEW_VERSION}, which recorded and exported this provenance`]] });
  return { prefixes: { ...PROV_PREFIXES }, records, bundles };
}
