import '../support/quiet-powertools.js';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeBatch } from '../../lambdas/consumer/consume-event.js';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { countObjectLedger, goldDataRows } from '../../lambdas/shared/object-ledger.js';
import { NO_REFERENCE_DATA } from '../../lambdas/shared/reference-catalog.js';
import { DEFAULT_ESM_SETTINGS } from '../../lambdas/local/esm-simulator.js';
import { ingest, publishReferenceData } from '../../lambdas/local/ingest.js';
import { generateEventStream } from '../../lambdas/producer/event-stream.js';
import { eventWindow } from '../../lambdas/producer/seasonality.js';
import { tempFolder } from '../support/files.js';
import { partitionBatch } from '../support/msk-event.js';
import { countRunFiles, filesUnder, gunzipFile, linesOf } from '../support/run-files.js';
import { parseCsvTable } from '../support/csv-parser.js';

let root: Awaited<ReturnType<typeof tempFolder>>;
let runs = 0;

/** A folder holding the files of a small local run with dirty records. */
const ingestedFolder = async (): Promise<{ dir: string; store: FolderObjectStore }> => {
  const dir = join(root.path, `run-${++runs}`);
  const store = new FolderObjectStore(dir);
  await publishReferenceData(store);
  await ingest({
    store,
    source: generateEventStream({ events: 4_000, seed: 8, window: eventWindow(new Date('2025-06-15T12:00:00Z'), 20), dirtyRate: 0.1 }),
    esm: { ...DEFAULT_ESM_SETTINGS, batchSize: 300 },
    partitions: 2,
  });
  return { dir, store };
};

/** The batch name a file of the run belongs to, e.g. `user_events+0+0-299`. */
const batchNameOf = (path: string): string => /([^/]+)\.(?:ndjson|csv)\.gz$/.exec(path)![1]!;

beforeAll(async () => {
  root = await tempFolder('ledger');
});

afterAll(async () => {
  await root.remove();
});

describe('countObjectLedger', () => {
  let run: Awaited<ReturnType<typeof ingestedFolder>>;
  beforeEach(async () => {
    run = await ingestedFolder();
  });

  it('balances the files of a run: nothing lost, no unbalanced batch, counts as in the files', async () => {
    // Prepare
    const files = await countRunFiles(run.dir);

    // Act
    const ledger = await countObjectLedger(run.store);

    // Assess
    expect(ledger.lost).toBe(0);
    expect(ledger.unbalanced).toEqual([]);
    expect(ledger.batches).toBe((await filesUnder(run.dir, 'landing')).length);
    for (const [topic, counts] of Object.entries(files)) {
      expect(ledger.topics[topic]).toEqual({ landed: counts.landing, gold: counts.gold, quarantined: counts.quarantine, lost: 0, duplicates: 0 });
    }
    expect(Object.values(ledger.reasons).reduce((a, b) => a + b, 0)).toBe(files.user_events!.quarantine + files.transactions!.quarantine);
  });

  it('counts the quarantined records by their first reason', async () => {
    // Prepare
    const lines = [];
    for (const path of await filesUnder(run.dir, 'quarantine')) lines.push(...linesOf(await gunzipFile(run.dir, path)));
    const expected: Record<string, number> = {};
    for (const line of lines) {
      const code = (JSON.parse(line) as { reasons: { code: string }[] }).reasons[0]!.code;
      expected[code] = (expected[code] ?? 0) + 1;
    }

    // Act
    const { reasons } = await countObjectLedger(run.store);

    // Assess
    expect(reasons).toEqual(expected);
  });

  it('reports the rows of a deleted gold file as lost, naming its batch as unbalanced', async () => {
    // Prepare
    const goldFile = (await filesUnder(run.dir, 'gold/user_events'))[0]!;
    const rows = parseCsvTable(await gunzipFile(run.dir, goldFile)).rows.length;
    await rm(join(run.dir, goldFile));

    // Act
    const ledger = await countObjectLedger(run.store);

    // Assess
    expect(rows).toBeGreaterThan(0);
    expect(ledger.lost).toBe(rows);
    expect(ledger.topics.user_events!.lost).toBe(rows);
    expect(ledger.unbalanced).toEqual([batchNameOf(goldFile)]);
  });

  it('reports the records of a deleted quarantine file as lost', async () => {
    // Prepare
    const quarantineFile = (await filesUnder(run.dir, 'quarantine/user_events'))[0]!;
    const records = linesOf(await gunzipFile(run.dir, quarantineFile)).length;
    await rm(join(run.dir, quarantineFile));

    // Act
    const ledger = await countObjectLedger(run.store);

    // Assess
    expect(ledger.lost).toBe(records);
    expect(ledger.unbalanced).toEqual([batchNameOf(quarantineFile)]);
  });
});

