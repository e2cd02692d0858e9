/** The `file` backend: `<stamps dir>/<stamp_id>.json`, byte-for-byte what upstream writes. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pythonJsonIndent2 } from './format';

export interface StampProof {
  stamp_id: string;
  root_hash: string;
  timestamp: string;
  run_count: number;
}

/** Upstream's proof JSON (2-space indent, no trailing newline); also what the zenodo backend uploads. */
export function proofJson(proof: StampProof, backend: string): string {
  return pythonJsonIndent2({ stamp_id: proof.stamp_id, root_hash: proof.root_hash, timestamp: proof.timestamp, run_count: proof.run_count, backend });
}

export function writeFileStamp(stampsDir: string, proof: StampProof): { service_url: string; response_token: null } {
  fs.mkdirSync(stampsDir, { recursive: true });
  const file = path.join(stampsDir, `${proof.stamp_id}.json`);
  fs.writeFileSync(file, proofJson(proof, 'file'));
  return { service_url: file, response_token: null };
}
