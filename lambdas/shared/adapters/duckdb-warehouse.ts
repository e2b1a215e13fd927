import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { LOAD_METADATA_COLUMNS, type ColumnType } from '../contracts/tables.js';
import {
  WarehouseConflictError,
  type FileColumn,
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

/**
 * Bytes DuckDB's CSV reader reads at a time. Its default is 16 times max_line_size, here 512 MiB
 * per file read, allocated from the buffer pool: under a memory_limit of 500MB that failed every
 * load outright. Twice the longest line still holds a line that straddles two reads.
 */
const CSV_BUFFER_BYTES = 2 * MAX_LINE_BYTES;

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
  /** Where this instance alone spills (removed when it closes). */
  readonly spillDir: string;
  users: number;
}
const instances = new Map<string, Promise<SharedInstance>>();

/**
 * Set, not left to DuckDB's defaults (80 % of RAM for the buffer manager, every core): the twin
 * shares the machine with the Node process that feeds it, and a million-event refresh took the
 * process past 1.3 GB of RSS. Past the limit DuckDB spills what it can to `temp_directory` and fails
 * the statement otherwise (https://duckdb.org/docs/stable/guides/performance/oom; the limit covers
 * the buffer manager only, so RSS runs some 250 MB above it).
 * STREAMFLOW_DUCKDB_MEMORY_LIMIT / STREAMFLOW_DUCKDB_THREADS override them.
 */
/**
 * The limit while a load's CSV scan runs. Its read buffers (CSV_BUFFER_BYTES, 64 MiB per file being
 * read, two files at a time on two threads) come from the buffer pool: a corpus of multi-megabyte
 * records ran out of memory at 400MB ("could not allocate block … 381.0 MiB/381.4 MiB used",
 * test/reliability/hostile-input.chaos.ts) and loaded at 700MB. Raised for that statement only, so
 * the refresh keeps the lower limit that bounds the run's RSS.
 */
const LOAD_MEMORY_LIMIT = process.env.STREAMFLOW_DUCKDB_LOAD_MEMORY_LIMIT ?? '800MB';

const memoryLimit = (): string => process.env.STREAMFLOW_DUCKDB_MEMORY_LIMIT ?? '350MB';

const duckDbConfig = (spillDir: string): Record<string, string> => ({
  // Measured at 1M events (refresh --full, 2 shared cores): 1GB 922 MB peak RSS; 500MB 728-744 MB;
  // 400MB 643-706 MB for ~3 % more CPU and wall than 500MB (two paired runs; it spills ~70 MB more);
  // with the allocator flushes below, 400MB 617-638 MB and 350MB 579-597 MB in three paired runs,
  // wall 9.2-11.0 s either way (2026-12-02).
  memory_limit: memoryLimit(),
  // Memory DuckDB frees stays with the allocator's thread caches until a flush
  // (https://duckdb.org/docs/stable/configuration/overview): by default after a task that peaked
  // past 128MB or a bulk free past 512MB, so a refresh kept freed hash tables resident under the
  // next statement's. Lower thresholds: a 1M-event run's peak RSS 756-874 MB became 725-745 MB
  // (refresh --full: 620-720 MB became 593-688 MB in five paired runs), no change in wall time.
  allocator_flush_threshold: '8MB',
  allocator_bulk_deallocation_flush_threshold: '16MB',
  threads: process.env.STREAMFLOW_DUCKDB_THREADS ?? String(availableParallelism()),
  // One folder per instance: DuckDB removes the spill files it finds in its temp directory, so two
  // runs sharing one folder failed ("Could not remove file .../duckdb_temp_storage_S192K-0.tmp").
  temp_directory: spillDir,
  // DuckDB checkpoints inside the commit that takes the write-ahead log past this size
  // (https://duckdb.org/docs/stable/configuration/overview, default 16MB). Live cycles write a few MB
  // each (the rebuilt Gold tables), so at 16MB every few seconds one commit took 0.5-0.95 s and
  // held that cycle's rows back from Gold (2,000 events/s stream, 2026-12-02); closing checkpoints anyway.
  checkpoint_threshold: process.env.STREAMFLOW_DUCKDB_CHECKPOINT_THRESHOLD ?? '256MB',
});

