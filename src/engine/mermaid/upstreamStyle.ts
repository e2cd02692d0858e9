/**
 * The visual vocabulary of upstream's mermaid diagrams (spec §7.2): icons, badges, class
 * definitions, node ids and label text. Kept identical to scitex-clew so a diagram drawn by Clew
 * and one drawn by the Python package look alike; the only deliberate differences are safety
 * ones (ids and labels can never carry mermaid syntax or markup) and are documented at each site.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';

const ICON_BY_EXTENSION: Readonly<Record<string, string>> = {
  '.py': '🐍',
  '.csv': '📊',
  '.json': '📋',
  '.yaml': '⚙️',
  '.yml': '⚙️',
  '.png': '🖼️',
  '.jpg': '🖼️',
  '.jpeg': '🖼️',
  '.svg': '🖼️',
  '.pdf': '📄',
  '.html': '🌐',
  '.txt': '📝',
  '.md': '📝',
  '.npy': '🔢',
  '.npz': '🔢',
  '.pkl': '📦',
  '.pickle': '📦',
  '.h5': '💾',
  '.hdf5': '💾',
  '.mat': '🔬',
  '.sh': '🖥️',
};

/** Every icon iconFor gives, plus the claim nodes' (claimsOverlay.ts): emoji, which fonts without emoji draw as boxes. */
export const DIAGRAM_ICONS: readonly string[] = [...new Set([...Object.values(ICON_BY_EXTENSION), '📄', '📝'])];

export function iconFor(filePath: string): string {
  return ICON_BY_EXTENSION[path.extname(filePath).toLowerCase()] ?? '📄';
}

/** The 14 class definitions upstream 0.19 appends to every diagram, in its order. */
export const UPSTREAM_CLASS_DEFS: readonly string[] = [
  'classDef script fill:#87CEEB,stroke:#4169E1,stroke-width:2px',
  'classDef verified fill:#2da44e,stroke:#1a6b32',
  'classDef verified_scratch fill:#2da44e,stroke:#1a6b32,stroke-width:4px',
  'classDef failed fill:#cf222e,stroke:#8b1a1a',
  'classDef suspect fill:#d29922,stroke:#8a5c00',
  'classDef file fill:#FFF8DC,stroke:#DAA520',
  'classDef file_ok fill:#2da44e,stroke:#1a6b32',
  'classDef file_rerun fill:#2da44e,stroke:#1a6b32,stroke-width:4px',
  'classDef file_bad fill:#cf222e,stroke:#8b1a1a',
  'classDef file_suspect fill:#d29922,stroke:#8a5c00',
  'classDef file_frozen fill:#0072b2,stroke:#004a75',
  'classDef exception fill:#8250df,stroke:#4a1c8a',
  'classDef unsourced fill:#b26a00,stroke:#5c3600',
  'classDef file_unsourced fill:#b26a00,stroke:#5c3600',
];

/** Upstream's "(RUN: …)" label: the part after the last underscore, at most 8 characters. */
export function shortRunId(sessionId: string): string {
  const parts = sessionId.split('_');
  return (parts[parts.length - 1] ?? sessionId).slice(0, 8);
}

/**
 * Upstream replaces only `.`, `-` and spaces; we replace every character outside [A-Za-z0-9_],
 * so a file name can never smuggle mermaid syntax through a node id. Identical for plain names.
 */
export function idSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9_]/g, '_');
}

function md5Hex8(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex').slice(0, 8);
}

/** Ids keep at most this much of a name (the md5 suffix keeps them apart); upstream: no bound. */
const MAX_ID_NAME = 64;

/** The name part of a node id: safe characters, bounded length. */
export function idPart(text: string): string {
  return idSafe(text).slice(0, MAX_ID_NAME);
}

function idName(filePath: string): string {
  return idPart(path.basename(filePath));
}

/** Upstream's file node id: `file_<basename>_<md5(basename)[:8]>`. */
export function basenameFileId(filePath: string): string {
  return `file_${idName(filePath)}_${md5Hex8(path.basename(filePath))}`;
}

/** The id for a file whose basename is shared with another file in the same diagram. */
export function fullPathFileId(filePath: string): string {
  return `file_${idName(filePath)}_${md5Hex8(filePath)}`;
}

/** Simple-diagram run id: the session id with separators replaced (upstream: `-` and `.`). */
export function sessionNodeId(sessionId: string): string {
  const safe = idSafe(sessionId);
  return safe.length <= 2 * MAX_ID_NAME ? safe : `${safe.slice(0, MAX_ID_NAME)}_${md5Hex8(sessionId)}`;
}

/** Long names are cut so 10,000-character file names cannot break the layout. */
export const MAX_LABEL_CHARS = 80;

/**
 * One piece of label text made inert: one line, bounded length, and the characters that could
 * end the quoted label or start markup (`"`, `#`, `<`, `>`, `&`, backtick) written as mermaid
 * entity codes (`#34;` …), which mermaid renders as the literal character. `%` too: mermaid
 * treats `%%…` as a comment or directive anywhere in the text, which would swallow the rest of
 * the name.
 */
export function labelText(text: string): string {
  const oneLine = text.replace(/[\r\n\t\v\f]+/g, ' ');
  const chars = [...oneLine];
  const short = chars.length > MAX_LABEL_CHARS ? `${chars.slice(0, MAX_LABEL_CHARS - 1).join('')}…` : oneLine;
  return short.replace(/["#<>&`%]/g, (c) => `#${c.charCodeAt(0)};`);
}

export type PathMode = 'name' | 'relative' | 'absolute';

/** The name a script or file is shown by (upstream `path_mode`); `unknown` for an empty path. */
export function displayName(filePath: string | null, mode: PathMode, cwd: string): string {
  if (!filePath) return 'unknown';
  if (mode === 'absolute') return path.resolve(cwd, filePath);
  if (mode === 'relative') return path.relative(cwd, path.resolve(cwd, filePath)) || '.';
  return path.basename(filePath);
}
