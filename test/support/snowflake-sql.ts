/**
 * Offline checks of the Snowflake SQL we generate. node-sql-parser (Snowflake mode) parses
 * queries, CTAS, views, INSERT … SELECT and UPDATE; for what it has no grammar for (MERGE, DELETE
 * with a qualified table, account objects, tasks, PUT/COPY) the helpers here check the statement's
 * shape and hand every expression inside it to the parser as an equivalent SELECT.
 */
import pkg from 'node-sql-parser';

const parser = new pkg.Parser();

/**
 * Rewrites what node-sql-parser misreads in valid Snowflake SQL, each into a construct of the same
 * role: `?` bind placeholders (no grammar in Snowflake mode) become values; `metadata$…`
 * pseudo-columns (it takes `$` for a variable sigil) become plain names; a window frame ending
 * `<n> PRECEDING` (it accepts only CURRENT ROW or FOLLOWING there) ends at CURRENT ROW; the
 * `COPY GRANTS` of CREATE OR REPLACE TABLE/VIEW (no grammar) is dropped, its place checked by shape
 * in snowflake-sql.test.ts.
 */
export const forParser = (sql: string): string =>
  sql
    .replaceAll('?', "'bound'")
    .replace(/\bmetadata\$(\w+)/gi, 'metadata_$1')
    .replace(/\band \d+ preceding\b/gi, 'and current row')
    .replace(/^(create or replace (?:view|table) \S+) copy grants as\n/i, '$1 as\n');

/** Parses one statement in Snowflake mode; throws with the statement when it does not parse. */
export const parseSnowflake = (sql: string): void => {
  try {
    parser.astify(forParser(sql), { database: 'snowflake' });
  } catch (error) {
    throw new Error(`does not parse as Snowflake SQL: ${(error as Error).message}\n--- statement ---\n${sql}`, { cause: error });
  }
};

/** Splits a comma list at the top level (not inside parentheses or quotes). */
export const topLevelList = (text: string): string[] => {
  const items: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const char of text) {
    if (char === "'") quoted = !quoted;
    if (!quoted && char === '(') depth += 1;
    if (!quoted && char === ')') depth -= 1;
    if (!quoted && depth === 0 && char === ',') {
      items.push(current.trim());
      current = '';
    } else current += char;
  }
  if (current.trim() !== '') items.push(current.trim());
  return items;
};

const MERGE = /^merge into (\w+\.\w+) as (\w+)\s+using \(([\s\S]*)\) as (\w+)\s+on ([\s\S]*?)\s*(when [\s\S]*)$/;
const CLAUSE = /\bwhen (not )?matched\b/g;

/**
 * MERGE has no grammar in node-sql-parser: check its shape (target, source, ON, WHEN clauses,
 * INSERT columns matching VALUES, unqualified SET columns), then parse the source query and every
 * expression of the clauses as one SELECT over the same join.
 */
export const checkMerge = (sql: string): void => {
  const merge = MERGE.exec(sql.trim());
  if (!merge) throw new Error(`not a MERGE of the expected shape:\n${sql}`);
  const [, target, targetAlias, source, sourceAlias, on, clausesText] = merge as unknown as [string, string, string, string, string, string, string];
  const starts = [...clausesText.matchAll(CLAUSE)].map((match) => match.index);
  const clauses = starts.map((start, i) => clausesText.slice(start, starts[i + 1]).trim());
  const expressions: string[] = [];
  for (const clause of clauses) {
    const insert = /^when not matched then insert \(([^)]*)\)\s+values \(([\s\S]*)\)$/.exec(clause);
    const update = /^when matched(?: and ([\s\S]*?))? then update set([\s\S]*)$/.exec(clause);
    if (insert) {
      const columns = topLevelList(insert[1]!);
      const values = topLevelList(insert[2]!);
      if (columns.length !== values.length) throw new Error(`INSERT names ${columns.length} columns but gives ${values.length} values:\n${clause}`);
      expressions.push(...values);
    } else if (update) {
      if (update[1]) expressions.push(`case when ${update[1]} then 1 end`);
      for (const assignment of topLevelList(update[2]!)) {
        const [column, ...value] = assignment.split('=');
        if (!/^\w+$/.test(column!.trim())) throw new Error(`SET column must be unqualified, got "${column}"`);
        expressions.push(value.join('='));
      }
    } else throw new Error(`unexpected WHEN clause:\n${clause}`);
  }
  parseSnowflake(source);
  parseSnowflake(`select ${expressions.join(',\n')}\nfrom ${target} as ${targetAlias}\ninner join (\n${source}\n) as ${sourceAlias}\non ${on}`);
};

/** DELETE with a schema-qualified table has no grammar in node-sql-parser: parse its WHERE as a SELECT's. */
export const checkDelete = (sql: string): void => {
  const match = /^delete from (\w+\.\w+) where ([\s\S]+)$/.exec(sql.trim());
  if (!match) throw new Error(`not a DELETE of the expected shape:\n${sql}`);
  parseSnowflake(`select * from ${match[1]} where ${match[2]}`);
};

/** Any DML or query we send: MERGE and DELETE by shape, everything else by the parser. */
export const checkStatement = (sql: string): void => {
  const text = sql.trim();
  if (/^merge\b/i.test(text)) checkMerge(text);
  else if (/^delete\b/i.test(text)) checkDelete(text);
  else parseSnowflake(text);
};
