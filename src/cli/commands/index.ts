/**
 * Every `clew` subcommand, in `clew --help` order. Add a command by importing it and listing it here.
 */
import type { CliCommand } from '../types';
import { claimsCommand } from './claims';
import { chainCommand, dagCommand } from './graph';
import { hashCommand } from './hash';
import { initExamplesCommand } from './initExamples';
import { mermaidCommand } from './mermaid';
import { recordCommand } from './record';
import { rerunClaimsCommand, rerunCommand, rerunDagCommand } from './rerun';
import { listCommand, runCommand, statsCommand } from './runs';
import { checkStampCommand, listStampsCommand, stampCommand } from './stamps';
import { statusCommand } from './status';

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
  initExamplesCommand,
  claimsCommand,
  stampCommand,
  listStampsCommand,
  checkStampCommand,
];
