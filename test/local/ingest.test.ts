import '../support/quiet-powertools.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import type { ObjectStore, StoredObject } from '../../lambdas/shared/ports/object-store.js';
import { DEFAULT_ESM_SETTINGS, type EsmSettings } from '../../lambdas/local/esm-simulator.js';
import { ingest, publishReferenceData, type IngestSummary } from '../../lambdas/local/ingest.js';
import { readOnFailureRecord } from '../../lambdas/shared/onfailure-record.js';
import { generateEventStream } from '../../lambdas/producer/event-stream.js';
import { eventWindow } from '../../lambdas/producer/seasonality.js';
import { snapshotStore, tempFolder } from '../support/files.js';
import { countRunFiles, filesUnder, gunzipFile, linesOf } from '../support/run-files.js';

const WINDOW = eventWindow(new Date('2025-06-15T12:00:00Z'), 30);
const ESM: EsmSettings = { ...DEFAULT_ESM_SETTINGS, batchSize: 400 };

/** A store that fails the puts `shouldFail` picks (by call number and key) and passes the rest on. */
class FlakyStore implements ObjectStore {
  puts = 0;
  failures = 0;
  constructor(
    private readonly inner: ObjectStore,
    private readonly shouldFail: (put: number, key: string) => boolean,
  ) {}

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    this.puts++;
    if (this.shouldFail(this.puts, key)) {
      this.failures++;
      throw new Error(`injected failure on put ${this.puts} (${key})`);
    }
    await this.inner.put(key, body, contentType);
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }

  list(prefix: string): Promise<StoredObject[]> {
    return this.inner.list(prefix);
  }
}

let root: Awaited<ReturnType<typeof tempFolder>>;
let runs = 0;

/** Ingests the same dirty stream into a fresh folder, through `wrap`'s store if given. */
const run = async (
  wrap: (store: ObjectStore) => ObjectStore = (store) => store,
  esm: EsmSettings = ESM,
  events = 6_000,
): Promise<{ dir: string; store: FolderObjectStore; summary: IngestSummary; progress: number[] }> => {
  const dir = join(root.path, `run-${++runs}`);
  const store = new FolderObjectStore(dir);
  await publishReferenceData(store);
  const progress: number[] = [];
  const summary = await ingest({
    store: wrap(store),
    source: generateEventStream({ events, seed: 5, window: WINDOW, dirtyRate: 0.1 }),
    esm,
    partitions: 3,
    onProgress: (produced) => progress.push(produced),
  });
  return { dir, store, summary, progress };
};

beforeAll(async () => {
  root = await tempFolder('ingest');
});

afterAll(async () => {
  await root.remove();
});

