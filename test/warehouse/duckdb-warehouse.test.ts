import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CATALOG, DuckDbWarehouse } from '../../lambdas/shared/adapters/duckdb-warehouse.js';
import { WarehouseConflictError, type FileColumn, type LoadRequest } from '../../lambdas/shared/ports/warehouse.js';
import { tempFolder } from '../support/files.js';

let folder: Awaited<ReturnType<typeof tempFolder>>;
let warehouse: DuckDbWarehouse;

beforeEach(async () => {
  folder = await tempFolder('duckdb');
  warehouse = await DuckDbWarehouse.open(`${folder.path}/warehouse.duckdb`);
  await warehouse.execute(
    'create table bronze.samples (id integer, label varchar, seen_at timestamp, amount decimal(12,2), _source_file varchar, _source_row_number bigint, _loaded_at timestamp)',
  );
});

afterEach(async () => {
  await warehouse.close();
  await folder.remove();
});

const COLUMNS: FileColumn[] = [
  { name: 'id', type: 'integer' },
  { name: 'label', type: 'varchar' },
  { name: 'seen_at', type: 'timestamp' },
  { name: 'amount', type: 'decimal' },
];

const loadOf = (csv: string): LoadRequest => ({
  table: { schema: 'bronze', name: 'samples' },
  columns: COLUMNS,
  source: { fileName: 'samples.csv.gz', bytes: gzipSync(csv) },
  sourceFile: 'gold/samples/dt=2025-03-01/samples+0+0-2.csv.gz',
});

