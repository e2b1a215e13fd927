/**
 * The warehouse port on Snowflake (snowflake-sdk). One session per container, opened on first use
 * with key-pair authentication and reused by warm invocations; reopened when Snowflake reports it
 * gone. Transient failures (network, expired session) are retried a bounded number of times, a
 * transaction as a whole; everything else fails at once. A load stages the file with PUT and
 * copies it with COPY INTO, reporting COPY's own counts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import snowflake from 'snowflake-sdk';
import {
  UnloadableFileError,
  WarehouseConflictError,
  type LoadRequest,
  type LoadResult,
  type TableName,
  type Warehouse,
  type WarehouseRow,
  type WarehouseSession,
  type WarehouseValue,
} from '../ports/warehouse.js';
import { SnowflakeConnection, type SnowflakeTarget } from './snowflake-connection.js';
import { driverLogLevelFor, powertoolsDriverLogger } from './snowflake-driver-log.js';
import { DEFAULT_RETRY_POLICY, isLockConflict, isTransient, needsNewSession, withRetry, type RetryPolicy } from './snowflake-errors.js';
import { assertUploaded, copyResultOf, copyStatement, putStatement, stagedFileFor, type StagedFile } from './snowflake-load-sql.js';
import { SNOWFLAKE_COLUMN_TYPES, plainIdentifier } from './snowflake-names.js';
import type { PrivateKeySource } from './snowflake-private-key.js';

/** Where and as whom to connect, where the key comes from, and what the adapter may load into. */
export interface SnowflakeWarehouseConfig extends SnowflakeTarget {
  readonly privateKey: PrivateKeySource;
  /** The one Powertools logger: the adapter's and the driver's lines go there. */
  readonly logger: Logger;
  /** The tables {@link SnowflakeWarehouse.load} may write: its identifier allow-list. */
  readonly loadTables: readonly TableName[];
  /** @default DEFAULT_RETRY_POLICY */
  readonly retry?: Partial<RetryPolicy>;
  /** Where files are written before PUT. @default os.tmpdir() (`/tmp` in Lambda) */
  readonly tmpDir?: string;
}

/** Serialises work on the one session: Snowflake runs one statement at a time per session anyway. */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

const tableKey = (table: TableName): string => `${table.schema}.${table.name}`;

/** Statements on one open session, with no retries of their own (a transaction retries as a whole). */
class SnowflakeSession implements WarehouseSession {
  constructor(
    private readonly connection: SnowflakeConnection,
    private readonly warehouse: SnowflakeWarehouse,
  ) {}

  async execute(sql: string, params: readonly WarehouseValue[] = []): Promise<number> {
    return (await this.connection.run(sql, params)).rowsChanged;
  }

  async query<Row extends WarehouseRow = WarehouseRow>(sql: string, params: readonly WarehouseValue[] = []): Promise<Row[]> {
    return (await this.connection.run(sql, params)).rows as Row[];
  }

  load(request: LoadRequest): Promise<LoadResult> {
    return this.warehouse.loadOn(this.connection, request);
  }
}

/** Configures the driver's logging once per process: into the Powertools logger, at its level. */
let driverLogging: Logger | undefined;
const routeDriverLogs = (logger: Logger): void => {
  if (driverLogging === logger) return;
  driverLogging = logger;
  snowflake.configure({
    logLevel: driverLogLevelFor(logger.getLevelName()),
    customLogger: powertoolsDriverLogger(logger),
    additionalLogToConsole: false,
  });
};

/**
 * The warehouse port on one lazily opened, reused Snowflake session. Statements run one at a time;
 * {@link transaction} holds the session for the whole unit of work.
 */
export class SnowflakeWarehouse implements Warehouse {
  readonly dialect = 'snowflake' as const;
  readonly columnTypes = SNOWFLAKE_COLUMN_TYPES;
  private connection: Promise<SnowflakeConnection> | undefined;
  private readonly serial = new Serial();
  private readonly retry: RetryPolicy;
  private readonly loadTables: ReadonlySet<string>;

  constructor(private readonly config: SnowflakeWarehouseConfig) {
    routeDriverLogs(config.logger);
    this.retry = { ...DEFAULT_RETRY_POLICY, ...config.retry };
    this.loadTables = new Set(config.loadTables.map(tableKey));
  }

  execute(sql: string, params?: readonly WarehouseValue[]): Promise<number> {
    return this.serial.run(() => this.retrying(async () => (await (await this.session()).run(sql, params)).rowsChanged));
  }

  query<Row extends WarehouseRow = WarehouseRow>(sql: string, params?: readonly WarehouseValue[]): Promise<Row[]> {
    return this.serial.run(() => this.retrying(async () => (await (await this.session()).run(sql, params)).rows as Row[]));
  }

