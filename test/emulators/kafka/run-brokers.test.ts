/**
 * `streamflow run --brokers` against Apache Kafka, as a user runs it (child processes): the
 * events are produced once with `streamflow produce --brokers`, consumed separately through
 * consumer groups, and the warehouse they end in is compared with the embedded run's for the
 * same seed. A consumer killed mid-way (SIGKILL, no chance to clean up) and started again must
 * resume from its group's committed offsets and end with the same Gold.
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { endOffsets, groupPositions } from '../../../lambdas/local/kafka-offsets.js';
import { DuckDbWarehouse } from '../../../lambdas/shared/adapters/duckdb-warehouse.js';
import { tempFolder } from '../../support/files.js';
import { streamflowCli } from '../../support/pipeline-run.js';
import { REPO_ROOT, describeOnEmulator } from '../support/emulators.js';
import { startKafka, type RunningKafka } from '../support/kafka.js';

const EVENTS = '3000';
const SEED = '7';
const UNTIL = '2026-11-01T00:00:00Z';
/** `produce` and `run` default to different windows (a day of live traffic vs. a 13-month backfill): name one. */
const DAYS = '30';
const TOPICS = ['user_events', 'transactions'];

/**
 * Columns stamped with the wall clock of the run that wrote them (two embedded runs of one seed
 * differ there too); every other Gold value must be equal.
 */
const RUN_TIME_COLUMNS = new Set(['updated_at', 'trained_at', 'checked_at', 'run_id']);

/** A broker start, an embedded run and a produce; then each test runs the CLI once or twice. */
const SETUP_MS = 240_000;
const RUN_MS = 240_000;

let kafka: RunningKafka;
let root: Awaited<ReturnType<typeof tempFolder>>;
let embedded: { gold: Map<string, string[]>; tables: Record<string, number>; seconds: number };

interface RunSummary {
  readonly ingest: { readonly produced: Record<string, number>; readonly esm: { readonly records: number }; readonly timings: { readonly deliverMs: number } };
  readonly ledger: { readonly lost: number; readonly tables: Record<string, number> };
}

/** Every Gold base table's rows (run-time columns left out), each row as JSON, sorted. */
const goldOf = async (outDir: string): Promise<Map<string, string[]>> => {
  const warehouse = await DuckDbWarehouse.open(join(outDir, 'warehouse.duckdb'));
  try {
    const tables = await warehouse.query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = 'gold' and table_type = 'BASE TABLE' order by 1");
    const gold = new Map<string, string[]>();
    for (const { table_name: table } of tables) {
      const rows = await warehouse.query(`select * from gold.${table}`);
      const stable = rows.map((row) =>
        JSON.stringify(Object.entries(row).filter(([column]) => !RUN_TIME_COLUMNS.has(column)), (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value)),
      );
      gold.set(table, stable.sort());
    }
    return gold;
  } finally {
    await warehouse.close();
  }
};

/** Silver and Gold row counts from the run's ledger (Bronze may hold redelivered copies). */
/**
 * The one Gold value a redelivery legitimately changes: the warn check that counts ids delivered
 * more than once into Bronze. A consumer killed after writing a batch and before committing it
 * redelivers that batch, with other boundaries when the poll returns other records, so Bronze
 * then holds second copies (Silver keeps one).
 */
const REDELIVERY_CHECK = 'bronze_duplicate_deliveries';

/** Table by table, so a difference names its table instead of "Map{ …(11) }" with no visual difference. */
const expectSameGold = (actual: Map<string, string[]>, expected: Map<string, string[]>, { redelivered = false } = {}): void => {
  const comparable = (table: string, rows: string[] | undefined): string[] | undefined =>
    redelivered && table === 'dq_results' ? rows?.filter((row) => !row.includes(`"${REDELIVERY_CHECK}"`)) : rows;
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [table, rows] of expected) expect(comparable(table, actual.get(table)), `gold.${table}`).toEqual(comparable(table, rows));
};

/** The redelivery check's recorded count next to the ids Bronze really holds more than once. */
const redeliveryCounts = async (outDir: string): Promise<{ recorded: number; inBronze: number }> => {
  const warehouse = await DuckDbWarehouse.open(join(outDir, 'warehouse.duckdb'));
  try {
    const [recorded] = await warehouse.query<{ violations: number }>('select violations from gold.dq_results where check_name = ?', [REDELIVERY_CHECK]);
    const [inBronze] = await warehouse.query<{ ids: number }>(
      `select (select count(*) from (select event_id from bronze.raw_user_events group by 1 having count(*) > 1))
            + (select count(*) from (select transaction_id from bronze.raw_transactions group by 1 having count(*) > 1)) as ids`,
    );
    return { recorded: Number(recorded?.violations), inBronze: Number(inBronze?.ids) };
  } finally {
    await warehouse.close();
  }
};

const silverAndGoldCounts = (summary: RunSummary): Record<string, number> =>
  Object.fromEntries(Object.entries(summary.ledger.tables).filter(([table]) => table.startsWith('silver.') || table.startsWith('gold.')));