describe('DuckDbWarehouse', () => {
  it('attaches the file as catalog streamflow_dw with the bronze, silver and gold schemas', async () => {
    // Act
    const [database] = await warehouse.query<{ name: string }>('select current_database() as name');
    const schemas = await warehouse.query<{ schema_name: string }>(
      `select schema_name from information_schema.schemata where catalog_name = '${CATALOG}' order by 1`,
    );

    // Assess
    expect(database?.name).toBe('streamflow_dw');
    expect(schemas.map((row) => row.schema_name)).toEqual(expect.arrayContaining(['bronze', 'silver', 'gold']));
  });

  it('spills into a folder of its own per open warehouse, removed when it closes (two runs once removed each other\'s spill files)', async () => {
    // Prepare: a second warehouse file, as another run beside this one would open
    const other = await DuckDbWarehouse.open(`${folder.path}/other.duckdb`);
    const spillOf = async (of: DuckDbWarehouse) => (await of.query<{ dir: string }>("select current_setting('temp_directory') as dir"))[0]!.dir;
    const [mine, theirs] = [await spillOf(warehouse), await spillOf(other)];

    // Act
    await other.close();

    // Assess
    expect(mine).not.toBe(theirs);
    expect(existsSync(mine)).toBe(true);
    expect(existsSync(theirs)).toBe(false);
  });

  it('loads a gzipped CSV like COPY INTO: counts, NULL versus empty string, UTC timestamps, row numbers', async () => {
    // Act
    const result = await warehouse.load(loadOf('id,label,seen_at,amount\n1,"a, b",2025-03-01T10:00:00.000Z,19.99\n2,"",,\n3,,2025-03-01T12:00:00.000+02:00,0.50\n'));

    // Assess
    expect(result).toEqual({ rowsParsed: 3, rowsLoaded: 3, errorsSeen: 0 });
    const rows = await warehouse.query('select id, label, seen_at, amount, _source_file, _source_row_number from bronze.samples order by id');
    expect(rows).toEqual([
      { id: 1, label: 'a, b', seen_at: '2025-03-01T10:00:00.000Z', amount: 19.99, _source_file: 'gold/samples/dt=2025-03-01/samples+0+0-2.csv.gz', _source_row_number: 1 },
      { id: 2, label: '', seen_at: null, amount: null, _source_file: 'gold/samples/dt=2025-03-01/samples+0+0-2.csv.gz', _source_row_number: 2 },
      { id: 3, label: null, seen_at: '2025-03-01T10:00:00.000Z', amount: 0.5, _source_file: 'gold/samples/dt=2025-03-01/samples+0+0-2.csv.gz', _source_row_number: 3 },
    ]);
    const [stamped] = await warehouse.query<{ n: number }>('select count(*) as n from bronze.samples where _loaded_at is not null');
    expect(stamped?.n).toBe(3);
  });

  it('numbers the rows of each file from 1 in a load of several files, from the rows the loader counted or without them', async () => {
    // Prepare: three files of different lengths in one load, once with the loader's counts and once without
    const csvOf = (ids: number[]) => `id,label,seen_at,amount\n${ids.map((id) => `${id},x,,1.00`).join('\n')}\n`;
    const lengths = [3, 1, 2];
    const filesOf = (prefix: string, counted: boolean) =>
      lengths.map((length, file) => ({
        source: { fileName: `samples+0+${file}.csv.gz`, bytes: gzipSync(csvOf(Array.from({ length }, (_, row) => file * 10 + row))) },
        sourceFile: `${prefix}/samples+0+${file}.csv.gz`,
        ...(counted ? { rows: length } : {}),
      }));
    const numbered = async (prefix: string) =>
      warehouse.query(`select _source_file, string_agg(cast(_source_row_number as varchar), ',' order by id) as numbers from bronze.samples where _source_file like '${prefix}/%' group by 1 order by 1`);

    // Act
    for (const [prefix, counted] of [['counted', true], ['uncounted', false]] as const) {
      const staged = await warehouse.stage({ table: { schema: 'bronze', name: 'samples' }, columns: COLUMNS, files: filesOf(prefix, counted) });
      try {
        await warehouse.loadStaged(staged);
      } finally {
        await warehouse.unstage(staged);
      }
    }

    // Assess
    const expected = (prefix: string) => lengths.map((length, file) => ({ _source_file: `${prefix}/samples+0+${file}.csv.gz`, numbers: Array.from({ length }, (_, row) => row + 1).join(',') }));
    expect(await numbered('counted')).toEqual(expected('counted'));
    expect(await numbered('uncounted')).toEqual(expected('uncounted'));
  });

  it('loads a row of several megabytes (a huge Kafka key or quarantined value), as Snowflake would', async () => {
    // Prepare: past DuckDB's default 2 MB line limit, within Snowflake's 16 MB VARCHAR
    const big = 'k'.repeat(5_000_000);

    // Act
    const result = await warehouse.load(loadOf(`id,label,seen_at,amount\n1,${big},,1.00\n2,small,,2.00\n`));

    // Assess
    expect(result).toEqual({ rowsParsed: 2, rowsLoaded: 2, errorsSeen: 0 });
    expect(await warehouse.query('select id, length(label) as n from bronze.samples order by id')).toEqual([
      { id: 1, n: 5_000_000 },
      { id: 2, n: 5 },
    ]);
  });

  it('reports why a load failed inside a transaction, not that the failure aborted the transaction', async () => {
    // Prepare: a value the table cannot hold fails the whole statement (not a rejected row)
    await warehouse.execute('create table bronze.tiny (id tinyint, label varchar, seen_at timestamp, amount decimal(12,2), _source_file varchar, _source_row_number bigint, _loaded_at timestamp)');
    const csv = 'id,label,seen_at,amount\n100000,x,,1.00\n';
    const staged = await warehouse.stage({
      table: { schema: 'bronze', name: 'tiny' },
      columns: COLUMNS,
      files: [{ source: { fileName: 'tiny.csv.gz', bytes: gzipSync(csv) }, sourceFile: 'gold/tiny/tiny.csv.gz' }],
    });

    // Act
    const load = warehouse.transaction((session) => session.loadStaged(staged));

    // Assess
    try {
      await expect(load).rejects.toThrow(/out of range|Conversion/i);
    } finally {
      await warehouse.unstage(staged);
    }
  });

  it('counts rows it cannot read as errors, with the first error, and does not load them', async () => {
    // Act
    const result = await warehouse.load(loadOf('id,label,seen_at,amount\n1,x,,1.00\nnot-a-number,y,,2.00\n'));

    // Assess
    expect(result).toMatchObject({ rowsParsed: 2, rowsLoaded: 1, errorsSeen: 1 });
    expect(result.firstError).toMatch(/not-a-number/);
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    // Act
    await warehouse.transaction((session) => session.execute("insert into bronze.samples (id, label) values (1, 'kept')"));
    await expect(
      warehouse.transaction(async (session) => {
        await session.execute("insert into bronze.samples (id, label) values (2, 'dropped')");
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');

    // Assess
    expect(await warehouse.query('select id, label from bronze.samples')).toEqual([{ id: 1, label: 'kept' }]);
  });

  it('rejects the later of two concurrent transactions claiming the same key with WarehouseConflictError', async () => {
    // Prepare
    await warehouse.execute('create table bronze.claims (file_key varchar primary key)');
    let release!: () => void;
    const bothClaimed = new Promise<void>((resolve) => (release = resolve));
    let claimed = 0;
    const claim = () =>
      warehouse.transaction(async (session) => {
        await session.execute(
          "merge into bronze.claims as c using (select 'k' as file_key) as s on c.file_key = s.file_key when not matched then insert (file_key) values (s.file_key)",
        );
        if (++claimed === 2) release();
        await bothClaimed;
      });

    // Act
    const outcomes = await Promise.allSettled([claim(), claim()]);

    // Assess
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.find((outcome) => outcome.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(WarehouseConflictError);
    expect(await warehouse.query('select file_key from bronze.claims')).toEqual([{ file_key: 'k' }]);
  });

  it('shares one database between warehouses opened on the same file in one process', async () => {
    // Prepare
    const second = await DuckDbWarehouse.open(`${folder.path}/warehouse.duckdb`);

    // Act
    await second.execute("insert into bronze.samples (id, label) values (7, 'from second')");
    await second.close();

    // Assess
    expect(await warehouse.query('select label from bronze.samples')).toEqual([{ label: 'from second' }]);
  });
});
