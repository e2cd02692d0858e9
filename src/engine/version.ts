/** Clew's version, read from package.json at build time: the one place it is written. */
import { version } from '../../package.json';

export const CLEW_VERSION: string = version;
