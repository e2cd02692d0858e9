/**
 * Every `clew` subcommand, in `clew --help` order. Add a command by importing it and listing it here.
 */
import type { CliCommand } from '../types';

export const COMMANDS: readonly CliCommand[] = [];
