/**
 * The public Node API (bundled to dist/api.js): everything a script needs to read, verify and
 * record the Clew store without VS Code. No `vscode` import may ever reach this file.
 */
export { ClewError, type ClewErrorCode } from './errors';
export { openStore, type OpenStoreOptions } from './store/open';
export { locateStore, findProjectRoot, migrateLegacyStore, type LocatedStore } from './store/locate';
export type { Store, StoreView, WriteOp, WriteOpResult } from './store/types';
export { coreSchemaOps } from './store/schema';
export { createFileHasher } from './hash/fileHasher';
export { hashFile, hashDirectory, hashesMatch } from './hash/sha256';
export type { FileHasher, HashOutcome } from './hash/types';
export * from './verify';
export { RecordingSession, combinedHash, newSessionId, type SessionStartOptions } from './record/session';
export { runRecorded, type RecordRequest, type RecordResult } from './record/runRecorded';
export { initExamples } from './examples/initExamples';
export { rerun, rerunDag, rerunClaims, type RerunContext, type RerunDagRequest, type RerunClaimsRequest } from './rerun/rerun';
export type { RerunDagResult, RerunOptions, RerunVerification, RerunFileResult, RerunEvent } from './rerun/types';
export { stamp, listStamps, checkStamp, type StampContext, type StampOptions, type CheckStampOptions } from './stamps/stamps';
export { computeRootHash } from './stamps/rootHash';
export { STAMP_BACKENDS, type StampBackend, type StampRecord, type StampCheck, type StampNotFound, type StampVerdict, type TokenCheck, type FileChange, type RootHash } from './stamps/types';
