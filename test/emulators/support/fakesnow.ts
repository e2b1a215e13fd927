/**
 * fakesnow for the Snowflake suites: its HTTP server (`fakesnow -s`, Snowflake's REST protocol on
 * DuckDB, dialect translated by sqlglot) on a free 127.0.0.1 port, behind a small proxy that turns
 * its Arrow results into the JSON `rowset` the Node driver reads.
 *
 * Why a proxy: fakesnow 0.12.1 answers DML with a JSON rowset but every other statement (DDL
 * included) with `queryResultFormat: "arrow"` and `rowsetBase64`, because the Python connector it
 * was written for reads Arrow. snowflake-sdk 3.3.0 reads only `rowset`, and fails on every such
 * answer with "Cannot read properties of undefined (reading 'length')" in createChunks. The proxy
 * changes nothing else but the named rewrites below: requests, PUT uploads and JSON answers pass
 * through byte for byte.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { tableFromIPC, type Table } from 'apache-arrow';
import { createSnowflakeWarehouse, type SnowflakeWarehouse } from '../../../lambdas/shared/adapters/snowflake-warehouse.js';
import type { TableName } from '../../../lambdas/shared/ports/warehouse.js';
import { logger } from '../../../lambdas/shared/powertools.js';
import { answersHttp, freePort, startEmulator, venvBin, type RunningEmulator } from './emulators.js';

/** The column description fakesnow sends beside each result (Snowflake's `rowtype`). */
interface RowType {
  readonly name: string;
  readonly type: string;
  readonly scale: number | null;
}

/** A 128-bit two's-complement decimal as Arrow JS hands it out: four little-endian 32-bit words. */
const decimalWordsToBigInt = (words: Uint32Array): bigint => {
  let value = 0n;
  for (let index = words.length - 1; index >= 0; index -= 1) value = (value << 32n) | BigInt(words[index]!);
  const bits = BigInt(words.length * 32);
  return value >= 1n << (bits - 1n) ? value - (1n << bits) : value;
};

/** An unscaled integer with `scale` implied decimals, as decimal text (`-1234`, 2 → `-12.34`). */
const scaledText = (unscaled: bigint, scale: number): string => {
  if (scale === 0) return unscaled.toString();
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
};

/** Seconds since the epoch with nine decimals, from fakesnow's `{epoch, fraction}` timestamp struct. */
const epochText = (epoch: bigint | number, fraction: number): string => `${epoch}.${String(fraction).padStart(9, '0')}`;

/**
 * One Arrow value as Snowflake's JSON result format spells it, which is what the driver parses:
 * numbers as decimal text, booleans `1`/`0`, dates as days since the epoch, timestamps as
 * `seconds.fraction` (`… 1440` appended for TIMESTAMP_TZ, the UTC offset index), binary as hex.
 */
export const jsonCell = (value: unknown, column: RowType): string | null => {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'fixed':
      if (value instanceof Uint32Array) return scaledText(decimalWordsToBigInt(value), column.scale ?? 0);
      return scaledText(BigInt(value as number | bigint), 0);
    case 'boolean':
      return value ? '1' : '0';
    case 'date':
      return String(Math.round(Number(value) / 86_400_000));
    case 'time':
      return scaledText(BigInt(value as number | bigint), 9);
    case 'timestamp_ntz':
    case 'timestamp_ltz':
    case 'timestamp_tz': {
      const { epoch, fraction, timezone } = (value as { toJSON(): { epoch: bigint; fraction: number; timezone?: number } }).toJSON();
      return timezone === undefined ? epochText(epoch, fraction) : `${epochText(epoch, fraction)} ${timezone}`;
    }
    case 'binary':
      return Buffer.from(value as Uint8Array).toString('hex');
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
};

