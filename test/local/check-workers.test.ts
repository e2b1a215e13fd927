import '../support/quiet-powertools.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_THREAD_CHECKS, type FileChecker } from '../../lambdas/loader/file-checker.js';
import { DEFAULT_MAX_INFLATED_BYTES } from '../../lambdas/loader/file-to-csv.js';
import { RejectedFileError } from '../../lambdas/loader/rejected-file.js';
import { CheckWorkers } from '../../lambdas/local/check-workers.js';
import { WORKER_DEATHS_IN_A_ROW } from '../../lambdas/local/worker-deaths.js';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { catalogOf, NO_REFERENCE_DATA, type ReferenceCatalog } from '../../lambdas/shared/reference-catalog.js';
import { REFERENCE_CATALOG } from '../support/arbitraries.js';
import { tempFolder } from '../support/files.js';
import { consumeBatch, userEvent } from '../support/warehouse-fixtures.js';

let folder: Awaited<ReturnType<typeof tempFolder>>;
let goldKey = '';
let gold: Uint8Array;
const workers = new CheckWorkers({ workers: 2, inThreadFirst: 0 });

beforeAll(async () => {
  folder = await tempFolder('check-workers');
  const store = new FolderObjectStore(folder.path);
  await consumeBatch(store, 'user_events', [userEvent('E-1', 0), userEvent('E-2', 0), userEvent('E-3', 1)]);
  goldKey = (await store.list('gold/user_events/'))[0]!.key;
  gold = (await store.get(goldKey))!;
});

afterAll(async () => {
  await workers.close();
  await folder.remove();
});

/** What a checker makes of a file: its rows, or its rejection's message and counts. */
const outcome = (checker: FileChecker, body: Uint8Array, catalog: ReferenceCatalog) =>
  checker.check(goldKey, body, catalog, DEFAULT_MAX_INFLATED_BYTES).then(
    (checked) => ({ rows: checked.rows, sameBytes: 'bytes' in checked.source && checked.source.bytes === body }),
    (error: unknown) => (error instanceof RejectedFileError ? { rejected: error.message, rows: error.rows } : { error: String(error) }),
  );

