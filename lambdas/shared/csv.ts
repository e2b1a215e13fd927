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

/** Milliseconds of 10000-01-01T00:00:00Z: below it (and from 1970 on) the fast path below applies. */
const FAST_ISO_END_MS = 253_402_300_800_000;
const DAY_MS = 86_400_000;
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
/*
 * The time of day from three ready pieces (`HH:MM:`, `SS.`, `mmmZ`): building it digit by digit
 * made a dozen short strings per timestamp (concatenations under 13 characters are copies), and
 * every gold row writes two timestamps.
 */
const HOURS_MINUTES = Array.from({ length: 24 * 60 }, (_, n) => `${TWO_DIGITS[Math.floor(n / 60)]!}:${TWO_DIGITS[n % 60]!}:`);
const SECONDS = TWO_DIGITS.slice(0, 60).map((seconds) => `${seconds}.`);
const MILLISECONDS_Z = Array.from({ length: 1000 }, (_, n) => `${String(n).padStart(3, '0')}Z`);

/**
 * `YYYY-MM-DDT` of recent day numbers, in the slot of the day number modulo the size: a batch's
 * times fall on a few days, so the civil date is worked out once per day, not per timestamp.
 */
const DAY_SLOTS = 64;
const slotDays = new Float64Array(DAY_SLOTS).fill(-1);
const slotPrefixes: string[] = Array.from({ length: DAY_SLOTS }, () => '');

/** `YYYY-MM-DDT` of a day number from 1970 on: Howard Hinnant's days-to-civil. */
const datePrefix = (days: number): string => {
  const slot = days % DAY_SLOTS;
  if (slotDays[slot] === days) return slotPrefixes[slot]!;
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const prefix = `${year}-${TWO_DIGITS[month]!}-${TWO_DIGITS[day]!}T`;
  slotDays[slot] = days;
  slotPrefixes[slot] = prefix;
  return prefix;
};

/**
 * `new Date(ms).toISOString()`, several times faster for whole milliseconds from 1970 to 9999 (every
 * gold row writes two): the civil date of the day number, then the time of day from ready pieces.
 * Other instants, and those that are not times, go through Date itself.
 */
export const isoTimestamp = (ms: number): string => {
  if (!(Number.isInteger(ms) && ms >= 0 && ms < FAST_ISO_END_MS)) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY_MS);
  const inDay = ms - days * DAY_MS;
  const seconds = Math.floor(inDay / 1000);
  return datePrefix(days) + HOURS_MINUTES[Math.floor(seconds / 60)]! + SECONDS[seconds % 60]! + MILLISECONDS_Z[inDay - seconds * 1000]!;
};

/** Formats one value for a column of the given logical type. */
export const csvCell = (type: ColumnType, value: unknown): string => {
  if (value === null || value === undefined) return '';
  switch (type) {
    case 'decimal':
      return (value as number).toFixed(2);
    case 'integer':
    case 'bigint':
    case 'double':
      return (value as number).toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'timestamp':
      return isoTimestamp((value as Date).getTime());
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