/** The rows of an Arrow IPC stream as a JSON rowset, column by column through {@link jsonCell}. */
export const arrowToRowset = (base64: string, rowtype: readonly RowType[]): (string | null)[][] => {
  if (base64 === '') return [];
  const table: Table = tableFromIPC(Buffer.from(base64, 'base64'));
  const columns = rowtype.map((_, index) => table.getChildAt(index));
  const rows: (string | null)[][] = [];
  for (let row = 0; row < table.numRows; row += 1) {
    rows.push(rowtype.map((column, index) => jsonCell(columns[index]?.get(row), column)));
  }
  return rows;
};

interface QueryData {
  readonly stageInfo?: { readonly locationType?: string; readonly region?: string };
  readonly overwrite?: boolean;
  readonly queryResultFormat?: string;
  readonly rowsetBase64?: string;
  readonly rowset?: unknown[];
  readonly returned?: number;
  readonly rowtype?: RowType[];
}

/** PUT's `OVERWRITE = TRUE` option (https://docs.snowflake.com/en/sql-reference/sql/put). */
const PUT_OVERWRITE = /^\s*put\b.*\boverwrite\s*=\s*true\b/is;
const PUT_NO_OVERWRITE = /^\s*put\b.*\boverwrite\s*=\s*false\b/is;

/**
 * A query-request answer with its Arrow result rewritten as JSON, and `returned` (the rows in
 * this answer) filled in where fakesnow leaves it out: without it the driver takes the DML
 * answer's `total` as rows still to fetch in chunks and never completes the statement.
 *
 * A PUT answer (fakesnow has the driver upload to a GCS-style presigned URL on itself) gains
 * what snowflake-sdk's GCS upload reads and fakesnow 0.12.1 leaves out or gets wrong:
 * - `region`, read (and failed on) before uploading;
 * - `overwrite` as the statement asked (`sqlText`): fakesnow always answers `false`, and then
 *   the driver first GETs the presigned URL to see whether the file exists; fakesnow's bucket
 *   takes PUT only, its 405 is not one of the "absent" answers (401/403/404) the driver
 *   expects, so the driver never uploads and fails with "Unknown Error in uploading a file".
 *   For the same reason a PUT with OVERWRITE = FALSE (Snowpipe mode's) is answered as one with
 *   TRUE: fakesnow's bucket cannot answer the existence check, so here the file is uploaded again
 *   where Snowflake would report it SKIPPED.
 */
export const translateQueryAnswer = (body: string, sqlText = ''): string => {
  const answer = JSON.parse(body) as { data?: QueryData | null };
  const data = answer.data;
  if (!data) return body;
  if (data.stageInfo?.locationType === 'GCS' && data.stageInfo.region === undefined) {
    const overwrite = data.overwrite === true || PUT_OVERWRITE.test(sqlText) || PUT_NO_OVERWRITE.test(sqlText);
    return JSON.stringify({ ...answer, data: { ...data, overwrite, stageInfo: { ...data.stageInfo, region: 'fakesnow' } } });
  }
  if (data.queryResultFormat === 'arrow') {
    const { rowsetBase64 = '', ...rest } = data;
    const rowset = arrowToRowset(rowsetBase64, data.rowtype ?? []);
    return JSON.stringify({ ...answer, data: { ...rest, queryResultFormat: 'json', rowset, returned: rowset.length } });
  }
  if (Array.isArray(data.rowset) && data.returned === undefined) {
    return JSON.stringify({ ...answer, data: { ...data, returned: data.rowset.length } });
  }
  return body;
};

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * The login body with fakesnow's own `nop_regexes` session parameter added: statements matching
 * one succeed without running. The driver has no option to send it, so the proxy adds it.
 */
const withNopRegexes = (body: Buffer, gzipped: boolean, nopRegexes: readonly string[]): Buffer => {
  const login = JSON.parse((gzipped ? gunzipSync(body) : body).toString('utf8')) as { data: { SESSION_PARAMETERS?: Record<string, unknown> } };
  login.data.SESSION_PARAMETERS = { ...login.data.SESSION_PARAMETERS, nop_regexes: nopRegexes };
  return Buffer.from(JSON.stringify(login));
};

