/**
 * A small, independent RFC 4180 reader for checking what the CSV writer produces. It keeps the
 * distinction the writer promises: an unquoted empty field is `null`, a quoted one (`""`) is `''`.
 */
export type CsvField = string | null;

/** Parses CSV text into records of fields. Accepts `\n` and `\r\n` line ends; throws on bad quoting. */
export const parseCsv = (text: string): CsvField[][] => {
  const records: CsvField[][] = [];
  let record: CsvField[] = [];
  let i = 0;

  const readField = (): CsvField => {
    if (text[i] !== '"') {
      const start = i;
      while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
        if (text[i] === '"') throw new Error(`quote inside an unquoted field at ${i}`);
        i++;
      }
      return i === start ? null : text.slice(start, i);
    }
    i++; // opening quote
    let value = '';
    for (;;) {
      if (i >= text.length) throw new Error('unterminated quoted field');
      const char = text[i]!;
      if (char === '"') {
        if (text[i + 1] === '"') {
          value += '"';
          i += 2;
          continue;
        }
        i++; // closing quote
        return value;
      }
      value += char;
      i++;
    }
  };

  while (i < text.length) {
    record.push(readField());
    const next = text[i];
    if (next === ',') {
      i++;
      // A trailing comma at the very end still ends an (empty) field.
      if (i === text.length) record.push(null);
      continue;
    }
    if (next === '\r' && text[i + 1] === '\n') i += 2;
    else if (next === '\n') i++;
    else if (next !== undefined) throw new Error(`unexpected ${JSON.stringify(next)} after a field at ${i}`);
    records.push(record);
    record = [];
  }
  if (record.length > 0) records.push(record);
  return records;
};

/** Parses a CSV file with a header line into objects keyed by column name. */
export const parseCsvTable = (text: string): { header: string[]; rows: Record<string, CsvField>[] } => {
  const [header, ...records] = parseCsv(text);
  if (!header) throw new Error('no header line');
  const names = header.map((name) => {
    if (name === null) throw new Error('empty column name');
    return name;
  });
  const rows = records.map((fields) => {
    if (fields.length !== names.length) throw new Error(`expected ${names.length} fields, got ${fields.length}`);
    return Object.fromEntries(names.map((name, index) => [name, fields[index]!]));
  });
  return { header: names, rows };
};
