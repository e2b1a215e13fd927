/**
 * The warehouse port on Snowflake (snowflake-sdk). One session per container, opened on first use
 * with key-pair authentication and reused by warm invocations; reopened when Snowflake reports it
 * gone. Transient failures (network, expired session) are retried a bounded number of times, a
 * transaction as a whole; everything else fails at once. A load stages the file with PUT and
 * copies it with COPY INTO, reporting COPY's own counts.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import snowflake from 'snowflake-sdk';
import {
  UnloadableFileError,
  WarehouseConflictError,
  WarehouseLockTimeoutError,
  type FilesLoadRequest,
  type LoadRequest,
  type LoadResult,
  type StagedFiles,
  type TableName,
  type Warehouse,
  type WarehouseRow,
  type WarehouseSession,
  type WarehouseValue,
} from '../ports/warehouse.js';
import { SnowflakeConnection, type SnowflakeTarget } from './snowflake-connection.js';
import { driverLogLevelFor, powertoolsDriverLogger } from './snowflake-driver-log.js';
import { DEFAULT_RETRY_POLICY, isLockConflict, isLockTimeout, isTransient, needsNewSession, withRetry, type RetryPolicy } from './snowflake-errors.js';
import {
  assertUploaded,
  copyResultsOf,
  copyStatement,
  loadFolderFor,
  pipePutStatement,
  putStatement,
  removeStatement,
  stagedNameFor,
  type StagedName,
} from './snowflake-load-sql.js';
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

  loadStaged(staged: StagedFiles, only?: readonly string[]): Promise<ReadonlyMap<string, LoadResult>> {
    return copyStaged(this.connection, staged, only);
  }
}

/** The staged names of a load's files, in request order (they depend only on the request). */
const stagedNamesOf = (request: FilesLoadRequest): StagedName[] =>
  request.files.map((file, index) => stagedNameFor(index, 'bytes' in file.source ? file.source.fileName : file.source.path, file.sourceFile));

/** One COPY of the staged files (all, or those of `only`), on the given session. */
const copyStaged = async (connection: SnowflakeConnection, staged: StagedFiles, only?: readonly string[]): Promise<ReadonlyMap<string, LoadResult>> => {
  const wanted = only && new Set(only);
  const names = stagedNamesOf(staged.request).filter((file) => !wanted || wanted.has(file.sourceFile));
  if (names.length === 0) return new Map();
  const { table, columns } = staged.request;
  return copyResultsOf((await connection.run(copyStatement(table, columns, staged.location, names))).rows, names);
};

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

  /** An autocommitted statement; a lock wait or conflict is classified as in {@link transaction}. */
  execute(sql: string, params?: readonly WarehouseValue[]): Promise<number> {
    return this.serial
      .run(() => this.retrying(async () => (await (await this.session()).run(sql, params)).rowsChanged))
      .catch((error: unknown) => {
        throw classifiedLockError(error);
      });
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
      throw classifiedLockError(error);
    }
  }

  loadStaged(staged: StagedFiles, only?: readonly string[]): Promise<ReadonlyMap<string, LoadResult>> {
    return this.serial.run(async () => copyStaged(await this.retrying(() => this.session()), staged, only));
  }

  /** PUT outside any transaction: retried as a whole (PUT with OVERWRITE into a new folder is idempotent). */
  stage(request: FilesLoadRequest): Promise<StagedFiles> {
    return this.serial.run(() => this.retrying(async () => this.stageOn(await this.session(), request)));
  }

  /**
   * Snowpipe mode: PUTs one file to `path` under the table's pipe folder (pipePutStatement), the
   * local copy named as the path's last segment. Retried whole: the path is the version's, and a
   * file already there is SKIPPED.
   */
  stageForPipe(table: TableName, path: string, bytes: Uint8Array): Promise<void> {
    return this.serial.run(() =>
      this.retrying(async () => {
        const local = await mkdtemp(join(this.config.tmpDir ?? tmpdir(), 'streamflow-pipe-'));
        try {
          const file = join(local, path.split('/').at(-1)!);
          await writeFile(file, bytes);
          const rows = (await (await this.session()).run(pipePutStatement(file, table, path))).rows;
          const status = String(rows[0]?.status ?? '');
          if (rows.length !== 1 || (status !== 'UPLOADED' && status !== 'SKIPPED')) {
            throw new Error(`PUT of ${path} for ${tableKey(table)}'s pipe did not upload it: ${JSON.stringify(rows).slice(0, 300)}`);
          }
        } finally {
          await rm(local, { recursive: true, force: true });
        }
      }),
    );
  }

  /** REMOVE of the load's folder; retried (removing twice removes nothing more). */
  unstage(staged: StagedFiles): Promise<void> {
    return this.serial.run(() => this.retrying(async () => void (await (await this.session()).run(removeStatement(staged.location)))));
  }

  close(): Promise<void> {
    return this.serial.run(() => this.discardSession());
  }

  /** One file: PUT, COPY and REMOVE on a given session (the transaction's, or the shared one). */
  async loadOn(connection: SnowflakeConnection, request: LoadRequest): Promise<LoadResult> {
    const staged = await this.stageOn(connection, { table: request.table, columns: request.columns, files: [request] });
    const result = (await copyStaged(connection, staged)).get(request.sourceFile)!;
    await connection.run(removeStatement(staged.location));
    return result;
  }

  /**
   * Writes the files to a local folder and uploads them with one PUT into a stage folder of their
   * own. A key that cannot be spelled in a stage literal is an {@link UnloadableFileError} naming it.
   */
  private async stageOn(connection: SnowflakeConnection, request: FilesLoadRequest): Promise<StagedFiles> {
    const { table } = request;
    if (!this.loadTables.has(tableKey(table))) {
      throw new Error(`${tableKey(table)} is not a table this loader may write (allowed: ${[...this.loadTables].join(', ')})`);
    }
    plainIdentifier(table.schema);
    for (const file of request.files) {
      try {
        stagedNameFor(0, '', file.sourceFile);
      } catch (error) {
        // The key, not the session: retrying or failing the invocation would stop every later tick here.
        throw new UnloadableFileError((error as Error).message, file.sourceFile);
      }
    }
    const names = stagedNamesOf(request);
    const folder = loadFolderFor(table, randomUUID());
    const local = await mkdtemp(join(this.config.tmpDir ?? tmpdir(), 'streamflow-put-'));
    try {
      await Promise.all(
        request.files.map(({ source }, index) => {
          const path = join(local, names[index]!.name);
          return 'bytes' in source ? writeFile(path, source.bytes) : copyFile(source.path, path);
        }),
      );
      assertUploaded((await connection.run(putStatement(local, folder))).rows, names, folder);
      return { request, location: folder };
    } finally {
      await rm(local, { recursive: true, force: true });
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

/**
 * A lock wait that ran out is reported as what it is, not as a lost race: nobody is known to have
 * done the work (https://docs.snowflake.com/en/sql-reference/parameters#lock-timeout; resource
 * locking: https://docs.snowflake.com/en/sql-reference/transactions).
 */
const classifiedLockError = (error: unknown): unknown => {
  if (isLockTimeout(error)) return new WarehouseLockTimeoutError((error as Error).message, { cause: error });
  if (isLockConflict(error)) return new WarehouseConflictError((error as Error).message, { cause: error });
  return error;
};

/** The warehouse the loader Lambda uses: nothing connects until the first statement. */
export const createSnowflakeWarehouse = (config: SnowflakeWarehouseConfig): SnowflakeWarehouse => new SnowflakeWarehouse(config);