  /**
   * A load outside a transaction is not retried after it started: a COPY that committed before
   * the connection dropped would run twice. Only opening the session is retried.
   */
  load(request: LoadRequest): Promise<LoadResult> {
    return this.serial.run(async () => this.loadOn(await this.retrying(() => this.session()), request));
  }

  async transaction<T>(work: (session: WarehouseSession) => Promise<T>): Promise<T> {
    try {
      return await this.serial.run(() =>
        // Retried whole: a rolled-back transaction left nothing behind, and a commit that did
        // land is found by the loader's claim on the next attempt (it then changes no row).
        this.retrying(async () => {
          const connection = await this.session();
          await connection.run('begin transaction');
          try {
            const result = await work(new SnowflakeSession(connection, this));
            await connection.run('commit');
            return result;
          } catch (error) {
            if (connection.isUp()) await connection.run('rollback').catch(() => undefined);
            throw error;
          }
        }),
      );
    } catch (error) {
      if (isLockConflict(error)) throw new WarehouseConflictError((error as Error).message, { cause: error });
      throw error;
    }
  }

  close(): Promise<void> {
    return this.serial.run(() => this.discardSession());
  }

  /** PUT then COPY on a given session (the transaction's, or the shared one). */
  async loadOn(connection: SnowflakeConnection, request: LoadRequest): Promise<LoadResult> {
    const { table, columns, source, sourceFile } = request;
    if (!this.loadTables.has(tableKey(table))) {
      throw new Error(`${tableKey(table)} is not a table this loader may write (allowed: ${[...this.loadTables].join(', ')})`);
    }
    plainIdentifier(table.schema);
    let staged: StagedFile;
    try {
      staged = stagedFileFor(table, sourceFile, basename('bytes' in source ? source.fileName : source.path));
    } catch (error) {
      // The key, not the session: retrying or failing the invocation would stop every later tick here.
      throw new UnloadableFileError((error as Error).message);
    }
    const staging = 'bytes' in source ? await mkdtemp(join(this.config.tmpDir ?? tmpdir(), 'streamflow-put-')) : undefined;
    try {
      const localPath = 'bytes' in source ? join(staging!, basename(source.fileName)) : source.path;
      if ('bytes' in source) await writeFile(localPath, source.bytes);
      assertUploaded((await connection.run(putStatement(localPath, staged))).rows, staged);

      const copied = copyResultOf((await connection.run(copyStatement(table, columns, sourceFile, staged, false))).rows, staged);
      if (copied) return copied;
      // Snowflake's load metadata says it loaded these exact bytes before, yet our history let
      // this file through and the loader just removed the key's rows in this transaction: a skip
      // would lose them. Load again, and say so (the two records disagreeing is worth a look).
      this.config.logger.warn('COPY skipped a file our load history did not record; loading it with FORCE', { key: sourceFile, table: tableKey(table) });
      const forced = copyResultOf((await connection.run(copyStatement(table, columns, sourceFile, staged, true))).rows, staged);
      if (!forced) throw new Error(`COPY INTO ${tableKey(table)} reported nothing for ${staged.path}, even with FORCE`);
      return forced;
    } finally {
      if (staging) await rm(staging, { recursive: true, force: true });
    }
  }

  /** The open session, or a new one: the key is read once per container (and again after a failed login). */
  private session(): Promise<SnowflakeConnection> {
    this.connection ??= (async () => {
      const key = await this.config.privateKey.get();
      try {
        return await SnowflakeConnection.open(this.config, key);
      } catch (error) {
        // A rotated key shows up as a failed login: read the secret again next time.
        if (!isTransient(error)) this.config.privateKey.forget();
        throw error;
      }
    })();
    const pending = this.connection;
    pending.catch(() => {
      if (this.connection === pending) this.connection = undefined;
    });
    return pending.then((connection) => {
      if (connection.isUp()) return connection;
      // Dropped while the container was frozen: open another one.
      this.connection = undefined;
      return this.session();
    });
  }

  private async discardSession(): Promise<void> {
    const pending = this.connection;
    this.connection = undefined;
    if (pending) await pending.then((connection) => connection.close()).catch(() => undefined);
  }

  private retrying<T>(work: () => Promise<T>): Promise<T> {
    return withRetry(work, this.retry, (error, attempt, delayMs) => {
      const { code, sqlState } = error as { code?: unknown; sqlState?: unknown };
      this.config.logger.warn('transient Snowflake error, retrying', { attempt, delayMs, code, sqlState, error: (error as Error).message });
      if (needsNewSession(error)) void this.discardSession();
    });
  }
}

/** The warehouse the loader Lambda uses: nothing connects until the first statement. */
export const createSnowflakeWarehouse = (config: SnowflakeWarehouseConfig): SnowflakeWarehouse => new SnowflakeWarehouse(config);
