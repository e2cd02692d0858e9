/**
 * `clew status` without the store when nothing changed: answers from the warm snapshot
 * (engine/status), and leaves one behind after every slow status. Kept free of sql.js and of the
 * other commands, so dist/cli.js can try it before loading the rest of the CLI.
 */
import * as path from 'node:path';
import type { FileHasher } from '../../engine/hash/types';
import { decodeModel, encodeModel, recordingHasher, rehashChanged, reverify } from '../../engine/status/warmStatus';
import { readSnapshot, storeGeneration, writeSnapshot, type WarmEntry, type WarmSnapshot } from '../../engine/status/warmSnapshot';
import { summarizeStatus } from '../../engine/verify/verify';
import type { RunVerification } from '../../engine/verify/types';
import { renderStatusJson, renderStatusText, statusExitCode } from '../render/statusReport';
import type { CliIo } from '../types';

export interface WarmRequest {
  dbPath: string;
  limit: number;
}

function keyOf(req: WarmRequest, generation: string): string {
  return `${path.resolve(req.dbPath)}\n${req.limit}\n${generation}`;
}

/** Everything status may print, rendered once, as a cached (no --rehash) status prints it. */
function outputsOf(dbPath: string, runs: readonly RunVerification[], entries: readonly WarmEntry[]): Pick<WarmSnapshot, 'outputs' | 'exitCode' | 'model'> {
  const input = { status: summarizeStatus(runs), runs, dbPath: path.resolve(dbPath), cached: true };
  return {
    outputs: { json: renderStatusJson(input), plain: renderStatusText(input, false), color: renderStatusText(input, true) },
    exitCode: statusExitCode(runs),
    model: encodeModel(runs, entries),
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
    let answer: Pick<WarmSnapshot, 'outputs' | 'exitCode' | 'model'> = snapshot;
    if (fresh.differing.size > 0 && fresh.entries) answer = outputsOf(req.dbPath, reverify(decodeModel(snapshot.model, snapshot), fresh.differing), fresh.entries);
    // Re-hashed something: save the new stats, unless a commit landed meanwhile (then the answer
    // above is still right for the generation we checked, but the next status must re-read).
    if (fresh.entries && storeGeneration(req.dbPath) === generation) {
      writeSnapshot(req.dbPath, { key: snapshot.key, takenAtNs: fresh.takenAtNs, entries: fresh.entries, ...answer });
    }
    io.out(json ? answer.outputs.json : io.color ? answer.outputs.color : answer.outputs.plain);
    return answer.exitCode;
  } catch {
    return undefined;
  }
}

/** For the slow path: wrap its hasher, then save what it verified as the next warm snapshot. */
export function beginWarmRecording(req: WarmRequest): { wrap(hasher: FileHasher): FileHasher; save(runs: readonly RunVerification[]): void } {
  let generation: string | undefined;
  let recording: ReturnType<typeof recordingHasher> | undefined;
  try {
    generation = storeGeneration(req.dbPath);
  } catch {
    generation = undefined;
  }
  return {
    wrap(hasher) {
      recording = recordingHasher(hasher);
      return recording.hasher;
    },
    save(runs) {
      try {
        const entries: WarmEntry[] | undefined = recording?.entries();
        if (!entries || !recording || generation === undefined || storeGeneration(req.dbPath) !== generation) return;
        writeSnapshot(req.dbPath, { key: keyOf(req, generation), takenAtNs: recording.takenAtNs, entries, ...outputsOf(req.dbPath, runs, entries) });
      } catch {
        // No snapshot only means no warm path next time.
      }
    },
  };
}
