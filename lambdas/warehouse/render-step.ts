/**
 * Turns a model step into SQL for a dialect: `ensure` statements (DDL that creates the table
 * once; part of deployment in Snowflake) and `refresh` statements (the DML a task runs). Kept
 * free of I/O so the local runner and Snowflake's task generation render exactly the same text.
 */
import { SCD2_COLUMNS, streamNameFor, tableOf, type ModelStep } from './task-graph.js';

export interface RenderOptions {
  /** Read each incremental step's `changesFrom` table through its stream (Snowflake tasks). */
  readonly readChangesFromStreams: boolean;
}

/** What every task runs, in Snowflake and in the local twin (local-streams.ts): incremental steps read their streams. */
export const READ_STREAMS: RenderOptions = { readChangesFromStreams: true };

const qualified = (model: string): string => {
  const table = tableOf(model);
  return `${table.schema}.${table.name}`;
};

const indent = (sql: string): string => sql.replace(/^/gm, '    ');

/** The model SQL a refresh reads: in Snowflake, the changed rows of its upstream table only. */
export const sourceSqlFor = (step: ModelStep, modelSql: string, options: RenderOptions): string => {
  const { materialization } = step;
  if (materialization.kind !== 'merge' || !options.readChangesFromStreams) return modelSql;
  const upstream = new RegExp(`\\b${materialization.changesFrom.replace('.', '\\.')}\\b`, 'g');
  if (!upstream.test(modelSql)) throw new Error(`${step.model} does not read ${materialization.changesFrom}, its declared changesFrom`);
  return modelSql.replace(upstream, streamNameFor(materialization.changesFrom));
};

/** DDL that creates the step's table, empty, with the model's columns (a rebuild creates its own). */
export const ensureStatements = (step: ModelStep, modelSql: string): string[] => {
  const target = qualified(step.model);
  const { materialization } = step;
  switch (materialization.kind) {
    case 'rebuild':
      return [];
    case 'view':
      return [`create or replace view ${target} as\n${modelSql}`];
    case 'merge':
      return [`create table if not exists ${target} as\nselect * from (\n${indent(modelSql)}\n) as model\nwhere 1 = 0`];
    case 'scd2':
      return [
        `create table if not exists ${target} as
select
    cast(null as varchar) as ${materialization.surrogateKey},
    model.*,
    cast(null as integer) as scd_version,
    cast(null as timestamp) as valid_from,
    cast(null as timestamp) as valid_to,
    cast(null as boolean) as is_current
from (
${indent(modelSql)}
) as model
where 1 = 0`,
      ];
  }
};

const changed = (columns: readonly string[]): string =>
  columns.map((column) => `existing.${column} is distinct from incoming.${column}`).join('\n        or ');

/**
 * The DML of one refresh. `targetColumns` are the table's columns in order (read after
 * {@link ensureStatements}), so the MERGE names every column, as Snowflake requires.
 */
