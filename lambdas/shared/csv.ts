/**
 * The one CSV writer (RFC 4180): comma-separated, `"`-quoted when needed, `\n` line ends.
 * NULL is an empty unquoted field and the empty string is `""`, so a warehouse reading with
 * `EMPTY_FIELD_AS_NULL` keeps the two apart.
 */
import type { Column, ColumnType } from './contracts/tables.js';

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** Quotes a text value when it contains a delimiter, quote, line break or edge whitespace. */
export const csvText = (text: string): string =>
  text === '' ? '""' : NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;

/** Formats one value for a column of the given logical type. */
export const csvCell = (type: ColumnType, value: unknown): string => {
  if (value === null || value === undefined) return '';
  switch (type) {
    case 'decimal':
      return (value as number).toFixed(2);
    case 'integer':
    case 'bigint':
      return (value as number).toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'timestamp':
      return (value as Date).toISOString();
    case 'json':
      return csvText(JSON.stringify(value));
    case 'date':
    case 'varchar':
      return csvText(value as string);
  }
};

/** The header line for a table. */
export const csvHeader = <T>(columns: readonly Column<T>[]): string => columns.map((c) => c.name).join(',');

/** One data line for a row, columns in table order. */
export const csvRow = <T>(columns: readonly Column<T>[], row: T): string => {
  let line = '';
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    if (i > 0) line += ',';
    line += csvCell(column.type, column.read(row));
  }
  return line;
};
