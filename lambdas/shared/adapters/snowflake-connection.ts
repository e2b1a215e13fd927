/**
 * One snowflake-sdk connection (one Snowflake session) behind promises: connect with key-pair
 * authentication, run a statement with `?` binds, close. Rows come back in the port's shape:
 * lower-case column names, numbers as numbers, dates and timestamps as ISO text.
 */
import snowflake from 'snowflake-sdk';
import type { WarehouseRow, WarehouseValue } from '../ports/warehouse.js';
import type { PrivateKey } from './snowflake-private-key.js';

/** Where to connect and as whom; the key comes from a {@link PrivateKey} source, never from here. */
export interface SnowflakeTarget {
  /** Account identifier, `<org>-<account>` (or a legacy locator with region). */
  readonly account: string;
  readonly username: string;
  readonly role: string;
  readonly warehouse: string;
  readonly database: string;
  /** Shown in QUERY_HISTORY for every statement of the session (`streamflow-loader`, `streamflow-deploy`). */
  readonly queryTag: string;
  /**
   * The endpoint's full URL where it is not derived from the account (a PrivateLink host, or a
   * Snowflake-compatible test server such as fakesnow). @default `https://<account>.snowflakecomputing.com`
   */
  readonly accessUrl?: string;
  /**
   * How long opening a session (TCP, TLS, login, the driver's own login retries) may take before
   * it fails with {@link SnowflakeUnreachableError}. @default DEFAULT_LOGIN_TIMEOUT_MS
   */
  readonly loginTimeoutMs?: number;
}

/**
 * One minute: a reachable Snowflake logs in within seconds. The driver's own bound is its
 * `retryTimeout` (seconds, at least 300, the minimum it enforces:
 * https://docs.snowflake.com/en/developer-guide/node-js/nodejs-driver-options), so without this a
 * host that accepts and never answers holds `sql deploy` (and a loader invocation) for 5 minutes.
 */
export const DEFAULT_LOGIN_TIMEOUT_MS = 60_000;

/** The host a session is opened against, for messages: the access URL's, else the account's public one. */
export const snowflakeHostOf = (target: Pick<SnowflakeTarget, 'account' | 'accessUrl'>): string =>
  target.accessUrl ? new URL(target.accessUrl).host : `${target.account}.snowflakecomputing.com`;

/** Opening a session did not finish in time: the host is unreachable, or answers nothing. */
export class SnowflakeUnreachableError extends Error {
  override readonly name = 'SnowflakeUnreachableError';
  constructor(
    readonly host: string,
    readonly timeoutMs: number,
  ) {
    super(
      `Snowflake at ${host} did not complete a login within ${timeoutMs / 1000} s: check SNOWFLAKE_ACCOUNT (or SNOWFLAKE_ACCESS_URL), ` +
        'the network route to it (proxy, VPC endpoint, firewall), and https://status.snowflake.com; SNOWFLAKE_LOGIN_TIMEOUT_SECONDS sets the wait',
    );
  }
}

/** What one statement returned, in the port's shape. */
export interface StatementResult {
  readonly rows: WarehouseRow[];
  /** Rows inserted, updated or deleted (0 for DDL and queries). */
  readonly rowsChanged: number;
}

/**
 * Session settings every statement relies on: UTC for CURRENT_TIMESTAMP and dates, the TIMESTAMP
 * alias pinned to TIMESTAMP_NTZ (an account set to TIMESTAMP_LTZ would otherwise change what a
 * `cast(… as timestamp)` in a model or `current_timestamp` stored into an NTZ column means:
 * https://docs.snowflake.com/en/sql-reference/parameters#timestamp-type-mapping), timestamps
 * printed like `Date.toISOString()` (what the port hands out), and a bounded lock wait so a
 * loader blocked on another one's claim gives up within a Lambda's lifetime.
 */
export const SESSION_SETTINGS = `alter session set
    timezone = 'UTC',
    timestamp_type_mapping = 'TIMESTAMP_NTZ',
    timestamp_ntz_output_format = 'YYYY-MM-DD"T"HH24:MI:SS.FF3"Z"',
    timestamp_ltz_output_format = 'YYYY-MM-DD"T"HH24:MI:SS.FF3"Z"',
    date_output_format = 'YYYY-MM-DD',
    lock_timeout = 120`;

const lowerCaseKeys = (row: Record<string, unknown>): WarehouseRow => {
  const out: Record<string, WarehouseValue> = {};
  for (const [name, value] of Object.entries(row)) {
    out[name.toLowerCase()] =
      value === null || value === undefined ? null : typeof value === 'object' ? JSON.stringify(value) : (value as WarehouseValue);
  }
  return out;
};

/**
 * Connects, or fails with {@link SnowflakeUnreachableError} when the login has not finished by the
 * deadline: a host that accepts and never answers, or refuses while the driver keeps retrying.
 */
const connectWithin = (connection: snowflake.Connection, host: string, timeoutMs: number): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => {
      // The driver queues a destroy behind its pending login, so its retries go on in the
      // background: the CLI ends its process on an error, a Lambda container is frozen.
      connection.destroy(() => undefined);
      reject(new SnowflakeUnreachableError(host, timeoutMs));
    }, timeoutMs);
    connection.connect((error) => {
      clearTimeout(deadline);
      if (error) reject(error);
      else resolve();
    });
  });

/** A connected session. Statements run one at a time: a session is single-threaded in Snowflake too. */
export class SnowflakeConnection {
  private constructor(private readonly connection: snowflake.Connection) {}

  /** Opens a session with SNOWFLAKE_JWT authentication and applies {@link SESSION_SETTINGS}. */
  static async open(target: SnowflakeTarget, key: PrivateKey): Promise<SnowflakeConnection> {
    const connection = snowflake.createConnection({
      account: target.account,
      username: target.username,
      role: target.role,
      warehouse: target.warehouse,
      database: target.database,
      authenticator: 'SNOWFLAKE_JWT',
      privateKey: key.pem,
      ...(key.passphrase ? { privateKeyPass: key.passphrase } : {}),
      queryTag: target.queryTag,
      application: 'streamflow',
      // With fetchAsString the driver hands out a NULL date or timestamp as the text 'NULL' unless
      // told otherwise (its default); the port means SQL NULL as null. Found against fakesnow.
      representNullAsStringNull: false,
      ...(target.accessUrl ? { accessUrl: target.accessUrl } : {}),
    });
    await connectWithin(connection, snowflakeHostOf(target), target.loginTimeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS);
    const opened = new SnowflakeConnection(connection);
    try {
      await opened.run(SESSION_SETTINGS);
    } catch (error) {
      await opened.close();
      throw error;
    }
    return opened;
  }

  isUp(): boolean {
    return this.connection.isUp();
  }

  /** Runs one statement; dates and timestamps are fetched as text in the session's ISO formats. */
  run(sqlText: string, binds: readonly WarehouseValue[] = []): Promise<StatementResult> {
    return new Promise((resolve, reject) => {
      this.connection.execute({
        sqlText,
        binds: [...binds],
        fetchAsString: ['Date'],
        complete: (error, statement, rows) => {
          if (error) {
            reject(error);
            return;
          }
          const changed = statement.getNumUpdatedRows();
          resolve({
            rows: (rows ?? []).map((row) => lowerCaseKeys(row as Record<string, unknown>)),
            rowsChanged: changed !== undefined && changed > 0 ? changed : 0,
          });
        },
      });
    });
  }

  /** Ends the session; an already broken connection counts as closed. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.connection.isUp()) {
        resolve();
        return;
      }
      this.connection.destroy(() => resolve());
    });
  }
}
