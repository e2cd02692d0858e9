/**
 * The three exports end to end, from a store snapshot to files on disk, so the command line and the
 * editor do the same thing: a crate (folder or zip), a PROV file, a report page.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClewError } from '../errors';
import type { FileHasher } from '../hash/types';
import type { PathMapReport } from '../store/pathMap';
import type { StoreView } from '../store/types';
import { exportProjectRoot, recordedPathFrom, scriptSizeOnDisk } from './exportContext';
import { collectExport, type ExportModel } from './model';
import { buildProv } from './prov';
import { serialiseProv, type ProvFormat } from './provFormats';
import { buildReportData } from './reportData';
import { reportHtml } from './reportHtml';
import { buildRoCrate } from './roCrate';
import { METADATA_FILE, writeCrate } from './writeCrate';
import { writeZip } from './zip';

export interface ExportSource {
  view: StoreView;
  /** Targets are resolved against it; a store kept outside a project uses it as the project root. */
  cwd: string;
  targets?: readonly string[];
  /** How the store's paths were rewritten, when it was read through a path map. */
  pathMap?: PathMapReport;
}

export function exportModel(source: ExportSource): ExportModel {
  return collectExport(source.view, { targets: source.targets, cwd: source.cwd, projectRoot: exportProjectRoot(source.view.dbPath, source.cwd), recordedPathOf: recordedPathFrom(source.pathMap) });
}

/** A folder the crate may be written into: absent, empty, or an earlier crate. */
export function checkCrateDestination(dir: string): void {
  if (!fs.existsSync(dir)) return;
  if (!fs.statSync(dir).isDirectory()) throw new ClewError('usage', `${dir} exists and is not a folder`);
  const entries = fs.readdirSync(dir);
  if (entries.length > 0 && !entries.includes(METADATA_FILE)) throw new ClewError('usage', `${dir} is not empty and holds no ${METADATA_FILE}; choose another -o`);
}

export interface CrateExportResult {
  crate: string;
  format: 'zip' | 'directory';
  runs: number;
  files: number;
  copied: number;
  claims: number;
  stamps: number;
  /** Recorded files whose bytes on disk are not the recorded ones (copied anyway). */
  differing: string[];
  /** Recorded files gone from disk (not copied). */
  missing: string[];
}

/** Writes the crate to `out`: a folder, or a zip when `out` ends in `.zip`. */
export async function exportRoCrate(source: ExportSource, out: string, options: { includeData: boolean; now?: string }): Promise<CrateExportResult> {
  const asZip = out.toLowerCase().endsWith('.zip');
  if (!asZip) checkCrateDestination(out);
  const model = exportModel(source);
  const built = buildRoCrate(model, { now: options.now ?? new Date().toISOString(), scriptSize: scriptSizeOnDisk });
  if (asZip) fs.mkdirSync(path.dirname(out), { recursive: true });
  const dir = asZip ? fs.mkdtempSync(path.join(path.dirname(out), '.clew-crate-')) : out;
  try {
    const written = await writeCrate(built, dir, { includeData: options.includeData });
    if (asZip) writeZip(dir, out);
    return { crate: out, format: asZip ? 'zip' : 'directory', runs: model.runs.length, files: built.files.length, copied: written.copied, claims: model.claims.length, stamps: model.stamps.length, differing: written.differing, missing: written.missing };
  } finally {
    if (asZip) fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function provText(source: ExportSource, format: ProvFormat): { text: string; runs: number } {
  const model = exportModel(source);
  return { text: serialiseProv(buildProv(model), format), runs: model.runs.length };
}

/** Writes the report page to `out`; its files are re-hashed with `hasher`. */
export async function writeReport(source: ExportSource, hasher: FileHasher, out: string): Promise<{ runs: number; overall: string }> {
  const model = exportModel(source);
  const data = await buildReportData(source.view, hasher, model, new Date().toISOString());
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, reportHtml(data));
  return { runs: model.runs.length, overall: data.overall };
}
