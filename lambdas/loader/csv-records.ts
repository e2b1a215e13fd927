/**
 * Reads the records of a CSV text in the project's dialect (lambdas/shared/csv.ts: RFC 4180,
 * `"`-quoted, `""` inside quotes, NULL as an empty unquoted field). A CRLF line end counts as LF,
 * as both warehouses read it.
 */

/** One record: its fields, `null` for an empty unquoted field. */
export interface CsvRecord {
  readonly fields: readonly (string | null)[];
}

/** The text is not CSV at a given line: the whole file is unreadable from there. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`line ${line}: ${detail}`);
    this.name = 'CsvSyntaxError';
  }
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

const withoutCr = (text: string): string => (text.charCodeAt(text.length - 1) === CR ? text.slice(0, -1) : text);

/** A record that starts with or contains a quote: read field by field. */
const quotedRecord = (text: string, start: number, line: number): { fields: (string | null)[]; end: number } => {
  const fields: (string | null)[] = [];
  let pos = start;
  for (;;) {
    if (text.charCodeAt(pos) === QUOTE) {
      let value = '';
      let chunk = pos + 1;
      for (;;) {
        const quote = text.indexOf('"', chunk);
        if (quote === -1) throw new CsvSyntaxError(line, 'a quoted field is never closed');
        value += text.slice(chunk, quote);
        if (text.charCodeAt(quote + 1) === QUOTE) {
          value += '"';
          chunk = quote + 2;
          continue;
        }
        pos = quote + 1;
        break;
      }
      fields.push(value);
      const next = text.charCodeAt(pos);
      if (next === COMMA) {
        pos += 1;
        continue;
      }
      if (Number.isNaN(next) || next === LF) return { fields, end: pos };
      if (next === CR && (pos + 1 === text.length || text.charCodeAt(pos + 1) === LF)) return { fields, end: pos + 1 };
      throw new CsvSyntaxError(line, 'text follows a closing quote');
    }
    let end = pos;
    while (end < text.length && text.charCodeAt(end) !== COMMA && text.charCodeAt(end) !== LF) end += 1;
    const raw = text.slice(pos, end);
    const value = text.charCodeAt(end) === COMMA ? raw : withoutCr(raw);
    if (value.includes('"')) throw new CsvSyntaxError(line, 'a quote inside an unquoted field');
    fields.push(value === '' ? null : value);
    if (text.charCodeAt(end) !== COMMA) return { fields, end };
    pos = end + 1;
  }
};

const linesIn = (text: string): number => {
  let lines = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines += 1;
  return lines;
};

/** The records after the first line (the header), in order; a final line end is optional. */
export function* csvRecordsAfterHeader(text: string): Generator<CsvRecord> {
  let pos = text.indexOf('\n');
  if (pos === -1) return;
  pos += 1;
  let line = 2;
  while (pos < text.length) {
    const lineEnd = text.indexOf('\n', pos);
    const simple = withoutCr(text.slice(pos, lineEnd === -1 ? text.length : lineEnd));
    if (!simple.includes('"')) {
      // Most lines: no quotes, so no field spans lines.
      yield { fields: simple.split(',').map((field) => (field === '' ? null : field)) };
      pos = lineEnd === -1 ? text.length : lineEnd + 1;
      line += 1;
      continue;
    }
    const { fields, end } = quotedRecord(text, pos, line);
    yield { fields };
    line += linesIn(text.slice(pos, end)) + 1;
    pos = end + 1;
  }
}