const runJson = async (...args: string[]): Promise<{ summary: RunSummary; seconds: number }> => {
  const started = performance.now();
  const result = await streamflowCli('run', ...args, '--json');
  expect(result.code, result.stderr).toBe(0);
  return { summary: JSON.parse(result.stdout) as RunSummary, seconds: (performance.now() - started) / 1000 };
};

const committedOffsets = async (groupId: string): Promise<{ committed: number; end: number }> => {
  const admin = kafka.client().admin();
  await admin.connect();
  try {
    const [positions, ends] = [await groupPositions(admin, groupId, TOPICS), await endOffsets(admin, TOPICS)];
    const sum = (offsets: Map<string, number>): number => [...offsets.values()].reduce((a, b) => a + b, 0);
    return { committed: sum(positions), end: sum(ends) };
  } finally {
    await admin.disconnect();
  }
};

beforeAll(async () => {
  root = await tempFolder('run-brokers');
  kafka = await startKafka();
  const dir = join(root.path, 'embedded');
  const { summary, seconds } = await runJson('--events', EVENTS, '--seed', SEED, '--until', UNTIL, '--days', DAYS, '--out', dir);
  embedded = { gold: await goldOf(dir), tables: silverAndGoldCounts(summary), seconds };
  const produced = await streamflowCli('produce', '--brokers', kafka.bootstrap, '--events', EVENTS, '--seed', SEED, '--until', UNTIL, '--days', DAYS);
  expect(produced.code, produced.stderr).toBe(0);
}, SETUP_MS);

afterAll(async () => {
  await kafka?.stop();
  await root?.remove();
});

describeOnEmulator('kafka', 'streamflow run --brokers against Apache Kafka', () => {
  it('consumes what produce published with the same Silver and Gold row counts and identical Gold as the embedded run', async () => {
    // Act
    const dir = join(root.path, 'broker');
    const { summary, seconds } = await runJson('--brokers', kafka.bootstrap, '--consume-only', '--group', 'uninterrupted', '--out', dir);

    // Assess
    expect(summary.ingest.esm.records).toBe(Number(EVENTS));
    expect(summary.ledger.lost).toBe(0);
    expect(silverAndGoldCounts(summary)).toEqual(embedded.tables);
    expectSameGold(await goldOf(dir), embedded.gold);
    expect(await committedOffsets('uninterrupted')).toEqual({ committed: Number(EVENTS), end: Number(EVENTS) });
    console.info(`${EVENTS} events: embedded run ${embedded.seconds.toFixed(1)} s; consume-only run on the broker ${seconds.toFixed(1)} s (delivery ${(summary.ingest.timings.deliverMs / 1000).toFixed(2)} s)`);
  }, RUN_MS);

  it('resumes a consumer killed mid-way from its committed offsets and ends with the same Gold: nothing lost, nothing doubled', async () => {
    // Prepare
    const dir = join(root.path, 'resumed');
    const args = ['run', '--brokers', kafka.bootstrap, '--consume-only', '--group', 'resumed', '--batch-size', '20', '--out', dir];

    // Act: kill the first consumer (SIGKILL) once it has written a few batches.
    const first = spawn(process.execPath, ['bin/streamflow.mjs', ...args], { cwd: REPO_ROOT, stdio: 'ignore' });
    const exited = new Promise<void>((done) => first.once('exit', () => done()));
    const landed = async (): Promise<number> => (await readdir(join(dir, 'landing'), { recursive: true }).catch(() => [])).filter((name) => name.endsWith('.ndjson.gz')).length;
    for (let waited = 0; (await landed()) < 10 && waited < 60_000 && first.exitCode === null; waited += 20) await new Promise((wait) => setTimeout(wait, 20));
    first.kill('SIGKILL');
    await exited;
    const afterKill = await committedOffsets('resumed');
    const { summary } = await runJson(...args.slice(1));

    // Assess
    expect(afterKill.committed).toBeGreaterThan(0);
    expect(afterKill.committed).toBeLessThan(Number(EVENTS));
    expect(summary.ingest.esm.records).toBe(Number(EVENTS) - afterKill.committed);
    expect(summary.ledger.lost).toBe(0);
    expect(silverAndGoldCounts(summary)).toEqual(embedded.tables);
    expectSameGold(await goldOf(dir), embedded.gold, { redelivered: true });
    const redelivery = await redeliveryCounts(dir);
    expect(redelivery.recorded).toBe(redelivery.inBronze);
    expect(await committedOffsets('resumed')).toEqual({ committed: Number(EVENTS), end: Number(EVENTS) });
  }, RUN_MS);

  it('produces and consumes in one run --brokers, delivering only what its group has not committed', async () => {
    // Act: the group "uninterrupted" already committed the first 3000; this run adds the same 3000 again.
    const dir = join(root.path, 'produce-and-consume');
    const { summary } = await runJson('--brokers', kafka.bootstrap, '--group', 'uninterrupted', '--events', EVENTS, '--seed', SEED, '--until', UNTIL, '--days', DAYS, '--out', dir);

    // Assess
    expect(summary.ingest.esm.records).toBe(Number(EVENTS));
    expect(silverAndGoldCounts(summary)).toEqual(embedded.tables);
    expectSameGold(await goldOf(dir), embedded.gold);
  }, RUN_MS);
});
