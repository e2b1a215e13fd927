/**
 * Port: the warehouse. Snowflake in AWS, DuckDB in the local twin; the loader, the task graph and
 * the ledger see only this. It is shaped after what both engines do natively: SQL statements,
 * explicit transactions, and a bulk load of one local file into one table (Snowflake `PUT` to a
 * stage + `COPY INTO`, DuckDB `read_csv`), which reports what it did the way `COPY INTO` does.
 */
import type { ColumnType } from '../contracts/tables.js';

/** SQL dialects the models are written for (`sql/snippets/<name>.<dialect>.sql`). */
export type SqlDialect = 'duckdb' | 'snowflake';

/** Values as the port hands them over: numbers for numerics, ISO text for dates and timestamps. */
export type WarehouseValue = string | number | boolean | null;
export type WarehouseRow = Readonly<Record<string, WarehouseValue>>;

/** A table by schema and name, both lower case and unquoted (`bronze`, `raw_user_events`). */
export interface TableName {
  readonly schema: string;
  readonly name: string;
}

/** A file column: its name in the header and its logical type. */
export interface FileColumn {
  readonly name: string;
  readonly type: ColumnType;
}

/**
 * The file to load: bytes already in memory (what the loader read from the bucket; the adapter
 * stages them, as `PUT` does) or a path on the local disk. `fileName` keeps the extension, which
 * says whether the bytes are gzipped.
 */
export type LoadSource = { readonly fileName: string; readonly bytes: Uint8Array } | { readonly path: string };

/** One `COPY INTO`: a CSV file with a header line in the project's dialect (lambdas/shared/csv.ts). */
export interface LoadRequest {
  readonly table: TableName;
  /** The file's columns in file order: the COPY column list. Load metadata columns are added by the adapter. */
  readonly columns: readonly FileColumn[];
  readonly source: LoadSource;
  /** Written to `_source_file` of every row: the object key, not the staged temporary file. */
  readonly sourceFile: string;
}

/** One file of a multi-file load: what to stage, and the object key its rows record in `_source_file`. */
export interface FileToLoad {
  readonly source: LoadSource;
  readonly sourceFile: string;
  /**
   * The data rows the loader counted in the file, when it did (gold files). A warehouse may number
   * rows from it; the loader commits a load only where COPY's count per file equals it.
   */
  readonly rows?: number;
}

/** Many files into one table, loaded by one statement (Snowflake `COPY … FILES = (…)`, DuckDB `read_csv([…])`). */
export interface FilesLoadRequest {
  readonly table: TableName;
  readonly columns: readonly FileColumn[];
  readonly files: readonly FileToLoad[];
}

/**
 * Files staged for one load, outside any transaction (Snowflake: `PUT` into a folder of their
 * own; DuckDB: temporary files), so no lock is held while bytes cross the network.
 */
export interface StagedFiles {
  readonly request: FilesLoadRequest;
  /** Adapter-specific handle: where the files were staged. */
  readonly location: string;
}

/** What `COPY INTO` reports for one file. Rows that fail to parse are counted, not loaded. */
export interface LoadResult {
  readonly rowsParsed: number;
  readonly rowsLoaded: number;
  readonly errorsSeen: number;
  readonly firstError?: string;
}

/** What can be done inside one session (and so inside one transaction). */
export interface WarehouseSession {
  /** Runs one statement with `?` parameters; resolves to the number of rows it changed (0 for DDL). */
  execute(sql: string, params?: readonly WarehouseValue[]): Promise<number>;
  /** Runs one query with `?` parameters; column names are lower case. */
  query<Row extends WarehouseRow = WarehouseRow>(sql: string, params?: readonly WarehouseValue[]): Promise<Row[]>;
  /** Loads one file into one table; the load metadata columns are filled from `sourceFile`, row order and the clock. */
  load(request: LoadRequest): Promise<LoadResult>;
  /**
   * Loads staged files (a subset, by `sourceFile`, or all) into their table in one statement; one
   * result per file, keyed by `sourceFile`. Rows a file could not parse are counted in its result.
   */
  loadStaged(staged: StagedFiles, only?: readonly string[]): Promise<ReadonlyMap<string, LoadResult>>;
}

export interface Warehouse extends WarehouseSession {
  readonly dialect: SqlDialect;
  /** DDL type of each logical column type: Bronze DDL derives from the table contracts through it. */
  readonly columnTypes: Readonly<Record<ColumnType, string>>;
  /**
   * Runs `work` in one transaction on a session of its own: commits when it resolves, rolls back
   * when it throws. Rejects with {@link WarehouseConflictError} when a concurrent transaction
   * changed the same rows first (the loader's claim on a file relies on it).
   */
  transaction<T>(work: (session: WarehouseSession) => Promise<T>): Promise<T>;
  /** Stages files for {@link WarehouseSession.loadStaged}; call outside a transaction. */
  stage(request: FilesLoadRequest): Promise<StagedFiles>;
  /** Removes staged files (after their load committed, or was abandoned). */
  unstage(staged: StagedFiles): Promise<void>;
  close(): Promise<void>;
}

/** A concurrent transaction won a write-write conflict; this one was rolled back. */
export class WarehouseConflictError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WarehouseConflictError';
  }
}

/**
 * A statement waited for a lock longer than the warehouse allows (Snowflake's LOCK_TIMEOUT): another
 * transaction held it. Nothing was changed; unlike a {@link WarehouseConflictError} no one is known
 * to have done the work, so the next tick must try again.
 */
export class WarehouseLockTimeoutError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WarehouseLockTimeoutError';
  }
}

/**
 * The adapter cannot load this file as it is named or written (Snowflake cannot stage a key with
 * spaces or quotes): the loader records the file as rejected instead of failing every tick on it.
 */
export class UnloadableFileError extends Error {
  constructor(
    message: string,
    /** The object key at fault, when the adapter was handed several. */
    readonly sourceFile?: string,
  ) {
    super(message);
    this.name = 'UnloadableFileError';
  }
}