/** DuckDB's words for a file it cannot read as a database: not one at all, cut short, or a block whose checksum fails. */
const DAMAGED_FILE = /not a valid DuckDB database file|Corrupt database file|Could not read enough bytes|checksum/i;
/** DuckDB's words when another process holds the file's write lock (https://duckdb.org/docs/stable/connect/concurrency). */
const LOCKED_FILE = /Could not set lock on file|Conflicting lock/i;

/**
 * Why the warehouse file would not open, and what to do. A damaged file is never blamed on
 * another process (its message says "block", which a bare /lock/ matched): the warehouse holds
 * nothing the run folder does not, so deleting it and loading again rebuilds it.
 */
const openFailureMessage = (file: string, reason: string): string => {
  const dir = dirname(file);
  if (LOCKED_FILE.test(reason)) {
    return `Cannot open the warehouse ${file}: another process holds it open (another streamflow command, or a DuckDB client); wait for it to finish or close it, then run this again. DuckDB said: ${reason}`;
  }
  if (DAMAGED_FILE.test(reason)) {
    return (
      `The warehouse ${file} is not a DuckDB database, or is damaged: delete it, then run \`streamflow load --out ${dir}\` and ` +
      `\`streamflow refresh --out ${dir}\` to rebuild it from the files in ${dir}. DuckDB said: ${reason}`
    );
  }
  return `Cannot open the warehouse ${file}: ${reason}`;
};

const openInstance = async (file: string): Promise<SharedInstance> => {
  await mkdir(dirname(file), { recursive: true });
  const spillDir = await mkdtemp(join(tmpdir(), 'streamflow-duckdb-spill-'));
  const instance = await DuckDBInstance.create(':memory:', duckDbConfig(spillDir));
  const connection = await instance.connect();
  try {
    // Attached under the warehouse's name, whatever the file is called, so SQL reads like Snowflake's.
    await connection.run(`attach ${sqlString(file)} as ${CATALOG}`);
  } catch (error) {
    closeInstance({ instance, spillDir });
    throw new Error(openFailureMessage(file, (error as Error).message), { cause: error });
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
    closeInstance({ instance, spillDir });
    throw error;
  }
  setup.closeSync();
  return { instance, spillDir, users: 0 };
};

