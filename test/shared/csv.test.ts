import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Column, ColumnType } from '../../lambdas/shared/contracts/tables.js';
import { csvCell, csvHeader, csvRow, csvText } from '../../lambdas/shared/csv.js';
import { hazardousText } from '../support/arbitraries.js';
import { parseCsv } from '../support/csv-parser.js';

const RUNS = { numRuns: 400 };

/** Columns of one type that read a row (an array) by position. */
const columnsOf = (type: ColumnType, count: number): Column<readonly unknown[]>[] =>
  Array.from({ length: count }, (_, index) => ({ name: `c${index}`, type, nullable: true, read: (row) => row[index] }));

/** Parses one CSV line (without its line end) into its fields. */
const parseLine = (line: string): (string | null)[] => {
  const records = parseCsv(`${line}\n`);
  expect(records).toHaveLength(1);
  return records[0]!;
};

const nullableText = fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 4, arbitrary: hazardousText(0, 30) });

describe('csvRow', () => {
  it('round-trips text and nulls through an independent RFC 4180 parser', () => {
    fc.assert(
      fc.property(fc.array(nullableText, { minLength: 2, maxLength: 8 }), (row) => {
        // Prepare
        const columns = columnsOf('varchar', row.length);

        // Act
        const line = csvRow(columns, row);

        // Assess
        expect(parseLine(line)).toEqual(row);
      }),
      RUNS,
    );
  });

  it('round-trips a single non-null text column', () => {
    fc.assert(
      fc.property(hazardousText(0, 30), (text) => {
        // Act
        const line = csvRow(columnsOf('varchar', 1), [text]);

        // Assess
        expect(parseLine(line)).toEqual([text]);
      }),
      RUNS,
    );
  });

  it.each([
    ['a formula', '=SUM(A1:A9)'],
    ['a leading plus', '+1 555 0100'],
    ['a leading minus', '-42'],
    ['a leading at-sign', '@import'],
    ['quotes', 'say "cheese"'],
    ['only a quote', '"'],
    ['commas', 'a,b,,c'],
    ['a line feed', 'first\nsecond'],
    ['a carriage return', 'first\rsecond'],
    ['a CRLF', 'first\r\nsecond'],
    ['edge whitespace', '  padded\t'],
    ['unicode', 'caf\u00e9 \u4e2d\u6587 \ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67 \u05e2\u05d1\u05e8\u05d9\u05ea'],
    ['a lone NUL', '\u0000'],
  ])('keeps a value with %s intact', (_label, text) => {
    // Prepare
    const row = ['before', text, 'after'];

    // Act
    const line = csvRow(columnsOf('varchar', 3), row);

    // Assess
    expect(parseLine(line)).toEqual(row);
  });

  it('writes NULL as an empty unquoted field and the empty string as ""', () => {
    // Prepare
    const row = [null, '', 'x', undefined];

    // Act
    const line = csvRow(columnsOf('varchar', 4), row);

    // Assess
    expect(line).toBe(',"",x,');
    expect(parseLine(line)).toEqual([null, '', 'x', null]);
  });

  it('never puts a line break outside quotes, so every row is one CSV record', () => {
    fc.assert(
      fc.property(fc.array(fc.array(nullableText, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 10 }), (rows) => {
        // Prepare
        const columns = columnsOf('varchar', 3);

        // Act
        const text = `${csvHeader(columns)}\n${rows.map((row) => csvRow(columns, row)).join('\n')}\n`;

        // Assess
        expect(parseCsv(text)).toEqual([['c0', 'c1', 'c2'], ...rows]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('csvCell', () => {
  it('writes decimals as plain numbers with exactly two decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), (cents) => {
        // Act
        const cell = csvCell('decimal', cents / 100);

        // Assess: compared with cents formatted by integer arithmetic.
        expect(cell).toBe(`${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`);
      }),
      RUNS,
    );
  });

  it.each(['integer', 'bigint'] as const)('writes %s values as digits that read back to the same number', (type) => {
    fc.assert(
      fc.property(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (n) => {
        // Act
        const cell = csvCell(type, n);

        // Assess
        expect(cell).toMatch(/^-?\d+$/);
        expect(Number(cell)).toBe(n);
      }),
      RUNS,
    );
  });

  it('writes booleans as true and false', () => {
    // Act
    const cells = [csvCell('boolean', true), csvCell('boolean', false)];

    // Assess
    expect(cells).toEqual(['true', 'false']);
  });

  it('writes timestamps as UTC ISO-8601 with milliseconds, the same instant', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (date) => {
        // Act
        const cell = csvCell('timestamp', date);

        // Assess
        expect(cell).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        expect(Date.parse(cell)).toBe(date.getTime());
      }),
      RUNS,
    );
  });

  it('writes JSON values as one CSV field holding their JSON text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        // Prepare
        const columns = [...columnsOf('json', 1), ...columnsOf('varchar', 2).slice(1)];

        // Act
        const line = csvRow(columns, [value, 'tail']);

        // Assess
        const [field, tail] = parseLine(line);
        expect(tail).toBe('tail');
        expect(JSON.stringify(JSON.parse(field!))).toBe(JSON.stringify(value));
      }),
      RUNS,
    );
  });

  it('writes dates as they are', () => {
    // Act
    const cell = csvCell('date', '2025-06-30');

    // Assess
    expect(cell).toBe('2025-06-30');
  });

  it.each(['varchar', 'integer', 'bigint', 'decimal', 'timestamp', 'date', 'boolean', 'json'] as const)(
    'writes null and undefined %s values as NULL (an empty field)',
    (type) => {
      // Act
      const cells = [csvCell(type, null), csvCell(type, undefined)];

      // Assess
      expect(cells).toEqual(['', '']);
    },
  );
});

describe('csvText', () => {
  it('leaves plain text unquoted, so files stay readable', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_.:/=+@-][A-Za-z0-9 _.:/=+@-]*[A-Za-z0-9_.:/=+@-]$/), (text) => {
        // Act
        const cell = csvText(text);

        // Assess
        expect(cell).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});

describe('csvHeader', () => {
  it('lists the column names in order', () => {
    // Prepare
    const columns = columnsOf('varchar', 3);

    // Act
    const header = csvHeader(columns);

    // Assess
    expect(parseLine(header)).toEqual(['c0', 'c1', 'c2']);
  });
});
