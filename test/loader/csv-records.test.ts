/** The loader's CSV reader against the project's CSV writer: what one writes, the other reads back field for field. */
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, csvRecordsAfterHeader } from '../../lambdas/loader/csv-records.js';
import { csvText } from '../../lambdas/shared/csv.js';

const fieldsOf = (text: string) => [...csvRecordsAfterHeader(text)].map((record) => record.fields);

describe('csvRecordsAfterHeader', () => {
  it('reads back what the CSV writer quotes: commas, quotes, line breaks, edge spaces; NULL apart from the empty string', () => {
    // Prepare
    const values = ['a, b', 'say "hi"', 'two\nlines', ' edge ', ''];
    const text = `h1,h2,h3,h4,h5,h6\n${values.map(csvText).join(',')},\nplain,x,y,z,w,v\n`;

    // Act + Assess
    expect(fieldsOf(text)).toEqual([
      [...values, null],
      ['plain', 'x', 'y', 'z', 'w', 'v'],
    ]);
  });

  it('reads CRLF line ends as LF and a missing final line end as the end of the last record', () => {
    expect(fieldsOf('h\r\n1,"q"\r\n2,x')).toEqual([
      ['1', 'q'],
      ['2', 'x'],
    ]);
  });

  it('rejects text that is not CSV, naming the line', () => {
    expect(() => fieldsOf('h\n1,"open\n2,x\n')).toThrow(new CsvSyntaxError(2, 'a quoted field is never closed'));
    expect(() => fieldsOf('h\n1,2\n"a"b,c\n')).toThrow(/line 3: text follows a closing quote/);
    expect(() => fieldsOf('h\n1,a"b\n')).toThrow(/line 2: a quote inside an unquoted field/);
  });
});
