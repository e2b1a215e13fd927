import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { LOAD_METADATA_COLUMNS, type ColumnType } from '../contracts/tables.js';
import {
  WarehouseConflictError,
  type FileColumn,
  type LoadRequest,
  type LoadResult,
  type TableName,
  type Warehouse,
  type WarehouseRow,
  type WarehouseSession,
  type WarehouseValue,
} from '../ports/warehouse.js';
import { snowflakeCompatMacros } from './duckdb-snowflake-macros.js';
import { toWarehouseValue } from './duckdb-values.js';

/** The catalog every model names implicitly, as Snowflake's `STREAMFLOW_DW` database. */
export const CATALOG = 'streamflow_dw';

/** Schemas of the medallion layers. */
export const SCHEMAS = ['bronze', 'silver', 'gold'] as const;

const DUCKDB_COLUMN_TYPES: Readonly<Record<ColumnType, string>> = {
  varchar: 'VARCHAR',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  decimal: 'DECIMAL(12,2)',
  double: 'DOUBLE',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
  boolean: 'BOOLEAN',
  // Kept as the text the file carries; Silver parses it (Snowflake does the same with PARSE_JSON).
  json: 'VARCHAR',
};

/** How a CSV field is read: timestamps through TIMESTAMPTZ so an offset is honoured, then stored as UTC. */
const CSV_READ_TYPES: Readonly<Record<ColumnType, string>> = { ...DUCKDB_COLUMN_TYPES, timestamp: 'TIMESTAMPTZ' };

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Longest CSV line a load reads. DuckDB's default (2 MB) would reject a whole file for one record
 * with a multi-megabyte Kafka key or quarantined value, which Snowflake loads (VARCHAR holds
 * 16 MB): twice that, so the local twin never rejects on content what the cloud accepts.
 */
const MAX_LINE_BYTES = 32 * 1024 * 1024;

const identifier = (name: string): string => {
  if (!IDENTIFIER.test(name)) throw new Error(`Not a plain lower-case SQL identifier: "${name}"`);
  return name;
};

const sqlString = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/**
 * DuckDB reports a lost race three ways: a write-write conflict, a failed commit, or, when the
 * winner committed after this transaction started, a duplicate primary key at insert time.
 */
const isConflict = (error: unknown): boolean =>
  error instanceof Error &&
  ((/TransactionContext Error/.test(error.message) && /conflict|constraint violation/i.test(error.message)) ||
    /Constraint Error: Duplicate key .* violates primary key constraint/.test(error.message));

/** One DuckDB instance per warehouse file in this process: DuckDB allows a single writer per file. */
interface SharedInstance {
  readonly instance: DuckDBInstance;
  users: number;
}
const instances = new Map<string, Promise<SharedInstance>>();

