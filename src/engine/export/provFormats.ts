/**
 * A ProvDocument written out: PROV-JSON (W3C member submission, what python `prov.read` reads),
 * PROV-N (the W3C notation) and PROV-O in JSON-LD (for RDF tools). All three say the same records.
 */
import type { ProvBundle, ProvDocument, ProvRecord, ProvValue } from './prov';

export const PROV_FORMATS = ['json', 'jsonld', 'provn'] as const;
export type ProvFormat = (typeof PROV_FORMATS)[number];

const PROV_NS = 'http://www.w3.org/ns/prov#';
const XSD_NS = 'http://www.w3.org/2001/XMLSchema#';

/** Positional arguments of each relation, in PROV-N order. */
const ARGS: Record<string, string[]> = {
  used: ['prov:activity', 'prov:entity', 'prov:time'],
  wasGeneratedBy: ['prov:entity', 'prov:activity', 'prov:time'],
  wasDerivedFrom: ['prov:generatedEntity', 'prov:usedEntity', 'prov:activity', 'prov:generation', 'prov:usage'],
  wasAssociatedWith: ['prov:activity', 'prov:agent', 'prov:plan'],
  wasInfluencedBy: ['prov:influencee', 'prov:influencer'],
};

// ---------- PROV-JSON ----------

function jsonValue(v: ProvValue): unknown {
  if (typeof v === 'string' || typeof v === 'number') return v;
  if ('dateTime' in v) return { $: v.dateTime, type: 'xsd:dateTime' };
  return { $: v.qname, type: 'prov:QUALIFIED_NAME' };
}

function jsonAttributes(attributes: readonly [string, ProvValue][]): Record<string, unknown> {
  const out: Record<string, unknown[]> = {};
  for (const [k, v] of attributes) (out[k] ??= []).push(jsonValue(v));
  return Object.fromEntries(Object.entries(out).map(([k, vs]) => [k, vs.length === 1 ? vs[0] : vs]));
}

function jsonContainer(records: readonly ProvRecord[], bundles: readonly ProvBundle[], counter: { n: number }): Record<string, unknown> {
  const sections: Record<string, Record<string, unknown>> = {};
  for (const r of records) {
    const section = (sections[r.kind] ??= {});
    const body: Record<string, unknown> = jsonAttributes(r.attributes);
    if (r.startTime) body['prov:startTime'] = r.startTime;
    if (r.endTime) body['prov:endTime'] = r.endTime;
    for (const [k, v] of Object.entries(r.args ?? {})) if (v !== undefined) body[k] = v;
    section[r.id ?? `_:${r.kind}${++counter.n}`] = body;
  }
  if (bundles.length > 0) {
    sections.bundle = Object.fromEntries(bundles.map((b) => [b.id, jsonContainer(b.records, [], counter)]));
  }
  return sections;
}

export function provJson(doc: ProvDocument): string {
  return `${JSON.stringify({ prefix: { ...doc.prefixes, xsd: XSD_NS }, ...jsonContainer(doc.records, doc.bundles, { n: 0 }) }, null, 2)}\n`;
}

// ---------- PROV-N ----------

function provnString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

function provnValue(v: ProvValue): string {
  if (typeof v === 'number') return Number.isInteger(v) ? `"${v}" %% xsd:int` : `"${v}" %% xsd:double`;
  if (typeof v === 'string') return provnString(v);
  if ('dateTime' in v) return `${provnString(v.dateTime)} %% xsd:dateTime`;
  return `'${v.qname}'`;
}

function provnRecord(r: ProvRecord): string {
  const attrs = r.attributes.length > 0 ? `, [${r.attributes.map(([k, v]) => `${k}=${provnValue(v)}`).join(', ')}]` : '';
  if (r.kind === 'entity' || r.kind === 'agent') return `${r.kind}(${r.id}${attrs})`;
  if (r.kind === 'activity') return `activity(${r.id}, ${r.startTime ?? '-'}, ${r.endTime ?? '-'}${attrs})`;
  const args = ARGS[r.kind].map((name) => r.args?.[name] ?? '-');
  // Trailing optional `-` may be dropped except where PROV-N needs the full form (wasDerivedFrom with an activity).
  while (args.length > 2 && args[args.length - 1] === '-') args.pop();
  return `${r.kind}(${args.join(', ')}${attrs})`;
}