const closeInstance = ({ instance, spillDir }: Pick<SharedInstance, 'instance' | 'spillDir'>): void => {
  instance.closeSync();
  rmSync(spillDir, { recursive: true, force: true });
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

  /** One file: staged, loaded and unstaged around the same statement as a multi-file load. */
  async load(request: LoadRequest): Promise<LoadResult> {
    const staged = await stageFiles({ table: request.table, columns: request.columns, files: [request] });
    try {
      return (await this.loadStaged(staged)).get(request.sourceFile)!;
    } finally {
      await unstageFiles(staged);
    }
  }

  loadStaged(staged: StagedFiles, only?: readonly string[]): Promise<ReadonlyMap<string, LoadResult>> {
    const wanted = only && new Set(only);
    const files = stagedPathsOf(staged).filter((file) => !wanted || wanted.has(file.sourceFile));
    return this.serial.run(() => this.copyInto(staged.request.table, staged.request.columns, files));
  }

  /**
   * `INSERT ... SELECT FROM read_csv([...])`: DuckDB's COPY over a file list, with a column list,
   * the row number within each file and rejects per file. Each load stamps its rows with a load
   * time of its own, which counts them per file afterwards without a second read.
   */
  private async copyInto(table: TableName, columns: readonly FileColumn[], files: readonly StagedPath[]): Promise<ReadonlyMap<string, LoadResult>> {
    const results = new Map<string, LoadResult>();
    if (files.length === 0) return results;
    const target = `${identifier(table.schema)}.${identifier(table.name)}`;
    const fileColumns = columns.map((column) => identifier(column.name));
    const readTypes = columns.map((column) => `${sqlString(column.name)}: ${sqlString(CSV_READ_TYPES[column.type])}`).join(', ');
    // The instant as its UTC wall clock: epoch_us is arithmetic on the instant, where a cast to
    // TIMESTAMP goes through the ICU time zone (~25x the CPU: 0.55 s of a million-event load).
    const selected = columns.map((column) =>
      column.type === 'timestamp' ? `make_timestamp(epoch_us(${identifier(column.name)}))` : identifier(column.name),
    );
    const suffix = `${process.pid}_${++this.loads}`;
    const rejectsScan = `load_rejects_scan_${suffix}`;
    const rejectsTable = `load_rejects_${suffix}`;
    const [sourceFile, rowNumber, loadedAt] = LOAD_METADATA_COLUMNS.map((column) => column.name) as [string, string, string];
    // Rows before each file in the scan, where the loader counted every file's rows.
    const rowsBefore = files.every((file) => file.rows !== undefined) ? runningTotals(files.map((file) => file.rows!)) : undefined;
    const sources = files.map((_, index) => `(?, ?, ${rowsBefore?.[index] ?? 0})`).join(', ');
    const loadTime = uniqueLoadTime();
    let succeeded = false;
    try {
      await this.connection.run(`set memory_limit = ${sqlString(LOAD_MEMORY_LIMIT)}`);
      await this.connection.run(
        `insert into ${target} (${[...fileColumns, sourceFile, rowNumber, loadedAt].join(', ')})
         select ${selected.join(', ')}, source.source_file,
           -- one scan numbers rows across its files, in file order (DuckDB preserves insertion order):
           -- restart the count per file, from the rows counted before it (a count that was wrong makes
           -- COPY's count differ from the loader's, and the loader rolls back), else by a window
           ${rowsBefore ? 'ordinality - source.rows_before' : 'ordinality - min(ordinality) over (partition by filename) + 1'},
           cast(? as timestamp)
         from read_csv([${files.map((file) => sqlString(file.path)).join(', ')}],
           header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', max_line_size = ${MAX_LINE_BYTES}, buffer_size = ${CSV_BUFFER_BYTES},
           -- "" is the empty string and an empty unquoted field is NULL (lambdas/shared/csv.ts)
           nullstr = '', allow_quoted_nulls = false, filename = true,
           columns = {${readTypes}},
           store_rejects = true, rejects_scan = '${rejectsScan}', rejects_table = '${rejectsTable}'
         ) with ordinality
         join (values ${sources}) as source(path, source_file, rows_before) on source.path = filename`,
        [loadTime, ...files.flatMap((file) => [file.path, file.sourceFile])],
      );
      const loaded = await this.connection.runAndReadAll(
        `select ${sourceFile} as source_file, count(*) as rows from ${target} where ${loadedAt} = cast(? as timestamp) group by 1`,
        [loadTime],
      );
      const rejects = await this.connection.runAndReadAll(
        `select scan.file_path as path, count(distinct rejects.line) as errors, min_by(rejects.error_message, rejects.line) as first_error
         from ${rejectsTable} as rejects join ${rejectsScan} as scan using (scan_id, file_id) group by 1`,
      );
      const rowsOf = new Map(loaded.convertRowObjects(toWarehouseValue).map((row) => [String(row.source_file), Number(row.rows)]));
      const rejectsOf = new Map(rejects.convertRowObjects(toWarehouseValue).map((row) => [String(row.path), row]));
      for (const file of files) {
        const rowsLoaded = rowsOf.get(file.sourceFile) ?? 0;
        const reject = rejectsOf.get(file.path);
        const errorsSeen = Number(reject?.errors ?? 0);
        const firstError = reject?.first_error;
        results.set(file.sourceFile, {
          rowsParsed: rowsLoaded + errorsSeen,
          rowsLoaded,
          errorsSeen,
          ...(typeof firstError === 'string' ? { firstError } : {}),
        });
      }
      succeeded = true;
      return results;
    } finally {
      // After a failed statement the transaction is aborted and refuses these too (its rollback
      // discards the tables; the raised limit stays until a later load restores it): the
      // statement's own error is the one to report, not theirs.
      const dropped = this.connection
        .run(`set memory_limit = ${sqlString(memoryLimit())}`)
        .then(() => this.connection.run(`drop table if exists ${rejectsTable}`))
        .then(() => this.connection.run(`drop table if exists ${rejectsScan}`));
      await dropped.catch((error: unknown) => {
        if (succeeded) throw error;
      });
    }
  }
}

