/**
 * A stand-in for snowflake-sdk at its boundary (createConnection → connect / execute / destroy),
 * answering the statements the adapter and the loader send the way Snowflake answers them: the
 * load history as a table with transactions, PUT's and COPY's result rows, COPY's load metadata
 * (a file whose bytes were loaded before is skipped unless FORCE). Tests script failures on top.
 */
import type { WarehouseRow, WarehouseValue } from '../../lambdas/shared/ports/warehouse.js';

export interface IssuedStatement {
  readonly sql: string;
  readonly binds: readonly WarehouseValue[];
  /** Which connection (0 = the first opened) ran it. */
  readonly connection: number;
}

/** What a statement returns: rows and, for DML, the number of rows changed. */
export interface Reply {
  readonly rows?: WarehouseRow[];
  readonly updated?: number;
}

/** An error as snowflake-sdk raises it: a message with a Snowflake or driver code. */
export const snowflakeError = (message: string, code: string | number, sqlState?: string): Error =>
  Object.assign(new Error(message), { code, ...(sqlState ? { sqlState } : {}) });

interface HistoryRow {
  status: string;
  rows_parsed?: WarehouseValue;
  first_error?: WarehouseValue;
}

interface ExecuteOptions {
  readonly sqlText: string;
  readonly binds?: readonly WarehouseValue[];
  readonly complete: (error: Error | undefined, statement: { getNumUpdatedRows(): number }, rows?: unknown[]) => void;
}

export class FakeSnowflake {
  readonly statements: IssuedStatement[] = [];
  readonly connectionOptions: Record<string, unknown>[] = [];
  /** Connections opened, in order; set `up` false to simulate one dropped while the Lambda was frozen. */
  readonly connections: { up: boolean }[] = [];
  /** Fails the next logins with these errors, in order. */
  readonly connectFailures: Error[] = [];
  /** Called first for every statement: return an Error to fail it, a Reply to answer it, or nothing to let the fake answer. */
  script: (sql: string, binds: readonly WarehouseValue[]) => Error | Reply | undefined = () => undefined;
  /** What COPY reports per file: rows in it, rows it could not read, and the first error. */
  copyReport = { rows: 2, errors: 0, firstError: null as string | null };

  private history = new Map<string, HistoryRow>();
  private snapshot: Map<string, HistoryRow> | undefined;
  /** Staged paths COPY has loaded (Snowflake's load metadata). */
  private readonly loadMetadata = new Set<string>();

  /** Statements (text only) issued so far, optionally only those matching. */
  sql(filter?: RegExp): string[] {
    return this.statements.map((statement) => statement.sql).filter((sql) => !filter || filter.test(sql));
  }

  /** The `createConnection` of the mocked SDK. */
  createConnection = (options: Record<string, unknown>) => {
    this.connectionOptions.push(options);
    const index = this.connections.length;
    const state = { up: false };
    this.connections.push(state);
    const connection = {
      connect: (callback: (error: Error | undefined, connection: unknown) => void) => {
        const failure = this.connectFailures.shift();
        if (!failure) state.up = true;
        setImmediate(() => callback(failure, connection));
        return connection;
      },
      isUp: () => state.up,
      execute: (options: ExecuteOptions) => {
        const binds = options.binds ?? [];
        this.statements.push({ sql: options.sqlText, binds, connection: index });
        const reply = state.up ? this.answer(options.sqlText, binds) : new Error('not connected');
        const statement = { getNumUpdatedRows: () => (reply instanceof Error ? -1 : (reply.updated ?? -1)) };
        setImmediate(() => (reply instanceof Error ? options.complete(reply, statement) : options.complete(undefined, statement, reply.rows ?? [])));
        return statement;
      },
      destroy: (callback: (error: Error | undefined, connection: unknown) => void) => {
        state.up = false;
        setImmediate(() => callback(undefined, connection));
      },
    };
    return connection;
  };

  private answer(sql: string, binds: readonly WarehouseValue[]): Error | Reply {
    const scripted = this.script(sql, binds);
    if (scripted) return scripted;
    const text = sql.trim();
    if (text === 'begin transaction') {
      this.snapshot = new Map([...this.history].map(([key, row]) => [key, { ...row }]));
      return {};
    }
    if (text === 'commit') {
      this.snapshot = undefined;
      return {};
    }
    if (text === 'rollback') {
      if (this.snapshot) this.history = this.snapshot;
      this.snapshot = undefined;
      return {};
    }
    if (text.startsWith('select file_key, etag from bronze.load_history')) {
      return { rows: [...this.history.keys()].map((version) => ({ file_key: version.split('\n')[0]!, etag: version.split('\n')[1]! })) };
    }
    if (text.startsWith('merge into bronze.load_history as history\nusing (select ? as file_key, ? as etag, ? as target_table) as claim')) {
      const version = `${String(binds[0])}\n${String(binds[1])}`;
      const existing = this.history.get(version);
      if (existing && !text.includes('when matched then update')) return { updated: 0 };
      this.history.set(version, { status: 'loading' });
      return { updated: 1 };
    }
    if (text.startsWith('update bronze.load_history')) {
      this.history.set(`${String(binds[3])}\n${String(binds[4])}`, { status: 'loaded', rows_parsed: binds[0] ?? null });
      return { updated: 1 };
    }
    if (text.startsWith('merge into bronze.load_history as history\nusing (select ? as file_key, ? as etag, ? as target_table, ? as first_error)')) {
      this.history.set(`${String(binds[0])}\n${String(binds[1])}`, { status: 'failed', first_error: binds[3] ?? null });
      return { updated: 1 };
    }
    if (text.startsWith('put ')) return { rows: [{ source: 'file', target: 'file', status: 'UPLOADED' }] };
    if (text.startsWith('copy into ')) {
      const folder = /from @bronze\.csv_stage\/(\w+)\//.exec(text)![1]!;
      const path = /files = \('([^']+)'\)/.exec(text)![1]!;
      const staged = `${folder}/${path}`;
      if (this.loadMetadata.has(staged) && text.endsWith('force = false')) return { rows: [{ status: 'Copy executed with 0 files processed.' }] };
      const { rows, errors, firstError } = this.copyReport;
      if (errors === 0) this.loadMetadata.add(staged);
      return {
        rows: [
          {
            FILE: `csv_stage/${staged}`,
            STATUS: errors === 0 ? 'LOADED' : 'PARTIALLY_LOADED',
            ROWS_PARSED: rows,
            ROWS_LOADED: rows - errors,
            ERROR_LIMIT: rows,
            ERRORS_SEEN: errors,
            FIRST_ERROR: firstError,
          },
        ],
        updated: rows - errors,
      };
    }
    return {};
  }

  /** The load history as the loader left it (after commits and rollbacks). */
  historyOf(key: string): HistoryRow[] {
    return [...this.history].filter(([version]) => version.startsWith(`${key}\n`)).map(([, row]) => row);
  }
}
