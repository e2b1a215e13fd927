/**
 * Schema evolution, first step: a table created `if not exists` by an older version keeps its old
 * columns, while the statements that fill it (the loader's COPY, a task's MERGE) are rebuilt from
 * the current contracts and models. Before they run, each such table is compared with the shape
 * its current DDL would build, and columns that are missing are added (`alter table … add
 * column`: existing rows get NULL, which every reader already handles). What cannot be applied
 * safely is refused, with a message: a column whose type changed, or one that the contract or
 * model no longer has (dropping it would lose data; keeping it would leave a column nothing
 * fills). Same code on Snowflake (`sql deploy`) and DuckDB (every open and refresh of `--out`).
 *
 * The expected shape is found by running the table's own DDL under a scratch name and reading
 * its columns back, so a model's column types come from the engine, as they did when the table
 * was first created.
 */
import type { WarehouseSession } from '../shared/ports/warehouse.js';

/** `create table if not exists <schema>.<name>`: the statements whose tables may need migrating. */
const CREATE_IF_NOT_EXISTS = /^\s*create table if not exists (\w+)\.(\w+)\b/i;

interface LiveColumn {
  readonly name: string;
  readonly type: string;
}

/** A column type as DDL spells it, from information_schema (Snowflake reports NUMBER and TEXT without their sizes). */
const ddlType = (row: { data_type: string; numeric_precision: number | null; numeric_scale: number | null }): string => {
  const type = row.data_type.toUpperCase();
  if (type === 'NUMBER' && row.numeric_precision !== null) return `NUMBER(${row.numeric_precision},${row.numeric_scale ?? 0})`;
  if (type === 'TEXT') return 'VARCHAR';
  return type;
};

const columnsOf = async (session: WarehouseSession, schema: string, name: string): Promise<LiveColumn[]> => {
  const rows = await session.query<{ column_name: string; data_type: string; numeric_precision: number | null; numeric_scale: number | null }>(
    `select column_name, data_type, numeric_precision, numeric_scale from information_schema.columns
     where lower(table_catalog) = lower(current_database()) and lower(table_schema) = ? and lower(table_name) = ?
     order by ordinal_position`,
    [schema, name],
  );
  return rows.map((row) => ({ name: row.column_name.toLowerCase(), type: ddlType(row) }));
};

/** What a migration of one table does, or why it cannot. */
export interface TableMigration {
  readonly table: string;
  /** `alter table … add column` statements, in the expected column order. */
  readonly add: readonly string[];
  /** Changes refused, each a sentence; non-empty means nothing was altered. */
  readonly refused: readonly string[];
}

/** Compares the live columns of a table with the expected ones: what to add, what to refuse. */
export const planTableMigration = (table: string, live: readonly LiveColumn[], expected: readonly LiveColumn[]): TableMigration => {
  const liveByName = new Map(live.map((column) => [column.name, column]));
  const expectedNames = new Set(expected.map((column) => column.name));
  const refused: string[] = [];
  const add: string[] = [];
  for (const column of expected) {
    const current = liveByName.get(column.name);
    if (!current) add.push(`alter table ${table} add column ${column.name} ${column.type}`);
    else if (current.type !== column.type) refused.push(`column ${column.name} is ${current.type} but the current definition makes it ${column.type}`);
  }
  for (const column of live) {
    if (!expectedNames.has(column.name)) refused.push(`column ${column.name} is no longer in the current definition`);
  }
  return { table, add, refused };
};

/** A schema change `sql deploy` or the local twin will not make on its own. */
export class SchemaMigrationError extends Error {}

/**
 * Migrates every existing table that `statements` create `if not exists`: adds missing columns,
 * or throws {@link SchemaMigrationError} naming each change it refuses. Returns what it added.
 * Run it after the statements (so every table exists) and before anything writes the tables.
 * `rebuilt` names tables (`schema.name`) that every run replaces whole: nothing to migrate there.
 */
export const migrateTablesCreatedBy = async (
  session: WarehouseSession,
  statements: readonly string[],
  rebuilt: ReadonlySet<string> = new Set(),
): Promise<string[]> => {
  const applied: string[] = [];
  for (const statement of statements) {
    const match = CREATE_IF_NOT_EXISTS.exec(statement);
    if (!match) continue;
    const [schema, name] = [match[1]!.toLowerCase(), match[2]!.toLowerCase()];
    if (rebuilt.has(`${schema}.${name}`)) continue;
    const scratch = `${name}__expected_shape`;
    await session.execute(statement.replace(CREATE_IF_NOT_EXISTS, `create or replace table ${schema}.${scratch}`));
    let expected: LiveColumn[];
    try {
      expected = await columnsOf(session, schema, scratch);
    } finally {
      await session.execute(`drop table if exists ${schema}.${scratch}`);
    }
    const migration = planTableMigration(`${schema}.${name}`, await columnsOf(session, schema, name), expected);
    if (migration.refused.length > 0) {
      throw new SchemaMigrationError(
        `${migration.table} cannot be migrated automatically: ${migration.refused.join('; ')}. ` +
          'Migrate it by hand (sql/README.md, "Schema evolution"), or rebuild it: drop the table and deploy again ' +
          '(locally: delete warehouse.duckdb and run `streamflow load` again).',
      );
    }
    for (const alter of migration.add) await session.execute(alter);
    applied.push(...migration.add);
  }
  return applied;
};