/** For each count, the sum of the counts before it. */
const runningTotals = (counts: readonly number[]): number[] => {
  let total = 0;
  return counts.map((count) => {
    const before = total;
    total += count;
    return before;
  });
};

let lastLoadMicros = 0;

/** The wall clock in microseconds, later than any earlier load's of this process: a load's own `_loaded_at`. */
const uniqueLoadTime = (): string => {
  lastLoadMicros = Math.max(Math.round((performance.timeOrigin + performance.now()) * 1000), lastLoadMicros + 1);
  const millis = Math.floor(lastLoadMicros / 1000);
  return `${new Date(millis).toISOString().slice(0, 19).replace('T', ' ')}.${String(lastLoadMicros % 1_000_000).padStart(6, '0')}`;
};

/** A staged file on the local disk and the object key its rows record. */
interface StagedPath {
  readonly path: string;
  readonly sourceFile: string;
  readonly rows?: number;
}

/** Bytes get a numbered name in the staging folder (keys of different folders may share a file name). */
const stagedPathsOf = (staged: StagedFiles): StagedPath[] =>
  staged.request.files.map((file, index) => ({
    path: 'bytes' in file.source ? join(staged.location, `${index}-${basename(file.source.fileName)}`) : file.source.path,
    sourceFile: file.sourceFile,
    ...(file.rows === undefined ? {} : { rows: file.rows }),
  }));

/** Bytes are written to a temporary folder first, as Snowflake's PUT stages them before COPY. */
const stageFiles = async (request: FilesLoadRequest): Promise<StagedFiles> => {
  const staged: StagedFiles = { request, location: await mkdtemp(join(tmpdir(), 'streamflow-stage-')) };
  const paths = stagedPathsOf(staged);
  await Promise.all(request.files.flatMap((file, index) => ('bytes' in file.source ? [writeFile(paths[index]!.path, file.source.bytes)] : [])));
  return staged;
};

const unstageFiles = (staged: StagedFiles): Promise<void> => rm(staged.location, { recursive: true, force: true });

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
      closeInstance(shared);
    }
  }

  /** An autocommitted statement: a lost write conflict is a {@link WarehouseConflictError}, as in a transaction. */
  execute(sql: string, params?: readonly WarehouseValue[]): Promise<number> {
    return this.session.execute(sql, params).catch((error: unknown) => {
      throw isConflict(error) ? new WarehouseConflictError((error as Error).message, { cause: error }) : error;
    });
  }

  query<Row extends WarehouseRow = WarehouseRow>(sql: string, params?: readonly WarehouseValue[]): Promise<Row[]> {
    return this.session.query<Row>(sql, params);
  }

  load(request: LoadRequest): Promise<LoadResult> {
    return this.session.load(request);
  }

  loadStaged(staged: StagedFiles, only?: readonly string[]): Promise<ReadonlyMap<string, LoadResult>> {
    return this.session.loadStaged(staged, only);
  }

  stage(request: FilesLoadRequest): Promise<StagedFiles> {
    return stageFiles(request);
  }

  unstage(staged: StagedFiles): Promise<void> {
    return unstageFiles(staged);
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
