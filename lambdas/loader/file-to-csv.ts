/**
 * Turns an object into the CSV file the warehouse loads, checking it first: a CSV must carry the
 * contract's header (so a column added, dropped or reordered is rejected instead of shifting
 * values), a JSON reference file must hold records that satisfy the reference contract, and a
 * quarantine file must hold one JSON object a line.
 */
import { gunzipSync } from 'node:zlib';
import { csvHeader, csvRow } from '../shared/csv.js';
import type { LoadSource } from '../shared/ports/warehouse.js';
import type { LoadTarget } from './load-targets.js';
import { RejectedFileError } from './rejected-file.js';

/** How many invalid records a rejection names; the rest are counted. */
const REPORTED_PROBLEMS = 3;

const firstLineOf = (text: string): string => {
  const end = text.indexOf('\n');
  return (end === -1 ? text : text.slice(0, end)).replace(/\r$/, '').replace(/^\uFEFF/, '');
};

const decode = (body: Uint8Array, gzipped: boolean, key: string): string => {
  try {
    return (gzipped ? gunzipSync(body) : Buffer.from(body)).toString('utf8');
  } catch (error) {
    throw new RejectedFileError(`${key} is not a readable gzip file: ${(error as Error).message}`);
  }
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
export const fileToLoad = (key: string, body: Uint8Array, target: LoadTarget): LoadSource => {
  const name = key.slice(key.lastIndexOf('/') + 1);
  if (target.format === 'json') {
    const csv = csvFromJson(decode(body, false, key), key, target);
    return { fileName: name.replace(/\.json$/, '.csv'), bytes: Buffer.from(csv, 'utf8') };
  }
  if (target.format === 'ndjson') {
    const csv = csvFromNdjson(decode(body, true, key), key, target);
    return { fileName: name.replace(/\.ndjson\.gz$/, '.csv'), bytes: Buffer.from(csv, 'utf8') };
  }
  const expected = csvHeader(target.columns);
  const header = firstLineOf(decode(body, target.gzipped, key));
  if (header !== expected) {
    throw new RejectedFileError(`${key} has header "${header.slice(0, 300)}" but ${target.bronze.table.name} expects "${expected}"`);
  }
  return { fileName: name, bytes: body };
};
