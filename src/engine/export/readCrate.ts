/**
 * A crate read back without the store: its metadata graph by @id, and its bytes from a folder, a
 * zip, or a separate data folder (`--data`). RO-Crate 1.1 requires the flattened, compacted form
 * (one @graph of entities, properties as their context terms), which is what is read here; this is
 * not a general JSON-LD processor.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClewError, errorMessage } from '../errors';
import { hashOutcome } from '../hash/sha256';
import type { HashOutcome } from '../hash/types';
import { METADATA_FILE } from './writeCrate';
import { readZip } from './zip';

export type CrateEntity = Record<string, unknown> & { '@id': string };

export interface OpenedCrate {
  /** What was given (folder, metadata file or zip). */
  location: string;
  entities: Map<string, CrateEntity>;
  /** Hashes a crate path: under `--data` first, then in the crate itself (which always holds its stamps' tokens). */
  hash(cratePath: string): Promise<HashOutcome>;
  /** Raw bytes of a crate path, or undefined when absent. */
  read(cratePath: string): Buffer | undefined;
  dataLocation: string;
}

function parseMetadata(text: string, where: string): Map<string, CrateEntity> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ClewError('not-found', `${where} is not JSON: ${errorMessage(err)}`);
  }
  const graph = (doc as { '@graph'?: unknown })['@graph'];
  if (!Array.isArray(graph)) throw new ClewError('not-found', `${where} has no @graph: not an RO-Crate metadata file`);
  const entities = new Map<string, CrateEntity>();
  for (const e of graph) if (e && typeof e === 'object' && typeof (e as { '@id'?: unknown })['@id'] === 'string') entities.set((e as CrateEntity)['@id'], e as CrateEntity);
  return entities;
}

function fromFolder(dir: string): (cratePath: string) => Promise<HashOutcome> {
  return (cratePath) => hashOutcome(path.join(dir, ...cratePath.split('/')));
}

export function openCrate(location: string, dataDir?: string): OpenedCrate {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(location);
  } catch {
    throw new ClewError('not-found', `no crate at ${location}`);
  }
  const dataFolder = dataDir === undefined ? undefined : fromFolder(dataDir);
  /** `--data` first; what it lacks may be in the crate (an exported crate always carries its tokens). */
  const withData = (own: (cratePath: string) => Promise<HashOutcome>) => async (cratePath: string): Promise<HashOutcome> => {
    if (!dataFolder) return own(cratePath);
    const outcome = await dataFolder(cratePath);
    return outcome.kind === 'missing' ? own(cratePath) : outcome;
  };
  if (stat.isFile() && location.toLowerCase().endsWith('.zip')) {
    let members: Map<string, Buffer>;
    try {
      members = readZip(location);
    } catch (err) {
      throw new ClewError('not-found', errorMessage(err));
    }
    const metadata = members.get(METADATA_FILE);
    if (!metadata) throw new ClewError('not-found', `${location} holds no ${METADATA_FILE} at its root`);
    const fromZip = async (cratePath: string): Promise<HashOutcome> => {
      const bytes = members.get(cratePath);
      return bytes ? { kind: 'hash', hash: createHash('sha256').update(bytes).digest('hex'), cached: false } : { kind: 'missing' };
    };
    return { location, entities: parseMetadata(metadata.toString('utf8'), `${location}:${METADATA_FILE}`), hash: withData(fromZip), read: (p) => members.get(p), dataLocation: dataDir ?? location };
  }
  const dir = stat.isDirectory() ? location : path.dirname(location);
  const metadataFile = stat.isDirectory() ? path.join(location, METADATA_FILE) : location;
  let text: string;
  try {
    text = fs.readFileSync(metadataFile, 'utf8');
  } catch {
    throw new ClewError('not-found', `no ${METADATA_FILE} in ${location}`);
  }
  const read = (cratePath: string): Buffer | undefined => {
    try {
      return fs.readFileSync(path.join(dir, ...cratePath.split('/')));
    } catch {
      return undefined;
    }
  };
  return { location, entities: parseMetadata(text, metadataFile), hash: withData(fromFolder(dir)), read, dataLocation: dataDir ?? dir };
}

/** The @ids a property refers to (one reference or a list of them). */
export function idsOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((v) => (v && typeof v === 'object' ? (v as { '@id'?: unknown })['@id'] : undefined)).filter((id): id is string => typeof id === 'string');
}

export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

export function typesOf(e: CrateEntity): string[] {
  const t = e['@type'];
  return Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : typeof t === 'string' ? [t] : [];
}