describe('check workers (the local twin loader on worker threads)', () => {
  it('counts a gold file as the loader thread does, and hands back the very bytes it was given to load', async () => {
    // Act
    const [onWorkers, inThread] = await Promise.all([outcome(workers, gold, REFERENCE_CATALOG), outcome(IN_THREAD_CHECKS, gold, REFERENCE_CATALOG)]);

    // Assess
    expect(onWorkers).toEqual({ rows: 3, sameBytes: true });
    expect(onWorkers).toEqual(inThread);
  });

  it('checks against the catalog it is handed, each call its own: a user missing from it rejects the file, no catalog skips the check', async () => {
    // Prepare: a catalog without the fixture's users
    const strangers = catalogOf([], [...REFERENCE_CATALOG.ids.products]);

    // Act: the calls alternate catalogs, as a tick's gold and reference tables do
    const [rejected, unchecked, checked] = await Promise.all([
      outcome(workers, gold, strangers),
      outcome(workers, gold, NO_REFERENCE_DATA),
      outcome(workers, gold, REFERENCE_CATALOG),
    ]);

    // Assess
    expect(rejected).toEqual(await outcome(IN_THREAD_CHECKS, gold, strangers));
    expect(rejected).toMatchObject({ rejected: expect.stringContaining('unknown_user_id') as string, rows: { rowsParsed: 3, errorsSeen: 3 } });
    expect(unchecked).toEqual({ rows: 3, sameBytes: true });
    expect(checked).toEqual({ rows: 3, sameBytes: true });
  });

  it('rejects bytes that are not gzip, as the loader thread does', async () => {
    // Act
    const [onWorkers, inThread] = await Promise.all([
      outcome(workers, Buffer.from('not gzip'), REFERENCE_CATALOG),
      outcome(IN_THREAD_CHECKS, Buffer.from('not gzip'), REFERENCE_CATALOG),
    ]);

    // Assess
    expect(onWorkers).toMatchObject({ rejected: expect.stringContaining('is not a readable gzip file') as string });
    expect(onWorkers).toEqual(inThread);
  });

  it('rejects a check still running when the workers are closed, instead of leaving it pending forever', async () => {
    // Prepare
    const closing = new CheckWorkers({ workers: 1, inThreadFirst: 0 });
    const check = expect(closing.check(goldKey, gold, REFERENCE_CATALOG, DEFAULT_MAX_INFLATED_BYTES)).rejects.toThrow('closed before the check finished');

    // Act
    await closing.close();

    // Assess
    await check;
    await expect(closing.check(goldKey, gold, REFERENCE_CATALOG, DEFAULT_MAX_INFLATED_BYTES)).rejects.toThrow('closed');
  });

  it('starts its workers as soon as a load says it holds more files than the calling thread checks first, and checks on that thread until one is ready', async () => {
    // Prepare: a worker entry whose answers say where they came from
    const script = join(folder.path, 'marked-worker.mjs');
    await writeFile(
      script,
      `import { parentPort } from 'node:worker_threads';
parentPort.on('message', (message) => { if (message.kind === 'check') parentPort.postMessage({ id: message.id, fileName: 'from-the-worker.csv.gz', rows: 0 }); });
parentPort.postMessage({ ready: true });
`,
    );
    // A calling-thread budget no loop here reaches: where a check runs depends only on whether the pool was told and its worker is ready.
    const inThreadFirst = 1_000;
    const told = new CheckWorkers({ workers: 1, inThreadFirst, script: pathToFileURL(script) });
    const untold = new CheckWorkers({ workers: 1, inThreadFirst, script: pathToFileURL(script) });
    const checkedBy = async (checker: CheckWorkers): Promise<string> => {
      const checked = await checker.check(goldKey, gold, REFERENCE_CATALOG, DEFAULT_MAX_INFLATED_BYTES);
      return 'fileName' in checked.source && checked.source.fileName === 'from-the-worker.csv.gz' ? 'worker' : 'calling thread';
    };

    try {
      // Act: one pool is told of a load of one file more than its budget, the other of exactly its budget;
      // both check until the first is on its worker (however long a loaded machine takes to start it)
      told.expect(inThreadFirst + 1);
      untold.expect(inThreadFirst);
      const toldBy: string[] = [];
      const untoldBy: string[] = [];
      const deadline = Date.now() + 10_000;
      while (toldBy.at(-1) !== 'worker' && Date.now() < deadline) {
        toldBy.push(await checkedBy(told));
        untoldBy.push(await checkedBy(untold));
        await sleep(50);
      }

      // Assess: checks ran on the calling thread while the worker started, then on it; the pool
      // not told of a big load checked every file of it on the calling thread
      expect(toldBy.at(-1)).toBe('worker');
      expect(toldBy[0]).toBe('calling thread');
      expect(toldBy.slice(0, -1).every((by) => by === 'calling thread')).toBe(true);
      expect(untoldBy.every((by) => by === 'calling thread')).toBe(true);
    } finally {
      await told.close();
      await untold.close();
    }
  });

  it('stops starting workers that die before answering, and fails every later check with the cause', async () => {
    // Prepare: an entry that fails while it loads, as a broken install would
    const script = join(folder.path, 'cannot-start.mjs');
    await writeFile(script, "throw new Error('this worker cannot start');\n");
    const broken = new CheckWorkers({ workers: 2, inThreadFirst: 0, script: pathToFileURL(script) });
    const started: string[] = [];

    try {
      // Act: checks until the pool gives up (it replaces the first deaths, as it replaces a crash)
      for (let attempt = 0; attempt <= WORKER_DEATHS_IN_A_ROW; attempt++) {
        started.push(await broken.check(goldKey, gold, REFERENCE_CATALOG, DEFAULT_MAX_INFLATED_BYTES).then(() => 'checked', (error: Error) => error.message));
      }

      // Assess: every check failed; once the pool is broken a check fails without a new worker, naming the cause
      expect(started.every((message) => message.includes('this worker cannot start'))).toBe(true);
      await expect(broken.check(goldKey, gold, REFERENCE_CATALOG, DEFAULT_MAX_INFLATED_BYTES)).rejects.toThrow(
        new RegExp(`${WORKER_DEATHS_IN_A_ROW} check workers in a row died before answering; the last: .*this worker cannot start`),
      );
    } finally {
      await broken.close();
    }
  });
});