const openInstance = async (file: string): Promise<SharedInstance> => {
  await mkdir(dirname(file), { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    // Attached under the warehouse's name, whatever the file is called, so SQL reads like Snowflake's.
    await connection.run(`attach ${sqlString(file)} as ${CATALOG}`);
  } catch (error) {
    instance.closeSync();
    const hint = /lock/i.test((error as Error).message) ? ' (is another streamflow process using it?)' : '';
    throw new Error(`Cannot open the warehouse ${file}${hint}: ${(error as Error).message}`, { cause: error });
  } finally {
    connection.closeSync();
  }
  // Persistent, in the file's own main schema: the views call them, so the file opens in any client.
  const setup = await instance.connect();
  try {
    await setup.run(`use ${CATALOG}`);
    for (const macro of snowflakeCompatMacros(`${CATALOG}.main`)) await setup.run(macro);
  } catch (error) {
    setup.closeSync();
    instance.closeSync();
    throw error;
  }
  setup.closeSync();
  return { instance, users: 0 };
};

/** Serialises calls on one connection: DuckDB runs one statement at a time per connection. */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** A session on one DuckDB connection. */
class DuckDbSession implements WarehouseSession {
  private loads = 0;

  constructor(
    readonly connection: DuckDBConnection,
    private readonly serial = new Serial(),
  ) {}

  execute(sql: string, params: readonly WarehouseValue[] = []): Promise<number> {
    return this.serial.run(async () => {
      const result = await this.connection.run(sql, params as DuckDBValue[]);
      return result.rowsChanged;
    });
  }

  query<Row extends WarehouseRow = WarehouseRow>(sql: string, params: readonly WarehouseValue[] = []): Promise<Row[]> {
    return this.serial.run(async () => {
      const reader = await this.connection.runAndReadAll(sql, params as DuckDBValue[]);
      return reader.convertRowObjects(toWarehouseValue) as unknown as Row[];
    });
  }

  load(request: LoadRequest): Promise<LoadResult> {
    return this.serial.run(async () => {
      // Bytes are staged to a temporary file first, as Snowflake's PUT stages them before COPY.
      const staging = 'bytes' in request.source ? await mkdtemp(join(tmpdir(), 'streamflow-stage-')) : undefined;
      try {
        let path: string;
        if ('bytes' in request.source) {
          path = join(staging!, basename(request.source.fileName));
          await writeFile(path, request.source.bytes);
        } else {
          path = request.source.path;
        }
        return await this.copyInto(request.table, request.columns, path, request.sourceFile);
      } finally {
        if (staging) await rm(staging, { recursive: true, force: true });
      }
    });
  }

  /** `INSERT ... SELECT FROM read_csv(...)`: DuckDB's COPY with a column list, a row number and rejects. */
  private async copyInto(table: TableName, columns: readonly FileColumn[], path: string, sourceFile: string): Promise<LoadResult> {
    const target = `${identifier(table.schema)}.${identifier(table.name)}`;
    const fileColumns = columns.map((column) => identifier(column.name));
    const readTypes = columns.map((column) => `${sqlString(column.name)}: ${sqlString(CSV_READ_TYPES[column.type])}`).join(', ');
    const selected = columns.map((column) =>
      column.type === 'timestamp' ? `cast(${identifier(column.name)} as timestamp)` : identifier(column.name),
    );
    const suffix = `${process.pid}_${++this.loads}`;
    const rejectsScan = `load_rejects_scan_${suffix}`;
    const rejectsTable = `load_rejects_${suffix}`;
    const metadata = LOAD_METADATA_COLUMNS.map((column) => column.name);
    try {
      const loaded = await this.connection.run(
        `insert into ${target} (${[...fileColumns, ...metadata].join(', ')})
         select ${selected.join(', ')}, ?, ordinality, cast(current_timestamp as timestamp)
         from read_csv(${sqlString(path)},
           header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', max_line_size = ${MAX_LINE_BYTES},
           -- "" is the empty string and an empty unquoted field is NULL (lambdas/shared/csv.ts)
           nullstr = '', allow_quoted_nulls = false,
           columns = {${readTypes}},
           store_rejects = true, rejects_scan = '${rejectsScan}', rejects_table = '${rejectsTable}'
         ) with ordinality`,
        [sourceFile],
      );
      const rejects = await this.connection.runAndReadAll(
        `select count(distinct line) as errors, min_by(error_message, line) as first_error from ${rejectsTable}`,
      );
      const [summary] = rejects.convertRowObjects(toWarehouseValue);
      const errorsSeen = Number(summary?.errors ?? 0);
      const firstError = summary?.first_error;
      return {
        rowsParsed: loaded.rowsChanged + errorsSeen,
        rowsLoaded: loaded.rowsChanged,
        errorsSeen,
        ...(typeof firstError === 'string' ? { firstError } : {}),
      };
    } finally {
      await this.connection.run(`drop table if exists ${rejectsTable}`);
      await this.connection.run(`drop table if exists ${rejectsScan}`);
    }
  }
}

/**
 * The local twin's warehouse: a DuckDB file (`DIR/warehouse.duckdb`) attached as catalog
 * `streamflow_dw`, with schemas `bronze`, `silver`, `gold` and Snowflake's function names as
 * macros on every connection. Statements outside {@link transaction} run one at a time on a shared
 * connection; each transaction gets a connection of its own, so concurrent transactions conflict
 * the way they would in Snowflake.
 */
export class DuckDbWarehouse implements Warehouse {
  readonly dialect = 'duckdb' as const;
  readonly columnTypes = DUCKDB_COLUMN_TYPES;
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly shared: SharedInstance,
    private readonly session: DuckDbSession,
  ) {}

  /** Opens (creating if needed) the warehouse file and its schemas. */
  static async open(file: string): Promise<DuckDbWarehouse> {
    const path = resolve(file);
    let pending = instances.get(path);
    if (!pending) {
      pending = openInstance(path);
      instances.set(path, pending);
      pending.catch(() => instances.delete(path));
    }
    const shared = await pending;
    shared.users += 1;
    try {
      const connection = await DuckDbWarehouse.connect(shared.instance);
      for (const schema of SCHEMAS) await connection.run(`create schema if not exists ${schema}`);
      return new DuckDbWarehouse(path, shared, new DuckDbSession(connection));
    } catch (error) {
      DuckDbWarehouse.release(path, shared);
      throw error;
    }
  }

  private static async connect(instance: DuckDBInstance): Promise<DuckDBConnection> {
    const connection = await instance.connect();
    await connection.run(`use ${CATALOG}`);
    // Dates of events are UTC dates, whatever the machine's time zone.
    await connection.run(`set TimeZone = 'UTC'`);
    return connection;
  }

  private static release(path: string, shared: SharedInstance): void {
    shared.users -= 1;
    if (shared.users === 0) {
      instances.delete(path);
      shared.instance.closeSync();
    }
  }

  execute(sql: string, params?: readonly WarehouseValue[]): Promise<number> {
    return this.session.execute(sql, params);
  }

  query<Row extends WarehouseRow = WarehouseRow>(sql: string, params?: readonly WarehouseValue[]): Promise<Row[]> {
    return this.session.query<Row>(sql, params);
  }

  load(request: LoadRequest): Promise<LoadResult> {
    return this.session.load(request);
  }

  async transaction<T>(work: (session: WarehouseSession) => Promise<T>): Promise<T> {
    const connection = await DuckDbWarehouse.connect(this.shared.instance);
    try {
      await connection.run('begin transaction');
      let result: T;
      try {
        result = await work(new DuckDbSession(connection));
        await connection.run('commit');
      } catch (error) {
        // After a failed statement DuckDB may already have ended the transaction; that is fine.
        await connection.run('rollback').catch(() => undefined);
        throw error;
      }
      return result;
    } catch (error) {
      if (isConflict(error)) throw new WarehouseConflictError((error as Error).message, { cause: error });
      throw error;
    } finally {
      connection.closeSync();
    }
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- the port is async (Snowflake's close is).
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.session.connection.closeSync();
    DuckDbWarehouse.release(this.file, this.shared);
  }
}
