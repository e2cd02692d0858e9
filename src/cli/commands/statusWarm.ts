/**
 * `clew status` without the store when nothing changed: answers from the warm snapshot
 * (engine/status), and leaves one behind after every slow status. Kept free of sql.js and of the
 * other commands, so dist/cli.js can try it before loading the rest of the CLI.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LEGACY_RELATIVE_PATHS, STORE_RELATIVE_PATH } from '../../engine/store/locate';
import type { FileHasher } from '../../engine/hash/types';
import { encodeModel, recordingHasher, rehashChanged, reverifyModel } from '../../engine/status/warmStatus';
import { readSnapshot, storeGeneration, writeSnapshot, type WarmEntry, type WarmSnapshot } from '../../engine/status/warmSnapshot';
import { summarizeStatus } from '../../engine/verify/verify';
import type { RunVerification } from '../../engine/verify/types';
import { renderStatusJson, renderStatusText, statusExitCode } from '../render/statusReport';
import type { CliIo } from '../types';

export interface WarmRequest {
  dbPath: string;
  limit: number;
}

/**
 * pathMapSources.storeProjectRoot, restated: importing that module would pull the YAML parser into
 * dist/cli.js, whose point is to be small.
 */
function storeProjectRoot(dbPath: string): string | undefined {
  const abs = path.resolve(dbPath);
  for (const rel of [STORE_RELATIVE_PATH, ...LEGACY_RELATIVE_PATHS]) if (abs.endsWith(path.sep + rel)) return abs.slice(0, -rel.length - 1);
  return undefined;
}

/**
 * What else decides how the store is read: a path map from a config file (found upward from the
 * store's project folder, engine/config/clewConfig.ts CONFIG_NAMES) — so each candidate file's stat.
 */
function configGeneration(dbPath: string): string {
  const parts: string[] = [];
  let dir = storeProjectRoot(dbPath) ?? path.dirname(path.resolve(dbPath));
  for (;;) {
    for (const name of ['config.yaml', 'config.yml', 'config.json']) {
      const s = fs.statSync(path.join(dir, '.scitex', 'clew', name), { bigint: true, throwIfNoEntry: false });
      if (s) parts.push(`${name}@${dir}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`);
    }
    const parent = path.dirname(dir);
    if (parent === dir) return parts.join('|');
    dir = parent;
  }
}

export function keyOf(req: WarmRequest, generation: string): string {
  return `${path.resolve(req.dbPath)}\n${req.limit}\n${generation}\n${configGeneration(req.dbPath)}`;
}

/** Everything status may print, rendered once, as a cached (no --rehash) status prints it; and the model for `entries`. */
export function outputsOf(dbPath: string, runs: readonly RunVerification[], entries: readonly WarmEntry[]): Pick<WarmSnapshot, 'outputs' | 'exitCode' | 'model'> {
  return { ...renderOutputs(dbPath, runs), model: encodeModel(runs, entries) };
}

function renderOutputs(dbPath: string, runs: readonly RunVerification[]): Pick<WarmSnapshot, 'outputs' | 'exitCode'> {
  const input = { status: summarizeStatus(runs), runs, dbPath: path.resolve(dbPath), cached: true };
  const rehash = { ...input, cached: false };
  return {
    outputs: {
      json: renderStatusJson(input),
      plain: renderStatusText(input, false),
      color: renderStatusText(input, true),
      // What `status --rehash` prints when it finds every file as this status did (statusRehash.ts).
      rehash: { json: renderStatusJson(rehash), plain: renderStatusText(rehash, false), color: renderStatusText(rehash, true) },
    },
    exitCode: statusExitCode(runs),
  };
}

/**
 * Prints the status and returns its exit code when the snapshot can answer (re-hashing only
 * files whose stat changed); undefined when the slow path must run. Never throws.
 */
export async function tryWarmStatus(req: WarmRequest, json: boolean, io: CliIo): Promise<number | undefined> {
  try {
    const snapshot = readSnapshot(req.dbPath);
    if (!snapshot) return undefined;
    const generation = storeGeneration(req.dbPath);
    if (snapshot.key !== keyOf(req, generation)) return undefined;
    const fresh = await rehashChanged(snapshot);
    if (!fresh) return undefined;
    let answer: Pick<WarmSnapshot, 'outputs' | 'exitCode'> = snapshot;
    let model: string | undefined;
    if (fresh.differing.size > 0) {
      const next = reverifyModel(snapshot, fresh.changed, fresh.differing);
      answer = renderOutputs(req.dbPath, next.runs);
      model = next.model;
    }
    // Re-hashed something: save the new stats, unless a commit landed meanwhile (then the answer
    // above is still right for the generation we checked, but the next status must re-read).
    // Only the re-hashed entries, the head and (when verdicts changed) the model are re-encoded.
    if (fresh.changed.size > 0 && storeGeneration(req.dbPath) === generation) {
      writeSnapshot(req.dbPath, snapshot.patched({ key: snapshot.key, takenAtNs: fresh.takenAtNs, exitCode: answer.exitCode, outputs: answer.outputs }, fresh.changed, model));
    }
    io.out(json ? answer.outputs.json : io.color ? answer.outputs.color : answer.outputs.plain);
    return answer.exitCode;
  } catch {
    return undefined;
  }
}

/** For the slow path: wrap its hasher, then save what it verified as the next warm snapshot. */
export function beginWarmRecording(req: WarmRequest): { wrap(hasher: FileHasher, takenAtNs?: bigint): FileHasher; save(runs: readonly RunVerification[]): void } {
  let generation: string | undefined;
  let recording: ReturnType<typeof recordingHasher> | undefined;
  try {
    generation = storeGeneration(req.dbPath);
  } catch {
    generation = undefined;
  }
  return {
    wrap(hasher, takenAtNs) {
      recording = recordingHasher(hasher, takenAtNs);
      return recording.hasher;
    },
    save(runs) {
      try {
        const entries: WarmEntry[] | undefined = recording?.entries();
        if (!entries || !recording || generation === undefined || storeGeneration(req.dbPath) !== generation) return;
        // An absent file outside the store's project folder is what moved-store detection looks
        // at: its verdict could change without the store or the file changing. No snapshot then.
        const root = storeProjectRoot(req.dbPath);
        if (entries.some((e) => !e.present && (root === undefined || !e.path.startsWith(root + path.sep)))) return;
        writeSnapshot(req.dbPath, { key: keyOf(req, generation), takenAtNs: recording.takenAtNs, entries, ...outputsOf(req.dbPath, runs, entries) });
      } catch {
        // No snapshot only means no warm path next time.
      }
    },
  };
}