describe('countObjectLedger on hand-made files', () => {
  let store: FolderObjectStore;
  beforeEach(() => {
    store = new FolderObjectStore(join(root.path, `hand-${++runs}`));
  });

  const put = (key: string, text: string) => store.put(key, gzipSync(text), 'application/gzip');
  const landing = (count: number): string => Array.from({ length: count }, (_, i) => `{"offset":${i}}\n`).join('');
  const gold = (rows: number): string => `event_id,page_url\n${Array.from({ length: rows }, (_, i) => `e${i},/p\n`).join('')}`;

  it('counts a gold row whose quoted field holds a line break as one row', async () => {
    // Prepare: the consumer's own writer, a valid event whose page URL and search query hold line breaks
    const batch = partitionBatch('user_events', [
      {
        value: {
          event_id: 'e-1',
          user_id: 'USR-00001',
          session_id: 's-1',
          event_type: 'search',
          event_ts: '2025-03-01T11:00:00Z',
          page_url: '/search?q=a\nb',
          search_query: 'a\r\nb "quoted"',
          device_type: 'mobile',
          browser: 'chrome',
          operating_system: 'ios',
          referrer: 'direct',
        },
      },
    ]);
    const written = await writeBatch(store, batch, NO_REFERENCE_DATA);

    // Act
    const ledger = await countObjectLedger(store);

    // Assess
    expect(written.gold).toBe(1);
    expect(ledger.topics.user_events).toEqual({ landed: 1, gold: 1, quarantined: 0, lost: 0, duplicates: 0 });
    expect(ledger.lost).toBe(0);
  });

  it('does not let a batch with a row too many (a duplicate) hide a batch with a row too few (lost)', async () => {
    // Prepare
    // (gold rows name their source record, as the consumer writes them: offset 1 twice, offset 3 missing)
    const sourced = (offsets: number[]) => `event_id,kafka_partition,kafka_offset\n${offsets.map((offset, i) => `e${i},0,${offset}\n`).join('')}`;
    await put('landing/user_events/dt=2025-03-01/user_events+0+0-1.ndjson.gz', landing(2));
    await put('gold/user_events/dt=2025-03-01/user_events+0+0-1.csv.gz', sourced([0, 1, 1]));
    await put('landing/user_events/dt=2025-03-01/user_events+0+2-3.ndjson.gz', '{"offset":2}\n{"offset":3}\n');
    await put('gold/user_events/dt=2025-03-01/user_events+0+2-3.csv.gz', sourced([2]));

    // Act
    const ledger = await countObjectLedger(store);

    // Assess
    expect(ledger.unbalanced.sort()).toEqual(['user_events+0+0-1', 'user_events+0+2-3']);
    expect(ledger.lost).toBe(1);
    expect(ledger.partitions[0]!.unresolved).toEqual([{ first: 3, last: 3 }]);
    expect(ledger.duplicates).toBe(1);
  });

  it('counts rows and their offsets on the bytes as a reader of the decoded text does, whatever the fields hold', async () => {
    // Prepare: rows with quotes, commas, line breaks and non-ASCII text, offsets that are not always integers
    const quoted = (field: string): string => (/[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field);
    const rowArb = fc.record({
      note: fc.string({ maxLength: 12, unit: fc.constantFrom('a', ',', '"', '\n', 'é', '€', '7', ' ') }),
      partition: fc.oneof(fc.nat({ max: 3 }).map(String), fc.constantFrom('', 'x', ' 1')),
      offset: fc.oneof(fc.nat({ max: 40 }).map(String), fc.constantFrom('', '1e2', '١', '\u00a05', '12345678901234567')),
    });
    let files = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { maxLength: 12 }), fc.boolean(), async (rows, trailingBreak) => {
        const key = `gold/user_events/dt=2025-03-01/user_events+0+${files * 100}-${files++ * 100 + 99}.csv.gz`;
        const lines = ['note,kafka_partition,kafka_offset', ...rows.map((row) => [quoted(row.note), row.partition, row.offset].join(','))];
        const text = lines.join('\n') + (trailingBreak ? '\n' : '');
        await put(key, text);
        // Act
        const ledger = await countObjectLedger(store);
        // Assess
        const sourced = rows.filter((row) => Number.isSafeInteger(Number(row.partition)) && Number.isSafeInteger(Number(row.offset))).length;
        expect(ledger.goldFileRows.get(key)).toBe(rows.length);
        expect(goldDataRows(gzipSync(text))).toBe(rows.length);
        expect(ledger.topics.user_events?.gold).toBe(sourced);
        await rm(join(store.root, key));
      }),
      { numRuns: 60 },
    );
  });

  it('joins the files of a batch across prefixes by its name, whatever their dt folder', async () => {
    // Prepare
    await put('landing/transactions/dt=2025-03-01/transactions+2+10-14.ndjson.gz', landing(5));
    await put('gold/transactions/dt=2025-03-01/transactions+2+10-14.csv.gz', gold(3));
    await put('quarantine/transactions/dt=2025-03-01/transactions+2+10-14.ndjson.gz', '{"reasons":[{"code":"malformed_json"}]}\n{"offset":1}\n');

    // Act
    const ledger = await countObjectLedger(store);

    // Assess
    expect(ledger).toEqual({
      topics: { transactions: { landed: 5, gold: 3, quarantined: 2, lost: 0, duplicates: 0 } },
      partitions: [{ topic: 'transactions', partition: 2, produced: undefined, committed: undefined, landed: 5, pending: [], gaps: [], unresolved: [], unconsumed: [], overlaps: 0, unproduced: 0 }],
      source: 'landing',
      group: undefined,
      batches: 1,
      unbalanced: [],
      reasons: { malformed_json: 1, unrecorded: 1 },
      lost: 0,
      pending: 0,
      duplicates: 0,
      overlaps: 0,
      unconsumed: 0,
      unreadableOnFailure: [],
      goldFileRows: new Map([['gold/transactions/dt=2025-03-01/transactions+2+10-14.csv.gz', 3]]),
      goldObjects: [expect.objectContaining({ key: 'gold/transactions/dt=2025-03-01/transactions+2+10-14.csv.gz' })],
    });
  });

  it('counts topics named after Object.prototype members like any other topic', async () => {
    // Prepare: unknown topics from a replay file land and are quarantined under their own names
    for (const topic of ['__proto__', 'constructor', 'toString']) {
      await put(`landing/${topic}/dt=2025-03-01/${topic}+0+0-1.ndjson.gz`, landing(2));
      await put(`quarantine/${topic}/dt=2025-03-01/${topic}+0+0-1.ndjson.gz`, '{"reasons":[{"code":"unknown_topic"}]}\n{"reasons":[{"code":"unknown_topic"}]}\n');
    }

    // Act
    const ledger = await countObjectLedger(store);

    // Assess
    expect(Object.entries(ledger.topics).sort()).toEqual(
      ['__proto__', 'constructor', 'toString'].map((topic) => [topic, { landed: 2, gold: 0, quarantined: 2, lost: 0, duplicates: 0 }]).sort(),
    );
    expect(ledger).toMatchObject({ batches: 3, lost: 0, reasons: { unknown_topic: 6 } });
    expect(({} as Record<string, unknown>).landed).toBeUndefined();
  });

  it('counts every record of a file of several gzip members, whose trailer declares only the last member', async () => {
    // Prepare: `cat a.gz b.gz`, a valid gzip file; the read-back sizes its gunzip buffer from the trailer
    const records = landing(3000).split('\n').filter(Boolean);
    const [head, tail] = [records.slice(0, 2990).join('\n') + '\n', records.slice(2990).join('\n') + '\n'];
    await store.put('landing/user_events/dt=2025-03-01/user_events+0+0-2999.ndjson.gz', Buffer.concat([gzipSync(head), gzipSync(tail)]), 'application/gzip');
    await store.put('gold/user_events/dt=2025-03-01/user_events+0+0-2999.csv.gz', Buffer.concat([gzipSync(gold(2990)), gzipSync(gold(10).replace(/^.*\n/, ''))]), 'application/gzip');

    // Act
    const ledger = await countObjectLedger(store);

    // Assess
    expect(ledger.topics.user_events).toMatchObject({ landed: 3000, gold: 3000, lost: 0 });
    expect(ledger.unbalanced).toEqual([]);
  });

  it('ignores files whose names are not batch names and counts an empty store as balanced', async () => {
    // Prepare
    await put('landing/notes/readme.txt.gz', 'hello\n');

    // Act
    const ledger = await countObjectLedger(store);

    // Assess
    expect(ledger).toMatchObject({ topics: {}, partitions: [], batches: 0, unbalanced: [], reasons: {}, lost: 0, pending: 0, duplicates: 0, overlaps: 0 });
  });
});
