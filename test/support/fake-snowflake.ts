/**
 * A stand-in for snowflake-sdk at its boundary (createConnection → connect / execute / destroy),
 * answering the statements the adapter and the loader send the way Snowflake answers them: the
 * load history as a table with transactions, claims and leases; PUT's result rows (one per file
 * of the uploaded folder, whose bytes it keeps) and COPY's (one per named file). Tests script
 * failures on top.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
  errors_seen?: WarehouseValue;
  first_error?: WarehouseValue;
  claimed_by?: WarehouseValue;
  lease_expires_at?: WarehouseValue;
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

  /** Bytes of every file PUT uploaded, by its stage path (`<table>/<load id>/<name>`). */
  readonly uploads = new Map<string, Buffer>();

  private history = new Map<string, HistoryRow>();
  private snapshot: Map<string, HistoryRow> | undefined;

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
    if (text.startsWith("select file_key, etag from bronze.load_history where status in ('loaded', 'failed')")) {
      return { rows: this.versions(([, row]) => row.status === 'loaded' || row.status === 'failed') };
    }
    if (text.startsWith('select file_key, etag from bronze.load_history where claimed_by = ?')) {
      return { rows: this.versions(([, row]) => row.claimed_by === binds[0] && row.lease_expires_at != null) };
    }
    if (text.startsWith('merge into bronze.load_history as history\nusing (select * from (values')) return this.claim(text, binds);
    if (text.startsWith("update bronze.load_history as history\nset status = 'loaded'")) {
      const token = binds.at(-1);
      let updated = 0;
      for (let i = 0; i + 4 < binds.length; i += 4) {
        const row = this.history.get(`${String(binds[i])}\n${String(binds[i + 1])}`);
        if (!row || row.claimed_by !== token || row.lease_expires_at == null) continue;
        Object.assign(row, { status: 'loaded', rows_parsed: binds[i + 2] ?? null, lease_expires_at: null });
        updated += 1;
      }
      return { updated };
    }
    if (text.startsWith('update bronze.load_history set lease_expires_at = null where claimed_by = ?')) {
      const held = [...this.history.values()].filter((row) => row.claimed_by === binds[0] && row.lease_expires_at != null);
      for (const row of held) row.lease_expires_at = null;
      return { updated: held.length };
    }
    if (text.startsWith('merge into bronze.load_history as history\nusing (select ? as file_key, ? as etag, ? as target_table, ? as first_error')) {
      const version = `${String(binds[0])}\n${String(binds[1])}`;
      const existing = this.history.get(version);
      if (existing?.status === 'loaded') existing.lease_expires_at = null;
      else this.history.set(version, { status: 'failed', first_error: binds[3] ?? null, rows_parsed: binds[4] ?? null, errors_seen: binds[5] ?? null });
      return { updated: 1 };
    }
    if (text.startsWith('put ')) {
      const [, local, folder] = /^put 'file:\/\/(.+)\/\*' '@bronze\.csv_stage\/(.+)'/.exec(text)!;
      const names = readdirSync(local!);
      for (const name of names) this.uploads.set(`${folder!}${name}`, readFileSync(join(local!, name)));
      return { rows: names.map((name) => ({ source: name, target: name, status: 'UPLOADED' })) };
    }
    if (text.startsWith('copy into ')) {
      const folder = /from @bronze\.csv_stage\/([^\n]+)\//.exec(text)![1]!;
      const names = [.../files = \(([^)]*)\)/.exec(text)![1]!.matchAll(/'([^']+)'/g)].map((match) => match[1]!);
      const { rows, errors, firstError } = this.copyReport;
      return {
        rows: names.map((name) => ({
          FILE: `csv_stage/${folder}/${name}`,
          STATUS: errors === 0 ? 'LOADED' : 'PARTIALLY_LOADED',
          ROWS_PARSED: rows,
          ROWS_LOADED: rows - errors,
          ERROR_LIMIT: rows,
          ERRORS_SEEN: errors,
          FIRST_ERROR: firstError,
        })),
        updated: names.length * (rows - errors),
      };
    }
    return {};
  }

  /** Claims files that are new, or whose lease ended (and, when forced, loaded ones), as the loader's MERGE does. */
  private claim(text: string, binds: readonly WarehouseValue[]): Reply {
    const [now, token, expires] = binds.slice(-5, -2);
    const force = !text.includes("and history.status = 'loading'");
    let updated = 0;
    for (let i = 0; i + 5 < binds.length; i += 3) {
      const version = `${String(binds[i])}\n${String(binds[i + 1])}`;
      const row = this.history.get(version);
      if (!row) this.history.set(version, { status: 'loading', claimed_by: token ?? null, lease_expires_at: expires ?? null });
      else if ((row.lease_expires_at == null || String(row.lease_expires_at) < String(now)) && (force || row.status === 'loading')) {
        Object.assign(row, { claimed_by: token, lease_expires_at: expires });
      } else continue;
      updated += 1;
    }
    return { updated };
  }

  private versions(keep: (entry: [string, HistoryRow]) => boolean): WarehouseRow[] {
    return [...this.history].filter(keep).map(([version]) => ({ file_key: version.split('\n')[0]!, etag: version.split('\n')[1]! }));
  }

  /** The load history as the loader left it (after commits and rollbacks). */
  historyOf(key: string): HistoryRow[] {
    return [...this.history].filter(([version]) => version.startsWith(`${key}\n`)).map(([, row]) => row);
  }
}
