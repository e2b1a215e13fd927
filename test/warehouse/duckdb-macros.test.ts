import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../lambdas/shared/adapters/duckdb-warehouse.js';
import type { WarehouseValue } from '../../lambdas/shared/ports/warehouse.js';
import { tempFolder } from '../support/files.js';

let folder: Awaited<ReturnType<typeof tempFolder>>;
let warehouse: DuckDbWarehouse;

beforeAll(async () => {
  folder = await tempFolder('macros');
  warehouse = await DuckDbWarehouse.open(`${folder.path}/warehouse.duckdb`);
});

afterAll(async () => {
  await warehouse.close();
  await folder.remove();
});

/** Each expression with the result Snowflake's documentation gives for it. */
const SNOWFLAKE_RESULTS: readonly (readonly [string, WarehouseValue])[] = [
  ["iff(1 < 2, 'yes', 'no')", 'yes'],
  ["iff(null, 'yes', 'no')", 'no'],
  ["nvl(null, 'fallback')", 'fallback'],
  ["nvl('value', 'fallback')", 'value'],
  ["nvl2(null, 'set', 'unset')", 'unset'],
  ['zeroifnull(null)', 0],
  ['nullifzero(0)', null],
  ['equal_null(null, null)', true],
  ['div0(10, 0)', 0],
  ['div0(10, 4)', 2.5],
  ['div0(null, 4)', null],
  ["try_to_timestamp('2025-03-01T10:00:00.000Z')", '2025-03-01T10:00:00.000Z'],
  ["try_to_timestamp('2025-03-01T12:00:00+02:00')", '2025-03-01T10:00:00.000Z'],
  ["try_to_timestamp('not a time')", null],
  ["try_to_date('2025-02-29')", null],
  ["try_to_date('2024-02-29')", '2024-02-29'],
  ["try_to_boolean('true')", true],
  ["cast(dateadd('day', 3, cast('2025-02-27' as date)) as date)", '2025-03-02'],
  ["dateadd('month', 1, cast('2025-01-31 08:00:00' as timestamp))", '2025-02-28T08:00:00.000Z'],
  ["dateadd('hour', -24, cast('2025-03-01 00:00:00' as timestamp))", '2025-02-28T00:00:00.000Z'],
  ["dateadd('week', 2, cast('2025-03-01 00:00:00' as timestamp))", '2025-03-15T00:00:00.000Z'],
  ["datediff('day', cast('2025-02-27' as date), cast('2025-03-02' as date))", 3],
  ["to_char(cast('2025-03-07' as date), 'YYYY-MM-DD')", '2025-03-07'],
  ["to_char(cast('2025-03-07' as date), 'MON')", 'Mar'],
  ["to_char(cast('2025-03-07' as date), 'DY')", 'Fri'],
  // Snowflake's TO_CHAR example: format elements are case-insensitive, names stay capitalised.
  ["to_char(cast('2013-04-05' as date), 'mon dd, yyyy')", 'Apr 05, 2013'],
  ["to_char(cast('2013-04-05' as date), 'MMMM')", 'April'],
  ["to_char(cast('2025-03-07 14:05:09' as timestamp), 'HH24:MI:SS')", '14:05:09'],
  ['to_char(42)', '42'],
  ["dayofweekiso(cast('2025-03-09' as date))", 7],
  ["weekiso(cast('2025-01-01' as date))", 1],
];

describe('Snowflake functions on DuckDB', () => {
  it.each(SNOWFLAKE_RESULTS)('%s = %j', async (expression, expected) => {
    // Act
    const [row] = await warehouse.query<{ value: WarehouseValue }>(`select ${expression} as value`);

    // Assess
    expect(row?.value).toEqual(expected);
  });

  it('rejects a date part it does not know instead of guessing', async () => {
    await expect(warehouse.query("select dateadd('fortnight', 1, current_timestamp) as value")).rejects.toThrow(/unsupported date part/);
  });

  it('creates the macros on every connection, including a transaction of its own', async () => {
    // Act
    const value = await warehouse.transaction((session) => session.query<{ value: number }>('select div0(1, 0) as value'));

    // Assess
    expect(value).toEqual([{ value: 0 }]);
  });
});