export function provN(doc: ProvDocument): string {
  const lines = ['document'];
  for (const [prefix, iri] of Object.entries({ ...doc.prefixes, xsd: XSD_NS })) lines.push(`  prefix ${prefix} <${iri}>`);
  for (const r of doc.records) lines.push(`  ${provnRecord(r)}`);
  for (const b of doc.bundles) {
    lines.push(`  bundle ${b.id}`);
    for (const r of b.records) lines.push(`    ${provnRecord(r)}`);
    lines.push('  endBundle');
  }
  lines.push('endDocument');
  return `${lines.join('\n')}\n`;
}

// ---------- PROV-O as JSON-LD ----------

type Node = Record<string, unknown> & { '@id': string };

function ldValue(v: ProvValue): unknown {
  if (typeof v === 'string' || typeof v === 'number') return v;
  if ('dateTime' in v) return { '@value': v.dateTime, '@type': 'xsd:dateTime' };
  return { '@id': v.qname };
}

function ldNodes(records: readonly ProvRecord[]): Node[] {
  const nodes = new Map<string, Node>();
  const node = (id: string): Node => {
    let n = nodes.get(id);
    if (!n) nodes.set(id, (n = { '@id': id }));
    return n;
  };
  const add = (n: Node, key: string, value: unknown) => {
    const prev = n[key];
    n[key] = prev === undefined ? value : Array.isArray(prev) ? [...(prev as unknown[]), value] : [prev, value];
  };
  const CLASS = { entity: 'prov:Entity', activity: 'prov:Activity', agent: 'prov:Agent' } as const;
  for (const r of records) {
    const a = r.args ?? {};
    const ref = (k: string) => ({ '@id': a[k] as string });
    if (r.kind === 'entity' || r.kind === 'activity' || r.kind === 'agent') {
      const n = node(r.id as string);
      add(n, '@type', CLASS[r.kind]);
      if (r.startTime) n['prov:startedAtTime'] = { '@value': r.startTime, '@type': 'xsd:dateTime' };
      if (r.endTime) n['prov:endedAtTime'] = { '@value': r.endTime, '@type': 'xsd:dateTime' };
      for (const [k, v] of r.attributes) {
        if (k === 'prov:type' && typeof v === 'object' && 'qname' in v) add(n, '@type', v.qname);
        else add(n, k === 'prov:label' ? 'rdfs:label' : k === 'prov:location' ? 'prov:atLocation' : k, ldValue(v));
      }
    } else if (r.kind === 'used') add(node(a['prov:activity'] as string), 'prov:used', ref('prov:entity'));
    else if (r.kind === 'wasGeneratedBy') add(node(a['prov:entity'] as string), 'prov:wasGeneratedBy', ref('prov:activity'));
    else if (r.kind === 'wasDerivedFrom') add(node(a['prov:generatedEntity'] as string), 'prov:wasDerivedFrom', ref('prov:usedEntity'));
    else if (r.kind === 'wasInfluencedBy') add(node(a['prov:influencee'] as string), 'prov:wasInfluencedBy', ref('prov:influencer'));
    else if (r.kind === 'wasAssociatedWith') {
      const n = node(a['prov:activity'] as string);
      add(n, 'prov:wasAssociatedWith', ref('prov:agent'));
      add(n, 'prov:qualifiedAssociation', { '@type': 'prov:Association', 'prov:agent': ref('prov:agent'), ...(a['prov:plan'] ? { 'prov:hadPlan': ref('prov:plan') } : {}) });
    }
  }
  return [...nodes.values()];
}

export function provJsonLd(doc: ProvDocument): string {
  const context = { prov: PROV_NS, xsd: XSD_NS, rdfs: 'http://www.w3.org/2000/01/rdf-schema#', ...doc.prefixes };
  const graph: unknown[] = ldNodes(doc.records);
  for (const b of doc.bundles) graph.push({ '@id': b.id, '@graph': ldNodes(b.records) });
  return `${JSON.stringify({ '@context': context, '@graph': graph }, null, 2)}\n`;
}

export function serialiseProv(doc: ProvDocument, format: ProvFormat): string {
  return format === 'json' ? provJson(doc) : format === 'jsonld' ? provJsonLd(doc) : provN(doc);
}
