import '../support/quiet-powertools.js';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { packBatch, unpackBatch } from '../../lambdas/local/batch-transfer.js';
import { DeliveryWorkers } from '../../lambdas/local/delivery-workers.js';
import { DEFAULT_ESM_SETTINGS, type EsmSettings } from '../../lambdas/local/esm-simulator.js';
import { WORKER_DEATHS_IN_A_ROW } from '../../lambdas/local/worker-deaths.js';
import { ingest, publishReferenceData, type IngestSummary } from '../../lambdas/local/ingest.js';
import type { LoggedMessage } from '../../lambdas/local/topic-log.js';
import { generateEventStream } from '../../lambdas/producer/event-stream.js';
import { eventWindow } from '../../lambdas/producer/seasonality.js';
import { snapshotStore, tempFolder } from '../support/files.js';
import { loggedMessageSpecArb } from '../support/arbitraries.js';

const WINDOW = eventWindow(new Date('2025-06-15T12:00:00Z'), 30);
const ESM: EsmSettings = { ...DEFAULT_ESM_SETTINGS, batchSize: 400 };

let root: Awaited<ReturnType<typeof tempFolder>>;
let runs = 0;

/** Ingests one seeded dirty stream into a fresh folder, with `workers` delivery workers (0: on this thread). */
const run = async (workers: number, prepare: (dir: string) => Promise<void> = () => Promise.resolve()): Promise<{ store: FolderObjectStore; summary: IngestSummary }> => {
  const dir = join(root.path, `run-${++runs}`);
  const store = new FolderObjectStore(dir);
  await publishReferenceData(store);
  await prepare(dir);
  const summary = await ingest({
    store,
    source: generateEventStream({ events: 12_000, seed: 11, window: WINDOW, dirtyRate: 0.1 }),
    esm: ESM,
    partitions: 3,
    produceChunk: 2_500,
    deliveryWorkers: workers,
  });
  return { store, summary };
};

/** sha256 of every object in the bucket, by key. */
const digests = async (store: FolderObjectStore, prefix = ''): Promise<Record<string, string>> =>
  Object.fromEntries([...(await snapshotStore(store, prefix))].map(([key, body]) => [key, createHash('sha256').update(body).digest('hex')]));

beforeAll(async () => {
  root = await tempFolder('delivery-workers');
});

afterAll(async () => {
  await root.remove();
});

describe('packBatch / unpackBatch', () => {
  it('hands a worker the same messages it was given, keys, tombstones and headers included', () => {
    // Prepare
    fc.assert(
      fc.property(fc.array(loggedMessageSpecArb, { maxLength: 30 }), fc.integer({ min: 0, max: 2 ** 40 }), (specs, base) => {
        const batch: LoggedMessage[] = specs.map((spec, i) => ({
          topic: 'user_events',
          partition: 2,
          offset: base + i,
          appendedAt: 1_700_000_000_000 + i,
          key: spec.key,
          value: spec.value,
          timestamp: spec.timestamp,
          ...(spec.headers === undefined ? {} : { headers: spec.headers }),
        }));
        // Act
        const { packed } = packBatch(batch);
        const unpacked = unpackBatch(structuredClone(packed));
        // Assess
        expect(unpacked).toEqual(batch);
      }),
      { numRuns: 200 },
    );
  });
});

describe('ingest with delivery workers', () => {
  it('writes the same files, byte for byte, as delivering on the main thread', async () => {
    // Prepare / Act
    const inline = await run(0);
    const threaded = await run(2);
    // Assess: every object (landing, gold, quarantine, the produced offsets) and the run's figures
    const expected = await digests(inline.store);
    expect(Object.keys(expected).filter((key) => key.startsWith('gold/')).length).toBeGreaterThan(20);
    expect(Object.keys(expected).some((key) => key.startsWith('quarantine/'))).toBe(true);
    expect(await digests(threaded.store)).toEqual(expected);
    const figures = ({ produced, esm, consumed, failedBatches }: IngestSummary) => ({ produced, esm, consumed, failedBatches });
    expect(figures(threaded.summary)).toEqual(figures(inline.summary));
  });

  it('retries a batch whose invocation fails in a worker and sends it to the on-failure destination, as inline', async () => {
    // Prepare: a file where the gold folder should be, so every gold write fails (ENOTDIR)
    const blockGold = (dir: string): Promise<void> => writeFile(join(dir, 'gold'), 'not a folder');
    // Act
    const inline = await run(0, blockGold);
    const threaded = await run(2, blockGold);
    // Assess
    const batchesOf = (summary: IngestSummary) =>
      summary.failedBatches
        .map(({ topic, partition, firstOffset, lastOffset, attempts, condition }) => ({ topic, partition, firstOffset, lastOffset, attempts, condition }))
        // Lanes finish in any order: compare the set of batches.
        .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition || a.firstOffset - b.firstOffset);
    expect(threaded.summary.esm.failedBatches).toBeGreaterThan(0);
    expect(threaded.summary.esm).toEqual(inline.summary.esm);
    expect(threaded.summary.esm.retries).toBe(threaded.summary.esm.failedBatches * ESM.maximumRetryAttempts);
    expect(batchesOf(threaded.summary)).toEqual(batchesOf(inline.summary));
    for (const failure of threaded.summary.failedBatches) expect(failure.error).toMatch(/ENOTDIR|EEXIST/);
    expect(Object.keys(await digests(threaded.store, 'aws/lambda/'))).toHaveLength(threaded.summary.failedBatches.length);
  });

  it('stops starting workers that die before answering, and fails every later batch with the cause', async () => {
    // Prepare: an entry that fails while it loads, as a broken install would
    const script = join(root.path, 'cannot-start.mjs');
    await writeFile(script, "throw new Error('this worker cannot start');\n");
    const workers = new DeliveryWorkers({ folder: join(root.path, 'unused'), functionTimeoutMs: 60_000 }, 2, pathToFileURL(script));
    const batch: LoggedMessage[] = [{ topic: 'user_events', key: 'k', value: Buffer.from('{}'), timestamp: 0, partition: 0, offset: 0, appendedAt: 0 }];
    const failures: string[] = [];

    try {
      // Act: batches until the pool gives up (it replaces the first deaths, as Lambda replaces a crashed sandbox)
      for (let attempt = 0; attempt <= WORKER_DEATHS_IN_A_ROW; attempt++) {
        failures.push(await workers.deliver(batch).then(() => 'delivered', (error: Error) => error.message));
      }

      // Assess: every batch failed; once the pool is broken a batch fails without a new worker, naming the cause
      expect(failures.every((message) => message.includes('this worker cannot start'))).toBe(true);
      await expect(workers.deliver(batch)).rejects.toThrow(
        new RegExp(`${WORKER_DEATHS_IN_A_ROW} delivery workers in a row died before answering; the last: .*this worker cannot start`),
      );
    } finally {
      await workers.close();
    }
  });

  it('refuses a bucket its workers cannot open themselves', async () => {
    // Prepare
    const store = new FolderObjectStore(join(root.path, 'unused'));
    const wrapped = { put: store.put.bind(store), get: store.get.bind(store), list: store.list.bind(store) };
    // Act / Assess
    await expect(ingest({ store: wrapped, source: [], esm: ESM, partitions: 1, deliveryWorkers: 1 })).rejects.toThrow(/folder bucket/);
  });
});
