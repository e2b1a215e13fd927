/**
 * Reads the SQL under `sql/`: models (`sql/models/<layer>/<table>.sql`), data quality checks
 * (`sql/checks/<name>.sql`) and the per-dialect snippets they name as `{{ snippet_name }}`
 * (`sql/snippets/<snippet_name>.<dialect>.sql`), the one place where the dialects differ.
 */
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { SqlDialect } from '../shared/ports/warehouse.js';

/** The repository's `sql/` folder (read at run time by the local twin and by deploy tooling). */
export const SQL_DIR = fileURLToPath(new URL('../../sql/', import.meta.url));

const SNIPPET = /\{\{\s*([a-z0-9_]+)\s*\}\}/g;

/** Replaces each `{{ name }}` with the dialect's snippet; trailing semicolons are dropped so the SQL nests. */
export const renderSnippets = async (sql: string, dialect: SqlDialect, sqlDir = SQL_DIR): Promise<string> => {
  const names = [...new Set([...sql.matchAll(SNIPPET)].map((match) => match[1]!))];
  const snippets = new Map<string, string>();
  for (const name of names) {
    const path = join(sqlDir, 'snippets', `${name}.${dialect}.sql`);
    try {
      snippets.set(name, (await readFile(path, 'utf8')).trim().replace(/;$/, ''));
    } catch (error) {
      throw new Error(`SQL snippet {{ ${name} }} has no ${dialect} version: expected ${path}`, { cause: error });
    }
  }
  return sql.replace(SNIPPET, (_, name: string) => snippets.get(name)!).trim().replace(/;$/, '');
};

/** The SELECT of a model (`silver/stg_user_events`) in a dialect. */
export const readModel = async (model: string, dialect: SqlDialect, sqlDir = SQL_DIR): Promise<string> =>
  renderSnippets(await readFile(join(sqlDir, 'models', `${model}.sql`), 'utf8'), dialect, sqlDir);

/** Every model as `<layer>/<table>`, sorted. */
export const listModels = async (sqlDir = SQL_DIR): Promise<string[]> => {
  const models: string[] = [];
  for (const layer of await readdir(join(sqlDir, 'models'))) {
    for (const file of await readdir(join(sqlDir, 'models', layer))) {
      if (file.endsWith('.sql')) models.push(`${layer}/${file.slice(0, -'.sql'.length)}`);
    }
  }
  return models.sort();
};