interface Binding {
  readonly type: string;
  readonly value: string | null;
}

/** A bound value as a SQL literal: numbers and booleans bare, everything else quoted text. */
const sqlLiteral = ({ type, value }: Binding): string => {
  if (value === null) return 'null';
  if (type === 'FIXED' || type === 'REAL') return String(Number(value));
  if (type === 'BOOLEAN') return value === '1' || value.toLowerCase() === 'true' ? 'true' : 'false';
  return `'${value.replaceAll("'", "''")}'`;
};

/** `sql` with each `?` outside quoted text replaced by the next bound value. */
export const inlineBindings = (sql: string, bindings: Readonly<Record<string, Binding>>): string => {
  let position = 0;
  return sql.replace(/'(?:[^']|'')*'|\?/g, (token) => {
    if (token !== '?') return token;
    position += 1;
    const binding = bindings[String(position)];
    if (!binding) throw new Error(`no binding ${position} for: ${sql.slice(0, 80)}`);
    return sqlLiteral(binding);
  });
};

/** PUT's quoted stage target (`'@stage/path/'`, valid Snowflake), which fakesnow 0.12.1 reads with its quotes. */
const QUOTED_PUT_TARGET = /^(\s*put\s+'[^']*'\s+)'(@[^'\s]*)'/i;

/**
 * A query request rewritten where fakesnow 0.12.1 cannot run it as sent, or undefined:
 * - a MERGE with bind parameters fails inside fakesnow's MERGE rewrite ("Parameter
 *   argument/count mismatch"), so the values go into the text as literals;
 * - a PUT whose stage is quoted fails with "'@…' does not start with @", so the quotes go (the
 *   loader's paths hold no spaces or quotes, so the unquoted form names the same location).
 */
export const rewriteForFakesnow = (sqlText: string, bindings: Readonly<Record<string, Binding>> | undefined): string | undefined => {
  if (bindings && /^\s*merge\b/i.test(sqlText)) return inlineBindings(sqlText, bindings);
  if (QUOTED_PUT_TARGET.test(sqlText)) return sqlText.replace(QUOTED_PUT_TARGET, '$1$2');
  return undefined;
};

interface QueryRequest {
  readonly sqlText: string;
  readonly bindings?: Record<string, Binding>;
}

const parseQuery = (body: Buffer, gzipped: boolean): QueryRequest => JSON.parse((gzipped ? gunzipSync(body) : body).toString('utf8')) as QueryRequest;

const rewrittenQuery = (query: QueryRequest): Buffer | undefined => {
  const sqlText = rewriteForFakesnow(query.sqlText, query.bindings);
  if (sqlText === undefined) return undefined;
  const { bindings, ...rest } = query;
  const inlined = /^\s*merge\b/i.test(query.sqlText);
  return Buffer.from(JSON.stringify({ ...rest, ...(bindings && !inlined ? { bindings } : {}), sqlText }));
};

/**
 * fakesnow answers a statement it fails on unexpectedly with HTTP 500, which the driver retries
 * for minutes; as a statement error (what Snowflake sends for a failed statement) the test fails
 * at once, with fakesnow's message.
 */
const asStatementError = (body: string): string => {
  const { message } = JSON.parse(body) as { message?: string };
  return JSON.stringify({ data: { errorCode: '261000', sqlState: 'XX000' }, code: '261000', message: `fakesnow failed: ${message ?? body}`, success: false });
};

const forward = async (upstream: string, nopRegexes: readonly string[], request: IncomingMessage, response: ServerResponse): Promise<void> => {
  let body = await readBody(request);
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string' && name !== 'content-length' && name !== 'connection') headers.set(name, value);
  }
  const gzipped = headers.get('content-encoding') === 'gzip';
  if (request.url?.startsWith('/session/v1/login-request') && nopRegexes.length > 0) {
    body = withNopRegexes(body, gzipped, nopRegexes);
    headers.delete('content-encoding');
  }
  const isQuery = request.url?.startsWith('/queries/v1/query-request') ?? false;
  const query = isQuery ? parseQuery(body, gzipped) : undefined;
  const rewritten = query ? rewrittenQuery(query) : undefined;
  if (rewritten) {
    body = rewritten;
    headers.delete('content-encoding');
  }
  const answer = await fetch(`${upstream}${request.url ?? '/'}`, {
    method: request.method ?? 'GET',
    headers,
    ...(body.length > 0 ? { body } : {}),
  });
  let text = Buffer.from(await answer.arrayBuffer());
  let status = answer.status;
  if (query && answer.ok) text = Buffer.from(translateQueryAnswer(text.toString('utf8'), query.sqlText));
  if (isQuery && status === 500) [text, status] = [Buffer.from(asStatementError(text.toString('utf8'))), 200];
  response.writeHead(status, { 'content-type': answer.headers.get('content-type') ?? 'application/json', 'content-length': text.length });
  response.end(text);
};

/** fakesnow's server and the translating proxy in front of it; point `accessUrl` at {@link url}. */
export interface Fakesnow {
  /** `http://127.0.0.1:<proxy port>`: what the driver connects to. */
  readonly url: string;
  readonly server: RunningEmulator;
  stop(): Promise<void>;
}

export interface FakesnowOptions {
  /**
   * Statements fakesnow cannot run that a session sends anyway (regular expressions, matched
   * case-insensitively from the start): they succeed without effect. Each one is a gap between
   * fakesnow and Snowflake that the suite names. @default []
   */
  readonly nopRegexes?: readonly string[];
}

/**
 * Starts `fakesnow -s` on a free port with its databases in memory, and the proxy on another.
 * Connections share one in-memory instance, so a deploy session and a loader session see the
 * same tables, as two sessions of one account do.
 */
export const startFakesnow = async (options: FakesnowOptions = {}): Promise<Fakesnow> => {
  const port = await freePort();
  const upstream = `http://127.0.0.1:${port}`;
  const server = await startEmulator({
    command: venvBin('fakesnow'),
    args: ['-s', '-p', String(port), '--host', '127.0.0.1'],
    port,
    ready: () => answersHttp(`${upstream}/`),
  });
  const proxy: Server = createServer((request, response) => {
    forward(upstream, options.nopRegexes ?? [], request, response).catch((error: unknown) => {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`fakesnow proxy: ${(error as Error).message}`);
    });
  });
  const proxyPort = await freePort();
  await new Promise<void>((listening) => proxy.listen(proxyPort, '127.0.0.1', listening));
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    server,
    stop: async () => {
      await new Promise<void>((closed) => proxy.close(() => closed()));
      await server.stop();
    },
  };
};

/**
 * The loader's own Snowflake adapter (snowflake-sdk, key-pair login) pointed at fakesnow, which
 * ignores the JWT: the key is generated per process so the driver has a real one to sign with.
 */
export const fakesnowWarehouse = (fakesnow: Fakesnow, options: { queryTag: string; loadTables?: readonly TableName[] }): SnowflakeWarehouse => {
  const pem = testKey();
  return createSnowflakeWarehouse({
    account: 'fakesnow',
    username: 'streamflow_test',
    role: 'STREAMFLOW_LOADER',
    warehouse: 'STREAMFLOW_WH',
    database: 'STREAMFLOW_DW',
    accessUrl: fakesnow.url,
    queryTag: options.queryTag,
    privateKey: { get: () => Promise.resolve({ pem }), forget: () => undefined },
    logger,
    loadTables: options.loadTables ?? [],
    // A refused statement is fakesnow's answer, not a passing fault: no retry hides it.
    retry: { attempts: 1 },
  });
};

let generatedKey: string | undefined;
const testKey = (): string =>
  (generatedKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
