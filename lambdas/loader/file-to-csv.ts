/**
 * Turns an object into the CSV file the warehouse loads, checking it first: a CSV must carry the
 * contract's header (so a column added, dropped or reordered is rejected instead of shifting
 * values) and a gold CSV rows the consumer would have written (gold-rows.ts), a JSON reference
 * file must hold records that satisfy the reference contract, and a quarantine file must hold one
 * JSON object a line. Nothing inflates past a limit: a gzip bomb is a rejected file, not a crash.
 */
import { gunzipSync } from 'node:zlib';
import { csvHeader, csvRow } from '../shared/csv.js';
import type { LoadSource } from '../shared/ports/warehouse.js';
import type { ReferenceCatalog } from '../shared/reference-catalog.js';
import { CsvSyntaxError } from './csv-records.js';
import { checkGoldRows } from './gold-rows.js';
import type { LoadTarget } from '../shared/contracts/load-targets.js';
import { RejectedFileError } from './rejected-file.js';

/** How many invalid records a rejection names; the rest are counted. */
const REPORTED_PROBLEMS = 3;

/**
 * Most bytes one object may inflate to, gzipped or not. 128 MiB: gold files of a batch are a few
 * MB; a text this size still fits a JavaScript string (V8's limit is about 512 MiB) and a loader's memory.
 */
export const DEFAULT_MAX_INFLATED_BYTES = 128 * 1024 * 1024;

/** What checking a file needs besides its bytes. */
export interface FileChecks {
  /** The ids gold rows must reference (the consumer's own catalog, read from `reference/`). */
  readonly catalog: ReferenceCatalog;
  readonly maxInflatedBytes: number;
}

/** A file ready for the warehouse, with the data rows it holds when the loader counted them. */
export interface CheckedFile {
  readonly source: LoadSource;
  readonly rows?: number;
}

const firstLineOf = (text: string): string => {
  const end = text.indexOf('\n');
  return (end === -1 ? text : text.slice(0, end)).replace(/\r$/, '').replace(/^\uFEFF/, '');
};

const decode = (body: Uint8Array, gzipped: boolean, key: string, maxBytes: number): string => {
  const tooLarge = `${key} inflates past the loader's limit of ${maxBytes} bytes (maxInflatedBytes)`;
  if (!gzipped) {
    if (body.byteLength > maxBytes) throw new RejectedFileError(tooLarge);
    return Buffer.from(body).toString('utf8');
  }
  try {
    // zlib stops at maxOutputLength instead of inflating the whole bomb into memory.
    return gunzipSync(body, { maxOutputLength: maxBytes }).toString('utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new RejectedFileError(tooLarge);
    throw new RejectedFileError(`${key} is not a readable gzip file: ${(error as Error).message}`);
  }
};

const rowList = (problems: readonly { row: number; reasons: string }[]): string =>
  problems
    .slice(0, REPORTED_PROBLEMS)
    .map((problem) => `row ${problem.row}: ${problem.reasons}`)
    .join(' | ');

/** Every row of a gold CSV, or a rejection naming the first offending rows and counting them all. */
const checkedGoldRows = (text: string, key: string, target: LoadTarget, catalog: ReferenceCatalog): number => {
  let check;
  try {
    check = checkGoldRows(text, target.gold!, catalog);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new RejectedFileError(`${key} is not CSV at ${error.message}`);
    throw error;
  }
  if (check.problems.length > 0) {
    // All or nothing, like an unreadable row: a file that did not come from our consumer is not trusted in part.
    throw new RejectedFileError(`${key}: ${check.problems.length} of ${check.rows} rows break the ${target.gold!.name} contract (${rowList(check.problems)})`, {
      rowsParsed: check.rows,
      errorsSeen: check.problems.length,
    });
  }
  return check.rows;
};

const csvFromJson = (text: string, key: string, target: LoadTarget): string => {
  let records: unknown;
  try {
    records = JSON.parse(text);
  } catch (error) {
    throw new RejectedFileError(`${key} is not JSON: ${(error as Error).message.slice(0, 200)}`);
  }
  if (!Array.isArray(records)) throw new RejectedFileError(`${key} must hold a JSON array of records`);
  const problems: string[] = [];
  const rows: string[] = [];
  records.forEach((record, index) => {
    const parsed = target.recordSchema!.safeParse(record);
    if (parsed.success) rows.push(csvRow(target.columns, parsed.data as never));
    else problems.push(`record ${index}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
  });
  if (problems.length > 0) {
    // A partial reference file would silently shrink a dimension: all or nothing.
    throw new RejectedFileError(
      `${key}: ${problems.length} of ${records.length} records break the reference contract (${problems.slice(0, REPORTED_PROBLEMS).join(' | ')})`,
    );
  }
  return `${csvHeader(target.columns)}\n${rows.join('\n')}${rows.length > 0 ? '\n' : ''}`;
};

const csvFromNdjson = (text: string, key: string, target: LoadTarget): string => {
  const rows: string[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw new RejectedFileError(`${key}: line ${index + 1} is not JSON: ${(error as Error).message.slice(0, 200)}`);
    }
    if (typeof record !== 'object' || record === null || !Array.isArray((record as { reasons?: unknown }).reasons)) {
      throw new RejectedFileError(`${key}: line ${index + 1} is not a quarantined record (an object with reasons)`);
    }
    rows.push(csvRow(target.columns, record as never));
  }
  return `${csvHeader(target.columns)}\n${rows.join('\n')}${rows.length > 0 ? '\n' : ''}`;
};

/** The file to hand to the warehouse's load, or a {@link RejectedFileError} saying what is wrong. */
export const fileToLoad = (key: string, body: Uint8Array, target: LoadTarget, checks: FileChecks): CheckedFile => {
  const name = key.slice(key.lastIndexOf('/') + 1);
  if (target.format === 'json') {
    const csv = csvFromJson(decode(body, false, key, checks.maxInflatedBytes), key, target);
    return { source: { fileName: name.replace(/\.json$/, '.csv'), bytes: Buffer.from(csv, 'utf8') } };
  }
  if (target.format === 'ndjson') {
    const csv = csvFromNdjson(decode(body, true, key, checks.maxInflatedBytes), key, target);
    return { source: { fileName: name.replace(/\.ndjson\.gz$/, '.csv'), bytes: Buffer.from(csv, 'utf8') } };
  }
  const expected = csvHeader(target.columns);
  const text = decode(body, target.gzipped, key, checks.maxInflatedBytes);
  const header = firstLineOf(text);
  if (header !== expected) {
    throw new RejectedFileError(`${key} has header "${header.slice(0, 300)}" but ${target.bronze.table.name} expects "${expected}"`);
  }
  // The bytes load as they are: every row was just read as the contract writes it.
  const source = { fileName: name, bytes: body };
  return target.gold ? { source, rows: checkedGoldRows(text, key, target, checks.catalog) } : { source };
};
