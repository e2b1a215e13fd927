/**
 * The twin divides as Snowflake does. Snowflake keeps a fixed-point quotient at scale
 * max(S1, min(S1 + 6, 12)) and rounds half away from zero ("Scale and precision in arithmetic
 * operations", https://docs.snowflake.com/en/sql-reference/operators-arithmetic); DuckDB divides
 * DECIMALs as DOUBLEs. The DuckDB `div0` macro (duckdb-snowflake-macros.ts) is checked here
 * against that rule written independently in BigInt, over random cents (fast-check), on the
 * expressions the models use.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../lambdas/shared/adapters/duckdb-warehouse.js';
import { SQL_DIR } from '../../lambdas/warehouse/sql-files.js';
import { tempFolder } from '../support/files.js';

let folder: Awaited<ReturnType<typeof tempFolder>>;
let warehouse: DuckDbWarehouse;

beforeAll(async () => {
  folder = await tempFolder('decimal-division');
  warehouse = await DuckDbWarehouse.open(`${folder.path}/warehouse.duckdb`);
});

afterAll(async () => {
  await warehouse.close();
  await folder.remove();
});

/** n / d rounded half away from zero, in integers. */
const roundHalfAway = (n: bigint, d: bigint): bigint => {
  const negative = n < 0n !== d < 0n;
  const [a, b] = [n < 0n ? -n : n, d < 0n ? -d : d];
  const rounded = (a * 2n + b) / (b * 2n);
  return negative ? -rounded : rounded;
};

/**
 * Snowflake's `round(discount * div0(line_amount, subtotal), 2)` on NUMBER(12,2) columns, in
 * cents: the quotient of two scale-2 numbers has scale max(2, min(8, 12)) = 8; the product with
 * a scale-2 number has scale 10 (exact); ROUND to 2 rounds half away from zero.
 */
const snowflakeShareCents = (amountCents: bigint, lineCents: bigint, subtotalCents: bigint): bigint => {
  if (subtotalCents === 0n) return 0n;
  const quotientScale8 = roundHalfAway(lineCents * 10n ** 8n, subtotalCents);
  return roundHalfAway(amountCents * quotientScale8, 10n ** 8n);
};

const dollars = (cents: bigint): string => {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
};

/** The share expression exactly as fact_transactions.sql writes it. */
const DISCOUNT_SHARE = 'round(transactions.discount * div0(items.line_amount, transactions.subtotal), 2)';

interface Line {
  readonly amount: bigint;
  readonly line: bigint;
  readonly subtotal: bigint;
}

/** The twin's share for each line, evaluated by DuckDB on NUMBER(12,2) columns. */
const twinShares = async (lines: readonly Line[]): Promise<string[]> => {
  const values = lines
    .map((line, index) => `(${index}, cast('${dollars(line.amount)}' as decimal(12, 2)), cast('${dollars(line.line)}' as decimal(12, 2)), cast('${dollars(line.subtotal)}' as decimal(12, 2)))`)
    .join(',\n');
  const rows = await warehouse.query<{ share: string }>(
    `with input (id, discount, line_amount, subtotal) as (values ${values}),
     transactions as (select id, discount, subtotal from input),
     items as (select id, line_amount from input)
     select cast(${DISCOUNT_SHARE} as varchar) as share
     from items join transactions using (id)
     order by id`,
  );
  return rows.map((row) => row.share);
};

/** A line of a transaction in cents: 0 < line <= subtotal, 0 <= amount <= subtotal. */
const lineArbitrary = fc
  .bigInt({ min: 1n, max: 500_000n })
  .chain((subtotal) => fc.record({ subtotal: fc.constant(subtotal), line: fc.bigInt({ min: 1n, max: subtotal }), amount: fc.bigInt({ min: 0n, max: subtotal }) }));

describe('decimal division on the twin, against Snowflake\'s rule', () => {
  it('fact_transactions allocates discount and tax with the expression checked here', async () => {
    const model = await readFile(join(SQL_DIR, 'models', 'gold', 'fact_transactions.sql'), 'utf8');
    expect(model).toContain(DISCOUNT_SHARE);
    expect(model).toContain(DISCOUNT_SHARE.replace('transactions.discount', 'transactions.tax'));
  });

  it('gives the cent Snowflake gives where a DOUBLE quotient would not (discount 0.81, line 3.74, subtotal 3.96)', async () => {
    // 3.74 / 3.96 = 0.94444444 at scale 8; x 0.81 = 0.7649999996 -> 0.76 (the exact value, 0.765, rounds to 0.77)
    expect(snowflakeShareCents(81n, 374n, 396n)).toBe(76n);
    expect(await twinShares([{ amount: 81n, line: 374n, subtotal: 396n }])).toEqual(['0.76']);
  });

  it('matches Snowflake\'s quotient scale and rounding for random cents', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(lineArbitrary, { minLength: 250, maxLength: 250 }), async (lines) => {
        expect(await twinShares(lines)).toEqual(lines.map((line) => dollars(snowflakeShareCents(line.amount, line.line, line.subtotal))));
      }),
      { numRuns: 40, seed: 12_4 },
    );
  });

  it('keeps the quotient at scale max(S1, min(S1 + 6, 12)), 0 for a zero divisor and NULL for a NULL one', async () => {
    const [row] = await warehouse.query<Record<string, string | null>>(
      `select
         cast(div0(2, 3) as varchar) as integers,
         cast(div0(cast(1 as decimal(12, 2)), cast(3 as decimal(12, 2))) as varchar) as scale_2,
         cast(div0(cast(1 as decimal(20, 8)), 3) as varchar) as scale_8,
         cast(div0(cast(-2 as decimal(12, 2)), cast(3 as decimal(12, 2))) as varchar) as negative,
         cast(div0(cast(1 as decimal(12, 2)), 0) as varchar) as zero_divisor,
         cast(div0(1, nullif(0, 0)) as varchar) as null_divisor`,
    );
    // Snowflake: 2/3 = 0.666667 (scale 6); 1.00/3.00 = 0.33333333 (scale 8); scale 8 + 6 is capped at 12.
    expect(row).toEqual({
      integers: '0.666667000000',
      scale_2: '0.333333330000',
      scale_8: '0.333333333333',
      negative: '-0.666666670000',
      zero_divisor: '0.000000000000',
      null_divisor: null,
    });
  });
});