describe('ingest', () => {
  let clean: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    clean = await run();
  });

  it('writes, for each topic, as many landing lines as gold rows plus quarantined lines (counted from the files)', async () => {
    // Prepare: the clean run of beforeAll

    // Act
    const files = await countRunFiles(clean.dir);

    // Assess
    expect(Object.keys(files).sort()).toEqual(['transactions', 'user_events']);
    for (const [topic, counts] of Object.entries(files)) {
      expect(counts.landing, topic).toBe(clean.summary.produced[topic]);
      expect(counts.gold + counts.quarantine, topic).toBe(counts.landing);
      expect(counts.quarantine, topic).toBeGreaterThan(0);
    }
    expect(files.user_events!.landing + files.transactions!.landing).toBe(6_000);
  });

  it('quarantines about the injected share of dirty records, each with a reason', async () => {
    // Prepare
    const paths = await filesUnder(clean.dir, 'quarantine');

    // Act
    const lines = (await Promise.all(paths.map((path) => gunzipFile(clean.dir, path)))).flatMap(linesOf);
    const reasons = lines.map((text) => (JSON.parse(text) as { reasons: { code: string; detail: string }[] }).reasons);

    // Assess
    expect(lines.length / 6_000).toBeGreaterThan(0.07);
    expect(lines.length / 6_000).toBeLessThan(0.12);
    expect(reasons.every((list) => list.length > 0 && list.every((reason) => reason.detail.length > 0))).toBe(true);
    const codes = new Set(reasons.map((list) => list[0]!.code));
    const everyKind = ['malformed_json', 'missing_field', 'invalid_type', 'invalid_value', 'unknown_user_id', 'ancient_timestamp', 'duplicate_in_batch'];
    expect([...codes].filter((code) => !everyKind.includes(code))).toEqual([]);
    // `invalid_value` comes only from an absurd transaction total: about one in 6,000 messages
    // (a sixth of the dirt, on the ~1 % that are transactions), so a third of the seeds have none.
    // Every other kind comes from user events, ~100 of each here.
    for (const code of everyKind.filter((code) => code !== 'invalid_value')) expect(codes, code).toContain(code);
  });

  it('reports what the files hold: produced, consumed and gold counts agree with them', async () => {
    // Prepare
    const files = await countRunFiles(clean.dir);

    // Act
    const { consumed, esm, failedBatches } = clean.summary;

    // Assess
    expect(consumed.in).toBe(6_000);
    expect(consumed.gold).toEqual({ user_events: files.user_events!.gold, transactions: files.transactions!.gold });
    expect(consumed.quarantined).toBe(files.user_events!.quarantine + files.transactions!.quarantine);
    expect(Object.values(consumed.reasons).reduce((a, b) => a + b, 0)).toBe(consumed.quarantined);
    expect(esm).toMatchObject({ records: 6_000, retries: 0, failedBatches: 0 });
    expect(esm.batches).toBe((await filesUnder(clean.dir, 'landing')).length);
    expect(failedBatches).toEqual([]);
    expect(await filesUnder(clean.dir, 'onfailure')).toEqual([]);
  });

  it('copies data/*.json to reference/, as the deployment does', async () => {
    // Prepare
    const committed = await readFile(new URL('../../data/products.json', import.meta.url));

    // Act
    const copied = await clean.store.get('reference/products.json');

    // Assess
    expect(Buffer.from(copied!).equals(committed)).toBe(true);
    expect(await clean.store.get('reference/customers.json')).toBeDefined();
  });

  it('retries a batch whose write failed and ends with files identical to a clean run', async () => {
    // Prepare: the 5th and 17th puts fail once each (the reference data is put before the wrapper)
    let flaky: FlakyStore | undefined;
    const wrap = (store: ObjectStore) => (flaky = new FlakyStore(store, (put) => put === 5 || put === 17));

    // Act
    const retried = await run(wrap);

    // Assess
    expect(flaky!.failures).toBe(2);
    expect(retried.summary.esm.retries).toBe(2);
    expect(retried.summary.failedBatches).toEqual([]);
    const [expected, actual] = await Promise.all([snapshotStore(clean.store), snapshotStore(retried.store)]);
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [key, body] of expected) expect(actual.get(key)!.equals(body), key).toBe(true);
  });

  it("sends a batch that exhausts its retries to the on-failure destination in Lambda's record format and reports it, delivering the other batches", async () => {
    // Prepare: every write of the transactions on partition 1 fails
    const wrap = (store: ObjectStore) => new FlakyStore(store, (_put, key) => /^(landing|gold|quarantine)\/transactions\/.*\/transactions\+1\+/.test(key));

    // Act
    const failed = await run(wrap, { ...ESM, maximumRetryAttempts: 1 });

    // Assess
    const { failedBatches, esm, consumed } = failed.summary;
    expect(failedBatches.length).toBeGreaterThan(0);
    expect(failedBatches.every((batch) => batch.topic === 'transactions' && batch.partition === 1 && batch.attempts === 2)).toBe(true);
    expect(esm.failedBatches).toBe(failedBatches.length);
    const lostRecords = failedBatches.reduce((sum, batch) => sum + batch.batchSize, 0);
    expect(consumed.in).toBe(6_000 - lostRecords);

    // Lambda's S3 on-failure layout: aws/lambda/<esm-uuid>/<partition>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>, no extension
    const onFailure = await filesUnder(failed.dir, 'aws/lambda');
    expect(onFailure).toHaveLength(failedBatches.length);
    for (const key of onFailure) expect(key).toMatch(/^aws\/lambda\/[0-9a-f-]{36}\/1\/\d{4}\/\d{2}\/\d{2}\/\d{4}-\d{2}-\d{2}T\d{2}\.\d{2}\.\d{2}-[0-9a-f-]{36}$/);
    const records = await Promise.all(onFailure.map(async (key) => readOnFailureRecord(key, await readFile(join(failed.dir, key)))));
    expect(records.map((record) => record.ranges[0]!.firstOffset).sort()).toEqual(failedBatches.map((batch) => BigInt(batch.firstOffset)).sort());
    for (const record of records) {
      expect(record.condition).toBe('RetryAttemptsExhausted');
      const range = record.ranges[0]!;
      expect(record.event?.records['transactions-1']).toHaveLength(Number(range.lastOffset - range.firstOffset) + 1);
    }

    const files = await countRunFiles(failed.dir);
    expect(files.user_events).toEqual((await countRunFiles(clean.dir)).user_events);
    expect((await filesUnder(failed.dir, 'landing/transactions')).some((path) => path.includes('transactions+1+'))).toBe(false);
  });

  it('cuts a long stream into the same batches on every run, whatever the machine speed', async () => {
    // Prepare: a first write slower than the 1 s batching window, as on a loaded machine.
    let puts = 0;
    const slowStore = (store: ObjectStore): ObjectStore => ({
      put: async (key, body, type) => {
        if (puts++ === 0) await new Promise((resolve) => setTimeout(resolve, DEFAULT_ESM_SETTINGS.batchingWindowMs + 200));
        await store.put(key, body, type);
      },
      get: (key) => store.get(key),
      list: (prefix) => store.list(prefix),
    });

    // Act
    const fast = await run(undefined, DEFAULT_ESM_SETTINGS, 30_000);
    const slow = await run(slowStore, DEFAULT_ESM_SETTINGS, 30_000);

    // Assess
    expect(await snapshotStore(slow.store)).toEqual(await snapshotStore(fast.store));
    expect(fast.summary.esm.batches).toBe(slow.summary.esm.batches);
  }, 120_000);

  it('delivers in rounds on a stream longer than one produce chunk, reporting progress', async () => {
    // Prepare / Act
    const long = await run(undefined, DEFAULT_ESM_SETTINGS, 21_000);

    // Assess
    expect(long.progress).toEqual([20_000, 21_000]);
    const files = await countRunFiles(long.dir);
    for (const counts of Object.values(files)) expect(counts.gold + counts.quarantine).toBe(counts.landing);
    expect(files.user_events!.landing + files.transactions!.landing).toBe(21_000);
  });
});