export const refreshStatements = (
  step: ModelStep,
  modelSql: string,
  targetColumns: readonly string[],
  options: RenderOptions,
): string[] => {
  const target = qualified(step.model);
  const source = indent(sourceSqlFor(step, modelSql, options));
  const { materialization } = step;
  switch (materialization.kind) {
    case 'rebuild':
      return [`create or replace table ${target} as\n${modelSql}`];

    case 'view':
      return [];

    case 'merge': {
      const keys = materialization.uniqueKey;
      const others = targetColumns.filter((column) => !keys.includes(column));
      // SET columns are unqualified: Snowflake and DuckDB both reject `existing.column = ...` there.
      const { latestBy } = materialization;
      const notOlder = latestBy ? `(existing.${latestBy} is null or incoming.${latestBy} >= existing.${latestBy})\n    and ` : '';
      const whenMatched =
        materialization.whenMatched === 'update' && others.length > 0
          ? `\nwhen matched and ${notOlder}(\n        ${changed(others)}\n    ) then update set\n        ${others
              .map((column) => `${column} = incoming.${column}`)
              .join(',\n        ')}`
          : '';
      return [
        `merge into ${target} as existing
using (
${source}
) as incoming
on ${keys.map((key) => `existing.${key} = incoming.${key}`).join(' and ')}${whenMatched}
when not matched then insert (${targetColumns.join(', ')})
    values (${targetColumns.map((column) => `incoming.${column}`).join(', ')})`,
      ];
    }

    case 'scd2': {
      const { uniqueKey: key, trackedColumns: tracked, changedAt, surrogateKey } = materialization;
      const modelColumns = targetColumns.filter((column) => column !== surrogateKey && !(SCD2_COLUMNS as readonly string[]).includes(column));
      const typeOne = modelColumns.filter((column) => column !== key && !tracked.includes(column));
      const version = 'coalesce(history.versions, 0) + 1';
      const overwrite =
        typeOne.length > 0
          ? `\nwhen matched and (\n        ${changed(typeOne)}\n    ) then update set\n        ${typeOne
              .map((column) => `${column} = incoming.${column}`)
              .join(',\n        ')}`
          : '';
      return [
        // 1. Close the current version where a tracked column changed; overwrite the others in place.
        `merge into ${target} as existing
using (
${source}
) as incoming
on existing.${key} = incoming.${key} and existing.is_current
when matched and (
        ${changed(tracked)}
    ) then update set
        valid_to = incoming.${changedAt},
        is_current = false${overwrite}`,
        // 2. Open a version for every key without a current one: new keys, and keys just closed.
        // The first version is valid since 1900 so facts older than the first load still find it.
        `insert into ${target} (${[surrogateKey, ...modelColumns, ...SCD2_COLUMNS].join(', ')})
select
    md5(incoming.${key} || '|' || cast(${version} as varchar)),
    ${modelColumns.map((column) => `incoming.${column}`).join(',\n    ')},
    ${version},
    case when history.versions is null then cast('1900-01-01 00:00:00' as timestamp) else incoming.${changedAt} end,
    cast('9999-12-31 00:00:00' as timestamp),
    true
from (
${source}
) as incoming
left join (
    select ${key}, count(*) as versions, sum(case when is_current then 1 else 0 end) as current_versions
    from ${target}
    group by ${key}
) as history
    on history.${key} = incoming.${key}
where coalesce(history.current_versions, 0) = 0`,
      ];
    }
  }
};

/**
 * The twin's guard against a model that repeats a key: a query counting the keys that occur more
 * than once, and whether it runs after the MERGE (on the target) or before it (on the source).
 * A `keep` MERGE only inserts, so a key its source repeats is inserted twice (in Snowflake too:
 * https://docs.snowflake.com/en/sql-reference/sql/merge, "Duplicate join behavior") and shows in
 * the target: one pass over the target's keys after the MERGE, inside the task's transaction that
 * a failure rolls back, where a check of the source ran the whole model a second time (1.2 s of
 * stg_user_events' 4.5 s at 1M events). An `update` or SCD2 MERGE would apply a repeated key twice
 * and leave no trace (Snowflake rejects it as nondeterministic), so their small sources are
 * checked first.
 */
export interface DuplicateKeysCheck {
  readonly afterMerge: boolean;
  readonly sql: string;
}

const duplicateKeysIn = (keys: readonly string[], from: string): string => `select count(*) as duplicate_keys from (
    select ${keys.join(', ')}
    from ${from}
    group by ${keys.join(', ')}
    having count(*) > 1
) as duplicates`;

export const duplicateKeysCheck = (step: ModelStep, sourceSql: string): DuplicateKeysCheck | undefined => {
  const { materialization } = step;
  if (materialization.kind === 'rebuild' || materialization.kind === 'view') return undefined;
  if (materialization.kind === 'merge' && materialization.whenMatched === 'keep') {
    return { afterMerge: true, sql: duplicateKeysIn(materialization.uniqueKey, qualified(step.model)) };
  }
  const keys = materialization.kind === 'merge' ? materialization.uniqueKey : [materialization.uniqueKey];
  return { afterMerge: false, sql: duplicateKeysIn(keys, `(\n${indent(indent(sourceSql))}\n    ) as model`) };
};
