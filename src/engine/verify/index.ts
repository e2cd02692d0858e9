export * from './types';
export { verifyRun, verifyStatus, verifyChain, verifyDag, verifyDagStrict, resolveTarget, listRuns, stats } from './verify';
export type { VerifyContext, DagRequest } from './verify';
export { aggregateStatus, countVerdicts, decideRunStatus, fileVerdict } from './verdicts';
export type { ClaimStatus, FileVerdict, Verdict, VerdictCounts } from './verdicts';
export { buildGraph, rootsFirstOrder, edgesOf, parentsOf } from './graph';
export { newestProducer } from './rows';
