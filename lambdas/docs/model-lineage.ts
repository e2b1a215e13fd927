/**
 * What a model says about itself, read from its SQL: the header comment (grain first, then the
 * definition) and the tables it reads. Models name every table by schema (`gold.dim_date`) and
 * their CTEs never take a schema's name, so a schema-qualified name in the code is a table
 * reference; comments and string literals are removed first so text cannot pose as one.
 */

/** The models' header comment: `-- grain: ...` on the first line, then free text. */
export interface ModelHeader {
  readonly grain: string;
  /** The header's other comment lines, as written (their alignment is meaningful). */
  readonly description: string;
}

/** SQL without comments and with string literals emptied. */
export const codeOf = (sql: string): string => sql.replace(/--.*$/gm, '').replace(/'(?:[^']|'')*'/g, "''");

/**
 * Every `schema.table` the SQL reads, for the given schemas, sorted and unique. Snippets must be
 * rendered first (sql-files.ts `readModel`), since a snippet may read tables too.
 */
export const tableReferences = (sql: string, schemas: readonly string[]): string[] => {
  const pattern = new RegExp(`(?<![\\w.])(${schemas.join('|')})\\.([a-z_][a-z0-9_]*)\\b(?!\\s*\\()`, 'gi');
  const found = new Set<string>();
  for (const match of codeOf(sql).matchAll(pattern)) found.add(`${match[1]!.toLowerCase()}.${match[2]!.toLowerCase()}`);
  return [...found].sort();
};

/** Reads the leading `--` lines of a model file. */
export const modelHeader = (text: string): ModelHeader => {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('--')) break;
    lines.push(line.replace(/^--\s?/, ''));
  }
  const [first = '', ...rest] = lines;
  const grain = /^grain:\s*(.+)$/.exec(first)?.[1] ?? '';
  return { grain, description: rest.join('\n').trimEnd() };
};
