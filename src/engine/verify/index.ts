export * from './types';
export { verifyRun, verifyStatus, verifyChain, verifyDag, verifyDagStrict, resolveTarget, listRuns, stats } from './verify';
export type { VerifyContext, DagRequest } from './verify';
export { decideRunStatus } from './runVerify';
export { buildGraph, rootsFirstOrder, edgesOf, parentsOf } from './graph';
export { newestProducer } from './rows';
