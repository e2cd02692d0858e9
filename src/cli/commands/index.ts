/**
 * Every `clew` subcommand, in `clew --help` order. Add a command by importing it and listing it here.
 */
import type { CliCommand } from '../types';
import { claimsCommand } from './claims';
import { checkCrateCommand } from './checkCrate';
import { exportCommand } from './export';
import { chainCommand, dagCommand } from './graph';
import { hashCommand } from './hash';
import { historyCommand } from './history';
import { initExamplesCommand } from './initExamples';
import { mcpCommand } from './mcp';
import { mermaidCommand } from './mermaid';
import { recordCommand } from './record';
import { reportCommand } from './report';
import { rerunClaimsCommand, rerunCommand, rerunDagCommand } from './rerun';
import { listCommand, runCommand, statsCommand } from './runs';
import { checkStampCommand, listStampsCommand, stampCommand, stampsGroupCommand } from './stamps';
import { ingestCommand, spoolCommand } from './spool';
import { statusCommand } from './status';
import { claimCommand } from './upstream/claim';
import { exportClaimsCommand } from './upstream/exportClaims';
import { gateCompletenessCommand, groundingCommand } from './upstream/grounding';
import { hashDirectoryCommand, hashFileCommand } from './upstream/hash';
import { listRunsCommand, showStatsCommand } from './upstream/runs';
import { keygenCommand, signCommand, verifySignaturesCommand } from './upstream/signing';
import { listSourcesCommand, registerSourceCommand, unregisterSourceCommand } from './upstream/sources';
import { upstreamVerifyCommand } from './upstream/verify';

export const COMMANDS: readonly CliCommand[] = [
  statusCommand,
  listCommand,
  runCommand,
  chainCommand,
  dagCommand,
  mermaidCommand,
  rerunCommand,
  rerunDagCommand,
  rerunClaimsCommand,
  statsCommand,
  hashCommand,
  recordCommand,
  spoolCommand,
  ingestCommand,
  initExamplesCommand,
  claimsCommand,
  stampCommand,
  listStampsCommand,
  checkStampCommand,
  stampsGroupCommand,
  mcpCommand,
  exportCommand,
  checkCrateCommand,
  historyCommand,
  reportCommand,
  // scitex-clew's own command names, unchanged (README: "scitex-clew's command line").
  upstreamVerifyCommand,
  listRunsCommand,
  showStatsCommand,
  claimCommand,
  exportClaimsCommand,
  hashFileCommand,
  hashDirectoryCommand,
  registerSourceCommand,
  listSourcesCommand,
  unregisterSourceCommand,
  groundingCommand,
  gateCompletenessCommand,
  keygenCommand,
  signCommand,
  verifySignaturesCommand,
];
